// LSP tier: the bundled server (dist/server/main.js) spawned over stdio and driven by a real
// JSON-RPC client through initialize, didOpen, codeLens, diagnostics, codeAction and didChange.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { RESOLVED_AROUND } from '../../server/src/codeLens';

function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) || JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).name !== 'perflens') {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('repository root not found');
    dir = up;
  }
  return dir;
}

const root = repoRoot();
const workspace = path.join(root, 'test', 'workspace');
const serverPath = path.join(root, 'dist', 'server', 'main.js');

interface Diagnostic {
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  message: string;
  code?: string;
  source?: string;
  relatedInformation?: Array<{ location: { uri: string; range: { start: { line: number } } }; message: string }>;
}
interface TextEdit { range: Diagnostic['range']; newText: string }

function applyEdits(text: string, edits: TextEdit[]): string {
  const lines = text.split('\n');
  const offset = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((n, l) => n + l.length + 1, 0) + p.character;
  let out = text;
  for (const e of [...edits].sort((a, b) => offset(b.range.start) - offset(a.range.start))) out = out.slice(0, offset(e.range.start)) + e.newText + out.slice(offset(e.range.end));
  return out;
}

describe('language server over stdio', () => {
  let child: ChildProcess;
  let conn: MessageConnection;
  let stderr = '';
  const settings = { codeLens: { enabled: true }, complexity: { warnAbove: 'O(n log n)' }, nPlusOne: { enabled: true, queryFunctions: [] } };
  const ordersPath = path.join(workspace, 'src', 'orders.ts');
  const ordersUri = pathToFileURL(ordersPath).toString();
  const algoUri = pathToFileURL(path.join(workspace, 'src', 'algorithms.ts')).toString();
  let ordersText = fs.readFileSync(ordersPath, 'utf8');
  let version = 1;

  before(async () => {
    assert.ok(fs.existsSync(serverPath), `build first: ${serverPath} is missing (node esbuild.mjs)`);
    // (--expose-gc: perflens/stats can run a full GC, see the timings test)
    child = spawn(process.execPath, ['--expose-gc', serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stderr!.on('data', (d) => (stderr += d));
    conn = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    conn.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => settings));
    conn.onRequest('client/registerCapability', () => null);
    conn.onRequest('workspace/diagnostic/refresh', () => null);
    conn.onRequest('workspace/codeLens/refresh', () => null);
    conn.onNotification('window/logMessage', () => undefined);
    conn.listen();
    const init = await conn.sendRequest<{ capabilities: Record<string, unknown>; serverInfo?: { name: string } }>('initialize', {
      processId: process.pid,
      rootUri: pathToFileURL(workspace).toString(),
      workspaceFolders: [{ uri: pathToFileURL(workspace).toString(), name: 'workspace' }],
      capabilities: { workspace: { configuration: true }, textDocument: { diagnostic: { dynamicRegistration: false }, codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix'] } } } } },
    });
    assert.equal(init.serverInfo?.name, 'perflens');
    assert.deepEqual((init.capabilities.textDocumentSync as { change: number }).change, 2, 'incremental sync');
    assert.ok(init.capabilities.diagnosticProvider, 'pull diagnostics');
    await conn.sendNotification('initialized', {});
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: ordersUri, languageId: 'typescript', version, text: ordersText } });
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: algoUri, languageId: 'typescript', version: 1, text: fs.readFileSync(path.join(workspace, 'src', 'algorithms.ts'), 'utf8') } });
  });

  after(async () => {
    try {
      await conn.sendRequest('shutdown');
      await conn.sendNotification('exit');
    } catch {
      /* the process may already be gone */
    }
    conn.dispose();
    child.kill();
  });

  const diagnostics = async (uri: string) => (await conn.sendRequest<{ kind: string; items: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri } })).items;

  type Lens = { range: Diagnostic['range']; data?: unknown; command?: { title: string; tooltip?: string; command: string; arguments?: unknown[] } };
  const lensesOf = (uri: string) => conn.sendRequest<Lens[]>('textDocument/codeLens', { textDocument: { uri } });
  const resolve = (lens: Lens) => conn.sendRequest<Lens>('codeLens/resolve', lens);

  test('codeLens: every function gets a Big-O lens, resolved with its explanation tooltip', async () => {
    const lenses = await lensesOf(algoUri);
    assert.ok(lenses.length >= 4, `lenses: ${lenses.length}`);
    // The data carries the Big-O; a file this short is all near its top, where a document opens,
    // so every lens comes with its command already: the one its resolve gives.
    for (const l of lenses) assert.ok(Array.isArray(l.data) && typeof l.data[0] === 'number' && /^O\(/.test(l.data[1]), JSON.stringify(l));
    const resolved = await Promise.all(lenses.map(resolve));
    for (const [i, l] of resolved.entries()) {
      assert.match(l.command!.title, /^O\(/);
      assert.ok(l.command!.title.startsWith((lenses[i].data as [number, string])[1]), `${l.command!.title} starts with its data's Big-O`);
      assert.deepEqual(l.range, lenses[i].range);
      assert.deepEqual(lenses[i].command, l.command);
    }
    const twoSum = resolved.find((l) => l.range.start.line === 1);
    assert.ok(twoSum, 'a lens on twoSum (line 2)');
    assert.match(twoSum.command!.title, /O\(n²\)/);
    assert.match(twoSum.command!.tooltip ?? '', /line 3/);
    assert.equal(twoSum.command!.command, 'perflens.explainComplexity');
    assert.deepEqual(twoSum.command!.arguments, [algoUri, 1]);
  });

  test('codeLens: lenses near the top of a new document, then near the last edit, come resolved; the others on resolve', async () => {
    const uri = pathToFileURL(path.join(workspace, 'src', 'scratch-long.ts')).toString();
    // 200 functions, 4 lines each: the last at line 796
    const fn = (i: number) => `export function f${i}(xs: number[]) {\n  let s = 0;\n  for (const x of xs) s += x;\n  return s; }\n`;
    const text = Array.from({ length: 200 }, (_, i) => fn(i)).join('');
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'typescript', version: 1, text } });
    const resolvedLines = (lenses: Lens[]) => lenses.filter((l) => l.command).map((l) => l.range.start.line);
    const opened = await lensesOf(uri);
    assert.equal(opened.length, 200);
    assert.deepEqual(resolvedLines(opened), opened.map((l) => l.range.start.line).filter((line) => line <= RESOLVED_AROUND));
    // typing in f150 (line 600): the lenses around it come resolved, those at the top no longer
    await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: { line: 601, character: 2 }, end: { line: 601, character: 2 } }, text: ' ' }] });
    const edited = await lensesOf(uri);
    assert.deepEqual(resolvedLines(edited), edited.map((l) => l.range.start.line).filter((line) => Math.abs(line - 601) <= RESOLVED_AROUND));
    for (const l of edited.filter((x) => x.command)) assert.deepEqual(l.command, (await resolve(l)).command);
    const far = edited.find((l) => l.range.start.line === 0)!;
    assert.equal(far.command, undefined);
    assert.deepEqual((await resolve(far)).command?.arguments, [uri, 0]);
    assert.match((await resolve(far)).command!.title, /^O\(n\)/);
    await conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  });

  test('codeLens/resolve of a lens no longer there (moved, or its document closed) gets its Big-O as title', async () => {
    const uri = pathToFileURL(path.join(workspace, 'src', 'scratch-lens.ts')).toString();
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'typescript', version: 1, text: 'export function g(xs: number[]) {\n  return xs.filter((x) => xs.includes(x));\n}\n' } });
    const [lens] = await lensesOf(uri);
    assert.equal((await resolve(lens)).command!.tooltip?.split('\n')[0], 'g: O(n²) (high confidence)');
    // The function moved down a line: the old lens is not in the new set.
    await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '\n' }] });
    const [moved] = await lensesOf(uri);
    assert.equal(moved.range.start.line, 1);
    const stale = await resolve(lens);
    assert.deepEqual(stale.command, { title: 'O(n²)', command: 'perflens.explainComplexity', arguments: [uri, 0] });
    await conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
    assert.deepEqual((await resolve(moved)).command, { title: 'O(n²)', command: '' });
  });

  test('diagnostics: n-plus-one on the query with related information on the loop; complexity on twoSum', async () => {
    const items = await diagnostics(ordersUri);
    const n1 = items.find((d) => d.code === 'n-plus-one');
    assert.ok(n1, JSON.stringify(items));
    assert.equal(n1.source, 'perflens');
    assert.equal(n1.range.start.line, 12);
    assert.match(n1.message, /db\.user\.findUnique.*posts.*loop at line 12/);
    assert.equal(n1.relatedInformation?.[0].location.range.start.line, 11);
    const algo = await diagnostics(algoUri);
    const cx = algo.filter((d) => d.code === 'complexity').map((d) => d.range.start.line);
    assert.ok(cx.includes(1), `complexity on twoSum: ${JSON.stringify(algo)}`);
    assert.ok(!cx.includes(23), 'sum is linear: no complexity diagnostic');
  });

  test('codeAction: a versioned Promise.all fix and a disable action; applying it turns the finding into a concurrent fan-out', async () => {
    const items = await diagnostics(ordersUri);
    const n1 = items.find((d) => d.code === 'n-plus-one')!;
    const actions = await conn.sendRequest<Array<{ title: string; kind: string; edit?: { documentChanges: Array<{ textDocument: { uri: string; version: number }; edits: TextEdit[] }> } }>>('textDocument/codeAction', {
      textDocument: { uri: ordersUri },
      range: n1.range,
      context: { diagnostics: [n1] },
    });
    const fix = actions.find((a) => /Promise\.all/.test(a.title));
    assert.ok(fix?.edit, JSON.stringify(actions.map((a) => a.title)));
    assert.equal(fix.kind, 'quickfix');
    const change = fix.edit.documentChanges[0];
    assert.equal(change.textDocument.version, version, 'the edit is pinned to the analysed version');
    assert.ok(actions.some((a) => /perflens-disable-next-line n-plus-one/.test(a.title)));

    // Apply it as the editor would: an incremental didChange.
    const newText = applyEdits(ordersText, change.edits);
    assert.match(newText, /await Promise\.all\(posts\.map\(async \(post\) =>/);
    version++;
    await conn.sendNotification('textDocument/didChange', { textDocument: { uri: ordersUri, version }, contentChanges: change.edits.map((e) => ({ range: e.range, text: e.newText })) });
    ordersText = newText;
    const after = await diagnostics(ordersUri);
    const stillN1 = after.filter((d) => d.code === 'n-plus-one');
    assert.equal(stillN1.length, 1, 'the per-item query is still reported (it is N concurrent round trips)');
    assert.match(stillN1[0].message, /concurrent round trips/);
  });

  test('didChange with a syntax error: the server keeps answering for the functions that parse', async () => {
    version++;
    const broken = ordersText + '\nexport function half(a: number[] {\n  for (const x of a\n';
    await conn.sendNotification('textDocument/didChange', { textDocument: { uri: ordersUri, version }, contentChanges: [{ text: broken }] });
    const lenses = await lensesOf(ordersUri);
    assert.ok(lenses.length >= 2, 'lenses for the functions that parse');
    for (const l of await Promise.all(lenses.map(resolve))) assert.match(l.command!.title, /^O\(/);
    const items = await diagnostics(ordersUri);
    assert.ok(Array.isArray(items));
  });

  test('an unclosed brace that reaches past its function keeps the last estimates, moved with the text, until the file parses again', async () => {
    const uri = pathToFileURL(path.join(workspace, 'src', 'scratch-kept.ts')).toString();
    const text = [
      'export class Repo {',
      '  all(xs: number[]) {',
      '    return xs.map((x) => xs.indexOf(x));',
      '  }',
      '  first(xs: number[]) {',
      '    return xs[0];',
      '  }',
      '}',
      'export async function names(db: any, ids: string[]) {',
      '  const out: string[] = [];',
      '  for (const id of ids) out.push((await db.user.findUnique({ where: { id } })).name);',
      '  return out;',
      '}',
      'export function later(xs: number[]) {',
      '  let s = 0;',
      '  for (const a of xs) for (const b of xs) s += a * b;',
      '  return s;',
      '}',
      '',
    ].join('\n');
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'typescript', version: 1, text } });
    const shown = async () => (await Promise.all((await lensesOf(uri)).map(resolve))).map((l) => `${l.range.start.line}:${l.range.start.character} ${l.command!.title}`);
    const findings = async () => (await diagnostics(uri)).map((d) => `${d.code} ${d.range.start.line}:${d.range.start.character}`);
    const reasons = async () => {
      const n1 = (await diagnostics(uri)).find((d) => d.code === 'n-plus-one')!;
      const actions = await conn.sendRequest<Array<{ title: string; disabled?: { reason: string } }>>('textDocument/codeAction', { textDocument: { uri }, range: n1.range, context: { diagnostics: [n1] } });
      return actions.map((a) => a.disabled?.reason ?? a.title);
    };
    const lensesBefore = await shown();
    const findingsBefore = await findings();
    assert.ok(lensesBefore.some((l) => /^4:2 O\(1\)/.test(l)) && lensesBefore.some((l) => /^13:\d+ O\(n²\)/.test(l)), lensesBefore.join(' | '));
    assert.ok(findingsBefore.some((f) => f.startsWith('n-plus-one 10:')), findingsBefore.join(' | '));
    // `if (xs.length) {` typed at the start of all's body, its brace not closed yet: all's own
    // closing brace closes it, and the class (and everything after it) parses into other shapes.
    const typed = 'if (xs.length) { ';
    await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: { line: 2, character: 4 }, end: { line: 2, character: 4 } }, text: typed }] });
    const moved = (s: string) => s.replace(/^2:(\d+)/, (_, c: string) => `2:${Number(c) + typed.length}`);
    assert.deepEqual(await shown(), lensesBefore.map(moved), 'the lenses of before the edit, the one after it on its line moved');
    assert.deepEqual(await findings(), findingsBefore.map((f) => f.replace(/ 2:(\d+)$/, (_, c: string) => ` 2:${Number(c) + typed.length}`)));
    assert.ok((await reasons()).some((r) => /parse again/.test(r)), 'no fix offered for a finding of the kept analysis');
    // and the next keystroke too (the file is still broken)
    await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 3 }, contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '\n' }] });
    assert.deepEqual(await shown(), lensesBefore.map(moved).map((s) => s.replace(/^(\d+)/, (_, l: string) => String(Number(l) + 1))));
    // typing in another function while the brace is still open (that body re-parsed alone): the
    // file is analysed as it parses now (so a file that keeps an error is not frozen), and `first`,
    // a call statement inside `all` in this parse, has no lens
    await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 4 }, contentChanges: [{ range: { start: { line: 15, character: 0 }, end: { line: 15, character: 0 } }, text: ' ' }] });
    assert.ok(!(await reasons()).some((r) => /parse again/.test(r)));
    assert.ok(!(await shown()).some((l) => /^5:2 O\(1\)/.test(l)), 'first has no lens in the broken parse');
    // the brace closed: analysed again, `first` back
    await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 5 }, contentChanges: [{ range: { start: { line: 3, character: 40 + typed.length }, end: { line: 3, character: 40 + typed.length } }, text: ' }' }] });
    assert.ok(!(await reasons()).some((r) => /parse again/.test(r)));
    const fixed = await shown();
    assert.ok(fixed.some((l) => /^5:2 O\(1\)/.test(l)) && fixed.some((l) => /^14:\d+ O\(n²\)/.test(l)), fixed.join(' | '));
    await conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  });

  test('explain request returns the derivation for the function at a line', async () => {
    const r = await conn.sendRequest<{ markdown?: string; functionName?: string }>('perflens/explain', { uri: algoUri, line: 3 });
    assert.equal(r.functionName, 'twoSum');
    assert.match(r.markdown ?? '', /\| 3 \|/);
  });

  test('after each edit, explain, hover and lenses answer from the newest analysis (the one it replaces is emptied)', async () => {
    const uri = pathToFileURL(path.join(workspace, 'src', 'scratch-edits.ts')).toString();
    let text = 'export function pairs(xs: number[]) {\n  return xs.map((x) => xs.filter((y) => y > x));\n}\nexport function one(n: number) {\n  return n + 1;\n}\n';
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'typescript', version: 1, text } });
    await diagnostics(uri);
    for (let version = 2; version <= 5; version++) {
      // a comment typed at the top each time: every function moves down a line
      await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: `// ${version}\n` }] });
      text = `// ${version}\n` + text;
      const line = version - 1; // the line of \`pairs\`
      const [explained, hover, lenses] = await Promise.all([
        conn.sendRequest<{ functionName?: string }>('perflens/explain', { uri, line }),
        conn.sendRequest<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri }, position: { line, character: 18 } }),
        lensesOf(uri),
      ]);
      assert.equal(explained.functionName, 'pairs', `version ${version}`);
      assert.match(hover?.contents.value ?? '', /O\(n²\)/, `version ${version}`);
      assert.deepEqual(lenses.map((l) => l.range.start.line), [line, line + 1, line + 3], `version ${version}`); // pairs, its callbacks, one
      // asked again at the same version: the same (kept) analysis answers
      assert.equal((await conn.sendRequest<{ functionName?: string }>('perflens/explain', { uri, line: line + 3 })).functionName, 'one');
    }
    await conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  });

  test('closing documents releases their trees, analyses, cached summaries and project files', async () => {
    type Stats = { openDocuments: number; analysedDocuments: number; syntaxTrees: number; cachedSummaries: number; projectFiles: number; lensDocuments: number; rssMB: number };
    const extra = ['a', 'b', 'c'].map((n) => ({ uri: pathToFileURL(path.join(workspace, 'src', `scratch-${n}.ts`)).toString(), text: `export function f${n}(xs: number[]) {\n  return xs.filter((x) => xs.includes(x + 1));\n}\n` }));
    const before = await conn.sendRequest<Stats>('perflens/stats', {});
    for (const e of extra) {
      await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: e.uri, languageId: 'typescript', version: 1, text: e.text } });
      await diagnostics(e.uri);
      await lensesOf(e.uri);
    }
    const open = await conn.sendRequest<Stats>('perflens/stats', {});
    assert.equal(open.openDocuments, before.openDocuments + 3);
    assert.equal(open.lensDocuments, before.lensDocuments + 3);
    assert.equal(open.syntaxTrees, before.syntaxTrees + 3);
    assert.ok(open.cachedSummaries >= before.cachedSummaries + 6, `summaries of f and its callback per file: ${JSON.stringify(open)}`);
    for (const e of extra) await conn.sendNotification('textDocument/didClose', { textDocument: { uri: e.uri } });
    const closed = await conn.sendRequest<Stats>('perflens/stats', {});
    assert.deepEqual(
      { open: closed.openDocuments, analysed: closed.analysedDocuments, trees: closed.syntaxTrees, summaries: closed.cachedSummaries, files: closed.projectFiles, lenses: closed.lensDocuments },
      { open: before.openDocuments, analysed: before.analysedDocuments, trees: before.syntaxTrees, summaries: before.cachedSummaries, files: before.projectFiles, lenses: before.lensDocuments },
    );
    assert.ok(closed.rssMB > 0);
  });

  test('perflens/stats reports each analysis’s parse and analysis time once, and the GC pauses', async () => {
    type Jobs = { parseMs: number[]; analysisMs: number[]; gcMs: number[]; idleGcMs: number[] };
    await conn.sendRequest('perflens/stats', { jobs: true }); // forget the earlier tests' analyses
    const uri = pathToFileURL(path.join(workspace, 'src', 'scratch-timings.ts')).toString();
    const text = 'export function g(xs: number[]) {\n  return xs.filter((x) => xs.includes(x));\n}\n';
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'typescript', version: 1, text } });
    await diagnostics(uri);
    await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ range: { start: { line: 1, character: 2 }, end: { line: 1, character: 2 } }, text: ' ' }] });
    await Promise.all([diagnostics(uri), lensesOf(uri)]); // one analysis answers both
    const stats = await conn.sendRequest<{ jobs?: Jobs; rssMB: number }>('perflens/stats', { jobs: true });
    assert.equal(stats.jobs?.parseMs.length, 2, JSON.stringify(stats.jobs)); // the opening and the edit
    assert.equal(stats.jobs?.analysisMs.length, 2);
    for (const ms of [...stats.jobs!.parseMs, ...stats.jobs!.analysisMs]) assert.ok(Number.isFinite(ms) && ms >= 0, String(ms));
    const again = (await conn.sendRequest<{ jobs?: Jobs }>('perflens/stats', { jobs: true })).jobs;
    assert.deepEqual({ parseMs: again?.parseMs, analysisMs: again?.analysisMs }, { parseMs: [], analysisMs: [] });
    // a full GC (asked for here) is among the pauses reported next
    await conn.sendRequest('perflens/stats', { gc: true });
    const gcMs = (await conn.sendRequest<{ jobs?: Jobs }>('perflens/stats', { jobs: true })).jobs?.gcMs ?? [];
    assert.ok(gcMs.length >= 1, JSON.stringify(gcMs));
    for (const ms of gcMs) assert.ok(Number.isFinite(ms) && ms >= 0, String(ms));
    // (the young-generation collections made in quiet moments are reported apart: see idleGc.ts)
    assert.ok(Array.isArray(stats.jobs?.idleGcMs), JSON.stringify(stats.jobs));
    assert.equal((await conn.sendRequest<{ jobs?: Jobs }>('perflens/stats', {})).jobs, undefined);
    await conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  });

  test('the server wrote no errors to stderr', () => {
    assert.equal(stderr.trim(), '');
  });
});
