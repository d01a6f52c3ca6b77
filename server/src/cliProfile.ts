// `perflens profile <file-or-folder> [--format text|json] [--source-root <dir>]`: where the time
// went, mapped to source (through source maps). The profile model is the client's pure one
// (client/src/profile, bundled in); this file is its node:fs adapter and the printers.
//
// JSON (one object): {"version":1,"format":"cpuprofile|chrome-trace|clinic-flame|0x|speedscope",
//   "totalMs":…, "functions":[{"name","path","line","selfMs","totalMs"}], "lines":[{"path","line","selfMs"}]}
// with 1-based lines, paths relative to the source root when inside it, both lists by selfMs
// descending. Exit 0 on success, 2 (one line on stderr) on a usage error or unreadable input.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  bestSuffixMatch,
  busyMs,
  classifyProfileUrl,
  formatMs,
  isProfileError,
  mappableUrls,
  openProfileJob,
  profileFromTree,
  publicFormat,
  remapCallTree,
  runJobSync,
  sourceMapJob,
  withInlineImport,
  type IoReply,
  type IoRequest,
  type Profile,
} from '../../client/src/profile/index';

export const PROFILE_USAGE = `Usage: perflens profile <file-or-folder> [--format text|json] [--source-root <dir>]

Reads a CPU profile (.cpuprofile from node --cpu-prof / Chrome DevTools / VS Code, a Chrome or
Lighthouse trace, a speedscope file, a Clinic.js flame folder or a 0x folder) and prints where the
time went, mapped to source files through source maps. --source-root (default: the current
folder) is where recorded paths are looked up and what printed paths are relative to.
Exit 0 on success, 2 on a usage error or unreadable input.`;

export interface ProfileReport {
  version: 1;
  format: 'cpuprofile' | 'chrome-trace' | 'clinic-flame' | '0x' | 'speedscope';
  totalMs: number;
  functions: Array<{ name: string; path: string; line: number; selfMs: number; totalMs: number }>;
  lines: Array<{ path: string; line: number; selfMs: number }>;
}

class UsageError extends Error {}

interface Args {
  target: string;
  format: 'text' | 'json';
  sourceRoot: string;
}

function parseArgs(args: string[], cwd: string): Args | 'help' {
  let target: string | undefined;
  let format: 'text' | 'json' = 'text';
  let sourceRoot: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = (): string => {
      const v = args[++i];
      if (v === undefined || v === '') throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === '--help' || a === '-h') return 'help';
    if (a === '--format' || a === '-f') {
      const v = value();
      if (v !== 'text' && v !== 'json') throw new UsageError(`--format must be text or json (got '${v}')`);
      format = v;
    } else if (a.startsWith('--format=')) {
      const v = a.slice(9);
      if (v !== 'text' && v !== 'json') throw new UsageError(`--format must be text or json (got '${v}')`);
      format = v;
    } else if (a === '--source-root') sourceRoot = value();
    else if (a.startsWith('--source-root=')) sourceRoot = a.slice(14);
    else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option '${a}'`);
    else if (target === undefined) target = a;
    else throw new UsageError(`only one profile at a time (got '${target}' and '${a}')`);
  }
  if (target === undefined) throw new UsageError('missing <file-or-folder> (try: perflens profile profile.cpuprofile)');
  const root = path.resolve(cwd, sourceRoot ?? '.');
  if (sourceRoot !== undefined && !isDir(root)) throw new UsageError(`--source-root ${sourceRoot} is not a folder`);
  return { target: path.resolve(cwd, target), format, sourceRoot: root };
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

const WALK_LIMIT = 50_000;
const SKIP_DIRS = new Set(['.git', '.hg', '.svn', '.clinic', '.vscode-test']);

/**
 * Finds local files for recorded script URLs: the recorded path when it exists here, else the
 * file under the source root whose path shares the longest suffix (profiles are often recorded on
 * another machine or in a container). Cached; the source root is walked once, lazily.
 */
export class LocalFiles {
  private index: Map<string, string[][]> | undefined;
  private readonly cache = new Map<string, string | null>();
  private readonly caseInsensitive = process.platform === 'win32' || process.platform === 'darwin';

  constructor(readonly sourceRoot: string) {}

  /** Local absolute path of a recorded URL/path, or undefined. */
  locate(url: string): string | undefined {
    let hit = this.cache.get(url);
    if (hit === undefined) {
      hit = this.find(url) ?? null;
      this.cache.set(url, hit);
    }
    return hit ?? undefined;
  }

  private find(url: string): string | undefined {
    const loc = classifyProfileUrl(url);
    if (loc.kind === 'internal' || loc.kind === 'none') return undefined;
    if (loc.kind === 'absolute' && loc.windows === (process.platform === 'win32') && isFile(loc.path)) return path.resolve(loc.path);
    if (loc.kind === 'relative') {
      const p = path.resolve(this.sourceRoot, loc.path);
      if (isFile(p)) return p;
    }
    const segments = loc.segments;
    const name = segments[segments.length - 1];
    if (!name) return undefined;
    const key = this.caseInsensitive || (loc.kind === 'absolute' && loc.windows) ? name.toLowerCase() : name;
    const pool = (this.files().get(key) ?? []).filter((c) => segments.includes('node_modules') || !c.includes('node_modules'));
    const best = bestSuffixMatch(segments, pool, this.caseInsensitive || (loc.kind === 'absolute' && loc.windows));
    return best ? path.join(this.sourceRoot, ...pool[best.index]) : undefined;
  }

  private files(): Map<string, string[][]> {
    if (this.index) return this.index;
    const index = new Map<string, string[][]>();
    const stack: string[][] = [[]];
    let seen = 0;
    while (stack.length && seen < WALK_LIMIT) {
      const rel = stack.pop()!;
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(path.join(this.sourceRoot, ...rel), { withFileTypes: true });
      } catch {
        continue;
      }
      for (const e of entries) {
        if (e.isDirectory()) {
          if (!SKIP_DIRS.has(e.name)) stack.push([...rel, e.name]);
        } else if (e.isFile()) {
          seen++;
          const key = this.caseInsensitive ? e.name.toLowerCase() : e.name;
          let list = index.get(key);
          if (!list) index.set(key, (list = []));
          list.push([...rel, e.name]);
        }
      }
    }
    this.index = index;
    return index;
  }
}

function readText(p: string): string | undefined {
  try {
    return fs.readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
}

/** The node:fs adapter for the profile model's I/O jobs. */
export function nodeIoHandler(files: LocalFiles): (request: IoRequest) => IoReply {
  return (r) => {
    switch (r.op) {
      case 'stat':
        try {
          const s = fs.statSync(r.path);
          return s.isDirectory() ? { type: 'dir', size: 0 } : s.isFile() ? { type: 'file', size: s.size } : undefined;
        } catch {
          return undefined;
        }
      case 'list':
        try {
          return fs.readdirSync(r.path);
        } catch {
          return undefined;
        }
      case 'read':
        return readText(r.path);
      case 'readUrl': {
        if (!/^file:/i.test(r.url)) return undefined;
        try {
          return readText(fileURLToPath(r.url));
        } catch {
          return undefined;
        }
      }
      case 'script': {
        const local = files.locate(r.profileUrl);
        const text = local ? readText(local) : undefined;
        return local && text !== undefined ? { url: pathToFileURL(local).href, text } : undefined;
      }
      default:
        return undefined;
    }
  };
}

/** Reads, source-maps and builds a profile with node:fs (the CLI's whole pipeline). Throws ProfileError. */
export function loadProfileFromDisk(target: string, sourceRoot: string): { profile: Profile; files: LocalFiles } {
  const files = new LocalFiles(sourceRoot);
  const handle = withInlineImport(nodeIoHandler(files));
  const opened = runJobSync(openProfileJob(target), handle);
  let tree = opened.tree;
  const maps = runJobSync(sourceMapJob(mappableUrls(tree)), handle);
  if (maps.scripts.size) tree = remapCallTree(tree, maps.scripts);
  if (maps.problems.length) tree = { ...tree, notes: [...(tree.notes ?? []), ...maps.problems] };
  return { profile: profileFromTree(tree), files };
}

const round1 = (ms: number) => Math.round(ms * 10) / 10;

/** The report: paths resolved to local files (relative to the source root when inside it). */
export function buildReport(profile: Profile, files: LocalFiles): ProfileReport {
  const shown = new Map<string, string>();
  const display = (url: string): string => {
    let s = shown.get(url);
    if (s === undefined) {
      const local = files.locate(url);
      if (local) {
        const rel = path.relative(files.sourceRoot, local);
        s = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : local;
      } else {
        const loc = classifyProfileUrl(url);
        s = loc.kind === 'absolute' && !loc.windows ? loc.path : url;
      }
      shown.set(url, s);
    }
    return s;
  };
  const fnMap = new Map<string, ProfileReport['functions'][number]>();
  for (const f of profile.functions) {
    if (f.kind !== 'js' || f.line < 0 || !(f.selfMs > 0 || f.totalMs > 0)) continue;
    const p = f.url ? display(f.url) : `<script ${f.scriptId}>`;
    const name = f.functionName || '(anonymous)';
    const key = `${name}\u0000${p}\u0000${f.line}`;
    const e = fnMap.get(key);
    if (e) {
      e.selfMs += f.selfMs;
      e.totalMs = Math.max(e.totalMs, f.totalMs);
    } else fnMap.set(key, { name, path: p, line: f.line + 1, selfMs: f.selfMs, totalMs: f.totalMs });
  }
  const lineMap = new Map<string, ProfileReport['lines'][number]>();
  for (const file of profile.files.values()) {
    const p = file.url ? display(file.url) : `<script ${file.scriptId}>`;
    for (const l of file.lines) {
      if (!(l.selfMs > 0)) continue;
      const key = `${p}\u0000${l.line}`;
      const e = lineMap.get(key);
      if (e) e.selfMs += l.selfMs;
      else lineMap.set(key, { path: p, line: l.line + 1, selfMs: l.selfMs });
    }
  }
  const functions = [...fnMap.values()]
    .sort((a, b) => b.selfMs - a.selfMs || b.totalMs - a.totalMs || a.path.localeCompare(b.path) || a.line - b.line)
    .map((f) => ({ ...f, selfMs: round1(f.selfMs), totalMs: round1(f.totalMs) }));
  const lines = [...lineMap.values()]
    .sort((a, b) => b.selfMs - a.selfMs || a.path.localeCompare(b.path) || a.line - b.line)
    .map((l) => ({ ...l, selfMs: round1(l.selfMs) }));
  return { version: 1, format: publicFormat(profile.format), totalMs: round1(profile.durationMs), functions, lines };
}

function pad(s: string, n: number, right = false): string {
  if (s.length >= n) return s;
  return right ? s.padStart(n) : s.padEnd(n);
}

function sourceLine(files: LocalFiles, cache: Map<string, string[] | null>, p: string, line: number): string {
  const abs = path.isAbsolute(p) ? p : path.join(files.sourceRoot, p);
  let lines = cache.get(abs);
  if (lines === undefined) {
    const t = readText(abs);
    lines = t === undefined ? null : t.split(/\r?\n/);
    cache.set(abs, lines);
  }
  const text = lines?.[line - 1]?.trim() ?? '';
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

export function formatText(report: ProfileReport, profile: Profile, files: LocalFiles, target: string): string {
  const out: string[] = [];
  const busy = busyMs(profile);
  const pct = (ms: number) => (busy > 0 ? `${((100 * ms) / busy).toFixed(1)}%` : '-');
  out.push(`PerfLens profile: ${path.basename(target)} (${report.format}, ${formatMs(profile.durationMs)}${profile.idleMs > 0 ? `, ${formatMs(profile.idleMs)} idle` : ''}, ${profile.sampleCount.toLocaleString('en-US')} samples)`);
  if (profile.sourceMapped.length) out.push(`Source maps: ${profile.sourceMapped.length} script(s) mapped to their sources.`);
  for (const n of profile.notes) out.push(`Note: ${n}`);
  for (const w of profile.warnings) out.push(`Warning: ${w}`);
  out.push('', `Top functions by self time (% of ${formatMs(busy)} busy time):`);
  out.push(`  ${pad('self', 9, true)} ${pad('%', 6, true)} ${pad('total', 9, true)} ${pad('%', 6, true)}  function (file:line)`);
  const top = report.functions.filter((f) => f.selfMs >= 0.05).slice(0, 20);
  for (const f of top) {
    out.push(`  ${pad(formatMs(f.selfMs), 9, true)} ${pad(pct(f.selfMs), 6, true)} ${pad(formatMs(f.totalMs), 9, true)} ${pad(pct(f.totalMs), 6, true)}  ${f.name} (${f.path}:${f.line})`);
  }
  if (report.functions.length > top.length) out.push(`  … ${report.functions.length - top.length} more (use --format json for all)`);
  if (profile.precision === 'lines') {
    const cache = new Map<string, string[] | null>();
    out.push('', 'Hottest lines:');
    for (const l of report.lines.slice(0, 15)) {
      const text = sourceLine(files, cache, l.path, l.line);
      out.push(`  ${pad(formatMs(l.selfMs), 9, true)} ${pad(pct(l.selfMs), 6, true)}  ${l.path}:${l.line}${text ? `  ${text}` : ''}`);
    }
  } else out.push('', 'No per-line data in this profile: time is known per function only.');
  return out.join('\n') + '\n';
}

export function runProfile(args: string[], cwd: string, out: (s: string) => void, err: (s: string) => void): number {
  let parsed: Args | 'help';
  try {
    parsed = parseArgs(args, cwd);
  } catch (e) {
    err(`perflens profile: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }
  if (parsed === 'help') {
    out(PROFILE_USAGE + '\n');
    return 0;
  }
  const shownTarget = path.relative(cwd, parsed.target) || parsed.target;
  try {
    const { profile, files } = loadProfileFromDisk(parsed.target, parsed.sourceRoot);
    const report = buildReport(profile, files);
    out(parsed.format === 'json' ? JSON.stringify(report) + '\n' : formatText(report, profile, files, parsed.target));
    return 0;
  } catch (e) {
    const why = isProfileError(e) ? e.message : `unexpected error: ${e instanceof Error ? e.message : String(e)}`;
    err(`perflens profile: cannot read ${shownTarget}: ${why.replace(/\s*\n\s*/g, ' ')}\n`);
    return 2;
  }
}
