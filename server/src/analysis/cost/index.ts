// TEMPORARY STUB (owner: complexity engine work). Public surface of the cost algebra.
export interface Cost {
  /** Polynomial degree in the collapsed single variable (stub). */
  readonly degree: number;
  readonly log: number;
}
export const O1: Cost = { degree: 0, log: 0 };
export function poly(degree: number, log = 0): Cost {
  return { degree, log };
}
export function formatCost(c: Cost, style: 'ascii' | 'unicode' = 'ascii'): string {
  if (c.degree === 0 && c.log === 0) return 'O(1)';
  const parts: string[] = [];
  if (c.degree === 1) parts.push('n');
  else if (c.degree > 1) parts.push(style === 'ascii' ? `n^${c.degree}` : `n${'⁰¹²³⁴⁵⁶⁷⁸⁹'[c.degree] ?? '^' + c.degree}`);
  if (c.log === 1) parts.push('log n');
  return `O(${parts.join(' ')})`;
}
export function parseCost(text: string): Cost {
  const m = /^O\((.*)\)\??$/.exec(text.trim());
  if (!m) throw new Error(`not a cost: ${text}`);
  const body = m[1].replace(/²/g, '^2').replace(/³/g, '^3');
  if (body === '1') return O1;
  const log = /log/.test(body) ? 1 : 0;
  const d = /n\^(\d+)/.exec(body);
  const degree = d ? Number(d[1]) : /n(?! *log)|^n|n /.test(body.replace(/log n/g, '')) ? 1 : 0;
  return { degree, log };
}
/** Is `a` strictly worse than `b` (all size variables read as one n)? */
export function isWorseThan(a: Cost, b: Cost): boolean {
  return a.degree > b.degree || (a.degree === b.degree && a.log > b.log);
}
