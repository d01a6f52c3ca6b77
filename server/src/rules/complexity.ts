// complexity: a function whose estimated time is worse than `perflens.complexity.warnAbove`.
import type { Finding, Rule } from '../analysis/types';
import { formatCost, isWorseThan, parseCost, type Cost } from '../analysis/cost';

function thresholdOf(text: string): Cost {
  try {
    return parseCost(text);
  } catch {
    return parseCost('O(n log n)');
  }
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
    const threshold = thresholdOf(ctx.settings.complexityWarnAbove);
    const findings: Finding[] = [];
    for (const s of ctx.summaries) {
      if (!isWorseThan(s.cost, threshold)) continue;
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
