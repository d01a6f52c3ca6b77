// The profile model shared by every importer, the heat overlay, the profile editor and the CLI.
// PURE: no vscode, no node: imports. Importers turn a file into a `CallTree` (the neutral
// intermediate form); `buildProfile` turns a CallTree into a `Profile` with per-function and
// per-line aggregates. Every line and column in these types is 0-based (VS Code's convention);
// importers convert from their format's base at the boundary.

/** Formats an importer can produce. Add new ids here as importers are added. */
export type ProfileFormat = 'cpuprofile' | 'cpuprofile-legacy';

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
}

/** A node of the built profile. Indices match `CallTree.nodes`. */
export interface ProfileNode {
  frame: number;
  parent: number;
  children: number[];
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
}

/** Key of a script in `Profile.files`: the URL, or the script id for URL-less (inline/eval) scripts. */
export function fileKey(url: string, scriptId: string): string {
  return url !== '' ? url : `<script ${scriptId}>`;
}

export const SPECIAL_FUNCTION_NAMES: ReadonlySet<string> = new Set(['(root)', '(program)', '(idle)', '(garbage collector)']);
