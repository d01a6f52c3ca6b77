// The profile model shared by every importer, the heat overlay, the profile editor and the CLI.
// PURE: no vscode, no node: imports. Importers turn a file into a `CallTree` (the neutral
// intermediate form); `buildProfile` turns a CallTree into a `Profile` with per-function and
// per-line aggregates. Every line and column in these types is 0-based (VS Code's convention);
// importers convert from their format's base at the boundary.

/** Formats an importer can produce. Add new ids here as importers are added. */
export type ProfileFormat = 'cpuprofile' | 'cpuprofile-legacy' | 'chrome-trace' | 'clinic-flame' | '0x' | 'speedscope';

/** The format names the CLI's JSON reports (the legacy `head` tree is still a cpuprofile). */
export function publicFormat(format: ProfileFormat): 'cpuprofile' | 'chrome-trace' | 'clinic-flame' | '0x' | 'speedscope' {
  return format === 'cpuprofile-legacy' ? 'cpuprofile' : format;
}

/** Human-readable format name. */
export const FORMAT_LABELS: Record<ProfileFormat, string> = {
  cpuprofile: 'V8 CPU profile',
  'cpuprofile-legacy': 'V8 CPU profile (legacy head tree)',
  'chrome-trace': 'Chrome trace',
  'clinic-flame': 'Clinic.js flame',
  '0x': '0x',
  speedscope: 'speedscope',
};

/**
 * How precisely time is placed in the source: 'lines' when the recorder said which line was
 * executing (positionTicks, trace lines[]); 'functions' when only function start positions are
 * known (Clinic flame, 0x ticks, speedscope exports, minified bundles), so a function's whole
 * self time sits on its first line.
 */
export type Precision = 'lines' | 'functions';

/** One recorded thread (or profile) of a file that holds several; the user can switch between them. */
export interface ProfileThread {
  /** Stable id to pass back to the importer (`ImportOptions.thread`). */
  id: string;
  /** What the user sees, e.g. "CrRendererMain (pid 9318)". */
  label: string;
  /** Samples recorded on it (used to pick the busiest). */
  samples: number;
  /** Non-idle time (ms) when known. */
  busyMs?: number;
}

/** Options every importer accepts. */
export interface ImportOptions {
  /** Thread (or sub-profile) id to import; default: the busiest. */
  thread?: string;
  /** Name of the file the value came from (some formats are only told apart by it). */
  fileName?: string;
}

/** What kind of code a frame stands for. */
export type FrameKind =
  /** JavaScript with a script URL and a start line. */
  | 'js'
  /** Native or builtin code without a usable source position. */
  | 'native'
  /** V8's synthetic frames: (root), (program), (idle), (garbage collector). Never get line heat. */
  | 'special';

/** One function identity (a "call frame"); many call-tree nodes can share it. */
export interface Frame {
  functionName: string;
  /** Script URL or path exactly as recorded ("" for eval or inline scripts). */
  url: string;
  /** Script id as recorded (only meaningful within one recording). */
  scriptId: string;
  /** 0-based function start line; -1 when unknown. */
  line: number;
  /** 0-based function start column (V8: the `(` of the parameter list); -1 when unknown. */
  column: number;
  kind: FrameKind;
}

/** Line weights of one node: `lines[i]` (0-based) carries `weights[i]` (any unit, only ratios matter). */
export interface LineWeights {
  lines: number[];
  weights: number[];
  /** 0-based column of each entry when the recorder gave one (Chrome trace `columns[]`); -1 = unknown. */
  columns?: number[];
  /**
   * Script URL of each entry when it differs from the node's frame (after source mapping a line can
   * land in another original file than its function's start, e.g. code inlined by a bundler).
   * undefined / "" = the frame's own URL.
   */
  urls?: Array<string | undefined>;
}

/** One call-tree node in the neutral form every importer produces. */
export interface CallTreeNodeInput {
  /** Index into `CallTree.frames`. */
  frame: number;
  /** Index of the parent node in `CallTree.nodes`; -1 for a root. */
  parent: number;
  /** Time (ms) with this node on top of the stack. */
  selfMs: number;
  /** Samples with this node on top of the stack. */
  sampleCount: number;
  /** Where inside the function the self time was spent; absent = unknown (function start line is used). */
  lines?: LineWeights;
}

/** The neutral intermediate form: a call tree with self time per node. */
export interface CallTree {
  format: ProfileFormat;
  frames: Frame[];
  /** Any order, but every parent index must be valid (or -1). */
  nodes: CallTreeNodeInput[];
  /** Non-fatal oddities found while importing (shown to the user as a note). */
  warnings: string[];
  /** Recording start in ms on the recorder's clock, when known (only differences are meaningful). */
  startMs?: number;
  /** Defaults to 'lines' when any node has line weights, else 'functions'. */
  precision?: Precision;
  /** Times are estimates from tick counts (Clinic/0x ticks have no timestamps). */
  estimatedTimes?: boolean;
  /** Other threads/profiles in the same file (including the imported one) when there are several. */
  threads?: ProfileThread[];
  /** Id of the imported thread (one of `threads`). */
  thread?: string;
  /** Facts about the import the UI should show (not problems): "Clinic flame has no line positions…". */
  notes?: string[];
  /** Scripts whose positions were translated through a source map (generated URL → map URL). */
  sourceMapped?: Array<{ generated: string; map: string }>;
}

/** A node of the built profile. Indices match `CallTree.nodes`. */
export interface ProfileNode {
  frame: number;
  parent: number;
  selfMs: number;
  /** Self time plus every descendant's self time. */
  totalMs: number;
  sampleCount: number;
}

/** Per-function aggregate over all the nodes (call paths) of one frame identity. */
export interface FunctionStat {
  /** Index into `Profile.functions`. */
  id: number;
  functionName: string;
  url: string;
  scriptId: string;
  /** 0-based start line, -1 when unknown. */
  line: number;
  column: number;
  kind: FrameKind;
  selfMs: number;
  /** Time with this function anywhere on the stack; recursion is counted once. */
  totalMs: number;
  /** Samples with this function on top of the stack. */
  sampleCount: number;
}

/** Self time attributed to one source line. */
export interface LineStat {
  /** Script URL as recorded (key of `Profile.files`). */
  url: string;
  scriptId: string;
  /** 0-based. */
  line: number;
  selfMs: number;
  /** Samples attributed to the line (fractional when a node's ticks disagree with its samples). */
  samples: number;
  /** Ids of the functions (`Profile.functions`) whose samples landed on this line. */
  functions: number[];
}

/** Everything recorded for one script. */
export interface FileStat {
  url: string;
  scriptId: string;
  selfMs: number;
  /** Sorted by line. */
  lines: LineStat[];
  /** Function ids whose frame has this url. */
  functions: number[];
}

export interface Profile {
  format: ProfileFormat;
  /** Sum of all sample durations (ms). Every node's self time adds up to this. */
  durationMs: number;
  /** Part of `durationMs` spent in (idle). */
  idleMs: number;
  sampleCount: number;
  frames: Frame[];
  nodes: ProfileNode[];
  /** Children of node i: `childIndex[childStart[i] … childStart[i + 1] - 1]` (see `childrenOf`). */
  childStart: Int32Array;
  childIndex: Int32Array;
  /** Indices of root nodes (normally one: "(root)"). */
  roots: number[];
  /** Node index → function id. */
  nodeFunction: Int32Array;
  functions: FunctionStat[];
  /** Keyed by `fileKey(url, scriptId)`. */
  files: Map<string, FileStat>;
  /** The hottest line's self time (0 when no line has time). */
  maxLineMs: number;
  warnings: string[];
  /** See `Precision`. */
  precision: Precision;
  estimatedTimes: boolean;
  threads: ProfileThread[];
  thread?: string;
  notes: string[];
  sourceMapped: Array<{ generated: string; map: string }>;
}

/** Key of a script in `Profile.files`: the URL, or the script id for URL-less (inline/eval) scripts. */
export function fileKey(url: string, scriptId: string): string {
  return url !== '' ? url : `<script ${scriptId}>`;
}

export const SPECIAL_FUNCTION_NAMES: ReadonlySet<string> = new Set(['(root)', '(program)', '(idle)', '(garbage collector)']);
