// `npm run bench`: speed and memory of PerfLens against peers measured in the same run.
// Each scenario runs in its own child process (so its peak RSS is its own), repeated ≥ 5 times;
// the table prints min / median / max and the ratio of medians to the peer. The server's work
// (cold analysis, and the server itself) runs with the Node flags the extension starts the
// server with (SERVER_EXEC_ARGV); ts.createSourceFile is timed in the cold analysis's process.
//   cold      analyse node_modules/typescript/lib/typescript.js (all summaries, all rules, lenses
//             and diagnostics ready) vs ts.createSourceFile and vs ESLint 9 (no-await-in-loop, TS parser)
//   keystroke 100 random one-character edits in a ~5,000-line real file, through the bundled
//             server over stdio: latency until fresh diagnostics and lenses (those on screen
//             resolved, as VS Code does), vs the cold analysis;
//             a space after an existing one (the code keeps parsing), the first 100 in a fresh
//             server, the next 100 in the same document, then 100 more 100 ms apart (as typed at
//             10 keys a second: the CPU caches cool between keystrokes, while the series before
//             send each edit as soon as the last one's answers arrive); then 100 spaces at random offsets
//             (which split tokens: the file stops parsing and stays broken; once a parse error
//             reaches past its function, the server moves its last analysis through the edits
//             instead of deriving one, see server/src/keptAnalysis.ts); then 100 keystrokes
//             typing `const n = rows.length + 1;` at the start of random bodies (half-typed,
//             the body often does not parse); under each series, the server's own parse and
//             analysis times and GC pauses (perflens/stats with `jobs`); and, as the peer of the
//             warm and paced series, the protocol floor: the same keystrokes through a server that
//             analyses nothing and answers with PerfLens's lenses (test/bench/floorServer.ts)
//   profile   load the 9.4 MB .cpuprofile and compute the overlay, vs a bare JSON.parse
import { spawnSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { pathToFileURL } from 'node:url';
import { ts } from 'ts-morph';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { analyzeFile } from '../../server/src/engine';
import { defaultSettings } from '../../server/src/analysis/types';
import { parse } from '../../server/src/analysis/project/document';
import { LensBook } from '../../server/src/codeLens';
import { toDiagnostic } from '../../server/src/diagnostics';
import { withTreeLines } from '../../server/src/lines';
import { parseProfile } from '../../client/src/profile';
import { bucketLines, heatScale } from '../../client/src/heat/model';
import { SERVER_EXEC_ARGV } from '../../server/src/protocol';
import { editOffset, functionBodies, seededRandom } from './edits';

const root = (() => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'esbuild.mjs'))) dir = path.dirname(dir);
  return dir;
})();
const REPS = Number(process.env.BENCH_REPS ?? 5);
/** The time between keystrokes of the paced edit series: a typist at 10 keys a second. */
const TYPING_PAUSE_MS = 100;
const TS_FILE = path.join(root, 'node_modules/typescript/lib/typescript.js');
const EDIT_FILE = path.join(root, 'node_modules/azure-devops-node-api/GitApi.js');
const PROFILE = path.join(root, '..', 'shared/fixtures/profiles/cpuprofile/node20-cpu-prof-tsc-large.cpuprofile');

// ── child side: one scenario, REPS times, prints JSON { times, maxRssMB } ──
const parseTimes: number[] = [];
function runScenario(name: string): number[] {
  const times: number[] = [];
  const time = (fn: () => void) => {
    const t = process.hrtime.bigint();
    fn();
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  };
  if (name === 'analyze') {
    // Parse and analysis alternate in the same process, so they see the same machine, JIT and
    // heap settings; the parse times go to `parseTimes` (see the driver).
    const text = fs.readFileSync(TS_FILE, 'utf8');
    for (let i = 0; i < REPS; i++) {
      time(() => ts.createSourceFile(TS_FILE, text, ts.ScriptTarget.Latest, true));
      parseTimes.push(times.pop()!);
      time(() => {
        // as the language server does: the analysis's first walk sets the parent pointers
        const sf = parse(TS_FILE, text, { deferParents: true });
        // The whole analysis (no time budget), in the server's mode: fixes are computed when a
        // code action asks for them, not for every finding up front.
        const a = analyzeFile({ fileName: TS_FILE, sourceFile: sf, settings: { ...defaultSettings, timeBudgetMs: Infinity }, lazyFixes: true });
        if (a.notice) throw new Error(a.notice);
        const doc = withTreeLines(TextDocument.create(pathToFileURL(TS_FILE).toString(), 'javascript', 1, text), sf);
        // The server's lenses: every function's (range and Big-O), with the commands of those
        // near the top (where the document opens) made at once, as the server sends them.
        new LensBook().publish(doc, a.summaries, 0);
        a.findings.map((f) => toDiagnostic(doc, f, () => undefined));
      });
    }
  } else if (name === 'eslint') {
    // eslint and its parser are dev dependencies, loaded only here.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Linter } = require('eslint') as typeof import('eslint');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const parser = require('@typescript-eslint/parser');
    const text = fs.readFileSync(TS_FILE, 'utf8');
    const linter = new Linter({ configType: 'flat' });
    for (let i = 0; i < REPS; i++) time(() => linter.verify(text, [{ files: ['**/*.js'], languageOptions: { parser, sourceType: 'script' }, rules: { 'no-await-in-loop': 'error' } }], { filename: 'typescript.js' }));
  } else if (name === 'json') {
    for (let i = 0; i < REPS; i++) time(() => JSON.parse(fs.readFileSync(PROFILE, 'utf8')));
  } else if (name === 'profile') {
    for (let i = 0; i < REPS; i++)
      time(() => {
        const profile = parseProfile(fs.readFileSync(PROFILE, 'utf8'));
        const scale = heatScale(profile.maxLineMs);
        for (const file of profile.files.values()) bucketLines(file.lines, scale);
      });
  } else throw new Error(`unknown scenario ${name}`);
  return times;
}

type ServerWork = { parseMs: number[]; analysisMs: number[]; gcMs?: number[]; idleGcMs?: number[] };
type Lens = { range: { start: { line: number; character: number }; end: { line: number; character: number } }; command?: { title: string; command: string; tooltip?: string }; data?: unknown };
type MessageConnection = ReturnType<typeof createMessageConnection>;

/** A language server over stdio, started with the flags the extension gives PerfLens's server. */
async function lspServer(script: string): Promise<{ conn: MessageConnection; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [...SERVER_EXEC_ARGV, ...(process.env.PERFLENS_BENCH_SERVER_ARGS ?? '').split(' ').filter(Boolean), script, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({})));
  conn.onRequest('workspace/diagnostic/refresh', () => null);
  conn.onRequest('workspace/codeLens/refresh', () => null);
  conn.listen();
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, workspaceFolders: null, capabilities: { workspace: { configuration: true } } });
  await conn.sendNotification('initialized', {});
  const stop = async () => {
    await conn.sendRequest('shutdown');
    await conn.sendNotification('exit');
    // Let the server exit on its own (so `--cpu-prof` in PERFLENS_BENCH_SERVER_ARGS writes its profile).
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        child.kill();
        resolve();
      }, 5000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    conn.dispose();
  };
  return { conn, stop };
}

/**
 * What VS Code asks after an edit: the document's diagnostics and lenses, then a resolve of each
 * lens on screen (`VIEWPORT` lines around `line`) that came without its command. Resolves to the
 * diagnostics and the lenses.
 */
const VIEWPORT = 50;
const refresh = (conn: MessageConnection, uri: string, line: number) =>
  Promise.all([
    conn.sendRequest<{ items: unknown[] }>('textDocument/diagnostic', { textDocument: { uri } }),
    conn.sendRequest<Lens[]>('textDocument/codeLens', { textDocument: { uri } }).then(async (lenses) => {
      const top = Math.max(0, line - VIEWPORT / 2);
      const shown = lenses.filter((l) => !l.command && l.range.start.line >= top && l.range.start.line < top + VIEWPORT);
      await Promise.all(shown.map((l) => conn.sendRequest('codeLens/resolve', l)));
      return lenses;
    }),
  ]);

/** A copy of the edit file at a new path (so no summary of an earlier copy is reused), and its URI. */
function editFileCopy(tag: string, text: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `perflens-bench-${tag}-`));
  const copy = path.join(dir, path.basename(EDIT_FILE));
  fs.writeFileSync(copy, text);
  return pathToFileURL(copy).toString();
}

/**
 * `n` one-character insertions in the document `doc` (the client's copy) on `conn`, each timed
 * until fresh diagnostics and lenses. `afterSpace`: a space right after an existing space of a
 * random place in a function body (the code keeps parsing, as while typing; the function's text
 * changes, so it is re-derived). Otherwise a space at a random offset: it often splits a token,
 * the file stops parsing after the first few and stays broken (error recovery restructures it
 * from that point on). Returns the times and the document after the edits.
 */
async function typeSpaces(conn: MessageConnection, doc: TextDocument, bodies: ReturnType<typeof functionBodies>, rand: () => number, afterSpace: boolean, pauseMs = 0, n = 100): Promise<{ times: number[]; doc: TextDocument; lenses: Lens[]; diagnostics: unknown[] }> {
  const times: number[] = [];
  let answer: [{ items: unknown[] }, Lens[]] | undefined;
  for (let i = 0; i < n; i++) {
    // (the pause is not timed: the keystroke's time starts when it is sent)
    if (pauseMs) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    const offset = editOffset(doc.getText(), bodies, rand, afterSpace);
    const pos = doc.positionAt(offset);
    const change = { range: { start: pos, end: pos }, text: ' ' };
    doc = TextDocument.update(doc, [change], doc.version + 1);
    const t = process.hrtime.bigint();
    await conn.sendNotification('textDocument/didChange', { textDocument: { uri: doc.uri, version: doc.version }, contentChanges: [change] });
    answer = await refresh(conn, doc.uri, pos.line);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return { times, doc, lenses: answer?.[1] ?? [], diagnostics: answer?.[0].items ?? [] };
}

async function keystrokes(): Promise<{ cold: number[]; edits: number[]; warm: number[]; paced: number[]; anywhere: number[]; statements: number[]; work: ServerWork[]; floor: { warm: number[]; paced: number[]; lenses: number; resolved: number } }> {
  const { conn, stop } = await lspServer(path.join(root, 'dist/server/main.js'));
  const baseText = fs.readFileSync(EDIT_FILE, 'utf8');
  const cold: number[] = [];
  const rand = seededRandom(42);
  const open = async (rep: number): Promise<string> => {
    const uri = editFileCopy(String(rep), baseText);
    const t0 = process.hrtime.bigint();
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'javascript', version: 1, text: baseText } });
    await refresh(conn, uri, 0);
    cold.push(Number(process.hrtime.bigint() - t0) / 1e6);
    return uri;
  };
  // Function bodies of the file, where the edits go.
  const bodies = functionBodies(EDIT_FILE, baseText);
  // The client's copy of each document (a second series on a document continues from the first),
  // and the answers of the last edit (the floor below gives the same).
  const docs = new Map<string, TextDocument>();
  let lastAnswer: { lenses: Lens[]; diagnostics: unknown[] } = { lenses: [], diagnostics: [] };
  const edits = async (uri: string, afterSpace: boolean, pauseMs = 0): Promise<number[]> => {
    const r = await typeSpaces(conn, docs.get(uri) ?? TextDocument.create(uri, 'javascript', 1, baseText), bodies, rand, afterSpace, pauseMs);
    docs.set(uri, r.doc);
    lastAnswer = r;
    return r.times;
  };
  // The server's own time per analysis (parse, analysis) during each edit series, from
  // perflens/stats after it: the rest of a keystroke's latency is the protocol, the lenses and
  // the client.
  const work: ServerWork[] = [];
  const serverWork = async () => (await conn.sendRequest<{ jobs?: ServerWork }>('perflens/stats', { jobs: true })).jobs ?? { parseMs: [], analysisMs: [] };
  // rep 0 also pays for the server's JIT warm-up; the later ones (after the first edit series)
  // measure a cold file in a warm server.
  const first = await open(0);
  await serverWork();
  const typed = await edits(first, true);
  work.push(await serverWork());
  // 100 more in the same document: the server has typed 100 edits already (JIT compiled, young
  // generation grown to its working size), as in an editor that has been open a while
  const typedWarm = await edits(first, true);
  work.push(await serverWork());
  const answer = lastAnswer;
  // 100 more, typed at 10 keys a second: what a user meets (the series before measure the work,
  // this one also the cost of coming back to it with cold caches)
  const paced = await edits(first, true, TYPING_PAUSE_MS);
  work.push(await serverWork());
  for (let rep = 1; rep < REPS; rep++) await open(rep);
  const last = await open(REPS);
  await serverWork();
  const anywhere = await edits(last, false);
  work.push(await serverWork());
  // Code typed as one types it: a statement, character by character, at the start of random
  // function bodies (in a fresh copy). Until it is complete the body often does not parse
  // (`const n =`, `rows.`): those keystrokes go to the incremental parser.
  const statement = 'const n = rows.length + 1;';
  const typedDoc = await open(REPS + 1);
  await serverWork();
  const statements: number[] = [];
  {
    let doc = TextDocument.create(typedDoc, 'javascript', 1, baseText);
    const insertedAt: number[] = [];
    while (statements.length < 100) {
      const b = bodies[Math.floor(rand() * bodies.length)];
      // the body's start in the current text: moved by the statements typed before it
      let at = b.start + insertedAt.filter((x) => x <= b.start).length * statement.length;
      insertedAt.push(b.start);
      for (const ch of statement) {
        if (statements.length >= 100) break;
        const pos = doc.positionAt(at++);
        const change = { range: { start: pos, end: pos }, text: ch };
        doc = TextDocument.update(doc, [change], doc.version + 1);
        const t = process.hrtime.bigint();
        await conn.sendNotification('textDocument/didChange', { textDocument: { uri: typedDoc, version: doc.version }, contentChanges: [change] });
        await refresh(conn, typedDoc, pos.line);
        statements.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
    }
  }
  work.push(await serverWork());
  cold.pop(); // (this opening only gives the typed statements a fresh copy)
  cold.pop(); // the last opening only gives the second edit series a fresh copy
  await stop();
  return { cold, edits: typed, warm: typedWarm, paced, anywhere, statements, work, floor: await protocolFloor(baseText, bodies, answer) };
}

/**
 * The same keystrokes through a server that analyses nothing (floorServer.ts) and answers each
 * with what PerfLens answered after its warm series (its lens set, and the command of a lens it
 * sent resolved): what a keystroke costs any server on this machine for the same answers. 100
 * edits to warm it up, then 100 back to back and 100 at typing speed, as PerfLens's warm and
 * paced series.
 */
async function protocolFloor(baseText: string, bodies: ReturnType<typeof functionBodies>, answer: { lenses: Lens[]; diagnostics: unknown[] }): Promise<{ warm: number[]; paced: number[]; lenses: number; resolved: number }> {
  const command = answer.lenses.find((l) => l.command)?.command;
  if (!command) throw new Error('the floor needs a lens PerfLens sent with its command');
  const { conn, stop } = await lspServer(path.join(root, 'dist/test/bench/floorServer.js'));
  await conn.sendRequest('floor/answers', { lenses: answer.lenses.map((l) => ({ range: l.range, data: l.data })), diagnostics: answer.diagnostics, command: { title: command.title, command: command.command, tooltip: command.tooltip } });
  const uri = editFileCopy('floor', baseText);
  await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'javascript', version: 1, text: baseText } });
  await refresh(conn, uri, 0);
  const rand = seededRandom(42);
  let doc = TextDocument.create(uri, 'javascript', 1, baseText);
  ({ doc } = await typeSpaces(conn, doc, bodies, rand, true));
  const warm = await typeSpaces(conn, doc, bodies, rand, true);
  const paced = await typeSpaces(conn, warm.doc, bodies, rand, true, TYPING_PAUSE_MS);
  await stop();
  return { warm: warm.times, paced: paced.times, lenses: answer.lenses.length, resolved: answer.lenses.filter((l) => l.command).length };
}

// Workspace scale: open 200 files of a real project (ESLint's own lib/), ask for diagnostics and
// lenses of each, close them all; repeat. The server's RSS after a full GC (perflens/stats with
// `gc`; SERVER_EXEC_ARGV exposes it), after opening and after closing, per round: closing must give the memory back.
const WORKSPACE_DIR = path.join(root, 'node_modules/eslint/lib');
async function workspaceRounds(): Promise<{ open: number[]; closed: number[]; heapAfterClose: number[]; baseline: number; files: number; held: string }> {
  const server = path.join(root, 'dist/server/main.js');
  const child = spawn(process.execPath, [...SERVER_EXEC_ARGV, server, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createMessageConnection(new StreamMessageReader(child.stdout), new StreamMessageWriter(child.stdin));
  conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({})));
  conn.onRequest('workspace/diagnostic/refresh', () => null);
  conn.onRequest('workspace/codeLens/refresh', () => null);
  conn.listen();
  const rootUri = pathToFileURL(path.join(root, 'node_modules/eslint')).toString();
  await conn.sendRequest('initialize', { processId: process.pid, rootUri, workspaceFolders: [{ uri: rootUri, name: 'eslint' }], capabilities: { workspace: { configuration: true } } });
  await conn.sendNotification('initialized', {});
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory()) walk(path.join(dir, e.name));
      else if (e.name.endsWith('.js')) files.push(path.join(dir, e.name));
    }
  };
  walk(WORKSPACE_DIR);
  const chosen = files.slice(0, 200);
  type Stats = { rssMB: number; heapUsedMB: number; openDocuments: number; syntaxTrees: number; cachedSummaries: number; projectFiles: number; lensDocuments: number };
  const stats = () => conn.sendRequest<Stats>('perflens/stats', { gc: true });
  const baseline = (await stats()).rssMB;
  const open: number[] = [];
  const closed: number[] = [];
  const heapAfterClose: number[] = [];
  let held = '';
  for (let round = 0; round < REPS; round++) {
    for (const f of chosen) {
      const uri = pathToFileURL(f).toString();
      await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'javascript', version: 1, text: fs.readFileSync(f, 'utf8') } });
      await Promise.all([conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } }), conn.sendRequest('textDocument/codeLens', { textDocument: { uri } })]);
    }
    open.push((await stats()).rssMB);
    for (const f of chosen) await conn.sendNotification('textDocument/didClose', { textDocument: { uri: pathToFileURL(f).toString() } });
    const s = await stats();
    closed.push(s.rssMB);
    heapAfterClose.push(s.heapUsedMB);
    held = `documents ${s.openDocuments}, trees ${s.syntaxTrees}, summaries ${s.cachedSummaries}, project files ${s.projectFiles}, lens sets ${s.lensDocuments}`;
  }
  await conn.sendRequest('shutdown');
  await conn.sendNotification('exit');
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => (child.kill(), resolve()), 5000);
    child.once('exit', () => (clearTimeout(timer), resolve()));
  });
  return { open, closed, heapAfterClose, baseline, files: chosen.length, held };
}

// ── driver ──
interface Result {
  times: number[];
  /** The analyze scenario: ts.createSourceFile times of the same process. */
  parseTimes?: number[];
  maxRssMB: number;
}
/** Scenarios that measure the language server's own work run with the flags the extension gives the server. */
const SERVER_SCENARIOS = new Set(['analyze']);
function child(scenario: string): Result {
  const flags = SERVER_SCENARIOS.has(scenario) ? SERVER_EXEC_ARGV : [];
  const r = spawnSync(process.execPath, ['--max-old-space-size=8192', ...flags, __filename, '--scenario', scenario], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`scenario ${scenario} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => {
  const s = sorted(xs);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (xs: number[], p: number) => sorted(xs)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
const row = (label: string, r: { times: number[]; maxRssMB?: number }, extra = '') =>
  `${label.padEnd(44)} ${fmt(Math.min(...r.times)).padStart(8)} ${fmt(median(r.times)).padStart(8)} ${fmt(Math.max(...r.times)).padStart(8)}  ${r.maxRssMB ? `${r.maxRssMB.toFixed(0)} MB`.padStart(8) : ''.padStart(8)}  ${extra}`;

async function main(): Promise<void> {
  const i = process.argv.indexOf('--scenario');
  if (i > 0) {
    const name = process.argv[i + 1];
    if (name === 'workspace') {
      console.log(JSON.stringify({ ...(await workspaceRounds()), maxRssMB: process.resourceUsage().maxRSS / 1024 }));
    } else if (name === 'keystroke') {
      const r = await keystrokes();
      console.log(JSON.stringify({ ...r, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
    } else {
      const times = runScenario(name);
      console.log(JSON.stringify({ times, parseTimes, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
    }
    return;
  }
  for (const f of [TS_FILE, EDIT_FILE, path.join(root, 'dist/server/main.js')]) if (!fs.existsSync(f)) throw new Error(`missing ${f} (npm install && node esbuild.mjs)`);
  const tsLines = fs.readFileSync(TS_FILE, 'utf8').split('\n').length;
  const editLines = fs.readFileSync(EDIT_FILE, 'utf8').split('\n').length;
  console.log(`PerfLens bench — node ${process.version}, ${REPS} repetitions per scenario (times in ms: min / median / max; peak RSS of the scenario's process)\n`);
  console.log(`${'scenario'.padEnd(44)} ${'min'.padStart(8)} ${'median'.padStart(8)} ${'max'.padStart(8)}  ${'peak'.padStart(8)}  ratio`);
  const analyzeR = child('analyze');
  const parseR = { times: analyzeR.parseTimes! };
  console.log(row(`ts.createSourceFile typescript.js (${tsLines} lines)`, parseR, '(same process as the next row, alternating)'));
  console.log(row('PerfLens cold analysis, same file', analyzeR, `${(median(analyzeR.times) / median(parseR.times)).toFixed(2)}× parse (target ≤ 3×)`));
  const eslintR = child('eslint');
  console.log(row('ESLint 9 no-await-in-loop (TS parser)', eslintR, `${(median(eslintR.times) / median(parseR.times)).toFixed(2)}× parse; PerfLens = ${(median(analyzeR.times) / median(eslintR.times)).toFixed(2)}× ESLint`));
  const ks = child('keystroke') as unknown as Awaited<ReturnType<typeof keystrokes>> & { maxRssMB: number };
  console.log(row(`server cold open+diagnostics+lenses (${editLines} lines)`, { times: ks.cold, maxRssMB: ks.maxRssMB }));
  const ratios = (xs: number[], target = ' (target ≤ 5%)') => `p50 ${fmt(pct(xs, 50))} ms, p95 ${fmt(pct(xs, 95))} ms = ${((pct(xs, 95) / median(ks.cold)) * 100).toFixed(1)}% of the median cold open${target}, ${((pct(xs, 95) / ks.cold[0]) * 100).toFixed(1)}% of the first (fresh server)`;
  const inServer = (w: ServerWork) => {
    const both = w.parseMs.map((p, i) => p + w.analysisMs[i]);
    if (!both.length) return '';
    const p = (xs: number[]) => `${fmt(pct(xs, 50))} / ${fmt(pct(xs, 95))}`;
    const gc = w.gcMs ?? [];
    const pauses = gc.length ? `; GC ${gc.length} pauses, ${fmt(gc.reduce((a, b) => a + b, 0))} ms in all, longest ${fmt(Math.max(...gc))} ms` : '; no GC pause';
    // (the young-generation collections the server made between keystrokes, see server/src/idleGc.ts)
    const idle = w.idleGcMs ?? [];
    const quiet = idle.length ? `; ${idle.length} collected while idle, ${fmt(idle.reduce((a, b) => a + b, 0))} ms` : '';
    return `${''.padEnd(44)} ${''.padStart(8)} ${''.padStart(8)} ${''.padStart(8)}  ${''.padStart(8)}  in the server (p50 / p95, ${both.length} analyses): parse ${p(w.parseMs)} ms, analysis ${p(w.analysisMs)} ms, both ${p(both)} ms${pauses}${quiet}`;
  };
  console.log(row('server keystroke → diagnostics+lenses (100 edits)', { times: ks.edits }, ratios(ks.edits)));
  console.log(inServer(ks.work[0]));
  // (the same keystrokes through a server that analyses nothing and sends the same answers)
  const aboveFloor = (xs: number[], floor: number[]) => `; PerfLens above it: p50 +${fmt(pct(xs, 50) - pct(floor, 50))} ms, p95 +${fmt(pct(xs, 95) - pct(floor, 95))} ms`;
  const floorNote = `${''.padEnd(44)} ${''.padStart(8)} ${''.padStart(8)} ${''.padStart(8)}  ${''.padStart(8)}  (the protocol floor: a server that analyses nothing answers the same requests with PerfLens's ${ks.floor.lenses} lenses, ${ks.floor.resolved} of them resolved)`;
  console.log(row('  the next 100 edits (warm server)', { times: ks.warm }, ratios(ks.warm)));
  console.log(inServer(ks.work[1]));
  console.log(row('    protocol floor, same edits and answers', { times: ks.floor.warm }, ratios(ks.floor.warm, '') + aboveFloor(ks.warm, ks.floor.warm)));
  console.log(floorNote);
  console.log(row(`  the next 100, ${TYPING_PAUSE_MS} ms apart (typing speed)`, { times: ks.paced }, ratios(ks.paced)));
  console.log(inServer(ks.work[2]));
  console.log(row('    protocol floor, same edits and answers', { times: ks.floor.paced }, ratios(ks.floor.paced, '') + aboveFloor(ks.paced, ks.floor.paced)));
  console.log(row('  same, spaces at random offsets (file breaks)', { times: ks.anywhere }, ratios(ks.anywhere)));
  console.log(inServer(ks.work[3]));
  console.log(row('  a statement typed at the start of bodies', { times: ks.statements }, ratios(ks.statements)));
  console.log(inServer(ks.work[4]));
  const ws = child('workspace') as unknown as { open: number[]; closed: number[]; heapAfterClose: number[]; baseline: number; files: number; held: string };
  const mb = (xs: number[]) => `${Math.min(...xs).toFixed(0)} / ${median(xs).toFixed(0)} / ${Math.max(...xs).toFixed(0)} MB`;
  console.log(`server RSS, ${ws.files} files of eslint/lib opened then closed, ${ws.open.length} rounds (after GC; min / median / max):`);
  console.log(`  RSS before opening ${ws.baseline.toFixed(0)} MB · all open ${mb(ws.open)} · all closed ${mb(ws.closed)} (per round: ${ws.closed.map((x) => x.toFixed(0)).join(', ')} MB)`);
  console.log(`  JS heap after close, per round: ${ws.heapAfterClose.map((x) => x.toFixed(1)).join(', ')} MB (growth first → last ${(ws.heapAfterClose[ws.heapAfterClose.length - 1] - ws.heapAfterClose[0]).toFixed(1)} MB) · held after close: ${ws.held}`);
  if (fs.existsSync(PROFILE)) {
    const jsonR = child('json');
    console.log(row('JSON.parse 9.4 MB .cpuprofile (read + parse)', jsonR));
    const profR = child('profile');
    console.log(row('PerfLens profile load + overlay, same file', profR, `${(median(profR.times) / median(jsonR.times)).toFixed(2)}× JSON.parse (target ≤ 3×)`));
  } else console.log(`(profile scenario skipped: ${PROFILE} not found)`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
