// Loading a profile in VS Code: the vscode.workspace.fs adapter for the pure model's I/O jobs.
// Shared by the import command, the profile editor and the Hot Paths view.
//   file or folder → CallTree (large files are parsed in a worker thread, cancellable)
//   → generated scripts found in the workspace (path mappings, exact path, by file name)
//   → their source maps → remapped CallTree → Profile → original files found in the workspace.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import { configuredPathMappings, resolveProfileUrls, type Resolution } from '../heat/workspaceFiles';
import { ProfileError, isProfileError } from '../profile/errors';
import { CancelledError, runJobAsync, type IoReply, type IoRequest } from '../profile/io';
import { importProfileText, openProfileJob } from '../profile/open';
import { profileFromTree } from '../profile/convert';
import { mappableUrls, remapCallTree, sourceMapJob } from '../profile/sourcemap';
import type { CallTree, ImportOptions, Profile } from '../profile/types';

export interface LoadedProfile {
  /** What the user picked (a file or a folder). */
  uri: vscode.Uri;
  /** Display name: the picked file or folder name. */
  name: string;
  profile: Profile;
  /** Profile URLs → workspace files. */
  resolution: Resolution;
  /** Size of the file that was read. */
  bytes: number;
  /** True when `uri` is a folder (Clinic.js, 0x): the profile editor cannot open it. */
  folder: boolean;
}

export interface LoadOptions {
  thread?: string;
  token?: vscode.CancellationToken;
  report?: (message: string) => void;
}

/** Files at least this large are parsed in a worker thread (smaller ones are faster inline). */
const WORKER_MIN_BYTES = 2 * 1024 * 1024;
let workerScript: string | undefined;

/** Called once at activation with the extension's folder (dist/client/profileWorker.js lives there). */
export function setExtensionPath(extensionPath: string): void {
  const candidate = path.join(extensionPath, 'dist', 'client', 'profileWorker.js');
  workerScript = fs.existsSync(candidate) ? candidate : undefined;
}

export function fileName(uri: vscode.Uri): string {
  const parts = uri.path.split('/').filter(Boolean);
  return parts[parts.length - 1] || uri.toString();
}

function cancelled(): ProfileError {
  return new ProfileError('cancelled', 'The import was cancelled.');
}

/** Adapter paths: a file system path for file: URIs, the URI string otherwise. */
const pathOf = (uri: vscode.Uri): string => (uri.scheme === 'file' ? uri.fsPath : uri.toString());
const uriOf = (p: string): vscode.Uri => (/^[a-zA-Z][a-zA-Z0-9+.-]+:\/\//.test(p) && !/^[a-zA-Z]:[\\/]/.test(p) ? vscode.Uri.parse(p) : vscode.Uri.file(p));
const decode = (bytes: Uint8Array): string => new TextDecoder('utf-8').decode(bytes);

async function readUri(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return undefined;
  }
}

/** Imports a profile file in a worker thread (or inline for small files / when the worker is missing). */
async function importFile(filePath: string, size: number, options: ImportOptions, token?: vscode.CancellationToken): Promise<CallTree> {
  const uri = uriOf(filePath);
  if (!workerScript || size < WORKER_MIN_BYTES) {
    const bytes = await vscode.workspace.fs.readFile(uri);
    if (token?.isCancellationRequested) throw cancelled();
    await new Promise((r) => setTimeout(r, 0)); // let the progress message render
    return importProfileText(decode(bytes), options);
  }
  let request: { path?: string; bytes?: Uint8Array; options: ImportOptions };
  const transfer: ArrayBuffer[] = [];
  if (uri.scheme === 'file') request = { path: uri.fsPath, options };
  else {
    const bytes = await vscode.workspace.fs.readFile(uri);
    request = { bytes, options };
    if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) transfer.push(bytes.buffer);
  }
  if (token?.isCancellationRequested) throw cancelled();
  const worker = new Worker(workerScript);
  return new Promise<CallTree>((resolve, reject) => {
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      sub?.dispose();
      void worker.terminate();
      fn();
    };
    const sub = token?.onCancellationRequested(() => finish(() => reject(cancelled())));
    worker.on('message', (m: { ok: boolean; tree?: CallTree; code?: string; message?: string; details?: ProfileError['details'] }) =>
      finish(() => (m.ok && m.tree ? resolve(m.tree) : reject(new ProfileError((m.code ?? 'unreadable') as ProfileError['code'], m.message ?? 'It cannot be read.', m.details ?? {})))),
    );
    worker.on('error', (e) => finish(() => reject(new ProfileError('unreadable', `It cannot be read: ${e.message}`))));
    worker.on('exit', (code) => finish(() => reject(new ProfileError('unreadable', `It cannot be read: the import worker stopped (exit code ${code}).`))));
    worker.postMessage(request, transfer);
  });
}

/** The vscode.workspace.fs answers to the model's I/O requests. */
function handler(generated: Resolution | undefined, token?: vscode.CancellationToken) {
  return async (r: IoRequest): Promise<IoReply> => {
    switch (r.op) {
      case 'stat':
        try {
          const s = await vscode.workspace.fs.stat(uriOf(r.path));
          return { type: s.type & vscode.FileType.Directory ? 'dir' : 'file', size: s.size };
        } catch {
          return undefined;
        }
      case 'list':
        try {
          return (await vscode.workspace.fs.readDirectory(uriOf(r.path))).map(([name]) => name);
        } catch {
          return undefined;
        }
      case 'read':
        return readUri(uriOf(r.path));
      case 'readUrl':
        try {
          return await readUri(vscode.Uri.parse(r.url, true));
        } catch {
          return undefined;
        }
      case 'script': {
        const local = generated?.files.get(r.profileUrl);
        if (!local) return undefined;
        const text = await readUri(local.uri);
        return text === undefined ? undefined : { url: local.uri.toString(), text };
      }
      case 'import':
        return importFile(r.path, r.size, r.options, token);
    }
  };
}

/** Reads, imports, source-maps and resolves a profile. Throws ProfileError (code 'cancelled' when cancelled). */
export async function loadProfile(uri: vscode.Uri, options: LoadOptions = {}): Promise<LoadedProfile> {
  const { token, report } = options;
  const isCancelled = () => token?.isCancellationRequested === true;
  try {
    const opened = await runJobAsync(openProfileJob(pathOf(uri), { thread: options.thread, report }), handler(undefined, token), isCancelled);
    let tree = opened.tree;
    report?.('finding the source files…');
    const mappings = configuredPathMappings();
    const candidates = mappableUrls(tree);
    const generated = await resolveProfileUrls(candidates, token, mappings);
    if (isCancelled()) throw cancelled();
    report?.('reading source maps…');
    const maps = await runJobAsync(sourceMapJob(candidates.filter((u) => generated.files.has(u))), handler(generated, token), isCancelled);
    if (maps.scripts.size) tree = remapCallTree(tree, maps.scripts);
    if (maps.problems.length) tree = { ...tree, notes: [...(tree.notes ?? []), ...maps.problems] };
    const profile = profileFromTree(tree);
    const resolution = maps.scripts.size
      ? await resolveProfileUrls([...profile.files.values()].map((f) => f.url).filter((u) => u !== ''), token, mappings)
      : generated;
    if (isCancelled()) throw cancelled();
    return { uri, name: fileName(uri), profile, resolution, bytes: opened.bytes, folder: opened.file !== pathOf(uri) };
  } catch (e) {
    if (e instanceof CancelledError) throw cancelled();
    throw e;
  }
}

/** "PerfLens: cannot import "x.cpuprofile": <what is wrong>" */
export function describeLoadError(uri: vscode.Uri, error: unknown): string {
  const what = isProfileError(error) ? error.message : `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
  return `PerfLens: cannot import "${fileName(uri)}": ${what}`;
}
