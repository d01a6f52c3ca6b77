// V8 `.cpuprofile` (DevTools protocol Profiler.Profile, flat `nodes`) → CallTree. PURE.
// See docs/profile-formats.md §1: ids are unsorted, parents come only from `children`,
// `samples`/`timeDeltas` are the truth for time (hitCount may disagree), timeDeltas can be
// negative, callFrame.lineNumber is 0-based and positionTicks[].line is 1-based.
import { ProfileError } from '../errors';
import { timingFromDeltas } from '../timing';
import { SPECIAL_FUNCTION_NAMES, type CallTree, type CallTreeNodeInput, type Frame, type FrameKind } from '../types';
import type { ProfileImporter } from './importer';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

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

export function importCpuProfile(value: unknown): CallTree {
  if (!isObject(value) || !Array.isArray(value.nodes)) throw new ProfileError('invalid-profile', 'It has no "nodes" array.');
  const raw = value.nodes as unknown[];
  if (raw.length === 0) throw new ProfileError('empty-profile', 'The profile is empty: it has no nodes.');
  const warnings: string[] = [];

  // id → index, in file order.
  const indexOfId = new Map<number, number>();
  const frames: Frame[] = [];
  const nodes: CallTreeNodeInput[] = [];
  const rawNodes: Json[] = [];
  let badNodes = 0;
  let duplicateIds = 0;
  for (const n of raw) {
    if (!isObject(n) || typeof n.id !== 'number') {
      badNodes++;
      continue;
    }
    if (indexOfId.has(n.id)) {
      duplicateIds++;
      continue;
    }
    const cf = isObject(n.callFrame) ? n.callFrame : n; // tolerate callFrame fields inlined on the node
    const functionName = str(cf.functionName);
    const url = str(cf.url);
    const line = Math.trunc(num(cf.lineNumber, -1));
    const column = Math.trunc(num(cf.columnNumber, -1));
    const kind = frameKind(functionName, url, line);
    indexOfId.set(n.id, nodes.length);
    frames.push({ functionName, url, scriptId: str(cf.scriptId), line: kind === 'js' ? line : -1, column: kind === 'js' ? column : -1, kind });
    nodes.push({ frame: frames.length - 1, parent: -1, selfMs: 0, sampleCount: 0 });
    rawNodes.push(n);
  }
  if (nodes.length === 0) throw new ProfileError('invalid-profile', 'None of its nodes has a numeric "id".');
  if (badNodes) warnings.push(`${badNodes} node(s) without a numeric id were ignored.`);
  if (duplicateIds) warnings.push(`${duplicateIds} node(s) repeat an id that was already used and were ignored.`);

  // Parents from children (a node claimed twice keeps its first parent).
  let unknownChildren = 0;
  let reparented = 0;
  for (let i = 0; i < rawNodes.length; i++) {
    const children = rawNodes[i].children;
    if (!Array.isArray(children)) continue;
    for (const c of children) {
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

  // Where inside each function the samples were: positionTicks (1-based lines).
  for (let i = 0; i < rawNodes.length; i++) {
    const ticks = rawNodes[i].positionTicks;
    if (!Array.isArray(ticks) || ticks.length === 0 || frames[nodes[i].frame].kind === 'special') continue;
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

  return { format: 'cpuprofile', frames, nodes, warnings, startMs: Number.isFinite(startTime) ? startTime / 1000 : undefined };
}

export const cpuProfileImporter: ProfileImporter = {
  id: 'cpuprofile',
  label: 'V8 CPU profile (.cpuprofile)',
  detect: isFlatCpuProfile,
  import: importCpuProfile,
};
