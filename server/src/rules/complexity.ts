// complexity: a function whose estimated time is worse than `perflens.complexity.warnAbove`.
import type { Finding, Rule } from '../analysis/types';
import { formatCost, isWorseThan, parseCost, type Cost } from '../analysis/cost';

/** The threshold setting parsed, by its text (the rule runs on every keystroke). */
const thresholds = new Map<string, Cost>();

function thresholdOf(text: string): Cost {
  let t = thresholds.get(text);
  if (!t) {
    try {
      t = parseCost(text);
    } catch {
      t = parseCost('O(n log n)');
    }
    if (thresholds.size > 16) thresholds.clear();
    thresholds.set(text, t);
  }
  return t;
}

/**
 * Whether a cost is over the threshold, by cost object: a summary served from the cache keeps its
 * cost object from keystroke to keystroke, so the comparison is made once per computed summary.
 */
const verdicts = new WeakMap<Cost, { threshold: string; worse: boolean }>();

function worseThan(cost: Cost, threshold: Cost, thresholdText: string): boolean {
  const v = verdicts.get(cost);
  if (v && v.threshold === thresholdText) return v.worse;
  const worse = isWorseThan(cost, threshold);
  verdicts.set(cost, { threshold: thresholdText, worse });
  return worse;
}

export const complexity: Rule = {
  id: 'complexity',
  meta: {
    description: 'A function whose estimated running time is worse than the configured threshold.',
    docs: 'docs/rules/complexity.md',
    defaultSeverity: 'info',
    fixable: false,
  },
  check(ctx) {
    const thresholdText = ctx.settings.complexityWarnAbove;
    const threshold = thresholdOf(thresholdText);
    const findings: Finding[] = [];
    for (const s of ctx.summaries) {
      if (!worseThan(s.cost, threshold, thresholdText)) continue;
      const top = s.evidence.slice(0, 3).map((e) => `${e.reason} (line ${e.line})`).join('; ');
      const unsure = s.confidence === 'low' ? ' (low confidence)' : '';
      findings.push({
        rule: 'complexity',
        severity: 'info',
        span: s.headerSpan,
        message: `\`${s.qualifiedName}\` is ${s.display.replace(/\?$/, '')}${unsure}, worse than ${formatCost(threshold, 'unicode')}${top ? `: ${top}` : ''}`,
      });
    }
    return findings;
  },
};
