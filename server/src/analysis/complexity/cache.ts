// Incremental summaries: one entry per function, keyed by the function's text (plus the text
// it depends on lexically: enclosing function, module-level declarations) and by the summaries
// of the functions it calls. An edit recomputes the changed function and, when its summary
// changed, its callers; everything else is reused.
import type { Cost } from '../cost';
import type { Confidence } from '../types';
import type { ts as TS } from 'ts-morph';
import type { FunctionSummary } from '../types';
import type { VarInfo } from './shape';

export interface CachedEvidence {
  /** Offsets relative to the function's start. */
  relStart: number;
  relEnd: number;
  factor: Cost;
  reason: string;
}

export interface CacheEntry {
  /** Hash of the function's text and lexical context. */
  textKey: string;
  cost: Cost;
  amortized?: { cost: Cost; stateName: string };
  evidence: CachedEvidence[];
  confidence: Confidence;
  recursive: boolean;
  returns?: { len?: Cost; val?: Cost };
  /** Callee identity (file + key) -> fingerprint of the callee summary used. */
  deps: Array<{ file: string; key: string; fingerprint: string }>;
  /**
   * Names it calls that nothing resolved and that no function of the file had: the entry holds
   * until one does (a function renamed to the name a call already used).
   */
  unresolvedNames?: string[];
  /** Variables the cost/evidence mention (re-registered on reuse). */
  vars: VarInfo[];
  fingerprint: string;
  /** The presented summary (offsets relative to the function, lines relative to its first line). */
  presented?: FunctionSummary;
}

/**
 * What the last complete run over a file used (see analyzeFunctionsStepwise): the tree, the
 * file's module-level context, and for each function, in collection order, its node and the
 * entry its summary came from (undefined: none, its analysis failed).
 */
export interface LastRun {
  tree: TS.SourceFile;
  contextSig: string;
  nodes: TS.Node[];
  entries: Array<CacheEntry | undefined>;
  /**
   * Where each function's summary was placed (its start offset and line) and the summary placed
   * there, by index: a function the next run takes as it was (unaffectedSince) and that has not
   * moved gets the same summary without a look-up by its node or its cached summary. With each
   * node's leading trivia (start - pos), which holds while the node is the same object.
   */
  starts: Int32Array;
  lines: Int32Array;
  trivia: Int32Array;
  placed: FunctionSummary[];
}

export class SummaryCache {
  /** Entries by file, then by function key (no key string built per lookup: ~600 lookups per keystroke on a large file). */
  private readonly files = new Map<string, Map<string, CacheEntry>>();
  private count = 0;
  /** Hash of a function's text and its outermost function's text, valid while both nodes are the same objects. */
  readonly textHashes = new WeakMap<TS.Node, { context: string; key: string; hash: string; sig?: string; full?: string }>();
  /** Hash of a node's text without the bodies of the functions inside it (see skeletonHash), valid while the node is the same object. */
  readonly skeletons = new WeakMap<TS.Node, string>();
  /**
   * Length of a function node's leading trivia (start - pos: often a long JSDoc comment, scanned
   * by getStart), valid while the node is the same object: an edit that touches the trivia
   * re-parses the node, and a moved node keeps its trivia.
   */
  readonly trivia = new WeakMap<TS.Node, number>();
  /** The last complete run over each file (held until the next one, or until the file is forgotten). */
  readonly lastRuns = new Map<string, LastRun>();
  /** Number of function summaries computed (not reused) since creation or the last reset. */
  recomputations = 0;
  /** Number of summaries reused from the cache (validated, or known unaffected by the edit). */
  reuses = 0;
  /** Of those, the ones taken as the last run left them, without validation (unaffectedSince in index.ts). */
  unaffected = 0;
  /** Number of skeletons (the code around nested functions) computed, not known from the node or its original. */
  skeletonTexts = 0;
  /**
   * Keys of the functions recomputed since the last reset, in order (for tests and diagnostics).
   * Bounded: a long-lived server never resets it.
   */
  recomputed: string[] = [];
  static readonly MAX_RECORDED = 1000;

  /** Counts one recomputation of `key`. */
  noteRecomputed(key: string): void {
    this.recomputations++;
    if (this.recomputed.length >= SummaryCache.MAX_RECORDED) this.recomputed.splice(0, this.recomputed.length - SummaryCache.MAX_RECORDED + 1);
    this.recomputed.push(key);
  }

  get(file: string, key: string): CacheEntry | undefined {
    return this.files.get(file)?.get(key);
  }
  set(file: string, key: string, e: CacheEntry): void {
    let entries = this.files.get(file);
    if (!entries) this.files.set(file, (entries = new Map()));
    const before = entries.size;
    entries.set(key, e);
    this.count += entries.size - before;
  }
  /** Drop every entry of a file (closed or deleted documents). */
  forgetFile(file: string): void {
    this.lastRuns.delete(file);
    const entries = this.files.get(file);
    if (!entries) return;
    this.count -= entries.size;
    this.files.delete(file);
  }
  resetCounters(): void {
    this.recomputations = 0;
    this.reuses = 0;
    this.unaffected = 0;
    this.skeletonTexts = 0;
    this.recomputed = [];
  }
  get size(): number {
    return this.count;
  }
}

/** 53-bit string hash (cyrb53). */
export function hashText(str: string, seed = 0): string {
  let h1 = 0xdeadbeef ^ seed, h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < str.length; i++) {
    const ch = str.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36) + ':' + str.length.toString(36);
}
