import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileKey, functionsInFile, parseProfile, profileFromJson, type Profile } from '../../../client/src/profile/index';
import { deepFreeze, localFixture, readText, sharedFixture } from './fixtures';

const WORKLOAD_URL = 'file:///srv/gen/app/workload.js';
const workloadText = readText(localFixture('node20-cpu-prof-workload.cpuprofile'));
const workloadSource = readText(localFixture('workload.js')).split('\n');

const near = (actual: number, expected: number, eps: number, what: string) =>
  assert.ok(Math.abs(actual - expected) <= eps, `${what}: ${actual} is not within ${eps} of ${expected}`);

const lineMs = (p: Profile, url: string, line0: number) => p.files.get(fileKey(url, ''))?.lines.find((l) => l.line === line0)?.selfMs ?? 0;

describe('V8 .cpuprofile importer on the workload profile (ground truth in workload.js)', () => {
  const p = parseProfile(workloadText);
  const fnNamed = (name: string) => p.functions.find((f) => f.functionName === name && f.url === WORKLOAD_URL)!;

  test('fib is reported at 0-based line 4, which is the source line "function fib (n) {"', () => {
    const fib = fnNamed('fib');
    assert.equal(fib.line, 4);
    assert.equal(fib.column, 13);
    assert.match(workloadSource[fib.line], /^function fib \(n\)/);
    const sum = fnNamed('sumSquares');
    assert.match(workloadSource[sum.line], /^function sumSquares/);
  });

  test('line heat lands on fib (1-based lines 5-7) and on the sumSquares loop body (1-based line 13)', () => {
    for (const line0 of [4, 5, 6]) assert.ok(lineMs(p, WORKLOAD_URL, line0) > 0, `fib line ${line0 + 1} has heat`);
    const hot = lineMs(p, WORKLOAD_URL, 12);
    assert.match(workloadSource[12], /total \+= i \* i/);
    // positionTicks are 1-based: 153 ticks on line 13, 1 tick on line 12 of sumSquares.
    assert.ok(hot > 100 * lineMs(p, WORKLOAD_URL, 11), `line 13 (${hot} ms) dominates line 12`);
    assert.equal(lineMs(p, WORKLOAD_URL, 13), 0, 'nothing lands one line too low (the closing brace)');
    assert.equal(lineMs(p, WORKLOAD_URL, 9), 0, 'the sumSquares declaration line gets nothing (it has ticks)');
  });

  test('the hottest line is the builtin call parts.join (1-based line 23)', () => {
    const file = p.files.get(WORKLOAD_URL)!;
    const hottest = file.lines.reduce((a, b) => (b.selfMs > a.selfMs ? b : a));
    assert.equal(hottest.line, 22);
    assert.match(workloadSource[22], /parts\.join/);
    assert.equal(p.maxLineMs, hottest.selfMs);
    assert.deepEqual(hottest.functions.map((id) => p.functions[id].functionName), ['buildStrings']);
  });

  test('time comes from samples/timeDeltas: self times add up to the duration and the sample count', () => {
    const raw = JSON.parse(workloadText);
    assert.equal(p.sampleCount, raw.samples.length);
    const sumSelf = p.nodes.reduce((s, n) => s + n.selfMs, 0);
    near(sumSelf, p.durationMs, 1e-6, 'Σ node self');
    near(p.nodes[p.roots[0]].totalMs, p.durationMs, 1e-6, 'root total');
    // Duration ≈ span from the first sample to the end of the recording.
    const span = (raw.endTime - raw.startTime - raw.timeDeltas[0]) / 1000;
    near(p.durationMs, span, 2, 'duration vs recording span');
    // buildStrings: 916 samples → about 1.2 s of a 2 s run.
    const bs = fnNamed('buildStrings');
    assert.equal(bs.sampleCount, raw.samples.filter((id: number) => id === 40).length);
  });

  test('recursion is not counted twice: fib (which only calls itself) has total == self', () => {
    const fib = fnNamed('fib');
    assert.ok(fib.selfMs > 100);
    near(fib.totalMs, fib.selfMs, 1e-6, 'fib total');
    const main = fnNamed('main');
    const children = ['fib', 'sumSquares', 'buildStrings'].reduce((s, n) => s + fnNamed(n).totalMs, 0);
    assert.ok(main.totalMs >= children - 1e-6 && main.totalMs <= p.durationMs + 1e-6);
  });

  test('(root), (program), (idle) and (garbage collector) get no line heat', () => {
    const special = p.functions.filter((f) => f.kind === 'special').map((f) => f.functionName).sort();
    assert.deepEqual(special, ['(garbage collector)', '(idle)', '(program)', '(root)']);
    for (const file of p.files.values()) for (const l of file.lines) for (const id of l.functions) assert.equal(p.functions[id].kind, 'js');
    assert.ok(p.idleMs > 0 && p.idleMs < 10);
    // Every ms of JS (and builtin-called-from-JS) self time is on exactly one line; nothing else is.
    let lines = 0;
    for (const file of p.files.values()) for (const l of file.lines) lines += l.selfMs;
    const selfOf = (kind: string) => p.functions.filter((f) => f.kind === kind).reduce((s, f) => s + f.selfMs, 0);
    near(lines, selfOf('js') + selfOf('native'), 1e-6, 'Σ line self vs Σ JS + native self');
    near(lines + selfOf('special'), p.durationMs, 1e-6, 'lines + special frames = duration');
  });

  test('functionsInFile lists the workload functions by start line', () => {
    assert.deepEqual(
      functionsInFile(p, WORKLOAD_URL).map((f) => `${f.functionName}@${f.line}`),
      ['@0', 'fib@4', 'sumSquares@9', 'buildStrings@17', 'main@25'],
    );
  });

  test('the input object is not mutated (deep-frozen input imports, and equals its copy after)', () => {
    const frozen = deepFreeze(JSON.parse(workloadText));
    const again = profileFromJson(frozen);
    assert.equal(again.sampleCount, p.sampleCount);
    const plain = JSON.parse(workloadText);
    profileFromJson(plain);
    assert.equal(JSON.stringify(plain), JSON.stringify(JSON.parse(workloadText)));
  });
});

describe('V8 .cpuprofile importer on the 9.4 MB tsc profile', () => {
  const text = readText(sharedFixture('cpuprofile/node20-cpu-prof-tsc-large.cpuprofile'));
  const raw = JSON.parse(text);
  const started = Date.now();
  const p = parseProfile(text);
  const elapsed = Date.now() - started;

  test('parses every node and sample in reasonable time', () => {
    assert.equal(p.nodes.length, 43742);
    assert.equal(p.sampleCount, 6438);
    assert.ok(elapsed < 5000, `took ${elapsed} ms`);
  });

  test('negative timeDeltas are clamped (reported as a warning) and no sample has negative time', () => {
    assert.equal(raw.timeDeltas.filter((d: number) => d < 0).length, 6);
    assert.ok(p.warnings.some((w) => /6 sample time\(s\) went backwards/.test(w)), p.warnings.join('; '));
    for (const n of p.nodes) assert.ok(n.selfMs >= 0);
  });

  test('totals are consistent with the samples', () => {
    const sumSelf = p.nodes.reduce((s, n) => s + n.selfMs, 0);
    near(sumSelf, p.durationMs, 1e-6, 'Σ self');
    assert.equal(p.roots.length, 1);
    near(p.nodes[p.roots[0]].totalMs, p.durationMs, 1e-6, 'root total');
    const span = (raw.endTime - raw.startTime - raw.timeDeltas[0]) / 1000;
    near(p.durationMs, span, 1, 'duration vs recording span');
    for (const f of p.functions) assert.ok(f.totalMs <= p.durationMs + 1e-6 && f.selfMs <= f.totalMs + 1e-6, f.functionName);
    let fnSelf = 0;
    for (const f of p.functions) fnSelf += f.selfMs;
    near(fnSelf, p.durationMs, 1e-6, 'Σ function self');
  });

  test('hitCount disagreeing with samples: samples win ((program) has hitCount 43 but 7 samples)', () => {
    const programRaw = raw.nodes.find((n: { callFrame: { functionName: string } }) => n.callFrame.functionName === '(program)');
    const occurrences = raw.samples.filter((id: number) => id === programRaw.id).length;
    assert.equal(programRaw.hitCount, 43);
    assert.equal(occurrences, 7);
    const program = p.functions.find((f) => f.functionName === '(program)')!;
    assert.equal(program.sampleCount, 7);
    // And across the profile: every node's sample count is its count in samples[].
    const counts = new Map<number, number>();
    for (const id of raw.samples) counts.set(id, (counts.get(id) ?? 0) + 1);
    let mismatched = 0;
    raw.nodes.forEach((n: { id: number; hitCount?: number }, i: number) => {
      assert.equal(p.nodes[i].sampleCount, counts.get(n.id) ?? 0);
      if ((n.hitCount ?? 0) !== (counts.get(n.id) ?? 0)) mismatched++;
    });
    assert.equal(mismatched, 333);
  });
});

describe('V8 .cpuprofile importer on synthetic edge cases', () => {
  const frame = (functionName: string, lineNumber = -1, url = '') => ({ functionName, scriptId: '1', url, lineNumber, columnNumber: lineNumber < 0 ? -1 : 0 });

  test('ids out of order and not contiguous; parents come from children', () => {
    const prof = {
      nodes: [
        { id: 50, callFrame: frame('leaf', 9, 'file:///a.js'), children: [] },
        { id: 7, callFrame: frame('(root)'), children: [90] },
        { id: 90, callFrame: frame('mid', 1, 'file:///a.js'), children: [50] },
      ],
      startTime: 0,
      endTime: 4000,
      samples: [50, 90, 50, 50],
      timeDeltas: [0, 1000, 1000, 1000],
    };
    const p = profileFromJson(prof);
    assert.deepEqual(p.roots, [1]);
    assert.equal(p.nodes[0].parent, 2);
    assert.equal(p.nodes[2].parent, 1);
    near(p.durationMs, 4, 1e-9, 'duration');
    const mid = p.functions.find((f) => f.functionName === 'mid')!;
    near(mid.selfMs, 1, 1e-9, 'mid self');
    near(mid.totalMs, 4, 1e-9, 'mid total');
    // No positionTicks: the leaf's time goes on its 0-based start line.
    assert.deepEqual(p.files.get('file:///a.js')!.lines.map((l) => [l.line, l.selfMs]), [
      [1, 1],
      [9, 3],
    ]);
  });

  test('positionTicks are 1-based while callFrame.lineNumber is 0-based; self time is split by ticks', () => {
    const prof = {
      nodes: [
        { id: 1, callFrame: frame('(root)'), children: [2] },
        { id: 2, callFrame: frame('f', 9, 'file:///f.js'), hitCount: 4, positionTicks: [{ line: 13, ticks: 3 }, { line: 10, ticks: 1 }] },
      ],
      startTime: 0,
      endTime: 4000,
      samples: [2, 2, 2, 2],
      timeDeltas: [0, 1000, 1000, 1000],
    };
    const p = profileFromJson(prof);
    const lines = p.files.get('file:///f.js')!.lines.map((l) => [l.line, l.selfMs, l.samples]);
    assert.deepEqual(lines, [
      [9, 1, 1],
      [12, 3, 3],
    ]);
  });

  test('negative deltas: a timestamp that goes backwards is clamped to the previous one, later samples are not shifted', () => {
    const prof = {
      nodes: [
        { id: 1, callFrame: frame('(root)'), children: [2, 3] },
        { id: 2, callFrame: frame('a', 0, 'file:///x.js') },
        { id: 3, callFrame: frame('b', 5, 'file:///x.js') },
      ],
      startTime: 0,
      endTime: 3500,
      samples: [2, 3, 2, 3],
      // timestamps 1000, 2000, 1500 (backwards → clamped to 2000), 3000; end 3500
      timeDeltas: [1000, 1000, -500, 1500],
    };
    const p = profileFromJson(prof);
    const a = p.functions.find((f) => f.functionName === 'a')!;
    const b = p.functions.find((f) => f.functionName === 'b')!;
    // a: 1000→2000 and (clamped) 2000→3000; b: 2000→2000 (the next sample is not later) and 3000→3500.
    near(a.selfMs, 2, 1e-9, 'a');
    near(b.selfMs, 0.5, 1e-9, 'b');
    near(p.durationMs, 2.5, 1e-9, 'duration = last end − first sample');
    assert.ok(p.warnings.some((w) => /went backwards/.test(w)));
  });

  test('a 100 000-frame deep stack does not overflow (iterative model)', () => {
    const depth = 100_000;
    const nodes = [];
    for (let i = 1; i <= depth; i++) nodes.push({ id: i, callFrame: frame(i === 1 ? '(root)' : 'rec', i === 1 ? -1 : 3, i === 1 ? '' : 'file:///deep.js'), children: i < depth ? [i + 1] : [] });
    const p = profileFromJson({ nodes, startTime: 0, endTime: 2000, samples: [depth, depth], timeDeltas: [0, 1000] });
    assert.equal(p.nodes.length, depth);
    const rec = p.functions.find((f) => f.functionName === 'rec')!;
    near(rec.totalMs, 2, 1e-9, 'recursive total counted once');
    near(p.nodes[0].totalMs, 2, 1e-9, 'root total');
  });

  test('a builtin (native frame) puts its time on the calling JS lines: its positionTicks, else the caller start line', () => {
    const p = profileFromJson({
      nodes: [
        { id: 1, callFrame: frame('(root)'), children: [2] },
        { id: 2, callFrame: frame('caller', 10, 'file:///c.js'), children: [3, 4] },
        { id: 3, callFrame: frame('join'), positionTicks: [{ line: 15, ticks: 2 }] },
        { id: 4, callFrame: frame('consoleCall'), children: [] },
        { id: 5, callFrame: frame('(garbage collector)') },
      ],
      startTime: 0,
      endTime: 4000,
      samples: [3, 3, 4, 5],
      timeDeltas: [0, 1000, 1000, 1000],
    });
    const lines = p.files.get('file:///c.js')!.lines.map((l) => [l.line, l.selfMs, p.functions[l.functions[0]].functionName]);
    assert.deepEqual(lines, [
      [10, 1, 'caller'],
      [14, 2, 'caller'],
    ]);
    assert.equal(p.functions.find((f) => f.functionName === 'join')!.kind, 'native');
    near(p.functions.find((f) => f.functionName === 'join')!.selfMs, 2, 1e-9, 'the builtin keeps its own self time');
  });

  test('a profile without samples falls back to hitCount over the recording span', () => {
    const p = profileFromJson({
      nodes: [
        { id: 1, callFrame: frame('(root)'), hitCount: 0, children: [2] },
        { id: 2, callFrame: frame('g', 2, 'file:///g.js'), hitCount: 3 },
      ],
      startTime: 0,
      endTime: 6000,
    });
    near(p.durationMs, 6, 1e-9, 'duration');
    assert.equal(p.sampleCount, 3);
    assert.ok(p.warnings.some((w) => /hit counts/.test(w)));
  });

  test('URL-less (inline) scripts are kept apart by scriptId (Chrome 65 DevTools fixture)', () => {
    const p = parseProfile(readText(localFixture('speedscope-chrome65-devtools-simple.cpuprofile')));
    const file = p.files.get(fileKey('', '164'));
    assert.ok(file, 'inline script 164 has lines');
    // d() starts at 0-based line 13; its positionTicks say 1-based line 16 (27 ticks) and 14 (1 tick).
    const l15 = file.lines.find((l) => l.line === 15)!;
    const l13 = file.lines.find((l) => l.line === 13)!;
    assert.equal(Math.round(l15.samples), 27);
    assert.equal(Math.round(l13.samples), 1);
  });
});
