// VS Code tier: runs the mocha suite in dist/test/vscode/suite/ inside a real VS Code.
//
// Default: code-server (VS Code 1.100.3 from npm) + headless Debian Chromium via playwright-core,
// the suite passed to the workbench through its `payload` query (extensionDevelopmentPath,
// extensionTestsPath), the workbench log forwarded here, the exit code from codeAutomationExit.
// With PERFLENS_TEST_ELECTRON=1: @vscode/test-electron (downloads VS Code; falls back to
// code-server when the download is impossible).
//
// Builds nothing: run `node esbuild.mjs` first. Works on a copy of test/workspace. Saves
// test-results/workbench-lenses.png. Last line: `vscode: N passed, M failed`.
//
// Env: PERFLENS_TEST_GREP=<regex> (only matching tests), PERFLENS_VSCODE_TIMEOUT=<seconds> (overall, default 480),
//      PERFLENS_KEEP_TMP=1 (keep the temp workspace/profile folders).
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';
import {
  REPO, HarnessError, log, ensureCodeServer, startCodeServer, launchBrowser, workbenchUrl, tempDir, settledLensTexts,
} from '../../scripts/vscode-harness.mjs';

const started = Date.now();
const OVERALL_MS = Number(process.env.PERFLENS_VSCODE_TIMEOUT ?? 480) * 1000;
const EXTENSION_MAIN = join(REPO, 'dist', 'client', 'extension.js');
const SUITE_INDEX = join(REPO, 'dist', 'test', 'vscode', 'suite', 'index.js');
const RESULTS_DIR = join(REPO, 'test-results');
const SCREENSHOT = join(RESULTS_DIR, 'workbench-lenses.png');
// No internet here: the workbench's extension-gallery lookups fail; not worth printing.
const NOISE = /open-vsx\.org|getaddrinfo ENOTFOUND|marketplace|gallery/i;
const secs = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;

let finished = false;
function finish(passed, failed, extra = '') {
  if (finished) return;
  finished = true;
  if (extra) console.log(extra);
  console.log(`vscode: ${passed} passed, ${failed} failed`);
}
function fatal(msg) {
  console.error(`[vscode] ERROR: ${msg}`);
  finish(0, 1);
  process.exit(1);
}

/** Reads the suite's results: the JSON file first, else the PERFLENS_RESULTS console line. */
function readResults(file, markerLine) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch { /* fall through */ }
  if (markerLine) {
    try {
      return JSON.parse(markerLine);
    } catch { /* ignore */ }
  }
  return null;
}

function printResults(r) {
  if (!r?.tests) return;
  const failed = r.tests.filter((t) => t.state === 'failed');
  if (failed.length) {
    console.log('\n[vscode] failed inside VS Code:');
    for (const t of failed) console.log(`  ✗ ${t.title}\n      ${t.error}`);
  }
}

async function runWithTestElectron(tmp, workspace, resultsFile) {
  const { runTests, downloadAndUnzipVSCode } = await import('@vscode/test-electron');
  let vscodeExecutablePath;
  try {
    vscodeExecutablePath = await Promise.race([
      downloadAndUnzipVSCode({ cachePath: join(REPO, '.vscode-test') }),
      new Promise((_, rej) => setTimeout(() => rej(new Error('download timed out after 180 s')), 180_000)),
    ]);
  } catch (e) {
    log(`@vscode/test-electron could not download VS Code (${String(e.message ?? e).split('\n')[0]}); using code-server instead`);
    return null;
  }
  const code = await runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath: REPO,
    extensionTestsPath: SUITE_INDEX,
    extensionTestsEnv: { PERFLENS_TEST_RESULTS: resultsFile, PERFLENS_TEST_GREP: process.env.PERFLENS_TEST_GREP ?? '' },
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', join(tmp, 'user-data'), '--skip-welcome', '--skip-release-notes'],
  }).catch((e) => {
    console.error(`[vscode] test-electron run failed: ${String(e?.message ?? e)}`);
    return 1;
  });
  return { code, screenshot: false };
}

async function runWithCodeServer(tmp, workspace, resultsFile) {
  await ensureCodeServer();
  const shotDir = join(tmp, 'screenshot');
  mkdirSync(shotDir, { recursive: true });
  log('starting code-server');
  const server = await startCodeServer({
    workspace,
    userDataDir: join(tmp, 'user-data'),
    extensionsDir: join(tmp, 'extensions'),
    env: {
      PERFLENS_TEST_RESULTS: resultsFile,
      PERFLENS_SCREENSHOT_DIR: shotDir,
      PERFLENS_TEST_GREP: process.env.PERFLENS_TEST_GREP ?? '',
    },
    onOutput: (l) => { if (/error|ERR/i.test(l) && !NOISE.test(l)) console.log(`[code-server] ${l}`); },
  });
  log(`code-server ${server.url} ready (${secs()})`);
  let browser;
  try {
    browser = await launchBrowser();
    const { page } = browser;
    let markerLine = null;
    let exitCode;
    let resolveExit;
    const exited = new Promise((res) => { resolveExit = res; });
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const text = format(...(Array.isArray(args) ? args : [args]));
      if (NOISE.test(text)) return;
      if (/Extension host .*terminated unexpectedly/i.test(text)) setTimeout(() => resolveExit('extension host crashed'), 3000);
      const m = /PERFLENS_RESULTS (\{.*\})/.exec(text);
      if (m) markerLine = m[1];
      for (const line of text.split('\n')) console.log(`  ${line}`);
    });
    await page.exposeFunction('codeAutomationExit', (code) => {
      exitCode = code;
      resolveExit(code);
    });
    page.on('pageerror', (e) => console.log(`[browser] page error: ${String(e.message).split('\n')[0]}`));
    page.on('crash', () => resolveExit('page crashed'));

    const url = workbenchUrl(server.url, workspace, {
      extensionDevelopmentPath: REPO,
      extensionTestsPath: SUITE_INDEX,
    });
    log('opening the workbench in Chromium');
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 }).catch(() => {
      throw new HarnessError('the VS Code workbench did not appear within 60 s');
    });
    log(`workbench loaded (${secs()}); running the suite inside VS Code`);

    // Screenshot once the suite has put src/algorithms.ts on screen (see suite/index.ts).
    let over = false;
    const shooting = (async () => {
      const ready = join(shotDir, 'ready');
      while (!existsSync(ready)) {
        if (exitCode !== undefined || over) return;
        await new Promise((r) => setTimeout(r, 250));
      }
      let seen = false;
      try {
        await page.waitForFunction(() => [...document.querySelectorAll('.codelens-decoration')].some((e) => e.textContent?.includes('O(')), null, { timeout: 30_000 });
        seen = true;
      } catch { /* screenshot anyway, report below */ }
      const lensTexts = seen ? await settledLensTexts(page).catch(() => []) : [];
      mkdirSync(RESULTS_DIR, { recursive: true });
      await page.screenshot({ path: SCREENSHOT, timeout: 30_000 }).catch((e) => log(`screenshot failed: ${e.message}`));
      writeFileSync(join(shotDir, 'done'), 'ok');
      return { seen, lensTexts };
    })();

    const remaining = OVERALL_MS - (Date.now() - started);
    const code = await Promise.race([
      exited,
      new Promise((res) => setTimeout(() => res('timeout'), Math.max(remaining, 10_000))),
    ]);
    over = true;
    const shot = await Promise.race([shooting, new Promise((res) => setTimeout(() => res(undefined), 5_000))]);
    if (code === 'timeout') console.error(`[vscode] ERROR: the suite did not finish within ${OVERALL_MS / 1000} s`);
    if (typeof code === 'string' && code !== 'timeout') console.error(`[vscode] ERROR: ${code}`);
    return { code: typeof code === 'number' ? code : 1, markerLine, shot };
  } finally {
    await browser?.close();
    await server.stop();
  }
}

async function main() {
  for (const [file, what] of [[EXTENSION_MAIN, 'the extension'], [SUITE_INDEX, 'the VS Code test suite']]) {
    if (!existsSync(file)) fatal(`${file.replace(REPO + '/', '')} is missing — build ${what} first: node esbuild.mjs`);
  }
  try {
    require_('mocha');
  } catch {
    fatal('mocha is not installed in node_modules (run `npm ci`)');
  }
  const tmp = tempDir('perflens-vscode-');
  const workspace = join(tmp, 'workspace');
  cpSync(join(REPO, 'test', 'workspace'), workspace, { recursive: true });
  const resultsFile = join(tmp, 'results.json');
  log(`workspace copy: ${workspace}`);

  let outcome = null;
  let host = 'code-server';
  if (process.env.PERFLENS_TEST_ELECTRON === '1') {
    outcome = await runWithTestElectron(tmp, workspace, resultsFile);
    if (outcome) host = '@vscode/test-electron';
  }
  if (!outcome) outcome = await runWithCodeServer(tmp, workspace, resultsFile);

  const r = readResults(resultsFile, outcome.markerLine);
  printResults(r);
  let passed = r?.passed ?? 0;
  let failed = r?.failed ?? 0;
  const problems = [];
  if (!r) problems.push('the suite reported no results (it did not start, or crashed before reporting)');
  else if (r.total === 0) problems.push('zero tests ran inside VS Code');
  if (r?.error) problems.push(`suite error: ${r.error.split('\n')[0]}`);
  if (r?.total > 0 && outcome.code !== 0 && failed === 0) problems.push(`VS Code exited with code ${outcome.code} but no test failed`);

  // The runner's own UI check: CodeLens text rendered in the editor DOM (only under code-server).
  if (outcome.shot !== undefined) {
    if (outcome.shot?.seen) {
      passed++;
      log(`UI check passed: ${outcome.shot.lensTexts.length} CodeLens decorations rendered (${outcome.shot.lensTexts.slice(0, 4).join(' | ')}); screenshot ${SCREENSHOT.replace(REPO + '/', '')}`);
    } else {
      failed++;
      log(`UI check FAILED: no CodeLens with "O(" rendered in the editor DOM within 30 s${outcome.shot ? ` (screenshot ${SCREENSHOT.replace(REPO + '/', '')})` : ' (the suite never reached the screenshot step)'}`);
    }
  }
  for (const p of problems) console.error(`[vscode] ERROR: ${p}`);
  if (problems.length && failed === 0) failed = 1;

  if (!process.env.PERFLENS_KEEP_TMP) rmSync(tmp, { recursive: true, force: true });
  const inside = r ? `${r.total} test(s) ran inside VS Code ${r.vscodeVersion ?? ''} (${host}${r.appHost ? `, appHost ${r.appHost}` : ''}): ${r.passed} passed, ${r.failed} failed${r.pending ? `, ${r.pending} pending` : ''}` : 'no tests ran inside VS Code';
  finish(passed, failed, `[vscode] ${inside}; total time ${secs()}`);
  process.exit(failed > 0 || outcome.code !== 0 || problems.length ? 1 : 0);
}

import { createRequire } from 'node:module';
const require_ = createRequire(join(REPO, 'package.json'));

const overall = setTimeout(() => fatal(`the VS Code tier did not finish within ${OVERALL_MS / 1000 + 60} s`), OVERALL_MS + 60_000);

main().catch((e) => fatal(e instanceof HarnessError ? e.message : (e?.stack ?? String(e))));
