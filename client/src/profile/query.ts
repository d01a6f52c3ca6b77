// Small read-only queries over a Profile, shared by the editor, the overlay and the CLI. PURE.
import { fileKey, type FunctionStat, type Profile } from './types';

/** Functions sorted by self time (descending); special frames included unless `jsOnly`. */
export function topFunctions(profile: Profile, options: { jsOnly?: boolean; limit?: number; by?: 'self' | 'total' } = {}): FunctionStat[] {
  const by = options.by ?? 'self';
  const list = profile.functions.filter((f) => (options.jsOnly ? f.kind === 'js' : true) && (f.selfMs > 0 || f.totalMs > 0));
  list.sort((a, b) => (by === 'self' ? b.selfMs - a.selfMs || b.totalMs - a.totalMs : b.totalMs - a.totalMs || b.selfMs - a.selfMs));
  return options.limit !== undefined ? list.slice(0, options.limit) : list;
}

/** Functions recorded for one script URL, by start line. */
export function functionsInFile(profile: Profile, url: string, scriptId = ''): FunctionStat[] {
  const file = profile.files.get(fileKey(url, scriptId));
  if (!file) return [];
  return file.functions.map((id) => profile.functions[id]).sort((a, b) => a.line - b.line || a.column - b.column);
}

/** "12.3 ms", "1.24 s", "0.4 ms". */
export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(ms >= 10000 ? 1 : 2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  return `${ms.toFixed(1)} ms`;
}

/** Sampled time that was not idle (the denominator of "% CPU"). */
export function busyMs(profile: Profile): number {
  return Math.max(0, profile.durationMs - profile.idleMs);
}

export interface CallerStat {
  /** Function id of the caller; -1 = called from the top level (no caller). */
  fn: number;
  /** Time (ms) of `fnId`'s calls that came from this caller (inclusive of the callee's subtree). */
  ms: number;
}

/**
 * Who called function `fnId`, weighted by the time of those calls (the callee's inclusive time on
 * each call path; recursion counted once, at the outermost call). Native frames in between are
 * skipped, so a JS function calling through a builtin is still named.
 */
export function topCallers(profile: Profile, fnId: number, limit = 5): CallerStat[] {
  const byCaller = new Map<number, number>();
  const { nodes, nodeFunction, functions } = profile;
  for (let i = 0; i < nodes.length; i++) {
    if (nodeFunction[i] !== fnId || nodes[i].totalMs <= 0) continue;
    // Skip this node if an ancestor is the same function (recursion: count the outermost call).
    let p = nodes[i].parent;
    let recursive = false;
    let caller = -1;
    while (p >= 0) {
      const f = nodeFunction[p];
      if (f === fnId) {
        recursive = true;
        break;
      }
      if (caller < 0 && functions[f].kind === 'js') caller = f;
      if (caller >= 0) break;
      p = nodes[p].parent;
    }
    if (recursive) continue;
    // Make sure no ancestor further up is the same function either (bounded walk).
    let q = p;
    let guard = 0;
    while (q >= 0 && guard++ < 100000) {
      if (nodeFunction[q] === fnId) {
        recursive = true;
        break;
      }
      q = nodes[q].parent;
    }
    if (recursive) continue;
    byCaller.set(caller, (byCaller.get(caller) ?? 0) + nodes[i].totalMs);
  }
  return [...byCaller].map(([fn, ms]) => ({ fn, ms })).sort((a, b) => b.ms - a.ms).slice(0, limit);
}

/** Child node indices of node `i`. */
export function childrenOf(profile: Profile, i: number): number[] {
  const out: number[] = [];
  for (let k = profile.childStart[i]; k < profile.childStart[i + 1]; k++) out.push(profile.childIndex[k]);
  return out;
}
