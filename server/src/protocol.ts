// Custom requests and settings shared by the client and the server. Imports nothing, so the
// client may import this file by relative path (the client and server bundle different copies
// of the protocol package, so request types are plain method names here).

/**
 * Node flags the extension starts the language server with. The analysis allocates many
 * short-lived objects (shapes, costs, evidence); a 64 MB young generation instead of V8's 16 MB
 * default means fewer scavenges (measured: 5-10% less time for a cold analysis of typescript.js).
 * A runtime v8.setFlagsFromString does not resize the young generation, so it must be a flag.
 * Not at that size from the start (`--min-semi-space-size=64`, tried): sustained typing met fewer
 * scavenges (the bench's warm series: 2 pauses per 100 keystrokes against 3-5), but an open's
 * own garbage and survivors were then left for the first keystrokes after it (first 100 after
 * the open, over IPC: 4 pauses, 24-34 ms in all, up to 21 ms, against 1 pause of 2-4 ms).
 *
 * No allocation-site pretenuring: V8 allocates objects straight in the old generation from a
 * site whose objects mostly survived a scavenge, which every site does during a cold analysis
 * (all of it is kept), and the decision stays. Afterwards, each keystroke's short-lived objects
 * from those sites (placed summaries, lenses, ...) died in the old generation still pointing at
 * young ones, which every scavenge then copied and promoted until the next full GC (GitApi.js,
 * 800 typed spaces in process: ~34 MB promoted per scavenge and ~8.5 ms pauses; without it
 * ~2.6 MB and ~3.8 ms). Cost: a cold analysis of typescript.js peaks ~15% higher in RSS.
 *
 * `gc`, exposed: the server collects the young generation in the quiet after a keystroke, so
 * that the next keystrokes do not meet the scavenge (see idleGc.ts).
 */
export const SERVER_EXEC_ARGV: readonly string[] = ['--max-semi-space-size=64', '--no-allocation-site-pretenuring', '--expose-gc'];

export interface PerfLensSettings {
  codeLens: { enabled: boolean };
  complexity: { warnAbove: string };
  nPlusOne: { enabled: boolean; queryFunctions: string[] };
  analysis: { timeBudgetMs: number };
}

export const defaultPerfLensSettings: PerfLensSettings = {
  codeLens: { enabled: true },
  complexity: { warnAbove: 'O(n log n)' },
  nPlusOne: { enabled: true, queryFunctions: [] },
  analysis: { timeBudgetMs: 2000 },
};

export interface ExplainParams {
  uri: string;
  /** 0-based line anywhere inside the function. */
  line: number;
  character?: number;
}

export interface ExplainResult {
  /** Markdown derivation, or undefined when no function is at that place. */
  markdown?: string;
  functionName?: string;
}

export const EXPLAIN_REQUEST = 'perflens/explain';

/** Command the CodeLens runs: explain the function at (uri, line). */
export const EXPLAIN_COMMAND = 'perflens.explainComplexity';

/**
 * `data` of a lens as `textDocument/codeLens` sends it: the lens has a range but no command yet
 * (VS Code asks `codeLens/resolve` for the lenses it shows). [document number (the server's, for
 * the resolve), the Big-O as the title starts, e.g. "O(n²)" or "O(n)?"]: the client reads every
 * function's Big-O from it without resolving the lenses off screen.
 */
export type LensData = [doc: number, bigO: string];

/** Server statistics (bench and tests): memory and what the server holds for open documents. */
export const STATS_REQUEST = 'perflens/stats';
export interface StatsParams {
  /** Run a full garbage collection first (only when the server was started with --expose-gc). */
  gc?: boolean;
  /** Also return (and forget) the timings of the analyses run since the last request that asked for them. */
  jobs?: boolean;
}

/** How long each analysis took in the server, in ms, oldest first (at most the last 1,000). */
export interface JobTimings {
  /** Parsing: the incremental update of the document's syntax tree (or its first parse). */
  parseMs: number[];
  /** The analysis proper (summaries and rules), its slices added up. */
  analysisMs: number[];
  /** The garbage collector's pauses in the same period, whenever they fell (in an analysis or not). */
  gcMs: number[];
  /** The young-generation collections the server made in quiet moments (see idleGc.ts), apart from those. */
  idleGcMs: number[];
}
export interface StatsResult {
  rssMB: number;
  heapUsedMB: number;
  openDocuments: number;
  analysedDocuments: number;
  syntaxTrees: number;
  cachedSummaries: number;
  projectFiles: number;
  /** Documents whose last lenses are kept for `codeLens/resolve`. */
  lensDocuments: number;
  /** With `jobs` in the request. */
  jobs?: JobTimings;
}
