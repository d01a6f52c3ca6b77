// Legacy V8 CPU profile (old C++ API, v8-profiler, Node ≤ 8): a nested `head` tree. PURE.
// docs/profile-formats.md §1.6: `lineNumber` is 1-based (0 = none), `lineTicks[].line` is
// 1-based, `startTime`/`endTime` are in seconds and `timestamps[]` are absolute µs.
// (speedscope copies lineNumber unchanged, which is off by one for this format; we subtract 1.)
import { ProfileError } from '../errors';
import { timingFromTimestamps } from '../timing';
import type { CallTree, CallTreeNodeInput, Frame } from '../types';
import { addSamples, frameKind } from './cpuprofile';
import type { ProfileImporter } from './importer';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

export function isLegacyCpuProfile(value: unknown): boolean {
  return isObject(value) && isObject(value.head) && !isObject(value.head.callFrame) && ('functionName' in value.head || 'children' in value.head);
}

export function importLegacyCpuProfile(value: unknown): CallTree {
  if (!isObject(value) || !isObject(value.head)) throw new ProfileError('invalid-profile', 'It has no "head" node.');
  const frames: Frame[] = [];
  const nodes: CallTreeNodeInput[] = [];
  const raws: Json[] = [];
  const indexOfId = new Map<number, number>();
  const warnings: string[] = [];
  let bad = 0;
  const seen = new Set<object>();

  // Iterative pre-order flattening (deep trees must not overflow the stack).
  const stack: Array<{ node: unknown; parent: number }> = [{ node: value.head, parent: -1 }];
  while (stack.length) {
    const { node, parent } = stack.pop()!;
    if (!isObject(node) || seen.has(node)) {
      bad++;
      continue;
    }
    seen.add(node);
    const functionName = str(node.functionName);
    const url = str(node.url);
    const line1 = Math.trunc(num(node.lineNumber, 0));
    const line = line1 >= 1 ? line1 - 1 : -1;
    const kind = frameKind(functionName, url, line);
    const index = nodes.length;
    frames.push({ functionName, url, scriptId: str(node.scriptId), line: kind === 'js' ? line : -1, column: -1, kind });
    nodes.push({ frame: index, parent, selfMs: 0, sampleCount: 0 });
    raws.push(node);
    if (typeof node.id === 'number' && !indexOfId.has(node.id)) indexOfId.set(node.id, index);
    if (Array.isArray(node.children)) for (let k = node.children.length - 1; k >= 0; k--) stack.push({ node: node.children[k], parent: index });
  }
  if (bad) warnings.push(`${bad} malformed node(s) were ignored.`);

  const samples = Array.isArray(value.samples) ? (value.samples as unknown[]) : [];
  const timestamps = Array.isArray(value.timestamps) ? (value.timestamps as unknown[]) : undefined;
  const endTime = num(value.endTime, NaN);
  if (samples.length > 0 && timestamps && timestamps.length > 0) {
    const count = Math.min(samples.length, timestamps.length);
    if (timestamps.length < samples.length) warnings.push(`"samples" has ${samples.length} entries but "timestamps" only ${timestamps.length}.`);
    const timing = timingFromTimestamps(timestamps, count, Number.isFinite(endTime) ? endTime * 1e6 : undefined);
    if (timing.backwards) warnings.push(`${timing.backwards} sample time(s) went backwards and were clamped.`);
    const unknown = addSamples(samples, count, timing.durationsMs, indexOfId, nodes);
    if (unknown) warnings.push(`${unknown} sample(s) name nodes that do not exist and were ignored.`);
    if (unknown === count) throw new ProfileError('invalid-profile', 'None of its samples refers to a node of the profile.');
  } else {
    let hits = 0;
    for (const r of raws) hits += Math.max(0, num(r.hitCount, 0));
    if (hits === 0) throw new ProfileError('empty-profile', 'The profile is empty: it has no samples.');
    const start = num(value.startTime, NaN);
    const spanMs = Number.isFinite(start) && Number.isFinite(endTime) && endTime > start ? (endTime - start) * 1000 : hits;
    for (let i = 0; i < raws.length; i++) {
      const h = Math.max(0, num(raws[i].hitCount, 0));
      nodes[i].selfMs = (h * spanMs) / hits;
      nodes[i].sampleCount = h;
    }
    warnings.push('The profile has no "timestamps"; times are estimated from hit counts.');
  }

  for (let i = 0; i < raws.length; i++) {
    const ticks = raws[i].lineTicks;
    if (!Array.isArray(ticks) || frames[i].kind === 'special') continue;
    const lines: number[] = [];
    const weights: number[] = [];
    for (const t of ticks) {
      if (!isObject(t)) continue;
      const line = num(t.line, 0);
      const w = num(t.hitCount, num(t.ticks, 0));
      if (line >= 1 && w > 0) {
        lines.push(Math.trunc(line) - 1);
        weights.push(w);
      }
    }
    if (lines.length) nodes[i].lines = { lines, weights };
  }

  const startTime = num(value.startTime, NaN);
  return { format: 'cpuprofile-legacy', frames, nodes, warnings, startMs: Number.isFinite(startTime) ? startTime * 1000 : undefined };
}

export const legacyCpuProfileImporter: ProfileImporter = {
  id: 'cpuprofile-legacy',
  label: 'legacy V8 CPU profile ("head" tree)',
  detect: isLegacyCpuProfile,
  import: importLegacyCpuProfile,
};
