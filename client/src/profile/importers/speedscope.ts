// speedscope JSON (https://www.speedscope.app/file-format-schema.json) → CallTree. PURE.
// docs/profile-formats.md §3: `shared.frames[{name, file?, line?, col?}]` (1-based function start),
// `profiles[]` either "evented" (open/close events) or "sampled" (root-first stacks + weights), in
// a `unit`. Several profiles per file: `activeProfileIndex` (else the busiest) is imported and the
// others are listed as threads. Exports of V8 profiles keep function starts only (no positionTicks).
import { ProfileError } from '../errors';
import { SPECIAL_FUNCTION_NAMES, type CallTree, type CallTreeNodeInput, type Frame, type ImportOptions, type ProfileThread } from '../types';
import type { ProfileImporter } from './importer';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const num = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);

const UNIT_MS: Record<string, number> = { nanoseconds: 1e-6, microseconds: 1e-3, milliseconds: 1, seconds: 1000, none: 1 };

export function isSpeedscope(value: unknown): boolean {
  if (!isObject(value) || !Array.isArray(value.profiles)) return false;
  return (typeof value.$schema === 'string' && value.$schema.includes('speedscope')) || (isObject(value.shared) && Array.isArray(value.shared.frames));
}

function frameOf(raw: unknown): Frame {
  const f = isObject(raw) ? raw : {};
  const name = typeof f.name === 'string' ? f.name : '';
  const file = typeof f.file === 'string' ? f.file : '';
  const line = Math.trunc(num(f.line, 0));
  const col = Math.trunc(num(f.col, 0));
  if (file === '' && SPECIAL_FUNCTION_NAMES.has(name)) return { functionName: name, url: '', scriptId: '', line: -1, column: -1, kind: 'special' };
  if (file !== '' && line >= 1) return { functionName: name, url: file, scriptId: '', line: line - 1, column: col >= 1 ? col - 1 : -1, kind: 'js' };
  return { functionName: name || '(anonymous)', url: file, scriptId: '', line: -1, column: -1, kind: 'native' };
}

function profileWeight(p: Json): number {
  if (Array.isArray(p.weights)) return (p.weights as unknown[]).reduce<number>((s, w) => s + Math.max(0, num(w, 0)), 0);
  return Math.max(0, num(p.endValue, 0) - num(p.startValue, 0));
}

export function importSpeedscope(value: unknown, options: ImportOptions = {}): CallTree {
  if (!isSpeedscope(value)) throw new ProfileError('invalid-profile', 'It is not a speedscope file.');
  const file = value as Json;
  const rawFrames = isObject(file.shared) && Array.isArray(file.shared.frames) ? (file.shared.frames as unknown[]) : [];
  const profiles = (file.profiles as unknown[]).filter(isObject);
  if (profiles.length === 0) throw new ProfileError('empty-profile', 'The speedscope file holds no profiles.');
  const timed = profiles.map((p, index) => ({ p, index })).filter(({ p }) => typeof p.unit !== 'string' || p.unit in UNIT_MS);
  if (timed.length === 0) throw new ProfileError('not-cpu-profile', `It is a speedscope profile of ${String(profiles[0].unit)}, not of time.`, { detected: 'a speedscope memory profile' });
  const threads: ProfileThread[] = timed.map(({ p, index }) => ({
    id: String(index),
    label: typeof p.name === 'string' && p.name ? `${p.name} (#${index + 1})` : `profile #${index + 1}`,
    samples: Array.isArray(p.samples) ? p.samples.length : Array.isArray(p.events) ? p.events.length >> 1 : 0,
  }));
  const warnings: string[] = [];
  let chosen = options.thread !== undefined ? timed.find(({ index }) => String(index) === options.thread) : undefined;
  if (options.thread !== undefined && !chosen) warnings.push(`The file has no profile #${options.thread}; another one was imported.`);
  const active = typeof file.activeProfileIndex === 'number' ? timed.find(({ index }) => index === file.activeProfileIndex) : undefined;
  chosen ??= active ?? timed.reduce((a, b) => (profileWeight(b.p) > profileWeight(a.p) ? b : a));
  const p = chosen.p;
  const unit = typeof p.unit === 'string' ? p.unit : 'none';
  const toMs = UNIT_MS[unit] ?? 1;

  const frames: Frame[] = [{ functionName: '(root)', url: '', scriptId: '', line: -1, column: -1, kind: 'special' }];
  const frameIndex = new Map<number, number>();
  const frameFor = (i: number): number | undefined => {
    if (!Number.isInteger(i) || i < 0 || i >= rawFrames.length) return undefined;
    let fi = frameIndex.get(i);
    if (fi === undefined) {
      fi = frames.length;
      frames.push(frameOf(rawFrames[i]));
      frameIndex.set(i, fi);
    }
    return fi;
  };
  const nodes: CallTreeNodeInput[] = [{ frame: 0, parent: -1, selfMs: 0, sampleCount: 0 }];
  const children: Array<Map<number, number>> = [new Map()];
  const child = (parent: number, frame: number): number => {
    let c = children[parent].get(frame);
    if (c === undefined) {
      c = nodes.length;
      nodes.push({ frame, parent, selfMs: 0, sampleCount: 0 });
      children.push(new Map());
      children[parent].set(frame, c);
    }
    return c;
  };
  let badFrames = 0;

  const type = p.type ?? (Array.isArray(p.events) ? 'evented' : Array.isArray(p.samples) ? 'sampled' : undefined);
  if (type === 'sampled') {
    const samples = Array.isArray(p.samples) ? (p.samples as unknown[]) : [];
    const weights = Array.isArray(p.weights) ? (p.weights as unknown[]) : [];
    for (let i = 0; i < samples.length; i++) {
      const stack = samples[i];
      if (!Array.isArray(stack)) continue;
      let node = 0;
      for (const idx of stack) {
        const fi = frameFor(idx as number);
        if (fi === undefined) {
          badFrames++;
          continue;
        }
        node = child(node, fi);
      }
      const w = Math.max(0, num(weights[i], 1)) * toMs;
      nodes[node].selfMs += w;
      nodes[node].sampleCount++;
    }
  } else if (type === 'evented') {
    const events = Array.isArray(p.events) ? (p.events as unknown[]).filter(isObject) : [];
    const stack: number[] = [0];
    const frameStack: number[] = [-1];
    let last = num(p.startValue, events.length ? num(events[0].at, 0) : 0);
    let mismatched = 0;
    for (const e of events) {
      const at = num(e.at, last);
      const dt = Math.max(0, at - last) * toMs;
      if (dt > 0 && stack.length > 1) {
        const top = stack[stack.length - 1];
        nodes[top].selfMs += dt;
        nodes[top].sampleCount++;
      }
      if (at > last) last = at;
      const fi = frameFor(e.frame as number);
      if (fi === undefined) {
        badFrames++;
        continue;
      }
      if (e.type === 'O') {
        stack.push(child(stack[stack.length - 1], fi));
        frameStack.push(fi);
      } else if (e.type === 'C') {
        const at2 = frameStack.lastIndexOf(fi);
        if (at2 <= 0) {
          mismatched++;
          continue;
        }
        if (at2 !== frameStack.length - 1) mismatched++;
        stack.length = at2;
        frameStack.length = at2;
      }
    }
    if (mismatched) warnings.push(`${mismatched} close event(s) did not match the open frame.`);
  } else throw new ProfileError('invalid-profile', `Its profile #${chosen.index + 1} has an unknown type ${JSON.stringify(p.type)}.`);
  if (badFrames) warnings.push(`${badFrames} reference(s) to frames that do not exist were ignored.`);
  if (!nodes.some((n) => n.selfMs > 0)) throw new ProfileError('empty-profile', 'The speedscope profile is empty: no time is recorded.');

  const notes = ['speedscope files carry function start positions only: heat is per function (on its first line), not per line.'];
  if (unit === 'none') notes.push('The profile has no time unit: weights are shown as milliseconds.');
  if (threads.length > 1) notes.push(`This file holds ${threads.length} profiles; showing ${threads.find((t) => t.id === String(chosen!.index))?.label}.`);
  return { format: 'speedscope', frames, nodes, warnings, precision: 'functions', estimatedTimes: unit === 'none', threads, thread: String(chosen.index), notes };
}

export const speedscopeImporter: ProfileImporter = {
  id: 'speedscope',
  label: 'speedscope',
  detect: isSpeedscope,
  import: importSpeedscope,
};
