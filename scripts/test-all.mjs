// `npm test`: build, type-check, then every tier — unit, LSP (the built server over stdio) and the
// mocha suite inside a real VS Code. Every tier runs even if an earlier one fails; the last line
// is the total in the form CI reads ("tests: N passed, M failed").
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const only = process.argv.slice(2); // e.g. `npm test -- unit lsp`
const want = (tier) => only.length === 0 || only.includes(tier);
const results = [];
let failedSteps = 0;

function step(name, cmd, args, env = {}) {
  console.log(`\n[perflens] ── ${name}: ${[cmd, ...args].join(' ')}`);
  const started = Date.now();
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  const ok = r.status === 0;
  if (!ok) failedSteps++;
  console.log(`[perflens] ${name} ${ok ? 'ok' : `FAILED (exit ${r.status ?? r.signal})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return ok;
}

/** Like step(), but also returns what the command printed. */
function stepTee(name, cmd, args) {
  console.log(`\n[perflens] ── ${name}: ${[cmd, ...args].join(' ')}`);
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (d) => {
      text += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => process.stderr.write(d));
    child.on('close', (code, signal) => {
      if (code !== 0) failedSteps++;
      console.log(`[perflens] ${name} ${code === 0 ? 'ok' : `FAILED (exit ${code ?? signal})`} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      resolve(text);
    });
  });
}

/** Runs Node's test runner on a folder and reads its counts from a TAP copy of the report. */
function nodeTier(name, dir) {
  const tap = join(mkdtempSync(join(tmpdir(), 'perflens-tap-')), `${name}.tap`);
  step(name, process.execPath, ['--test', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`, dir]);
  const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
  const count = (k) => Number(new RegExp(`^# ${k} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  const passed = count('pass');
  const failed = count('fail') + count('cancelled');
  if (!text) failedSteps++;
  if (passed + failed === 0) {
    console.log(`[perflens] ${name}: no tests ran — that is a failure`);
    failedSteps++;
  }
  results.push({ name, passed, failed });
}

if (!step('build', process.execPath, ['esbuild.mjs'])) {
  console.log('tests: 0 passed, 1 failed');
  process.exit(1);
}
step('typecheck', process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.', '--noEmit']) &&
  step('typecheck media', process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'media', '--noEmit']);

if (want('unit')) nodeTier('unit', 'dist/test/unit/');
if (want('lsp')) nodeTier('lsp', 'dist/test/lsp/');
if (want('vscode')) {
  // The runner prints "vscode: N passed, M failed" (counted inside VS Code); read it from its output.
  const out = await stepTee('vscode', process.execPath, ['test/vscode/run.mjs']);
  const m = /^vscode: (\d+) passed, (\d+) failed/m.exec(out);
  if (!m) {
    console.log('[perflens] vscode: the suite reported no results — that is a failure');
    failedSteps++;
  }
  const r = { passed: Number(m?.[1] ?? 0), failed: Number(m?.[2] ?? 1) };
  if (r.passed + r.failed === 0) failedSteps++;
  results.push({ name: 'vscode', ...r });
}

console.log('\n[perflens] summary');
for (const r of results) console.log(`  ${r.name.padEnd(7)} ${r.passed} passed, ${r.failed} failed`);
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
const extra = failed === 0 && failedSteps > 0 ? failedSteps : 0;
console.log(`tests: ${passed} passed, ${failed + extra} failed`);
process.exit(failed + failedSteps > 0 ? 1 : 0);
