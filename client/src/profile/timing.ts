// Sample durations from V8 sample timing. PURE.
//
// Convention (as DevTools): sample i lasts from its own timestamp to the next sample's; the last
// sample lasts until the profile's end time (or one typical interval when the end time is
// missing or earlier). Timestamps that go backwards (negative timeDeltas, seen in real profiles)
// are clamped to the previous timestamp (so no duration is negative and nothing is counted
// twice); the cumulative clock stays true, so later samples are not shifted and the total
// still equals the recorded span.

export interface SampleTiming {
  /** Duration of each sample in milliseconds (all ≥ 0). */
  durationsMs: Float64Array;
  /** How many timestamps went backwards and were clamped. */
  backwards: number;
}

function finish(ts: Float64Array, count: number, endUs: number | undefined, extraEndUs?: number): SampleTiming {
  let backwards = 0;
  // Clamp to monotone.
  for (let i = 1; i < ts.length; i++) {
    if (ts[i] < ts[i - 1]) {
      ts[i] = ts[i - 1];
      backwards++;
    }
  }
  const durationsMs = new Float64Array(count);
  for (let i = 0; i + 1 < count; i++) durationsMs[i] = (ts[i + 1] - ts[i]) / 1000;
  if (count > 0) {
    const last = ts[count - 1];
    let lastUs = NaN;
    if (extraEndUs !== undefined && Number.isFinite(extraEndUs) && extraEndUs >= last) lastUs = extraEndUs - last;
    else if (endUs !== undefined && Number.isFinite(endUs) && endUs > last) lastUs = endUs - last;
    const typical = typicalIntervalUs(ts, count);
    if (!Number.isFinite(lastUs) || lastUs > 10 * typical) lastUs = typical;
    durationsMs[count - 1] = lastUs / 1000;
  }
  return { durationsMs, backwards };
}

/** Median of the positive intervals (µs); 1000 µs (V8's default) when there are none. */
function typicalIntervalUs(ts: Float64Array, count: number): number {
  // A strided sample of at most ~20 000 gaps is plenty for a median (long recordings have millions).
  const stride = Math.max(1, Math.floor(count / 20000));
  const gaps: number[] = [];
  for (let i = 0; i + 1 < count; i += stride) if (ts[i + 1] > ts[i]) gaps.push(ts[i + 1] - ts[i]);
  if (!gaps.length) return 1000;
  gaps.sort((a, b) => a - b);
  return gaps[gaps.length >> 1];
}

/** `.cpuprofile`: `timeDeltas[i]` is the time since sample i-1 (for i = 0, since `startTime`), in µs. */
export function timingFromDeltas(timeDeltas: ArrayLike<unknown>, count: number, startUs: number, endUs: number | undefined): SampleTiming {
  const ts = new Float64Array(count);
  let t = Number.isFinite(startUs) ? startUs : 0;
  for (let i = 0; i < count; i++) {
    const d = Number(timeDeltas[i]);
    if (Number.isFinite(d)) t += d;
    ts[i] = t;
  }
  return finish(ts, count, Number.isFinite(startUs) ? endUs : undefined);
}

/** Legacy profiles: absolute timestamps in µs; a timestamp past the last sample is taken as its end. */
export function timingFromTimestamps(timestamps: ArrayLike<unknown>, count: number, endUs: number | undefined): SampleTiming {
  const ts = new Float64Array(count);
  let prev = 0;
  for (let i = 0; i < count; i++) {
    const v = Number(timestamps[i]);
    ts[i] = Number.isFinite(v) ? v : prev;
    prev = ts[i];
  }
  const extra = timestamps.length > count ? Number(timestamps[count]) : undefined;
  return finish(ts, count, endUs, extra);
}
