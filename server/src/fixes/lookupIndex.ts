// Quick fix for linear-lookup-in-loop: build a Set or Map from the array once, before the loop, and
// look values up in it inside. Keeps behaviour: the first match wins like `find`/`indexOf` (the last
// for `findLast`/`lastIndexOf`), a missing value gives what the original gave (undefined / -1 / false),
// and NaN - which `===` never matches but Set/Map would - is guarded where it can occur.
import { ts } from '../ts';
import type { ts as TS } from 'ts-morph';
import type { Fix, TextEditSpan } from '../analysis/types';
import { enclosingFunction, enclosingStatement, freshName, indentAt, needsParens, rootIdentifier, unwrap, valueParent } from '../analysis/syntax';

export interface LinearLookup {
  call: TS.CallExpression;
  method: string;
  array: TS.Expression;
  /** The looked-up value `v`. */
  value: TS.Expression;
  /** `x.key === v` (absent: `x === v`). */
  key?: string;
  /** The predicate's parameter name. */
  param?: string;
  /** `===` (not `==`). */
  strict: boolean;
}

interface ItemLike {
  kind: string;
  node: TS.Node;
  body: TS.Node;
}

export type LookupFixResult = { fix: Fix } | { reason: string };

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const singular = (s: string) => (/ies$/.test(s) ? s.slice(0, -3) + 'y' : /s$/.test(s) && !/ss$/.test(s) ? s.slice(0, -1) : s);

function isPure(e: TS.Expression): boolean {
  const u = unwrap(e);
  if (ts.isIdentifier(u) || u.kind === ts.SyntaxKind.ThisKeyword || ts.isLiteralExpression(u)) return true;
  if (ts.isPropertyAccessExpression(u)) return isPure(u.expression);
  if (ts.isElementAccessExpression(u)) return isPure(u.expression) && (ts.isLiteralExpression(u.argumentExpression) || ts.isIdentifier(u.argumentExpression));
  return false;
}

function mayBeNumber(t: TS.Type): boolean {
  if (t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.Number)) return true;
  if (t.isUnion()) return t.types.some(mayBeNumber);
  if (t.flags & ts.TypeFlags.NumberLiteral) return false; // a literal is never NaN
  return false;
}

function hasNullish(t: TS.Type): boolean {
  if (t.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined | ts.TypeFlags.Void | ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return true;
  return t.isUnion() && t.types.some(hasNullish);
}

/** `xs.indexOf(v) !== -1` and friends: the comparison node and whether it asks "found?". */
function indexComparison(call: TS.CallExpression): { node: TS.BinaryExpression; found: boolean } | undefined {
  const { parent: p, child } = valueParent(call);
  if (!p || !ts.isBinaryExpression(p)) return undefined;
  const other = p.left === child ? p.right : p.left;
  const o = unwrap(other);
  const num = ts.isPrefixUnaryExpression(o) && o.operator === ts.SyntaxKind.MinusToken && ts.isNumericLiteral(o.operand) ? -Number(o.operand.text) : ts.isNumericLiteral(o) ? Number(o.text) : undefined;
  if (num === undefined) return undefined;
  const k = p.operatorToken.kind;
  const left = p.left === child;
  const S = ts.SyntaxKind;
  if (num === -1 && (k === S.ExclamationEqualsEqualsToken || k === S.ExclamationEqualsToken)) return { node: p, found: true };
  if (num === -1 && (k === S.EqualsEqualsEqualsToken || k === S.EqualsEqualsToken)) return { node: p, found: false };
  if (left && num === -1 && k === S.GreaterThanToken) return { node: p, found: true };
  if (left && num === 0 && k === S.GreaterThanEqualsToken) return { node: p, found: true };
  if (left && num === 0 && k === S.LessThanToken) return { node: p, found: false };
  if (!left && num === -1 && k === S.LessThanToken) return { node: p, found: true };
  return undefined;
}

export function lookupIndexFix(lookup: LinearLookup, item: ItemLike, sf: TS.SourceFile, checker: TS.TypeChecker | undefined): LookupFixResult {
  if (!checker) return { reason: 'types are not available, so PerfLens cannot show the Set/Map lookup is equivalent' };
  const { call, method, array, value, key } = lookup;
  if (!lookup.strict) return { reason: '`==` compares loosely; a Set or Map compares strictly' };
  if (method === 'filter') return { reason: '`filter` returns a new array each time; a shared, pre-grouped array could be changed by the caller' };
  if ((method === 'find' || method === 'findLast') && !key) return { reason: 'finding a value equal to `v` is just `v`; use a Set and `has`' };

  // Where the index goes: before the loop statement, or the statement holding the iterating call.
  const anchor = item.kind === 'loop' ? (ts.isLabeledStatement(item.node.parent) ? item.node.parent : item.node) : enclosingStatement(item.node);
  if (!anchor || !anchor.parent || !(ts.isBlock(anchor.parent) || ts.isSourceFile(anchor.parent) || ts.isCaseClause(anchor.parent) || ts.isDefaultClause(anchor.parent))) return { reason: 'the loop is not a statement of a block' };
  // The array must exist before the loop (not declared later, e.g. in a closure).
  const root = rootIdentifier(array);
  if (root) {
    const sym = checker.getSymbolAtLocation(root);
    const decl = sym?.valueDeclaration;
    if (decl && decl.getSourceFile() === sf && decl.getStart(sf) > anchor.getStart(sf) && !ts.isParameter(decl)) return { reason: `\`${root.text}\` is declared after the loop starts` };
  }
  if (enclosingFunction(anchor) !== enclosingFunction(call) && item.kind === 'loop') {
    // The lookup is in a function nested inside the loop: still fine, the index is read-only.
  }

  // Types: the element type, the value's type, NaN.
  let elem: TS.Type | undefined;
  let valueType: TS.Type;
  try {
    const at = checker.getTypeAtLocation(array);
    elem = checker.getIndexTypeOfType(checker.getApparentType(at), ts.IndexKind.Number);
    valueType = checker.getTypeAtLocation(value);
  } catch {
    return { reason: 'the types could not be read' };
  }
  if (!elem) return { reason: 'the element type is unknown' };
  let keyType = elem;
  if (key) {
    if (hasNullish(elem)) return { reason: 'the array may hold null or undefined, where `x.' + key + '` would throw only when reached' };
    const p = checker.getPropertyOfType(checker.getApparentType(elem), key);
    if (!p) return { reason: `the elements have no \`${key}\`` };
    keyType = checker.getTypeOfSymbolAtLocation(p, call);
    // The loop must not change the key of any element.
    let writes = false;
    const visit = (n: TS.Node): void => {
      if (writes) return;
      if (ts.isBinaryExpression(n) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment && ts.isPropertyAccessExpression(unwrap(n.left as TS.Expression)) && (unwrap(n.left as TS.Expression) as TS.PropertyAccessExpression).name.text === key) writes = true;
      n.forEachChild(visit);
    };
    visit(item.body);
    if (writes) return { reason: `the loop assigns \`.${key}\`, so an index built up front could go stale` };
  }
  // Map/Set `get`/`has` need the value's type to fit the key type.
  if (!checker.isTypeAssignableTo(valueType, keyType)) return { reason: `\`${value.getText(sf)}\` may not be a \`${checker.typeToString(keyType)}\` (the index's key type)` };
  const nanGuard = method !== 'includes' && mayBeNumber(valueType) && mayBeNumber(keyType);
  if (nanGuard && !isPure(value)) return { reason: 'the value is computed and may be NaN, which `===` never matches' };

  // Names and text.
  const ts_ = /\.(ts|tsx|mts|cts)$/.test(sf.fileName);
  const asConst = ts_ ? ' as const' : '';
  const arrText = array.getText(sf);
  const base = (ts.isPropertyAccessExpression(unwrap(array)) ? (unwrap(array) as TS.PropertyAccessExpression).name.text : root?.text) ?? 'items';
  const p = lookup.param && lookup.param !== 'i' ? lookup.param : 'x';
  const v = value.getText(sf);
  const taken = new Set<string>();
  const idx = 'i'; // local to the arrow function; shadowing is harmless
  let decl: string;
  let replaceNode: TS.Node = call;
  let replacement: string;
  const lastWins = method === 'findLast' || method === 'findLastIndex' || method === 'lastIndexOf';
  const order = lastWins ? '' : '.reverse()';
  const orderNote = lastWins ? '' : ` // reversed: the first match wins, as with ${method}()`;
  const guard = (expr: string, miss: string) => (nanGuard ? `Number.isNaN(${v}) ? ${miss} : ${expr}` : expr);
  const found = (setName: string) => (nanGuard ? `!Number.isNaN(${v}) && ${setName}.has(${v})` : `${setName}.has(${v})`);

  if (method === 'includes' || (method === 'some' && !key)) {
    const name = freshName([`${base}Set`, `${singular(base)}Set`], sf, taken);
    decl = `const ${name} = new Set(${arrText});`;
    replacement = found(name);
  } else if (method === 'some') {
    const name = freshName(`${singular(base)}${cap(key!)}s`, sf, taken);
    decl = `const ${name} = new Set(${arrText}.map((${p}) => ${p}.${key}));`;
    replacement = found(name);
  } else if (method === 'indexOf' || method === 'lastIndexOf' || method === 'findIndex' || method === 'findLastIndex') {
    const cmp = method === 'indexOf' || method === 'lastIndexOf' ? indexComparison(call) : undefined;
    if (cmp) {
      const name = freshName([`${base}Set`, `${singular(base)}Set`], sf, taken);
      decl = `const ${name} = new Set(${arrText});`;
      replaceNode = cmp.node;
      replacement = cmp.found ? found(name) : nanGuard ? `!(${found(name)})` : `!${found(name)}`;
    } else {
      const name = freshName(`${singular(base)}${key ? `Index${cap(key)}` : 'Index'}`, sf, taken);
      const keyExpr = key ? `${p}.${key}` : p;
      decl = `const ${name} = new Map(${arrText}.map((${p}, ${idx}) => [${keyExpr}, ${idx}]${asConst})${order});${orderNote}`;
      replacement = nanGuard ? guard(`(${name}.get(${v}) ?? -1)`, '-1') : `${name}.get(${v}) ?? -1`;
    }
  } else {
    // find / findLast by key
    const name = freshName(`${singular(base)}By${cap(key!)}`, sf, taken);
    decl = `const ${name} = new Map(${arrText}.map((${p}) => [${p}.${key}, ${p}]${asConst})${order});${orderNote}`;
    replacement = guard(`${name}.get(${v})`, 'undefined');
  }
  // Parenthesise where the replacement stands inside a tighter expression.
  const simple = /^[\w$.]+\([^()]*\)$/.test(replacement);
  if (!simple && needsParens(replaceNode)) replacement = `(${replacement})`;
  void valueParent;

  const indent = indentAt(sf.text, anchor.getStart(sf));
  const anchorStart = anchor.getStart(sf);
  const edits: TextEditSpan[] = [
    { span: { start: anchorStart, end: anchorStart }, newText: `${decl}\n${indent}` },
    { span: { start: replaceNode.getStart(sf), end: replaceNode.getEnd() }, newText: replacement },
  ];
  const kind = decl.includes('new Set') ? 'Set' : 'Map';
  return { fix: { title: `Build a ${kind} from \`${arrText}\` once before the loop`, edits, isPreferred: true } };
}
