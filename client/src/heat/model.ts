// Heat bucketing: line self time → one of HEAT_BUCKETS colour levels. PURE (no vscode).
// Log-scaled relative to the hottest line of the whole profile, so colours mean the same in
// every file. Lines colder than `floorRatio` × hottest get no decoration at all.

export const HEAT_BUCKETS = 6;

export interface HeatScale {
  /** Self time of the hottest line (ms). */
  maxMs: number;
  /** Lines with less self time than this (ms) are not shaded. */
  floorMs: number;
}

export interface HeatOptions {
  /** Fraction of the hottest line below which a line is not shaded (default 1/1000). */
  floorRatio?: number;
}

export const DEFAULT_FLOOR_RATIO = 0.001;

export function heatScale(maxMs: number, options: HeatOptions = {}): HeatScale {
  const ratio = options.floorRatio ?? DEFAULT_FLOOR_RATIO;
  const safeMax = Number.isFinite(maxMs) && maxMs > 0 ? maxMs : 0;
  return { maxMs: safeMax, floorMs: safeMax * Math.min(1, Math.max(0, ratio)) };
}

/** Bucket 0 (coolest shaded) … HEAT_BUCKETS-1 (hottest), or undefined for "no decoration". */
export function heatBucket(ms: number, scale: HeatScale): number | undefined {
  if (!(ms > 0) || scale.maxMs <= 0 || ms < scale.floorMs) return undefined;
  if (ms >= scale.maxMs) return HEAT_BUCKETS - 1;
  const lo = scale.floorMs > 0 ? scale.floorMs : scale.maxMs / 1000;
  if (ms <= lo) return 0;
  const t = Math.log(ms / lo) / Math.log(scale.maxMs / lo); // 0..1
  return Math.max(0, Math.min(HEAT_BUCKETS - 1, Math.floor(t * HEAT_BUCKETS)));
}

/** Lines (0-based) with their bucket, sorted by line; unshaded lines are left out. */
export function bucketLines(lines: ReadonlyArray<{ line: number; selfMs: number }>, scale: HeatScale): Array<{ line: number; bucket: number }> {
  const out: Array<{ line: number; bucket: number }> = [];
  for (const l of lines) {
    const bucket = heatBucket(l.selfMs, scale);
    if (bucket !== undefined && l.line >= 0) out.push({ line: l.line, bucket });
  }
  return out.sort((a, b) => a.line - b.line);
}

/** Groups bucketed lines by bucket: `result[k]` = lines of bucket k (every bucket present, maybe empty). */
export function linesByBucket(lines: ReadonlyArray<{ line: number; bucket: number }>): number[][] {
  const out: number[][] = Array.from({ length: HEAT_BUCKETS }, () => []);
  for (const l of lines) out[l.bucket].push(l.line);
  return out;
}
