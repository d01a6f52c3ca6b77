// Says what a parsed JSON value looks like when it is not a profile we can import, so the error
// message can name it ("this is a heap snapshot"). PURE.

export interface Detected {
  /** Short name used in messages, e.g. "a V8 heap snapshot". */
  what: string;
  /** True when it is a CPU profile format we plan to support but cannot import yet. */
  cpuProfileFormat: boolean;
  /** Extra advice for the user. */
  hint?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Recognises well-known non-`.cpuprofile` JSON shapes. Only looks at the top few levels. */
export function describeJson(value: unknown): Detected | undefined {
  if (Array.isArray(value)) {
    if (value.length > 0 && isObject(value[0]) && 'ph' in value[0] && ('ts' in value[0] || 'pid' in value[0]))
      return { what: 'a Chrome trace (an array of trace events)', cpuProfileFormat: true, hint: 'Trace import is not supported yet; save a .cpuprofile from the JavaScript Profiler or use `node --cpu-prof`.' };
    if (value.length > 0 && Array.isArray(value[0]) && (value[0] as unknown[]).every((f) => isObject(f) && 'name' in f))
      return { what: 'Clinic flame / 0x samples (ticks)', cpuProfileFormat: true, hint: 'Clinic flame and 0x tick files are not supported yet.' };
    return { what: `a JSON array (${value.length} item${value.length === 1 ? '' : 's'})`, cpuProfileFormat: false };
  }
  if (!isObject(value)) return { what: `a JSON ${value === null ? 'null' : typeof value}`, cpuProfileFormat: false };
  if (isObject(value.snapshot) && Array.isArray(value.nodes) && Array.isArray(value.strings))
    return { what: 'a V8 heap snapshot (it has "snapshot", "nodes" and "strings")', cpuProfileFormat: false, hint: 'Heap snapshots hold memory, not CPU time; record a CPU profile instead.' };
  if (Array.isArray(value.nodes) && Array.isArray(value.strings))
    return { what: 'a V8 heap snapshot ("nodes" are numbers and there is a "strings" table)', cpuProfileFormat: false, hint: 'Heap snapshots hold memory, not CPU time; record a CPU profile instead.' };
  if (isObject(value.head) && isObject(value.head.callFrame) && 'selfSize' in value.head && Array.isArray(value.samples))
    return { what: 'a sampling heap profile (.heapprofile: "head" nodes with "selfSize")', cpuProfileFormat: false, hint: 'Heap profiles hold allocations, not CPU time.' };
  if (Array.isArray(value.traceEvents))
    return { what: 'a Chrome trace (it has "traceEvents")', cpuProfileFormat: true, hint: 'Trace import is not supported yet; save a .cpuprofile from the JavaScript Profiler or use `node --cpu-prof`.' };
  if (typeof value.$schema === 'string' && value.$schema.includes('speedscope'))
    return { what: 'a speedscope profile', cpuProfileFormat: true, hint: 'speedscope import is not supported yet.' };
  if (isObject(value.shared) && Array.isArray(value.profiles)) return { what: 'a speedscope profile', cpuProfileFormat: true, hint: 'speedscope import is not supported yet.' };
  if ((isObject(value.meta) && Array.isArray(value.threads)) || (isObject(value.profile) && Array.isArray((value.profile as Record<string, unknown>).threads)))
    return { what: 'a Firefox profiler (Gecko) profile', cpuProfileFormat: true, hint: 'Firefox profiles are not supported yet.' };
  if (Array.isArray(value.code) && Array.isArray(value.ticks))
    return { what: 'a preprocessed V8 --prof log (node --prof-process --preprocess)', cpuProfileFormat: true, hint: 'Open the 0x output folder recorded with --write-ticks, or a .cpuprofile, instead.' };
  if (isObject(value.clock) && 'nodeVersions' in value)
    return { what: 'Clinic.js doctor system info', cpuProfileFormat: false, hint: 'Clinic doctor data has no code positions; use `clinic flame` or `node --cpu-prof`.' };
  if (typeof value.mainDirectory === 'string' && 'nodeVersions' in value)
    return { what: 'Clinic.js flame system info', cpuProfileFormat: false, hint: 'Open the whole <id>.clinic-flame folder (or its -samples file) instead.' };
  const keys = Object.keys(value);
  return {
    what: keys.length ? `a JSON object with ${keys.slice(0, 5).map((k) => JSON.stringify(k)).join(', ')}${keys.length > 5 ? ', …' : ''}` : 'an empty JSON object',
    cpuProfileFormat: false,
  };
}
