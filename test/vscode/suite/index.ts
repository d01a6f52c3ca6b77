// Entry point of the mocha suite that runs inside a real VS Code extension host (code-server here,
// @vscode/test-electron where VS Code can be downloaded). VS Code calls `run()` and treats a
// rejected promise as failure.
//
// Results reach test/vscode/run.mjs two ways:
//   - a JSON file at $PERFLENS_TEST_RESULTS (the extension host runs on the same machine), and
//   - one console line `PERFLENS_RESULTS {json}` (console output travels through the workbench log).
// When $PERFLENS_SCREENSHOT_DIR is set, after the tests the suite shows src/algorithms.ts with its
// CodeLenses, writes `ready` there and waits (bounded) for the runner to write `done`, so the
// runner can screenshot the workbench while the extension host is still alive.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';
import * as vscode from 'vscode';

interface Results {
  passed: number;
  failed: number;
  pending: number;
  total: number;
  tests: Array<{ title: string; state: 'passed' | 'failed' | 'pending'; durationMs?: number; error?: string }>;
  vscodeVersion: string;
  appHost: string;
  error?: string;
}

function writeResults(r: Results): void {
  console.log(`PERFLENS_RESULTS ${JSON.stringify({ passed: r.passed, failed: r.failed, pending: r.pending, total: r.total, vscodeVersion: r.vscodeVersion, appHost: r.appHost, error: r.error })}`);
  const file = process.env.PERFLENS_TEST_RESULTS;
  if (file) {
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, JSON.stringify(r, null, 2));
    } catch (e) {
      console.error(`[perflens suite] could not write ${file}: ${String(e)}`);
    }
  }
}

async function waitForFile(file: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (fs.existsSync(file)) return true;
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

/** Leaves src/algorithms.ts on screen with its lenses, then lets the runner take a screenshot. */
async function screenshotHandshake(dir: string): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  let note = 'ok';
  try {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('workbench.action.closePanel');
    if (folder) {
      const uri = vscode.Uri.joinPath(folder.uri, 'src', 'algorithms.ts');
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc, { preview: false });
      // Lenses exist for the document (the runner then waits for them in the DOM).
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 50)) ?? [];
        if (lenses.some((l) => l.command?.title.includes('O('))) break;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  } catch (e) {
    note = String(e);
  }
  fs.writeFileSync(path.join(dir, 'ready'), note);
  const done = await waitForFile(path.join(dir, 'done'), 60_000);
  if (!done) console.log('[perflens suite] runner did not confirm the screenshot within 60 s; finishing anyway');
}

export async function run(): Promise<void> {
  const results: Results = {
    passed: 0, failed: 0, pending: 0, total: 0, tests: [], vscodeVersion: vscode.version, appHost: vscode.env.appHost,
  };
  console.log(`[perflens suite] VS Code ${vscode.version} (${vscode.env.appHost}), workspace ${vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '(none)'}`);
  const mocha = new Mocha({ ui: 'tdd', timeout: 60_000, color: false, reporter: 'spec' });
  const grep = process.env.PERFLENS_TEST_GREP;
  if (grep) mocha.grep(grep);

  const dir = __dirname;
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.test.js')).sort();
  for (const f of files) mocha.addFile(path.join(dir, f));

  let failures = 0;
  try {
    if (files.length === 0) throw new Error(`no *.test.js files next to ${__filename}`);
    failures = await new Promise<number>((resolve, reject) => {
      try {
        const runner = mocha.run((n) => resolve(n));
        runner.on('pass', (t) => results.tests.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration }));
        runner.on('fail', (t, err: Error) => results.tests.push({ title: t.fullTitle(), state: 'failed', error: String(err?.message ?? err).split('\n')[0] }));
        runner.on('pending', (t) => results.tests.push({ title: t.fullTitle(), state: 'pending' }));
      } catch (e) {
        reject(e);
      }
    });
  } catch (e) {
    results.error = String((e as Error)?.stack ?? e);
    failures = Math.max(failures, 1);
  }
  results.passed = results.tests.filter((t) => t.state === 'passed').length;
  results.failed = results.tests.filter((t) => t.state === 'failed').length;
  results.pending = results.tests.filter((t) => t.state === 'pending').length;
  results.total = results.tests.length;
  if (results.error && results.failed === 0) results.failed = 1;
  writeResults(results);

  const shotDir = process.env.PERFLENS_SCREENSHOT_DIR;
  if (shotDir) await screenshotHandshake(shotDir);

  if (results.error) throw new Error(`suite could not run: ${results.error}`);
  if (results.total === 0) throw new Error('no tests ran');
  if (failures > 0) throw new Error(`${failures} test(s) failed`);
}
