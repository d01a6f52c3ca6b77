// Per-item contexts for n-plus-one: which loops and callbacks run their body once per item, which
// names vary per iteration, and which look-alikes (chunks, small literal lists, pagination) do not.
import { ts } from '../../ts';
import type { ts as TS } from 'ts-morph';
import {
  bindingNames, callbackContext, declaredNames, isAssignmentOperator, isFanOut, isFunctionBoundary, isInLoopRepeatedPart as isInLoopRepeatedPartOf, isLoop,
  iteratingCallOf as iteratingCallOfFn, loopCollectionExpr, loopHeaderSpan, referencedNames, rootIdentifier, unwrap, type LoopStatement, type PerItemContext,
} from '../../analysis/syntax';
import type { FieldResolver } from './graphql';
import { treeCache } from '../../analysis/treeCaches';

export interface ItemContext extends PerItemContext {
  kind: 'loop' | 'callback' | 'fan-out' | 'resolver';
  /** The iterated expression, when there is one. */
  collectionExpr?: TS.Expression;
  /** Names whose value changes from one iteration to the next. */
  varying: NameSet;
  /** Names bound to the current item (the loop variable, the callback's first parameter). */
  itemNames: Set<string>;
  /** Why this context is not per-item work after all (chunks, small literal lists, retries), if so. */
  quietReason?: string;
  /** A loop without a collection (`while`, `do`, `for (;;)`): queries must vary per iteration. */
  open: boolean;
  resolver?: FieldResolver;
  /** The function that contains the context. */
  fn: TS.Node;
}

/** A set of names, asked one name at a time. */
export interface NameSet {
  has(name: string): boolean;
}

/**
 * Names computed the first time one is asked about (a rule may never ask). A class, not an
 * object literal with a getter: V8 gives each such literal a map of its own, and a dead map keeps
 * its getter's closure (here the loop, and through it the whole syntax tree of that keystroke)
 * alive through young-generation GCs until a full GC (see TextRoot in complexity/analyzer.ts).
 */
class LazyNames implements NameSet {
  private names: Set<string> | undefined;
  constructor(private readonly compute: () => Set<string>) {}
  has(name: string): boolean {
    return (this.names ??= this.compute()).has(name);
  }
}

/** A collection of chunks (`chunks`, `_.chunk(ids, 100)`) or an item that is one (`for (const batch of ...)`). */
const CHUNK_COLLECTION = /^(\w*[cC]hunks|\w*[bB]atches|\w*[sS]lices|\w*[pP]artitions|pages)$|\b(chunk|chunks|chunkArray|splitEvery|batches|inChunks|partition)\(/;
const CHUNK_ITEM = /^(chunk|batch|slice|part|partition|page)(Ids|Keys|Items)?$/i;
function isChunked(collText: string, itemNames: Set<string>): boolean {
  return CHUNK_COLLECTION.test(collText) || [...itemNames].some((n) => CHUNK_ITEM.test(n));
}
const PAGINATION_VAR = /^(page|pageNumber|pageIndex|pageNo|offset|skip|cursor|nextCursor|pageToken|nextToken|continuationToken|marker|after|attempt|attempts|retry|retries|tries|try|tryCount|retryCount)$/i;
const SMALL = 5;

interface FirstDeclaration {
  /** Start of the variable statement. */
  pos: number;
  initializer: TS.Expression | undefined;
}
/** Per block: each name's first `var`/`let`/`const` declaration among its statements. */
const firstDeclarations = new WeakMap<TS.Node, Map<string, FirstDeclaration>>();

function firstDeclarationsOf(scope: TS.Block | TS.SourceFile | TS.ModuleBlock): Map<string, FirstDeclaration> {
  let m = firstDeclarations.get(scope);
  if (m) return m;
  m = new Map();
  for (const st of scope.statements) {
    if (!ts.isVariableStatement(st)) continue;
    for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name) && !m.has(d.name.text)) m.set(d.name.text, { pos: st.pos, initializer: d.initializer });
  }
  firstDeclarations.set(scope, m);
  return m;
}

/**
 * The initializer of the nearest declaration of `name` visible from `at` (same function), if any:
 * in each enclosing block, the first declaration of the name in a statement that starts before
 * `at`. Blocks are indexed once, so asking for every loop and callback of a huge block stays linear.
 */
export function initializerOf(name: string, at: TS.Node): TS.Expression | undefined {
  for (let scope: TS.Node | undefined = at.parent; scope; scope = scope.parent) {
    if (ts.isBlock(scope) || ts.isSourceFile(scope) || ts.isModuleBlock(scope)) {
      const d = firstDeclarationsOf(scope).get(name);
      if (d && d.pos < at.pos) return d.initializer;
    }
    if (isFunctionBoundary(scope)) {
      for (const p of scope.parameters) if (ts.isIdentifier(p.name) && p.name.text === name) return undefined;
    }
  }
  return undefined;
}

function isSmallLiteral(expr: TS.Expression | undefined, at: TS.Node, depth = 0): boolean {
  if (!expr) return false;
  const e = unwrap(expr);
  if (ts.isArrayLiteralExpression(e)) return e.elements.length <= SMALL && !e.elements.some(ts.isSpreadElement);
  if (ts.isObjectLiteralExpression(e)) return e.properties.length <= SMALL && !e.properties.some(ts.isSpreadAssignment);
  // `Object.keys({...})`, `Object.entries(LITERAL)`
  if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && ts.isIdentifier(e.expression.expression) && e.expression.expression.text === 'Object' && e.arguments[0]) return isSmallLiteral(e.arguments[0], at, depth + 1);
  if (ts.isIdentifier(e) && depth < 2) {
    const init = initializerOf(e.text, at);
    if (init) return isSmallLiteral(init, at, depth + 1);
  }
  return false;
}

function assignedNames(node: TS.Node, into: Set<string>): void {
  const visit = (n: TS.Node): void => {
    if (ts.isBinaryExpression(n) && isAssignmentOperator(n.operatorToken.kind)) {
      const r = rootIdentifier(n.left as TS.Expression);
      if (r && unwrap(n.left as TS.Expression) === r) into.add(r.text);
      else if (ts.isArrayLiteralExpression(n.left) || ts.isObjectLiteralExpression(n.left)) referencedNames(n.left, into);
    } else if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken)) {
      const r = rootIdentifier(n.operand);
      if (r) into.add(r.text);
    }
    n.forEachChild(visit);
  };
  visit(node);
}

function forStepIsChunk(loop: TS.ForStatement): boolean {
  const inc = loop.incrementor;
  if (!inc || !ts.isBinaryExpression(inc)) return false;
  const k = inc.operatorToken.kind;
  if (k === ts.SyntaxKind.PlusEqualsToken || k === ts.SyntaxKind.MinusEqualsToken) return !(ts.isNumericLiteral(inc.right) && inc.right.text === '1');
  if (k === ts.SyntaxKind.EqualsToken && ts.isBinaryExpression(inc.right) && inc.right.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const r = inc.right.right;
    return !(ts.isNumericLiteral(r) && r.text === '1');
  }
  return false;
}

/** `i < 3`, `attempt <= MAX_RETRIES` with a small literal bound. */
function smallBound(cond: TS.Expression | undefined): boolean {
  if (!cond || !ts.isBinaryExpression(cond)) return false;
  const k = cond.operatorToken.kind;
  if (k !== ts.SyntaxKind.LessThanToken && k !== ts.SyntaxKind.LessThanEqualsToken) return false;
  const r = unwrap(cond.right);
  return ts.isNumericLiteral(r) && Number(r.text) <= SMALL;
}

export function loopContext(loop: LoopStatement, fn: TS.Node, sf: TS.SourceFile): ItemContext {
  const collectionExpr = loopCollectionExpr(loop);
  const itemNames = new Set<string>();
  if ((ts.isForOfStatement(loop) || ts.isForInStatement(loop)) && ts.isVariableDeclarationList(loop.initializer)) {
    for (const d of loop.initializer.declarations) bindingNames(d.name, itemNames);
  } else if ((ts.isForOfStatement(loop) || ts.isForInStatement(loop)) && ts.isIdentifier(loop.initializer)) itemNames.add(loop.initializer.text);
  // Computed when a rule first asks (most loops have no call a rule looks at): it walks the body.
  const computeVarying = (): Set<string> => {
    const out = new Set<string>();
    if (ts.isForStatement(loop) && loop.initializer) {
      if (ts.isVariableDeclarationList(loop.initializer)) declaredNames(loop.initializer, out);
      else assignedNames(loop.initializer, out);
    }
    if (ts.isForOfStatement(loop) || ts.isForInStatement(loop)) for (const n of itemNames) out.add(n);
    declaredNames(loop.statement, out);
    assignedNames(loop.statement, out);
    if (ts.isForStatement(loop) && loop.incrementor) assignedNames(loop.incrementor, out);
    if (ts.isWhileStatement(loop) || ts.isDoStatement(loop)) assignedNames(loop.expression, out);
    return out;
  };
  // `for (let i = 0; i < ids.length; i++)`: `ids[i]` is the item.
  if (ts.isForStatement(loop) && loop.initializer && ts.isVariableDeclarationList(loop.initializer)) for (const d of loop.initializer.declarations) bindingNames(d.name, itemNames);

  let quietReason: string | undefined;
  const collText = collectionExpr?.getText(sf) ?? '';
  if ((ts.isForOfStatement(loop) || ts.isForInStatement(loop)) && isSmallLiteral(loop.expression, loop)) quietReason = 'a small literal list';
  else if (ts.isForStatement(loop) && forStepIsChunk(loop)) quietReason = 'one call per chunk';
  else if (ts.isForStatement(loop) && smallBound(loop.condition)) quietReason = 'a small fixed number of iterations';
  else if (collectionExpr && !ts.isForStatement(loop) && isChunked(collText, itemNames)) quietReason = 'one call per chunk';
  else if (ts.isForStatement(loop) && loop.initializer && ts.isVariableDeclarationList(loop.initializer) && loop.initializer.declarations.some((d) => ts.isIdentifier(d.name) && PAGINATION_VAR.test(d.name.text))) quietReason = 'pagination or retries';

  // Loops without a collection (`while`, `do`, counting `for` loops): a query there must vary per
  // iteration, else it is a retry, a poll or a lock attempt rather than per-item work.
  const open = !(ts.isForOfStatement(loop) || ts.isForInStatement(loop)) && !(ts.isForStatement(loop) && collectionExpr);
  return {
    kind: 'loop',
    node: loop,
    collection: collectionExpr ? collText : undefined,
    collectionExpr,
    headerSpan: loopHeaderSpan(loop, sf),
    body: loop.statement,
    varying: new LazyNames(computeVarying),
    itemNames,
    quietReason,
    open,
    fn,
  };
}

export function callbackItemContext(call: TS.CallExpression, cb: TS.FunctionLikeDeclaration, fn: TS.Node, sf: TS.SourceFile): ItemContext {
  const base = callbackContext(call, cb, sf);
  const itemNames = new Set<string>();
  const first = cb.parameters[0];
  // reduce's first parameter is the accumulator; the item is the second.
  const method = ts.isPropertyAccessExpression(unwrap(call.expression)) ? (unwrap(call.expression) as TS.PropertyAccessExpression).name.text : '';
  const itemParam = method === 'reduce' || method === 'reduceRight' ? cb.parameters[1] : first;
  if (itemParam) bindingNames(itemParam.name, itemNames);
  // Computed when a rule first asks: it walks the callback's body.
  const computeVarying = (): Set<string> => {
    const out = new Set<string>();
    for (const p of cb.parameters) bindingNames(p.name, out);
    if (cb.body) declaredNames(cb.body, out);
    return out;
  };
  const collectionExpr = ts.isPropertyAccessExpression(unwrap(call.expression)) ? (unwrap(call.expression) as TS.PropertyAccessExpression).expression : call.arguments[0];
  let quietReason: string | undefined;
  if (isSmallLiteral(collectionExpr, call)) quietReason = 'a small literal list';
  else if (collectionExpr && isChunked(collectionExpr.getText(sf), itemNames)) quietReason = 'one call per chunk';
  return {
    ...base,
    kind: isFanOut(call) ? 'fan-out' : 'callback',
    collectionExpr,
    varying: new LazyNames(computeVarying),
    itemNames,
    quietReason,
    open: false,
    fn,
  };
}

export function resolverContext(fnNode: TS.FunctionLikeDeclaration, resolver: FieldResolver, sf: TS.SourceFile): ItemContext {
  const varying = new Set<string>();
  const itemNames = new Set<string>();
  const first = fnNode.parameters[0];
  if (first) bindingNames(first.name, itemNames);
  for (const p of fnNode.parameters) bindingNames(p.name, varying);
  if (fnNode.body) declaredNames(fnNode.body, varying);
  return {
    kind: 'resolver',
    node: fnNode,
    collection: resolver.typeName,
    headerSpan: { start: resolver.nameNode.getStart(sf), end: resolver.nameNode.getEnd() },
    body: fnNode,
    varying,
    itemNames,
    quietReason: resolver.listParent ? undefined : `\`${resolver.typeName}\` is never returned in a list`,
    open: false,
    resolver,
    fn: fnNode,
  };
}

/** Does `node` read a name that changes per iteration? */
export function dependsOnIteration(node: TS.Node, ctx: ItemContext): boolean {
  const refs = referencedNames(node);
  for (const r of refs) if (ctx.varying.has(r)) return true;
  return false;
}

/**
 * In a loop without a collection, a query whose input comes from the previous query's result
 * (a cursor, a page token) or whose result decides whether to go on (polling) is pagination,
 * not N+1: the calls cannot be batched.
 */
export function isPaginationOrPolling(query: TS.Node, loop: TS.Node): boolean {
  if (!isLoop(loop)) return false;
  // Names that hold this query's result.
  const resultVars = new Set<string>();
  for (let p: TS.Node | undefined = query.parent; p && p !== loop; p = p.parent) {
    if (ts.isVariableDeclaration(p)) {
      bindingNames(p.name, resultVars);
      break;
    }
    if (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const r = rootIdentifier(p.left as TS.Expression);
      if (r) resultVars.add(r.text);
      else referencedNames(p.left, resultVars);
      break;
    }
    if (ts.isExpressionStatement(p) || isFunctionBoundary(p)) break;
  }
  if (!resultVars.size) return false;
  // Names assigned from the result (two rounds of propagation).
  const tainted = new Set(resultVars);
  for (let round = 0; round < 2; round++) {
    const visit = (n: TS.Node): void => {
      if (ts.isBinaryExpression(n) && isAssignmentOperator(n.operatorToken.kind)) {
        const refs = referencedNames(n.right);
        if ([...refs].some((r) => tainted.has(r))) {
          const r = rootIdentifier(n.left as TS.Expression);
          if (r) tainted.add(r.text);
        }
      } else if (ts.isVariableDeclaration(n) && n.initializer) {
        const refs = referencedNames(n.initializer);
        if ([...refs].some((r) => tainted.has(r))) bindingNames(n.name, tainted);
      }
      n.forEachChild(visit);
    };
    visit(loop);
  }
  const l = loop as LoopStatement;
  const cond = ts.isWhileStatement(l) || ts.isDoStatement(l) ? l.expression : ts.isForStatement(l) ? l.condition : undefined;
  if (cond && [...referencedNames(cond)].some((r) => tainted.has(r))) return true;
  // The query's own input comes from an earlier result (cursor).
  const args = ts.isCallExpression(query) ? query.arguments : [];
  const assignedInLoop = new Set<string>();
  assignedNames(l.statement, assignedInLoop);
  for (const a of args) if ([...referencedNames(a)].some((r) => tainted.has(r) && assignedInLoop.has(r))) return true;
  // `while (true) { const r = await poll(); if (r.done) break; }`
  let stops = false;
  const visitStops = (n: TS.Node): void => {
    if (stops || (n !== l.statement && (isFunctionBoundary(n) || isLoop(n)))) return;
    if (ts.isIfStatement(n) && [...referencedNames(n.expression)].some((r) => tainted.has(r)) && containsExit(n.thenStatement)) stops = true;
    n.forEachChild(visitStops);
  };
  visitStops(l.statement);
  return stops;
}

function containsExit(n: TS.Node): boolean {
  let found = false;
  const visit = (c: TS.Node): void => {
    if (found || isFunctionBoundary(c)) return;
    if (ts.isBreakStatement(c) || ts.isReturnStatement(c) || ts.isThrowStatement(c)) found = true;
    else c.forEachChild(visit);
  };
  visit(n);
  return found;
}

/**
 * Calls `visit` for every node that runs once per item (inside a loop's repeated part or a per-item
 * callback), with the innermost context. One pass; nested functions that are registered rather than
 * run (handlers, declarations) start with no context.
 */
export function walkItemContexts(sf: TS.SourceFile, visit: (n: TS.Node, item: ItemContext) => void, isDeferred: (fn: TS.Node) => boolean): void {
  const walk = (n: TS.Node, item: ItemContext | undefined, fn: TS.Node): void => {
    if (isFunctionBoundary(n)) {
      const iter = iteratingCallOfFn(n);
      const next = iter ? callbackItemContext(iter, n, n, sf) : isDeferred(n) ? undefined : item;
      n.forEachChild((c) => walk(c, next, n));
      return;
    }
    if (isLoop(n)) {
      const lc = loopContext(n, fn, sf);
      n.forEachChild((c) => walk(c, isInLoopRepeatedPartOf(n, c) ? lc : item, fn));
      return;
    }
    if (item && !item.quietReason) visit(n, item);
    n.forEachChild((c) => walk(c, item, fn));
  };
  walk(sf, undefined, sf);
}

export type ItemCall = readonly [TS.CallExpression | TS.NewExpression, ItemContext];
const itemCallsMemo = treeCache<Map<(fn: TS.Node) => boolean, ItemCall[]>>();

/**
 * The calls and `new` expressions that run once per item, each with its innermost context, in
 * source order: one walk of the file shared by every rule that asks (linear-lookup-in-loop and
 * invariant-in-loop both look only at calls).
 */
export function callsInItemContexts(sf: TS.SourceFile, isDeferred: (fn: TS.Node) => boolean): readonly ItemCall[] {
  let byFilter = itemCallsMemo.get(sf);
  if (!byFilter) itemCallsMemo.set(sf, (byFilter = new Map()));
  let calls = byFilter.get(isDeferred);
  if (!calls) {
    const out: ItemCall[] = [];
    walkItemContexts(sf, (n, item) => {
      if (n.kind === ts.SyntaxKind.CallExpression || n.kind === ts.SyntaxKind.NewExpression) out.push([n as TS.CallExpression | TS.NewExpression, item]);
    }, isDeferred);
    byFilter.set(isDeferred, (calls = out));
  }
  return calls;
}

/**
 * Records the calls another walk of the same tree has already found with the same contexts (the
 * n-plus-one rule's walk computes every loop and callback context anyway), so that the rules that
 * ask next do not walk the file again.
 */
export function rememberCallsInItemContexts(sf: TS.SourceFile, isDeferred: (fn: TS.Node) => boolean, calls: ItemCall[]): void {
  let byFilter = itemCallsMemo.get(sf);
  if (!byFilter) itemCallsMemo.set(sf, (byFilter = new Map()));
  byFilter.set(isDeferred, calls);
}

/** Names written inside `node`: assignments, ++/--, and receivers of mutating methods. */
export function mutatedNames(node: TS.Node): Set<string> {
  const out = new Set<string>();
  assignedNames(node, out);
  const visit = (n: TS.Node): void => {
    if (ts.isBinaryExpression(n) && isAssignmentOperator(n.operatorToken.kind)) {
      const r = rootIdentifier(n.left as TS.Expression);
      if (r) out.add(r.text);
    }
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && /^(push|pop|shift|unshift|splice|sort|reverse|fill|copyWithin|set|delete|add|clear|assign)$/.test(n.expression.name.text)) {
      const target = n.expression.name.text === 'assign' && ts.isIdentifier(n.expression.expression) && n.expression.expression.text === 'Object' ? n.arguments[0] : n.expression.expression;
      const r = target ? rootIdentifier(target) : undefined;
      if (r) out.add(r.text);
    }
    if (ts.isDeleteExpression(n)) {
      const r = rootIdentifier(n.expression);
      if (r) out.add(r.text);
    }
    n.forEachChild(visit);
  };
  visit(node);
  return out;
}
