// Lens text: joining a Big-O lens title with a measured CPU share, and comparing Big-O strings.
// PURE (no vscode): unit-tested in test/unit/heat/lensText.test.ts. Big-O strings are read with
// the engine's own cost parser (server/src/analysis/cost, itself pure), so "worse than" means
// exactly what the complexity rule means.
import { isWorseThan, parseCost, type Cost } from '../../../server/src/analysis/cost';

/** "O(n²)? · n = nums.length" → { bigO: "O(n²)", rest: "n = nums.length" }. */
export function splitLensTitle(title: string): { bigO: string; rest: string } | undefined {
  if (!title.startsWith('O(')) return undefined;
  let depth = 0;
  let end = -1;
  for (let i = 1; i < title.length; i++) {
    const c = title[i];
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) {
      end = i + 1;
      break;
    }
  }
  if (end < 0) return undefined;
  let bigO = title.slice(0, end);
  let rest = title.slice(end);
  if (rest.startsWith('?')) {
    bigO += '?';
    rest = rest.slice(1);
  }
  rest = rest.replace(/^\s*·\s*/, '').trim();
  // A measurement appended earlier (lenses can pass through twice): drop it.
  rest = rest.replace(/^[\d.<]+% CPU \([^)]*\)\s*(·\s*)?/, '');
  return { bigO, rest };
}

/** 41 → "41%", 4.12 → "4.1%", 0.04 → "<0.1%". */
export function formatShare(percent: number): string {
  if (percent >= 10) return `${Math.round(percent)}%`;
  if (percent >= 0.1) return `${percent.toFixed(1)}%`;
  return percent > 0 ? '<0.1%' : '0%';
}

/** Short times for lenses: "1.2 s", "187 ms", "4.0 ms". */
export function lensMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 10) return `${Math.round(ms)} ms`;
  return `${ms.toFixed(1)} ms`;
}

export function lensTitleWithMeasure(title: string, fn: { percent: number; totalMs: number }): string {
  const parts = splitLensTitle(title);
  const measure = `${formatShare(fn.percent)} CPU (${lensMs(fn.totalMs)})`;
  if (!parts) return `${title} · ${measure}`;
  return `${parts.bigO} · ${measure}${parts.rest ? ` · ${parts.rest}` : ''}`;
}

function costOf(text: string): Cost | undefined {
  try {
    return parseCost(text.replace(/\?$/, ''));
  } catch {
    return undefined;
  }
}

/** Is `bigO` worse than `threshold` (both as the lenses print them)? false when either cannot be read. */
export function worseThan(bigO: string, threshold: string): boolean {
  const a = costOf(bigO);
  const b = costOf(threshold);
  return a !== undefined && b !== undefined && isWorseThan(a, b);
}

