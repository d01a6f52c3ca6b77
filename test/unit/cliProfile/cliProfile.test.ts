// `perflens profile`: calls runProfile directly (as server/src/cli.ts does) and checks the printed
// report against the ground truth of the generated workloads.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runProfile, type ProfileReport } from '../../../server/src/cliProfile';
import { localFixture, repoRoot, sharedFixture } from '../profile/fixtures';

function run(args: string[], cwd = repoRoot()): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runProfile(args, cwd, (s) => (out += s), (s) => (err += s));
  return { code, out, err };
}

function json(args: string[], cwd?: string): ProfileReport {
  const r = run([...args, '--format', 'json'], cwd);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.err, '');
  return JSON.parse(r.out) as ProfileReport;
}

const WORKLOAD_DIR = path.dirname(localFixture('workload.js'));
const TS = localFixture('sourcemaps/ts-node20');

function assertSortedAndShaped(r: ProfileReport): void {
  assert.deepEqual(Object.keys(r), ['version', 'format', 'totalMs', 'functions', 'lines']);
  assert.equal(r.version, 1);
  for (const f of r.functions) assert.deepEqual(Object.keys(f), ['name', 'path', 'line', 'selfMs', 'totalMs']);
  for (const l of r.lines) assert.deepEqual(Object.keys(l), ['path', 'line', 'selfMs']);
  for (let i = 1; i < r.functions.length; i++) assert.ok(r.functions[i - 1].selfMs >= r.functions[i].selfMs, `functions sorted at ${i}`);
  for (let i = 1; i < r.lines.length; i++) assert.ok(r.lines[i - 1].selfMs >= r.lines[i].selfMs, `lines sorted at ${i}`);
  for (const x of [...r.functions, ...r.lines]) assert.ok(Number.isInteger(x.line) && x.line >= 1, 'lines are 1-based');
}

describe('perflens profile --format json', () => {
  test('the workload profile: fib starts on line 5, the sumSquares hot line is 13, parts.join (23) is hottest', () => {
    const r = json(['node20-cpu-prof-workload.cpuprofile', '--source-root', '.'], WORKLOAD_DIR);
    assertSortedAndShaped(r);
    assert.equal(r.format, 'cpuprofile');
    assert.ok(Math.abs(r.totalMs - 2021.5) < 25, String(r.totalMs));
    const fib = r.functions.find((f) => f.name === 'fib')!;
    assert.deepEqual([fib.path, fib.line], ['workload.js', 5], 'recorded at /srv/gen/app/workload.js, found under the source root, printed relative');
    assert.ok(fib.selfMs > 0 && fib.totalMs >= fib.selfMs);
    assert.equal(r.functions[0].name, 'buildStrings');
    assert.deepEqual([r.lines[0].path, r.lines[0].line], ['workload.js', 23]);
    const sumLines = r.lines.filter((l) => l.path === 'workload.js' && l.line >= 10 && l.line <= 16);
    assert.equal(sumLines.sort((a, b) => b.selfMs - a.selfMs)[0].line, 13);
  });

  test('through tsc source maps: paths are the .ts files relative to the source root', () => {
    const r = json([path.join(TS, 'prof/tsc-output.cpuprofile'), '--source-root', TS]);
    assertSortedAndShaped(r);
    assert.deepEqual(r.functions.slice(0, 3).map((f) => [f.name, f.path, f.line]), [
      ['closestPair', 'src/shapes.ts', 13],
      ['randomPoints', 'src/main.ts', 4],
      ['run', 'src/main.ts', 16],
    ]);
    assert.deepEqual(r.lines.slice(0, 2).map((l) => `${l.path}:${l.line}`).sort(), ['src/shapes.ts:10', 'src/shapes.ts:16']);
  });

  test('through an esbuild minified bundle: function-level, on the .ts declarations', () => {
    const r = json([path.join(TS, 'prof/esbuild-minified.cpuprofile'), `--source-root=${TS}`]);
    assert.deepEqual(r.functions.slice(0, 3).map((f) => [f.name, f.path, f.line]), [
      ['closestPair', 'src/shapes.ts', 13],
      ['randomPoints', 'src/main.ts', 4],
      ['run', 'src/main.ts', 16],
    ]);
    assert.equal(`${r.lines[0].path}:${r.lines[0].line}`, 'src/shapes.ts:13');
  });

  test('every format name: chrome-trace, clinic-flame, 0x, speedscope (and legacy cpuprofiles report "cpuprofile")', () => {
    const cases: Array<[string, string]> = [
      ['chrome-trace/speedscope-chrome116-Trace-20230603T221323.json', 'chrome-trace'],
      ['clinic-flame/19192.clinic-flame', 'clinic-flame'],
      ['0x/25891.0x', '0x'],
      ['speedscope/node20-workload-exported.speedscope.json', 'speedscope'],
      ['cpuprofile-legacy/speedscope-node10-v8-profiler-node8-head-format.cpuprofile', 'cpuprofile'],
    ];
    for (const [rel, format] of cases) {
      const r = json([sharedFixture(rel)]);
      assert.equal(r.format, format, rel);
      assertSortedAndShaped(r);
    }
    const clinic = json([sharedFixture('clinic-flame/19192.clinic-flame'), '--source-root', WORKLOAD_DIR]);
    assert.deepEqual(clinic.functions.slice(0, 3).map((f) => `${f.name} ${f.path}:${f.line}`), ['buildStrings workload.js:18', 'sumSquares workload.js:10', 'fib workload.js:5']);
  });

  test('the 9.4 MB profile', () => {
    const t = Date.now();
    const r = json([sharedFixture('cpuprofile/node20-cpu-prof-tsc-large.cpuprofile')]);
    assert.ok(r.functions.length > 1000);
    assert.ok(Date.now() - t < 10_000);
    assertSortedAndShaped(r);
  });
});

describe('perflens profile (text)', () => {
  test('a ranked table of functions and the hottest lines with their source text', () => {
    const r = run(['node20-cpu-prof-workload.cpuprofile'], WORKLOAD_DIR);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^PerfLens profile: node20-cpu-prof-workload\.cpuprofile \(cpuprofile, 2\.02 s/);
    const fnRows = r.out.split('\n').filter((l) => /\(workload\.js:\d+\)$/.test(l));
    assert.match(fnRows[0], /buildStrings \(workload\.js:18\)$/);
    assert.match(r.out, /Hottest lines:\n\s+\S+ ms\s+\S+%\s+workload\.js:23\s+return parts\.join\(','\)\.length/);
  });

  test('function-only formats say there is no line data', () => {
    const r = run([sharedFixture('clinic-flame/19192.clinic-flame')]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /Note: Clinic\.js flame samples record which functions were running but no line positions/);
    assert.match(r.out, /No per-line data in this profile/);
  });

  test('--help prints the usage and exits 0', () => {
    const r = run(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.out, /^Usage: perflens profile <file-or-folder>/);
  });
});

describe('perflens profile: bad input exits 2 with one line', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-cli-'));
  const write = (name: string, text: string | Buffer) => {
    const p = path.join(tmp, name);
    fs.writeFileSync(p, text);
    return p;
  };
  const fails = (args: string[], pattern: RegExp) => {
    const r = run(args, tmp);
    assert.equal(r.code, 2, `exit code for ${args.join(' ')}: ${r.out}`);
    assert.equal(r.out, '');
    assert.equal(r.err.trim().split('\n').length, 1, `one line: ${r.err}`);
    assert.match(r.err, pattern);
    assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
  };

  test('missing file, truncated JSON (says where), heap snapshot, empty file, doctor folder, gzip', () => {
    fails(['nope.cpuprofile'], /^perflens profile: cannot read nope\.cpuprofile: It cannot be read: .*nope\.cpuprofile does not exist\.$/m);
    const text = fs.readFileSync(localFixture('node20-cpu-prof-workload.cpuprofile'), 'utf8');
    fails([write('cut.cpuprofile', text.slice(0, 5000))], /not valid JSON: the file ends before the closing .* at line 1, column 5001/);
    fails([write('heap.heapsnapshot', JSON.stringify({ snapshot: { meta: {} }, nodes: [1, 2], edges: [], strings: ['a'] }))], /heap snapshot/);
    fails([write('empty.cpuprofile', '')], /The file is empty\./);
    fails([write('noSamples.cpuprofile', JSON.stringify({ nodes: [{ id: 1, callFrame: { functionName: '(root)', url: '', scriptId: '0', lineNumber: -1, columnNumber: -1 } }], startTime: 0, endTime: 1, samples: [], timeDeltas: [] }))], /empty/);
    fails([sharedFixture('clinic-doctor/19875.clinic-doctor')], /doctor data has no code positions.*clinic flame/);
    fails([sharedFixture('pprof/speedscope-go-simple.prof')], /gzip-compressed/);
  });

  test('usage errors', () => {
    fails([], /missing <file-or-folder>/);
    fails(['a', '--format', 'xml'], /--format must be text or json \(got 'xml'\)/);
    fails(['a', '--bogus'], /unknown option '--bogus'/);
    fails(['a', '--source-root', path.join(tmp, 'nope')], /is not a folder/);
    fails(['a', 'b'], /only one profile at a time/);
  });
});
