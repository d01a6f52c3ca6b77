// Loop and recursion bounds that need more than one syntactic step: the evidence must name the
// rule that produced the bound, so a reader can check it (the estimates themselves are also in
// test/fixtures/complexity).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze, summaryOf } from './helpers';

const reasons = (text: string, name: string) => summaryOf(analyze(text), name).evidence.map((e) => e.reason);

test('a counter held between two constants runs O(1) times whatever its start and step', () => {
  const text = `function f(x: number, dx: number) { let c = 0; while (x >= 0 && x < 9) { c++; x += dx; } return c; }`;
  assert.equal(summaryOf(analyze(text), 'f').complexity, 'O(1)');
  assert.ok(reasons(text, 'f').some((r) => /between constant bounds/.test(r)));
  // one constant side is not enough: counting up to 9 from an unknown start takes up to |x| steps
  assert.equal(summaryOf(analyze(`function g(x: number) { let c = 0; while (x < 9) { c++; x++; } return c; }`), 'g').complexity, 'O(n)');
  // and a size on either side is not a constant window
  assert.notEqual(summaryOf(analyze(`function h(x: number, n: number) { let c = 0; while (x >= 0 && x < n) { c++; x++; } return c; }`), 'h').complexity, 'O(1)');
});

test('a slice of a constant-length array is O(1); a suffix of an unknown string is not', () => {
  const s = analyze(`
function a(m: number) { return [1, 2, 3, 4].slice(0, m).length; }
function b(s: string) { return s.slice(3).length; }
`);
  assert.equal(summaryOf(s, 'a').complexity, 'O(1)');
  assert.equal(summaryOf(s, 'b').complexity, 'O(n)');
});

test('Fenwick steps and heap descents are logarithmic', () => {
  const text = `
function add(t: number[], i: number) { for (; i < t.length; i += i & -i) t[i]++; }
function sink(h: number[], i: number) {
  while (2 * i + 1 < h.length) {
    let c = 2 * i + 1;
    if (c + 1 < h.length && h[c + 1] < h[c]) c++;
    if (h[i] <= h[c]) break;
    [h[i], h[c]] = [h[c], h[i]];
    i = c;
  }
}
`;
  const s = analyze(text);
  assert.equal(summaryOf(s, 'add').complexity, 'O(log n)');
  assert.equal(summaryOf(s, 'sink').complexity, 'O(log n)');
  assert.ok(summaryOf(s, 'sink').evidence.some((e) => /geometrically/.test(e.reason)));
});

test('repeating passes until nothing changes is one pass per element, with medium confidence', () => {
  const text = `function sort(a: number[]) { let again = true; while (again) { again = false; for (let i = 1; i < a.length; i++) if (a[i - 1] > a[i]) { [a[i - 1], a[i]] = [a[i], a[i - 1]]; again = true; } } return a; }`;
  const s = summaryOf(analyze(text), 'sort');
  assert.equal(s.complexity, 'O(n^2)');
  assert.equal(s.confidence, 'medium');
  assert.ok(s.evidence.some((e) => /until one changes nothing/.test(e.reason)));
  // a flag set outside any inner loop is not a pass structure
  const other = summaryOf(analyze(`function f(a: number[]) { let go = true; let i = 0; while (go) { go = false; if (i < a.length) { i++; go = true; } } }`), 'f');
  assert.ok(!other.evidence.some((e) => /until one changes nothing/.test(e.reason)));
});

test('an early return makes its recursive call exclusive with the ones after it', () => {
  const text = `function p(x: number, n: number): number { if (n === 0) return 1; if (n < 0) return 1 / p(x, -n); const h = p(x, n >> 1); return h * h; }`;
  assert.equal(summaryOf(analyze(text), 'p').complexity, 'O(log n)');
});

test('a segment-tree query is logarithmic only with both the inside and the outside tests', () => {
  const body = (outside: string) => `
function q(l: number, r: number, ql: number, qr: number): number {
  ${outside}
  if (ql <= l && r <= qr) return 1;
  const mid = (l + r) >> 1;
  return q(l, mid, ql, qr) + q(mid + 1, r, ql, qr);
}`;
  assert.equal(summaryOf(analyze(body('if (r < ql || qr < l) return 0;')), 'q').complexity, 'O(log n)');
  assert.equal(summaryOf(analyze(body('if (l > r) return 0;')), 'q').complexity, 'O(n)');
});
