// Small syntactic helpers shared by rules and fixes (raw TypeScript nodes, no ts-morph wrappers).
import { ts } from 'ts-morph';
import type { Span } from './types';

export function spanOf(node: ts.Node, sf: ts.SourceFile): Span {
  return { start: node.getStart(sf), end: node.getEnd() };
}

export function lineOf(sf: ts.SourceFile, pos: number): number {
  return sf.getLineAndCharacterOfPosition(pos).line + 1;
}

export function isFunctionBoundary(node: ts.Node): node is ts.FunctionLikeDeclaration {
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

export type LoopStatement = ts.ForStatement | ts.ForOfStatement | ts.ForInStatement | ts.WhileStatement | ts.DoStatement;

export function isLoop(node: ts.Node): node is LoopStatement {
  return ts.isForStatement(node) || ts.isForOfStatement(node) || ts.isForInStatement(node) || ts.isWhileStatement(node) || ts.isDoStatement(node);
}

/** Array methods that call their callback once per element. */
export const PER_ITEM_METHODS = new Set(['forEach', 'map', 'flatMap', 'filter', 'reduce', 'reduceRight', 'some', 'every', 'find', 'findIndex', 'findLast', 'findLastIndex']);

/** The text of a call's callee, e.g. `db.user.findUnique`, or undefined for computed shapes. */
export function calleeText(call: ts.CallExpression, sf: ts.SourceFile): string {
  return call.expression.getText(sf).replace(/\s+/g, '');
}

/** Root identifier of a property chain: `this.db.user.find` -> `this`; `db.user` -> `db`. */
export function chainNames(expr: ts.Expression): string[] {
  const names: string[] = [];
  let cur: ts.Expression = expr;
  for (let guard = 0; guard < 64; guard++) {
    if (ts.isPropertyAccessExpression(cur)) {
      names.unshift(cur.name.text);
      cur = cur.expression;
    } else if (ts.isElementAccessExpression(cur)) {
      if (ts.isStringLiteralLike(cur.argumentExpression)) names.unshift(cur.argumentExpression.text);
      cur = cur.expression;
    } else if (ts.isCallExpression(cur)) {
      cur = cur.expression;
    } else if (ts.isNonNullExpression(cur) || ts.isParenthesizedExpression(cur) || ts.isAsExpression(cur)) {
      cur = cur.expression;
    } else break;
  }
  if (ts.isIdentifier(cur)) names.unshift(cur.text);
  else if (cur.kind === ts.SyntaxKind.ThisKeyword) names.unshift('this');
  return names;
}

export interface PerItemContext {
  kind: 'loop' | 'callback' | 'fan-out';
  /** The loop statement, or the iterating call (`items.map(...)`). */
  node: ts.Node;
  /** What is iterated, as written (`posts`), when known. */
  collection?: string;
  /** Where to point related information: the loop header or the method name. */
  headerSpan: Span;
  /** For loops: the statement; for callbacks: the callback function. */
  body: ts.Node;
}

function isInLoopRepeatedPart(loop: LoopStatement, child: ts.Node): boolean {
  if (ts.isForStatement(loop)) return child === loop.statement || child === loop.condition || child === loop.incrementor;
  if (ts.isForOfStatement(loop) || ts.isForInStatement(loop)) return child === loop.statement;
  if (ts.isWhileStatement(loop) || ts.isDoStatement(loop)) return child === loop.statement || child === loop.expression;
  return false;
}

function loopCollection(loop: LoopStatement, sf: ts.SourceFile): string | undefined {
  if (ts.isForOfStatement(loop) || ts.isForInStatement(loop)) return loop.expression.getText(sf);
  if (ts.isForStatement(loop) && loop.condition && ts.isBinaryExpression(loop.condition)) {
    const right = loop.condition.right;
    if (ts.isPropertyAccessExpression(right) && (right.name.text === 'length' || right.name.text === 'size')) return right.expression.getText(sf);
  }
  return undefined;
}

function loopHeaderSpan(loop: LoopStatement, sf: ts.SourceFile): Span {
  const start = loop.getStart(sf);
  if (ts.isDoStatement(loop)) return { start, end: start + 2 };
  const closeParen = ts.isWhileStatement(loop) ? loop.expression.getEnd() + 1 : (loop.statement.getFullStart());
  return { start, end: Math.max(start + 1, Math.min(closeParen, loop.statement.getStart(sf))) };
}

/** If `fn` is the callback of a per-item array method (`xs.map(fn)`), that call. */
export function iteratingCallOf(fn: ts.Node): ts.CallExpression | undefined {
  const call = fn.parent;
  if (!call || !ts.isCallExpression(call) || !call.arguments.includes(fn as ts.Expression)) return undefined;
  if (!ts.isPropertyAccessExpression(call.expression)) return undefined;
  return PER_ITEM_METHODS.has(call.expression.name.text) ? call : undefined;
}

/** `Promise.all(xs.map(...))` and friends. */
function isFanOut(call: ts.CallExpression): boolean {
  const p = call.parent;
  if (!p || !ts.isCallExpression(p) || !p.arguments.includes(call)) return false;
  const callee = p.expression;
  return ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'Promise' && ['all', 'allSettled', 'any', 'race'].includes(callee.name.text);
}

/** The innermost per-item context enclosing `node` within its function, if any. */
export function perItemContext(node: ts.Node, sf: ts.SourceFile): PerItemContext | undefined {
  let child: ts.Node = node;
  let cur: ts.Node | undefined = node.parent;
  while (cur) {
    if (isLoop(cur) && isInLoopRepeatedPart(cur, child)) {
      return { kind: 'loop', node: cur, collection: loopCollection(cur, sf), headerSpan: loopHeaderSpan(cur, sf), body: cur.statement };
    }
    if (isFunctionBoundary(cur)) {
      const call = iteratingCallOf(cur);
      if (!call) return undefined;
      const method = (call.expression as ts.PropertyAccessExpression).name;
      return {
        kind: isFanOut(call) ? 'fan-out' : 'callback',
        node: call,
        collection: (call.expression as ts.PropertyAccessExpression).expression.getText(sf),
        headerSpan: { start: method.getStart(sf), end: method.getEnd() },
        body: cur,
      };
    }
    child = cur;
    cur = cur.parent;
  }
  return undefined;
}
