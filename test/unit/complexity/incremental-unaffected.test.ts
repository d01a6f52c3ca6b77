// After an edit spliced into one function body, the summaries of the functions the edit cannot
// affect are taken as the last run left them, without validating each against the cache
// (unaffectedSince, complexity/index.ts). The others (the edited function, the functions around
// it, and whatever calls a changed function, transitively, through earlier or later functions)
// are validated and re-derived as before: every result equals a fresh analysis.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ts } from 'ts-morph';
import { SyntaxDocument } from '../../../server/src/analysis/project/document';
import { analyzeFunctions, analyzeFunctionsStepwise, SummaryCache } from '../../../server/src/analysis/complexity';
import type { FunctionSummary } from '../../../server/src/analysis/types';

const source = [
  'function leaf(xs) {',
  '  return xs.length;',
  '}',
  'function mid(xs) {',
  '  return leaf(xs);',
  '}',
  'function top(xs) {',
  '  return mid(xs);',
  '}',
  // calls a function defined after it, which calls leaf
  'function early(xs) {',
  '  return later(xs);',
  '}',
  'function later(xs) {',
  '  return leaf(xs);',
  '}',
  'function apart(ys) {',
  '  let s = 0;',
  '  for (const y of ys) s += y;',
  '  return s;',
  '}',
  'function outer(zs) {',
  '  const inner = (z) => z * 2;',
  '  return zs.map(inner);',
  '}',
  '',
].join('\n');

const fresh = (text: string): FunctionSummary[] => analyzeFunctions(ts.createSourceFile('chain.js', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS));
const byName = (summaries: FunctionSummary[]) => Object.fromEntries(summaries.map((s) => [s.qualifiedName, s.complexity]));

function session() {
  const doc = new SyntaxDocument('chain.js', source);
  const cache = new SummaryCache();
  let text = source;
  const run = () => analyzeFunctions(doc.sourceFile, { cache, fileName: 'chain.js' });
  const edit = (at: string, insert: string, replace = 0) => {
    const i = text.indexOf(at) + at.length;
    text = text.slice(0, i) + insert + text.slice(i + replace);
    const before = doc.spliced;
    doc.update(text);
    assert.equal(doc.spliced, before + 1, 'the edit is spliced into the body');
    cache.resetCounters();
  };
  /** The incremental summaries, after checking that they equal a fresh analysis of the text. */
  const runAndCompare = () => {
    const got = run();
    assert.deepEqual(got, fresh(text));
    return got;
  };
  // the first, complete run: the record the next one starts from
  run();
  return { cache, run, runAndCompare, edit, sourceFile: () => doc.sourceFile };
}

test('a loop added to a leaf function reaches its callers, through earlier and later functions; the rest is taken unvalidated', () => {
  const s = session();
  s.edit('function leaf(xs) {', ' for (const x of xs) { } ');
  const got = s.runAndCompare();
  const cost = byName(got);
  for (const name of ['leaf', 'mid', 'top', 'early', 'later']) assert.equal(cost[name], 'O(n)', `${name} now iterates through leaf`);
  // apart, outer and outer.inner are neither the edited function nor its callers
  assert.equal(s.cache.unaffected, 3);
  assert.deepEqual([...s.cache.recomputed].sort(), ['early', 'later', 'leaf', 'mid', 'top'].map((n) => `${n}#0`).sort());
});

test('an edit that keeps a function\'s summary re-derives it alone: its callers are validated, not re-derived', () => {
  const s = session();
  s.edit('function leaf(xs) {', ' ');
  s.runAndCompare();
  assert.deepEqual(s.cache.recomputed, ['leaf#0']);
  // mid, top, early, later call leaf (validated: its fingerprint is the same); the other three are taken
  assert.equal(s.cache.unaffected, 3);
  assert.equal(s.cache.reuses, 7);
});

test('an edit inside a nested function validates it and the function around it only', () => {
  const s = session();
  s.edit('const inner = (z) => ', '[z].length + ');
  s.runAndCompare();
  assert.equal(s.cache.unaffected, 6);
});

test('a run stopped half-way leaves no record: the next one validates every function', () => {
  const s = session();
  s.edit('function apart(ys) {', ' ');
  const steps = analyzeFunctionsStepwise(s.sourceFile(), { cache: s.cache, fileName: 'chain.js' }, []);
  steps.next();
  steps.next();
  steps.return();
  assert.equal(s.cache.lastRuns.has('chain.js'), false);
  s.cache.resetCounters();
  s.runAndCompare();
  assert.equal(s.cache.unaffected, 0);
  // and the one after that takes the unaffected functions again
  s.edit('function apart(ys) {', ' ');
  s.run();
  assert.equal(s.cache.unaffected, 7);
});

test('a function taken as it was gets the same summary while it stays in place, and a new one placed where it moved', () => {
  const s = session();
  const first = s.run();
  // a space typed in early: leaf, mid and top before it are where they were
  s.edit('function early(xs) {', ' ');
  const second = s.runAndCompare();
  const at = (list: FunctionSummary[], name: string) => list.find((x) => x.qualifiedName === name)!;
  for (const name of ['leaf', 'mid', 'top']) assert.equal(at(second, name), at(first, name), `${name}: the same object`);
  // later, apart and outer after it moved one character on (taken as they were: placed anew)
  assert.equal(s.cache.unaffected, 7);
  for (const name of ['later', 'apart', 'outer', 'outer.inner']) {
    assert.notEqual(at(second, name), at(first, name), `${name}: placed anew`);
    assert.equal(at(second, name).span.start, at(first, name).span.start + 1, `${name}: one character on`);
  }
  // a space in early replaced by a line break: the same offsets after it, one line down
  s.edit('function early(xs) {', '\n', 1);
  const third = s.runAndCompare();
  for (const name of ['later', 'apart', 'outer', 'outer.inner']) {
    assert.equal(at(third, name).span.start, at(second, name).span.start, `${name}: the same offset`);
    assert.equal(at(third, name).line, at(second, name).line + 1, `${name}: a line down`);
  }
  for (const name of ['leaf', 'mid', 'top']) assert.equal(at(third, name), at(first, name), `${name}: still the same object`);
});
