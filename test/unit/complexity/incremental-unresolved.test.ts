// A call to a name nothing resolves is assumed O(1) (and named in the evidence). When an edit
// gives the file a function of that name (a declaration renamed to it, a method renamed in its
// header), the callers' cached summaries must be derived again: the summary cache records each
// summary's unresolved names (complexity/index.ts) and drops the entry once one of them is
// declared. (A class renamed to the name `new X()` uses changes the file's context, which every
// summary is keyed by.) Each incremental run must equal a fresh analysis.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ts } from 'ts-morph';
import { SyntaxDocument } from '../../../server/src/analysis/project/document';
import { analyzeFunctions, SummaryCache } from '../../../server/src/analysis/complexity';
import type { FunctionSummary } from '../../../server/src/analysis/types';

const fresh = (text: string): FunctionSummary[] => analyzeFunctions(ts.createSourceFile('calls.js', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS));
const brief = (summaries: FunctionSummary[]) => summaries.map((s) => `${s.qualifiedName} ${s.complexity}${s.evidence.some((e) => /assumes/.test(e.reason)) ? ' assumes' : ''}`);

/** The summaries after each edit in turn, incrementally (one cache from `source` on), each checked against a fresh analysis. */
function afterEdits(source: string, edits: Array<(text: string) => string>): string[][] {
  const doc = new SyntaxDocument('calls.js', source);
  const cache = new SummaryCache();
  analyzeFunctions(doc.sourceFile, { cache, fileName: 'calls.js' });
  let text = source;
  const out: string[][] = [];
  for (const edit of edits) {
    text = edit(text);
    doc.update(text);
    const incremental = brief(analyzeFunctions(doc.sourceFile, { cache, fileName: 'calls.js' }));
    assert.deepEqual(incremental, brief(fresh(text)), text);
    out.push(incremental);
  }
  return out;
}

test('a function renamed to the name a call already used: the caller pays for it', () => {
  const source = ['function total(rows) {', '  let n = 0;', '  for (const r of rows) n += sum(r);', '  return n;', '}', 'function summ(xs) {', '  let s = 0;', '  for (const x of xs) s += x;', '  return s;', '}', ''].join('\n');
  assert.deepEqual(brief(fresh(source)), ['total O(n) assumes', 'summ O(n)']);
  const [renamed, back] = afterEdits(source, [(t) => t.replace('function summ(', 'function sum('), (t) => t.replace('function sum(', 'function summ(')]);
  assert.deepEqual(renamed, ['total O(m*n)', 'sum O(n)']);
  assert.deepEqual(back, ['total O(n) assumes', 'summ O(n)']);
});

test('a method renamed in its header to the name `this.x()` used, and a class to the name `new X()` used', () => {
  const methods = ['class Report {', '  rows(xs) {', '    for (const x of xs) this.width(x);', '  }', '  widht(s) {', '    for (const c of s) {}', '  }', '}', ''].join('\n');
  const [m] = afterEdits(methods, [(t) => t.replace('  widht(s) {', '  width(s) {')]);
  assert.deepEqual(m, ['Report.rows O(m*n)', 'Report.width O(n)']);
  const classes = ['function make(xs) {', '  for (const x of xs) new Grid(xs);', '}', 'class Gird {', '  constructor(xs) {', '    for (const x of xs) {}', '  }', '}', ''].join('\n');
  const [c] = afterEdits(classes, [(t) => t.replace('class Gird', 'class Grid')]);
  assert.deepEqual(c, ['make O(n^2)', 'Grid.constructor O(n)']);
});
