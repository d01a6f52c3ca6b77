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
