// LSP tier: the bundled server (dist/server/main.js) spawned over stdio and driven by a real
// JSON-RPC client through initialize, didOpen, codeLens, diagnostics, codeAction and didChange.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

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
    child = spawn(process.execPath, [serverPath, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
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

  test('codeLens: every function gets a Big-O lens with an explanation tooltip', async () => {
    const lenses = await conn.sendRequest<Array<{ range: Diagnostic['range']; command: { title: string; tooltip?: string; command: string } }>>('textDocument/codeLens', { textDocument: { uri: algoUri } });
    assert.ok(lenses.length >= 4, `lenses: ${lenses.length}`);
    for (const l of lenses) assert.match(l.command.title, /^O\(/);
    const twoSum = lenses.find((l) => l.range.start.line === 1);
    assert.ok(twoSum, 'a lens on twoSum (line 2)');
    assert.match(twoSum.command.title, /O\(n²\)/);
    assert.match(twoSum.command.tooltip ?? '', /line 3/);
    assert.equal(twoSum.command.command, 'perflens.explainComplexity');
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
    const lenses = await conn.sendRequest<Array<{ command: { title: string } }>>('textDocument/codeLens', { textDocument: { uri: ordersUri } });
    assert.ok(lenses.length >= 2, 'lenses for the functions that parse');
    const items = await diagnostics(ordersUri);
    assert.ok(Array.isArray(items));
  });

  test('explain request returns the derivation for the function at a line', async () => {
    const r = await conn.sendRequest<{ markdown?: string; functionName?: string }>('perflens/explain', { uri: algoUri, line: 3 });
    assert.equal(r.functionName, 'twoSum');
    assert.match(r.markdown ?? '', /\| 3 \|/);
  });

  test('closing documents releases their trees, analyses, cached summaries and project files', async () => {
    type Stats = { openDocuments: number; analysedDocuments: number; syntaxTrees: number; cachedSummaries: number; projectFiles: number; rssMB: number };
    const extra = ['a', 'b', 'c'].map((n) => ({ uri: pathToFileURL(path.join(workspace, 'src', `scratch-${n}.ts`)).toString(), text: `export function f${n}(xs: number[]) {\n  return xs.filter((x) => xs.includes(x + 1));\n}\n` }));
    const before = await conn.sendRequest<Stats>('perflens/stats', {});
    for (const e of extra) {
      await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: e.uri, languageId: 'typescript', version: 1, text: e.text } });
      await diagnostics(e.uri);
    }
    const open = await conn.sendRequest<Stats>('perflens/stats', {});
    assert.equal(open.openDocuments, before.openDocuments + 3);
    assert.equal(open.syntaxTrees, before.syntaxTrees + 3);
    assert.ok(open.cachedSummaries >= before.cachedSummaries + 6, `summaries of f and its callback per file: ${JSON.stringify(open)}`);
    for (const e of extra) await conn.sendNotification('textDocument/didClose', { textDocument: { uri: e.uri } });
    const closed = await conn.sendRequest<Stats>('perflens/stats', {});
    assert.deepEqual(
      { open: closed.openDocuments, analysed: closed.analysedDocuments, trees: closed.syntaxTrees, summaries: closed.cachedSummaries, files: closed.projectFiles },
      { open: before.openDocuments, analysed: before.analysedDocuments, trees: before.syntaxTrees, summaries: before.cachedSummaries, files: before.projectFiles },
    );
    assert.ok(closed.rssMB > 0);
  });

  test('the server wrote no errors to stderr', () => {
    assert.equal(stderr.trim(), '');
  });
});
