// Opening what the user picked (a file, or a folder written by Clinic.js or 0x) as a CallTree.
// PURE: an I/O job (./io.ts) that the CLI runs with node:fs and the extension with vscode.workspace.fs.
//  - a file: JSON of any supported format (the file name tells Clinic flame samples from 0x ticks);
//  - `<id>.clinic-flame/` → its `-samples` file; `<id>.clinic-doctor/` → a clear "no code positions";
//  - `.clinic/` → the newest `*.clinic-flame` folder in it;
//  - `<pid>.0x/` → `ticks.json` (0x --write-ticks);
//  - a folder of `.cpuprofile` files (--cpu-prof-dir) → the largest one, with a note.
import { callTreeFromJson, clinicDoctorError } from './convert';
import { ProfileError } from './errors';
import { baseNameOf, joinPath, type IoHandlerSync, type IoJob, type StatReply } from './io';
import { parseJsonText } from './json';
import { importV8Log, isV8Log } from './importers/v8log';
import type { CallTree, ImportOptions } from './types';

export interface OpenedProfile {
  tree: CallTree;
  /** The file that was read (a folder's chosen file, or the path itself). */
  file: string;
  /** Size of that file in bytes. */
  bytes: number;
}

export interface OpenOptions extends ImportOptions {
  /** Called before long steps ("reading …", "parsing 12 MB …"). */
  report?: (message: string) => void;
  /** Files larger than this are refused with a clear message (default 512 MB). */
  maxBytes?: number;
}

const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(bytes >= 10 * 1024 * 1024 ? 0 : 1)} MB`;

export function* openProfileJob(path: string, options: OpenOptions = {}): IoJob<OpenedProfile> {
  const stat = (yield { op: 'stat', path }) as StatReply | undefined;
  if (!stat) throw new ProfileError('unreadable', `It cannot be read: ${path} does not exist.`);
  if (stat.type === 'file') return yield* readProfileFile(path, stat.size, options, []);
  return yield* openFolder(path, options, 0);
}

function* readProfileFile(file: string, size: number, options: OpenOptions, notes: string[]): IoJob<OpenedProfile> {
  const max = options.maxBytes ?? DEFAULT_MAX_BYTES;
  if (size > max) throw new ProfileError('too-large', `The file is too large (${mb(size)}); PerfLens reads profiles up to ${mb(max)}.`);
  options.report?.(`reading and parsing ${baseNameOf(file)} (${mb(size)})…`);
  const fileName = baseNameOf(file);
  const importOptions: ImportOptions = { fileName, ...(options.thread !== undefined ? { thread: options.thread } : {}) };
  const tree = (yield { op: 'import', path: file, size, options: importOptions }) as CallTree | undefined;
  if (!tree || typeof tree !== 'object' || !Array.isArray(tree.nodes)) throw new ProfileError('unreadable', `It cannot be read: ${fileName}.`);
  return { tree: notes.length ? { ...tree, notes: [...(tree.notes ?? []), ...notes] } : tree, file, bytes: size };
}

/** Text of a profile file → CallTree (what answering an 'import' request means): JSON, or a V8 --prof log. */
export function importProfileText(text: string, options: ImportOptions): CallTree {
  if (isV8Log(text)) return importV8Log(text, options);
  return callTreeFromJson(parseJsonText(text), options);
}

/** Wraps an I/O handler so 'import' requests are answered inline: its own 'read', then `importProfileText`. */
export function withInlineImport(handle: IoHandlerSync): IoHandlerSync {
  return (r) => {
    if (r.op !== 'import') return handle(r);
    const text = handle({ op: 'read', path: r.path });
    if (typeof text !== 'string') throw new ProfileError('unreadable', `It cannot be read: ${baseNameOf(r.path)}.`);
    return importProfileText(text, r.options);
  };
}

function* openFolder(dir: string, options: OpenOptions, depth: number): IoJob<OpenedProfile> {
  const names = (yield { op: 'list', path: dir }) as string[] | undefined;
  if (!Array.isArray(names)) throw new ProfileError('unreadable', `The folder ${baseNameOf(dir)} cannot be read.`);
  const base = baseNameOf(dir);
  const has = (re: RegExp) => names.filter((n) => re.test(n)).sort();
  const statOf = function* (name: string): IoJob<StatReply | undefined> {
    return (yield { op: 'stat', path: joinPath(dir, name) }) as StatReply | undefined;
  };

  // Clinic.js data folders: <id>.clinic-<tool>/<id>.clinic-<tool>-<file>
  if (/\.clinic-doctor$/i.test(base) || has(/clinic-doctor-(processstat|traceevent|systeminfo)$/i).length) throw clinicDoctorError();
  if (/\.clinic-bubbleprof$/i.test(base) || has(/clinic-bubbleprof-/i).length)
    throw new ProfileError('not-cpu-profile', 'It is Clinic.js bubbleprof output: it records async operations, not where CPU time goes. Use `clinic flame` or `node --cpu-prof`.', {
      detected: 'Clinic.js bubbleprof output',
    });
  const flameSamples = has(/clinic-flame-samples$/i);
  if (flameSamples.length) {
    const file = joinPath(dir, flameSamples[flameSamples.length - 1]);
    const s = yield* statOf(flameSamples[flameSamples.length - 1]);
    if (!s || s.type !== 'file') throw new ProfileError('unreadable', `It cannot be read: ${flameSamples[0]}.`);
    return yield* readProfileFile(file, s.size, options, []);
  }
  if (/\.clinic-flame$/i.test(base))
    throw new ProfileError('invalid-profile', `The Clinic.js flame folder ${base} has no "-samples" file (was the run interrupted before it finished?).`);

  // A `.clinic` folder (or any folder) holding Clinic data folders: the newest flame run.
  if (depth === 0) {
    const flames = has(/^\d+\.clinic-flame$/i).sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10));
    const anyFlame = flames.length ? flames : has(/\.clinic-flame$/i);
    if (anyFlame.length) {
      const pick = anyFlame[anyFlame.length - 1];
      const opened = yield* openFolder(joinPath(dir, pick), options, depth + 1);
      if (anyFlame.length > 1) opened.tree.notes = [...(opened.tree.notes ?? []), `The folder holds ${anyFlame.length} Clinic flame runs; ${pick} was opened.`];
      return opened;
    }
    if (has(/\.clinic-doctor$/i).length) throw clinicDoctorError();
  }

  // 0x output (and node --prof): the raw V8 log has tick times and code offsets (per-line heat);
  // ticks.json (0x --write-ticks) only function starts. With several isolates (workers), the largest log.
  const logs = has(/^isolate-.*-v8\.log$/i);
  if (logs.length) {
    let best: { name: string; size: number } | undefined;
    for (const n of logs) {
      const s = yield* statOf(n);
      if (s?.type === 'file' && (!best || s.size > best.size)) best = { name: n, size: s.size };
    }
    if (best) {
      const notes = logs.length > 1 ? [`The folder holds ${logs.length} V8 logs (one per isolate); the largest, ${best.name}, was opened.`] : [];
      return yield* readProfileFile(joinPath(dir, best.name), best.size, options, notes);
    }
  }
  if (names.includes('ticks.json')) {
    const s = yield* statOf('ticks.json');
    if (s?.type === 'file') return yield* readProfileFile(joinPath(dir, 'ticks.json'), s.size, options, []);
  }
  if (names.includes('flamegraph.html'))
    throw new ProfileError(
      'unsupported-format',
      `The 0x folder ${base} has only flamegraph.html: its V8 log was removed. Record again with \`0x --collect-only\` or \`--write-ticks\` (or open a .cpuprofile from \`node --cpu-prof\`).`,
      { detected: '0x output without data' },
    );

  // Plain profile files in the folder (node --cpu-prof-dir): the largest.
  const candidates = has(/\.(cpuprofile|speedscope\.json|trace\.json)$/i);
  if (candidates.length) {
    let best: { name: string; size: number } | undefined;
    for (const n of candidates) {
      const s = yield* statOf(n);
      if (s?.type === 'file' && (!best || s.size > best.size)) best = { name: n, size: s.size };
    }
    if (best) {
      const notes = candidates.length > 1 ? [`The folder holds ${candidates.length} profiles; the largest, ${best.name}, was opened.`] : [];
      return yield* readProfileFile(joinPath(dir, best.name), best.size, options, notes);
    }
  }
  const shown = names.slice(0, 6).join(', ');
  throw new ProfileError(
    'not-cpu-profile',
    `The folder ${base} holds no profile PerfLens knows (expected a .cpuprofile, a Clinic.js flame folder or 0x output)${names.length ? `; it has ${shown}${names.length > 6 ? ', …' : ''}` : ' (it is empty)'}.`,
  );
}
