// Every importer on the real files in ../shared/fixtures/profiles (see SOURCES.md there), plus
// synthetic cases for what the real files do not show (thread switching, broken graphs).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  importChromeTrace,
  openProfileJob,
  parseCallTree,
  parseProfile,
  parseV8FrameName,
  profileFromJson,
  profileFromTree,
  ProfileError,
  runJobSync,
  type IoReply,
  type IoRequest,
  type Profile,
  withInlineImport,
} from '../../../client/src/profile/index';
import { deepFreeze, readText, sharedFixture } from './fixtures';

const fn = (p: Profile, name: string, urlPart = '') => p.functions.find((f) => f.functionName === name && f.url.includes(urlPart) && f.kind === 'js');
const lineHeat = (p: Profile, urlPart: string) => {
  const out = new Map<number, number>();
  for (const f of p.files.values()) if (f.url.includes(urlPart)) for (const l of f.lines) out.set(l.line + 1, (out.get(l.line + 1) ?? 0) + l.selfMs);
  return out;
};

/** node:fs adapter for open jobs in tests. */
const fsHandle = (r: IoRequest): IoReply => {
  switch (r.op) {
    case 'stat':
      try {
        const s = fs.statSync(r.path);
        return { type: s.isDirectory() ? 'dir' : 'file', size: s.size };
      } catch {
        return undefined;
      }
    case 'list':
      return fs.readdirSync(r.path);
    case 'read':
      return fs.readFileSync(r.path, 'utf8');
    default:
      return undefined;
  }
};
const open = (rel: string, thread?: string) => profileFromTree(runJobSync(openProfileJob(sharedFixture(rel), { thread }), withInlineImport(fsHandle)).tree);

function errorOf(fn: () => unknown): ProfileError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ProfileError, `expected a ProfileError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an error');
}

describe('Chrome trace importer (5 real traces)', () => {
  test('Lighthouse M86 ({traceEvents}, 503 ProfileChunks, lines[]): per-line heat on the stalling function', () => {
    const p = open('chrome-trace/lighthouse-cpu-profiler-m86.trace.json');
    assert.equal(p.format, 'chrome-trace');
    assert.equal(p.precision, 'lines');
    assert.ok(p.sampleCount > 50000, String(p.sampleCount));
    assert.equal(p.threads.length, 1);
    assert.match(p.threads[0].label, /CrRendererMain/);
    const stall = fn(p, 'window.library.stall')!;
    assert.ok(stall.selfMs > 0.5 * (p.durationMs - p.idleMs), 'the stall loop is most of the busy time');
    const h = lineHeat(p, 'tricky-main-thread-library.js');
    const hot = [...h].sort((a, b) => b[1] - a[1])[0];
    assert.ok(hot[0] > stall.line + 1, `the hottest line (${hot[0]}) is inside the function body (starts ${stall.line + 1})`);
  });

  test('Chrome 116 object form: nodes spread over chunks with parents; alpha → beta/delta → gamma', () => {
    const p = open('chrome-trace/speedscope-chrome116-Trace-20230603T221323.json');
    for (const name of ['alpha', 'beta', 'gamma', 'delta']) assert.ok(fn(p, name, 'simple.js'), name);
    assert.equal(fn(p, 'alpha', 'simple.js')!.line + 1, 1);
    assert.ok(fn(p, 'alpha', 'simple.js')!.totalMs >= fn(p, 'beta', 'simple.js')!.totalMs);
    assert.ok(p.idleMs > 0, '(idle) is recognised');
  });

  test('Chrome 141: lines[] + columns[], two Profile ids, ProfileChunks without args.data', () => {
    const p = open('chrome-trace/speedscope-chrome141-no-arg-data.json');
    assert.equal(p.precision, 'lines');
    assert.ok(p.warnings.some((w) => /carry no data/.test(w)), p.warnings.join(' | '));
    // Columns travel with the line weights (for source maps of minified bundles).
    const tree = parseCallTree(readText(sharedFixture('chrome-trace/speedscope-chrome141-no-arg-data.json')));
    assert.ok(tree.nodes.some((n) => n.lines?.columns?.some((c) => c > 1000)), 'large 0-based columns of a minified bundle are kept');
  });

  test('Chrome 69 bare array form without lines[]: function-level heat, numeric scriptIds', () => {
    const p = open('chrome-trace/speedscope-chrome69-simple-array-form.json');
    assert.equal(p.precision, 'functions');
    assert.ok(p.notes.some((n) => /no per-sample line numbers/.test(n)));
    assert.ok(fn(p, 'gamma', 'simple.js'));
    assert.ok(p.functions.every((f) => typeof f.scriptId === 'string'));
  });

  test('the older single CpuProfile event (children, not parents)', () => {
    const p = open('chrome-trace/firefox-profiler-chrome-unchunked-CpuProfile-event.json');
    assert.equal(p.format, 'chrome-trace');
    assert.equal(p.sampleCount, 20);
    assert.ok(fn(p, 'updateMatrixWorld'));
    assert.match(p.threads[0].label, /CrRendererMain/);
  });

  const chunk = (pid: number, tid: number, id: string, nodes: unknown[], samples: number[], deltas: number[], lines?: number[]) => ({
    name: 'ProfileChunk', ph: 'P', pid, tid, id, ts: 1, args: { data: { cpuProfile: { nodes, samples }, timeDeltas: deltas, ...(lines ? { lines } : {}) } },
  });
  const node = (id: number, name: string, parent?: number, line = 0) => ({ id, ...(parent !== undefined ? { parent } : {}), callFrame: { functionName: name, url: name.startsWith('(') ? '' : 'file:///app/w.js', scriptId: 7, lineNumber: name.startsWith('(') ? -1 : line, columnNumber: 0 } });
  const twoThreads = deepFreeze([
    { name: 'thread_name', ph: 'M', pid: 1, tid: 10, args: { name: 'CrRendererMain' } },
    { name: 'thread_name', ph: 'M', pid: 1, tid: 20, args: { name: 'DedicatedWorker thread' } },
    { name: 'Profile', ph: 'P', pid: 1, tid: 10, id: '0x1', ts: 0, args: { data: { startTime: 1000 } } },
    { name: 'Profile', ph: 'P', pid: 1, tid: 20, id: '0x2', ts: 0, args: { data: { startTime: 1000 } } },
    // main: mostly idle; nodes of one profile arrive over two chunks
    chunk(1, 99, '0x1', [node(1, '(root)'), node(2, '(idle)', 1)], [2, 2, 2], [100, 1000, 1000]),
    chunk(1, 99, '0x1', [node(3, 'main', 1, 4)], [3, 2], [1000, 1000], [6, 0]),
    // worker: busy
    chunk(1, 98, '0x2', [node(1, '(root)'), node(2, 'work', 1, 10), node(3, 'inner', 2, 20)], [3, 3, 3, 2], [100, 1000, 1000, 1000], [22, 22, 23, 12]),
  ]);

  test('several threads: the busiest is imported, the others can be picked; nodes across chunks join', () => {
    const p = profileFromJson(twoThreads);
    assert.deepEqual(p.threads.map((t) => t.label), ['CrRendererMain (pid 1)', 'DedicatedWorker thread (pid 1)']);
    assert.equal(p.thread, '1:0x2', 'the worker is busier than the idle main thread');
    assert.equal(fn(p, 'inner')!.totalMs, fn(p, 'inner')!.selfMs);
    assert.deepEqual([...lineHeat(p, 'w.js').keys()].sort((a, b) => a - b), [12, 22, 23], '1-based lines[] → 0-based lines');
    const main = profileFromJson(twoThreads, { thread: '1:0x1' });
    assert.equal(main.thread, '1:0x1');
    assert.ok(fn(main, 'main'), 'a node from the second chunk has its parent from the first');
    assert.ok(main.idleMs > 1.5);
    assert.deepEqual([...lineHeat(main, 'w.js').keys()], [6]);
    const unknown = profileFromJson(twoThreads, { thread: 'nope' });
    assert.ok(unknown.warnings.some((w) => /no profile "nope"/.test(w)));
  });

  test('dangling parents, a parent cycle and samples naming unknown nodes end in warnings, never exceptions', () => {
    const events = [
      { name: 'Profile', ph: 'P', pid: 1, tid: 1, id: '0x1', ts: 0, args: { data: { startTime: 0 } } },
      chunk(1, 1, '0x1', [node(1, '(root)'), node(2, 'a', 1, 1), node(3, 'b', 77, 2), node(4, 'c', 5, 3), node(5, 'd', 4, 4)], [2, 2, 3, 4, 42], [1000, 1000, 1000, 1000, 1000]),
    ];
    const p = profileFromJson(events);
    assert.ok(p.warnings.some((w) => /name a parent that does not exist/.test(w)), p.warnings.join(' | '));
    assert.ok(p.warnings.some((w) => /not reachable/.test(w)), p.warnings.join(' | '));
    assert.ok(p.warnings.some((w) => /name nodes that do not exist/.test(w)), p.warnings.join(' | '));
    assert.ok(fn(p, 'a'));
  });

  test('a trace without CPU profile events, and one whose profiles have no samples, say so', () => {
    assert.match(errorOf(() => importChromeTrace({ traceEvents: [{ name: 'V8.GC', ph: 'X', ts: 1, pid: 1, tid: 1 }] })).message, /without CPU samples/);
    assert.equal(errorOf(() => importChromeTrace([{ name: 'Profile', ph: 'P', pid: 1, tid: 1, id: '0x1', ts: 0, args: { data: { startTime: 0 } } }])).code, 'empty-profile');
  });
});

describe('Clinic.js flame and 0x (ticks: function starts only, no timestamps)', () => {
  test('a .clinic-flame folder: per-function time from its samples; fib starts on line 5', () => {
    const p = open('clinic-flame/19192.clinic-flame');
    assert.equal(p.format, 'clinic-flame');
    assert.equal(p.precision, 'functions');
    assert.equal(p.estimatedTimes, true);
    assert.ok(p.notes.some((n) => /no line positions/.test(n)), p.notes.join(' | '));
    const fib = fn(p, 'fib', 'workload.js')!;
    assert.equal(fib.url, '/srv/gen/app/workload.js');
    assert.equal(fib.line + 1, 5);
    assert.equal(fn(p, 'sumSquares', 'workload.js')!.line + 1, 10);
    assert.equal(fn(p, 'buildStrings', 'workload.js')!.line + 1, 18);
    // buildStrings dominates, as in every other recording of this workload.
    const top = p.functions.filter((f) => f.url.endsWith('workload.js')).sort((a, b) => b.selfMs - a.selfMs)[0];
    assert.equal(top.functionName, 'buildStrings');
    // Function-level heat sits on the declaration lines.
    const h = lineHeat(p, 'workload.js');
    for (const l of [5, 10, 18]) assert.ok((h.get(l) ?? 0) > 0, `line ${l}: ${JSON.stringify([...h])}`);
    assert.equal(p.sampleCount, JSON.parse(readText(sharedFixture('clinic-flame/19192.clinic-flame/19192.clinic-flame-samples'))).length);
  });

  test('the -samples file alone, and the parent folder, open the same way', () => {
    const file = open('clinic-flame/19192.clinic-flame/19192.clinic-flame-samples');
    assert.equal(file.format, 'clinic-flame');
    const parent = open('clinic-flame');
    assert.equal(parent.format, 'clinic-flame');
    assert.equal(parent.sampleCount, file.sampleCount);
  });

  test('Clinic doctor (folder, its parent folder, or one of its files) gets a clear "no code positions" answer', () => {
    for (const rel of ['clinic-doctor/19875.clinic-doctor', 'clinic-doctor', 'clinic-doctor/19875.clinic-doctor/19875.clinic-doctor-traceevent']) {
      const e = errorOf(() => open(rel));
      assert.equal(e.code, 'not-cpu-profile', rel);
      assert.match(e.message, /doctor data has no code positions; use|doctor data has no code positions/, rel);
      assert.match(e.message, /clinic flame/);
    }
  });

  test('0x ticks.json: function starts only; optimised and unoptimised code of one function are merged', () => {
    const p = open('0x/25891.0x/ticks.json');
    assert.equal(p.format, '0x');
    assert.equal(p.precision, 'functions');
    const fib = p.functions.filter((f) => f.functionName === 'fib' && f.url.endsWith('workload.js'));
    assert.equal(fib.length, 1);
    assert.equal(fib[0].line + 1, 5);
    assert.ok(fn(p, 'buildStrings')!.selfMs > fn(p, 'fib')!.selfMs);
  });

  test('a 0x folder opens its raw V8 log: real tick times and per-line heat (parts.join, line 23, hottest)', () => {
    const p = open('0x/25891.0x');
    assert.equal(p.format, '0x');
    assert.equal(p.precision, 'lines');
    assert.equal(p.estimatedTimes, false);
    const log = readText(sharedFixture('0x/25891.0x/isolate-0x3c65f750-25891-25891-v8.log'));
    assert.equal(p.sampleCount, log.split('\n').filter((l) => l.startsWith('tick,')).length);
    // Tick times (µs) give the duration: about 1.1 ms per tick.
    assert.ok(p.durationMs > p.sampleCount * 0.9 && p.durationMs < p.sampleCount * 1.5, `${p.durationMs} ms for ${p.sampleCount} ticks`);
    assert.equal(fn(p, 'fib', 'workload.js')!.line + 1, 5);
    const h = [...lineHeat(p, 'workload.js')].sort((a, b) => b[1] - a[1]).map(([l]) => l);
    assert.deepEqual(h.slice(0, 2), [23, 21], `hottest workload.js lines: ${h.slice(0, 6)}`);
    const sum = [...lineHeat(p, 'workload.js')].filter(([l]) => l >= 11 && l <= 15);
    assert.ok(sum.length > 0, 'sumSquares has heat inside its body');
    const fibLines = [...lineHeat(p, 'workload.js')].filter(([l]) => l >= 5 && l <= 7).map(([l]) => l);
    assert.ok(fibLines.includes(7), `fib's recursive line 7 has heat: ${fibLines}`);
  });

  test('a V8 log: escaped fields, moved and deleted code, GC and unresolved ticks', () => {
    const log = [
      'v8-version,11,3,244,8,-node.38,0',
      'shared-library,/usr/bin/node,0x400000,0x500000,0',
      String.raw`script-source,7,/app/a\x2Cb.js,function f() {\n  let x = 0\n  x++\n}\n`,
      String.raw`code-creation,JS,10,100,0x1000,100,f /app/a\x2Cb.js:1:11,0x9000,~`,
      'code-source-info,0x1000,7,0,40,C0O17C20O29,,',
      'tick,0x1015,1000,0,0x0,0',
      'code-move,0x1000,0x2000',
      'tick,0x2005,2000,0,0x0,0',
      'tick,0x410000,3000,0,0x0,6,0x2016',
      'tick,0x0,4000,0,0x0,1,0x2016',
      'code-delete,0x2000',
      'tick,0x2005,5000,0,0x0,0',
      'garbage line',
    ].join('\n');
    const p = profileFromTree(parseCallTree(log));
    assert.equal(p.format, '0x');
    const f = fn(p, 'f')!;
    assert.equal(f.url, '/app/a,b.js');
    assert.equal(f.line, 0);
    assert.equal(p.sampleCount, 5);
    const h = lineHeat(p, 'a,b.js');
    assert.deepEqual([...h.keys()].sort(), [2, 3], `lines 2 (let x = 0, offset 17) and 3 (x++, offset 29): ${JSON.stringify([...h])}`);
    assert.ok(p.functions.some((x) => x.functionName === 'node [native]'), 'a pc in a shared library is a native frame');
    assert.ok(p.functions.some((x) => x.functionName === '(garbage collector)'));
    assert.ok(p.functions.some((x) => x.functionName === '(program)'), 'a tick in deleted code has no frame');
  });

  test('V8 frame names: anonymous, URLs, spaces in Windows paths', () => {
    assert.deepEqual(parseV8FrameName('fib /srv/gen/app/workload.js:5:14'), { functionName: 'fib', file: '/srv/gen/app/workload.js', line: 5, column: 14 });
    assert.deepEqual(parseV8FrameName(' node:internal/main/run_main_module:1:1'), { functionName: '', file: 'node:internal/main/run_main_module', line: 1, column: 1 });
    assert.deepEqual(parseV8FrameName('Module._load node:internal/modules/cjs/loader:1003:24')?.functionName, 'Module._load');
    assert.deepEqual(parseV8FrameName('go C:\\My Files\\a.js:2:3'), { functionName: 'go', file: 'C:\\My Files\\a.js', line: 2, column: 3 });
    assert.deepEqual(parseV8FrameName('get size file:///x/a.js:9:1'), { functionName: 'get size', file: 'file:///x/a.js', line: 9, column: 1 });
    assert.equal(parseV8FrameName('/usr/lib/libc.so.6'), undefined);
  });
});

describe('speedscope importer', () => {
  test('an evented export of the workload profile: function starts are 1-based (fib line 5)', () => {
    const p = open('speedscope/node20-workload-exported.speedscope.json');
    assert.equal(p.format, 'speedscope');
    assert.equal(p.precision, 'functions');
    const fib = fn(p, 'fib', 'workload.js')!;
    assert.equal(fib.line + 1, 5);
    assert.equal(fib.column, 13, 'col 14 (1-based) = the 0-based "(" at 13');
    assert.ok(Math.abs(p.durationMs - 2021.5) < 25, `≈ the 2 s recording (${p.durationMs} ms)`);
    const bs = fn(p, 'buildStrings', 'workload.js')!;
    assert.ok(bs.selfMs > 1000, String(bs.selfMs));
  });

  test('sampled profiles, activeProfileIndex, and switching to the other profile', () => {
    const text = readText(sharedFixture('speedscope/speedscope-0.6.0-two-sampled.speedscope.json'));
    const p = parseProfile(text);
    assert.equal(p.thread, '1', 'activeProfileIndex 1');
    assert.deepEqual(p.threads.map((t) => t.id), ['0', '1']);
    assert.equal(p.durationMs, 14000, 'weights 1+1+4+3+5 seconds');
    const other = parseProfile(text, { thread: '0' });
    assert.equal(other.thread, '0');
  });

  test('the oldest schema (no profile type) and unit "none"', () => {
    const p = open('speedscope/speedscope-0.0.1-simple-evented.speedscope.json');
    assert.equal(p.durationMs, 14);
    assert.equal(p.estimatedTimes, true);
    assert.ok(p.functions.some((f) => f.functionName === 'd'));
  });

  test('memory (bytes) profiles are not CPU profiles', () => {
    const e = errorOf(() => profileFromJson({ $schema: 'https://www.speedscope.app/file-format-schema.json', shared: { frames: [{ name: 'a' }] }, profiles: [{ type: 'sampled', unit: 'bytes', startValue: 0, endValue: 9, samples: [[0]], weights: [9] }] }));
    assert.equal(e.code, 'not-cpu-profile');
    assert.match(e.message, /bytes/);
  });
});

describe('folders', () => {
  test('an empty or unknown folder names what it holds', () => {
    const dir = path.join(sharedFixture('sourcemaps/ts-node20'), 'src');
    const e = errorOf(() => runJobSync(openProfileJob(dir), withInlineImport(fsHandle)));
    assert.match(e.message, /holds no profile PerfLens knows.*main\.ts/);
  });
  test('a folder of .cpuprofile files opens the largest, with a note', () => {
    const p = profileFromTree(runJobSync(openProfileJob(sharedFixture('sourcemaps/ts-node20/prof')), withInlineImport(fsHandle)).tree);
    assert.ok(p.notes.some((n) => /holds 2 profiles; the largest/.test(n)), p.notes.join(' | '));
  });
  test('a missing path and a file over the size limit are clear errors', () => {
    assert.equal(errorOf(() => runJobSync(openProfileJob('/nonexistent/x.cpuprofile'), withInlineImport(fsHandle))).code, 'unreadable');
    const e = errorOf(() => runJobSync(openProfileJob(sharedFixture('cpuprofile/node20-cpu-prof-tsc-large.cpuprofile'), { maxBytes: 1024 * 1024 }), withInlineImport(fsHandle)));
    assert.equal(e.code, 'too-large');
    assert.match(e.message, /too large \(8\.9 MB\); PerfLens reads profiles up to 1\.0 MB/);
  });
});
