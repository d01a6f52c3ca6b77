// The server's young-generation collections in quiet moments (server/src/idleGc.ts): when it
// collects, when it leaves the collection to V8, and that the timer behind touch() does fire.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IdleCollector, youngGenerationFill } from '../../../server/src/idleGc';

type Kind = 'minor' | 'major' | undefined;

function fakeCollector(state: { fill: number; busy: boolean }, idleMs = 1000) {
  const calls: Kind[] = [];
  const collector = new IdleCollector({
    busy: () => state.busy,
    idleMs,
    fill: 0.5,
    gc: (options) => {
      calls.push(options?.type);
    },
    youngFill: () => state.fill,
  });
  return { collector, calls };
}

test('a quiet moment collects the young generation once it is filled past the threshold, and only the young generation', () => {
  const state = { fill: 0.3, busy: false };
  const { collector, calls } = fakeCollector(state);
  assert.equal(collector.check(), false);
  assert.deepEqual(calls, []);
  state.fill = 0.5;
  assert.equal(collector.check(), true);
  state.fill = 0.9;
  assert.equal(collector.check(), true);
  assert.deepEqual(calls, ['minor', 'minor']);
  assert.equal(collector.collections, 2);
  collector.dispose();
});

test('no collection while an analysis is under way: the check waits for the next quiet moment', () => {
  const state = { fill: 0.8, busy: true };
  const { collector, calls } = fakeCollector(state);
  assert.equal(collector.check(), false);
  assert.deepEqual(calls, []);
  state.busy = false;
  assert.equal(collector.check(), true);
  assert.deepEqual(calls, ['minor']);
  collector.dispose();
});

test('without a gc (no --expose-gc) the collector does nothing', () => {
  // (null: as in a server started without --expose-gc, whatever this test process was started with)
  const bare = new IdleCollector({ busy: () => false, gc: null, youngFill: () => 1 });
  assert.equal(bare.enabled, false);
  bare.touch();
  assert.equal(bare.check(), false);
  assert.equal(bare.collections, 0);
  bare.dispose();
});

test('touch() arms a timer that checks once the server has been quiet; touches in between put it off', async () => {
  const state = { fill: 0.9, busy: false };
  const { collector, calls } = fakeCollector(state, 40);
  collector.touch();
  // touched again well within the quiet period: still nothing collected right after
  collector.touch();
  assert.deepEqual(calls, []);
  // (no upper bound on when: only that it comes, on a shared machine)
  const deadline = Date.now() + 10_000;
  while (!calls.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.deepEqual(calls, ['minor']);
  collector.dispose();
});

test('the young generation fill is read from V8 as a fraction', () => {
  const fill = youngGenerationFill();
  assert.ok(fill > 0 && fill <= 1, `fill ${fill}`);
});
