// A call to a name nothing resolves is assumed O(1) (and named in the evidence). When an edit
// gives the file a function of that name (a declaration renamed to it, a method renamed in its
// header), the callers' cached summaries must be derived again: the summary cache records each
// summary's unresolved names (complexity/index.ts) and drops the entry once one of them is
// declared. (A class renamed to the name `new X()` uses changes the file's context, which every
// summary is keyed by.) A call to a function without a body (a `declare`d one, a bodiless
// constructor) is assumed O(1) too: the caller's entry holds while that function is still there
// without a body. Each incremental run must equal a fresh analysis.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ts } from 'ts-morph';
import { SyntaxDocument } from '../../../server/src/analysis/project/document';
import { analyzeFunctions, SummaryCache } from '../../../server/src/analysis/complexity';
import type { FunctionSummary } from '../../../server/src/analysis/types';

const fresh = (text: string, file = 'calls.js'): FunctionSummary[] => analyzeFunctions(ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('.ts') ? ts.ScriptKind.TS : ts.ScriptKind.JS));
const brief = (summaries: FunctionSummary[]) => summaries.map((s) => `${s.qualifiedName} ${s.complexity}${s.evidence.some((e) => /assumes/.test(e.reason)) ? ' assumes' : ''}`);

/** The summaries after each edit in turn, incrementally (one cache from `source` on), each checked against a fresh analysis. */
function afterEdits(source: string, edits: Array<(text: string) => string>, file = 'calls.js', recomputed?: string[][]): string[][] {
  const doc = new SyntaxDocument(file, source);
  const cache = new SummaryCache();
  analyzeFunctions(doc.sourceFile, { cache, fileName: file });
  let text = source;
  const out: string[][] = [];
  for (const edit of edits) {
    text = edit(text);
    doc.update(text);
    cache.recomputed.length = 0;
    const incremental = brief(analyzeFunctions(doc.sourceFile, { cache, fileName: file }));
    assert.deepEqual(incremental, brief(fresh(text, file)), text);
    out.push(incremental);
    recomputed?.push(cache.recomputed.slice());
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

test('a bodiless constructor renamed away, and back: the caller of `new X()` no longer assumes it, then does again', () => {
  // (found by stress:incremental on test/fixtures/nplus1/http/aws.ts)
  const source = ['declare class Command { constructor(a: { key: string }) }', 'export function send(keys: string[]) {', '  for (const key of keys) new Command({ key });', '}', 'export function other(xs: number[]) {', '  let s = 0;', '  for (const x of xs) s += x;', '  return s;', '}', ''].join('\n');
  assert.deepEqual(brief(fresh(source, 'cmd.ts')), ['Command.constructor O(1)', 'send O(n) assumes', 'other O(n)']);
  const recomputed: string[][] = [];
  const [renamed, spaced, back] = afterEdits(
    source,
    [(t) => t.replace('constructor(a', 'constructorQ(a'), (t) => t.replace('let s = 0;', 'let s  = 0;'), (t) => t.replace('constructorQ(a', 'constructor(a')],
    'cmd.ts',
    recomputed,
  );
  assert.deepEqual(renamed, ['Command.constructorQ O(1)', 'send O(n)', 'other O(n)']);
  assert.deepEqual(back, ['Command.constructor O(1)', 'send O(n) assumes', 'other O(n)']);
  assert.deepEqual(spaced, renamed);
  // an edit elsewhere leaves the caller of the bodiless function to the cache
  assert.ok(!recomputed[1].some((k) => k.startsWith('send')), recomputed[1].join(' '));
});

test('a function declared without a body gets one: its caller pays for it', () => {
  const source = ['function load(xs: number[]): number;', 'export function all(groups: number[][]) {', '  let n = 0;', '  for (const g of groups) n += load(g);', '  return n;', '}', 'export function other(xs: number[]) {', '  return xs.length;', '}', ''].join('\n');
  assert.deepEqual(brief(fresh(source, 'decl.ts')), ['load O(1)', 'all O(n) assumes', 'other O(1)']);
  const recomputed: string[][] = [];
  const [spaced, bodied, bodiless] = afterEdits(
    source,
    [
      (t) => t.replace('return xs.length;', 'return  xs.length;'),
      (t) => t.replace('function load(xs: number[]): number;', 'function load(xs: number[]): number { let s = 0; for (const x of xs) s += x; return s; }'),
      (t) => t.replace(/function load\(xs: number\[\]\): number \{.*\}/, 'function load(xs: number[]): number;'),
    ],
    'decl.ts',
    recomputed,
  );
  // an edit elsewhere leaves the caller of the bodiless function to the cache
  assert.deepEqual(spaced, ['load O(1)', 'all O(n) assumes', 'other O(1)']);
  assert.ok(!recomputed[0].some((k) => k.startsWith('all')), recomputed[0].join(' '));
  assert.deepEqual(bodied, ['load O(n)', 'all O(m*n)', 'other O(1)']);
  assert.deepEqual(bodiless, ['load O(1)', 'all O(n) assumes', 'other O(1)']);
});
