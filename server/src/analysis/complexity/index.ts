// Function summaries: the estimated Big-O time of every function, method, constructor,
// accessor, function expression and arrow function in a file, with evidence.
//
//   analyzeFunctions(sf, { getChecker?, cache? }) -> FunctionSummary[] (source order)
//
// The walk is over raw ts.Nodes (no ts-morph wrappers); the type checker is asked for only
// when a call goes to an imported function. See analyzer.ts (loops, calls, sizes),
// recursion.ts, catalog.ts (built-in costs) and cache.ts (incremental summaries).
import { ts } from '../../ts';
import type { ts as TS } from 'ts-morph';
import type { Evidence, FunctionSummary } from '../types';
import { formatCost, formatFactorRenamed, isConstant, renameVars, variablesOf, type Cost } from '../cost';
import { FileAnalyzer, jsDocTextOf, type FnInfo, type FnResult, type ProgramContext, type RawEvidence } from './analyzer';
import { VarRegistry, type VarInfo } from './shape';
import { SummaryCache, hashText, type CacheEntry, type LastRun } from './cache';
import { forEachDescendant, isFunctionLike, startOf, textIn, detach } from './syntax';

export { isFunctionLike, functionName } from './syntax';
export { SummaryCache } from './cache';
export { METHODS, STATICS, CONSTRUCTORS, CONTAINER_TYPES } from './catalog';

export interface ComplexityOptions {
  /** Lazily creates the type checker; asked only for calls into imported functions. */
  getChecker?: () => TS.TypeChecker | undefined;
  /** Reuse summaries across edits (keyed by function text and callee summaries). */
  cache?: SummaryCache;
  /** Identity of the file in the cache (defaults to sf.fileName). */
  fileName?: string;
}


/** The fingerprint recorded for a dependency that was on the analysis stack (a cycle): see onAnalyze. */
const IN_CYCLE = '@cycle';
/** The fingerprint recorded for a called function without a body (FnResult.declaredDeps): see onAnalyze. */
const DECLARED_ONLY = '@declared';

export function analyzeFunctions(sf: TS.SourceFile, opts: ComplexityOptions = {}): FunctionSummary[] {
  const out: FunctionSummary[] = [];
  const steps = analyzeFunctionsStepwise(sf, opts, out);
  while (!steps.next().done);
  return out;
}

/**
 * The same analysis one function at a time: each `next()` summarises the next function (and
 * whatever it calls) and appends its summary to `out`. The language server interleaves these
 * steps with other requests and stops them when the file's time budget is spent.
 */
export function* analyzeFunctionsStepwise(sf: TS.SourceFile, opts: ComplexityOptions, out: FunctionSummary[]): Generator<void, void> {
  const reg = new VarRegistry();
  const cache = opts.cache;
  const fileId = opts.fileName ?? sf.fileName;
  const program: ProgramContext = { reg, files: new Map(), getChecker: opts.getChecker, depth: 0, stats: { analyses: 0 } };
  // With a cache (the language server, file after file and edit after edit), the collecting walk
  // is recorded and, after an edit spliced into one function body, redone from the record.
  const fa = new FileAnalyzer(sf, program, '', !!cache);
  program.files.set(sf, fa);
  const fileIdOf = (f: FileAnalyzer) => (f === fa ? fileId : f.sf.fileName);
  // What a summary depends on besides its own text: the code around it *outside* other
  // functions' bodies (enclosing functions, module-level statements), and the summaries of what
  // it calls (checked through `deps`). So an edit inside one function of an IIFE or UMD wrapper,
  // or inside a helper such as `var __awaiter = (this && this.__awaiter) || function () {...}`,
  // does not re-derive every other function of the file.
  // (an enclosing function's JSDoc too: `@param {ListNode} h` changes how its closures measure h)
  const skeleton = (n: TS.Node): string => {
    let h = cache?.skeletons.get(n);
    if (h === undefined) {
      if (cache) cache.skeletonTexts++;
      h = hashText(isFunctionLike(n) ? `${skeletonText(n, sf)}\n${jsDocTextOf(n, sf)}` : skeletonText(n, sf));
      cache?.skeletons.set(n, h);
    }
    return h;
  };
  // After an edit inside one function body (spliced), the code around that function is the same
  // text: each node on the path to it (a copy) has its original's skeleton, since a skeleton
  // leaves out the bodies of the functions inside it. (The edited function's own copy does not:
  // its body is its own code. Nor does a member re-parsed for its header or JSDoc.)
  const origin = fa.splicedFrom;
  if (cache && origin && !origin.member) {
    for (const [old, copy] of origin.copies) {
      if (old === origin.oldFunction) continue;
      const h = cache.skeletons.get(old);
      if (h !== undefined) cache.skeletons.set(copy, h);
    }
  }
  let ctxSig: string | undefined;
  const contextSig = (): string => {
    if (ctxSig === undefined) {
      const parts: string[] = [];
      for (const st of sf.statements) {
        if (ts.isFunctionDeclaration(st)) continue;
        if (ts.isClassDeclaration(st)) {
          for (const m of st.members) if (ts.isPropertyDeclaration(m) && !(m.initializer && isFunctionLike(m.initializer))) parts.push(textIn(m, sf));
          // (whether it has a constructor: `new X()` costs nothing without one, and is assumed
          // O(1) with a bodiless one, neither a dependency of the caller)
          parts.push(`class ${st.name?.text ?? ''}${st.members.some(ts.isConstructorDeclaration) ? ' constructor' : ''}`);
          continue;
        }
        if (ts.isVariableStatement(st) && st.declarationList.declarations.every((d) => d.initializer && isFunctionLike(unwrapInit(d.initializer)))) continue;
        parts.push(skeleton(st));
      }
      ctxSig = hashText(parts.join('\n'));
    }
    return ctxSig;
  };
  const textKeyOf = (fn: FnInfo): string => {
    // the enclosing functions, each without its nested functions' bodies
    let context = '';
    for (let p = fn.parent; p; p = p.parent) context += `${skeleton(p.node)},`;
    // The incremental parser hands back the very same node objects for unchanged code, so an
    // unchanged function node has the same text: its hash is remembered instead of re-hashing
    // every function on every keystroke.
    const memo = cache?.textHashes.get(fn.node);
    if (memo && memo.context === context && memo.key === fn.key) {
      if (fn.file !== fa) return memo.hash;
      // the whole key too, while the file's context is the same (no string built per function)
      const sig = contextSig();
      if (memo.sig !== sig) {
        memo.sig = sig;
        memo.full = `${memo.hash}|${sig}`;
      }
      return memo.full!;
    }
    // (its JSDoc too, which can change how its parameters are measured: see jsDocTextOf)
    const own = hashText(`${fn.key}\n${textIn(fn.node, fn.file.sf)}\n${context}\n${jsDocTextOf(fn.node, fn.file.sf)}`);
    cache?.textHashes.set(fn.node, { context, key: fn.key, hash: own });
    return fn.file === fa ? `${own}|${contextSig()}` : own;
  };
  // Where each function starts (after its trivia), remembered per node across keystrokes.
  const fnStart = (n: TS.Node, file: TS.SourceFile): number => {
    if (!cache) return startOf(n, file);
    const t = cache.trivia.get(n);
    if (t !== undefined) return n.pos + t;
    const at = startOf(n, file);
    cache.trivia.set(n, at - n.pos);
    return at;
  };
  // A summary's fingerprint (what its callers depend on). Results reused from the cache
  // (CachedResult) carry the one stored with their entry (no re-printing of every callee's cost
  // on each keystroke).
  // Its parameters' names too: a call site maps the cost's variables to its arguments by the
  // parameters' positions, so `upTo(m, n)` becoming `upTo(n, m)` changes what a caller pays.
  const fingerprint = (fn: FnInfo, r: FnResult): string =>
    r instanceof CachedResult ? r.entry.fingerprint :
    `${costKey(r.cost)}|${r.amortized ? costKey(r.amortized.cost) + '@' + r.amortized.stateName : ''}|${r.confidence}|${r.returns?.len ? costKey(r.returns.len) : ''}|${r.returns?.val ? costKey(r.returns.val) : ''}|${fn.params.join(',')}`;

  // The names of the file's functions, for the entries' unresolved calls (kept with the collection).
  const declaredNames = (): Set<string> => fa.declaredNames();
  if (cache) {
    program.onAnalyze = (fn) => {
      if (fn.file !== fa) return undefined;
      const entry = cache.get(fileIdOf(fn.file), fn.key);
      if (!entry || entry.textKey !== textKeyOf(fn)) return undefined;
      // a call that resolved to nothing may resolve now
      if (entry.unresolvedNames) {
        const names = declaredNames();
        for (const n of entry.unresolvedNames) if (names.has(n)) return undefined;
      }
      // every dependency must still produce the summary this one was computed with
      fn.running = true;
      fn.validating = true;
      try {
        for (const d of entry.deps) {
          const dep = d.file === fileId ? fa.fnByKey(d.key) : undefined;
          if (!dep) return undefined;
          // A function of a call cycle: its summary was computed with these callees on the
          // analysis stack (their calls cut as recursion), and holds where they are again. Where
          // one of them is not (the analysis enters the cycle elsewhere), or a callee it did
          // analyse is on the stack now, a fresh analysis walks it again, so this run does too.
          if (d.fingerprint === IN_CYCLE) {
            if (!dep.running) return undefined;
            continue;
          }
          // a function without a body: assumed O(1) while it has none
          if (d.fingerprint === DECLARED_ONLY) {
            if (dep.node.body) return undefined;
            continue;
          }
          if (dep.running) return undefined;
          const r = dep.file.summary(dep);
          if (!r || fingerprint(dep, r) !== d.fingerprint) return undefined;
        }
      } finally {
        fn.running = false;
        fn.validating = false;
      }
      for (const v of entry.vars) if (!reg.vars.has(v.key)) reg.vars.set(v.key, v);
      cache.reuses++;
      return new CachedResult(entry, fnStart(fn.node, fn.file.sf));
    };
    program.afterAnalyze = (fn, r) => {
      if (fn.file !== fa) return;
      cache.noteRecomputed(fn.key);
      const start = startOf(fn.node, fn.file.sf);
      const used = new Set<string>();
      const collect = (c: Cost) => variablesOf(c).forEach((v) => used.add(v));
      collect(r.cost);
      if (r.amortized) collect(r.amortized.cost);
      if (r.returns?.len) collect(r.returns.len);
      if (r.returns?.val) collect(r.returns.val);
      r.evidence.forEach((e) => collect(e.factor));
      const entry: CacheEntry = {
        textKey: textKeyOf(fn),
        cost: r.cost,
        amortized: r.amortized,
        evidence: r.evidence.map((e) => ({ relStart: e.start - start, relEnd: e.end - start, factor: e.factor, reason: detach(e.reason) })),
        confidence: r.confidence,
        recursive: r.recursive,
        returns: r.returns,
        deps: [
          ...[...r.deps].map((d) => ({ file: fileIdOf(d.file), key: detach(d.key), fingerprint: d.result ? fingerprint(d, d.result) : '' })),
          // the callees of a cycle that were on the stack, valid while they are on it again (onAnalyze)
          ...[...(r.cycleDeps ?? [])].filter((d) => !r.deps.has(d)).map((d) => ({ file: fileIdOf(d.file), key: detach(d.key), fingerprint: IN_CYCLE })),
          // the bodiless functions it calls, valid while they stay so (onAnalyze)
          ...[...(r.declaredDeps ?? [])].filter((d) => !r.deps.has(d) && !r.cycleDeps?.has(d)).map((d) => ({ file: fileIdOf(d.file), key: detach(d.key), fingerprint: DECLARED_ONLY })),
        ],
        unresolvedNames: newlyResolvable(r.unresolvedNames, declaredNames),
        vars: [...used].map((k) => reg.info(k)).filter((x): x is VarInfo => !!x).map((v) => ({ ...v, key: detach(v.key), scope: detach(v.scope), root: detach(v.root), desc: detach(v.desc) })),
        fingerprint: fingerprint(fn, r),
      };
      cache.set(fileIdOf(fn.file), fn.key, entry);
    };
  }

  // The functions this run can take as they were in the last complete one (see
  // unaffectedSince), and the entry this run used for each function (by index in fa.fns),
  // recorded for the next run when this one completes.
  const last = cache?.lastRuns.get(fileId);
  const unaffected = last && fa.derivedFrom === last.tree && contextSig() === last.contextSig ? unaffectedSince(last, fa, fileId) : undefined;
  const used: Array<CacheEntry | undefined> | undefined = cache ? new Array(fa.fns.length) : undefined;
  // where this run places each function (for the next run: see LastRun)
  const n = fa.fns.length;
  const starts = cache ? new Int32Array(n) : undefined;
  const lines = cache ? new Int32Array(n) : undefined;
  const trivia = cache ? new Int32Array(n) : undefined;
  const placed: FunctionSummary[] | undefined = cache ? new Array(n) : undefined;
  const record = (i: number, s: FunctionSummary, at: number, line: number, lead: number): void => {
    out.push(s);
    if (!placed) return;
    placed[i] = s;
    starts![i] = at;
    lines![i] = line;
    trivia![i] = lead;
  };
  const emit = (i: number, s: FunctionSummary, node: TS.Node): void => record(i, s, s.span.start, s.line, s.span.start - node.pos);
  let complete = false;
  try {
    for (let i = 0; i < n; i++) {
      const fn = fa.fns[i];
      const kept = unaffected?.[i];
      // A step per function analysed, and one per 32 taken as they were (each is a placement, well
      // under a microsecond: a step each, with its time checks, cost more than the function)
      if (!kept || (i & 31) === 0) yield;
      if (kept) {
        cache!.reuses++;
        cache!.unaffected++;
        used![i] = kept;
        // The same node as in the last run, so the same leading trivia; unmoved, the same summary.
        // (Moved, a new placement, not remembered in lastPlaced: the next run finds it here. An
        // entry validated in a later run, see onAnalyze, finds lastPlaced's older one moved and
        // places it again.)
        const at = fn.node.pos + last!.trivia[i];
        const line = fa.lineOf(at);
        record(i, at === last!.starts[i] && line === last!.lines[i] ? last!.placed[i] : placeAt(kept.presented!, at, line), at, line, last!.trivia[i]);
        continue;
      }
      let res: FnResult | undefined;
      try {
        res = fa.summary(fn);
      } catch {
        res = undefined;
      }
      const entry = res instanceof CachedResult ? res.entry : undefined;
      if (entry?.presented) {
        if (used) used[i] = entry;
        emit(i, placeSummary(entry.presented, fnStart(fn.node, sf), fa), fn.node);
        continue;
      }
      const summary = present(fa, fn, res ?? { cost: { terms: [{ vars: {}, vexp: [] }] }, evidence: [], confidence: 'low', deps: new Set(), recursive: false }, reg);
      if (cache && res) {
        const e = entry ?? cache.get(fileId, fn.key);
        if (e) {
          e.presented = relativeSummary(summary);
          used![i] = e;
          // Out goes its placement, not `summary`: the same summary, with the detached strings. It
          // is kept while the function stays where it is (see placeSummary), and `summary`'s
          // reasons are slices of this version of the text: kept, each would hold on to the whole
          // text (two bytes a character once the file has one non-Latin-1 character) until the
          // function moved: promoted by young collections, left for full ones to collect.
          // Placed, its lens and lens text are found again from the next keystroke's placement.
          emit(i, placeSummary(e.presented, summary.span.start, fa), fn.node);
          continue;
        }
      }
      emit(i, summary, fn.node);
    }
    complete = true;
  } finally {
    if (cache) {
      if (complete) cache.lastRuns.set(fileId, { tree: sf, contextSig: contextSig(), nodes: fa.fns.map((f) => f.node), entries: used!, starts: starts!, lines: lines!, trivia: trivia!, placed: placed! });
      // a run stopped half-way leaves no record: the next one validates every function
      else cache.lastRuns.delete(fileId);
    }
    // Drop this run's state, whether it finished or was stopped (AnalysisJob's time budget):
    // nothing outlives the run but `out` and the cache (see FileAnalyzer.release).
    program.onAnalyze = undefined;
    program.afterAnalyze = undefined;
    for (const f of program.files.values()) f.release();
    program.files.clear();
  }
}

/**
 * For each function of `fa` (by index), the entry of the last complete run when validating it
 * against the cache (textKeyOf, the fingerprints of what it calls) would conclude that it is
 * unchanged, without asking for every function on every keystroke; undefined for the others.
 *
 * `fa`'s collection was taken over from the last run's tree (FileAnalyzer.derivedFrom): the
 * same functions at the same indices with the same keys, each outside the re-parsed body the
 * same node object as before, and a node object's text is unchanged (a splice copies every node
 * on the path to the edit; the module's context is compared by the caller). A function is
 * unaffected when its node and the nodes of the functions around it are the last run's (so its
 * text, JSDoc and enclosing skeletons are the same), the last run used an entry for it (entries
 * change only in runs over this file, and a run stopped half-way leaves no record), it calls
 * nothing in other files (those are always validated), and everything it calls in this file is
 * unaffected too (callers of a changed function are validated, transitively).
 */
function unaffectedSince(last: LastRun, fa: FileAnalyzer, fileId: string): Array<CacheEntry | undefined> | undefined {
  const fns = fa.fns;
  const n = fns.length;
  if (last.nodes.length !== n) return undefined;
  const kept: Array<CacheEntry | undefined> = new Array(n);
  for (let i = 0; i < n; i++) {
    const fn = fns[i];
    const e = last.entries[i];
    if (!e || !e.presented || fn.node !== last.nodes[i]) continue;
    // (an enclosing function comes before in pre-order: its verdict is known)
    if (fn.parent && !kept[fn.parent.index]) continue;
    kept[i] = e;
  }
  // Callers of what is not kept are not kept: passes over the calls until none changes. Calls
  // mostly go to functions the first pass has settled; a long chain of calls to later functions
  // would need a pass per link, and after a few the run validates every function instead.
  for (let pass = 0, changed = true; changed; pass++) {
    if (pass === 8) return undefined;
    changed = false;
    for (let i = 0; i < n; i++) {
      const e = kept[i];
      if (!e) continue;
      for (const d of e.deps) {
        const dep = d.file === fileId ? fa.fnByKey(d.key) : undefined;
        // (a function without a body has no entry: it holds while it has none, see onAnalyze)
        if (d.fingerprint === DECLARED_ONLY && dep && !dep.node.body) continue;
        if (!dep || !kept[dep.index]) {
          kept[i] = undefined;
          changed = true;
          break;
        }
      }
    }
  }
  return kept;
}

/**
 * A result served from the summary cache. Its evidence, at the function's current position, is
 * only read when the summary is presented again (an entry without a presentation yet), so it is
 * made on demand rather than for every function on every keystroke.
 */
const NO_DEPS: Set<FnInfo> = new Set();

class CachedResult implements FnResult {
  readonly cost: Cost;
  readonly amortized: FnResult['amortized'];
  readonly confidence: FnResult['confidence'];
  readonly recursive: boolean;
  readonly returns: FnResult['returns'];
  private placedEvidence: RawEvidence[] | undefined;

  /**
   * Only a recomputed function's own deps are read (to record its cache entry); a reused result
   * has its entry's, by key. Shared and empty, so reuse allocates no set per function.
   */
  get deps(): Set<FnInfo> {
    return NO_DEPS;
  }

  constructor(
    /** The cache entry it came from (its presentation is reused too). */
    readonly entry: CacheEntry,
    private readonly start: number,
  ) {
    this.cost = entry.cost;
    this.amortized = entry.amortized;
    this.confidence = entry.confidence;
    this.recursive = entry.recursive;
    this.returns = entry.returns;
  }

  get evidence(): RawEvidence[] {
    const start = this.start;
    return (this.placedEvidence ??= this.entry.evidence.map((e) => ({ start: start + e.relStart, end: start + e.relEnd, factor: e.factor, reason: e.reason })));
  }
}

/**
 * A summary with offsets relative to the function's start and lines relative to its first line.
 * It is kept in the summary cache across edits, so its strings are copies that do not keep this
 * version of the file's text alive (see detach).
 */
function relativeSummary(s: FunctionSummary): FunctionSummary {
  const at = s.span.start;
  const line = s.line;
  const variables: Record<string, string> = {};
  for (const [k, v] of Object.entries(s.variables)) variables[k] = detach(v);
  return {
    ...s,
    key: detach(s.key),
    name: detach(s.name),
    qualifiedName: detach(s.qualifiedName),
    complexity: detach(s.complexity),
    display: detach(s.display),
    variables,
    span: { start: 0, end: s.span.end - at },
    headerSpan: { start: s.headerSpan.start - at, end: s.headerSpan.end - at },
    line: 0,
    endLine: s.endLine - line,
    evidence: s.evidence.map((e) => ({ ...e, span: { start: e.span.start - at, end: e.span.end - at }, line: e.line - line, reason: detach(e.reason), factor: detach(e.factor) })),
  };
}

/**
 * The cached relative summary a summary was placed from (placeSummary): the same object on every
 * keystroke while the function is unchanged, so presentation (lens text, tooltip) can be reused.
 * Kept in a non-enumerable symbol-keyed property of the placed summary (JSON and deep equality
 * leave it out): a WeakMap entry per placed summary (hundreds per keystroke) cost more than the
 * placing itself.
 */
const PLACED_FROM: unique symbol = Symbol('placedFrom');
type Placed = FunctionSummary & { [PLACED_FROM]?: FunctionSummary };
export const placedFrom = {
  get: (s: FunctionSummary): FunctionSummary | undefined => (s as Placed)[PLACED_FROM],
  set: (s: FunctionSummary, from: FunctionSummary): void => {
    Object.defineProperty(s, PLACED_FROM, { value: from, writable: true, configurable: true });
  },
};

/**
 * The last placement of each cached relative summary: a function that has not moved (one before
 * the edit) gets the same object again, as do its lens text and the rules' verdict on its cost.
 * Summaries are read-only once out.
 */
const lastPlaced = new WeakMap<FunctionSummary, FunctionSummary>();

/** A cached relative summary placed at the function's current position. */
function placeSummary(r: FunctionSummary, at: number, fa: FileAnalyzer): FunctionSummary {
  const line = fa.lineOf(at);
  const last = lastPlaced.get(r);
  if (last && last.span.start === at && last.line === line) return last;
  const placed = placeAt(r, at, line);
  lastPlaced.set(r, placed);
  return placed;
}

/**
 * A cached relative summary placed at `at` (on line `line`): a new object. (Every field written
 * out, in present()'s order: about half of a large file's functions are placed anew on each
 * keystroke, and a spread copies through a slower path.)
 */
function placeAt(r: FunctionSummary, at: number, line: number): FunctionSummary {
  const ev = r.evidence;
  const evidence: Evidence[] = new Array<Evidence>(ev.length);
  for (let i = 0; i < ev.length; i++) {
    const e = ev[i];
    evidence[i] = { span: { start: at + e.span.start, end: at + e.span.end }, line: line + e.line, factor: e.factor, reason: e.reason };
  }
  const placed: FunctionSummary = {
    key: r.key,
    name: r.name,
    qualifiedName: r.qualifiedName,
    span: { start: at, end: at + r.span.end },
    headerSpan: { start: at + r.headerSpan.start, end: at + r.headerSpan.end },
    line,
    endLine: line + r.endLine,
    cost: r.cost,
    complexity: r.complexity,
    display: r.display,
    variables: r.variables,
    confidence: r.confidence,
    evidence,
  };
  placedFrom.set(placed, r);
  return placed;
}

/**
 * The text of `node` with the body of every function inside it replaced by `{}` (the headers
 * stay): what the code around a nested function consists of. Its tokens only: comments go (the
 * JSDoc a summary reads is keyed apart, jsDocTextOf), a run of spaces is one space, a run of
 * trivia with a line break one line break (automatic semicolons). So typing a comment or spaces
 * in the code of an IIFE or UMD wrapper does not derive again every function inside it.
 *
 * A function passed to a call in a variable's (or property's) initializer keeps its body: what it
 * returns is part of the variable's value, which the closures around it measure
 * (`const memo = Array.from({ length: n }, () => new Array(n + 1).fill(0))`: a memo table of
 * n × (n + 1) states for a closure that consults it).
 */
export function skeletonText(node: TS.Node, sf: TS.SourceFile): string {
  return tokensOnly(rawSkeletonText(node, sf));
}

const skeletonScanner = ts.createScanner(ts.ScriptTarget.Latest, false);

/**
 * `text` as its tokens, separated as described at skeletonText. Scanned without the parser, a
 * regular expression or the rest of a template after `${...}` may be split into other tokens:
 * the result is still the same for the same tokens, and only spacing inside them can be lost.
 */
export function tokensOnly(text: string): string {
  const scanner = skeletonScanner;
  scanner.setText(text);
  let out = '';
  let gap = '';
  try {
    for (let t = scanner.scan(); t !== ts.SyntaxKind.EndOfFileToken; t = scanner.scan()) {
      if (t === ts.SyntaxKind.WhitespaceTrivia || t === ts.SyntaxKind.SingleLineCommentTrivia) {
        if (!gap) gap = ' ';
      } else if (t === ts.SyntaxKind.NewLineTrivia) gap = '\n';
      else if (t === ts.SyntaxKind.MultiLineCommentTrivia) {
        if (/[\n\r\u2028\u2029]/.test(scanner.getTokenText())) gap = '\n';
        else if (!gap) gap = ' ';
      } else {
        if (gap && out) out += gap;
        gap = '';
        out += scanner.getTokenText();
      }
    }
  } finally {
    scanner.setText(undefined);
  }
  return out;
}

function rawSkeletonText(node: TS.Node, sf: TS.SourceFile): string {
  const text = sf.text;
  let out = '';
  let at = startOf(node, sf);
  // pre-order, not entering nested functions: each outermost one is met once
  forEachDescendant(
    node,
    (n) => {
      if (!isFunctionLike(n) || inInitializer(n, node)) return;
      const body = (n as TS.FunctionLikeDeclaration).body;
      if (body && body.end > at) {
        out += text.slice(at, Math.max(at, body.pos)) + '{}';
        at = body.end;
      }
    },
    Infinity,
  );
  return out + text.slice(at, Math.max(at, node.end));
}

/**
 * Whether `fn`, inside `root`, is passed to a call in a variable's or property's initializer (it
 * runs to make the value). Not a function that is the value (`f = (a && a.f) || function () {}`),
 * nor an IIFE's (a module pattern: the whole module would be the context of every function in it).
 */
function inInitializer(fn: TS.Node, root: TS.Node): boolean {
  let passed = false;
  for (let child: TS.Node = fn, p = fn.parent; p && p !== root; child = p, p = p.parent) {
    if (isFunctionLike(p)) return false;
    if ((ts.isCallExpression(p) || ts.isNewExpression(p)) && p.arguments?.includes(child as TS.Expression)) passed = true;
    if ((ts.isVariableDeclaration(p) || ts.isPropertyDeclaration(p)) && p.initializer) return passed && child === p.initializer;
  }
  return false;
}

function unwrapInit(e: TS.Expression): TS.Node {
  let cur: TS.Expression = e;
  while (ts.isParenthesizedExpression(cur) || ts.isAsExpression(cur)) cur = cur.expression;
  return cur;
}

function costKey(c: Cost): string {
  return formatCost(c);
}

// ------------------------------------------------------------------ presentation

const LETTERS = ['n', 'm', 'k', 'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'j', 'l'];

/** Assign printable letters: one variable is n; a grid's rows/columns are m/n; single-letter parameters keep their name. */
export function assignLetters(keys: string[], reg: VarRegistry, fn: FnInfo): Map<string, string> {
  const out = new Map<string, string>();
  const used = new Set<string>();
  const info = (k: string): VarInfo | undefined => reg.info(k);
  if (keys.length === 1) {
    out.set(keys[0], 'n');
    return out;
  }
  // grid: X.length and X[i].length
  for (const a of keys) {
    const ia = info(a);
    if (!ia || ia.depth !== 0 || ia.measure !== 'len') continue;
    const b = keys.find((k) => {
      const ib = info(k);
      return ib && ib.root === ia.root && ib.scope === ia.scope && ib.depth === 1 && ib.measure === 'len';
    });
    if (b && !out.has(a) && !out.has(b) && !used.has('m') && !used.has('n')) {
      out.set(a, 'm');
      out.set(b, 'n');
      used.add('m');
      used.add('n');
    }
  }
  // single-letter value parameters keep their names
  for (const k of keys) {
    if (out.has(k)) continue;
    const i = info(k);
    if (i && i.measure === 'val' && i.depth === 0 && /^[a-z]$/i.test(i.root) && !used.has(i.root)) {
      out.set(k, i.root);
      used.add(i.root);
    }
  }
  // element values (max of nums[i]) and literal magnitudes (1e9) read as M
  for (const k of keys) {
    if (out.has(k)) continue;
    const i = info(k);
    if (i && i.measure === 'val' && (i.depth > 0 || /^\d/.test(i.root)) && !used.has('M')) {
      out.set(k, 'M');
      used.add('M');
    }
  }
  for (const k of keys) {
    if (out.has(k)) continue;
    const l = LETTERS.find((x) => !used.has(x)) ?? `v${out.size}`;
    out.set(k, l);
    used.add(l);
  }
  void fn;
  return out;
}

/** Order variables: the function's own parameters first (in order), then the rest as they appear. */
function orderVars(keys: string[], reg: VarRegistry, fn: FnInfo): string[] {
  if (keys.length < 2) return keys.slice();
  // each key's rank is computed once (the comparator asks for it on every comparison)
  const ranks = new Map<string, number>();
  for (const k of keys) if (!ranks.has(k)) ranks.set(k, rankOf(k, reg, fn));
  const out = keys.slice();
  if (out.length === 2) {
    // what the sort does with two: swap when the second ranks strictly before the first
    if (ranks.get(out[1])! - ranks.get(out[0])! < 0) out.reverse();
    return out;
  }
  return out.sort((a, b) => ranks.get(a)! - ranks.get(b)!);
}

function rankOf(k: string, reg: VarRegistry, fn: FnInfo): number {
  const i = reg.info(k);
  if (!i) return 1e6;
  let idx = fn.params.indexOf(i.root);
  if (idx >= 0 && i.scope === fn.scope) return idx * 10 + i.depth;
  for (let p = fn.parent, lvl = 1; p; p = p.parent, lvl++) {
    idx = p.params.indexOf(i.root);
    if (idx >= 0 && i.scope === p.scope) return lvl * 1000 + idx * 10 + i.depth;
  }
  return 1e5;
}

const NO_KEYS: string[] = [];

/** The evidence-only variables (not in `costVars`), in order of first mention. */
function evidenceVars(ev: readonly RawEvidence[], costVars: readonly string[]): string[] {
  let out: string[] | undefined;
  let seen: Set<string> | undefined;
  for (const e of ev) {
    if (isConstant(e.factor)) continue;
    for (const v of variablesOf(e.factor)) {
      if (costVars.includes(v)) continue;
      if (!seen) {
        seen = new Set();
        out = [];
      }
      if (seen.has(v)) continue;
      seen.add(v);
      out!.push(v);
    }
  }
  return out ?? NO_KEYS;
}

/** The names of `names` that no function of the file has (those a later edit may make resolvable). */
function newlyResolvable(names: Set<string> | undefined, declared: () => Set<string>): string[] | undefined {
  if (!names) return undefined;
  const out = [...names].filter((n) => !declared().has(n));
  return out.length ? out : undefined;
}

function present(fa: FileAnalyzer, fn: FnInfo, res: FnResult, reg: VarRegistry): FunctionSummary {
  const sf = fa.sf;
  const costVars = isConstant(res.cost) ? NO_KEYS : orderVars(variablesOf(res.cost), reg, fn);
  const rawEvidence = res.evidence;
  const evOnly = rawEvidence.length ? evidenceVars(rawEvidence, costVars) : NO_KEYS;
  const evVars = evOnly.length ? orderVars(evOnly, reg, fn) : NO_KEYS;
  const letters = assignLetters(costVars, reg, fn);
  if (evVars.length) {
    const more = assignLetters([...costVars, ...evVars], reg, fn);
    // keep the cost's letters; give the evidence-only variables free letters
    const taken = new Set(letters.values());
    for (const v of evVars) {
      let l = more.get(v)!;
      if (taken.has(l)) l = LETTERS.find((x) => !taken.has(x)) ?? `v${taken.size}`;
      letters.set(v, l);
      taken.add(l);
    }
  }
  const rename = (v: string) => letters.get(v) ?? v;
  const cost = renameVars(res.cost, rename);
  const variables: Record<string, string> = {};
  for (const [k, l] of letters) {
    const i = reg.info(k);
    variables[l] = i ? i.desc : k;
  }
  const kept = rawEvidence.length ? dedupeEvidence(rawEvidence, 60) : rawEvidence;
  const evidence: Evidence[] = new Array<Evidence>(kept.length);
  // the same factor object is often named by several items: printed once
  let lastFactor: Cost | undefined;
  let lastPrinted = '';
  let allOne = true;
  for (let i = 0; i < kept.length; i++) {
    const e = kept[i];
    let printed: string;
    if (e.factor === lastFactor) printed = lastPrinted;
    else {
      printed = formatFactorRenamed(e.factor, rename);
      lastFactor = e.factor;
      lastPrinted = printed;
    }
    if (printed !== '1') allOne = false;
    evidence[i] = { span: { start: e.start, end: e.end }, line: fa.lineOf(e.start), factor: printed, reason: e.reason };
  }
  if (evidence.length > 1) evidence.sort((a, b) => a.line - b.line || a.span.start - b.span.start);
  const start = startOf(fn.node, sf);
  const nameNode = fn.node.name;
  let headerSpan: { start: number; end: number };
  if (nameNode) {
    const ns = startOf(nameNode, sf);
    headerSpan = { start: ns, end: Math.max(ns, nameNode.end) };
  } else headerSpan = { start, end: start };
  const constant = isConstant(cost);
  const complexity = constant ? 'O(1)' : formatCost(cost);
  return {
    key: fn.key,
    name: fn.name,
    qualifiedName: fn.qualifiedName,
    span: { start, end: Math.max(start, fn.node.end) },
    headerSpan,
    line: fa.lineOf(start),
    endLine: fa.lineOf(fn.node.end),
    cost,
    complexity,
    display: (constant ? 'O(1)' : formatCost(cost, 'unicode')) + (res.confidence === 'low' ? '?' : ''),
    variables: constant && allOne ? {} : variables,
    confidence: res.confidence,
    evidence,
  };
}

/** The first `max` evidence items with distinct (start, reason). */
function dedupeEvidence(ev: RawEvidence[], max: number): RawEvidence[] {
  if (ev.length === 1) return ev.slice();
  // reasons seen per start offset (no `${start}:${reason}` text built per item)
  const seen = new Map<number, string | string[]>();
  const out: RawEvidence[] = [];
  for (const e of ev) {
    const prev = seen.get(e.start);
    if (prev === undefined) seen.set(e.start, e.reason);
    else if (typeof prev === 'string') {
      if (prev === e.reason) continue;
      seen.set(e.start, [prev, e.reason]);
    } else {
      if (prev.includes(e.reason)) continue;
      prev.push(e.reason);
    }
    out.push(e);
    if (out.length >= max) break;
  }
  return out;
}
