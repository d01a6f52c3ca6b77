// What the language server keeps while a file is edited: earlier versions of the file's text and
// tree must not stay reachable from what outlives a keystroke (the summary cache) or from the
// nodes a splice replaces. Found with heap snapshots and --trace-gc-nvp on GitApi.js: before
// these fixes the heap after a full GC grew ~54 MB over 200 edits (~110 old copies of the 0.5 MB
// text, each held by a cached summary's strings), and every keystroke's tree was promoted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { ts } from 'ts-morph';
import { SyntaxDocument } from '../../../server/src/analysis/project/document';
import { SummaryCache, analyzeFunctionsStepwise } from '../../../server/src/analysis/complexity';
import { FileAnalyzer, type ProgramContext } from '../../../server/src/analysis/complexity/analyzer';
import { VarRegistry } from '../../../server/src/analysis/complexity/shape';
import { detach } from '../../../server/src/analysis/complexity/syntax';
import { analyzeFile, beginAnalysis } from '../../../server/src/engine';
import { defaultSettings, type FunctionSummary } from '../../../server/src/analysis/types';
import { repoRoot } from '../complexity/helpers';
import { editOffset, functionBodies } from '../../bench/edits';
import { forgetTree, treeCache } from '../../../server/src/analysis/treeCaches';
import { indexedNodes } from '../../../server/src/analysis/nodeIndex';
import { collectionStats } from '../../../server/src/analysis/complexity/analyzer';

test('detach gives an equal string', () => {
  const text = 'x'.repeat(1000) + 'function computeTotals(items) {}' + 'y'.repeat(1000);
  for (const s of ['', 'short', text.slice(1000, 1032), text.slice(1005, 1013), text.slice(0, 500) + '…']) assert.equal(detach(s), s);
});

test('a splice lets go of the nodes it replaced', () => {
  const text = 'class A {\n  m(xs) {\n    let s = 0;\n    for (const x of xs) s += x;\n    return s;\n  }\n  n() { return 1; }\n}\n';
  const doc = new SyntaxDocument('a.js', text);
  const cls = doc.sourceFile.statements[0] as ts.ClassDeclaration;
  const m = cls.members[0] as ts.MethodDeclaration;
  const body = m.body!;
  const at = text.indexOf('return s');
  doc.update(text.slice(0, at) + ' ' + text.slice(at));
  assert.equal(doc.spliced, 1);
  // the old body and the old path (class, method) point nowhere: dead, they keep nothing alive
  assert.equal(body.parent, undefined);
  assert.equal(m.parent, undefined);
  assert.equal(cls.parent, undefined);
  // the untouched method now hangs from the new class
  const cls2 = doc.sourceFile.statements[0] as ts.ClassDeclaration;
  assert.notEqual(cls2, cls);
  assert.equal(cls2.members[1], cls.members[1]);
  assert.equal(cls2.members[1].parent, cls2);
});

test('the summary cache does not keep earlier versions of the text alive', () => {
  const file = path.join(repoRoot(), 'node_modules/azure-devops-node-api/GitApi.js');
  const text0 = fs.readFileSync(file, 'utf8');
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const settings = { ...defaultSettings, timeBudgetMs: Infinity };
  const cache = new SummaryCache();
  const doc = new SyntaxDocument(file, text0);
  const analyse = () => analyzeFile({ fileName: file, sourceFile: doc.sourceFile, settings, complexity: { cache, fileName: file }, lazyFixes: true });
  analyse();
  gc();
  const before = process.memoryUsage().heapUsed;
  const bodies = functionBodies(file, text0);
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  let text = text0;
  const edits = 150;
  for (let i = 0; i < edits; i++) {
    const at = editOffset(text, bodies, rand, true);
    text = text.slice(0, at) + ' ' + text.slice(at);
    doc.update(text);
    analyse();
  }
  assert.ok(cache.recomputations > edits / 2, `recomputed ${cache.recomputations}`);
  gc();
  const grownMB = (process.memoryUsage().heapUsed - before) / 2 ** 20;
  // Each version of the text is 0.5 MB (two-byte); one kept per recomputed function would be
  // ~75 MB here. What legitimately grows: the edited functions' new nodes and summaries, and
  // the texts that identifiers parsed by ts.updateSourceFile (edits not spliced) are views of.
  assert.ok(grownMB < 25, `heap grew ${grownMB.toFixed(1)} MB over ${edits} edits`);
});

// A FileAnalyzer is made per analysis (per keystroke in the server). Objects that were promoted
// to the old generation and died there still point at younger ones until the next full GC, and
// a young GC keeps whatever they point at; an analysis that ended with its functions, results
// and environments still linked was copied or promoted whole by every young GC (measured on
// GitApi.js in process, 300 edits: scavenges' total pause 511 → 305 ms). So a run drops them.
test('an analysis drops its functions, results and environments when it ends or is stopped', () => {
  const text = 'function total(xs) {\n  let s = 0;\n  for (const x of xs) s += helper(x);\n  return s;\n}\nfunction helper(x) {\n  return [1, 2].map((y) => y * x).length;\n}\n';
  const sf = ts.createSourceFile('a.js', text, ts.ScriptTarget.Latest, true);
  // release() empties the analyzer and unlinks what its functions hold
  const program: ProgramContext = { reg: new VarRegistry(), files: new Map(), depth: 0, stats: { analyses: 0 } };
  const fa = new FileAnalyzer(sf, program, '');
  program.files.set(sf, fa);
  const fns = [...fa.fns];
  assert.equal(fns.length, 3);
  for (const fn of fns) assert.ok(fa.summary(fn));
  assert.ok(fns[2].parent && fns[0].result && fns[1].env, "the arrow's parent, a result, the environment its closure reads");
  fa.release();
  assert.equal(fa.fns.length, 0);
  assert.equal(fa.byNode.size, 0);
  for (const fn of fns) assert.deepEqual([fn.result, fn.env, fn.parent, fn.mapMemo], [undefined, undefined, undefined, undefined]);

  // analyzeFunctionsStepwise releases every analyzer of its run: at the end, and when stopped early
  const original = FileAnalyzer.prototype.release;
  let released = 0;
  FileAnalyzer.prototype.release = function (this: FileAnalyzer) {
    released++;
    original.call(this);
  };
  try {
    const out: FunctionSummary[] = [];
    const done = analyzeFunctionsStepwise(sf, { cache: new SummaryCache() }, out);
    while (!done.next().done);
    assert.equal(out.length, 3);
    assert.equal(released, 1);
    const stopped = analyzeFunctionsStepwise(sf, {}, []);
    stopped.next();
    stopped.next();
    assert.equal(released, 1);
    stopped.return();
    assert.equal(released, 2);
    // the language server's job, cancelled by a newer edit between two slices
    const job = beginAnalysis({ fileName: 'a.js', sourceFile: sf, settings: defaultSettings });
    job.step(0);
    assert.equal(job.result, undefined, 'unfinished after one slice');
    assert.equal(released, 2);
    job.cancel();
    assert.equal(released, 3);
    assert.equal(job.result, undefined);
  } finally {
    FileAnalyzer.prototype.release = original;
  }
});

test('what is cached for a tree goes when a newer tree replaces it or the document closes', () => {
  // V8's young-generation GC keeps a WeakMap's entries until a full GC even when their key is
  // unreachable (treeCaches.ts): a replaced tree's entries are deleted instead.
  const plain = treeCache<string>();
  const forNext = treeCache<string>({ forNextTree: true });
  const text = 'function f(xs) {\n  return xs.length;\n}\nfunction g() {\n  return 1;\n}\n';
  const doc = new SyntaxDocument('t.js', text);
  const first = doc.sourceFile;
  plain.set(first, 'a');
  forNext.set(first, 'b');
  const at = text.indexOf('xs.length');
  doc.update(text.slice(0, at) + ' ' + text.slice(at));
  assert.equal(doc.spliced, 1);
  // spliced: the next analysis still reads the previous tree's records (and forgets them itself)
  assert.equal(plain.has(first), false);
  assert.equal(forNext.get(first), 'b');
  forgetTree(first);
  assert.equal(forNext.has(first), false);

  // not spliced (the edit adds a function): everything goes at once
  const second = doc.sourceFile;
  plain.set(second, 'c');
  forNext.set(second, 'd');
  doc.update(doc.text + 'function h() {}\n');
  assert.equal(doc.spliced, 1);
  assert.equal(plain.has(second), false);
  assert.equal(forNext.has(second), false);

  const third = doc.sourceFile;
  plain.set(third, 'e');
  doc.dispose();
  assert.equal(plain.has(third), false);
});

test("the analysis of a spliced tree forgets the previous tree's collection", () => {
  const text = fs.readFileSync(path.join(repoRoot(), 'test/workspace/src/orders.ts'), 'utf8');
  const doc = new SyntaxDocument('orders.ts', text);
  const cache = new SummaryCache();
  const run = () => {
    const job = beginAnalysis({ fileName: 'orders.ts', sourceFile: doc.sourceFile, settings: { ...defaultSettings, timeBudgetMs: 1e9 }, complexity: { cache, fileName: 'orders.ts' }, lazyFixes: true });
    while (!job.step());
  };
  run();
  const first = doc.sourceFile;
  const recorded = indexedNodes(first);
  assert.ok(recorded.length > 0);
  const bodies = functionBodies('orders.ts', text);
  const at = bodies[0].start + 1;
  doc.update(text.slice(0, at) + ' ' + text.slice(at));
  assert.equal(doc.spliced, 1);
  const before = collectionStats.patched;
  run();
  assert.equal(collectionStats.patched, before + 1, 'the collection was patched from the previous tree');
  // its records were used up: asking again walks the old tree (a new list, not the recorded one)
  assert.notEqual(indexedNodes(first), recorded);
});

// A function analysed afresh is presented with reasons that can be slices of that version of the
// text (here the receiver `this.someLongReceiver`, read from the file by the method around the
// edited generator). The summary that goes out is kept while the function stays where it is
// (placeSummary's lastPlaced), so it must carry the detached copies: kept as presented, each
// function edited in place held on to a whole version of the text until something before it
// moved. On GitApi.js in the server, ~70 copies of its 0.5 MB text per 300 keystrokes were kept
// long enough to be promoted, and were left for full GCs to collect.
test('the summary of a function analysed afresh does not keep its version of the text', () => {
  const fns = 8;
  const method = (i: number) =>
    `  total${i}(someLongItemsArray) {\n    return run(this, function* () {\n      let s = 0;\n      for (const x of someLongItemsArray) s += yield this.someLongReceiver.someLongMethod(x);\n      return s;\n    });\n  }\n`;
  // a two-byte text (one character beyond Latin-1) of ~4 MB, most of it comments after the class
  const text0 = 'class Totals {\n' + Array.from({ length: fns }, (_, i) => method(i)).join('') + '}\n// it’s long\n' + `// ${'x'.repeat(97)}\n`.repeat(20_000);
  const textMB = (text0.length * 2) / 2 ** 20;
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  const settings = { ...defaultSettings, timeBudgetMs: Infinity };
  const cache = new SummaryCache();
  const doc = new SyntaxDocument('long.js', text0);
  let explained = 0;
  const analyse = () => {
    const r = analyzeFile({ fileName: 'long.js', sourceFile: doc.sourceFile, settings, complexity: { cache, fileName: 'long.js' }, lazyFixes: true });
    explained = r.summaries.filter((s) => s.evidence.some((e) => e.reason === 'assumes this.someLongReceiver.someLongMethod() is O(1)')).length;
  };
  analyse();
  assert.equal(explained, fns, "each generator's call is explained with its receiver");
  gc();
  const before = process.memoryUsage().heapUsed;
  let text = text0;
  const recomputed = cache.recomputations;
  for (let i = 0; i < fns; i++) {
    // `let s = 0` → `let s = 1` in method i's generator: same length, so no function moves
    const at = text.indexOf('let s = 0');
    text = text.slice(0, at) + 'let s = 1' + text.slice(at + 9);
    doc.update(text);
    analyse();
  }
  assert.equal(cache.recomputations - recomputed, 2 * fns, 'each edit derived its generator and method again, and only them');
  assert.equal(explained, fns);
  gc();
  const grownMB = (process.memoryUsage().heapUsed - before) / 2 ** 20;
  // the current text is one; kept as presented, the summaries held one more per edit (~31 MB)
  assert.ok(grownMB < 2 * textMB, `heap grew ${grownMB.toFixed(1)} MB over ${fns} edits of a ${textMB.toFixed(1)} MB text`);
});
