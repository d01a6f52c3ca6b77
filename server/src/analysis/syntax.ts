// Small syntactic helpers shared by rules and fixes (raw TypeScript nodes, no ts-morph wrappers).
import { ts } from '../ts';
import type { ts as TS } from 'ts-morph';
import type { Span } from './types';
import { treeCache } from './treeCaches';

export function spanOf(node: TS.Node, sf: TS.SourceFile): Span {
  return { start: node.getStart(sf), end: node.getEnd() };
}

export function lineOf(sf: TS.SourceFile, pos: number): number {
  return sf.getLineAndCharacterOfPosition(pos).line + 1;
}

export function isFunctionBoundary(node: TS.Node): node is TS.FunctionLikeDeclaration {
  return (
    ts.isFunctionDeclaration(node) ||
    ts.isFunctionExpression(node) ||
    ts.isArrowFunction(node) ||
    ts.isMethodDeclaration(node) ||
    ts.isConstructorDeclaration(node) ||
    ts.isGetAccessorDeclaration(node) ||
    ts.isSetAccessorDeclaration(node)
  );
}

export type LoopStatement = TS.ForStatement | TS.ForOfStatement | TS.ForInStatement | TS.WhileStatement | TS.DoStatement;

export function isLoop(node: TS.Node): node is LoopStatement {
  return ts.isForStatement(node) || ts.isForOfStatement(node) || ts.isForInStatement(node) || ts.isWhileStatement(node) || ts.isDoStatement(node);
}

/** Array methods that call their callback once per element. */
export const PER_ITEM_METHODS = new Set(['forEach', 'map', 'flatMap', 'filter', 'reduce', 'reduceRight', 'some', 'every', 'find', 'findIndex', 'findLast', 'findLastIndex']);

/** Functions that take a collection first and a per-item callback after it: `_.map(xs, fn)`, `pMap(xs, fn)`, `Array.from(xs, fn)`. */
const COLLECTION_FIRST_FUNCTIONS = new Set(['pMap', 'pMapSeries', 'pEachSeries', 'pFilter', 'mapSeries', 'eachSeries', 'mapLimit', 'eachLimit', 'forEachOf', 'mapValues']);
const COLLECTION_FIRST_NAMESPACES = new Set(['_', 'lodash', 'underscore', 'Bluebird', 'bluebird', 'BPromise', 'async', 'R']);
const COLLECTION_FIRST_METHODS = new Set(['map', 'forEach', 'each', 'flatMap', 'filter', 'reduce', 'mapSeries', 'each', 'eachSeries', 'mapLimit', 'eachLimit', 'forEachOf', 'mapValues', 'some', 'every', 'find', 'concatSeries', 'times']);

/** The text of a call's callee, e.g. `db.user.findUnique`, with whitespace removed. */
export function calleeText(call: TS.CallExpression, sf: TS.SourceFile): string {
  return call.expression.getText(sf).replace(/\s+/g, '');
}

/** Root identifier of a property chain: `this.db.user.find` -> `this`; `db.user` -> `db`. */
export function chainNames(expr: TS.Expression): string[] {
  const names: string[] = [];
  let cur: TS.Expression = expr;
  for (let guard = 0; guard < 64; guard++) {
    if (ts.isPropertyAccessExpression(cur)) {
      names.unshift(cur.name.text);
      cur = cur.expression;
    } else if (ts.isElementAccessExpression(cur)) {
      if (ts.isStringLiteralLike(cur.argumentExpression)) names.unshift(cur.argumentExpression.text);
      cur = cur.expression;
    } else if (ts.isCallExpression(cur)) {
      cur = cur.expression;
    } else if (ts.isNonNullExpression(cur) || ts.isParenthesizedExpression(cur) || ts.isAsExpression(cur) || ts.isTypeAssertionExpression(cur) || ts.isSatisfiesExpression(cur)) {
      cur = cur.expression;
    } else if (ts.isAwaitExpression(cur)) {
      cur = cur.expression;
    } else break;
  }
  if (ts.isIdentifier(cur)) names.unshift(cur.text);
  else if (cur.kind === ts.SyntaxKind.ThisKeyword) names.unshift('this');
  return names;
}

/** Strips parentheses, `!`, `as`, `satisfies` and type assertions. */
export function unwrap(expr: TS.Expression): TS.Expression {
  let cur = expr;
  for (let guard = 0; guard < 32; guard++) {
    if (ts.isParenthesizedExpression(cur) || ts.isNonNullExpression(cur) || ts.isAsExpression(cur) || ts.isTypeAssertionExpression(cur) || ts.isSatisfiesExpression(cur)) cur = cur.expression;
    else break;
  }
  return cur;
}

/** The node an expression's value flows to, skipping parentheses and type-only wrappers. */
export function valueParent(node: TS.Node): { parent: TS.Node | undefined; child: TS.Node } {
  let child = node;
  let p = node.parent;
  for (let guard = 0; guard < 32 && p; guard++) {
    if (ts.isParenthesizedExpression(p) || ts.isNonNullExpression(p) || ts.isAsExpression(p) || ts.isTypeAssertionExpression(p) || ts.isSatisfiesExpression(p)) {
      child = p;
      p = p.parent;
    } else break;
  }
  return { parent: p, child };
}

/**
 * A call that continues into `.method(...)` is an inner link of a chain (`knex('t').where(...)`
 * inside `knex('t').where(...).first()`); only the outermost call of a chain is a unit of work.
 */
export function isInnerChainLink(call: TS.CallExpression | TS.TaggedTemplateExpression): boolean {
  const { parent, child } = valueParent(call);
  if (!parent) return false;
  if ((ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent)) && parent.expression === child) {
    const pp = parent.parent;
    return !!pp && ts.isCallExpression(pp) && pp.expression === parent;
  }
  return false;
}

/** The calls of a chain, outermost first: `a.b(x).c(y)` -> [`a.b(x).c(y)`, `a.b(x)`]. */
export function chainLinks(outer: TS.CallExpression): TS.CallExpression[] {
  const links: TS.CallExpression[] = [];
  let cur: TS.Expression = outer;
  for (let guard = 0; guard < 64; guard++) {
    cur = unwrap(cur);
    if (ts.isCallExpression(cur)) {
      links.push(cur);
      cur = cur.expression;
    } else if (ts.isPropertyAccessExpression(cur) || ts.isElementAccessExpression(cur)) {
      cur = cur.expression;
    } else if (ts.isAwaitExpression(cur)) {
      cur = cur.expression;
    } else break;
  }
  return links;
}

/** The method name of a call (`x.y.find(...)` -> `find`), or the function name for `f(...)`. */
export function methodName(call: TS.CallExpression): string | undefined {
  const e = unwrap(call.expression);
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  if (ts.isElementAccessExpression(e) && ts.isStringLiteralLike(e.argumentExpression)) return e.argumentExpression.text;
  if (ts.isIdentifier(e)) return e.text;
  return undefined;
}

/** A compact, readable name for a call: arguments elided except short literals. `knex('users').where(…).first`. */
export function describeCallee(call: TS.CallExpression, sf: TS.SourceFile): string {
  const render = (e: TS.Expression): string => {
    e = unwrap(e);
    if (ts.isIdentifier(e)) return e.text;
    if (e.kind === ts.SyntaxKind.ThisKeyword) return 'this';
    if (ts.isPropertyAccessExpression(e)) return `${render(e.expression)}${e.questionDotToken ? '?.' : '.'}${e.name.text}`;
    if (ts.isElementAccessExpression(e)) return `${render(e.expression)}[${ts.isStringLiteralLike(e.argumentExpression) ? JSON.stringify(e.argumentExpression.text) : '…'}]`;
    if (ts.isCallExpression(e)) {
      const args = e.arguments.length === 0 ? '' : e.arguments.length === 1 && ts.isStringLiteralLike(e.arguments[0]) && e.arguments[0].text.length <= 24 ? `'${e.arguments[0].text}'` : '…';
      return `${render(e.expression)}(${args})`;
    }
    if (ts.isAwaitExpression(e)) return render(e.expression);
    const t = e.getText(sf).replace(/\s+/g, ' ');
    return t.length > 40 ? t.slice(0, 39) + '…' : t;
  };
  return render(call.expression);
}

export interface PerItemContext {
  kind: 'loop' | 'callback' | 'fan-out' | 'resolver';
  /** The loop statement, or the iterating call (`items.map(...)`). */
  node: TS.Node;
  /** What is iterated, as written (`posts`), when known. */
  collection?: string;
  /** Where to point related information: the loop header or the method name. */
  headerSpan: Span;
  /** For loops: the statement; for callbacks: the callback function. */
  body: TS.Node;
}

/** Is `child` (a direct child of `loop`) evaluated once per iteration? */
export function isInLoopRepeatedPart(loop: LoopStatement, child: TS.Node): boolean {
  if (ts.isForStatement(loop)) return child === loop.statement || child === loop.condition || child === loop.incrementor;
  if (ts.isForOfStatement(loop) || ts.isForInStatement(loop)) return child === loop.statement;
  if (ts.isWhileStatement(loop) || ts.isDoStatement(loop)) return child === loop.statement || child === loop.expression;
  return false;
}

/** The expression a loop iterates over, when it has one (`for (const x of xs)`, `for (i = 0; i < xs.length; i++)`). */
export function loopCollectionExpr(loop: LoopStatement): TS.Expression | undefined {
  if (ts.isForOfStatement(loop) || ts.isForInStatement(loop)) return loop.expression;
  if (ts.isForStatement(loop) && loop.condition && ts.isBinaryExpression(loop.condition)) {
    const right = unwrap(loop.condition.right);
    if (ts.isPropertyAccessExpression(right) && (right.name.text === 'length' || right.name.text === 'size')) return right.expression;
  }
  return undefined;
}

function loopCollection(loop: LoopStatement, sf: TS.SourceFile): string | undefined {
  return loopCollectionExpr(loop)?.getText(sf);
}

export function loopHeaderSpan(loop: LoopStatement, sf: TS.SourceFile): Span {
  const start = loop.getStart(sf);
  if (ts.isDoStatement(loop)) return { start, end: start + 2 };
  const closeParen = ts.isWhileStatement(loop) ? loop.expression.getEnd() + 1 : loop.statement.getFullStart();
  return { start, end: Math.max(start + 1, Math.min(closeParen, loop.statement.getStart(sf))) };
}

/** If `fn` is the callback of a per-item array method (`xs.map(fn)`), that call. */
export function iteratingCallOf(fn: TS.Node): TS.CallExpression | undefined {
  const { parent: call, child } = valueParent(fn);
  if (!call || !ts.isCallExpression(call) || !call.arguments.includes(child as TS.Expression)) return undefined;
  const callee = unwrap(call.expression);
  if (ts.isPropertyAccessExpression(callee)) {
    const name = callee.name.text;
    const recv = unwrap(callee.expression);
    // `_.map(xs, fn)`, `Bluebird.map(xs, fn)`, `Array.from(xs, fn)`: the callback comes after the collection.
    if (ts.isIdentifier(recv) && (COLLECTION_FIRST_NAMESPACES.has(recv.text) || (recv.text === 'Promise' && ['map', 'mapSeries', 'each'].includes(name)))) {
      return COLLECTION_FIRST_METHODS.has(name) && call.arguments.indexOf(child as TS.Expression) >= 1 ? call : undefined;
    }
    if (ts.isIdentifier(recv) && recv.text === 'Array' && name === 'from') return call.arguments.indexOf(child as TS.Expression) === 1 ? call : undefined;
    if (ts.isIdentifier(recv) && (recv.text === 'Promise' || recv.text === 'Object' || recv.text === 'JSON' || recv.text === 'Math')) return undefined;
    return PER_ITEM_METHODS.has(name) && call.arguments[0] === child ? call : undefined;
  }
  if (ts.isIdentifier(callee) && COLLECTION_FIRST_FUNCTIONS.has(callee.text) && call.arguments.indexOf(child as TS.Expression) >= 1) return call;
  return undefined;
}

/** The collection an iterating call walks: `xs` in `xs.map(f)`, `_.map(xs, f)`, `Array.from(xs, f)`. */
export function iteratedCollection(call: TS.CallExpression): TS.Expression | undefined {
  const callee = unwrap(call.expression);
  if (ts.isPropertyAccessExpression(callee)) {
    const recv = unwrap(callee.expression);
    if (ts.isIdentifier(recv) && (COLLECTION_FIRST_NAMESPACES.has(recv.text) || recv.text === 'Array' || recv.text === 'Promise')) return call.arguments[0];
    return callee.expression;
  }
  return call.arguments[0];
}

const FAN_OUT = new Set(['all', 'allSettled', 'any', 'race']);

/** `Promise.all(...)` and friends. */
export function isPromiseCombinator(call: TS.Node): boolean {
  if (!ts.isCallExpression(call)) return false;
  const callee = unwrap(call.expression);
  return ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'Promise' && FAN_OUT.has(callee.name.text);
}

/** `Promise.all(xs.map(...))`, `Promise.all(Array.from(xs, ...))`, and `const ps = xs.map(...); await Promise.all(ps)`. */
export function isFanOut(call: TS.CallExpression): boolean {
  const { parent: p, child } = valueParent(call);
  if (!p) return false;
  if (isPromiseCombinator(p) && (p as TS.CallExpression).arguments.includes(child as TS.Expression)) return true;
  // `const ps = xs.map(async ...)` then `Promise.all(ps)` in the same function.
  if (ts.isVariableDeclaration(p) && p.initializer === child && ts.isIdentifier(p.name)) {
    let scope: TS.Node | undefined = p.parent;
    while (scope && !isFunctionBoundary(scope) && !ts.isSourceFile(scope)) scope = scope.parent;
    return !!scope && namesPassedToCombinators(scope).has(p.name.text);
  }
  return false;
}

const combinatorArgs = new WeakMap<TS.Node, Set<string>>();
const promiseOffsets = treeCache<number[]>();

/** Where `Promise` occurs in the file's text, ascending: a combinator call's span contains one. */
function promiseOffsetsOf(sf: TS.SourceFile): number[] {
  let offsets = promiseOffsets.get(sf);
  if (!offsets) {
    offsets = [];
    const text = sf.text;
    for (let i = text.indexOf('Promise'); i >= 0; i = text.indexOf('Promise', i + 7)) offsets.push(i);
    promiseOffsets.set(sf, offsets);
  }
  return offsets;
}

/** Whether some offset lies in [pos, end). */
function anyIn(offsets: number[], pos: number, end: number): boolean {
  let lo = 0;
  let hi = offsets.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (offsets[mid] < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo < offsets.length && offsets[lo] < end;
}

/**
 * Identifiers passed to `Promise.all` & co. anywhere in `scope`, computed once per scope node.
 * Only the subtrees whose text mentions `Promise` are walked (a scope can be a whole file).
 */
function namesPassedToCombinators(scope: TS.Node): Set<string> {
  let names = combinatorArgs.get(scope);
  if (!names) {
    const found = new Set<string>();
    const offsets = promiseOffsetsOf(scope.getSourceFile());
    const visit = (n: TS.Node): void => {
      if (!anyIn(offsets, n.pos, n.end)) return;
      if (isPromiseCombinator(n)) {
        for (const a of (n as TS.CallExpression).arguments) {
          const u = unwrap(a);
          if (ts.isIdentifier(u)) found.add(u.text);
        }
      }
      n.forEachChild(visit);
    };
    scope.forEachChild(visit);
    combinatorArgs.set(scope, (names = found));
  }
  return names;
}

/** The innermost per-item context enclosing `node` within its function, if any. */
export function perItemContext(node: TS.Node, sf: TS.SourceFile): PerItemContext | undefined {
  let child: TS.Node = node;
  let cur: TS.Node | undefined = node.parent;
  while (cur) {
    if (isLoop(cur) && isInLoopRepeatedPart(cur, child)) {
      return { kind: 'loop', node: cur, collection: loopCollection(cur, sf), headerSpan: loopHeaderSpan(cur, sf), body: cur.statement };
    }
    if (isFunctionBoundary(cur)) {
      const call = iteratingCallOf(cur);
      if (!call) return undefined;
      return callbackContext(call, cur, sf);
    }
    child = cur;
    cur = cur.parent;
  }
  return undefined;
}

/** The per-item context for a callback `fn` of the iterating call `call`. */
export function callbackContext(call: TS.CallExpression, fn: TS.Node, sf: TS.SourceFile): PerItemContext {
  const callee = unwrap(call.expression);
  const nameNode = ts.isPropertyAccessExpression(callee) ? callee.name : callee;
  const coll = iteratedCollection(call);
  return {
    kind: isFanOut(call) ? 'fan-out' : 'callback',
    node: call,
    collection: coll?.getText(sf),
    headerSpan: { start: nameNode.getStart(sf), end: nameNode.getEnd() },
    body: fn,
  };
}

/** Names bound by a binding pattern or identifier. */
export function bindingNames(name: TS.BindingName, into: Set<string> = new Set()): Set<string> {
  if (ts.isIdentifier(name)) into.add(name.text);
  else for (const el of name.elements) if (!ts.isOmittedExpression(el)) bindingNames(el.name, into);
  return into;
}

/** Every name declared anywhere inside `node` (variables, parameters, functions, classes, catch clauses). */
export function declaredNames(node: TS.Node, into: Set<string> = new Set()): Set<string> {
  const stack: TS.Node[] = [node];
  while (stack.length) {
    const n = stack.pop()!;
    if (ts.isVariableDeclaration(n) || ts.isParameter(n) || ts.isBindingElement(n)) bindingNames(n.name, into);
    else if ((ts.isFunctionDeclaration(n) || ts.isClassDeclaration(n)) && n.name) into.add(n.name.text);
    else if (ts.isCatchClause(n) && n.variableDeclaration) bindingNames(n.variableDeclaration.name, into);
    n.forEachChild((c) => {
      stack.push(c);
    });
  }
  return into;
}

/** Identifiers read in `node` (as values: not property names, not declarations). */
export function referencedNames(node: TS.Node, into: Set<string> = new Set()): Set<string> {
  const visit = (n: TS.Node): void => {
    if (ts.isIdentifier(n)) {
      const p = n.parent;
      if (p && ts.isPropertyAccessExpression(p) && p.name === n) return;
      if (p && (ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p) || ts.isMethodDeclaration(p)) && p.name === n) return;
      if (p && ts.isShorthandPropertyAssignment(p)) {
        into.add(n.text);
        return;
      }
      into.add(n.text);
      return;
    }
    if (n.kind === ts.SyntaxKind.ThisKeyword) into.add('this');
    n.forEachChild(visit);
  };
  visit(node);
  return into;
}

/** The root identifier of `a.b[c].d`, if any. */
export function rootIdentifier(expr: TS.Expression): TS.Identifier | undefined {
  let cur = expr;
  for (let guard = 0; guard < 64; guard++) {
    if (ts.isPropertyAccessExpression(cur) || ts.isElementAccessExpression(cur) || ts.isNonNullExpression(cur) || ts.isParenthesizedExpression(cur) || ts.isAsExpression(cur)) cur = cur.expression;
    else break;
  }
  return ts.isIdentifier(cur) ? cur : undefined;
}

export function isAssignmentOperator(kind: TS.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
}

/** The function (or source file) that contains `node`. */
export function enclosingFunction(node: TS.Node): TS.FunctionLikeDeclaration | TS.SourceFile {
  let cur: TS.Node | undefined = node.parent;
  while (cur && !isFunctionBoundary(cur) && !ts.isSourceFile(cur)) cur = cur.parent;
  return (cur ?? node.getSourceFile()) as TS.FunctionLikeDeclaration | TS.SourceFile;
}

/** The statement that contains `node` directly in a block (or the source file). */
export function enclosingStatement(node: TS.Node): TS.Statement | undefined {
  let cur: TS.Node | undefined = node;
  while (cur && cur.parent && !ts.isBlock(cur.parent) && !ts.isSourceFile(cur.parent) && !ts.isCaseClause(cur.parent) && !ts.isDefaultClause(cur.parent)) cur = cur.parent;
  return cur && ts.isStatement(cur as TS.Node) ? (cur as TS.Statement) : undefined;
}

/** The whitespace that starts the line of `pos`. */
export function indentAt(text: string, pos: number): string {
  const lineStart = text.lastIndexOf('\n', pos - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart))![0];
}

/** Is `name` free in the scope of `at` (not declared in any enclosing scope, nor used anywhere in the file)? */
export function freshName(base: string | string[], sf: TS.SourceFile, taken: Set<string> = new Set()): string {
  const used = collectIdentifiers(sf);
  const bases = Array.isArray(base) ? base : [base];
  for (const b of bases) {
    if (!used.has(b) && !taken.has(b)) {
      taken.add(b);
      return b;
    }
  }
  let name = bases[0];
  for (let i = 2; used.has(name) || taken.has(name); i++) name = `${bases[0]}${i}`;
  taken.add(name);
  return name;
}

const identifierCache = treeCache<Set<string>>();
function collectIdentifiers(sf: TS.SourceFile): Set<string> {
  let set = identifierCache.get(sf);
  if (set) return set;
  set = new Set();
  const out = set;
  const visit = (n: TS.Node): void => {
    if (ts.isIdentifier(n)) out.add(n.text);
    n.forEachChild(visit);
  };
  visit(sf);
  identifierCache.set(sf, set);
  return set;
}

/** Does the subtree contain a node satisfying `pred` (not descending into nested functions unless `intoFunctions`)? */
export function containsNode(root: TS.Node, pred: (n: TS.Node) => boolean, intoFunctions = false): boolean {
  let found = false;
  const visit = (n: TS.Node): void => {
    if (found) return;
    if (pred(n)) {
      found = true;
      return;
    }
    if (!intoFunctions && n !== root && isFunctionBoundary(n)) return;
    n.forEachChild(visit);
  };
  visit(root);
  return found;
}

/** Would an expression of low precedence (`a ?? b`, `c ? d : e`, `!x`) need parentheses where `node` stands? */
export function needsParens(node: TS.Node): boolean {
  const { parent: p, child } = valueParent(node);
  if (!p) return false;
  if (ts.isVariableDeclaration(p) || ts.isReturnStatement(p) || ts.isExpressionStatement(p) || ts.isArrayLiteralExpression(p) || ts.isPropertyAssignment(p) || ts.isSpreadElement(p) || ts.isTemplateSpan(p)) return false;
  if (ts.isCallExpression(p) && p.arguments.includes(child as TS.Expression)) return false;
  if (ts.isNewExpression(p) && p.arguments?.includes(child as TS.Expression)) return false;
  if (ts.isArrowFunction(p) && p.body === child) return false;
  if (ts.isIfStatement(p) || ts.isWhileStatement(p) || ts.isDoStatement(p)) return false;
  if (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.EqualsToken && p.right === child) return false;
  return true;
}
