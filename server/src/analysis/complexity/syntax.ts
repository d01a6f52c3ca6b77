// Syntactic helpers for the complexity engine (raw ts.Node, no wrappers).
import { ts } from '../../ts';
import type { ts as TS } from 'ts-morph';

/** Plain function references: a property of the large `ts` namespace costs a dictionary lookup per use. */
const { forEachChild, isArrowFunction, isAsExpression, isBigIntLiteral, isBinaryExpression, isCallExpression, isComputedPropertyName, isConstructorDeclaration, isExpression, isIdentifier, isNumericLiteral, isParenthesizedExpression, isPrefixUnaryExpression, isPrivateIdentifier, isPropertyAccessExpression, isPropertyAssignment, isPropertyDeclaration, isSatisfiesExpression, isStringLiteral, isStringLiteralLike, isTypeAssertionExpression, isVariableDeclaration } = ts;

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
  if (isIdentifier(name) || isPrivateIdentifier(name) || isStringLiteral(name) || isNumericLiteral(name)) return name.text;
  if (isComputedPropertyName(name) && isStringLiteralLike(name.expression)) return name.expression.text;
  return undefined;
}

/** Wrappers that memoise the function they are given: memoize(fn), _.memoize(fn), cache(fn), moize(fn). */
export const MEMO_WRAPPER = /(^|\.)(memoi[sz]e\w*|memo|cached?|moize|lru\w*)$/i;

/** The last part of a MEMO_WRAPPER name. */
const MEMO_NAME = /^(memoi[sz]e\w*|memo|cached?|moize|lru\w*)$/i;

/** `memoize((n) => ...)`: the wrapped function, if `e` is a call to a memoising wrapper. */
export function memoWrapped(e: TS.Expression | undefined): TS.FunctionLikeDeclaration | undefined {
  if (!e) return undefined;
  const u = unwrap(e);
  if (!isCallExpression(u) || !u.arguments.length) return undefined;
  // the wrapper's own name (the last part of a.b.memoize) first: no dotted text for most calls
  const c = unwrap(u.expression);
  const last = c.kind === SK.Identifier ? (c as TS.Identifier).text : c.kind === SK.PropertyAccessExpression ? (c as TS.PropertyAccessExpression).name.text : undefined;
  if (last === undefined || !MEMO_NAME.test(last)) return undefined;
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
    if (isCallExpression(e)) e = e.expression;
    const name = dottedName(e);
    if (name && MEMO_WRAPPER.test(name)) return true;
  }
  return false;
}

export function functionName(node: TS.FunctionLikeDeclaration): string {
  const own = propName(node.name as TS.PropertyName | undefined);
  if (own) return own;
  if (isConstructorDeclaration(node)) return 'constructor';
  let p: TS.Node | undefined = node.parent;
  while (p && (isParenthesizedExpression(p) || isAsExpression(p) || isSatisfiesExpression?.(p) || isTypeAssertionExpression(p))) p = p.parent;
  // const fib = memoize((n) => ...): the function is called by the variable's name
  if (p && isCallExpression(p) && p.arguments[0] && unwrap(p.arguments[0]) === node && memoWrapped(p)) {
    let q: TS.Node | undefined = p.parent;
    while (q && (isParenthesizedExpression(q) || isAsExpression(q))) q = q.parent;
    if (q && isVariableDeclaration(q) && isIdentifier(q.name)) return q.name.text;
  }
  if (p) {
    if (isVariableDeclaration(p) && isIdentifier(p.name)) return p.name.text;
    if (isPropertyAssignment(p) || isPropertyDeclaration(p)) {
      const n = propName(p.name);
      if (n) return n;
    }
    if (isBinaryExpression(p) && p.operatorToken.kind === SK.EqualsToken && p.right === unwrapNode(node, p.right)) {
      const l = p.left;
      if (isIdentifier(l)) return l.text;
      if (isPropertyAccessExpression(l)) return l.name.text;
    }
  }
  return isArrowFunction(node) ? '<arrow>' : '<anonymous>';
}

function unwrapNode(target: TS.Node, e: TS.Expression): TS.Node {
  let cur: TS.Node = e;
  while (isParenthesizedExpression(cur) || isAsExpression(cur)) cur = cur.expression;
  return cur === target ? e : target;
}

/** Strip parentheses, `!`, `as`, `satisfies`, `<T>x`. */
export function unwrap(e: TS.Expression): TS.Expression {
  let cur = e;
  for (let i = 0; i < 64; i++) {
    switch (cur.kind) {
      case SK.ParenthesizedExpression:
      case SK.NonNullExpression:
      case SK.AsExpression:
      case SK.TypeAssertionExpression:
      case SK.SatisfiesExpression:
        cur = (cur as TS.ParenthesizedExpression).expression;
        continue;
    }
    break;
  }
  return cur;
}

export function identName(e: TS.Node | undefined): string | undefined {
  if (!e) return undefined;
  const u = isExpression(e as TS.Expression) ? unwrap(e as TS.Expression) : e;
  return isIdentifier(u) ? u.text : undefined;
}

/** `a.b.c` as text for property chains of identifiers (this included); undefined otherwise. */
export function dottedName(e: TS.Expression): string | undefined {
  const u = unwrap(e);
  if (isIdentifier(u)) return u.text;
  if (u.kind === SK.ThisKeyword) return 'this';
  if (isPropertyAccessExpression(u)) {
    const l = dottedName(u.expression);
    return l === undefined ? undefined : `${l}.${u.name.text}`;
  }
  return undefined;
}

/** The start of a property chain `a.b.c` (parentheses and the like stripped at each step): `a`. */
export function chainRoot(e: TS.Expression): TS.Expression {
  let u = unwrap(e);
  while (u.kind === SK.PropertyAccessExpression) u = unwrap((u as TS.PropertyAccessExpression).expression);
  return u;
}

export function isNumericLiteralLike(e: TS.Expression): boolean {
  const u = unwrap(e);
  if (isNumericLiteral(u) || isBigIntLiteral(u)) return true;
  if (isPrefixUnaryExpression(u) && (u.operator === SK.MinusToken || u.operator === SK.PlusToken)) return isNumericLiteralLike(u.operand);
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
    if (isIdentifier(n)) {
      if (n.text === name) {
        const p = n.parent;
        // property names (a.name) are not references
        if (!(p && isPropertyAccessExpression(p) && p.name === n)) found = true;
      }
      continue;
    }
    if (n !== e && isFunctionLike(n)) continue;
    forEachChild(n, (c) => {
      stack.push(c);
    });
  }
  return found;
}

/** All descendants (pre-order), not entering nested functions; `fn` returning false skips a node's subtree. At most `limit` nodes. */
export function forEachDescendant(root: TS.Node, fn: (n: TS.Node) => boolean | void, limit = 50000): void {
  // Recursive while shallow (cheaper than a stack per node); below DESCENT_RECURSION the rest
  // of a subtree is walked with an explicit stack. Either way the order is the same pre-order.
  let count = 0;
  let stop = false;
  let depth = 0;
  const visit = (n: TS.Node): true | undefined => {
    if (count++ >= limit) {
      stop = true;
      return true;
    }
    if (fn(n) === false || isFunctionLike(n)) return undefined;
    if (depth >= DESCENT_RECURSION) {
      deep(n);
      return stop ? true : undefined;
    }
    depth++;
    forEachChild(n, visit);
    depth--;
    return stop ? true : undefined;
  };
  const deep = (top: TS.Node): void => {
    const stack: TS.Node[] = [];
    const kids: TS.Node[] = [];
    const collect = (c: TS.Node) => {
      kids.push(c);
    };
    const pushKids = (n: TS.Node) => {
      kids.length = 0;
      forEachChild(n, collect);
      for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
    };
    pushKids(top);
    while (stack.length) {
      if (count++ >= limit) {
        stop = true;
        return;
      }
      const n = stack.pop()!;
      if (fn(n) === false || isFunctionLike(n)) continue;
      pushKids(n);
    }
  };
  forEachChild(root, visit);
}

/** Nesting walked by recursion in forEachDescendant before it switches to an explicit stack. */
const DESCENT_RECURSION = 48;

/** Same, but also entering nested functions. */
export function forEachDescendantDeep(root: TS.Node, fn: (n: TS.Node) => boolean | void, limit = 50000): void {
  const stack: TS.Node[] = [];
  forEachChild(root, (c) => {
    stack.push(c);
  });
  let count = 0;
  while (stack.length && count++ < limit) {
    const n = stack.pop()!;
    if (fn(n) === false) continue;
    forEachChild(n, (c) => {
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

/**
 * A copy of `s` that does not keep the string it was cut from alive. V8 represents a substring of
 * 13 or more characters as a view of its parent, so a short snippet stored in a cached summary
 * would hold the whole file's text of that version (found in a heap snapshot after 200 edits:
 * ~110 old copies of GitApi.js's text, 0.5 MB each, held by evidence reasons). Concatenating
 * flattens into a new string; the slice is then a view of that small copy.
 */
export function detach(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}

/** Text of a node in a file, '' when it has no real position. */
export function textIn(n: TS.Node, sf: TS.SourceFile): string {
  try {
    return n.pos >= 0 ? n.getText(sf) : '';
  } catch {
    return '';
  }
}
