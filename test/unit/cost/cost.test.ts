// The Big-O algebra: construction, sums that keep incomparable terms, dominance, the one
// canonical printer (ASCII and editor forms) and parsing the printed form back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  O1,
  add,
  collapse,
  equals,
  exp,
  expOf,
  factorialOf,
  formatCost,
  isWorseThan,
  log,
  logOf,
  mul,
  parseCost,
  pow,
  rankOf,
  renameVars,
  sqrtOf,
  substitute,
  variable,
} from '../../../server/src/analysis/cost';

const n = variable('n');
const m = variable('m');
const fmt = (c: Parameters<typeof formatCost>[0]) => formatCost(c);

test('canonical ASCII forms', () => {
  assert.equal(fmt(O1), 'O(1)');
  assert.equal(fmt(n), 'O(n)');
  assert.equal(fmt(mul(n, n)), 'O(n^2)');
  assert.equal(fmt(mul(n, logOf('n'))), 'O(n log n)');
  assert.equal(fmt(mul(m, n)), 'O(m*n)');
  assert.equal(fmt(expOf('n')), 'O(2^n)');
  assert.equal(fmt(factorialOf('n')), 'O(n!)');
  assert.equal(fmt(sqrtOf('n')), 'O(sqrt n)');
  assert.equal(fmt(logOf('n')), 'O(log n)');
  assert.equal(fmt(mul(n, expOf('n'))), 'O(n*2^n)');
  assert.equal(fmt(mul(n, factorialOf('n'))), 'O(n*n!)');
  assert.equal(fmt(expOf('n', 3)), 'O(3^n)');
  assert.equal(fmt(expOf('n', 'k')), 'O(k^n)');
  assert.equal(fmt(pow(logOf('n'), 2)), 'O(log^2 n)');
  assert.equal(fmt(mul(n, sqrtOf('n'))), 'O(n sqrt n)');
  assert.equal(fmt(mul(n, n, logOf('n'))), 'O(n^2 log n)');
});

test('editor (unicode) forms', () => {
  assert.equal(formatCost(mul(n, n), 'unicode'), 'O(n²)');
  assert.equal(formatCost(mul(m, n), 'unicode'), 'O(m·n)');
  assert.equal(formatCost(sqrtOf('n'), 'unicode'), 'O(√n)');
  assert.equal(formatCost(expOf('n'), 'unicode'), 'O(2ⁿ)');
  assert.equal(formatCost(mul(n, n, n), 'unicode'), 'O(n³)');
  assert.equal(formatCost(mul(n, logOf('n')), 'unicode'), 'O(n log n)');
});

test('sums keep incomparable terms and drop dominated ones', () => {
  assert.equal(fmt(add(m, n)), 'O(m + n)');
  assert.equal(fmt(add(n, mul(m, logOf('m')))), 'O(n + m*log m)');
  assert.equal(fmt(add(n, mul(n, n))), 'O(n^2)');
  assert.equal(fmt(add(n, mul(n, logOf('n')))), 'O(n log n)');
  assert.equal(fmt(add(mul(n, n, n, n, n), expOf('n'))), 'O(2^n)');
  assert.equal(fmt(add(expOf('n', 3), factorialOf('n'))), 'O(n!)');
  assert.equal(fmt(add(expOf('n', 2), expOf('n', 3))), 'O(3^n)');
  assert.equal(fmt(add(O1, O1)), 'O(1)');
  assert.equal(fmt(add(mul(n, n), mul(m, n))), 'O(m*n + n^2)');
  // m*n does not dominate n^2, nor n^2 m*n
  assert.equal(add(mul(n, n), mul(m, n)).terms.length, 2);
});

test('products, powers, exponentials, logs', () => {
  assert.equal(fmt(mul(expOf('n'), expOf('n'))), 'O(4^n)');
  assert.equal(fmt(pow(add(m, n), 2)), 'O(m^2 + n^2)');
  assert.equal(fmt(log(mul(n, n))), 'O(log n)');
  assert.equal(fmt(log(expOf('n'))), 'O(n)');
  assert.equal(fmt(log(factorialOf('n'))), 'O(n log n)');
  assert.equal(fmt(exp(add(m, n))), 'O(2^m*2^n)');
  assert.equal(fmt(mul(O1, n)), 'O(n)');
});

test('parse the printed form back (ASCII and unicode, with a low-confidence mark)', () => {
  const forms = ['O(1)', 'O(n)', 'O(n^2)', 'O(n log n)', 'O(m*n)', 'O(2^n)', 'O(n!)', 'O(sqrt n)', 'O(n + m*log m)', 'O(m + n)', 'O(n*2^n)', 'O(log^2 n)', 'O(n sqrt n)', 'O(k^n)', 'O(n*n!)', 'O(m*n + n^2)'];
  for (const f of forms) {
    const c = parseCost(f);
    assert.equal(fmt(c), f, `ascii round trip of ${f}`);
    assert.equal(fmt(parseCost(formatCost(c, 'unicode'))), f, `unicode round trip of ${f}`);
  }
  assert.equal(fmt(parseCost('O(n²)?')), 'O(n^2)');
  assert.equal(fmt(parseCost('O(n·m)')), 'O(m*n)');
  assert.equal(fmt(parseCost('O(max(m, n))')), 'O(m + n)');
  assert.equal(fmt(parseCost('O((n + q)*M)')), 'O(M*n + M*q)');
  assert.equal(fmt(parseCost('O(2 * k + n)')), 'O(k + n)');
  assert.throws(() => parseCost('n^2'));
  assert.throws(() => parseCost('O(n ^)'));
});

test('isWorseThan reads every variable as one n', () => {
  const t = parseCost('O(n log n)');
  assert.equal(isWorseThan(parseCost('O(n^2)'), t), true);
  assert.equal(isWorseThan(parseCost('O(m*n)'), t), true);
  assert.equal(isWorseThan(parseCost('O(n log n)'), t), false);
  assert.equal(isWorseThan(parseCost('O(m + n)'), t), false);
  assert.equal(isWorseThan(parseCost('O(n + m*log m)'), t), false);
  assert.equal(isWorseThan(parseCost('O(2^n)'), parseCost('O(n^3)')), true);
  assert.equal(isWorseThan(parseCost('O(n!)'), parseCost('O(2^n)')), true);
  assert.equal(isWorseThan(parseCost('O(1)'), parseCost('O(1)')), false);
  assert.equal(isWorseThan(parseCost('O(sqrt n)'), parseCost('O(log n)')), true);
});

test('substitution maps a callee variable to the caller sizes', () => {
  const callee = parseCost('O(n log n)');
  const r = substitute(callee, (v) => (v === 'n' ? parseCost('O(m*k)') : undefined));
  assert.equal(fmt(r), 'O(k*m*log k + k*m*log m)');
  assert.equal(fmt(substitute(parseCost('O(2^n)'), () => O1)), 'O(1)');
  assert.equal(fmt(substitute(parseCost('O(n^2)'), (v) => (v === 'n' ? parseCost('O(a + b)') : undefined))), 'O(a^2 + b^2)');
});

test('renaming and collapsing', () => {
  assert.equal(fmt(collapse(parseCost('O(m*n)'))), 'O(n^2)');
  assert.equal(fmt(collapse(parseCost('O(m + n*log m)'))), 'O(n log n)');
  assert.equal(fmt(renameVars(parseCost('O(a*b)'), (v) => (v === 'a' ? 'n' : 'm'))), 'O(m*n)');
  assert.ok(equals(parseCost('O(m + n)'), parseCost('O(n + m)')));
  assert.ok(!equals(parseCost('O(m*n)'), parseCost('O(n^2)')));
});

test('rank classes', () => {
  const r = (s: string) => rankOf(parseCost(s));
  assert.deepEqual(
    ['O(1)', 'O(log n)', 'O(sqrt n)', 'O(n)', 'O(n log n)', 'O(n^2)', 'O(n^3)', 'O(n^4)', 'O(2^n)', 'O(n!)'].map(r),
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
  );
  assert.equal(r('O(m*n)'), 5);
  assert.equal(r('O(n sqrt n)'), 4);
  assert.equal(r('O(n^2 log n)'), 5);
  assert.equal(r('O(log^2 n)'), 1);
});
