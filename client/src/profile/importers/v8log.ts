// V8 `--prof` log (`isolate-0x…-v8.log`, what 0x and `node --prof` write) → CallTree. PURE.
// docs/profile-formats.md §2.4. Unlike 0x's ticks.json and Clinic's samples, the raw log keeps each
// tick's timestamp and code offsets, so it gives real times and per-line heat:
//   code-creation,<type>,<kind>,<time>,<addr>,<size>,<name>[,<sfi>,<state>]   (JS names "fn file:L:C")
//   code-move,<from>,<to> · code-delete,<addr>
//   code-source-info,<addr>,<script>,<start>,<end>,<positions C<off>O<srcpos>[I<inl>]…>,<inlining F<fn>O<pos>[I<parent>]…>,<fns S<sfi>…>
//   script-source,<id>,<url>,<source>
//   shared-library,<path>,<start>,<end>,<slide>
//   tick,<pc>,<time µs>,<is external callback>,<tos or callback>,<vm state>,<return addresses…>
// Fields are comma-separated; commas, backslashes and control characters inside are escaped
// (\x2C, \\, \n, \xNN, \uNNNN). Stacks are leaf first. The leaf's executing line comes from its
// code offset mapped through the code's source positions and the script text.
import { ProfileError } from '../errors';
import { timingFromTimestamps } from '../timing';
import type { CallTree, CallTreeNodeInput, Frame, ImportOptions } from '../types';
import { parseV8FrameName } from './ticks';

/** Looks like a V8 log: its first line is one of the records V8 writes first. */
export function isV8Log(text: string): boolean {
  return /^(v8-version|shared-library|code-creation|profiler|tick|heap-capacity|v8-platform),/.test(text.slice(0, 64));
}

function unescape(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|n|r|t|\\)/g, (_, e: string) => {
    if (e === 'n') return '\n';
    if (e === 'r') return '\r';
    if (e === 't') return '\t';
    if (e === '\\') return '\\';
    return String.fromCharCode(parseInt(e.slice(1), 16));
  });
}

const addrOf = (s: string | undefined): number => (s && /^0x[0-9a-fA-F]+$/.test(s) ? parseInt(s, 16) : NaN);

interface CodeEntry {
  start: number;
  size: number;
  frame: number;
  /** Bytecode (V8 logs the exact bytecode offset of interpreted frames, not a return address). */
  interpreted: boolean;
  /** Source positions: triples (code offset, source offset, inlining id or -1). */
  positions?: Int32Array;
  script?: number;
  /** Inlining table: triples (function index into `inlined`, call-site source offset, parent inlining id or -1). */
  inlining?: Int32Array;
  /** SFI addresses of the inlined functions. */
  inlined?: number[];
}

/** Code objects by address: a page table (4 KB pages → entries overlapping the page). */
class CodeMap {
  private readonly pages = new Map<number, CodeEntry[]>();
  readonly byStart = new Map<number, CodeEntry>();
  add(e: CodeEntry): void {
    this.remove(e.start);
    this.byStart.set(e.start, e);
    const last = Math.floor((e.start + Math.max(1, e.size) - 1) / 4096);
    for (let p = Math.floor(e.start / 4096); p <= last; p++) {
      let list = this.pages.get(p);
      if (!list) this.pages.set(p, (list = []));
      list.push(e);
    }
  }
  remove(start: number): CodeEntry | undefined {
    const e = this.byStart.get(start);
    if (!e) return undefined;
    this.byStart.delete(start);
    const last = Math.floor((e.start + Math.max(1, e.size) - 1) / 4096);
    for (let p = Math.floor(e.start / 4096); p <= last; p++) {
      const list = this.pages.get(p);
      if (!list) continue;
      const i = list.indexOf(e);
      if (i >= 0) list.splice(i, 1);
      if (!list.length) this.pages.delete(p);
    }
    return e;
  }
  move(from: number, to: number): void {
    const e = this.remove(from);
    if (e) this.add({ ...e, start: to });
  }
  find(addr: number): CodeEntry | undefined {
    const list = this.pages.get(Math.floor(addr / 4096));
    if (!list) return undefined;
    for (let i = list.length - 1; i >= 0; i--) {
      const e = list[i];
      if (addr >= e.start && addr < e.start + e.size) return e;
    }
    return undefined;
  }
}

/** 0-based line of a character offset (line starts computed once per script). */
class Scripts {
  private readonly sources = new Map<number, { url: string; text: string; starts?: Int32Array }>();
  private readonly byUrl = new Map<string, number>();
  set(id: number, url: string, text: string): void {
    this.sources.set(id, { url, text });
    this.byUrl.set(url, id);
  }
  idOf(url: string): number | undefined {
    return this.byUrl.get(url);
  }
  url(id: number): string | undefined {
    return this.sources.get(id)?.url;
  }
  lineOf(id: number, offset: number): number {
    const s = this.sources.get(id);
    if (!s || offset < 0) return -1;
    if (!s.starts) {
      const starts = [0];
      for (let i = 0; i < s.text.length; i++) if (s.text.charCodeAt(i) === 10) starts.push(i + 1);
      s.starts = Int32Array.from(starts);
    }
    let lo = 0;
    let hi = s.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

function parsePositions(text: string): Int32Array | undefined {
  const out: number[] = [];
  const re = /C(\d+)O(\d+)(?:I(\d+))?/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) out.push(Number(m[1]), Number(m[2]), m[3] === undefined ? -1 : Number(m[3]));
  return out.length ? Int32Array.from(out) : undefined;
}

function parseInlining(text: string): Int32Array | undefined {
  const out: number[] = [];
  const re = /F(\d+)O(\d+)(?:I(\d+))?/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) out.push(Number(m[1]), Number(m[2]), m[3] === undefined ? -1 : Number(m[3]));
  return out.length ? Int32Array.from(out) : undefined;
}

/** Index (in triples) of the last position at or before a code offset, or -1. */
function positionAt(positions: Int32Array, codeOffset: number): number {
  let best = -1;
  for (let k = 0; k < positions.length; k += 3) {
    if (positions[k] <= codeOffset) best = k;
    else break;
  }
  return best;
}

const VM_GC = 1;
const VM_IDLE = 8;

export function importV8Log(text: string, options: ImportOptions = {}): CallTree {
  const frames: Frame[] = [{ functionName: '(root)', url: '', scriptId: '', line: -1, column: -1, kind: 'special' }];
  const frameIds = new Map<string, number>();
  const frameOf = (key: string, make: () => Frame): number => {
    let id = frameIds.get(key);
    if (id === undefined) {
      id = frames.length;
      frames.push(make());
      frameIds.set(key, id);
    }
    return id;
  };
  const special = (name: string) => frameOf(`s\u0000${name}`, () => ({ functionName: name, url: '', scriptId: '', line: -1, column: -1, kind: 'special' }));
  const code = new CodeMap();
  const sfiFrame = new Map<number, number>();
  const scripts = new Scripts();
  const libs: Array<{ start: number; end: number; frame: number }> = [];
  const nodes: CallTreeNodeInput[] = [{ frame: 0, parent: -1, selfMs: 0, sampleCount: 0 }];
  const children: Array<Map<number, number>> = [new Map()];
  const lineWeights: Array<Map<number, number> | undefined> = [undefined];
  const tickNode: number[] = [];
  const tickTime: number[] = [];
  let badLines = 0;

  const child = (parent: number, frame: number): number => {
    let c = children[parent].get(frame);
    if (c === undefined) {
      c = nodes.length;
      nodes.push({ frame, parent, selfMs: 0, sampleCount: 0 });
      children.push(new Map());
      lineWeights.push(undefined);
      children[parent].set(frame, c);
    }
    return c;
  };

  /** Frames (innermost first) and their executing lines for a code offset in JS code `e`. */
  const expand = (e: CodeEntry, offset: number): Array<{ frame: number; line: number }> => {
    const k = e.positions ? positionAt(e.positions, offset) : -1;
    if (!e.positions || k < 0 || e.script === undefined) return [{ frame: e.frame, line: -1 }];
    const src = e.positions[k + 1];
    let inl = e.positions[k + 2];
    if (inl < 0 || !e.inlining || !e.inlined) return [{ frame: e.frame, line: scripts.lineOf(e.script, src) }];
    const out: Array<{ frame: number; line: number }> = [];
    let at = src;
    for (let guard = 0; inl >= 0 && guard < 64; guard++) {
      const t = inl * 3;
      if (t + 2 >= e.inlining.length) break;
      const fr = sfiFrame.get(e.inlined[e.inlining[t]] ?? -1);
      if (fr === undefined) break;
      const script = scripts.idOf(frames[fr].url);
      out.push({ frame: fr, line: script === undefined ? -1 : scripts.lineOf(script, at) });
      at = e.inlining[t + 1];
      inl = e.inlining[t + 2];
    }
    out.push({ frame: e.frame, line: scripts.lineOf(e.script, at) });
    return out;
  };

  let pos = 0;
  const length = text.length;
  while (pos < length) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = length;
    const line = text.slice(pos, end);
    pos = end + 1;
    const comma = line.indexOf(',');
    if (comma < 0) continue;
    const kind = line.slice(0, comma);
    if (kind === 'tick') {
      const f = line.split(',');
      const time = Number(f[2]);
      if (!Number.isFinite(time)) {
        badLines++;
        continue;
      }
      const vm = Number(f[5]);
      const stack: number[] = [];
      const pc = addrOf(f[1]);
      if (pc) stack.push(pc);
      if (f[3] === '1') {
        const cb = addrOf(f[4]);
        if (cb) stack.push(cb);
      }
      for (let k = 6; k < f.length; k++) {
        const a = addrOf(f[k]);
        if (a) stack.push(a);
      }
      // Resolve leaf first (a code object expands to its inlined frames, innermost first);
      // remember the executing line of the topmost JS frame.
      const resolved: number[] = [];
      let leafLine = -1;
      let lastNative = -1;
      for (let k = 0; k < stack.length; k++) {
        const a = stack[k];
        const e = code.find(a);
        const chain: Array<{ frame: number; line: number }> = [];
        if (e) {
          if (frames[e.frame].kind === 'js') chain.push(...expand(e, a - e.start - (k === 0 || e.interpreted ? 0 : 1)));
          else chain.push({ frame: e.frame, line: -1 });
        } else {
          const lib = libs.find((l) => a >= l.start && a < l.end);
          if (lib) chain.push({ frame: lib.frame, line: -1 });
        }
        for (const { frame: fr, line: ln } of chain) {
          if (leafLine === -1 && frames[fr].kind === 'js') leafLine = ln >= 0 ? ln : -2; // -2: known JS frame, no position
          if (frames[fr].kind === 'native' && fr === lastNative) continue;
          lastNative = frames[fr].kind === 'native' ? fr : -1;
          resolved.push(fr);
        }
      }
      let node = 0;
      for (let k = resolved.length - 1; k >= 0; k--) node = child(node, resolved[k]);
      if (vm === VM_GC) node = child(node, special('(garbage collector)'));
      else if (vm === VM_IDLE && resolved.length === 0) node = child(node, special('(idle)'));
      else if (resolved.length === 0) node = child(node, special('(program)'));
      if (leafLine >= 0 && vm !== VM_GC) {
        let m = lineWeights[node];
        if (!m) lineWeights[node] = m = new Map();
        m.set(leafLine, (m.get(leafLine) ?? 0) + 1);
      }
      tickNode.push(node);
      tickTime.push(time);
    } else if (kind === 'code-creation') {
      const f = line.split(',');
      const start = addrOf(f[4]);
      const size = Number(f[5]);
      if (!Number.isFinite(start) || !(size >= 0)) {
        badLines++;
        continue;
      }
      const type = f[1];
      const name = unescape(f[6] ?? '');
      let frame: number;
      if (type === 'JS' || type === 'Eval' || type === 'Script' || type === 'Function' || type === 'LazyCompile') {
        const p = parseV8FrameName(name);
        frame = p
          ? frameOf(`j\u0000${p.functionName}\u0000${p.file}\u0000${p.line}\u0000${p.column}`, () => ({ functionName: p.functionName, url: p.file, scriptId: '', line: p.line - 1, column: p.column - 1, kind: 'js' }))
          : frameOf(`n\u0000${name}`, () => ({ functionName: name || '(anonymous)', url: '', scriptId: '', line: -1, column: -1, kind: 'native' }));
      } else {
        const label = `${name} [${type}]`;
        frame = frameOf(`n\u0000${label}`, () => ({ functionName: label, url: '', scriptId: '', line: -1, column: -1, kind: 'native' }));
      }
      code.add({ start, size, frame, interpreted: f[8] === '~' });
      const sfi = addrOf(f[7]);
      if (Number.isFinite(sfi) && frames[frame].kind === 'js') sfiFrame.set(sfi, frame);
    } else if (kind === 'code-source-info') {
      const f = line.split(',');
      const e = code.byStart.get(addrOf(f[1]));
      if (!e) continue;
      e.script = Number(f[2]);
      e.positions = parsePositions(f[5] ?? '');
      e.inlining = parseInlining(f[6] ?? '');
      const fns = (f[7] ?? '').match(/S0x[0-9a-fA-F]+/g);
      if (fns) e.inlined = fns.map((x) => parseInt(x.slice(3), 16));
    } else if (kind === 'script-source') {
      const second = line.indexOf(',', comma + 1);
      const third = line.indexOf(',', second + 1);
      if (second < 0 || third < 0) continue;
      scripts.set(Number(line.slice(comma + 1, second)), unescape(line.slice(second + 1, third)), unescape(line.slice(third + 1)));
    } else if (kind === 'code-move') {
      const f = line.split(',');
      code.move(addrOf(f[1]), addrOf(f[2]));
    } else if (kind === 'code-delete') {
      code.remove(addrOf(line.slice(comma + 1)));
    } else if (kind === 'shared-library') {
      const f = line.split(',');
      const start = addrOf(f[f.length - 3]);
      const endAddr = addrOf(f[f.length - 2]);
      const path = unescape(f.slice(1, f.length - 3).join(','));
      if (Number.isFinite(start) && Number.isFinite(endAddr)) {
        const label = `${path.split('/').pop() || path} [native]`;
        libs.push({ start, end: endAddr, frame: frameOf(`n\u0000${label}`, () => ({ functionName: label, url: '', scriptId: '', line: -1, column: -1, kind: 'native' })) });
      }
    }
  }
  if (tickNode.length === 0) throw new ProfileError('empty-profile', 'The V8 log has no ticks (was it recorded with --prof, and did the program run long enough?).');

  const timing = timingFromTimestamps(tickTime, tickTime.length, undefined);
  for (let i = 0; i < tickNode.length; i++) {
    nodes[tickNode[i]].selfMs += timing.durationsMs[i];
    nodes[tickNode[i]].sampleCount++;
  }
  for (let i = 0; i < nodes.length; i++) {
    const m = lineWeights[i];
    if (m) nodes[i].lines = { lines: [...m.keys()], weights: [...m.values()] };
  }
  const warnings: string[] = [];
  if (badLines) warnings.push(`${badLines} malformed log line(s) were skipped.`);
  if (timing.backwards) warnings.push(`${timing.backwards} tick time(s) went backwards and were clamped.`);
  void options;
  return {
    format: '0x',
    frames,
    nodes,
    warnings,
    precision: 'lines',
    notes: ['Read from the raw V8 --prof log (tick times and code offsets → executing lines).'],
    startMs: tickTime.length ? tickTime[0] / 1000 : undefined,
  };
}
