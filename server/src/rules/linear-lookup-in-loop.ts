// linear-lookup-in-loop: `xs.includes(v)`, `xs.indexOf(v)`, `xs.some((x) => x === v)`,
// `xs.find((x) => x.id === v)` once per item of a loop, on an array the loop does not change.
// Each lookup scans the whole array: O(n·m). A Set or Map built once before the loop makes it O(n + m).
import { ts } from '../ts';
import type { ts as TS } from 'ts-morph';
import { deferFixes, type Finding, type Rule } from '../analysis/types';
import { isDeferredCallback } from '../analysis/queries';
import { lineOf, referencedNames, rootIdentifier, spanOf, unwrap } from '../analysis/syntax';
import { lookupIndexFix, type LinearLookup } from '../fixes/lookupIndex';
import { initializerOf, mutatedNames, callsInItemContexts, type ItemContext } from './nplus1/contexts';
import { textFact } from '../analysis/textFacts';

/** Files without any of these methods have nothing to report (see textFacts.ts). */
const mentionsLookup = textFact(/\.(includes|indexOf|lastIndexOf|some|find|findLast|findIndex|findLastIndex|filter)\(/);

const METHODS = new Set(['includes', 'indexOf', 'lastIndexOf', 'some', 'find', 'findLast', 'findIndex', 'findLastIndex', 'filter']);
const ARRAY_PRODUCERS = /^(map|filter|slice|concat|flat|flatMap|from|keys|values|entries|split|sort|toSorted|reverse)$/;
const SMALL = 8;

/** The single-parameter predicate `(x) => x === v` / `(x) => x.k === v`: the parameter, the key path and `v`. */
function equalityPredicate(fn: TS.Expression): { param: string; key?: string; value: TS.Expression; strict: boolean } | undefined {
  const f = unwrap(fn);
  if (!ts.isArrowFunction(f) && !ts.isFunctionExpression(f)) return undefined;
  if (f.parameters.length !== 1 || !ts.isIdentifier(f.parameters[0].name)) return undefined;
  const param = f.parameters[0].name.text;
  let body: TS.Node | undefined = f.body;
  if (body && ts.isBlock(body)) {
    if (body.statements.length !== 1 || !ts.isReturnStatement(body.statements[0]) || !body.statements[0].expression) return undefined;
    body = body.statements[0].expression;
  }
  if (!body || !ts.isExpression(body)) return undefined;
  const b = unwrap(body);
  if (!ts.isBinaryExpression(b)) return undefined;
  const op = b.operatorToken.kind;
  if (op !== ts.SyntaxKind.EqualsEqualsEqualsToken && op !== ts.SyntaxKind.EqualsEqualsToken) return undefined;
  const side = (e: TS.Expression): { key?: string } | undefined => {
    const u = unwrap(e);
    if (ts.isIdentifier(u) && u.text === param) return {};
    if (ts.isPropertyAccessExpression(u) && !u.questionDotToken && ts.isIdentifier(u.expression) && u.expression.text === param) return { key: u.name.text };
    return undefined;
  };
  for (const [a, other] of [[b.left, b.right], [b.right, b.left]] as const) {
    const s = side(a);
    if (s && !referencedNames(other).has(param)) return { param, key: s.key, value: other, strict: op === ts.SyntaxKind.EqualsEqualsEqualsToken };
  }
  return undefined;
}

function isArrayValue(expr: TS.Expression, checker: TS.TypeChecker | undefined, at: TS.Node): boolean | 'small' {
  const e = unwrap(expr);
  const literal = ts.isArrayLiteralExpression(e) ? e : ts.isIdentifier(e) ? initializerOf(e.text, at) : undefined;
  const lit = literal && unwrap(literal);
  if (lit && ts.isArrayLiteralExpression(lit) && lit.elements.length <= SMALL && !lit.elements.some(ts.isSpreadElement)) return 'small';
  if (checker) {
    try {
      const t = checker.getTypeAtLocation(expr);
      if (!(t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown))) {
        if (checker.isTupleType(t)) return checker.getTypeArguments(t as TS.TypeReference).length <= SMALL ? 'small' : true;
        return checker.isArrayType(t) || t.getSymbol()?.name === 'ReadonlyArray';
      }
    } catch {
      return false;
    }
  }
  // No types: only values we can see are arrays.
  if (lit && ts.isArrayLiteralExpression(lit)) return true;
  if (lit && ts.isCallExpression(lit) && ts.isPropertyAccessExpression(lit.expression) && ARRAY_PRODUCERS.test(lit.expression.name.text)) return true;
  return false;
}

export const linearLookupInLoop: Rule = {
  id: 'linear-lookup-in-loop',
  meta: {
    description: 'An array is searched (includes/indexOf/some/find) once per item of a loop: O(n·m); build a Set or Map once before the loop.',
    docs: 'docs/rules/linear-lookup-in-loop.md',
    defaultSeverity: 'warning',
    fixable: true,
  },
  check(ctx) {
    const sf = ctx.sourceFile;
    const text = sf.text;
    // Cheap pre-check: files without any of these methods have nothing to report.
    if (!mentionsLookup(sf)) return [];
    const findings: Finding[] = [];
    const mutatedCache = new Map<ItemContext, Set<string>>();
    let checker: TS.TypeChecker | undefined | null = null;
    const getChecker = () => {
      if (checker === null) {
        try {
          checker = ctx.getChecker();
        } catch {
          checker = undefined;
        }
      }
      return checker;
    };
    for (const [n, item] of callsInItemContexts(sf, isDeferredCallback)) {
      if (!ts.isCallExpression(n)) continue;
      const callee = unwrap(n.expression);
      if (!ts.isPropertyAccessExpression(callee) || callee.questionDotToken) continue;
      const method = callee.name.text;
      if (!METHODS.has(method)) continue;
      const arr = callee.expression;
      // The array must not change in the loop, and must not be the item itself.
      const root = rootIdentifier(arr);
      if (!root && unwrap(arr).kind !== ts.SyntaxKind.ThisKeyword && !ts.isPropertyAccessExpression(unwrap(arr))) continue;
      const arrRefs = referencedNames(arr);
      if ([...arrRefs].some((r) => item.varying.has(r))) continue;
      if (containsCallOrNew(arr)) continue;
      let mutated = mutatedCache.get(item);
      if (!mutated) mutatedCache.set(item, (mutated = mutatedNames(item.body)));
      if (root && mutated.has(root.text)) continue;
      // What is looked up, and how.
      let lookup: LinearLookup;
      if (method === 'includes' || method === 'indexOf' || method === 'lastIndexOf') {
        if (n.arguments.length !== 1 || ts.isSpreadElement(n.arguments[0])) continue;
        lookup = { call: n, method, array: arr, value: n.arguments[0], strict: true };
      } else {
        if (n.arguments.length !== 1) continue;
        const pred = equalityPredicate(n.arguments[0]);
        if (!pred) continue;
        lookup = { call: n, method, array: arr, value: pred.value, key: pred.key, param: pred.param, strict: pred.strict };
      }
      // The looked-up value must change per item (an invariant lookup is `invariant-in-loop`'s business).
      const valueRefs = referencedNames(lookup.value);
      if (![...valueRefs].some((r) => item.varying.has(r))) continue;
      const isArr = isArrayValue(arr, getChecker(), n);
      if (isArr !== true) continue;
      const loopLine = lineOf(sf, item.headerSpan.start);
      const where = item.kind === 'loop' ? `loop at line ${loopLine}` : `\`${text.slice(item.headerSpan.start, item.headerSpan.end)}\` callback at line ${loopLine}`;
      const arrText = arr.getText(sf);
      const coll = item.collection ? ` of \`${item.collection.length > 30 ? item.collection.slice(0, 29) + '…' : item.collection}\`` : '';
      const message = `\`${arrText}.${method}()\` scans all of \`${arrText}\` once per item${coll} (${where}): O(n·m); build a ${method === 'includes' || method === 'some' ? 'Set' : method === 'indexOf' || method === 'lastIndexOf' ? 'Set or Map' : 'Map'} once before the loop`;
      const finding: Finding = {
        rule: 'linear-lookup-in-loop',
        severity: 'warning',
        span: spanOf(n, sf),
        message,
        related: [{ span: item.headerSpan, message: item.kind === 'loop' ? 'the loop' : 'the per-item callback' }],
      };
      deferFixes(ctx, finding, () => {
        const result = lookupIndexFix(lookup, item, sf, getChecker());
        if ('fix' in result) finding.fixes = [result.fix];
        else finding.noFixReason = `No safe fix: ${result.reason}.`;
      });
      findings.push(finding);
    }
    return findings;
  },
};

function containsCallOrNew(n: TS.Node): boolean {
  let found = false;
  const visit = (c: TS.Node): void => {
    if (found) return;
    if (ts.isCallExpression(c) || ts.isNewExpression(c) || ts.isAwaitExpression(c) || ts.isTaggedTemplateExpression(c)) found = true;
    else c.forEachChild(visit);
  };
  visit(n);
  return found;
}
