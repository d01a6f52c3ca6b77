// What an edit invalidates in files whose functions all live inside one wrapper: an IIFE or UMD
// module, compiled helpers such as `var __awaiter = (this && this.__awaiter) || function () {...}`.
// A function's summary depends on its own text, on the code of the functions around it *outside*
// their nested functions, on module-level values, and on the summaries of what it calls. An edit
// inside one nested function must not re-derive its siblings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFunctions, SummaryCache, tokensOnly } from '../../../server/src/analysis/complexity';
import { parse, summaryOf } from './helpers';
import { SyntaxDocument } from '../../../server/src/analysis/project/document';

function wrapped(edits: Record<string, string> = {}): string {
  const body = (name: string, dflt: string) => edits[name] ?? dflt;
  const fns: string[] = [];
  for (let i = 0; i < 20; i++) fns.push(`  function f${i}(xs) {\n${body(`f${i}`, `    var s = 0;\n    for (var j = 0; j < xs.length; j++) s += xs[j] * ${i};\n    return s;`)}\n  }`);
  return [
    `var __helper = (this && this.__helper) || function (xs) {\n${body('helper', '  var t = 0;\n  for (var x of xs) t += x;\n  return t;')}\n};`,
    `(function (root) {`,
    `  var LIMIT = ${edits.LIMIT ?? '10'};`,
    `  function bounded(xs) {\n    for (var i = 0; i < LIMIT; i++) xs.push(i);\n    return xs;\n  }`,
    ...fns,
    `  function outer(xs) {\n    var lim = ${edits.lim ?? '5'};\n    function inner(ys) {\n      for (var k = 0; k < lim; k++) ys.push(k);\n      return ys;\n    }\n    return inner(xs);\n  }`,
    `  root.api = { f0: f0, f1: f1 };`,
    `})(this);`,
  ].join('\n');
}

function run(cache: SummaryCache, text: string) {
  cache.resetCounters();
  return analyzeFunctions(parse(text, 'wrapped.js'), { cache });
}

test('incremental in a wrapped module: an edit inside one function re-derives it and its enclosing functions only', () => {
  const cache = new SummaryCache();
  const cold = run(cache, wrapped());
  const total = cold.length;
  assert.equal(cache.recomputations, total);
  assert.equal(run(cache, wrapped()).length, total);
  assert.equal(cache.recomputations, 0, 'no edit, nothing re-derived');

  // Inside f7 (same estimate): f7 and the IIFE around it (its own text changed), nothing else.
  // (The helper is the file's first anonymous function, <anonymous>#0; the IIFE is <anonymous>#1.)
  run(cache, wrapped({ f7: '    var s = 1;\n    for (var j = 0; j < xs.length; j++) s -= xs[j];\n    return s;' }));
  assert.deepEqual([...cache.recomputed].sort(), ['<anonymous>#1', '<anonymous>.f7#0']);
});

test('incremental in a wrapped module: an edit inside a helper assigned with || re-derives that helper only', () => {
  const cache = new SummaryCache();
  run(cache, wrapped());
  run(cache, wrapped({ helper: '  var t = 1;\n  for (var x of xs) t *= x;\n  return t;' }));
  assert.deepEqual(cache.recomputed, ['<anonymous>#0']);
});

test('incremental in a wrapped module: the code around a function still counts (no stale estimates)', () => {
  const cache = new SummaryCache();
  const before = run(cache, wrapped());
  assert.equal(summaryOf(before, 'inner').complexity, 'O(1)');
  assert.equal(summaryOf(before, 'bounded').complexity, 'O(1)');
  // The enclosing function's own code changes what `inner` loops over.
  const lim = run(cache, wrapped({ lim: 'xs.length' }));
  assert.equal(summaryOf(lim, 'inner').complexity, summaryOf(analyzeFunctions(parse(wrapped({ lim: 'xs.length' }), 'fresh.js')), 'inner').complexity);
  assert.notEqual(summaryOf(lim, 'inner').complexity, 'O(1)');
  // A value of the wrapper's own scope changes what `bounded` loops over.
  const limit = run(cache, wrapped({ LIMIT: 'root.items.length' }));
  const fresh = analyzeFunctions(parse(wrapped({ LIMIT: 'root.items.length' }), 'fresh.js'));
  assert.deepEqual(limit.map((s) => [s.qualifiedName, s.complexity]), fresh.map((s) => [s.qualifiedName, s.complexity]));
  assert.notEqual(summaryOf(limit, 'bounded').complexity, 'O(1)');
});

test('incremental in a wrapped module: comments and spaces in the wrapper\'s own code re-derive the wrapper only', () => {
  const cache = new SummaryCache();
  const base = wrapped();
  run(cache, base);
  const edits = [
    base.replace('  var LIMIT', '  // the limit\n  var LIMIT'),
    base.replace('  var LIMIT', '  /* the limit */ var LIMIT'),
    base.replace('  root.api = {', '  root.api  =  {'),
  ];
  for (const text of edits) {
    const got = run(cache, text);
    assert.deepEqual(cache.recomputed, ['<anonymous>#1'], text.slice(text.indexOf('var LIMIT') - 20, text.indexOf('var LIMIT') + 10));
    assert.deepEqual(got.map((s) => [s.qualifiedName, s.complexity]), analyzeFunctions(parse(text, 'fresh.js')).map((s) => [s.qualifiedName, s.complexity]));
  }
  // code is not a comment: a changed value still re-derives what reads it (the test above)
  run(cache, wrapped({ LIMIT: '11' }));
  assert.ok(cache.recomputed.includes('<anonymous>.bounded#0'), cache.recomputed.join(', '));
});

test('the code around a function is keyed by its tokens: spacing, comments, line breaks', () => {
  assert.equal(tokensOnly('var  a =\t1; // one\nvar b = /* two */ 2;'), 'var a = 1;\nvar b = 2;');
  // a line break stays one (automatic semicolons), also when a comment holds it
  assert.notEqual(tokensOnly('return\nx'), tokensOnly('return x'));
  assert.equal(tokensOnly('return /* a\n */ x'), tokensOnly('return\nx'));
  // strings keep their spaces; JSDoc goes too (it is keyed apart, with the function it documents)
  assert.notEqual(tokensOnly("f('a  b')"), tokensOnly("f('a b')"));
  assert.equal(tokensOnly('/** @param {number} n */ var n;'), 'var n;');
});

test('incremental in a wrapped module: after an edit spliced into one function, the code around it is not read again', () => {
  const base = wrapped();
  const doc = new SyntaxDocument('wrapped.js', base);
  const cache = new SummaryCache();
  const analyse = () => {
    cache.resetCounters();
    return analyzeFunctions(doc.sourceFile, { cache, fileName: 'wrapped.js' });
  };
  analyse();
  // inside f7 (the wrapper and its statement are copies on the path; their code is the same)
  let text = base.replace('s += xs[j] * 7;', 's += xs[j] * 7 + 1;');
  doc.update(text);
  assert.equal(doc.spliced, 1);
  let got = analyse();
  assert.equal(cache.skeletonTexts, 0, 'no skeleton computed');
  assert.deepEqual(got.map((s) => [s.qualifiedName, s.complexity]), analyzeFunctions(parse(text, 'fresh.js')).map((s) => [s.qualifiedName, s.complexity]));
  // inside inner, whose enclosing function `outer` is on the path: outer's skeleton is carried too
  text = text.replace('ys.push(k);', 'ys.push(k + 1);');
  doc.update(text);
  assert.equal(doc.spliced, 2);
  got = analyse();
  assert.equal(cache.skeletonTexts, 0, 'no skeleton computed');
  // and in outer's own code (outside inner): outer's skeleton changes, and inner follows it
  text = text.replace('var lim = 5;', 'var lim = xs.length;');
  doc.update(text);
  assert.equal(doc.spliced, 3);
  got = analyse();
  assert.ok(cache.skeletonTexts > 0, 'outer\'s skeleton computed again');
  assert.deepEqual(got.map((s) => [s.qualifiedName, s.complexity]), analyzeFunctions(parse(text, 'fresh.js')).map((s) => [s.qualifiedName, s.complexity]));
  assert.notEqual(summaryOf(got, 'inner').complexity, 'O(1)');
});

test('a closure that consults a table built by a callback in a variable initializer: an edit in that callback re-derives it', () => {
  // (found by stress:incremental on the Big-O corpus: doocs-1140, "Stone Game II")
  const source = [
    'function game(piles: number[]): number {',
    '  const n = piles.length;',
    '  const f = Array.from({ length: n }, () => new Array(n + 1).fill(0));',
    '  const dfs = (i: number, m: number): number => {',
    '    if (i >= n) return 0;',
    '    if (f[i][m]) return f[i][m];',
    '    let best = 0;',
    '    for (let x = 1; x <= 2 * m && i + x <= n; x++) best = Math.max(best, piles[i] - dfs(i + x, Math.max(m, x)));',
    '    return (f[i][m] = best);',
    '  };',
    '  return dfs(0, 1);',
    '}',
    '',
  ].join('\n');
  const doc = new SyntaxDocument('game.ts', source);
  const cache = new SummaryCache();
  const keyed = (text: string, sf = parse(text, 'game.ts')) => analyzeFunctions(sf, { cache: new SummaryCache() }).map((s) => `${s.qualifiedName} ${s.complexity}`);
  analyzeFunctions(doc.sourceFile, { cache, fileName: 'game.ts' });
  let text = source;
  for (const [from, to] of [['new Array(n + 1)', 'new ArraQy(n + 1)'], ['new ArraQy(n + 1)', 'new Array(n + 1)']]) {
    text = text.replace(from, to);
    doc.update(text);
    const incremental = analyzeFunctions(doc.sourceFile, { cache, fileName: 'game.ts' }).map((s) => `${s.qualifiedName} ${s.complexity}`);
    assert.deepEqual(incremental, keyed(text), to);
  }
  // (the edit changes the estimate: the test would not notice a stale one otherwise)
  assert.notDeepEqual(keyed(source.replace('new Array(n + 1)', 'new ArraQy(n + 1)')), keyed(source));
});
