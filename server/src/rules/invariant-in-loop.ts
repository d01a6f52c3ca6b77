// invariant-in-loop: the same RegExp, JSON.parse/JSON.stringify result or Intl formatter is built on
// every item of a loop from values the loop never changes. Build it once, before the loop.
import { ts } from '../ts';
import type { ts as TS } from 'ts-morph';
import { deferFixes, type Finding, type Rule } from '../analysis/types';
import { isDeferredCallback } from '../analysis/queries';
import { lineOf, referencedNames, spanOf } from '../analysis/syntax';
import { hoistInvariantFix, invariantKind, type InvariantKind } from '../fixes/hoistInvariant';
import { mutatedNames, callsInItemContexts, type ItemContext } from './nplus1/contexts';
import { textFact } from '../analysis/textFacts';

/** Files that never mention what this rule looks for have nothing to report (see textFacts.ts). */
const mentionsInvariantKinds = textFact(/\b(RegExp|JSON\.(parse|stringify)|Intl\.)/);

/** Arguments made only of literals, templates, identifiers and property reads (no calls). */
function plainArguments(args: readonly TS.Expression[]): boolean {
  let ok = true;
  const visit = (n: TS.Node): void => {
    if (!ok) return;
    if (ts.isCallExpression(n) || ts.isNewExpression(n) || ts.isAwaitExpression(n) || ts.isTaggedTemplateExpression(n) || ts.isFunctionLike(n) || ts.isClassLike(n) || ts.isPostfixUnaryExpression(n) || ts.isDeleteExpression(n)) {
      ok = false;
      return;
    }
    if (ts.isPrefixUnaryExpression(n) && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken)) {
      ok = false;
      return;
    }
    if (ts.isBinaryExpression(n) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment) {
      ok = false;
      return;
    }
    n.forEachChild(visit);
  };
  for (const a of args) visit(a);
  return ok;
}

const LABEL: Record<InvariantKind, string> = {
  regexp: 'builds the same RegExp',
  'json-parse': 'parses the same JSON',
  'json-stringify': 'serialises the same value',
  intl: 'builds the same Intl formatter',
};

export const invariantInLoop: Rule = {
  id: 'invariant-in-loop',
  meta: {
    description: 'A RegExp, JSON.parse/JSON.stringify result or Intl formatter is rebuilt on every item of a loop from values the loop never changes.',
    docs: 'docs/rules/invariant-in-loop.md',
    defaultSeverity: 'warning',
    fixable: true,
  },
  check(ctx) {
    const sf = ctx.sourceFile;
    if (!mentionsInvariantKinds(sf)) return [];
    const findings: Finding[] = [];
    const mutatedCache = new Map<ItemContext, Set<string>>();
    const reported = new Set<TS.Node>();
    for (const [n, item] of callsInItemContexts(sf, isDeferredCallback)) {
      const kind = invariantKind(n);
      if (!kind || reported.has(n)) continue;
      const args = [...((n as TS.CallExpression | TS.NewExpression).arguments ?? [])];
      if (kind !== 'regexp' && args.length === 0) continue;
      if (!plainArguments(args)) continue;
      const refs = new Set<string>();
      for (const a of args) referencedNames(a, refs);
      if ([...refs].some((r) => item.varying.has(r))) continue;
      let mutated = mutatedCache.get(item);
      if (!mutated) mutatedCache.set(item, (mutated = mutatedNames(item.body)));
      if ([...refs].some((r) => mutated.has(r))) continue;
      reported.add(n);
      const loopLine = lineOf(sf, item.headerSpan.start);
      const where = item.kind === 'loop' ? `loop at line ${loopLine}` : `\`${sf.text.slice(item.headerSpan.start, item.headerSpan.end)}\` callback at line ${loopLine}`;
      const shown = n.getText(sf).replace(/\s+/g, ' ');
      const what = shown.length > 48 ? shown.slice(0, 47) + '…' : shown;
      const finding: Finding = {
        rule: 'invariant-in-loop',
        severity: 'warning',
        span: spanOf(n, sf),
        message: `\`${what}\` ${LABEL[kind]} on every item (${where}); build it once before the loop`,
        related: [{ span: item.headerSpan, message: item.kind === 'loop' ? 'the loop' : 'the per-item callback' }],
      };
      deferFixes(ctx, finding, () => {
        const result = hoistInvariantFix(n as TS.CallExpression | TS.NewExpression, kind, item, sf, ctx.getChecker);
        if ('fix' in result) finding.fixes = [result.fix];
        else finding.noFixReason = `No safe fix: ${result.reason}.`;
      });
      findings.push(finding);
    }
    return findings;
  },
};
