// Source maps: profile positions (always in the generated JS) → original TypeScript lines. PURE:
// functions take file contents; the I/O is a generator job answered by an adapter (./io.ts).
// docs/profile-formats.md §4:
//  - function start (callFrame line+1, column) → originalPositionFor, GREATEST_LOWER_BOUND;
//  - a sampled line has no column: look up its first non-whitespace column (indented lines have
//    no mapping at column 0), falling back to LEAST_UPPER_BOUND;
//  - minified single-line bundles: every tick is on line 1, so a tick on the function's own start
//    line uses the callFrame column, which gives function-level heat in the right .ts function;
//  - Chrome traces give a column per sample, which is mapped exactly.
import { AnyMap, GREATEST_LOWER_BOUND, LEAST_UPPER_BOUND, originalPositionFor, traceSegment, type TraceMap } from '@jridgewell/trace-mapping';
import { classifyProfileUrl } from './paths';
import type { IoJob, ScriptReply } from './io';
import type { CallTree, CallTreeNodeInput, Frame, LineWeights } from './types';

export interface MappedScript {
  /** The generated script's URL as the profile recorded it. */
  profileUrl: string;
  /** Where the map was read from ("inline" maps use the script's URL). */
  mapUrl: string;
  map: TraceMap;
  /** First non-whitespace column of each generated line (0-based); computed lazily from the text. */
  firstCodeColumn(line0: number): number;
  /** Identifier that starts at (line0, column) of the generated text, if any. */
  identifierAt(line0: number, column: number): string | undefined;
}

export interface OriginalPosition {
  /** Resolved source URL (absolute when the map's location was absolute). */
  url: string;
  line0: number;
  column0: number;
  name: string | null;
}

/** The value of the last `//# sourceMappingURL=` (or `//@`, or `/*# … *\/`) comment, if any. */
export function findSourceMappingUrl(text: string): string | undefined {
  let at = text.length;
  for (let guard = 0; guard < 8; guard++) {
    const i = text.lastIndexOf('sourceMappingURL', at);
    if (i < 0) return undefined;
    at = i - 1;
    const before = text.slice(Math.max(0, i - 4), i);
    if (!/(?:\/\/|\/\*)[#@]\s?$/.test(before)) continue;
    const re = /sourceMappingURL[ \t]*=[ \t]*([^\s'"*]+)/y;
    re.lastIndex = i;
    const m = re.exec(text);
    if (m) return m[1];
  }
  return undefined;
}

/** Decodes a `data:` URL (base64 or percent-encoded) to text; undefined when it is not one. */
export function decodeDataUrl(url: string): string | undefined {
  const m = /^data:([^,]*?),/i.exec(url);
  if (!m) return undefined;
  const body = url.slice(m[0].length);
  try {
    if (/;base64$/i.test(m[1])) {
      const binary = atob(body.replace(/\s+/g, ''));
      const bytes = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
      return new TextDecoder('utf-8').decode(bytes);
    }
    return decodeURIComponent(body);
  } catch {
    return undefined;
  }
}

/** Resolves a possibly relative reference against an absolute URL; raw OS paths become file URLs. */
export function resolveUrl(base: string, ref: string): string {
  if (/^[a-zA-Z]:[\\/]/.test(ref)) return `file:///${ref.replace(/\\/g, '/')}`;
  if (ref.startsWith('\\\\')) return `file:${ref.replace(/\\/g, '/')}`;
  try {
    return new URL(ref, base).toString();
  } catch {
    return ref;
  }
}

/** Builds the lookup for one generated script; throws a plain Error with a reason when the map is unusable. */
export function createMappedScript(profileUrl: string, generatedText: string | undefined, mapText: string, mapUrl: string): MappedScript {
  let json: unknown;
  try {
    json = JSON.parse(mapText.replace(/^\)\]\}'[^\n]*\n/, '')); // XSSI prefix some servers add
  } catch (e) {
    throw new Error(`the source map is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof json !== 'object' || json === null || (!('mappings' in json) && !('sections' in json))) throw new Error('the source map has no "mappings"');
  let map: TraceMap;
  try {
    map = new AnyMap(json as never, mapUrl);
  } catch (e) {
    throw new Error(`the source map cannot be read (${e instanceof Error ? e.message : String(e)})`);
  }
  let lineStarts: Int32Array | undefined;
  const starts = (): Int32Array => {
    if (lineStarts) return lineStarts;
    const text = generatedText ?? '';
    let count = 1;
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) count++;
    lineStarts = new Int32Array(count + 1);
    let k = 1;
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts[k++] = i + 1;
    lineStarts[count] = text.length + 1;
    return lineStarts;
  };
  return {
    profileUrl,
    mapUrl,
    map,
    firstCodeColumn(line0) {
      if (generatedText === undefined) return 0;
      const s = starts();
      if (line0 < 0 || line0 + 1 >= s.length) return 0;
      const end = s[line0 + 1] - 1;
      for (let i = s[line0]; i < end; i++) {
        const c = generatedText.charCodeAt(i);
        if (c !== 32 && c !== 9 && c !== 13) return i - s[line0];
      }
      return 0;
    },
    identifierAt(line0, column) {
      if (generatedText === undefined) return undefined;
      const s = starts();
      if (line0 < 0 || line0 + 1 >= s.length) return undefined;
      const from = s[line0] + column;
      const m = /^[\p{L}\p{Nl}$_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}$_]*/u.exec(generatedText.slice(from, Math.min(from + 256, s[line0 + 1])));
      return m?.[0];
    },
  };
}

/**
 * Original position of a generated one. `column0` < 0 means "the line, no column": the first code
 * column of the line is looked up. Returns undefined when the generated line has no mapping.
 */
export function originalPosition(script: MappedScript, line0: number, column0: number): OriginalPosition | undefined {
  if (line0 < 0) return undefined;
  const column = column0 >= 0 ? column0 : script.firstCodeColumn(line0);
  let pos = originalPositionFor(script.map, { line: line0 + 1, column, bias: GREATEST_LOWER_BOUND });
  if (pos.source === null || pos.line === null) pos = originalPositionFor(script.map, { line: line0 + 1, column: column0 >= 0 ? column0 : 0, bias: LEAST_UPPER_BOUND });
  if (pos.source === null || pos.line === null || pos.column === null) return undefined;
  return { url: pos.source, line0: pos.line - 1, column0: pos.column, name: pos.name };
}

/** The original name of a minified function: the map's name for the identifier V8 reported. */
function originalName(script: MappedScript, frame: Frame, mappedName: string | null): string {
  if (!mappedName || mappedName === frame.functionName) return frame.functionName;
  const seg = traceSegment(script.map, frame.line, frame.column);
  if (!seg) return frame.functionName;
  const generated = script.identifierAt(frame.line, seg[0]);
  if (!generated) return frame.functionName;
  const reported = frame.functionName.split('.').pop() ?? '';
  // Only rename when V8's name is the generated identifier at that spot (i.e. a minifier renamed it).
  return reported === generated || frame.functionName === '' ? mappedName : frame.functionName;
}

/**
 * Translates a CallTree's generated positions to original ones. Frames of scripts without a map
 * are kept. Does not mutate `tree`. Native frames' line weights (recorded in the calling script)
 * are mapped with their nearest JS ancestor's script.
 */
export function remapCallTree(tree: CallTree, scripts: ReadonlyMap<string, MappedScript>): CallTree {
  if (scripts.size === 0) return tree;
  const mappedFrames: Frame[] = tree.frames.map((f) => {
    const script = f.kind === 'js' ? scripts.get(f.url) : undefined;
    if (!script) return f;
    // The script's top level (V8: an anonymous function at 0:0) belongs to no one original
    // function (in a bundle, to no one source): keep it generated; its lines are mapped below.
    if (f.functionName === '' && f.line === 0 && f.column <= 0) return f;
    const pos = originalPosition(script, f.line, f.column);
    if (!pos) return f;
    return { functionName: originalName(script, f, pos.name), url: pos.url, scriptId: '', line: pos.line0, column: pos.column0, kind: 'js' };
  });

  // Nearest JS ancestor of every node (iteratively, memoised; -1 = none). Parent cycles end at -1.
  const count = tree.nodes.length;
  const owner = new Int32Array(count).fill(-2);
  for (let i = 0; i < count; i++) {
    if (owner[i] !== -2) continue;
    const path: number[] = [];
    let j = i;
    let result = -1;
    while (j >= 0 && j < count) {
      if (owner[j] !== -2) {
        result = owner[j];
        break;
      }
      if (tree.frames[tree.nodes[j].frame]?.kind === 'js') {
        result = j;
        break;
      }
      if (tree.frames[tree.nodes[j].frame]?.kind !== 'native' || path.length > count) break;
      owner[j] = -3; // in progress: a cycle ends here
      path.push(j);
      j = tree.nodes[j].parent;
      if (j >= 0 && owner[j] === -3) break;
    }
    for (const k of path) owner[k] = result;
    if (owner[i] === -2 || owner[i] === -3) owner[i] = result;
  }

  const nodes: CallTreeNodeInput[] = tree.nodes.map((n, i) => {
    if (!n.lines || n.lines.lines.length === 0) return n;
    const o = owner[i];
    if (o < 0) return n;
    const ownerFrame = tree.frames[tree.nodes[o].frame];
    const script = scripts.get(ownerFrame.url);
    const mappedOwner = mappedFrames[tree.nodes[o].frame];
    if (!script) return n;
    return { ...n, lines: remapLines(n.lines, script, ownerFrame, mappedOwner) };
  });

  const sourceMapped = [...(tree.sourceMapped ?? [])];
  for (const s of scripts.values()) sourceMapped.push({ generated: s.profileUrl, map: s.mapUrl });
  return { ...tree, frames: mappedFrames, nodes, sourceMapped };
}

function remapLines(lw: LineWeights, script: MappedScript, generatedFrame: Frame, mappedFrame: Frame): LineWeights {
  const merged = new Map<string, { line: number; url: string | undefined; weight: number }>();
  for (let k = 0; k < lw.lines.length; k++) {
    const line = lw.lines[k];
    let column = lw.columns?.[k] ?? -1;
    // No column and the tick is on the function's own start line (always so in a minified
    // one-line bundle): the callFrame column says which function that is.
    if (column < 0 && line === generatedFrame.line && generatedFrame.column >= 0) column = generatedFrame.column;
    const pos = lw.urls?.[k] ? undefined : originalPosition(script, line, column);
    // Unmapped lines stay where they were when the function itself was not mapped, else they go
    // to the function's (mapped) first line.
    const fallback = mappedFrame === generatedFrame ? line : mappedFrame.line;
    const target = pos ? { line: pos.line0, url: pos.url === mappedFrame.url ? undefined : pos.url } : { line: fallback, url: undefined };
    if (target.line < 0) continue;
    const key = `${target.url ?? ''}\u0000${target.line}`;
    const m = merged.get(key);
    if (m) m.weight += lw.weights[k];
    else merged.set(key, { ...target, weight: lw.weights[k] });
  }
  const out: LineWeights = { lines: [], weights: [] };
  let anyUrl = false;
  for (const m of merged.values()) {
    out.lines.push(m.line);
    out.weights.push(m.weight);
    if (m.url) anyUrl = true;
  }
  if (anyUrl) out.urls = [...merged.values()].map((m) => m.url);
  return out;
}

/** Profile URLs whose scripts might have a source map (user code with a file, not internals). */
export function mappableUrls(tree: CallTree): string[] {
  const urls = new Set<string>();
  for (const f of tree.frames) {
    if (f.kind !== 'js' || !f.url || urls.has(f.url)) continue;
    const loc = classifyProfileUrl(f.url);
    if (loc.kind === 'internal' || loc.kind === 'none') continue;
    urls.add(f.url);
  }
  return [...urls];
}

export interface SourceMapResult {
  scripts: Map<string, MappedScript>;
  /** Maps that were referenced but could not be used (shown as notes). */
  problems: string[];
}

/**
 * The I/O job that finds the source maps of `urls`: the script is located on this machine, then
 * its `sourceMappingURL` (inline data URL or relative/absolute URL) or else `<script>.map` is read.
 */
export function* sourceMapJob(urls: readonly string[]): IoJob<SourceMapResult> {
  const scripts = new Map<string, MappedScript>();
  const problems: string[] = [];
  for (const url of urls) {
    const script = (yield { op: 'script', profileUrl: url }) as ScriptReply | undefined;
    if (!script || typeof script !== 'object' || typeof script.text !== 'string') continue;
    const ref = findSourceMappingUrl(script.text);
    let mapText: string | undefined;
    let mapUrl = script.url;
    if (ref && /^data:/i.test(ref)) {
      mapText = decodeDataUrl(ref);
      if (mapText === undefined) problems.push(`${url}: its inline source map cannot be decoded.`);
    } else {
      const candidates = ref ? [resolveUrl(script.url, ref)] : [];
      candidates.push(`${script.url}.map`);
      for (const c of [...new Set(candidates)]) {
        const text = (yield { op: 'readUrl', url: c }) as string | undefined;
        if (typeof text === 'string') {
          mapText = text;
          mapUrl = c;
          break;
        }
      }
      if (mapText === undefined && ref) problems.push(`${url}: its source map ${ref} was not found.`);
    }
    if (mapText === undefined) continue;
    try {
      scripts.set(url, createMappedScript(url, script.text, mapText, mapUrl));
    } catch (e) {
      problems.push(`${url}: ${e instanceof Error ? e.message : String(e)}.`);
    }
  }
  return { scripts, problems };
}
