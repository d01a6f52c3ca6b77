// `npm start`: build PerfLens and open the example workspace (test/workspace) in VS Code with the
// extension loaded from this folder.
//   - With a `code` CLI on PATH: `code --extensionDevelopmentPath=<repo> <repo>/test/workspace`.
//   - Otherwise: code-server (installed on first use into .vscode-test/, see scripts/vscode-harness.mjs)
//     on 127.0.0.1, with an extensions folder in which `perflens.perflens-<version>` links to this
//     repository; prints the URL and runs until Ctrl-C. Rebuild (`node esbuild.mjs`) and reload the
//     browser tab to pick up changes.
// Flags: --code-server  use code-server even if `code` exists
//        --check        (code-server only) open the workbench headlessly, wait for the Big-O CodeLens on
//                       src/algorithms.ts, save test-results/start-check.png, stop, exit 0/1
// Env:   PERFLENS_PORT=<port> (default 8090, or a free port when 8090 is taken)
import { spawnSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, lstatSync, readlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import {
  REPO, CACHE_DIR, HarnessError, log, failAndExit, ensureCodeServer, startCodeServer, launchBrowser, workbenchUrl, freePort, settledLensTexts,
} from './vscode-harness.mjs';

const args = process.argv.slice(2);
const check = args.includes('--check');
const forceCodeServer = args.includes('--code-server') || check;
const workspace = join(REPO, 'test', 'workspace');

function build() {
  log('building: node esbuild.mjs');
  const r = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO, stdio: 'inherit', timeout: 5 * 60_000 });
  if (r.status !== 0) throw new HarnessError(`the build failed (node esbuild.mjs exited ${r.status ?? r.signal})`);
  if (!existsSync(join(REPO, 'dist', 'client', 'extension.js'))) throw new HarnessError('the build did not produce dist/client/extension.js');
}

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

function portFree(port) {
  return new Promise((res) => {
    const srv = createServer();
    srv.once('error', () => res(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => res(true)));
  });
}

/** An extensions folder for code-server holding only a link to this repository. */
function linkedExtensionsDir() {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
  const dir = join(CACHE_DIR, 'start', 'extensions');
  const link = join(dir, `${pkg.publisher}.${pkg.name}-${pkg.version}`);
  // Start clean: stale links (other versions) and VS Code's extensions.json cache.
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  symlinkSync(REPO, link, 'dir');
  if (!lstatSync(link).isSymbolicLink() || readlinkSync(link) !== REPO) throw new HarnessError(`could not link ${link} -> ${REPO}`);
  return dir;
}

async function verify(url) {
  log('checking: opening the workbench headlessly and waiting for the Big-O CodeLens');
  const browser = await launchBrowser();
  try {
    const { page } = browser;
    await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 60_000 });
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    // Quick Open (Ctrl+P) src/algorithms.ts.
    await page.waitForSelector('.explorer-folders-view', { timeout: 60_000 });
    await page.keyboard.press('Control+P');
    await page.waitForSelector('.quick-input-widget:not([style*="display: none"]) input', { timeout: 15_000 });
    await page.keyboard.type('algorithms.ts');
    await page.waitForSelector('.quick-input-list .monaco-list-row', { timeout: 15_000 });
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => [...document.querySelectorAll('.codelens-decoration')].some((e) => e.textContent?.includes('O(')), null, { timeout: 60_000 })
      .catch(() => { throw new HarnessError('no CodeLens with "O(" appeared on src/algorithms.ts within 60 s'); });
    const lenses = await settledLensTexts(page);
    mkdirSync(join(REPO, 'test-results'), { recursive: true });
    await page.screenshot({ path: join(REPO, 'test-results', 'start-check.png'), timeout: 30_000 });
    log(`check passed: ${lenses.length} CodeLens decorations (${lenses.slice(0, 4).join(' | ')}); screenshot test-results/start-check.png`);
  } finally {
    await browser.close();
  }
}

async function main() {
  build();
  if (!forceCodeServer && onPath('code')) {
    log(`opening VS Code: code --extensionDevelopmentPath=${REPO} ${workspace}`);
    const child = spawn('code', [`--extensionDevelopmentPath=${REPO}`, workspace], { stdio: 'inherit' });
    child.on('exit', (code) => process.exit(code ?? 0));
    child.on('error', (e) => failAndExit(new HarnessError(`could not run code: ${e.message}`)));
    return;
  }

  await ensureCodeServer();
  const wanted = Number(process.env.PERFLENS_PORT ?? 8090);
  const port = check ? await freePort() : (await portFree(wanted)) ? wanted : await freePort();
  if (!check && port !== wanted) log(`port ${wanted} is busy; using ${port}`);
  const extensionsDir = linkedExtensionsDir();
  const server = await startCodeServer({
    workspace,
    port,
    userDataDir: join(CACHE_DIR, 'start', 'user-data'),
    extensionsDir,
    onOutput: (l) => { if (/error/i.test(l) && !/open-vsx|ENOTFOUND/i.test(l)) console.log(`[code-server] ${l}`); },
  });
  const url = workbenchUrl(server.url, workspace);
  if (check) {
    try {
      await verify(url);
    } finally {
      await server.stop();
    }
    process.exit(0);
  }
  console.log('');
  console.log(`  PerfLens is running in code-server (VS Code 1.100.3) at:`);
  console.log(`    ${url}`);
  console.log('');
  console.log('  Open that URL in a browser on this machine (it listens on 127.0.0.1 only; from another');
  console.log(`  machine use an SSH tunnel: ssh -L ${port}:127.0.0.1:${port} <host>). The extension is loaded from`);
  console.log(`  ${REPO}; after \`node esbuild.mjs\` reload the tab (or run "Developer: Restart Extension Host").`);
  console.log('  Press Ctrl-C to stop.');
  const code = await new Promise((res) => server.process.once('exit', (c, s) => res(c ?? s)));
  failAndExit(new HarnessError(`code-server stopped unexpectedly (${code})`));
}

main().catch((e) => failAndExit(e));
