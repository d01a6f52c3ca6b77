// Shared helpers for running PerfLens inside a real VS Code on machines that only reach the npm
// registry and Debian's packages (see docs: code-server from npm + Debian Chromium driven by
// playwright-core). Used by test/vscode/run.mjs (`npm run test:vscode`) and scripts/start.mjs
// (`npm start`).
//
// Everything here is idempotent and works on a fresh clone:
//   ensureAptPackages()  chromium, libkrb5-dev, ripgrep (apt-get update only when something is missing)
//   ensureCodeServer()   code-server@4.100.3 in .vscode-test/code-server (reused when its marker matches)
//   startCodeServer()    127.0.0.1 only, free port, waits for HTTP, returns { url, port, stop() }
//   launchBrowser()      headless Debian Chromium through playwright-core, fresh profile
// Failures throw HarnessError (one clear line); callers print it and exit non-zero. Every wait has
// a timeout, and every child process is killed when this Node process exits.
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, createWriteStream, lstatSync, statSync,
} from 'node:fs';
import { createServer } from 'node:net';
import http from 'node:http';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CODE_SERVER_VERSION = '4.100.3';
export const CACHE_DIR = join(REPO, '.vscode-test');
export const CODE_SERVER_DIR = join(CACHE_DIR, 'code-server');
export const CODE_SERVER_PKG = join(CODE_SERVER_DIR, 'node_modules', 'code-server');
export const CODE_SERVER_ENTRY = join(CODE_SERVER_PKG, 'out', 'node', 'entry.js');
export const CHROMIUM = '/usr/bin/chromium';
const MARKER = join(CODE_SERVER_DIR, '.perflens-install.json');
const INSTALL_LOG = join(CACHE_DIR, 'code-server-install.log');
// @vscode/ripgrep (used by VS Code 1.100) looks for a cached release archive before downloading.
const RIPGREP_PKG_VERSION = '1.15.11';
const RIPGREP_RELEASE = 'v13.0.0-10';
const APT_PACKAGES = ['chromium', 'libkrb5-dev', 'ripgrep'];

export class HarnessError extends Error {}

export function log(msg) {
  console.log(`[vscode-harness] ${msg}`);
}

/** Prints a HarnessError (or any error) as one line and exits non-zero. */
export function failAndExit(err, code = 1) {
  const msg = err instanceof HarnessError ? err.message : (err?.stack ?? String(err));
  console.error(`[vscode-harness] ERROR: ${msg}`);
  process.exit(code);
}

// ── child-process bookkeeping: everything we start dies with us ─────────────────────────────────
const children = new Set();
function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}
function killTree(child, signal = 'SIGTERM') {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  try {
    process.kill(-child.pid, signal); // detached => own process group; kills code-server's ext hosts too
  } catch {
    try { child.kill(signal); } catch { /* already gone */ }
  }
}
process.once('exit', () => {
  for (const c of children) killTree(c, 'SIGKILL');
});
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(sig, () => {
    for (const c of children) killTree(c, 'SIGTERM');
    process.exit(130);
  });
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new HarnessError(`${what} timed out after ${Math.round(ms / 1000)} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

// ── apt packages ────────────────────────────────────────────────────────────────────────────────
function dpkgInstalled(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return r.status === 0 && /install ok installed/.test(r.stdout);
}

/** Installs the Debian packages the harness needs when missing. Only runs apt-get when needed. */
export function ensureAptPackages(pkgs = APT_PACKAGES) {
  if (process.platform !== 'linux') throw new HarnessError(`the code-server harness supports Linux only (this is ${process.platform})`);
  const haveDpkg = spawnSync('dpkg-query', ['--version']).status === 0;
  if (!haveDpkg) {
    // Not Debian-based: accept the packages if their binaries are there.
    const missing = [];
    if (!existsSync(CHROMIUM)) missing.push('chromium (/usr/bin/chromium)');
    if (spawnSync('rg', ['--version']).status !== 0) missing.push('ripgrep (rg)');
    if (missing.length) throw new HarnessError(`no dpkg/apt here and missing: ${missing.join(', ')}; install them by hand`);
    return;
  }
  const missing = pkgs.filter((p) => !dpkgInstalled(p));
  if (!missing.length) return;
  const isRoot = process.getuid?.() === 0;
  const sudo = isRoot ? [] : ['sudo', '-n'];
  log(`installing Debian packages: ${missing.join(' ')} (apt-get update first)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const run = (args, timeoutMs) => {
    const [cmd, ...rest] = [...sudo, ...args];
    const r = spawnSync(cmd, rest, { stdio: ['ignore', 'pipe', 'pipe'], env, encoding: 'utf8', timeout: timeoutMs });
    if (r.error?.code === 'ETIMEDOUT' || r.signal) throw new HarnessError(`${args.join(' ')} timed out after ${timeoutMs / 1000} s`);
    if (r.status !== 0) {
      const tail = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').slice(-3).join(' | ');
      throw new HarnessError(`${[...sudo, ...args].join(' ')} failed (exit ${r.status ?? r.error?.code}): ${tail}${isRoot ? '' : ' — run as root or allow passwordless sudo'}`);
    }
  };
  run(['apt-get', 'update', '-qq'], 5 * 60_000);
  run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...missing], 10 * 60_000);
  const still = missing.filter((p) => !dpkgInstalled(p));
  if (still.length) throw new HarnessError(`apt-get did not install: ${still.join(' ')}`);
  log(`installed ${missing.join(' ')}`);
}

// ── code-server ─────────────────────────────────────────────────────────────────────────────────
function readMarker() {
  try {
    return JSON.parse(readFileSync(MARKER, 'utf8'));
  } catch {
    return null;
  }
}

function ripgrepTarget() {
  const arch = os.arch();
  if (arch === 'x64') return 'x86_64-unknown-linux-musl';
  if (arch === 'arm64') return 'aarch64-unknown-linux-musl';
  throw new HarnessError(`no ripgrep cache recipe for architecture ${arch}`);
}

/** Native pieces code-server's postinstall must have produced; missing => the install is broken. */
function codeServerProblems() {
  const vs = join(CODE_SERVER_PKG, 'lib', 'vscode');
  const need = [
    CODE_SERVER_ENTRY,
    join(vs, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg'),
    join(vs, 'node_modules', 'node-pty', 'build', 'Release', 'pty.node'),
    join(vs, 'node_modules', '@vscode', 'spdlog', 'build', 'Release', 'spdlog.node'),
    join(vs, 'node_modules', 'kerberos', 'build', 'Release', 'kerberos.node'),
    join(vs, 'node_modules.asar'),
    join(vs, 'extensions', 'node_modules', 'typescript', 'package.json'),
  ];
  return need.filter((p) => {
    try {
      lstatSync(p);
      return false;
    } catch {
      return true;
    }
  });
}

/** Our own config file, so code-server never writes ~/.config/code-server/config.yaml. */
function codeServerConfig() {
  const file = join(CODE_SERVER_DIR, 'config.yaml');
  if (!existsSync(file)) writeFileSync(file, 'bind-addr: 127.0.0.1:0\nauth: none\ncert: false\n');
  return file;
}

function codeServerVersion() {
  const r = spawnSync(process.execPath, [CODE_SERVER_ENTRY, '--config', codeServerConfig(), '--version'], { encoding: 'utf8', timeout: 60_000 });
  // The first run also logs "Wrote default config file …" before the version line.
  return r.status === 0 ? (/^(\d+\.\d+\.\d+) [0-9a-f]{7,}/m.exec(r.stdout)?.[1] ?? null) : null;
}

/**
 * Installs code-server@4.100.3 into .vscode-test/code-server unless a complete install is there.
 * Returns the path of its entry script (run it with `node`).
 */
export async function ensureCodeServer() {
  if (codeServerReady()) return CODE_SERVER_ENTRY;
  // One installer at a time (e.g. `npm start` and `npm test` started together).
  const lock = join(CACHE_DIR, 'code-server.lock');
  mkdirSync(CACHE_DIR, { recursive: true });
  const deadline = Date.now() + 25 * 60_000;
  for (let waited = false; ; waited = true) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw new HarnessError(`cannot create ${lock}: ${e.message}`);
      let pid = 0;
      try { pid = Number(readFileSync(join(lock, 'pid'), 'utf8').trim()) || 0; } catch { /* being written */ }
      let alive = false;
      try {
        alive = pid > 0 ? process.kill(pid, 0) : Date.now() - statSync(lock).mtimeMs < 30_000;
      } catch { alive = false; }
      if (!alive) {
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (!waited) log(`another process (pid ${pid}) is installing code-server; waiting for it`);
      if (Date.now() > deadline) throw new HarnessError(`waited 25 min for pid ${pid} to install code-server (remove ${lock} if it is stale)`);
      await new Promise((r) => setTimeout(r, 2000));
      if (codeServerReady()) return CODE_SERVER_ENTRY;
    }
  }
  try {
    if (codeServerReady()) return CODE_SERVER_ENTRY;
    return await installCodeServer();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function codeServerReady() {
  const m = readMarker();
  return m?.version === CODE_SERVER_VERSION && m?.nodeMajor === process.versions.node.split('.')[0] && codeServerProblems().length === 0;
}

async function installCodeServer() {
  const nodeMajor = process.versions.node.split('.')[0];
  if (nodeMajor !== '20') {
    throw new HarnessError(`code-server ${CODE_SERVER_VERSION} needs Node 20 (this is ${process.version})`);
  }
  ensureAptPackages();
  const started = Date.now();
  log(`installing code-server@${CODE_SERVER_VERSION} into ${CODE_SERVER_DIR} (one time, ~1-2 min; log: ${INSTALL_LOG})`);
  rmSync(CODE_SERVER_DIR, { recursive: true, force: true });
  mkdirSync(CODE_SERVER_DIR, { recursive: true });
  writeFileSync(join(CODE_SERVER_DIR, 'package.json'), JSON.stringify({
    name: 'perflens-vscode-test-code-server',
    private: true,
    description: 'Test harness cache (scripts/vscode-harness.mjs); not part of PerfLens.',
    dependencies: { 'code-server': CODE_SERVER_VERSION },
  }, null, 2));

  // Offline ripgrep: hand @vscode/ripgrep a "cached download" made from Debian's /usr/bin/rg.
  const tmp = join(CACHE_DIR, 'tmp');
  const rgCache = join(tmp, `vscode-ripgrep-cache-${RIPGREP_PKG_VERSION}`);
  mkdirSync(rgCache, { recursive: true });
  const rgPath = spawnSync('sh', ['-c', 'command -v rg'], { encoding: 'utf8' }).stdout.trim();
  if (!rgPath) throw new HarnessError('ripgrep (rg) is not on PATH even after installing it');
  const rgTar = join(rgCache, `ripgrep-${RIPGREP_RELEASE}-${ripgrepTarget()}.tar.gz`);
  const t = spawnSync('tar', ['czf', rgTar, '-C', dirname(rgPath), 'rg'], { encoding: 'utf8' });
  if (t.status !== 0) throw new HarnessError(`could not build the ripgrep cache archive: ${t.stderr.trim()}`);

  const env = {
    ...process.env,
    TMPDIR: tmp, // where @vscode/ripgrep looks for its cache
    npm_config_unsafe_perm: 'true', // code-server's postinstall refuses to run as root without it
    npm_config_yes: 'true', // a nested `npx node-gyp` would otherwise stop at a prompt
    // npm 11 skips dependency install scripts unless approved. code-server's postinstall runs
    // `npm install` inside lib/vscode and lib/vscode/extensions, whose native modules (node-pty,
    // spdlog, kerberos, ripgrep, ...) must build too; an env setting reaches those nested installs,
    // a package.json allowScripts field would not. Scoped to this cache folder only.
    npm_config_dangerously_allow_all_scripts: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
  // node-gyp must not download Node headers (no internet): use the installed ones when present.
  const prefix = resolve(dirname(process.execPath), '..');
  if (!env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node_api.h'))) env.npm_config_nodedir = prefix;

  const out = createWriteStream(INSTALL_LOG);
  const child = track(spawn('npm', ['install', '--foreground-scripts', '--no-audit', '--no-fund'], {
    cwd: CODE_SERVER_DIR, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  }));
  let tail = '';
  const onData = (d) => {
    out.write(d);
    tail = (tail + d).slice(-4000);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const heartbeat = setInterval(() => log(`  still installing code-server… ${Math.round((Date.now() - started) / 1000)} s`), 20_000);
  let code;
  try {
    code = await withTimeout(new Promise((res) => child.once('close', (c, s) => res(c ?? s))), 20 * 60_000, 'code-server install');
  } catch (e) {
    killTree(child, 'SIGKILL');
    throw e;
  } finally {
    clearInterval(heartbeat);
    out.end();
  }
  if (code !== 0) {
    const last = tail.trim().split('\n').filter(Boolean).slice(-6).join(' | ');
    throw new HarnessError(`npm install code-server@${CODE_SERVER_VERSION} failed (exit ${code}); see ${INSTALL_LOG}: ${last}`);
  }
  const problems = codeServerProblems();
  if (problems.length) {
    throw new HarnessError(`code-server installed but its postinstall did not finish (missing ${problems.map((p) => p.replace(CODE_SERVER_DIR + '/', '')).join(', ')}); see ${INSTALL_LOG}`);
  }
  const v = codeServerVersion();
  if (v !== CODE_SERVER_VERSION) throw new HarnessError(`installed code-server reports version ${v ?? '(did not run)'}, expected ${CODE_SERVER_VERSION}`);
  writeFileSync(MARKER, JSON.stringify({ version: CODE_SERVER_VERSION, nodeMajor, installedAt: new Date().toISOString() }, null, 2));
  log(`code-server ${v} installed in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return CODE_SERVER_ENTRY;
}

// ── running code-server ─────────────────────────────────────────────────────────────────────────
export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

function httpStatus(url, timeoutMs = 3000) {
  return new Promise((res) => {
    const req = http.get(url, { timeout: timeoutMs }, (r) => {
      r.resume();
      res(r.statusCode);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => res(0));
  });
}

/** Default VS Code user settings for a harness profile (no welcome page, no nagging, no network). */
export const DEFAULT_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  'window.restoreWindows': 'none',
  'files.hotExit': 'off',
  'chat.commandCenter.enabled': false,
  'github.copilot.enable': { '*': false },
};

/**
 * Starts code-server on 127.0.0.1 and waits until it answers HTTP.
 * @param {{workspace: string, port?: number, userDataDir: string, extensionsDir: string,
 *   settings?: object, env?: object, extraArgs?: string[], onOutput?: (line: string) => void,
 *   readyTimeoutMs?: number}} opts
 * @returns {Promise<{url: string, port: number, process: import('node:child_process').ChildProcess, output: () => string, stop: () => Promise<void>}>}
 */
export async function startCodeServer({
  workspace, port, userDataDir, extensionsDir, settings = {}, env = {}, extraArgs = [], onOutput, readyTimeoutMs = 60_000,
}) {
  if (!existsSync(CODE_SERVER_ENTRY)) throw new HarnessError('code-server is not installed; call ensureCodeServer() first');
  if (!existsSync(workspace)) throw new HarnessError(`workspace folder does not exist: ${workspace}`);
  port ??= await freePort();
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  const settingsFile = join(userDataDir, 'User', 'settings.json');
  let existing = {};
  try { existing = JSON.parse(readFileSync(settingsFile, 'utf8')); } catch { /* fresh */ }
  writeFileSync(settingsFile, JSON.stringify({ ...DEFAULT_SETTINGS, ...existing, ...settings }, null, 2));

  const args = [
    CODE_SERVER_ENTRY,
    '--config', codeServerConfig(),
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    ...extraArgs,
    workspace,
  ];
  const childEnv = { ...process.env, ...env };
  // A VS Code terminal's variables would confuse the nested server; a password would ask for login.
  for (const k of Object.keys(childEnv)) if (/^VSCODE_/.test(k) || k === 'PASSWORD' || k === 'HASHED_PASSWORD') delete childEnv[k];
  const child = track(spawn(process.execPath, args, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true }));
  let output = '';
  let pending = '';
  let stopping = false;
  const onData = (d) => {
    const s = String(d);
    output = (output + s).slice(-20_000);
    if (!onOutput || stopping) return;
    pending += s;
    const lines = pending.split('\n');
    pending = lines.pop();
    for (const l of lines) onOutput(l.length > 300 ? `${l.slice(0, 300)}…` : l);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise((res) => child.once('exit', (c, s) => res(c ?? s)));

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + readyTimeoutMs;
  let ready = false;
  while (Date.now() < deadline) {
    const early = await Promise.race([exited, new Promise((r) => setTimeout(() => r(undefined), 250))]);
    if (early !== undefined) {
      const last = output.trim().split('\n').slice(-4).join(' | ');
      throw new HarnessError(`code-server exited (${early}) before it was ready: ${last}`);
    }
    if ((await httpStatus(`${url}/healthz`)) === 200) {
      ready = true;
      break;
    }
  }
  if (!ready) {
    killTree(child, 'SIGKILL');
    throw new HarnessError(`code-server did not answer on ${url} within ${readyTimeoutMs / 1000} s`);
  }

  const stop = async () => {
    stopping = true;
    if (child.exitCode === null && child.signalCode === null) {
      // SIGTERM to code-server itself lets it shut its helpers down; then sweep its process group.
      try { child.kill('SIGTERM'); } catch { /* gone */ }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    }
    try { process.kill(-child.pid, 'SIGKILL'); } catch { /* group already empty */ }
  };
  return { url, port, process: child, output: () => output, stop };
}

/** The workbench URL that opens `folder`, optionally with the payload used by extension tests. */
export function workbenchUrl(serverUrl, folder, payload) {
  const port = new URL(serverUrl).port;
  const q = new URLSearchParams({ folder });
  if (payload) {
    const remote = (p) => `vscode-remote://127.0.0.1:${port}${p}`;
    const entries = Object.entries(payload).map(([k, v]) => [k, k.endsWith('Path') ? remote(v) : v]);
    q.set('payload', JSON.stringify(entries));
  }
  return `${serverUrl}/?${q}`;
}

// ── browser ─────────────────────────────────────────────────────────────────────────────────────
/**
 * Launches headless Debian Chromium with a fresh profile through playwright-core.
 * @returns {Promise<{context: import('playwright-core').BrowserContext, page: import('playwright-core').Page, close: () => Promise<void>}>}
 */
export async function launchBrowser({ viewport = { width: 1440, height: 900 }, timeoutMs = 60_000 } = {}) {
  ensureAptPackages();
  if (!existsSync(CHROMIUM)) throw new HarnessError(`${CHROMIUM} not found (apt-get install chromium)`);
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch {
    throw new HarnessError('playwright-core is not installed (run `npm ci`)');
  }
  const profile = mkdtempSync(join(os.tmpdir(), 'perflens-chromium-'));
  let context;
  try {
    // launchPersistentContext = Chromium's own --user-data-dir, a fresh folder per run.
    context = await withTimeout(chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport,
      timeout: timeoutMs,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-dev-shm-usage',
        '--disable-quic',
        '--no-first-run',
        '--no-default-browser-check',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-features=Translate,MediaRouter,OptimizationHints',
        '--password-store=basic',
      ],
    }), timeoutMs + 5000, 'launching Chromium');
  } catch (e) {
    rmSync(profile, { recursive: true, force: true });
    if (e instanceof HarnessError) throw e;
    throw new HarnessError(`could not launch ${CHROMIUM}: ${String(e.message ?? e).split('\n')[0]}`);
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const close = async () => {
    await withTimeout(context.close(), 15_000, 'closing Chromium').catch(() => {});
    rmSync(profile, { recursive: true, force: true });
  };
  return { context, page, close };
}

/** A fresh temp folder (removed by the caller or left in os.tmpdir()). */
export function tempDir(prefix) {
  return mkdtempSync(join(os.tmpdir(), prefix));
}

/**
 * The texts of the CodeLens decorations on the page once they stop changing (read every 250 ms,
 * at most `maxMs`): PerfLens lenses arrive without their titles and VS Code resolves those on
 * screen one request each, so right after the first one shows, the others may still be coming.
 */
export async function settledLensTexts(page, maxMs = 5_000) {
  const read = () => page.$$eval('.codelens-decoration', (els) => els.map((e) => e.textContent?.trim()).filter(Boolean));
  let last = await read();
  for (const until = Date.now() + maxMs; Date.now() < until; ) {
    await new Promise((r) => setTimeout(r, 250));
    const now = await read();
    if (now.join('\n') === last.join('\n')) return now;
    last = now;
  }
  return last;
}
