// Syntactic helpers for the complexity engine (raw ts.Node, no wrappers).
import { ts } from '../../ts';
import type { ts as TS } from 'ts-morph';

/** Cached: `ts.SyntaxKind` is a getter on the bundled namespace, costly on hot paths. */
const SK = ts.SyntaxKind;

export function isFunctionLike(node: TS.Node): node is TS.FunctionLikeDeclaration {
  switch (node.kind) {
    case SK.FunctionDeclaration:
    case SK.MethodDeclaration:
    case SK.ArrowFunction:
    case SK.FunctionExpression:
    case SK.Constructor:
    case SK.GetAccessor:
    case SK.SetAccessor:
      return true;
    default:
      return false;
  }
}

function propName(name: TS.PropertyName | TS.BindingName | undefined): string | undefined {
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name)) return name.text;
  if (ts.isComputedPropertyName(name) && ts.isStringLiteralLike(name.expression)) return name.expression.text;
  return undefined;
}

/** Wrappers that memoise the function they are given: memoize(fn), _.memoize(fn), cache(fn), moize(fn). */
export const MEMO_WRAPPER = /(^|\.)(memoi[sz]e\w*|memo|cached?|moize|lru\w*)$/i;

/** `memoize((n) => ...)`: the wrapped function, if `e` is a call to a memoising wrapper. */
export function memoWrapped(e: TS.Expression | undefined): TS.FunctionLikeDeclaration | undefined {
  if (!e) return undefined;
  const u = unwrap(e);
  if (!ts.isCallExpression(u) || !u.arguments.length) return undefined;
  const callee = dottedName(u.expression);
  if (!callee || !MEMO_WRAPPER.test(callee)) return undefined;
  const a = unwrap(u.arguments[0]);
  return isFunctionLike(a) ? (a as TS.FunctionLikeDeclaration) : undefined;
}

/** A method decorated @memoize / @cache / @memo. */
export function hasMemoDecorator(node: TS.Node): boolean {
  const mods = (node as { modifiers?: TS.NodeArray<TS.ModifierLike> }).modifiers;
  if (!mods) return false;
  for (const m of mods) {
    if (m.kind !== ts.SyntaxKind.Decorator) continue;
    let e = (m as TS.Decorator).expression;
    if (ts.isCallExpression(e)) e = e.expression;
    const name = dottedName(e);
    if (name && MEMO_WRAPPER.test(name)) return true;
  }
  return false;
}

export function functionName(node: TS.FunctionLikeDeclaration): string {
  const own = propName(node.name as TS.PropertyName | undefined);
  if (own) return own;
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  let p: TS.Node | undefined = node.parent;
  while (p && (ts.isParenthesizedExpression(p) || ts.isAsExpression(p) || ts.isSatisfiesExpression?.(p) || ts.isTypeAssertionExpression(p))) p = p.parent;
  // const fib = memoize((n) => ...): the function is called by the variable's name
  if (p && ts.isCallExpression(p) && p.arguments[0] && unwrap(p.arguments[0]) === node && memoWrapped(p)) {
    let q: TS.Node | undefined = p.parent;
    while (q && (ts.isParenthesizedExpression(q) || ts.isAsExpression(q))) q = q.parent;
    if (q && ts.isVariableDeclaration(q) && ts.isIdentifier(q.name)) return q.name.text;
  }
  if (p) {
    if (ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
    if (ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p)) {
      const n = propName(p.name);
      if (n) return n;
    }
    if (ts.isBinaryExpression(p) && p.operatorToken.kind === SK.EqualsToken && p.right === unwrapNode(node, p.right)) {
      const l = p.left;
      if (ts.isIdentifier(l)) return l.text;
      if (ts.isPropertyAccessExpression(l)) return l.name.text;
    }
  }
  return ts.isArrowFunction(node) ? '<arrow>' : '<anonymous>';
}

function unwrapNode(target: TS.Node, e: TS.Expression): TS.Node {
  let cur: TS.Node = e;
  while (ts.isParenthesizedExpression(cur) || ts.isAsExpression(cur)) cur = cur.expression;
  return cur === target ? e : target;
}

/** Strip parentheses, `!`, `as`, `satisfies`, `<T>x`. */
export function unwrap(e: TS.Expression): TS.Expression {
  let cur = e;
  for (let i = 0; i < 64; i++) {
    if (ts.isParenthesizedExpression(cur) || ts.isNonNullExpression(cur) || ts.isAsExpression(cur) || ts.isTypeAssertionExpression(cur)) cur = cur.expression;
    else if (ts.isSatisfiesExpression && ts.isSatisfiesExpression(cur)) cur = cur.expression;
    else break;
  }
  return cur;
}

export function identName(e: TS.Node | undefined): string | undefined {
  if (!e) return undefined;
  const u = ts.isExpression(e as TS.Expression) ? unwrap(e as TS.Expression) : e;
  return ts.isIdentifier(u) ? u.text : undefined;
}

/** `a.b.c` as text for property chains of identifiers (this included); undefined otherwise. */
export function dottedName(e: TS.Expression): string | undefined {
  const u = unwrap(e);
  if (ts.isIdentifier(u)) return u.text;
  if (u.kind === SK.ThisKeyword) return 'this';
  if (ts.isPropertyAccessExpression(u)) {
    const l = dottedName(u.expression);
    return l === undefined ? undefined : `${l}.${u.name.text}`;
  }
  return undefined;
}

export function isNumericLiteralLike(e: TS.Expression): boolean {
  const u = unwrap(e);
  if (ts.isNumericLiteral(u) || ts.isBigIntLiteral(u)) return true;
  if (ts.isPrefixUnaryExpression(u) && (u.operator === SK.MinusToken || u.operator === SK.PlusToken)) return isNumericLiteralLike(u.operand);
  return false;
}

export const COMPARISONS = new Set([
  SK.LessThanToken,
  SK.LessThanEqualsToken,
  SK.GreaterThanToken,
  SK.GreaterThanEqualsToken,
  SK.ExclamationEqualsEqualsToken,
  SK.ExclamationEqualsToken,
  SK.EqualsEqualsEqualsToken,
  SK.EqualsEqualsToken,
]);

export function isAssignmentOp(k: TS.SyntaxKind): boolean {
  return k >= SK.FirstAssignment && k <= SK.LastAssignment;
}

/** Does `e` mention identifier `name` (not looking into nested functions)? */
export function mentions(e: TS.Node, name: string): boolean {
  let found = false;
  const stack: TS.Node[] = [e];
  let guard = 0;
  while (stack.length && !found && guard++ < 20000) {
    const n = stack.pop()!;
    if (ts.isIdentifier(n)) {
      if (n.text === name) {
        const p = n.parent;
        // property names (a.name) are not references
        if (!(p && ts.isPropertyAccessExpression(p) && p.name === n)) found = true;
      }
      continue;
    }
    if (n !== e && isFunctionLike(n)) continue;
    ts.forEachChild(n, (c) => {
      stack.push(c);
    });
  }
  return found;
}

/** All descendants (pre-order), not entering nested functions. */
export function forEachDescendant(root: TS.Node, fn: (n: TS.Node) => boolean | void, limit = 50000): void {
  const stack: TS.Node[] = [];
  const kids: TS.Node[] = [];
  const collect = (c: TS.Node) => {
    kids.push(c);
  };
  ts.forEachChild(root, collect);
  for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  let count = 0;
  while (stack.length && count++ < limit) {
    const n = stack.pop()!;
    if (fn(n) === false) continue;
    if (isFunctionLike(n)) continue;
    kids.length = 0;
    ts.forEachChild(n, collect);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
}

/** Same, but also entering nested functions. */
export function forEachDescendantDeep(root: TS.Node, fn: (n: TS.Node) => boolean | void, limit = 50000): void {
  const stack: TS.Node[] = [];
  ts.forEachChild(root, (c) => {
    stack.push(c);
  });
  let count = 0;
  while (stack.length && count++ < limit) {
    const n = stack.pop()!;
    if (fn(n) === false) continue;
    ts.forEachChild(n, (c) => {
      stack.push(c);
    });
  }
}

export function forEachSelfAndDescendant(root: TS.Node, fn: (n: TS.Node) => boolean | void, limit = 50000): void {
  if (fn(root) === false) return;
  if (isFunctionLike(root)) return;
  forEachDescendant(root, fn, limit);
}

/** Source text of a node, or '' for synthesized nodes (no position or no parent chain). */
export function nodeText(n: TS.Node | undefined): string {
  if (!n) return '';
  try {
    return n.pos >= 0 ? n.getText() : '';
  } catch {
    return '';
  }
}

/** Start of a node without trivia; falls back to its full start for synthesized nodes. */
export function startOf(n: TS.Node, sf: TS.SourceFile): number {
  try {
    return n.pos >= 0 ? n.getStart(sf) : 0;
  } catch {
    return Math.max(0, n.pos);
  }
}

/** Text of a node in a file, '' when it has no real position. */
export function textIn(n: TS.Node, sf: TS.SourceFile): string {
  try {
    return n.pos >= 0 ? n.getText(sf) : '';
  } catch {
    return '';
  }
}
