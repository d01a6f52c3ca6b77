import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bucketLines, HEAT_BUCKETS, heatBucket, heatScale, linesByBucket } from '../../../client/src/heat/model';
import { parseProfile } from '../../../client/src/profile/index';
import { localFixture, readText } from '../profile/fixtures';

describe('heat bucketing', () => {
  test('the hottest line gets the top bucket; zero, negative and sub-floor times get none', () => {
    const s = heatScale(500);
    assert.equal(heatBucket(500, s), HEAT_BUCKETS - 1);
    assert.equal(heatBucket(0, s), undefined);
    assert.equal(heatBucket(-3, s), undefined);
    assert.equal(heatBucket(NaN, s), undefined);
    assert.equal(heatBucket(0.4, s), undefined); // below 500/1000
    assert.equal(heatBucket(0.5, s), 0);
    assert.equal(heatBucket(1, heatScale(0)), undefined, 'an empty profile shades nothing');
  });

  test('buckets are log-scaled and never decrease as time grows', () => {
    const s = heatScale(1000);
    let prev = -1;
    const seen = new Set<number>();
    for (let ms = 1; ms <= 1000; ms *= 1.1) {
      const b = heatBucket(ms, s)!;
      assert.ok(b >= prev, `bucket(${ms}) = ${b} < ${prev}`);
      prev = b;
      seen.add(b);
    }
    assert.equal(seen.size, HEAT_BUCKETS, 'every bucket is used across three decades');
    // Log scale over three decades: each 10× step is two buckets (a linear scale would put 100 in bucket 0).
    assert.deepEqual([1, 10, 100, 999].map((ms) => heatBucket(ms, s)), [0, 2, 4, 5]);
  });

  test('the floor ratio is configurable', () => {
    assert.equal(heatBucket(5, heatScale(100, { floorRatio: 0.1 })), undefined);
    assert.equal(heatBucket(5, heatScale(100, { floorRatio: 0.01 })), 2); // log(5)/log(100) of the way up
  });

  test('workload profile: fib (0-based 4-6) and the sumSquares loop body (0-based 12) are shaded; parts.join is hottest', () => {
    const p = parseProfile(readText(localFixture('node20-cpu-prof-workload.cpuprofile')));
    const file = p.files.get('file:///srv/gen/app/workload.js')!;
    const lines = bucketLines(file.lines, heatScale(p.maxLineMs));
    const at = new Map(lines.map((l) => [l.line, l.bucket]));
    for (const l of [4, 5, 6, 12]) assert.ok(at.has(l), `line ${l} shaded`);
    assert.equal(at.get(22), HEAT_BUCKETS - 1);
    assert.ok(at.get(12)! > at.get(11)!, 'the loop body is hotter than the loop header');
    assert.ok(!at.has(13) && !at.has(7), 'closing braces are not shaded');
    const groups = linesByBucket(lines);
    assert.equal(groups.length, HEAT_BUCKETS);
    assert.equal(groups.flat().length, lines.length);
    assert.ok(groups[HEAT_BUCKETS - 1].includes(22));
  });
});
