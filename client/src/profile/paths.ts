// Profile URLs → something to look up in a workspace. PURE: no file system access; the VS Code
// side (client/src/heat/workspaceFiles.ts) does the lookups. docs/profile-formats.md §5.5.

export type ProfileLocation =
  /** An absolute path on the recording machine. `path` uses forward slashes, is percent-decoded, and a Windows drive letter is lower-case ("c:/Temp/x.js"). */
  | { kind: 'absolute'; path: string; windows: boolean; segments: string[] }
  /** A relative path ("src/app.js"); only meaningful relative to a workspace folder. */
  | { kind: 'relative'; path: string; segments: string[] }
  /** A web URL (http, https, webpack, …): only its path can be matched, approximately. */
  | { kind: 'remote'; path: string; segments: string[] }
  /** Node/V8/browser internals: never a workspace file. */
  | { kind: 'internal' }
  /** No URL (eval, inline script, native code). */
  | { kind: 'none' };

/** Old Node versions recorded bare names for their own modules ("timers.js", "module.js"). */
const OLD_NODE_INTERNAL_NAMES = new Set([
  'bootstrap_node.js', 'module.js', 'timers.js', 'events.js', 'buffer.js', 'fs.js', 'path.js', 'util.js', 'stream.js', 'net.js', 'tty.js',
  'vm.js', 'url.js', 'os.js', 'assert.js', 'child_process.js', 'cluster.js', 'crypto.js', 'dgram.js', 'dns.js', 'domain.js', 'http.js',
  'https.js', 'querystring.js', 'readline.js', 'repl.js', 'string_decoder.js', 'tls.js', 'zlib.js', 'console.js', 'punycode.js',
]);

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const splitSegments = (p: string): string[] => p.split('/').filter((s) => s !== '' && s !== '.');

function absolute(p: string): ProfileLocation {
  let path = p.replace(/\\/g, '/');
  const drive = /^\/?([a-zA-Z]):(\/|$)/.exec(path);
  if (drive) {
    path = `${drive[1].toLowerCase()}:${path.slice(drive[0].length - drive[2].length)}`;
    if (!path.includes('/')) path += '/';
    return { kind: 'absolute', path, windows: true, segments: splitSegments(path.slice(2)) };
  }
  const unc = path.startsWith('//');
  return { kind: 'absolute', path, windows: unc, segments: splitSegments(path) };
}

/** Classifies a `callFrame.url` (or a legacy/other format's file name). */
export function classifyProfileUrl(url: string): ProfileLocation {
  const u = url.trim();
  if (u === '') return { kind: 'none' };
  if (/^(node:|internal[/\\]|<node_internals>|evalmachine\.<anonymous>|extensions::|native |v8\/|chrome:|chrome-extension:|devtools:|wasm:|debugger:|vm\d+)/i.test(u) || OLD_NODE_INTERNAL_NAMES.has(u))
    return { kind: 'internal' };
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]+):/.exec(u);
  if (scheme && scheme[1].toLowerCase() === 'file') {
    // file:///abs, file:///C:/x, file://host/share/x
    const rest = u.slice(5);
    if (rest.startsWith('///')) return absolute(decode(rest.slice(2)));
    if (rest.startsWith('//')) {
      const afterHost = rest.slice(2);
      const slash = afterHost.indexOf('/');
      const host = slash < 0 ? afterHost : afterHost.slice(0, slash);
      const path = slash < 0 ? '/' : afterHost.slice(slash);
      if (host === '' || host.toLowerCase() === 'localhost') return absolute(decode(path));
      return absolute(`//${host}${decode(path)}`);
    }
    return absolute(decode(rest));
  }
  if (/^[a-zA-Z]:[\\/]/.test(u)) return absolute(u); // C:\dir\x.js (Windows path recorded raw)
  if (scheme && scheme[1].length > 1) {
    // http(s)://host/a/b.js?x, webpack:///./src/x.ts, …
    const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/*[^/]*(\/[^?#]*)?/.exec(u);
    const path = decode(m?.[1] ?? '');
    const segments = splitSegments(path);
    return segments.length ? { kind: 'remote', path, segments } : { kind: 'none' };
  }
  if (u.startsWith('/') || u.startsWith('\\\\')) return absolute(u);
  const rel = u.replace(/\\/g, '/');
  const segments = splitSegments(rel).filter((s) => s !== '..');
  return segments.length ? { kind: 'relative', path: rel, segments } : { kind: 'none' };
}

/** Last path segment of a location, or undefined. */
export function baseName(loc: ProfileLocation): string | undefined {
  return 'segments' in loc ? loc.segments[loc.segments.length - 1] : undefined;
}

/**
 * Picks the candidate whose path shares the longest suffix (in whole segments) with `segments`.
 * At least the file name must match. `ambiguous` is true when another candidate matches as long.
 */
export function bestSuffixMatch(
  segments: readonly string[],
  candidates: ReadonlyArray<readonly string[]>,
  caseInsensitive: boolean,
): { index: number; matched: number; ambiguous: boolean } | undefined {
  const norm = (s: string) => (caseInsensitive ? s.toLowerCase() : s);
  let best: { index: number; matched: number; ambiguous: boolean } | undefined;
  candidates.forEach((cand, index) => {
    let k = 0;
    while (k < segments.length && k < cand.length && norm(segments[segments.length - 1 - k]) === norm(cand[cand.length - 1 - k])) k++;
    if (k === 0) return;
    if (!best || k > best.matched) best = { index, matched: k, ambiguous: false };
    else if (k === best.matched) {
      // Prefer the shorter path (closer to the workspace root) but remember the tie.
      if (cand.length < candidates[best.index].length) best = { index, matched: k, ambiguous: true };
      else best.ambiguous = true;
    }
  });
  return best;
}

/** `perflens.profile.pathMappings`: a recorded path prefix → the local folder that holds the same files. */
export interface PathMapping {
  /** Prefix as recorded: "/srv/app", "C:\\build", "file:///app", or a web prefix "http://localhost:3000/". */
  from: string;
  /** Local folder (absolute path or URI string, placeholders already substituted). */
  to: string;
}

/** Mappings from a settings object `{ "/srv/app": "${workspaceFolder}" }` (non-string values are skipped). */
export function pathMappingsFrom(setting: unknown, substitute: (value: string) => string = (v) => v): PathMapping[] {
  if (typeof setting !== 'object' || setting === null || Array.isArray(setting)) return [];
  return Object.entries(setting as Record<string, unknown>)
    .filter((e): e is [string, string] => typeof e[1] === 'string' && e[0].trim() !== '' && e[1].trim() !== '')
    .map(([from, to]) => ({ from: from.trim(), to: substitute(to.trim()) }));
}

/**
 * Rewrites a profile URL through the mapping with the longest matching prefix (whole path segments;
 * case-insensitive for Windows paths). Returns the local path (`to` + the rest, "/"-separated), or
 * undefined when no mapping applies.
 */
export function applyPathMappings(url: string, mappings: readonly PathMapping[]): string | undefined {
  let best: { rest: string; to: string; length: number } | undefined;
  const join = (to: string, rest: string) => (rest ? `${to.replace(/[\\/]+$/, '')}/${rest}` : to);
  for (const m of mappings) {
    const fromScheme = /^([a-zA-Z][a-zA-Z0-9+.-]+):/.exec(m.from);
    if (fromScheme && fromScheme[1].toLowerCase() !== 'file' && fromScheme[1].length > 1) {
      // Web (or bundler) prefix: literal match on the URL.
      if (url.startsWith(m.from) && (!best || m.from.length > best.length)) {
        best = { rest: url.slice(m.from.length).replace(/^\/+/, '').replace(/[?#].*$/, ''), to: m.to, length: m.from.length };
      }
      continue;
    }
    const loc = classifyProfileUrl(url);
    const from = classifyProfileUrl(m.from);
    if (loc.kind !== 'absolute' && loc.kind !== 'relative') continue;
    if (from.kind !== 'absolute' && from.kind !== 'relative') continue;
    const ci = (loc.kind === 'absolute' && loc.windows) || (from.kind === 'absolute' && from.windows);
    const a = ci ? loc.path.toLowerCase() : loc.path;
    const p = (ci ? from.path.toLowerCase() : from.path).replace(/\/+$/, '');
    if (a === p || a.startsWith(`${p}/`)) {
      if (!best || p.length > best.length) best = { rest: loc.path.slice(p.length).replace(/^\/+/, ''), to: m.to, length: p.length };
    }
  }
  return best ? join(best.to, best.rest) : undefined;
}
