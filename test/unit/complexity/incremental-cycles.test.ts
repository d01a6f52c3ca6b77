// Functions that call each other in a cycle: the analysis cuts the cycle where it finds a callee
// already on its stack (a mutual recursion), so a summary depends on where the analysis entered
// the cycle. The summary cache records those callees (IN_CYCLE, complexity/index.ts) and reuses
// such a summary only while they are on the stack again; a callee it did analyse that is on the
// stack now makes it derived again. Each incremental run must equal a fresh analysis.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ts } from 'ts-morph';
import { SyntaxDocument } from '../../../server/src/analysis/project/document';
import { analyzeFunctions, SummaryCache } from '../../../server/src/analysis/complexity';
import type { FunctionSummary } from '../../../server/src/analysis/types';

const fresh = (text: string): FunctionSummary[] => analyzeFunctions(ts.createSourceFile('cycle.js', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS));
const brief = (summaries: FunctionSummary[]) =>
  summaries.map((s) => `${s.qualifiedName} ${s.complexity} ${s.confidence}${s.evidence.some((e) => /recursion/.test(e.reason)) ? ' recursive' : ''}`);

/** The summaries after `edit`, incrementally (a cache warmed on `source`), checked against a fresh analysis. */
function afterEdit(source: string, edit: (text: string) => string): string[] {
  const doc = new SyntaxDocument('cycle.js', source);
  const cache = new SummaryCache();
  analyzeFunctions(doc.sourceFile, { cache, fileName: 'cycle.js' });
  const text = edit(source);
  doc.update(text);
  const incremental = brief(analyzeFunctions(doc.sourceFile, { cache, fileName: 'cycle.js' }));
  assert.deepEqual(incremental, brief(fresh(text)));
  return incremental;
}

test('a method renamed out of a cycle: its former partner no longer recurses through it', () => {
  const source = [
    'class Linter {',
    '  withConfig(xs) {',
    '    return this.withProcessor(xs);',
    '  }',
    '  withProcessor(xs) {',
    '    let n = 0;',
    '    for (const x of xs) n += x;',
    '    return n + this.withConfig(xs);',
    '  }',
    '}',
    '',
  ].join('\n');
  // entered at withConfig, the cycle is cut in withProcessor
  assert.deepEqual(brief(fresh(source)), ['Linter.withConfig O(m*n) medium', 'Linter.withProcessor O(m*n) low recursive']);
  // (this.withConfig() is now an unknown method, assumed O(1))
  assert.deepEqual(afterEdit(source, (t) => t.replace('withConfig(xs) {', 'withConfigQ(xs) {')), ['Linter.withConfigQ O(n) high', 'Linter.withProcessor O(n) medium']);
});

test('a new caller enters the cycle at the other function: both are derived again', () => {
  const source = [
    'function a(xs) {',
    '  for (const x of xs) b(x);',
    '  return 0;',
    '}',
    'function b(ys) {',
    '  let n = 0;',
    '  for (const y of ys) n += y;',
    '  return n + a(ys);',
    '}',
    '',
  ].join('\n');
  const got = afterEdit(source, (t) => 'function c(zs) {\n  return b(zs);\n}\n' + t);
  assert.equal(got.length, 3);
});
