import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProfile, profileFromJson } from '../../../client/src/profile/index';
import { deepFreeze, localFixture, readText, sharedFixture } from './fixtures';

describe('legacy "head" tree CPU profiles', () => {
  test('v8-profiler-next (0x example): 1-based lineNumber and lineTicks become 0-based lines', () => {
    const text = readText(sharedFixture('cpuprofile-legacy/0x-example-v8-profiler-next-head-format.cpuprofile'));
    const raw = JSON.parse(text);
    const p = parseProfile(text);
    assert.equal(p.format, 'cpuprofile-legacy');
    assert.equal(p.sampleCount, raw.samples.length);
    const url = '/Users/dave/code/0x/examples/cpu-profiler/node_modules/koa/lib/response.js';
    // "set status" has lineNumber 83 (1-based) → 82; its lineTicks name lines 87, 90, 91 (1-based).
    const setStatus = p.functions.find((f) => f.functionName === 'set status' && f.url === url)!;
    assert.equal(setStatus.line, 82);
    const lines = new Set(p.files.get(url)!.lines.map((l) => l.line));
    for (const l of [86, 89, 90]) assert.ok(lines.has(l), `0-based line ${l} has heat`);
    // Time from absolute µs timestamps (startTime/endTime are whole seconds in this file).
    const spanMs = (raw.timestamps[raw.timestamps.length - 1] - raw.timestamps[0]) / 1000;
    assert.ok(Math.abs(p.durationMs - spanMs) < 5, `${p.durationMs} vs ${spanMs}`);
    const sumSelf = p.nodes.reduce((s, n) => s + n.selfMs, 0);
    assert.ok(Math.abs(sumSelf - p.durationMs) < 1e-6);
    // Native frames (url "", lineNumber 0) have no line.
    const native = p.functions.find((f) => f.functionName === 'writeUtf8String')!;
    assert.equal(native.kind, 'native');
    assert.equal(native.line, -1);
  });

  test('v8-profiler-node8 example: one more timestamp than samples gives the last sample its end', () => {
    const text = readText(localFixture('speedscope-node10-v8-profiler-node8-head-format.cpuprofile'));
    const raw = deepFreeze(JSON.parse(text));
    assert.equal(raw.timestamps.length, raw.samples.length + 1);
    const p = profileFromJson(raw);
    const expected = (raw.timestamps[raw.timestamps.length - 1] - raw.timestamps[0]) / 1000;
    assert.ok(Math.abs(p.durationMs - expected) < 1e-9, `${p.durationMs} vs ${expected}`);
    const d = p.functions.find((f) => f.functionName === 'd')!;
    assert.equal(d.line, 12); // lineNumber 13, 1-based
    assert.equal(d.sampleCount, 28);
  });
});
