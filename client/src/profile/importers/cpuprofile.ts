// V8 `.cpuprofile` (DevTools protocol Profiler.Profile, flat `nodes`) → CallTree. PURE.
// See docs/profile-formats.md §1: ids are unsorted, parents come only from `children`,
// `samples`/`timeDeltas` are the truth for time (hitCount may disagree), timeDeltas can be
// negative, callFrame.lineNumber is 0-based and positionTicks[].line is 1-based.
import { ProfileError } from '../errors';
import { PositionIndex } from '../identity';
import { timingFromDeltas } from '../timing';
import { SPECIAL_FUNCTION_NAMES, type CallTree, type CallTreeNodeInput, type Frame, type FrameKind } from '../types';
import type { ProfileImporter } from './importer';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

/** Frames shared by every node of one call frame (a large profile has 40k nodes but a few thousand functions). */
export class FrameTable {
  readonly frames: Frame[] = [];
  private readonly index = new PositionIndex();
  intern(functionName: string, url: string, scriptId: string, line: number, column: number, kind: FrameKind): number {
    const script = url !== '' ? url : `\u0000${scriptId}`;
    return this.index.lookup(script, line, column, `${kind}\u0000${scriptId}\u0000${functionName}`, () => {
      this.frames.push({ functionName, url, scriptId, line, column, kind });
      return this.frames.length - 1;
    });
  }
}

/** id → node index: a typed table for small non-negative integer ids, else a Map. */
class IdIndex {
  private readonly table: Int32Array | undefined;
  private readonly map: Map<number, number> | undefined;
  constructor(raw: unknown[]) {
    let max = -1;
    let dense = true;
    for (const n of raw) {
      const id = isObject(n) ? n.id : undefined;
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
        if (typeof id === 'number') dense = false;
        continue;
      }
      if (id > max) max = id;
    }
    if (dense && max < 4 * raw.length + 1024) this.table = new Int32Array(max + 1).fill(-1);
    else this.map = new Map();
  }
  has(id: number): boolean {
    return this.get(id) !== undefined;
  }
  get(id: number): number | undefined {
    if (this.table) {
      const v = Number.isInteger(id) && id >= 0 && id < this.table.length ? this.table[id] : -1;
      return v < 0 ? undefined : v;
    }
    return this.map!.get(id);
  }
  set(id: number, index: number): void {
    if (this.table) {
      if (Number.isInteger(id) && id >= 0 && id < this.table.length) this.table[id] = index;
    } else this.map!.set(id, index);
  }
}

export function frameKind(functionName: string, url: string, line: number): FrameKind {
  if (url === '' && SPECIAL_FUNCTION_NAMES.has(functionName)) return 'special';
  return line >= 0 ? 'js' : 'native';
}

/** Looks like the flat format: `nodes` is an array of objects with a callFrame (or an id). */
export function isFlatCpuProfile(value: unknown): boolean {
  if (!isObject(value) || !Array.isArray(value.nodes)) return false;
  const first = value.nodes[0];
  if (first === undefined) return 'samples' in value || 'timeDeltas' in value || 'startTime' in value;
  return isObject(first) && (isObject(first.callFrame) || ('id' in first && 'children' in first));
}

// The phases below are separate functions: V8 optimises each loop with its own type feedback.
// In one large function, the code optimised (on stack) during the first loop had none for the
// later ones and was thrown away there, so a profile's first imports ran mostly unoptimised.

interface NodeTable {
  nodes: CallTreeNodeInput[];
  rawNodes: Json[];
  childLists: Array<unknown[] | undefined>;
  tickLists: Array<unknown[] | undefined>;
  badNodes: number;
  duplicateIds: number;
}

/** One node per distinct numeric id, in file order, with its interned frame. */
function readNodes(raw: unknown[], indexOfId: IdIndex, interned: FrameTable): NodeTable {
  const t: NodeTable = { nodes: [], rawNodes: [], childLists: [], tickLists: [], badNodes: 0, duplicateIds: 0 };
  for (const n of raw) {
    if (!isObject(n) || typeof n.id !== 'number') {
      t.badNodes++;
      continue;
    }
    if (indexOfId.has(n.id)) {
      t.duplicateIds++;
      continue;
    }
    const cf = isObject(n.callFrame) ? n.callFrame : n; // tolerate callFrame fields inlined on the node
    const functionName = str(cf.functionName);
    const url = str(cf.url);
    const line = Math.trunc(num(cf.lineNumber, -1));
    const column = Math.trunc(num(cf.columnNumber, -1));
    const kind = frameKind(functionName, url, line);
    indexOfId.set(n.id, t.nodes.length);
    // One object shape for every node (`lines` always present) keeps later property reads monomorphic.
    t.nodes.push({ frame: interned.intern(functionName, url, str(cf.scriptId), kind === 'js' ? line : -1, kind === 'js' ? column : -1, kind), parent: -1, selfMs: 0, sampleCount: 0, lines: undefined });
    t.rawNodes.push(n);
    t.childLists.push(Array.isArray(n.children) ? n.children : undefined);
    const pt = n.positionTicks;
    t.tickLists.push(Array.isArray(pt) && pt.length > 0 ? pt : undefined);
  }
  return t;
}

/** Parents from children (a node claimed twice keeps its first parent); the warnings' counts. */
function linkParents(childLists: Array<unknown[] | undefined>, indexOfId: IdIndex, nodes: CallTreeNodeInput[]): { unknownChildren: number; reparented: number } {
  let unknownChildren = 0;
  let reparented = 0;
  for (let i = 0; i < childLists.length; i++) {
    const children = childLists[i];
    if (!children) continue;
    for (let k = 0; k < children.length; k++) {
      const c = children[k];
      const ci = typeof c === 'number' ? indexOfId.get(c) : undefined;
      if (ci === undefined) {
        unknownChildren++;
        continue;
      }
      if (ci === i) continue;
      if (nodes[ci].parent === -1) nodes[ci].parent = i;
      else if (nodes[ci].parent !== i) reparented++;
    }
  }
  return { unknownChildren, reparented };
}

/** Each sample's duration added to its node (node ids → indexes: `indexOfId`); returns how many samples name no node. */
export function addSamples(samples: unknown[], count: number, durationsMs: Float64Array, indexOfId: { get(id: number): number | undefined }, nodes: CallTreeNodeInput[]): number {
  let unknownSamples = 0;
  for (let i = 0; i < count; i++) {
    const idx = typeof samples[i] === 'number' ? indexOfId.get(samples[i] as number) : undefined;
    if (idx === undefined) {
      unknownSamples++;
      continue;
    }
    nodes[idx].selfMs += durationsMs[i];
    nodes[idx].sampleCount++;
  }
  return unknownSamples;
}

/** Where inside each function the samples were: positionTicks (1-based lines). */
function addLineTicks(tickLists: Array<unknown[] | undefined>, frames: Frame[], nodes: CallTreeNodeInput[]): void {
  for (let i = 0; i < tickLists.length; i++) {
    const ticks = tickLists[i];
    if (!ticks || frames[nodes[i].frame].kind === 'special') continue;
    const lines: number[] = [];
    const weights: number[] = [];
    for (const t of ticks) {
      if (!isObject(t)) continue;
      const line = num(t.line, 0);
      const w = num(t.ticks, 0);
      if (line >= 1 && w > 0) {
        lines.push(Math.trunc(line) - 1);
        weights.push(w);
      }
    }
    if (lines.length) nodes[i].lines = { lines, weights };
  }
}

export function importCpuProfile(value: unknown): CallTree {
  if (!isObject(value) || !Array.isArray(value.nodes)) throw new ProfileError('invalid-profile', 'It has no "nodes" array.');
  const raw = value.nodes as unknown[];
  if (raw.length === 0) throw new ProfileError('empty-profile', 'The profile is empty: it has no nodes.');
  const warnings: string[] = [];

  // id → index, in file order (a dense table when ids are small integers, as V8 writes them).
  const indexOfId = new IdIndex(raw);
  const interned = new FrameTable();
  const frames = interned.frames;
  const { nodes, rawNodes, childLists, tickLists, badNodes, duplicateIds } = readNodes(raw, indexOfId, interned);
  if (nodes.length === 0) throw new ProfileError('invalid-profile', 'None of its nodes has a numeric "id".');
  if (badNodes) warnings.push(`${badNodes} node(s) without a numeric id were ignored.`);
  if (duplicateIds) warnings.push(`${duplicateIds} node(s) repeat an id that was already used and were ignored.`);

  const { unknownChildren, reparented } = linkParents(childLists, indexOfId, nodes);
  if (unknownChildren) warnings.push(`${unknownChildren} child reference(s) point to nodes that do not exist.`);
  if (reparented) warnings.push(`${reparented} node(s) are listed as the child of more than one node; the first parent was kept.`);

  // Self time from samples + timeDeltas (the truth), else from hitCount.
  const samples = Array.isArray(value.samples) ? (value.samples as unknown[]) : undefined;
  const deltas = Array.isArray(value.timeDeltas) ? (value.timeDeltas as unknown[]) : undefined;
  const startTime = num(value.startTime, NaN);
  const endTime = num(value.endTime, NaN);
  if (samples && samples.length > 0) {
    let count = samples.length;
    if (deltas && deltas.length !== samples.length) {
      warnings.push(`"samples" has ${samples.length} entries but "timeDeltas" has ${deltas.length}; only the first ${Math.min(samples.length, deltas.length)} are used.`);
      count = Math.min(samples.length, deltas.length);
    }
    let durationsMs: Float64Array;
    if (deltas && count > 0) {
      const timing = timingFromDeltas(deltas, count, startTime, Number.isFinite(endTime) ? endTime : undefined);
      durationsMs = timing.durationsMs;
      if (timing.backwards) warnings.push(`${timing.backwards} sample time(s) went backwards (negative timeDeltas) and were clamped.`);
    } else {
      // No timeDeltas: spread the recorded duration evenly.
      const span = Number.isFinite(startTime) && Number.isFinite(endTime) && endTime > startTime ? (endTime - startTime) / 1000 : count;
      durationsMs = new Float64Array(count).fill(span / Math.max(1, count));
      if (count > 0) warnings.push('The profile has no "timeDeltas"; every sample is given the same duration.');
    }
    const unknownSamples = addSamples(samples, count, durationsMs, indexOfId, nodes);
    if (unknownSamples) warnings.push(`${unknownSamples} sample(s) name nodes that do not exist and were ignored.`);
    if (unknownSamples === count) throw new ProfileError('invalid-profile', 'None of its samples refers to a node of the profile.');
  } else {
    // Old or hand-made profiles without samples: hitCount × average interval.
    let hits = 0;
    for (const n of rawNodes) hits += Math.max(0, num(n.hitCount, 0));
    if (hits === 0) throw new ProfileError('empty-profile', 'The profile is empty: it has no samples (no "samples" and every hitCount is 0).');
    const spanMs = Number.isFinite(startTime) && Number.isFinite(endTime) && endTime > startTime ? (endTime - startTime) / 1000 : hits;
    const per = spanMs / hits;
    for (let i = 0; i < rawNodes.length; i++) {
      const h = Math.max(0, num(rawNodes[i].hitCount, 0));
      nodes[i].selfMs = h * per;
      nodes[i].sampleCount = h;
    }
    warnings.push('The profile has no "samples"; times are estimated from hit counts.');
  }

  addLineTicks(tickLists, frames, nodes);

  const notes: string[] = [];
  const mapped = applyJsDebugLocations(value, rawNodes, frames, nodes);
  if (mapped) notes.push(`Positions come from VS Code's debugger annotations ($vscode), already source-mapped (${mapped} node(s)).`);

  return { format: 'cpuprofile', frames, nodes, warnings, startMs: Number.isFinite(startTime) ? startTime / 1000 : undefined, notes };
}

/** A `$vscode.locations[]` entry's first UI location, when it names a file on disk. */
function jsDebugLocation(locations: unknown[], id: unknown): { url: string; line: number; column: number } | undefined {
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= locations.length) return undefined;
  const entry = locations[id];
  if (!isObject(entry) || !Array.isArray(entry.locations)) return undefined;
  const loc = entry.locations[0];
  if (!isObject(loc) || !isObject(loc.source)) return undefined;
  const src = loc.source;
  // sourceReference ≠ 0: content only the debug session could serve (Node internals).
  if (typeof src.path !== 'string' || src.path === '' || (typeof src.sourceReference === 'number' && src.sourceReference !== 0) || src.path.startsWith('<')) return undefined;
  const line = num(loc.lineNumber, 0);
  const column = num(loc.columnNumber, 0);
  if (line < 1) return undefined;
  return { url: src.path, line: Math.trunc(line) - 1, column: column >= 1 ? Math.trunc(column) - 1 : -1 };
}

/**
 * VS Code js-debug annotated profiles (docs/profile-formats.md §1.8): `$vscode.locations[id]` holds
 * the source-mapped UI positions of `nodes[].locationId` (function start) and of
 * `positionTicks[].startLocationId` (the sampled line). Uses them in place of the raw positions.
 * Returns how many nodes were re-pointed. Replaces frames/line weights; never touches the input.
 */
function applyJsDebugLocations(value: Json, rawNodes: Json[], frames: Frame[], nodes: CallTreeNodeInput[]): number {
  const block = value.$vscode;
  if (!isObject(block) || !Array.isArray(block.locations)) return 0;
  const locations = block.locations as unknown[];
  let mapped = 0;
  for (let i = 0; i < rawNodes.length; i++) {
    const fi = nodes[i].frame;
    if (frames[fi].kind !== 'js') continue;
    const start = jsDebugLocation(locations, rawNodes[i].locationId);
    if (!start) continue;
    mapped++;
    frames[fi] = { ...frames[fi], url: start.url, line: start.line, column: start.column, scriptId: '' };
    const ticks = rawNodes[i].positionTicks;
    if (!Array.isArray(ticks) || !nodes[i].lines) continue;
    const lines: number[] = [];
    const weights: number[] = [];
    const urls: Array<string | undefined> = [];
    for (const t of ticks) {
      if (!isObject(t)) continue;
      const w = num(t.ticks, 0);
      if (!(w > 0)) continue;
      const at = jsDebugLocation(locations, t.startLocationId);
      const rawLine = num(t.line, 0);
      if (at) {
        lines.push(at.line);
        urls.push(at.url === start.url ? undefined : at.url);
      } else if (rawLine >= 1) {
        lines.push(start.line); // no mapped position for this tick: keep it in the function
        urls.push(undefined);
      } else continue;
      weights.push(w);
    }
    nodes[i] = { ...nodes[i], lines: { lines, weights, ...(urls.some(Boolean) ? { urls } : {}) } };
  }
  return mapped;
}

export const cpuProfileImporter: ProfileImporter = {
  id: 'cpuprofile',
  label: 'V8 CPU profile (.cpuprofile)',
  detect: isFlatCpuProfile,
  import: importCpuProfile,
};
