// LSP tier, bad input: pathological files are declined with a clear notice, quickly, and the
// server keeps answering for other files (issue 6, "Bad input").
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';

function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'esbuild.mjs'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('repository root not found');
    dir = up;
  }
  return dir;
}

interface Diagnostic {
  message: string;
  code?: string;
  range: { start: { line: number } };
}

describe('bad input through the language server', () => {
  let child: ChildProcess;
  let conn: MessageConnection;
  let stderr = '';
  let n = 0;

  before(async () => {
    child = spawn(process.execPath, [path.join(repoRoot(), 'dist/server/main.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stderr!.on('data', (d) => (stderr += d));
    conn = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    conn.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({ analysis: { timeBudgetMs: 2000 } })));
    conn.onNotification('window/logMessage', () => undefined);
    conn.listen();
    await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, workspaceFolders: null, capabilities: { workspace: { configuration: true } } });
    await conn.sendNotification('initialized', {});
  });

  after(() => {
    conn.dispose();
    child.kill();
  });

  async function open(text: string, languageId = 'javascript'): Promise<{ items: Diagnostic[]; ms: number; lenses: unknown[] }> {
    const uri = `untitled:bad-${++n}`;
    const t = Date.now();
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version: 1, text } });
    const report = await conn.sendRequest<{ items: Diagnostic[] }>('textDocument/diagnostic', { textDocument: { uri } });
    const lenses = await conn.sendRequest<unknown[]>('textDocument/codeLens', { textDocument: { uri } });
    return { items: report.items, ms: Date.now() - t, lenses };
  }

  test('10,000-deep nesting is declined with a notice that says why', async () => {
    const text = 'function g(a) {\n' + 'if (a) {\n'.repeat(10000) + 'a++;\n' + '}\n'.repeat(10000) + '}\n';
    const r = await open(text);
    const notice = r.items.find((d) => d.code === 'analysis');
    assert.ok(notice, JSON.stringify(r.items));
    assert.match(notice.message, /nested too deeply/);
    assert.deepEqual(r.lenses, []);
  });

  test('a 1 MB single-line minified file is declined as minified', async () => {
    const fn = 'function f(a){for(var i=0;i<a.length;i++){a[i]=a[i]*2}return a}';
    const text = (fn + ';').repeat(Math.ceil(1_000_000 / (fn.length + 1)));
    const r = await open(text);
    assert.match(r.items.find((d) => d.code === 'analysis')?.message ?? '', /minified/);
  });

  test('a file the parser rejects entirely still gets an answer, without an error', async () => {
    const r = await open('\u0000\u0001 <<<>>> }}}{{{ ))) ((( '.repeat(2000), 'typescript');
    assert.ok(Array.isArray(r.items));
  });

  test('the server still answers for a normal file afterwards', async () => {
    const r = await open('export function sum(xs: number[]) { let t = 0; for (const x of xs) t += x; return t; }\n', 'typescript');
    assert.equal(r.lenses.length, 1);
  });

  test('while a large file is being analysed, a small file is answered first', async () => {
    // ~6,000 functions: its analysis takes far longer than the small file's, and runs in slices.
    const big = Array.from({ length: 6000 }, (_, i) => `function f${i}(a) {\n  let s = 0;\n  for (const x of a) for (const y of a) s += x * y;\n  return a.map((x) => x + s).filter((x) => a.includes(x));\n}\n`).join('');
    const bigUri = `untitled:big-${++n}`;
    const smallUri = `untitled:small-${++n}`;
    const order: string[] = [];
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: bigUri, languageId: 'javascript', version: 1, text: big } });
    const bigDone = conn.sendRequest('textDocument/diagnostic', { textDocument: { uri: bigUri } }).then(() => order.push('big'));
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri: smallUri, languageId: 'javascript', version: 1, text: 'function g(xs) { return xs.length; }\n' } });
    const smallDone = conn.sendRequest<unknown[]>('textDocument/codeLens', { textDocument: { uri: smallUri } }).then((l) => {
      order.push('small');
      return l;
    });
    const [, lenses] = await Promise.all([bigDone, smallDone]);
    assert.equal((lenses as unknown[]).length, 1);
    assert.deepEqual(order, ['small', 'big']);
  });

  test('nothing was written to stderr', () => {
    assert.equal(stderr.trim(), '');
  });
});
