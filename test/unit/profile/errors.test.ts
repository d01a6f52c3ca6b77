import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
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

  test('a Chrome trace without CPU samples says so (a Clinic doctor trace-event file is one)', () => {
    const e = errorOf(() => parseProfile(readText(sharedFixture('clinic-doctor/19875.clinic-doctor/19875.clinic-doctor-traceevent'))));
    assert.equal(e.code, 'not-cpu-profile');
    assert.match(e.message, /Chrome trace \(\d+ events\) without CPU samples/);
    assert.match(e.message, /Profile, ProfileChunk or CpuProfile/);
  });

  test('a gzip file (pprof) is named, not reported as a JSON syntax error at 1:1', () => {
    const bytes = fs.readFileSync(sharedFixture('pprof/speedscope-go-simple.prof'));
    const e = errorOf(() => parseProfile(new TextDecoder().decode(bytes)));
    assert.equal(e.code, 'unsupported-format');
    assert.match(e.message, /gzip-compressed/);
  });

  test('a Firefox (Gecko) profile is recognised and reported as not supported', () => {
    const e = errorOf(() => parseProfile(readText(sharedFixture('firefox-gecko/speedscope-firefox63-simple.json'))));
    assert.equal(e.code, 'unsupported-format');
    assert.match(e.message, /Firefox/);
  });

  test('a parent-link cycle with every sample inside it is an invalid profile, not an empty one or a hang', () => {
    const cycle = {
      nodes: [
        { id: 1, callFrame: { functionName: 'a', scriptId: '1', url: 'file:///a.js', lineNumber: 0, columnNumber: 0 }, children: [2] },
        { id: 2, callFrame: { functionName: 'b', scriptId: '1', url: 'file:///a.js', lineNumber: 5, columnNumber: 0 }, children: [1] },
      ],
      startTime: 0,
      endTime: 3000,
      samples: [1, 2, 2],
      timeDeltas: [1000, 1000, 1000],
    };
    const e = errorOf(() => profileFromJson(cycle));
    assert.equal(e.code, 'invalid-profile');
    assert.match(e.message, /cycle/);
  });

  test('a cycle beside a healthy tree is dropped with a warning; dangling children are reported', () => {
    const p = profileFromJson({
      nodes: [
        { id: 1, callFrame: { functionName: '(root)', scriptId: '0', url: '', lineNumber: -1, columnNumber: -1 }, children: [2, 99] },
        { id: 2, callFrame: { functionName: 'ok', scriptId: '1', url: 'file:///a.js', lineNumber: 0, columnNumber: 0 } },
        { id: 3, callFrame: { functionName: 'x', scriptId: '1', url: 'file:///a.js', lineNumber: 3, columnNumber: 0 }, children: [4] },
        { id: 4, callFrame: { functionName: 'y', scriptId: '1', url: 'file:///a.js', lineNumber: 6, columnNumber: 0 }, children: [3] },
      ],
      startTime: 0,
      endTime: 3000,
      samples: [2, 2, 4],
      timeDeltas: [1000, 1000, 1000],
    });
    assert.equal(p.sampleCount, 2);
    assert.ok(p.warnings.some((w) => /2 node\(s\) are not reachable.*1 sample/.test(w)), p.warnings.join(' | '));
    assert.ok(p.warnings.some((w) => /1 child reference\(s\) point to nodes that do not exist/.test(w)), p.warnings.join(' | '));
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
