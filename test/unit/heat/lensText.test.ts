import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatShare, lensTitleWithMeasure, splitLensTitle, worseThan } from '../../../client/src/heat/lensText';

describe('lens text: Big-O joined with the measured CPU share', () => {
  test('titles are split at the balanced Big-O, low-confidence "?" kept, old measurements dropped', () => {
    assert.deepEqual(splitLensTitle('O(n²) · n = nums.length'), { bigO: 'O(n²)', rest: 'n = nums.length' });
    assert.deepEqual(splitLensTitle('O(m + n)? · n = ms, m = Date.now()'), { bigO: 'O(m + n)?', rest: 'n = ms, m = Date.now()' });
    assert.deepEqual(splitLensTitle('O(1)'), { bigO: 'O(1)', rest: '' });
    assert.deepEqual(splitLensTitle('O(n²) · 41% CPU (1.20 s) · n = a.length'), { bigO: 'O(n²)', rest: 'n = a.length' });
    assert.equal(splitLensTitle('Explain'), undefined);
    assert.equal(splitLensTitle('O(n'), undefined);
  });

  test('"O(n²) · 41% CPU (1.2 s)": the measurement goes right after the Big-O', () => {
    assert.equal(lensTitleWithMeasure('O(n²) · n = nums.length', { percent: 41.2, totalMs: 1200 }), 'O(n²) · 41% CPU (1.2 s) · n = nums.length');
    assert.equal(lensTitleWithMeasure('O(2ⁿ)', { percent: 9.27, totalMs: 187.3 }), 'O(2ⁿ) · 9.3% CPU (187 ms)');
    assert.equal(lensTitleWithMeasure(lensTitleWithMeasure('O(n)', { percent: 50, totalMs: 10 }), { percent: 20, totalMs: 4 }), 'O(n) · 20% CPU (4.0 ms)', 'applied twice, measured once');
    assert.equal(formatShare(0.04), '<0.1%');
    assert.equal(formatShare(0), '0%');
  });

  test('worse than: the engine\'s own comparison (all variables read as one n)', () => {
    assert.equal(worseThan('O(n²)', 'O(n log n)'), true);
    assert.equal(worseThan('O(2ⁿ)', 'O(n log n)'), true);
    assert.equal(worseThan('O(m·n)?', 'O(n log n)'), true);
    assert.equal(worseThan('O(n)', 'O(n log n)'), false);
    assert.equal(worseThan('O(n log n)', 'O(n log n)'), false);
    assert.equal(worseThan('O(m + n)', 'O(n)'), false);
    assert.equal(worseThan('not a cost', 'O(n)'), false, 'unreadable → never warns');
  });
});
