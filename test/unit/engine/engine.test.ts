import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProjectHost } from '../../../server/src/analysis/project/projectHost';
import { analyzeFile, beginAnalysis, disableFix, ensureFixes, suppressions } from '../../../server/src/engine';
import { defaultSettings } from '../../../server/src/analysis/types';
import { applyEdits } from '../helpers';

const host = new ProjectHost({ roots: ['/virtual'] });
const analyse = (name: string, text: string, settings = defaultSettings) => {
  const sf = host.setText(`/virtual/${name}`, text);
  return { sf, a: analyzeFile({ fileName: `/virtual/${name}`, sourceFile: sf, settings }) };
};

const loop = `declare const db: { query(s: string, p: unknown[]): Promise<unknown> };
export async function f(ids: number[]) {
  for (const id of ids) {
    await db.query('select', [id]);
  }
}
`;

test('a syntax error while typing still yields results for the functions that parse', () => {
  const text = `export function ok(a: number[]) {\n  for (const x of a) for (const y of a) if (x === y) return 1;\n  return 0;\n}\n\nexport function broken(a: number[] {\n  for (const x of a\n`;
  const { a } = analyse('broken.ts', text);
  assert.ok(a.syntaxErrors > 0);
  const ok = a.summaries.find((s) => s.name === 'ok');
  assert.ok(ok, 'the complete function is analysed');
  assert.notEqual(ok.complexity, 'O(1)');
});

test('perflens-disable-next-line suppresses only the named rule on the next line', () => {
  const off = suppressions(analyse('s.ts', `// perflens-disable-next-line n-plus-one, complexity\nx();\n// perflens-disable-next-line\ny();\n`).sf);
  assert.deepEqual([...(off.get(1) ?? [])], ['n-plus-one', 'complexity']);
  assert.deepEqual([...(off.get(3) ?? [])], ['*']);
});

test('the disable fix inserts an indented comment that then suppresses the finding', () => {
  const { sf, a } = analyse('d.ts', loop);
  const finding = a.findings.find((f) => f.rule === 'n-plus-one');
  assert.ok(finding);
  const fixed = applyEdits(sf.text, disableFix(sf, finding).edits);
  assert.match(fixed, /\n {4}\/\/ perflens-disable-next-line n-plus-one\n {4}await db\.query/);
  assert.equal(analyse('d2.ts', fixed).a.findings.filter((f) => f.rule === 'n-plus-one').length, 0);
});

test('settings: nPlusOne disabled and warnAbove raised silence the rules', () => {
  const quad = `export function q(a: number[]) { let c = 0; for (const x of a) for (const y of a) c += x * y; return c; }\n`;
  assert.equal(analyse('q.ts', quad).a.findings.filter((f) => f.rule === 'complexity').length, 1);
  assert.equal(analyse('q2.ts', quad, { ...defaultSettings, complexityWarnAbove: 'O(n^2)' }).a.findings.length, 0);
  assert.equal(analyse('n.ts', loop, { ...defaultSettings, nPlusOneEnabled: false }).a.findings.length, 0);
});

test('user query patterns make unknown calls queries', () => {
  const text = `declare function loadThing(id: number): Promise<unknown>;\nexport async function f(ids: number[]) { for (const id of ids) await loadThing(id); }\n`;
  assert.equal(analyse('u.ts', text).a.findings.length, 0);
  assert.equal(analyse('u2.ts', text, { ...defaultSettings, queryFunctions: ['loadThing'] }).a.findings.length, 1);
});

test('the n-plus-one message names the query and the loop, with related information on the loop', () => {
  const { sf, a } = analyse('m.ts', loop);
  const f = a.findings.find((x) => x.rule === 'n-plus-one');
  assert.ok(f);
  assert.equal(f.message, '`db.query` runs once per item of `ids` (loop at line 3): N+1 round trips');
  assert.equal(sf.getLineAndCharacterOfPosition(f.related![0].span.start).line + 1, 3);
});

const manyFunctions = (n: number) => Array.from({ length: n }, (_, i) => `export function f${i}(a: number[]) {\n  let s = 0;\n  for (const x of a) for (const y of a) s += x * y;\n  return s;\n}\n`).join('');

test('the time budget stops the function summaries too, with a notice naming where', () => {
  const text = manyFunctions(3000);
  const { a } = analyse('budget.ts', text, { ...defaultSettings, timeBudgetMs: 1 });
  assert.match(a.notice ?? '', /timeBudgetMs \(1 ms\); functions after line \d+ have no estimate/);
  assert.ok(a.summaries.length < 3000, `summaries: ${a.summaries.length}`);
  assert.deepEqual(a.findings, [], 'no rule ran');
  const full = analyse('budget-full.ts', text, { ...defaultSettings, timeBudgetMs: 1e9 }).a;
  assert.equal(full.summaries.length, 3000);
  assert.equal(full.notice, undefined);
});

test('beginAnalysis runs in slices and ends with the same analysis as analyzeFile', () => {
  const text = manyFunctions(400);
  const sf = host.setText('/virtual/slices.ts', text);
  const job = beginAnalysis({ fileName: '/virtual/slices.ts', sourceFile: sf, settings: defaultSettings });
  let slices = 1;
  while (!job.step(0)) slices++;
  assert.ok(slices > 400, `one function per slice at least: ${slices}`);
  const whole = analyzeFile({ fileName: '/virtual/slices.ts', sourceFile: sf, settings: defaultSettings });
  assert.deepEqual(job.result!.summaries.map((s) => s.complexity), whole.summaries.map((s) => s.complexity));
  assert.deepEqual(job.result!.findings.map((f) => f.message), whole.findings.map((f) => f.message));
});

test('lazy fixes are computed on first use and match the eager ones', () => {
  const sf = host.setText('/virtual/lazy.ts', loop);
  const lazy = analyzeFile({ fileName: '/virtual/lazy.ts', sourceFile: sf, settings: defaultSettings, lazyFixes: true }).findings.find((f) => f.rule === 'n-plus-one')!;
  const eager = analyzeFile({ fileName: '/virtual/lazy.ts', sourceFile: sf, settings: defaultSettings }).findings.find((f) => f.rule === 'n-plus-one')!;
  assert.equal(lazy.fixes, undefined);
  assert.equal(typeof lazy.resolveFixes, 'function');
  ensureFixes(lazy);
  assert.equal(lazy.resolveFixes, undefined);
  assert.ok(eager.fixes?.length, 'the eager analysis has a fix');
  assert.deepEqual(lazy.fixes, eager.fixes);
  assert.equal(lazy.noFixReason, eager.noFixReason);
});
