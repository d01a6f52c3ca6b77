// Profile script URLs → workspace documents (VS Code side; the URL parsing and suffix matching
// are pure, in ../profile/paths.ts). A URL that names an existing file maps exactly; otherwise a
// workspace file with the same name (and the longest common path suffix) is used and the
// mapping is marked approximate: profiles are often recorded on another machine or in a container.
import * as vscode from 'vscode';
import { applyPathMappings, bestSuffixMatch, classifyProfileUrl, pathMappingsFrom, type PathMapping, type ProfileLocation } from '../profile/paths';

export interface ResolvedFile {
  uri: vscode.Uri;
  /** True when found by file name rather than by the recorded path. */
  approximate: boolean;
  /** True when found through `perflens.profile.pathMappings`. */
  mapped?: boolean;
}

/** `perflens.profile.pathMappings` with ${workspaceFolder} (and ${workspaceFolder:name}) substituted. */
export function configuredPathMappings(): PathMapping[] {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const setting = vscode.workspace.getConfiguration('perflens.profile').get<unknown>('pathMappings');
  return pathMappingsFrom(setting, (value) =>
    value
      .replace(/\$\{workspaceFolder:([^}]+)\}/g, (whole, name: string) => folders.find((f) => f.name === name)?.uri.fsPath ?? whole)
      .replace(/\$\{workspaceFolder\}/g, folders[0]?.uri.fsPath ?? '${workspaceFolder}')
      .replace(/^~(?=[\\/]|$)/, process.env.HOME ?? process.env.USERPROFILE ?? '~'),
  );
}

/** A mapped local path (or URI string) → Uri. */
function localUri(pathOrUri: string): vscode.Uri {
  if (/^[a-zA-Z][a-zA-Z0-9+.-]+:\/\//.test(pathOrUri) && !/^[a-zA-Z]:[\\/]/.test(pathOrUri)) return vscode.Uri.parse(pathOrUri);
  return vscode.Uri.file(pathOrUri);
}

export interface Resolution {
  /** Profile URL → workspace file. */
  files: Map<string, ResolvedFile>;
  /** URLs of user scripts (not Node internals) that were not found. */
  missing: string[];
}

const caseInsensitiveFs = process.platform === 'win32' || process.platform === 'darwin';

/** A stable key for comparing document URIs (case-folded on case-insensitive file systems). */
export function uriKey(uri: vscode.Uri): string {
  if (uri.scheme === 'file') return `file:${caseInsensitiveFs ? uri.fsPath.toLowerCase() : uri.fsPath}`;
  return uri.toString();
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    return (stat.type & vscode.FileType.File) !== 0;
  } catch {
    return false;
  }
}

function directCandidates(loc: ProfileLocation): vscode.Uri[] {
  const folders = vscode.workspace.workspaceFolders ?? [];
  switch (loc.kind) {
    case 'absolute':
      // A Windows path only means something on Windows (and a POSIX path not there).
      if (loc.windows !== (process.platform === 'win32')) return [];
      return [vscode.Uri.file(loc.path)];
    case 'relative':
      return folders.map((f) => vscode.Uri.joinPath(f.uri, loc.path));
    default:
      return [];
  }
}

const GLOB_SPECIAL = /[{}[\]*?,!\\]/;

/** Maps every URL; cancellable. Internal and URL-less scripts are skipped silently. */
export async function resolveProfileUrls(urls: Iterable<string>, token?: vscode.CancellationToken, mappings: readonly PathMapping[] = configuredPathMappings()): Promise<Resolution> {
  const files = new Map<string, ResolvedFile>();
  const pending: Array<{ url: string; loc: ProfileLocation & { segments: string[] } }> = [];
  for (const url of new Set(urls)) {
    if (token?.isCancellationRequested) break;
    const loc = classifyProfileUrl(url);
    if (loc.kind === 'internal' || loc.kind === 'none') continue;
    const mapped = applyPathMappings(url, mappings);
    if (mapped !== undefined) {
      const uri = localUri(mapped);
      if (await exists(uri)) {
        files.set(url, { uri, approximate: false, mapped: true });
        continue;
      }
    }
    let found: vscode.Uri | undefined;
    for (const candidate of directCandidates(loc)) {
      if (await exists(candidate)) {
        found = candidate;
        break;
      }
    }
    if (found) files.set(url, { uri: found, approximate: false });
    else pending.push({ url, loc });
  }

  // Fallback: same file name somewhere in the workspace, best path suffix wins.
  const missing: string[] = [];
  if (pending.length && vscode.workspace.workspaceFolders?.length && !token?.isCancellationRequested) {
    const names = [...new Set(pending.map((p) => p.loc.segments[p.loc.segments.length - 1]).filter((n) => n && !GLOB_SPECIAL.test(n)))];
    const found: vscode.Uri[] = [];
    for (let i = 0; i < names.length && !token?.isCancellationRequested; i += 50) {
      const chunk = names.slice(i, i + 50);
      const glob = chunk.length === 1 ? `**/${chunk[0]}` : `**/{${chunk.join(',')}}`;
      found.push(...(await vscode.workspace.findFiles(glob, undefined, 5000, token)));
    }
    const candidates = found.map((uri) => ({ uri, segments: vscode.workspace.asRelativePath(uri, true).replace(/\\/g, '/').split('/').filter(Boolean) }));
    for (const { url, loc } of pending) {
      const inNodeModules = loc.segments.includes('node_modules');
      const pool = candidates.filter((c) => inNodeModules || !c.segments.includes('node_modules'));
      const best = bestSuffixMatch(
        loc.segments,
        pool.map((c) => c.segments),
        caseInsensitiveFs || (loc.kind === 'absolute' && loc.windows),
      );
      if (best) files.set(url, { uri: pool[best.index].uri, approximate: true });
      else missing.push(url);
    }
  } else missing.push(...pending.map((p) => p.url));
  return { files, missing };
}
