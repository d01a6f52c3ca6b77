// Chrome trace-event JSON (DevTools Performance panel, chrome://tracing, Lighthouse, Perfetto
// JSON export) → CallTree. PURE. docs/profile-formats.md §1.7:
//  - a bare array of events or `{traceEvents: […]}`;
//  - `Profile` (startTime) + `ProfileChunk` events grouped by pid + id; nodes arrive spread over
//    the chunks and point to their `parent` (some also list `children`); chunks may lack `args.data`;
//  - per-sample `lines[]` / `columns[]` are 1-based (0 = none) and give line (and column) heat;
//  - the older single `CpuProfile` event holds a whole .cpuprofile;
//  - several profiles (threads, workers) per file: the busiest is imported, the others are listed
//    in `threads` so the user can switch.
import { ProfileError } from '../errors';
import { timingFromDeltas } from '../timing';
import { SPECIAL_FUNCTION_NAMES, type CallTree, type CallTreeNodeInput, type Frame, type ImportOptions, type ProfileThread } from '../types';
import { frameKind, importCpuProfile } from './cpuprofile';
import type { ProfileImporter } from './importer';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));
const arr = (v: unknown): unknown[] | undefined => (Array.isArray(v) ? v : undefined);

/** The event list of a trace file, or undefined when the value is not a trace. */
export function traceEvents(value: unknown): unknown[] | undefined {
  if (Array.isArray(value)) {
    const first = value.find((e) => isObject(e));
    return first && 'ph' in first && ('ts' in first || 'pid' in first || 'name' in first) ? value : undefined;
  }
  if (isObject(value) && Array.isArray(value.traceEvents)) return value.traceEvents;
  return undefined;
}

export function isChromeTrace(value: unknown): boolean {
  return traceEvents(value) !== undefined;
}

interface Group {
  key: string;
  pid: string;
  tid: string;
  id: string;
  startUs: number;
  endUs: number;
  chunks: Json[];
  /** A whole profile from a `CpuProfile` event. */
  whole?: Json;
  firstTs: number;
}

function eventData(e: Json): Json | undefined {
  const args = e.args;
  return isObject(args) && isObject(args.data) ? args.data : undefined;
}

function collectGroups(events: unknown[]): { groups: Group[]; threadNames: Map<string, string> } {
  const threadNames = new Map<string, string>();
  const byKey = new Map<string, Group>();
  const order: Group[] = [];
  const group = (key: string, pid: string, tid: string, id: string, ts: number): Group => {
    let g = byKey.get(key);
    if (!g) {
      g = { key, pid, tid, id, startUs: NaN, endUs: NaN, chunks: [], firstTs: ts };
      byKey.set(key, g);
      order.push(g);
    }
    return g;
  };
  let wholeCount = 0;
  for (const raw of events) {
    if (!isObject(raw)) continue;
    const name = raw.name;
    const pid = str(raw.pid);
    const tid = str(raw.tid);
    const ts = num(raw.ts, 0);
    if (name === 'thread_name' && raw.ph === 'M') {
      const args = raw.args;
      if (isObject(args) && typeof args.name === 'string') threadNames.set(`${pid}:${tid}`, args.name);
      continue;
    }
    if (name === 'Profile' || name === 'ProfileChunk') {
      const id = raw.id !== undefined ? str(raw.id) : '';
      const key = id ? `${pid}:${id}` : `${pid}:${tid}`;
      const g = group(key, pid, tid, id, ts);
      const data = eventData(raw);
      if (name === 'Profile') {
        g.tid = tid; // the Profile event is on the profiled thread; chunks come from the sampler thread
        if (data) g.startUs = num(data.startTime, g.startUs);
      } else {
        g.chunks.push(raw);
        if (data) {
          const cp = isObject(data.cpuProfile) ? data.cpuProfile : undefined;
          if (cp && typeof cp.endTime === 'number') g.endUs = cp.endTime;
          if (typeof data.endTime === 'number') g.endUs = data.endTime;
        }
      }
      continue;
    }
    if (name === 'CpuProfile') {
      const data = eventData(raw);
      const cp = data && isObject(data.cpuProfile) ? data.cpuProfile : undefined;
      if (!cp) continue;
      const g = group(`cpuprofile:${wholeCount++}`, pid, tid, '', ts);
      g.whole = cp;
    }
  }
  for (const g of order) g.chunks.sort((a, b) => num(a.ts, 0) - num(b.ts, 0));
  return { groups: order, threadNames };
}

/** The chunk's node list, samples, deltas, lines and columns (each may be missing). */
function chunkParts(chunk: Json) {
  const data = eventData(chunk);
  const cp = data && isObject(data.cpuProfile) ? data.cpuProfile : undefined;
  return {
    nodes: arr(cp?.nodes) ?? [],
    samples: arr(cp?.samples) ?? [],
    deltas: arr(data?.timeDeltas) ?? arr(cp?.timeDeltas) ?? [],
    lines: arr(data?.lines),
    columns: arr(data?.columns),
  };
}

/** Samples and non-idle samples of a group (cheap; used to pick the busiest thread). */
function groupCounts(g: Group): { samples: number; busy: number } {
  const idle = new Set<number>();
  let samples = 0;
  let busy = 0;
  const chunks = g.whole ? [{ args: { data: { cpuProfile: g.whole } } } as Json] : g.chunks;
  for (const c of chunks) {
    const { nodes } = chunkParts(c);
    for (const n of nodes) {
      if (!isObject(n) || !isObject(n.callFrame)) continue;
      const fn = n.callFrame.functionName;
      if ((fn === '(idle)' || fn === '(program)') && typeof n.id === 'number') idle.add(n.id);
    }
  }
  for (const c of chunks) {
    for (const s of chunkParts(c).samples) {
      samples++;
      if (!idle.has(s as number)) busy++;
    }
  }
  return { samples, busy };
}

function threadLabel(g: Group, names: Map<string, string>, duplicateName: boolean): string {
  const name = names.get(`${g.pid}:${g.tid}`) ?? (g.tid ? `thread ${g.tid}` : 'profile');
  return `${name} (pid ${g.pid}${duplicateName && g.id ? `, profile ${g.id}` : ''})`;
}

export function importChromeTrace(value: unknown, options: ImportOptions = {}): CallTree {
  const events = traceEvents(value);
  if (!events) throw new ProfileError('invalid-profile', 'It is not a trace: it has no "traceEvents".');
  const { groups, threadNames } = collectGroups(events);
  const counted = groups.map((g) => ({ g, ...groupCounts(g) })).filter((c) => c.samples > 0);
  if (groups.length === 0)
    throw new ProfileError(
      'not-cpu-profile',
      `It is a Chrome trace (${events.length} events) without CPU samples: it has no Profile, ProfileChunk or CpuProfile events. Record it with the "JavaScript samples" category (disabled-by-default-v8.cpu_profiler) or use node --cpu-prof.`,
      { detected: 'a Chrome trace without CPU samples' },
    );
  if (counted.length === 0) throw new ProfileError('empty-profile', `The trace's CPU profile${groups.length > 1 ? 's have' : ' has'} no samples.`);

  const labelCount = new Map<string, number>();
  for (const c of counted) {
    const base = threadLabel(c.g, threadNames, false);
    labelCount.set(base, (labelCount.get(base) ?? 0) + 1);
  }
  const threads: ProfileThread[] = counted.map((c) => ({
    id: c.g.key,
    label: threadLabel(c.g, threadNames, (labelCount.get(threadLabel(c.g, threadNames, false)) ?? 0) > 1),
    samples: c.samples,
  }));
  let chosen = options.thread ? counted.find((c) => c.g.key === options.thread) : undefined;
  const warnings: string[] = [];
  if (options.thread && !chosen) warnings.push(`The trace has no profile "${options.thread}"; the busiest one was imported.`);
  chosen ??= counted.reduce((a, b) => (b.busy > a.busy || (b.busy === a.busy && b.samples > a.samples) ? b : a));

  const tree = chosen.g.whole ? importWhole(chosen.g.whole) : importChunks(chosen.g);
  const notes: string[] = [];
  if (threads.length > 1) notes.push(`This trace holds ${threads.length} CPU profiles; showing ${threads.find((t) => t.id === chosen!.g.key)?.label} (the busiest unless you picked another).`);
  return { ...tree, format: 'chrome-trace', warnings: [...warnings, ...tree.warnings], threads, thread: chosen.g.key, notes: [...(tree.notes ?? []), ...notes] };
}

function importWhole(cp: Json): CallTree {
  return importCpuProfile(cp);
}

function importChunks(g: Group): CallTree {
  const warnings: string[] = [];
  const frames: Frame[] = [];
  const nodes: CallTreeNodeInput[] = [];
  const indexOfId = new Map<number, number>();
  const parentIds: number[] = [];
  const childLists: Array<unknown[] | undefined> = [];
  let duplicateIds = 0;
  let badNodes = 0;
  let noData = 0;
  const samples: unknown[] = [];
  const deltas: number[] = [];
  const lines: number[] = [];
  const columns: number[] = [];
  let anyLines = false;

  for (const chunk of g.chunks) {
    if (!eventData(chunk)) {
      noData++;
      continue;
    }
    const part = chunkParts(chunk);
    for (const n of part.nodes) {
      if (!isObject(n) || typeof n.id !== 'number') {
        badNodes++;
        continue;
      }
      if (indexOfId.has(n.id)) {
        duplicateIds++;
        continue;
      }
      const cf = isObject(n.callFrame) ? n.callFrame : {};
      const functionName = str(cf.functionName);
      const url = str(cf.url);
      const line = Math.trunc(num(cf.lineNumber, -1));
      const column = Math.trunc(num(cf.columnNumber, -1));
      let kind = frameKind(functionName, url, line);
      // Old traces omit positions: a URL still makes it script code (lines[] may place it).
      if (kind === 'native' && url !== '' && !SPECIAL_FUNCTION_NAMES.has(functionName) && cf.codeType !== 'other') kind = 'js';
      indexOfId.set(n.id, nodes.length);
      frames.push({ functionName, url, scriptId: str(cf.scriptId), line: kind === 'js' ? line : -1, column: kind === 'js' ? column : -1, kind });
      nodes.push({ frame: frames.length - 1, parent: -1, selfMs: 0, sampleCount: 0 });
      parentIds.push(typeof n.parent === 'number' ? n.parent : NaN);
      childLists.push(arr(n.children));
    }
    const count = part.samples.length;
    for (let i = 0; i < count; i++) {
      samples.push(part.samples[i]);
      deltas.push(num(part.deltas[i], 0));
      const l = num(part.lines?.[i], 0);
      const c = num(part.columns?.[i], 0);
      lines.push(l);
      columns.push(c);
      if (l > 0) anyLines = true;
    }
    if (part.deltas.length !== count) warnings.push(`A ProfileChunk has ${count} samples but ${part.deltas.length} time deltas.`);
  }
  if (nodes.length === 0) throw new ProfileError('invalid-profile', 'Its CPU profile has no nodes.');
  if (noData) warnings.push(`${noData} ProfileChunk event(s) carry no data and were skipped.`);
  if (badNodes) warnings.push(`${badNodes} node(s) without a numeric id were ignored.`);
  if (duplicateIds) warnings.push(`${duplicateIds} node(s) repeat an id and were ignored.`);

  // Parents: `parent` ids, else `children` lists.
  let danglingParents = 0;
  for (let i = 0; i < nodes.length; i++) {
    const pid = parentIds[i];
    if (Number.isNaN(pid)) continue;
    const p = indexOfId.get(pid);
    if (p === undefined || p === i) danglingParents++;
    else nodes[i].parent = p;
  }
  let reparented = 0;
  for (let i = 0; i < nodes.length; i++) {
    const children = childLists[i];
    if (!children) continue;
    for (const c of children) {
      const ci = typeof c === 'number' ? indexOfId.get(c) : undefined;
      if (ci === undefined || ci === i) continue;
      if (nodes[ci].parent === -1 && Number.isNaN(parentIds[ci])) nodes[ci].parent = i;
      else if (nodes[ci].parent !== i) reparented++;
    }
  }
  if (danglingParents) warnings.push(`${danglingParents} node(s) name a parent that does not exist; they were treated as roots.`);
  if (reparented) warnings.push(`${reparented} node(s) have conflicting parents; the first was kept.`);

  const count = samples.length;
  if (count === 0) throw new ProfileError('empty-profile', 'The profile is empty: it has no samples.');
  const startUs = Number.isFinite(g.startUs) ? g.startUs : 0;
  const timing = timingFromDeltas(deltas, count, startUs, Number.isFinite(g.endUs) ? g.endUs : undefined);
  if (timing.backwards) warnings.push(`${timing.backwards} sample time(s) went backwards and were clamped.`);

  // Per-node line weights (ms) from per-sample lines/columns.
  const perNode = new Map<number, Map<string, { line: number; column: number; w: number }>>();
  let unknown = 0;
  for (let i = 0; i < count; i++) {
    const idx = typeof samples[i] === 'number' ? indexOfId.get(samples[i] as number) : undefined;
    if (idx === undefined) {
      unknown++;
      continue;
    }
    const ms = timing.durationsMs[i];
    nodes[idx].selfMs += ms;
    nodes[idx].sampleCount++;
    if (!anyLines || frames[nodes[idx].frame].kind === 'special') continue;
    const line0 = lines[i] > 0 ? Math.trunc(lines[i]) - 1 : frames[nodes[idx].frame].line;
    const col0 = lines[i] > 0 && columns[i] > 0 ? Math.trunc(columns[i]) - 1 : -1;
    if (line0 < 0) continue;
    let m = perNode.get(idx);
    if (!m) perNode.set(idx, (m = new Map()));
    const key = `${line0}:${col0}`;
    const e = m.get(key);
    if (e) e.w += ms > 0 ? ms : 1e-9;
    else m.set(key, { line: line0, column: col0, w: ms > 0 ? ms : 1e-9 });
  }
  if (unknown) warnings.push(`${unknown} sample(s) name nodes that do not exist and were ignored.`);
  if (unknown === count) throw new ProfileError('invalid-profile', 'None of its samples refers to a node of the profile.');
  for (const [idx, m] of perNode) {
    const entries = [...m.values()];
    const hasColumns = entries.some((e) => e.column >= 0);
    nodes[idx].lines = { lines: entries.map((e) => e.line), weights: entries.map((e) => e.w), ...(hasColumns ? { columns: entries.map((e) => e.column) } : {}) };
  }
  const notes = anyLines ? [] : ['This trace has no per-sample line numbers (Chrome before M86): heat is per function, on its first line.'];
  return { format: 'chrome-trace', frames, nodes, warnings, startMs: startUs / 1000, precision: anyLines ? 'lines' : 'functions', notes };
}

export const chromeTraceImporter: ProfileImporter = {
  id: 'chrome-trace',
  label: 'Chrome trace (Performance panel, Lighthouse, chrome://tracing)',
  detect: isChromeTrace,
  import: importChromeTrace,
};
