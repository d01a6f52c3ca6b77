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
