// n-plus-one: a database, ORM, cache or HTTP call made once per item of a loop or array callback.
import { ts } from 'ts-morph';
import type { Finding, Rule, RuleContext } from '../analysis/types';
import { createQueryRecogniser, type QueryMatch } from '../analysis/queries';
import { lineOf, perItemContext, spanOf } from '../analysis/syntax';
import { promiseAllFix } from '../fixes/promiseAll';

/** Names of local functions and methods that perform a query themselves (to a fixpoint). */
function findQueryHelpers(ctx: RuleContext): Map<string, QueryMatch> {
  const sf = ctx.sourceFile;
  const fns: Array<{ key: string; node: ts.FunctionLikeDeclaration }> = [];
  const collect = (n: ts.Node): void => {
    if (ts.isFunctionDeclaration(n) && n.name) fns.push({ key: n.name.text, node: n });
    else if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer && (ts.isArrowFunction(n.initializer) || ts.isFunctionExpression(n.initializer))) fns.push({ key: n.name.text, node: n.initializer });
    else if (ts.isMethodDeclaration(n) && (ts.isIdentifier(n.name) || ts.isPrivateIdentifier(n.name))) fns.push({ key: `this.${n.name.text}`, node: n });
    n.forEachChild(collect);
  };
  collect(sf);
  const helpers = new Map<string, QueryMatch>();
  const recogniser = createQueryRecogniser(sf, { userPatterns: ctx.settings.queryFunctions, getChecker: ctx.getChecker, helpers });
  for (let round = 0; round < 8; round++) {
    let changed = false;
    for (const { key, node } of fns) {
      if (helpers.has(key) || !node.body) continue;
      let found: QueryMatch | undefined;
      const visit = (n: ts.Node): void => {
        if (found) return;
        if (ts.isCallExpression(n)) {
          const m = recogniser.match(n);
          // A helper that itself loops over queries is reported inside the helper, not again here.
          if (m && !perItemContext(n, sf)) found = m;
        }
        n.forEachChild(visit);
      };
      visit(node.body);
      if (found) {
        helpers.set(key, { ...found, chain: found.chain ?? [found.callee] });
        changed = true;
      }
    }
    if (!changed) break;
  }
  return helpers;
}

/** Does the per-item work wait for the call (awaited, or returned from an async callback)? */
function isConsumedPerItem(call: ts.CallExpression): boolean {
  let cur: ts.Node = call;
  for (let guard = 0; guard < 32; guard++) {
    const p = cur.parent;
    if (!p) return false;
    if (ts.isAwaitExpression(p)) return true;
    if (ts.isReturnStatement(p)) return true;
    if (ts.isArrowFunction(p) && p.body === cur) return true;
    if ((ts.isPropertyAccessExpression(p) && p.expression === cur) || (ts.isCallExpression(p) && p.expression === cur) || ts.isParenthesizedExpression(p) || ts.isAsExpression(p) || ts.isNonNullExpression(p)) {
      cur = p;
      continue;
    }
    return false;
  }
  return false;
}

function isSmallLiteralLoop(loopOrCall: ts.Node): boolean {
  const expr = ts.isForOfStatement(loopOrCall) || ts.isForInStatement(loopOrCall)
    ? loopOrCall.expression
    : ts.isCallExpression(loopOrCall) && ts.isPropertyAccessExpression(loopOrCall.expression) ? loopOrCall.expression.expression : undefined;
  return !!expr && ts.isArrayLiteralExpression(expr) && expr.elements.length <= 5 && !expr.elements.some(ts.isSpreadElement);
}

/** `for (let i = 0; i < ids.length; i += 100)`: one bulk call per chunk, not per item. */
function isChunkLoop(loop: ts.Node): boolean {
  if (!ts.isForStatement(loop) || !loop.incrementor || !ts.isBinaryExpression(loop.incrementor)) return false;
  const { operatorToken, right } = loop.incrementor;
  if (operatorToken.kind !== ts.SyntaxKind.PlusEqualsToken) return false;
  return !(ts.isNumericLiteral(right) && right.text === '1');
}

export const nPlusOne: Rule = {
  id: 'n-plus-one',
  meta: {
    description: 'A database, ORM, cache or HTTP call runs once per item of a loop (N+1 round trips).',
    docs: 'docs/rules/n-plus-one.md',
    defaultSeverity: 'warning',
    fixable: true,
  },
  check(ctx) {
    if (!ctx.settings.nPlusOneEnabled) return [];
    const sf = ctx.sourceFile;
    const helpers = findQueryHelpers(ctx);
    const recogniser = createQueryRecogniser(sf, { userPatterns: ctx.settings.queryFunctions, getChecker: ctx.getChecker, helpers });
    const findings: Finding[] = [];
    const loopReadOnly = new Map<ts.Node, boolean>();
    const pending: Array<{ finding: Finding; loop: ts.Node }> = [];
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n)) {
        const match = recogniser.match(n);
        if (match && (match.via !== 'name' || isConsumedPerItem(n))) {
          const item = perItemContext(n, sf);
          if (item && !isSmallLiteralLoop(item.node) && !isChunkLoop(item.node)) {
            const loopLine = lineOf(sf, item.headerSpan.start);
            const what = item.collection ? `item of \`${item.collection}\`` : 'iteration';
            const where = item.kind === 'loop' ? `loop at line ${loopLine}` : `\`${(item.node as ts.CallExpression).expression.getText(sf).split('.').pop()}\` callback at line ${loopLine}`;
            const message = item.kind === 'fan-out'
              ? `\`${match.callee}\` runs once per ${what} (${where}): N concurrent round trips, not one`
              : `\`${match.callee}\` runs once per ${what} (${where}): N+1 round trips`;
            const related = [{ span: item.headerSpan, message: item.kind === 'loop' ? 'the loop' : 'the per-item callback' }];
            if (match.chain && match.chain.length > 1) related.push({ span: spanOf(n, sf), message: `call chain: ${match.chain.join(' → ')}` });
            const finding: Finding = { rule: 'n-plus-one', severity: 'warning', span: spanOf(n, sf), message, related };
            findings.push(finding);
            if (item.kind === 'loop') {
              pending.push({ finding, loop: item.node });
              loopReadOnly.set(item.node, (loopReadOnly.get(item.node) ?? true) && match.readOnly);
            }
          }
        }
      }
      n.forEachChild(visit);
    };
    visit(sf);
    for (const { finding, loop } of pending) {
      const result = promiseAllFix(loop, sf, { queriesReadOnly: loopReadOnly.get(loop) ?? false, checker: ctx.getChecker() });
      if ('fix' in result) finding.fixes = [result.fix];
      else finding.noFixReason = `No Promise.all fix: ${result.reason}.`;
    }
    return findings;
  },
};
