// 0x `ticks.json` and Clinic.js flame `<id>.clinic-flame-samples` (the same format: Clinic flame
// runs 0x and renames its ticks file) → CallTree. PURE. docs/profile-formats.md §2.2:
//  - a JSON array with one entry per tick; each entry is the stack, ROOT FIRST, of frames
//    `{name, type, kind?}`; JS frame names are "<fn> <file or URL>:<line>:<col>" with the 1-based
//    function START (no executing line: per-line heat is impossible, heat is per function);
//  - there are no timestamps: ticks are about 1 ms apart (V8 --prof default), so times are estimates.
import { ProfileError } from '../errors';
import type { CallTree, CallTreeNodeInput, Frame, ImportOptions } from '../types';
import type { ProfileImporter } from './importer';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Nominal time of one tick (ms): V8's --prof samples about every millisecond. */
export const TICK_MS = 1;

/** Looks like a ticks array: an array whose first non-empty entries are arrays of `{name, type}` frames. */
export function isTicksArray(value: unknown): boolean {
  if (!Array.isArray(value)) return false;
  let checked = 0;
  for (const stack of value) {
    if (!Array.isArray(stack)) return false;
    if (stack.length === 0) continue;
    const f = stack[0];
    if (!isObject(f) || typeof f.name !== 'string' || typeof f.type !== 'string') return false;
    if (++checked >= 3) break;
  }
  return checked > 0 || value.length > 0;
}

/** "fib /srv/app/workload.js:5:14" → parts (1-based line and column), or undefined. */
export function parseV8FrameName(name: string): { functionName: string; file: string; line: number; column: number } | undefined {
  const m = /^(.*):(\d+):(\d+)$/.exec(name);
  if (!m) return undefined;
  const head = m[1];
  let split = -1;
  if (head.startsWith(' ')) split = 0;
  else {
    // The file starts at the first " " followed by something path-like; names rarely contain spaces.
    const re = / (?=\/|\\|[a-zA-Z]:[\\/]|[a-zA-Z][a-zA-Z0-9+.-]*:)/g;
    const hit = re.exec(head);
    split = hit ? hit.index : head.lastIndexOf(' ');
  }
  if (split < 0) return undefined;
  const file = head.slice(split + 1);
  if (!file) return undefined;
  return { functionName: head.slice(0, split).replace(/^[~*^]/, ''), file, line: Number(m[2]), column: Number(m[3]) };
}

/** Frame of a ticks entry (JS frames carry the function start; everything else is native). */
export function tickFrame(f: Json): Frame {
  const name = typeof f.name === 'string' ? f.name : '';
  if (f.type === 'JS') {
    const p = parseV8FrameName(name);
    if (p) return { functionName: p.functionName, url: p.file, scriptId: '', line: p.line - 1, column: p.column - 1, kind: 'js' };
  }
  const label = f.type === 'JS' || !f.type ? name : `${name} [${String(f.type)}${typeof f.kind === 'string' && f.kind ? `:${f.kind}` : ''}]`;
  return { functionName: label || '(unknown)', url: '', scriptId: '', line: -1, column: -1, kind: 'native' };
}

export function importTicks(value: unknown, options: ImportOptions = {}): CallTree {
  if (!Array.isArray(value)) throw new ProfileError('invalid-profile', 'It is not a ticks array.');
  const clinic = /clinic-flame/i.test(options.fileName ?? '');
  const frames: Frame[] = [{ functionName: '(root)', url: '', scriptId: '', line: -1, column: -1, kind: 'special' }];
  const frameIds = new Map<string, number>();
  const nodes: CallTreeNodeInput[] = [{ frame: 0, parent: -1, selfMs: 0, sampleCount: 0 }];
  const children: Array<Map<number, number>> = [new Map()];
  let bad = 0;
  let ticks = 0;
  for (const stack of value) {
    if (!Array.isArray(stack)) {
      bad++;
      continue;
    }
    let node = 0;
    for (const raw of stack) {
      if (!isObject(raw)) continue;
      const key = `${String(raw.type)}\u0000${String(raw.name)}\u0000${String(raw.kind ?? '')}`;
      let fi = frameIds.get(key);
      if (fi === undefined) {
        // Optimised and unoptimised code of one function are the same function to the user.
        const frame = tickFrame(raw);
        const identity = frame.kind === 'js' ? `js\u0000${frame.functionName}\u0000${frame.url}\u0000${frame.line}\u0000${frame.column}` : `n\u0000${frame.functionName}`;
        fi = frameIds.get(identity);
        if (fi === undefined) {
          fi = frames.length;
          frames.push(frame);
          frameIds.set(identity, fi);
        }
        frameIds.set(key, fi);
      }
      let child = children[node].get(fi);
      if (child === undefined) {
        child = nodes.length;
        nodes.push({ frame: fi, parent: node, selfMs: 0, sampleCount: 0 });
        children.push(new Map());
        children[node].set(fi, child);
      }
      node = child;
    }
    nodes[node].selfMs += TICK_MS;
    nodes[node].sampleCount++;
    ticks++;
  }
  if (ticks === 0) throw new ProfileError('empty-profile', 'The profile is empty: it has no ticks.');
  const warnings = bad ? [`${bad} tick(s) are not stacks and were ignored.`] : [];
  return {
    format: clinic ? 'clinic-flame' : '0x',
    frames,
    nodes,
    warnings,
    precision: 'functions',
    estimatedTimes: true,
    notes: [
      `${clinic ? 'Clinic.js flame' : '0x'} samples record which functions were running but no line positions: heat is per function (on its first line), not per line.`,
      `They have no timestamps either: times are tick counts × about ${TICK_MS} ms (V8's --prof interval).`,
    ],
  };
}

export const ticksImporter: ProfileImporter = {
  id: 'ticks',
  label: '0x ticks / Clinic.js flame samples',
  detect: isTicksArray,
  import: importTicks,
};
