// moveAnalysis: the language server's last analysis moved through an edit (while the document
// does not parse into its shape). Moved positions must be those a fresh analysis of the new text
// gives wherever the edit left the code alone.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeFile } from '../../../server/src/engine';
import { parse } from '../../../server/src/analysis/project/document';
import { defaultSettings } from '../../../server/src/analysis/types';
import { KEPT_NO_FIX, changeBetween, moveAnalysis, type TextChange } from '../../../server/src/keptAnalysis';
import type { FileAnalysis, FunctionSummary } from '../../../server/src/analysis/types';

const code = `export function pairs(xs: number[]) {
  const out: number[] = [];
  for (const a of xs) for (const b of xs) out.push(a + b);
  return out;
}
export function common(xs: string[], ys: string[]) {
  return xs.filter((x) => ys.includes(x));
}
export async function load(db: any, ids: string[]) {
  for (const id of ids) await db.user.findUnique({ where: { id } });
}
`;

const analyse = (text: string): FileAnalysis => analyzeFile({ fileName: '/t/kept.ts', sourceFile: parse('/t/kept.ts', text), settings: defaultSettings });

/** `text` with `insert` put in place of [start, end), and the change moveAnalysis takes (as the server finds it: common text at its edges left out). */
function edit(text: string, start: number, end: number, insert: string): { text: string; change: TextChange; lineOf: (o: number) => number } {
  const next = text.slice(0, start) + insert + text.slice(end);
  const sf = parse('/t/next.ts', next);
  const change = changeBetween(parse('/t/old.ts', text), sf);
  return { text: next, change, lineOf: (o) => sf.getLineAndCharacterOfPosition(o).line };
}

const where = (s: FunctionSummary) => ({
  key: s.key,
  display: s.display,
  span: s.span,
  headerSpan: s.headerSpan,
  line: s.line,
  endLine: s.endLine,
  evidence: s.evidence.map((e) => ({ span: e.span, line: e.line, factor: e.factor })),
});

test('a line inserted inside a function: every function and its evidence where a fresh analysis puts them', () => {
  const before = analyse(code);
  assert.ok(before.summaries.length >= 4, JSON.stringify(before.summaries.map((s) => s.key)));
  // a comment line at the start of pairs' body, before its loops
  const at = code.indexOf('  const out');
  const e = edit(code, at, at, '  // pairs of every two\n');
  const moved = moveAnalysis(before, e.change, e.lineOf, 0);
  const fresh = analyse(e.text);
  assert.deepEqual(moved.summaries.map(where), fresh.summaries.map(where));
  assert.deepEqual(
    moved.findings.map((f) => ({ rule: f.rule, span: f.span, message: f.message })),
    fresh.findings.map((f) => ({ rule: f.rule, span: f.span, message: f.message })),
  );
});

test('functions that end before the edit are the same objects; one whose header the edit touches is dropped', () => {
  const before = analyse(code);
  // `common(` becomes `comm(`: its name changed, the code after it moved 2 characters back
  const at = code.indexOf('common(') + 4;
  const e = edit(code, at, at + 2, '');
  const moved = moveAnalysis(before, e.change, e.lineOf, 1);
  const pairs = before.summaries.find((s) => s.key.startsWith('pairs'))!;
  assert.equal(moved.summaries.find((s) => s.key.startsWith('pairs')), pairs, 'pairs is the same object');
  const common = before.summaries.find((s) => s.name === 'common')!;
  assert.ok(!moved.summaries.some((s) => s.key === common.key), 'common is gone');
  assert.ok(moved.summaries.some((s) => s.key !== common.key && s.key.startsWith('common')), 'its callback (header untouched) moved');
  const load = moved.summaries.find((s) => s.key.startsWith('load'))!;
  const loadBefore = before.summaries.find((s) => s.key.startsWith('load'))!;
  assert.equal(load.span.start, loadBefore.span.start - 2);
  assert.equal(load.line, loadBefore.line);
  assert.equal(moved.syntaxErrors, 1);
});

test('moved findings offer no fixes (they were made for the old text) and say why; those inside the edit go', () => {
  const before = analyse(code);
  const n1 = before.findings.find((f) => f.rule === 'n-plus-one');
  assert.ok(n1, JSON.stringify(before.findings.map((f) => f.rule)));
  const at = code.indexOf('export function pairs');
  const e = edit(code, at, at, '\n\n');
  const moved = moveAnalysis(before, e.change, e.lineOf, 0);
  const m = moved.findings.find((f) => f.rule === 'n-plus-one')!;
  assert.deepEqual(m.span, { start: n1.span.start + 2, end: n1.span.end + 2 });
  assert.equal(m.fixes, undefined);
  assert.equal(m.resolveFixes, undefined);
  assert.equal(m.noFixReason, KEPT_NO_FIX);
  for (const r of m.related ?? []) assert.equal(r.span.start, n1.related!.find((x) => x.message === r.message)!.span.start + 2);
  // the query call itself replaced: the finding anchored there goes
  const q = code.indexOf('await db.user');
  const gone = moveAnalysis(before, { ...e.change, start: q, oldEnd: q + 10, newEnd: q + 1 }, e.lineOf, 1);
  assert.ok(!gone.findings.some((f) => f.rule === 'n-plus-one'));
});

test('a line break typed at the start of a line, or before a name: what starts there moves down, messages too', () => {
  const before = analyse(code);
  for (const [at, insert] of [
    [code.indexOf('  for (const a of xs)'), '\n'],
    [code.indexOf('common('), '\n  '],
    [code.indexOf('  for (const id of ids)'), '\n\n'],
  ] as const) {
    const e = edit(code, at, at, insert);
    const moved = moveAnalysis(before, e.change, e.lineOf, 0);
    const fresh = analyse(e.text);
    assert.deepEqual(moved.summaries.map(where), fresh.summaries.map(where), JSON.stringify(insert));
    assert.deepEqual(moved.findings.map((f) => f.message), fresh.findings.map((f) => f.message), JSON.stringify(insert));
  }
});

test('anything but blanks typed right before or after a function name drops the function', () => {
  const before = analyse(code);
  const common = before.summaries.find((s) => s.name === 'common')!;
  for (const at of [code.indexOf('common('), code.indexOf('common(') + 'common'.length]) {
    const moved = moveAnalysis(before, edit(code, at, at, 'x').change, () => 0, 0);
    assert.ok(!moved.summaries.some((s) => s.key === common.key), `x typed at ${at}`);
  }
});

test('a deleted function is dropped and the ones after it move back with their lines', () => {
  const before = analyse(code);
  const from = code.indexOf('export function common');
  const to = code.indexOf('export async function load');
  const e = edit(code, from, to, '');
  const moved = moveAnalysis(before, e.change, e.lineOf, 0);
  const fresh = analyse(e.text);
  assert.deepEqual(moved.summaries.map(where), fresh.summaries.map(where));
});
