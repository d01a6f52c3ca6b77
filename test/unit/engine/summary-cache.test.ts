// The summary cache lives as long as the language server: what it records must stay bounded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SummaryCache } from '../../../server/src/analysis/complexity/cache';

test('SummaryCache keeps counting recomputations but records only the latest keys', () => {
  const cache = new SummaryCache();
  const n = SummaryCache.MAX_RECORDED + 500;
  for (let i = 0; i < n; i++) cache.noteRecomputed(`f${i}#0`);
  assert.equal(cache.recomputations, n);
  assert.equal(cache.recomputed.length, SummaryCache.MAX_RECORDED);
  assert.equal(cache.recomputed[0], `f${n - SummaryCache.MAX_RECORDED}#0`);
  assert.equal(cache.recomputed.at(-1), `f${n - 1}#0`);
  cache.resetCounters();
  assert.deepEqual([cache.recomputations, cache.recomputed.length], [0, 0]);
});
