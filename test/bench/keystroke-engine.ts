// Developer aid (not a test): node dist/test/bench/keystroke-engine.js [file] [edits]
// The server's per-keystroke work in one process (no LSP): incremental parse, analysis with the
// shared summary cache, lenses and diagnostics; prints each stage's p50/p95.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { SyntaxDocument } from '../../server/src/analysis/project/document';
import { SummaryCache } from '../../server/src/analysis/complexity';
import { beginAnalysis } from '../../server/src/engine';
import { defaultSettings } from '../../server/src/analysis/types';
import { LensBook } from '../../server/src/codeLens';
import { toDiagnostic } from '../../server/src/diagnostics';
import { withTreeLines } from '../../server/src/lines';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { editOffset, functionBodies, seededRandom } from './edits';

const root = (() => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'esbuild.mjs'))) dir = path.dirname(dir);
  return dir;
})();
const file = process.argv[2] || path.join(root, 'node_modules/azure-devops-node-api/GitApi.js');
const count = Number(process.argv[3] ?? 300);
const text0 = fs.readFileSync(file, 'utf8');
const bodies = functionBodies(file, text0);
const rand = seededRandom(42);
const settings = { ...defaultSettings, timeBudgetMs: 1e9 };
const cache = new SummaryCache();
const book = new LensBook();
let doc = TextDocument.create('file:///x.js', 'javascript', 1, text0);
const tree = new SyntaxDocument(file, text0);
const analyse = () => {
  const job = beginAnalysis({ fileName: file, sourceFile: tree.sourceFile, settings, complexity: { cache, fileName: file }, lazyFixes: true });
  while (!job.step());
  return job.result!;
};
analyse();
const stages: Record<string, number[]> = { parse: [], analysis: [], lenses: [], diagnostics: [], total: [] };
for (let i = 0; i < count; i++) {
  const offset = editOffset(doc.getText(), bodies, rand, true);
  const pos = doc.positionAt(offset);
  doc = TextDocument.update(doc, [{ range: { start: pos, end: pos }, text: ' ' }], doc.version + 1);
  const t0 = performance.now();
  tree.update(doc.getText());
  const t1 = performance.now();
  const a = analyse();
  const t2 = performance.now();
  const lines = withTreeLines(doc, tree.sourceFile);
  // as the server answers textDocument/codeLens (commands are made on resolve)
  book.publish(lines, a.summaries);
  const t3 = performance.now();
  a.findings.map((f) => toDiagnostic(lines, f, () => undefined));
  const t4 = performance.now();
  stages.parse.push(t1 - t0);
  stages.analysis.push(t2 - t1);
  stages.lenses.push(t3 - t2);
  stages.diagnostics.push(t4 - t3);
  stages.total.push(t4 - t0);
  if (process.env.HEAP_EVERY && i % Number(process.env.HEAP_EVERY) === 0) {
    (globalThis as unknown as { gc: () => void }).gc();
    console.log(`after ${i} edits: heap ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(1)} MB`);
  }
  if (process.env.MINOR_GC) {
    const g0 = performance.now();
    (globalThis as unknown as { gc: (o: unknown) => void }).gc({ type: 'minor' });
    (stages.gc ??= []).push(performance.now() - g0);
  }
}
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
console.log(`spliced ${tree.spliced} of ${count}`);
for (const [k, xs] of Object.entries(stages)) console.log(`${k.padEnd(12)} p50 ${pct(xs, 50).toFixed(2)} ms  p95 ${pct(xs, 95).toFixed(2)} ms`);
