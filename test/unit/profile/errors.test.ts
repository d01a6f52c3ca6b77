import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { locateJsonError, parseJsonText, parseProfile, profileFromJson, ProfileError } from '../../../client/src/profile/index';
import { localFixture, readText, sharedFixture } from './fixtures';

function errorOf(fn: () => unknown): ProfileError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ProfileError, `expected a ProfileError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an error');
}

describe('bad input gives typed errors with useful messages', () => {
  test('an empty file', () => {
    const e = errorOf(() => parseProfile('  \n\t'));
    assert.equal(e.code, 'empty-file');
    assert.match(e.message, /empty/);
  });

  test('not JSON: the message says the line and column where it broke', () => {
    const e = errorOf(() => parseProfile('{\n  "nodes": [1,\n    2,, 3]\n}'));
    assert.equal(e.code, 'not-json');
    assert.deepEqual([e.details.position?.line, e.details.position?.column], [3, 7]);
    assert.match(e.message, /line 3, column 7/);
  });

  test('a truncated real profile says that the file ends too early', () => {
    const text = readText(localFixture('node20-cpu-prof-workload.cpuprofile'));
    const e = errorOf(() => parseProfile(text.slice(0, 5000)));
    assert.equal(e.code, 'not-json');
    assert.match(e.message, /ends before the closing/);
    assert.equal(e.details.position?.offset, 5000);
  });

  test('plain text (e.g. a log file) is reported at line 1, column 1', () => {
    const e = errorOf(() => parseProfile('Profiler started\nsomething'));
    assert.equal(e.code, 'not-json');
    assert.match(e.message, /line 1, column 1/);
  });

  test('a heap snapshot is recognised by snapshot/nodes/strings', () => {
    const heap = { snapshot: { meta: { node_fields: ['type', 'name'] }, node_count: 2 }, nodes: [0, 1, 0, 2], edges: [], strings: ['', 'a', 'b'] };
    const e = errorOf(() => profileFromJson(heap));
    assert.equal(e.code, 'not-cpu-profile');
    assert.match(e.message, /heap snapshot/);
    assert.match(e.message, /"snapshot", "nodes" and "strings"/);
  });

  test('a real Chrome trace is recognised by traceEvents (not importable yet)', () => {
    const trace = readText(sharedFixture('chrome-trace/speedscope-chrome141-no-arg-data.json'));
    const e = errorOf(() => parseProfile(trace));
    assert.equal(e.code, 'unsupported-format');
    assert.match(e.message, /traceEvents/);
  });

  test('an array-form trace is recognised too', () => {
    const e = errorOf(() => parseProfile(readText(sharedFixture('chrome-trace/speedscope-chrome69-simple-array-form.json'))));
    assert.equal(e.code, 'unsupported-format');
    assert.match(e.message, /Chrome trace/);
  });

  test('other JSON names its top-level keys', () => {
    const e = errorOf(() => profileFromJson({ name: 'x', version: 1 }));
    assert.equal(e.code, 'not-cpu-profile');
    assert.match(e.message, /"name", "version"/);
  });

  test('an empty CPU profile (no nodes, or no samples and no hits)', () => {
    assert.equal(errorOf(() => profileFromJson({ nodes: [], startTime: 0, endTime: 0, samples: [], timeDeltas: [] })).code, 'empty-profile');
    const noHits = {
      nodes: [{ id: 1, callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 }, hitCount: 0, children: [] }],
      startTime: 0,
      endTime: 10,
      samples: [],
      timeDeltas: [],
    };
    const e = errorOf(() => profileFromJson(noHits));
    assert.equal(e.code, 'empty-profile');
    assert.match(e.message, /no samples/);
  });

  test('samples pointing nowhere are an invalid profile, not a crash', () => {
    const p = {
      nodes: [{ id: 1, callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 }, children: [] }],
      startTime: 0,
      endTime: 10,
      samples: [9, 9],
      timeDeltas: [1, 1],
    };
    assert.equal(errorOf(() => profileFromJson(p)).code, 'invalid-profile');
  });
});

describe('JSON error locator', () => {
  test('agrees with JSON.parse on valid input and finds common mistakes', () => {
    assert.equal(locateJsonError('{"a":[1,2,{"b":null}],"c":"\\u00e9"}'), undefined);
    assert.equal(locateJsonError('[1,2,]')?.reason, 'trailing comma before ]');
    assert.equal(locateJsonError('{"a":1,}')?.reason, 'trailing comma before }');
    assert.equal(locateJsonError("{'a':1}")?.offset, 1);
    assert.equal(locateJsonError('{"a" 1}')?.reason, "expected ':' after a property name");
    assert.equal(locateJsonError('[1] [2]')?.offset, 4);
    assert.equal(locateJsonError('"abc')?.reason, 'a string is not closed');
  });

  test('a BOM is accepted', () => {
    assert.deepEqual(parseJsonText('\ufeff{"a":1}'), { a: 1 });
  });
});
