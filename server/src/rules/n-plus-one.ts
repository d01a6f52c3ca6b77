// n-plus-one: a database, ORM, cache or HTTP call made once per item of a loop, an array callback,
// a fan-out (`Promise.all(items.map(...))`), a recursion over a tree, or a GraphQL field resolver
// on a list parent. One pass over the file with a stack of per-item contexts; the type checker is
// asked only about calls inside those contexts (and the helpers they call).
import { ts } from '../ts';
import type { ts as TS } from 'ts-morph';
import type { Finding, RelatedInfo, Rule, RuleContext } from '../analysis/types';
import { consumptionOf, createQueryRecogniser, indexLocalFunction, isDeferredCallback, isDeferredNonIterating, isExecuted, newLocalFunctions, rememberLocalFunctions, replayLocalFunctions, type LocalFunctionLog, type QueryMatch, type QueryRecogniser } from '../analysis/queries';
import { indexedNodes, isInside } from '../analysis/nodeIndex';
import { isFanOut, isFunctionBoundary, isInLoopRepeatedPart, isInnerChainLink, isLoop, iteratingCallOf, lineOf, spanOf, unwrap, type LoopStatement } from '../analysis/syntax';
import { promiseAllFix } from '../fixes/promiseAll';
import { batchQueryFix } from '../fixes/batchQuery';
import { callbackItemContext, dependsOnIteration, initializerOf, isPaginationOrPolling, loopContext, rememberCallsInItemContexts, resolverContext, type ItemCall, type ItemContext } from './nplus1/contexts';
import { FieldResolverFinder, type FieldResolver } from './nplus1/graphql';

/** An enclosing function, innermost first through `up` (a list shared by every frame below it, not copied per function). */
interface FnFrame {
  node: TS.Node;
  up: FnFrame | undefined;
}

/**
 * A call site to ask the recogniser about once the walk is over (see NPlusOneWalker.pending).
 * Plain records, not closures: a closure in the walk's loop makes V8 allocate a context for
 * every node the loop visits, whether a closure is made for it or not.
 */
type PendingAsk =
  | { kind: 'call'; node: TS.CallExpression | TS.TaggedTemplateExpression; item: ItemContext; fns: FnFrame | undefined }
  | { kind: 'awaited'; node: TS.AwaitExpression; item: ItemContext }
  | { kind: 'reference'; node: TS.CallExpression; fns: FnFrame | undefined };

interface Reported {
  finding: Finding;
  match: QueryMatch;
  call: TS.CallExpression | TS.TaggedTemplateExpression;
  item: ItemContext;
}

const SK = ts.SyntaxKind;

/** By node kind: 1 for the functions the walk keeps a frame for. */
const FUNCTION_KINDS: Uint8Array = (() => {
  const t = new Uint8Array(1024);
  for (const k of [SK.FunctionDeclaration, SK.MethodDeclaration, SK.FunctionExpression, SK.ArrowFunction, SK.Constructor, SK.GetAccessor, SK.SetAccessor]) t[k] = 1;
  return t;
})();

/** An enclosing function or loop during the walk, with what the nodes inside it see. */
interface WalkFrame {
  node: TS.Node;
  /** Contexts inside (for a loop: outside its repeated part). */
  item: ItemContext | undefined;
  plain: ItemContext | undefined;
  /** The innermost enclosing function (undefined: none). */
  fns: FnFrame | undefined;
  loop?: LoopStatement;
  /** A loop's children (see inRepeatedPart). */
  children?: TS.Node[];
  /** A loop's context, for the nodes in its repeated part. */
  lc?: ItemContext;
  /** For a function outside every per-item context: where its part of the walk began (see quietFunctions). */
  unit?: UnitStart;
}

interface UnitStart {
  /** The function's place in the indexed nodes. */
  index: number;
  /** Lengths of the walk's outputs when it began. */
  pending: number;
  itemCalls: number;
  log: number;
}

/**
 * Functions outside every per-item context whose part of the walk found nothing (no call site to
 * ask about, no call in a per-item context: a loop or callback inside them, if any, makes no
 * call) but the file's local functions. The walk's result for a function depends only on its
 * subtree and on the contexts around it; outside every context, only on the subtree, and an edit
 * that leaves a function's node in the tree (a spliced body elsewhere, a node the incremental
 * parser reused) leaves its subtree as it was. The next walk of an edited file skips such a
 * function and adds its local functions again (GitApi.js: most of the file, which the walk went
 * through on every keystroke). Not used where the file may have GraphQL field resolvers (their
 * finder visits nodes during the walk).
 */
interface QuietUnit {
  /** Indexed nodes inside the function (after it in pre-order). */
  count: number;
  /** The local functions found inside it (and the function itself), as the walk logged them. */
  locals: LocalFunctionLog;
}
const quietFunctions = new WeakMap<TS.Node, QuietUnit>();

/** How many functions' walks were skipped (quietFunctions) since the process started (for tests). */
export const nPlusOneWalkCounters = { skipped: 0 };

/** Whether the `count` indexed nodes after `nodes[i]` are still exactly those inside it (a cheap check of a QuietUnit). */
function stillFits(nodes: readonly TS.Node[], i: number, count: number): boolean {
  const fn = nodes[i];
  if (i + count >= nodes.length) return false;
  if (count > 0 && !isInside(nodes[i + count], fn)) return false;
  return i + count + 1 >= nodes.length || !isInside(nodes[i + count + 1], fn);
}

/** The children of a loop, found once per loop frame (inRepeatedPart asks for every node inside). */
function childrenOf(loop: LoopStatement): TS.Node[] {
  const out: TS.Node[] = [];
  loop.forEachChild((c) => {
    out.push(c);
  });
  return out;
}

/** Whether `n`, inside `loop`, is in the part that runs once per iteration (see isInLoopRepeatedPart). */
function inRepeatedPart(loop: LoopStatement, children: readonly TS.Node[], n: TS.Node): boolean {
  // the loop's child that holds n: by position where that is unambiguous, else by parents
  let child: TS.Node | undefined;
  for (const c of children) {
    if (n.pos >= c.pos && n.pos < c.end) {
      child = c;
      break;
    }
  }
  if (!child) {
    for (let c: TS.Node = n; c.parent; c = c.parent) {
      if (c.parent === loop) {
        child = c;
        break;
      }
    }
  }
  return !!child && isInLoopRepeatedPart(loop, child);
}

/** Iterating methods whose callback may be a function passed by name (`ids.map(fetchUser)`). */
const REFERENCE_METHODS = new Set(['map', 'forEach', 'flatMap', 'filter', 'some', 'every', 'find']);

/** The syntactic part of visitCallbackReference's test: `xs.map(f)` or `xs.map(f, thisArg)` with a name. */
function isReferenceCandidate(call: TS.CallExpression): boolean {
  const n = call.arguments.length;
  if (n < 1 || n > 2) return false;
  const callee = unwrap(call.expression);
  if (callee.kind !== SK.PropertyAccessExpression || !REFERENCE_METHODS.has((callee as TS.PropertyAccessExpression).name.text)) return false;
  const r = unwrap(call.arguments[0]);
  return r.kind === SK.Identifier || r.kind === SK.PropertyAccessExpression;
}

/** `walk` for `function walk()`/`const walk = () =>`, `this.walk` for methods (asked only for calls in per-item contexts). */
function frameKey(fn: TS.Node): string | undefined {
  if (ts.isFunctionDeclaration(fn) && fn.name) return fn.name.text;
  if (ts.isMethodDeclaration(fn) && (ts.isIdentifier(fn.name) || ts.isPrivateIdentifier(fn.name))) return `this.${fn.name.text}`;
  const p = fn.parent;
  if ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && p) {
    if (ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
    if (ts.isPropertyDeclaration(p) && ts.isIdentifier(p.name)) return `this.${p.name.text}`;
    if (ts.isFunctionExpression(fn) && fn.name) return fn.name.text;
  }
  return undefined;
}

function callKey(call: TS.CallExpression): string | undefined {
  const e = unwrap(call.expression);
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e) && e.expression.kind === ts.SyntaxKind.ThisKeyword) return `this.${e.name.text}`;
  return undefined;
}

function isSmallLiteralList(e: TS.Expression): boolean {
  const u = unwrap(e);
  return ts.isArrayLiteralExpression(u) && u.elements.length <= 5 && !u.elements.some(ts.isSpreadElement);
}

function contains(outer: TS.Node, inner: TS.Node): boolean {
  return inner.pos >= outer.pos && inner.end <= outer.end;
}

function queryName(match: QueryMatch): string {
  return match.chain && match.chain.length > 1 ? match.chain.map((c) => `\`${c}\``).join(' → ') : `\`${match.callee}\``;
}

function whereText(item: ItemContext, sf: TS.SourceFile): string {
  const line = lineOf(sf, item.headerSpan.start);
  if (item.kind === 'loop') return `loop at line ${line}`;
  if (item.kind === 'resolver') return `field resolver \`${item.resolver!.typeName}.${item.resolver!.field}\` at line ${line}`;
  return `\`${sf.text.slice(item.headerSpan.start, item.headerSpan.end)}\` callback at line ${line}`;
}

export const nPlusOne: Rule = {
  id: 'n-plus-one',
  meta: {
    description: 'A database, ORM, cache or HTTP call runs once per item of a loop, callback, recursion or field resolver (N+1 round trips).',
    docs: 'docs/rules/n-plus-one.md',
    defaultSeverity: 'warning',
    fixable: true,
  },
  check(ctx) {
    if (!ctx.settings.nPlusOneEnabled) return [];
    const walker = new NPlusOneWalker(ctx);
    const findings = walker.run();
    const errors = walker.takeErrors();
    // The engine reports a thrown error for this rule; keep the findings and log the first error.
    if (errors.length) console.error(`perflens n-plus-one: ${errors.length} call site(s) skipped after an internal error:`, errors[0]);
    return findings;
  },
};

class NPlusOneWalker {
  private readonly sf: TS.SourceFile;
  private readonly recogniser: QueryRecogniser;
  private readonly resolverFinder: FieldResolverFinder;
  private readonly resolvers: Map<TS.Node, FieldResolver>;
  /** The file's functions by name, built during the walk (the recogniser needs all of them). */
  private readonly local = newLocalFunctions();
  /**
   * Call sites to ask the recogniser about, in walk order: asked once the walk is over, when the
   * index of the file's functions it resolves helpers with is complete.
   */
  private readonly pending: PendingAsk[] = [];
  private readonly reported: Reported[] = [];
  private readonly recursions: Array<{ fn: TS.Node; call: TS.CallExpression; item: ItemContext; key: string }> = [];
  private readonly entityCache = new Map<ItemContext, Set<string>>();
  private current: ItemContext | undefined;
  /** Internal errors on single call sites, rethrown once the rest of the file is done. */
  readonly errors: unknown[] = [];

  constructor(private readonly ctx: RuleContext) {
    this.sf = ctx.sourceFile;
    this.resolverFinder = new FieldResolverFinder(this.sf);
    this.resolvers = this.resolverFinder.found;
    this.recogniser = createQueryRecogniser(this.sf, {
      userPatterns: ctx.settings.queryFunctions,
      getChecker: ctx.getChecker,
      isEntity: (name) => !!this.current && this.entities(this.current).has(name),
      isItem: (name) => !!this.current && this.current.itemNames.has(name),
    });
  }

  run(): Finding[] {
    this.walk(indexedNodes(this.sf));
    rememberLocalFunctions(this.sf, this.local);
    rememberCallsInItemContexts(this.sf, isDeferredCallback, this.itemCalls);
    for (const ask of this.pending) {
      // One odd call site must not cost the rest of the file its findings.
      try {
        if (ask.kind === 'call') this.visitCall(ask.node, ask.item, ask.fns);
        else if (ask.kind === 'awaited') this.visitAwaitedRelation(ask.node, ask.item);
        else this.visitCallbackReference(ask.node, ask.fns);
      } catch (error) {
        this.errors.push(error);
      }
    }
    this.reportRecursions();
    if (!this.ctx.lazyFixes) this.attachFixes();
    else {
      // One computation for all of this file's findings (the Promise.all fix is per loop).
      let done = false;
      const once = () => {
        if (done) return;
        done = true;
        for (const r of this.reported) delete r.finding.resolveFixes;
        this.attachFixes();
      };
      for (const r of this.reported) r.finding.resolveFixes = once;
    }
    return this.reported.map((r) => r.finding);
  }

  /** Errors from single call sites, to report without losing the other findings. */
  takeErrors(): unknown[] {
    return this.errors.splice(0);
  }

  /** Item names of a context whose collection was loaded by a query: they are ORM rows. */
  private entities(item: ItemContext): Set<string> {
    let s = this.entityCache.get(item);
    if (s) return s;
    s = new Set();
    this.entityCache.set(item, s);
    if (item.collectionExpr && this.isLoadedRows(item.collectionExpr, item.node, 0)) for (const n of item.itemNames) s.add(n);
    return s;
  }

  /** Was this value loaded by an ORM query (`await User.findAll()`, `await user.getFriends()` on such a row)? */
  private isLoadedRows(expr: TS.Expression, at: TS.Node, depth: number): boolean {
    if (depth > 3) return false;
    let e: TS.Expression | undefined = unwrap(expr);
    if (ts.isIdentifier(e)) e = initializerOf(e.text, at);
    if (!e) return false;
    e = unwrap(e);
    if (ts.isAwaitExpression(e)) e = unwrap(e.expression);
    if (!ts.isCallExpression(e)) return false;
    const saved = this.current;
    this.current = undefined;
    try {
      const m = this.recogniser.match(e);
      if (m && m.via !== 'helper') return true;
    } finally {
      this.current = saved;
    }
    // An association getter on a loaded row: `await user.getFriends()`.
    const callee = unwrap(e.expression);
    if (ts.isPropertyAccessExpression(callee) && /^get[A-Z]\w*$/.test(callee.name.text) && ts.isIdentifier(unwrap(callee.expression))) {
      return this.isLoadedRows(unwrap(callee.expression), e, depth + 1);
    }
    return false;
  }

  /**
   * The calls and `new` expressions that run once per item, by the contexts of
   * `callsInItemContexts` (the same loops and callbacks, without field resolvers): collected on
   * the way for linear-lookup-in-loop and invariant-in-loop, so they need no walk of their own.
   */
  private readonly itemCalls: ItemCall[] = [];

  /**
   * One pass over the file's indexed nodes (functions, loops, calls, awaits, declarations, object
   * literals, classes: analysis/nodeIndex.ts) in pre-order, with a stack of the enclosing
   * functions and loops. For each node: `item` is this rule's per-item context (loops, iterating
   * callbacks, field resolvers); `plain` is the same without field resolvers, as the other loop
   * rules see it; `fns` are the enclosing functions.
   */
  private walk(nodes: readonly TS.Node[]): void {
    const stack: WalkFrame[] = [];
    // (quietFunctions: not where field resolvers may be found on the way)
    const log: LocalFunctionLog | undefined = this.resolverFinder.active ? undefined : [];
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i];
      while (stack.length && !isInside(n, stack[stack.length - 1].node)) {
        const done = stack.pop()!;
        if (done.unit) this.endUnit(done.node, done.unit, i, log!);
      }
      const top = stack.length ? stack[stack.length - 1] : undefined;
      let item: ItemContext | undefined;
      let plain: ItemContext | undefined;
      let fns: FnFrame | undefined;
      if (!top) fns = undefined;
      else {
        fns = top.fns;
        if (top.loop && inRepeatedPart(top.loop, top.children!, n)) item = plain = top.lc;
        else {
          item = top.item;
          plain = top.plain;
        }
      }
      const kind = n.kind;
      // a function outside every context that found nothing last time: skipped (see quietFunctions)
      let unit: UnitStart | undefined;
      if (log && !item && !plain && FUNCTION_KINDS[kind]) {
        const quiet = quietFunctions.get(n);
        if (quiet && stillFits(nodes, i, quiet.count)) {
          replayLocalFunctions(quiet.locals, 0, quiet.locals.length, this.local, log);
          i += quiet.count;
          nPlusOneWalkCounters.skipped++;
          continue;
        }
        unit = { index: i, pending: this.pending.length, itemCalls: this.itemCalls.length, log: log.length };
      }
      switch (kind) {
        // the same-file function index and field resolvers, built on the way (see run())
        case SK.VariableDeclaration:
        case SK.PropertyDeclaration:
          indexLocalFunction(n, this.local, log);
          break;
        case SK.ObjectLiteralExpression:
        case SK.ClassDeclaration:
          if (this.resolverFinder.active) this.resolverFinder.visit(n);
          break;
        case SK.FunctionDeclaration:
        case SK.MethodDeclaration:
        case SK.FunctionExpression:
        case SK.ArrowFunction:
        case SK.Constructor:
        case SK.GetAccessor:
        case SK.SetAccessor: {
          const fn = n as TS.FunctionLikeDeclaration;
          if (kind === SK.FunctionDeclaration || kind === SK.MethodDeclaration) indexLocalFunction(fn, this.local, log);
          const iter = iteratingCallOf(fn);
          let next: ItemContext | undefined;
          let nextPlain: ItemContext | undefined;
          const resolver = this.resolvers.size ? this.resolvers.get(fn) : undefined;
          if (iter) next = nextPlain = callbackItemContext(iter, fn, fn, this.sf);
          else {
            const deferred = isDeferredNonIterating(fn);
            nextPlain = deferred ? undefined : plain;
            if (resolver) next = resolverContext(fn, resolver, this.sf);
            else if (deferred) next = undefined;
            else next = item; // callbacks that run now: then, transactions, retry wrappers, IIFEs
          }
          stack.push({ node: fn, item: next, plain: nextPlain, fns: { node: fn, up: fns }, unit });
          break;
        }
        case SK.ForStatement:
        case SK.ForOfStatement:
        case SK.ForInStatement:
        case SK.WhileStatement:
        case SK.DoStatement: {
          const loop = n as LoopStatement;
          const lc = loopContext(loop, fns ? fns.node : this.sf, this.sf);
          stack.push({ node: loop, item, plain, fns, loop, children: childrenOf(loop), lc });
          break;
        }
        case SK.CallExpression:
        case SK.TaggedTemplateExpression:
        case SK.AwaitExpression:
        case SK.NewExpression:
          if (plain && !plain.quietReason && kind !== SK.TaggedTemplateExpression && kind !== SK.AwaitExpression) this.itemCalls.push([n as TS.CallExpression | TS.NewExpression, plain]);
          if (item && !item.quietReason) {
            if (kind === SK.TaggedTemplateExpression || (kind === SK.CallExpression && !this.isInnerChainLinkGuarded(n as TS.CallExpression))) {
              this.pending.push({ kind: 'call', node: n as TS.CallExpression | TS.TaggedTemplateExpression, item, fns });
            } else if (kind === SK.AwaitExpression) this.pending.push({ kind: 'awaited', node: n as TS.AwaitExpression, item });
          }
          if (kind === SK.CallExpression && isReferenceCandidate(n as TS.CallExpression)) this.pending.push({ kind: 'reference', node: n as TS.CallExpression, fns });
          break;
      }
    }
    while (stack.length) {
      const done = stack.pop()!;
      if (done.unit) this.endUnit(done.node, done.unit, nodes.length, log!);
    }
  }

  /** A function's part of the walk is over (`end`: the index of the first node after it): recorded if it found nothing. */
  private endUnit(fn: TS.Node, unit: UnitStart, end: number, log: LocalFunctionLog): void {
    if (this.pending.length === unit.pending && this.itemCalls.length === unit.itemCalls) {
      quietFunctions.set(fn, { count: end - unit.index - 1, locals: log.slice(unit.log) });
    } else quietFunctions.delete(fn);
  }

  private visitCall(call: TS.CallExpression | TS.TaggedTemplateExpression, item: ItemContext, fns: FnFrame | undefined): void {
    // Recursion over a tree: `walk(child)` inside a loop of `walk` itself.
    if (ts.isCallExpression(call)) {
      const key = callKey(call);
      if (key) {
        for (let f = fns; f; f = f.up) {
          if (contains(f.node, item.node) && f.node !== item.node && frameKey(f.node) === key) {
            this.recursions.push({ fn: f.node, call, item, key });
            return;
          }
        }
      }
    }
    this.current = item;
    let match: QueryMatch | undefined;
    try {
      match = this.recogniser.match(call);
    } finally {
      this.current = undefined;
    }
    if (!match) return;
    const consumption = consumptionOf(call);
    if (consumption.kind === 'sink') return;
    if (match.lazy && !isExecuted(call, item.body)) return;
    if (match.needsDependence && !dependsOnIteration(call, item)) return;
    if (item.open && (!dependsOnIteration(call, item) || isPaginationOrPolling(call, item.node))) return;
    const concurrent = item.kind === 'fan-out' || (item.kind === 'loop' && (consumption.kind === 'pushed' || consumption.kind === 'combinator'));
    this.report(call, match, item, concurrent);
  }

  /** isInnerChainLink for one call site; an internal error there is recorded and the call treated as an inner link (skipped). */
  private isInnerChainLinkGuarded(call: TS.CallExpression): boolean {
    try {
      return isInnerChainLink(call);
    } catch (error) {
      this.errors.push(error);
      return true;
    }
  }

  /** `Promise.all(ids.map(fetchUser))`: a query function passed by reference runs once per item. */
  private visitCallbackReference(call: TS.CallExpression, fns: FnFrame | undefined): void {
    const callee = unwrap(call.expression);
    if (!ts.isPropertyAccessExpression(callee) || !REFERENCE_METHODS.has(callee.name.text)) return;
    const ref = call.arguments[0];
    if (!ref || call.arguments.length > 2) return;
    const r = unwrap(ref);
    if (!ts.isIdentifier(r) && !ts.isPropertyAccessExpression(r)) return;
    const fn = fns ? fns.node : this.sf;
    const coll = callee.expression;
    if (isSmallLiteralList(coll)) return;
    const match = this.recogniser.matchReference(r);
    if (!match) return;
    const fanOut = isFanOut(call);
    const item: ItemContext = {
      kind: fanOut ? 'fan-out' : 'callback',
      node: call,
      collection: coll.getText(this.sf),
      collectionExpr: coll,
      headerSpan: { start: callee.name.getStart(this.sf), end: callee.name.getEnd() },
      body: ref,
      varying: new Set(),
      itemNames: new Set(),
      open: false,
      fn,
    };
    this.reportAt(r, match, item, fanOut);
  }

  /** TypeORM lazy relations: `await post.author` on a row loaded by a query. */
  private visitAwaitedRelation(n: TS.AwaitExpression, item: ItemContext): void {
    const e = unwrap(n.expression);
    if (!ts.isPropertyAccessExpression(e) || !ts.isIdentifier(e.expression)) return;
    if (!this.entities(item).has(e.expression.text)) return;
    const match: QueryMatch = { callee: `${e.getText(this.sf)} (lazy relation)`, via: 'name', readOnly: true, lazy: false, confidence: 'medium' };
    this.reportAt(e, match, item, false);
  }

  private report(call: TS.CallExpression | TS.TaggedTemplateExpression, match: QueryMatch, item: ItemContext, concurrent: boolean): void {
    this.reportAt(call, match, item, concurrent);
  }

  private reportAt(node: TS.Node, match: QueryMatch, item: ItemContext, concurrent: boolean, messageOverride?: string, extraRelated: RelatedInfo[] = []): void {
    const sf = this.sf;
    const coll = item.collection?.replace(/\s+/g, ' ');
    const what = item.kind === 'resolver' ? `\`${item.resolver!.typeName}\` in a list` : coll ? `item of \`${coll.length > 40 ? coll.slice(0, 39) + '…' : coll}\`` : 'iteration';
    const tail = concurrent ? 'N concurrent round trips, not one' : item.kind === 'resolver' ? 'N+1 round trips (batch them with a DataLoader)' : 'N+1 round trips';
    const message = messageOverride ?? `${queryName(match)} runs once per ${what} (${whereText(item, sf)}): ${tail}`;
    const related: RelatedInfo[] = [
      { span: item.headerSpan, message: item.kind === 'loop' ? 'the loop' : item.kind === 'resolver' ? `runs once per \`${item.resolver!.typeName}\`` : 'the per-item callback' },
      ...extraRelated,
    ];
    if (match.chain && match.chain.length > 1) related.push({ span: spanOf(node, sf), message: `call chain: ${match.chain.join(' → ')}` });
    for (const site of match.sites ?? []) related.push({ span: site.span, message: site.message, ...(site.fileName !== sf.fileName ? { fileName: site.fileName } : {}) });
    const confidence = match.via === 'type' || match.via === 'setting' ? 'high' : match.confidence;
    const finding: Finding = { rule: 'n-plus-one', severity: 'warning', span: spanOf(node, sf), message, related, confidence };
    this.reported.push({ finding, match, call: node as TS.CallExpression, item });
  }

  /** The queries a recursive function runs once per node of the structure it walks. */
  private reportRecursions(): void {
    const done = new Set<TS.Node>();
    for (const { fn, call, item, key } of this.recursions) {
      if (done.has(fn)) continue;
      done.add(fn);
      const body = (fn as TS.FunctionLikeDeclaration).body;
      if (!body) continue;
      const recLine = lineOf(this.sf, call.getStart(this.sf));
      const fnName = key.replace(/^this\./, '');
      const visit = (n: TS.Node, inItem: boolean): void => {
        if (n !== fn && isFunctionBoundary(n)) {
          if (iteratingCallOf(n)) inItem = true;
          else if (isDeferredCallback(n)) return;
        }
        if (isLoop(n)) {
          n.forEachChild((c) => visit(c, inItem || isInLoopRepeatedPart(n, c)));
          return;
        }
        if (!inItem && ts.isCallExpression(n) && !isInnerChainLink(n) && callKey(n) !== key) {
          const m = this.recogniser.match(n);
          if (m && (!m.lazy || isExecuted(n, body)) && !m.needsDependence && consumptionOf(n).kind !== 'sink') {
            const message = `${queryName(m)} runs once per node: \`${fnName}\` calls itself for each item of \`${item.collection ?? 'the children'}\` (line ${recLine}): N+1 round trips`;
            const recItem: ItemContext = { ...item, headerSpan: spanOf(call, this.sf) };
            this.reportAt(n, m, recItem, false, message, [{ span: item.headerSpan, message: item.kind === 'loop' ? 'the loop over the children' : 'the per-child callback' }]);
            this.reported[this.reported.length - 1].finding.related![0].message = `the recursive call to \`${fnName}\``;
          }
        }
        n.forEachChild((c) => visit(c, inItem));
      };
      visit(body, false);
    }
  }

  /** For the Promise.all fix: may this awaited expression run concurrently with the other iterations? */
  private checkAwaited(e: TS.Expression): string | undefined {
    const text = e.getText(this.sf).replace(/\s+/g, ' ');
    const short = text.length > 40 ? text.slice(0, 39) + '…' : text;
    if (!ts.isCallExpression(e) && !ts.isTaggedTemplateExpression(e)) return `it awaits \`${short}\`, which PerfLens cannot show is independent of the other iterations`;
    const m = this.recogniser.match(e);
    if (!m) return `it awaits \`${short}\`, which PerfLens cannot show is independent of the other iterations`;
    if (!m.readOnly) return `it writes (\`${m.callee}\`); running the writes concurrently could change their order`;
    return undefined;
  }

  /** Quick fixes: batch the lookup (preferred), or run the iterations concurrently; or say why not. */
  private attachFixes(): void {
    const checker = (() => {
      try {
        return this.ctx.getChecker();
      } catch {
        return undefined;
      }
    })();
    const byLoop = new Map<TS.Node, Reported[]>();
    for (const r of this.reported) {
      if (r.item.kind === 'loop' && r.finding.message.includes('(loop at line')) byLoop.set(r.item.node, [...(byLoop.get(r.item.node) ?? []), r]);
    }
    const loopResult = new Map<TS.Node, ReturnType<typeof promiseAllFix>>();
    for (const [loop, rs] of byLoop) {
      const readOnly = rs.every((r) => r.match.readOnly);
      loopResult.set(loop, promiseAllFix(loop, this.sf, { queriesReadOnly: readOnly, checker, checkAwaited: (e) => this.checkAwaited(e) }));
    }
    for (const r of this.reported) {
      try {
        this.fixesFor(r, checker, loopResult);
      } catch (error) {
        this.errors.push(error);
        r.finding.noFixReason = 'No fix: PerfLens hit an internal error while preparing one.';
      }
    }
  }

  private fixesFor(r: Reported, checker: TS.TypeChecker | undefined, loopResult: Map<TS.Node, ReturnType<typeof promiseAllFix>>): void {
    {
      const reasons: string[] = [];
      const fixes = [];
      if (r.item.kind !== 'resolver' && ts.isCallExpression(r.call) && r.finding.message.includes('runs once per item')) {
        const b = batchQueryFix({ call: r.call, match: r.match, item: r.item, sf: this.sf, checker, otherQueries: this.reported.filter((o) => o !== r && o.item.node === r.item.node).map((o) => o.match) });
        if ('fix' in b) fixes.push(b.fix);
        else reasons.push(`no batched query: ${b.reason}`);
      }
      const pa = r.item.kind === 'loop' ? loopResult.get(r.item.node) : undefined;
      if (pa) {
        if ('fix' in pa) fixes.push({ ...pa.fix, isPreferred: fixes.length === 0 });
        else reasons.push(`no Promise.all: ${pa.reason}`);
      }
      if (fixes.length) r.finding.fixes = fixes;
      else if (reasons.length) r.finding.noFixReason = `No safe fix: ${reasons.join('; ')}.`;
      else r.finding.noFixReason = r.item.kind === 'resolver' ? 'No automatic fix: load the field through a DataLoader created per request.' : 'No automatic fix for this shape of loop.';
    }
  }
}
