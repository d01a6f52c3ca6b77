// A JSDoc type says what a JavaScript parameter is (`@param {ListNode} h`: h is measured by its
// length), and it sits in the function's leading trivia, outside the text the summary cache keys
// a function by. An edit to it must re-derive the function, as a fresh analysis would read it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFunctions, SummaryCache } from '../../../server/src/analysis/complexity';
import { parse } from './helpers';

const shapes: Array<[string, (type: string) => string]> = [
  ['recursion', (type) => `/**\n * @param {${type}} t\n */\nfunction walk(t) {\n  if (!t) return 0;\n  return 1 + walk(t.left) + walk(t.right);\n}\n`],
  ['link loop', (type) => `class Lists {\n  /**\n   * @param {${type}} h\n   */\n  count(h) {\n    let n = 0;\n    while (h) { h = h.next; n++; }\n    return n;\n  }\n}\n`],
  ['counted loop', (type) => `/** @param {${type}} h */\nconst upTo = (h) => {\n  let n = 0;\n  for (let i = 0; i < h; i++) n++;\n  return n;\n};\n`],
];
const types = ['TreeNode', 'ListNode', 'number'];
const view = (text: string, cache?: SummaryCache) =>
  analyzeFunctions(parse(text, 'lists.js'), cache ? { cache } : {}).map((s) => ({ complexity: s.complexity, variables: s.variables, evidence: s.evidence.map((e) => `${e.factor}: ${e.reason}`) }));

for (const [name, source] of shapes) {
  test(`an edit to a JSDoc parameter type re-derives the function (${name})`, () => {
    let differs = 0;
    for (const from of types) {
      for (const to of types) {
        if (from === to) continue;
        const cache = new SummaryCache();
        view(source(from), cache);
        cache.resetCounters();
        const fresh = view(source(to));
        assert.deepEqual(view(source(to), cache), fresh, `${from} → ${to}`);
        assert.equal(cache.recomputations, 1, `${from} → ${to}: the function is re-derived`);
        if (JSON.stringify(fresh) !== JSON.stringify(view(source(from)))) differs++;
      }
    }
    assert.ok(differs > 0, 'the JSDoc type changes the summary for some pair');
  });
}

test('an edit to a comment that is not JSDoc reuses the summary', () => {
  const cache = new SummaryCache();
  view(`// counts\nfunction f(xs) {\n  let n = 0;\n  for (const x of xs) n += x;\n  return n;\n}\n`, cache);
  cache.resetCounters();
  view(`// counts the items\nfunction f(xs) {\n  let n = 0;\n  for (const x of xs) n += x;\n  return n;\n}\n`, cache);
  assert.equal(cache.recomputations, 0);
});

test('an edit to the JSDoc of an enclosing function re-derives its closures', () => {
  // `h` is the enclosing function's parameter: what the closure's loop is bounded by depends on
  // the enclosing function's JSDoc, which is in neither function's own text.
  const source = (type: string) =>
    `/** @param {${type}} h */\nfunction outer(h) {\n  function inner() {\n    let s = 0;\n    for (let i = 0; i < h; i++) s++;\n    return s;\n  }\n  return inner();\n}\n`;
  for (const [from, to] of [['number', 'ListNode'], ['ListNode', 'number'], ['number', 'TreeNode']]) {
    const cache = new SummaryCache();
    view(source(from), cache);
    const fresh = view(source(to));
    assert.notDeepEqual(fresh, view(source(from)), `${from} → ${to} changes the estimates`);
    assert.deepEqual(view(source(to), cache), fresh, `${from} → ${to}`);
  }
});
