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

test('SummaryCache entries are per file: replaced by key, counted, forgotten with their file', () => {
  const cache = new SummaryCache();
  const entry = (textKey: string) => ({ textKey, cost: { terms: [] }, evidence: [], confidence: 'high' as const, recursive: false, deps: [], vars: [], fingerprint: textKey });
  cache.set('/a.ts', 'f#0', entry('1'));
  cache.set('/a.ts', 'f#0', entry('2'));
  cache.set('/a.ts', 'g#0', entry('3'));
  cache.set('/a.tsx', 'f#0', entry('4'));
  assert.equal(cache.size, 3);
  assert.equal(cache.get('/a.ts', 'f#0')?.textKey, '2');
  assert.equal(cache.get('/a.tsx', 'f#0')?.textKey, '4');
  assert.equal(cache.get('/a.ts', 'h#0'), undefined);
  cache.forgetFile('/a.ts');
  cache.forgetFile('/missing.ts');
  assert.equal(cache.size, 1);
  assert.equal(cache.get('/a.ts', 'g#0'), undefined);
  assert.equal(cache.get('/a.tsx', 'f#0')?.textKey, '4', 'a file whose name starts like the forgotten one stays');
});
