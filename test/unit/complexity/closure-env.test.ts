// A function declared inside a callback, called from that callback while the enclosing function
// walks it inline: the callback's environment is built first (FileAnalyzer.summary), so the
// callback's own walk analyses the closure there instead of finding it "running" and reporting a
// recursion. Before, a fresh analysis reported the callback as O(n) recursion (low confidence),
// while an incremental one that took the closure from the cache did not: the two disagreed
// (eslint's lib/linter/linter.js, runRules, in `npm run stress:incremental`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ts } from 'ts-morph';
import { SyntaxDocument } from '../../../server/src/analysis/project/document';
import { analyzeFunctions, SummaryCache } from '../../../server/src/analysis/complexity';
import type { FunctionSummary } from '../../../server/src/analysis/types';

const source = [
  'function runRules(rules) {',
  '  Object.keys(rules).forEach((id) => {',
  '    const ctx = {',
  '      report(...args) {',
  '        return 1;',
  '      },',
  '    };',
  '    function handler(x) { return x; }',
  '    handler(id);',
  '    return ctx;',
  '  });',
  '}',
  '',
].join('\n');

const fresh = (text: string): FunctionSummary[] => analyzeFunctions(ts.createSourceFile('rules.js', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS));
const brief = (summaries: FunctionSummary[]) => summaries.map((s) => `${s.qualifiedName} ${s.complexity} ${s.confidence}`);

/**
 * `source` analysed with a summary cache, then the function `name` renamed to `name + 'Q'` and
 * back, each time compared with a fresh analysis (JSON); the keys derived again at each step.
 */
function renamedAwayAndBack(file: string, source: string, name: string): string[][] {
  const doc = new SyntaxDocument(file, source);
  const cache = new SummaryCache();
  analyzeFunctions(doc.sourceFile, { cache, fileName: file });
  const recomputed: string[][] = [];
  for (const text of [source.replace(`function ${name}(`, `function ${name}Q(`), source]) {
    doc.update(text);
    cache.recomputed.length = 0;
    const incremental = analyzeFunctions(doc.sourceFile, { cache, fileName: file });
    const want = analyzeFunctions(ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS));
    assert.deepEqual(JSON.parse(JSON.stringify(incremental)), JSON.parse(JSON.stringify(want)), text);
    recomputed.push(cache.recomputed.slice());
  }
  return recomputed;
}

test('a closure called from the callback that declares it is not a recursion of that callback', () => {
  const byName = new Map(fresh(source).map((s) => [s.qualifiedName, s]));
  const callback = byName.get('runRules.<arrow>')!;
  assert.equal(callback.complexity, 'O(1)');
  assert.equal(callback.confidence, 'high');
  assert.deepEqual(callback.evidence.filter((e) => /recursion/.test(e.reason)), []);
  assert.equal(byName.get('runRules.<arrow>.handler')!.complexity, 'O(1)');
  assert.equal(byName.get('runRules')!.complexity, 'O(n)');
});

test('after an edit in a method beside the closure, the incremental summaries equal a fresh analysis', () => {
  const doc = new SyntaxDocument('rules.js', source);
  const cache = new SummaryCache();
  analyzeFunctions(doc.sourceFile, { cache, fileName: 'rules.js' });
  const at = source.indexOf('report(...args) {') + 'report(...args) {'.length;
  const text = source.slice(0, at) + 'for (const _z of args) { }' + source.slice(at);
  const before = doc.spliced;
  doc.update(text);
  assert.equal(doc.spliced, before + 1, 'the edit is spliced into the body');
  const incremental = brief(analyzeFunctions(doc.sourceFile, { cache, fileName: 'rules.js' }));
  assert.deepEqual(incremental, brief(fresh(text)));
  assert.ok(incremental.includes('runRules.<arrow>.report O(n) high'), incremental.join('; '));
  assert.ok(incremental.includes('runRules.<arrow> O(1) high'), incremental.join('; '));
});

test('a closure derived again while the function around it comes from the cache still sees that function’s variables', () => {
  // (stress:incremental on eslint's lib/rules/require-atomic-updates.js: a visitor inside
  // `create(context)` lost its `stack.currentSegments` term once a module-level helper it calls
  // was renamed; the visitor was derived again, `create` taken from the cache without its
  // environment)
  const rule = [
    'function helper(x) {',
    '  return x;',
    '}',
    'class Info {',
    '  mark(items) {',
    '    for (const i of items) i.read = true;',
    '  }',
    '}',
    'function create(context) {',
    '  const info = new Info();',
    '  const stack = { items: [] };',
    '  return {',
    '    visit(node) {',
    '      info.mark(stack.items);',
    '      return helper(node);',
    '    },',
    '  };',
    '}',
    '',
  ].join('\n');
  for (const keys of renamedAwayAndBack('rule.js', rule, 'helper')) {
    // the visitor was derived again (its callee changed), `create` was not
    assert.ok(keys.some((k) => k.startsWith('create.')) && !keys.includes('create#0'), keys.join(' '));
  }
  assert.match(brief(fresh(rule)).find((s) => s.startsWith('create.'))!, /O\(n\)/);
});

test('a closure derived again while the cache entry of the function around it is being checked sees that function’s declarations', () => {
  // (stress:incremental on eslint's lib/rules/no-useless-assignment.js: `verify` calls
  // `check`, whose callee was renamed; checking verify's entry derived `check` again while
  // verify was marked running, and `check` no longer found `inSegment`, declared in verify)
  const rule = [
    'function between(a, b) {',
    '  return a < b;',
    '}',
    'function verify(target) {',
    '  function inSegment(segment, id) {',
    '    for (const x of target.items) if (x === id) return true;',
    '    return false;',
    '  }',
    '  function check(assignment) {',
    '    return between(assignment, 1) || assignment.segments.some((s) => inSegment(s, assignment));',
    '  }',
    '  return check(target);',
    '}',
    '',
  ].join('\n');
  renamedAwayAndBack('verify.js', rule, 'between');
  // (a fresh analysis finds inSegment from check: nothing assumed about it)
  const check = fresh(rule).find((s) => s.qualifiedName === 'verify.check')!;
  assert.ok(!check.evidence.some((e) => /inSegment/.test(e.reason) && /assumes/.test(e.reason)), JSON.stringify(check.evidence));
});
