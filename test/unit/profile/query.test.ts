import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { busyMs, parseProfile, runJobAsync, CancelledError, topCallers } from '../../../client/src/profile/index';
import { toPayload } from '../../../client/src/editor/payload';
import { localFixture, readText } from './fixtures';

const p = parseProfile(readText(localFixture('node20-cpu-prof-workload.cpuprofile')));
const id = (name: string) => p.functions.find((f) => f.functionName === name && f.url.endsWith('workload.js'))!.id;

describe('queries used by the hover, lenses and editor', () => {
  test('top callers: main calls buildStrings; fib\'s recursion is not its own caller', () => {
    const bs = topCallers(p, id('buildStrings'));
    assert.deepEqual(bs.map((c) => p.functions[c.fn].functionName), ['main']);
    assert.ok(Math.abs(bs[0].ms - p.functions[id('buildStrings')].totalMs) < 1e-6);
    const fib = topCallers(p, id('fib'));
    assert.deepEqual(fib.map((c) => p.functions[c.fn].functionName), ['main']);
    assert.ok(Math.abs(fib[0].ms - p.functions[id('fib')].totalMs) < 1e-6, 'recursive calls are counted once');
  });

  test('busy time excludes (idle)', () => {
    assert.ok(Math.abs(busyMs(p) - (p.durationMs - p.idleMs)) < 1e-9);
    assert.ok(p.idleMs > 0);
  });

  test('the editor payload: pre-order tree, parents before children, names are plain data', () => {
    const payload = toPayload('w', p);
    assert.equal(payload.format, 'V8 CPU profile');
    assert.equal(payload.precision, 'lines');
    const { tree } = payload;
    for (let i = 0; i < tree.fn.length; i++) assert.ok(tree.parent[i] < i, `parent of ${i} comes first`);
    const root = tree.totalMs[0];
    assert.ok(Math.abs(root - p.durationMs) < 1e-6);
    assert.equal(payload.functions.find((f) => f.name === 'fib')?.location, 'workload.js:5');
  });

  test('I/O jobs stop when cancelled', async () => {
    function* job() {
      yield { op: 'read' as const, path: 'a' };
      yield { op: 'read' as const, path: 'b' };
      return 1;
    }
    let reads = 0;
    await assert.rejects(
      runJobAsync(job(), () => {
        reads++;
        return 'x';
      }, () => reads >= 1),
      CancelledError,
    );
    assert.equal(reads, 1);
  });
});
