// The complexity engine beyond single estimates: summaries for every function in source order,
// evidence and confidence, calls into imported files through the type checker, the
// incremental summary cache, and bad input (incomplete code, huge and deeply nested code, cycles).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Project, ts } from 'ts-morph';
import { analyzeFunctions, functionName, isFunctionLike, SummaryCache } from '../../../server/src/analysis/complexity';
import { parseCost } from '../../../server/src/analysis/cost';
import { analyze, parse, summaryOf } from './helpers';

test('one summary per function-like node, in source order, with names and qualified names', () => {
  const text = `
export function top(a: number[]) { return a.map((x) => x + 1); }
const arrow = (n: number) => n;
const fe = function (s: string) { return s; };
class Box {
  constructor(private items: number[]) {}
  get size() { return this.items.length; }
  set size(v: number) {}
  sum() { return this.items.reduce((a, b) => a + b, 0); }
  static make = () => new Box([]);
}
const obj = { method() { return 1; }, prop: () => 2 };
`;
  const s = analyze(text);
  assert.deepEqual(
    s.map((x) => x.qualifiedName),
    ['top', 'top.<arrow>', 'arrow', 'fe', 'Box.constructor', 'Box.size', 'Box.size', 'Box.sum', 'Box.sum.<arrow>', 'Box.make', 'method', 'prop'],
  );
  assert.deepEqual(
    s.map((x) => x.line),
    [2, 2, 3, 4, 6, 7, 8, 9, 9, 10, 12, 12],
  );
  assert.equal(new Set(s.map((x) => x.key)).size, s.length, 'keys are unique');
  assert.equal(s.find((x) => x.qualifiedName === 'top')!.complexity, 'O(n)');
  // the exported helpers agree with the summaries
  const sf = parse(text);
  const names: string[] = [];
  const visit = (n: ts.Node) => {
    if (isFunctionLike(n)) names.push(functionName(n));
    ts.forEachChild(n, visit);
  };
  visit(sf);
  assert.deepEqual(names, s.map((x) => x.name));
});

test('every non-constant estimate lists its factors with lines and reasons', () => {
  const text = `function f(nums: number[], queries: number[]) {
  let c = 0;
  for (const q of queries) {
    if (nums.includes(q)) c++;
  }
  return c;
}
`;
  const s = summaryOf(analyze(text), 'f');
  assert.equal(s.complexity, 'O(m*n)');
  assert.deepEqual(s.variables, { n: 'nums.length', m: 'queries.length' });
  const loop = s.evidence.find((e) => e.line === 3);
  assert.ok(loop, 'the loop is evidence');
  assert.equal(loop.factor, 'm');
  assert.match(loop.reason, /queries/);
  const inc = s.evidence.find((e) => e.line === 4);
  assert.ok(inc, 'includes() is evidence');
  assert.equal(inc.factor, 'n');
  assert.match(inc.reason, /nums\.includes\(\)/);
  for (const e of s.evidence) assert.ok(e.span.end > e.span.start && text.slice(e.span.start, e.span.end).length > 0);
  assert.equal(s.confidence, 'high');
  assert.equal(s.display, 'O(m·n)');
});

test('an unresolved call is assumed O(1), named in the evidence, and lowers confidence', () => {
  const s = summaryOf(analyze(`function f(a: number[]) { for (const x of a) helper(x); }`), 'f');
  assert.equal(s.complexity, 'O(n)');
  assert.ok(s.evidence.some((e) => e.reason === 'assumes helper() is O(1)'), JSON.stringify(s.evidence));
  assert.notEqual(s.confidence, 'high');
});

test('a declared function without a body is an unresolved call too', () => {
  const s = summaryOf(analyze(`declare function lookup(k: string): number;\nfunction f(keys: string[]) { let t = 0; for (const k of keys) t += lookup(k); return t; }`), 'f');
  assert.equal(s.complexity, 'O(n)');
  assert.ok(s.evidence.some((e) => e.reason === 'assumes lookup() is O(1)'));
});

test('low confidence is marked in the editor form', () => {
  const s = summaryOf(analyze(`function f(a: number[]) { let i = 0; while (true) { if (a[i] === 0) break; i = next(i); } }`), 'f');
  assert.equal(s.confidence, 'low');
  assert.ok(s.display.endsWith('?'), s.display);
  assert.doesNotThrow(() => parseCost(s.display));
});

test('calls into an imported file are resolved with the type checker, lazily', () => {
  const project = new Project({ useInMemoryFileSystem: true, compilerOptions: { strict: true } });
  project.createSourceFile('/src/util.ts', `export function contains(list: number[], x: number): boolean {\n  for (const v of list) if (v === x) return true;\n  return false;\n}\nexport const sortCopy = (xs: number[]) => xs.slice().sort((a, b) => a - b);\n`);
  const main = project.createSourceFile(
    '/src/main.ts',
    `import { contains, sortCopy } from './util';\nimport * as u from './util';\nexport function count(needles: number[], hay: number[]) {\n  let c = 0;\n  for (const x of needles) if (contains(hay, x)) c++;\n  return c;\n}\nexport function sorted(xs: number[]) { return sortCopy(xs); }\nexport function viaNs(xs: number[]) { return xs.filter((x) => u.contains(xs, x)); }\nexport function plain(n: number) { return n + 1; }\n`,
  );
  let asked = 0;
  const getChecker = () => {
    asked++;
    return project.getTypeChecker().compilerObject;
  };
  const onlyPlain = analyzeFunctions(parse(`export function plain(n: number) { return n + 1; }`), { getChecker });
  assert.equal(onlyPlain[0].complexity, 'O(1)');
  assert.equal(asked, 0, 'no call site needed the checker');
  const s = analyzeFunctions(main.compilerNode, { getChecker });
  assert.equal(summaryOf(s, 'count').complexity, 'O(m*n)');
  assert.deepEqual(summaryOf(s, 'count').variables, { n: 'needles.length', m: 'hay.length' });
  assert.equal(summaryOf(s, 'sorted').complexity, 'O(n log n)');
  assert.equal(summaryOf(s, 'viaNs').complexity, 'O(n^2)');
  assert.ok(asked > 0);
  // answers are cached: analysing again with a counting checker asks once per imported name
  let questions = 0;
  const counting = () => {
    const c = project.getTypeChecker().compilerObject;
    return new Proxy(c, {
      get(target, prop, receiver) {
        if (prop === 'getSymbolAtLocation') questions++;
        return Reflect.get(target, prop, receiver);
      },
    });
  };
  analyzeFunctions(main.compilerNode, { getChecker: counting });
  assert.equal(questions, 3, 'contains, sortCopy, u.contains');
  // without a checker the imported call is an unresolved O(1) call
  const blind = analyzeFunctions(main.compilerNode);
  assert.equal(summaryOf(blind, 'count').complexity, 'O(n)');
  assert.ok(summaryOf(blind, 'count').evidence.some((e) => /assumes contains\(\) is O\(1\)/.test(e.reason)));
});

test('cyclic calls terminate with an estimate', () => {
  const s = analyze(`
function a(n: number): number { return n <= 0 ? 0 : b(n - 1) + 1; }
function b(n: number): number { return n <= 0 ? 0 : c(n - 1) + 1; }
function c(n: number): number { return n <= 0 ? 0 : a(n - 1) + 1; }
function loopy(x: number): number { return loopy(x); }
`);
  assert.equal(s.length, 4);
  for (const x of s) assert.match(x.complexity, /^O\(/);
  assert.equal(summaryOf(s, 'a').complexity, 'O(n)');
});

test('mutual recursion through functions of different shapes makes no exponential claims', () => {
  const s = analyze(`
function visitType(t: any, seen: Set<any>): void { if (seen.has(t)) return; seen.add(t); visitSymbol(lookup(t)); visitSymbol(other(t)); visitSymbol(third(t)); }
function visitSymbol(sym: any): void { visitType(typeOf(sym), new Set()); visitType(declared(sym), new Set()); }
`);
  for (const x of s) {
    assert.doesNotMatch(x.complexity, /\^[a-z(]|!/, `${x.qualifiedName}: ${x.complexity}`);
    assert.notEqual(x.confidence, 'high');
  }
});

// ---------------------------------------------------------------- incremental

function bigFile(edits: Record<number, string> = {}): string {
  const parts: string[] = [];
  for (let i = 0; i < 60; i++) {
    let body = `  let s = 0;\n  for (const x of xs) s += x * ${i};\n  return s;`;
    if (i === 10) body = `  let s = 0;\n  for (const x of xs) s += f20(xs) + ${i};\n  return s;`; // f10 calls f20
    if (i === 30) body = `  return f10(xs);`; // f30 calls f10
    if (edits[i] !== undefined) body = edits[i];
    parts.push(`export function f${i}(xs: number[]): number {\n${body}\n}\n`);
  }
  return parts.join('\n');
}

test('incremental: editing one function recomputes only it and its dependents', () => {
  const cache = new SummaryCache();
  const first = analyzeFunctions(parse(bigFile(), 'big.ts'), { cache });
  assert.equal(cache.recomputations, 60, 'cold: every function computed once');
  assert.equal(summaryOf(first, 'f10').complexity, 'O(n^2)');
  assert.equal(summaryOf(first, 'f30').complexity, 'O(n^2)');

  // no edit: nothing recomputed
  cache.resetCounters();
  const same = analyzeFunctions(parse(bigFile(), 'big.ts'), { cache });
  assert.equal(cache.recomputations, 0);
  assert.deepEqual(same.map((x) => x.complexity), first.map((x) => x.complexity));

  // an edit inside f45 that keeps its estimate: only f45 (nobody calls it)
  const edits: Record<number, string> = { 45: '  let t = 1;\n  for (const x of xs) t *= x;\n  return t;' };
  cache.resetCounters();
  analyzeFunctions(parse(bigFile(edits), 'big.ts'), { cache });
  assert.deepEqual(cache.recomputed, ['f45#0']);

  // an edit to f20 that changes its estimate: f20, its caller f10, and f10's caller f30
  edits[20] = '  let s = 0;\n  for (const x of xs) for (const y of xs) s += x * y;\n  return s;';
  cache.resetCounters();
  const edited = analyzeFunctions(parse(bigFile(edits), 'big.ts'), { cache });
  assert.deepEqual([...cache.recomputed].sort(), ['f10#0', 'f20#0', 'f30#0']);
  assert.equal(summaryOf(edited, 'f20').complexity, 'O(n^2)');
  assert.equal(summaryOf(edited, 'f10').complexity, 'O(n^3)');
  assert.equal(summaryOf(edited, 'f30').complexity, 'O(n^3)');

  // an edit to f20 that does not change its estimate: f20 only
  edits[20] = '  let s = 0;\n  for (const y of xs) for (const x of xs) s += x - y;\n  return s;';
  cache.resetCounters();
  analyzeFunctions(parse(bigFile(edits), 'big.ts'), { cache });
  assert.deepEqual(cache.recomputed, ['f20#0']);
});

test('incremental: reused summaries keep correct positions after an edit above them', () => {
  const cache = new SummaryCache();
  const text = bigFile();
  analyzeFunctions(parse(text, 'pos.ts'), { cache });
  cache.resetCounters();
  const shifted = '// a new comment line\n// and another\n' + text;
  const again = analyzeFunctions(parse(shifted, 'pos.ts'), { cache });
  assert.equal(cache.recomputations, 0);
  const fresh = analyzeFunctions(parse(shifted, 'pos.ts'));
  assert.deepEqual(
    again.map((s) => [s.line, s.span, s.evidence.map((e) => [e.line, e.span])]),
    fresh.map((s) => [s.line, s.span, s.evidence.map((e) => [e.line, e.span])]),
  );
});

// ---------------------------------------------------------------- bad input

test('incomplete code while typing still yields estimates, without throwing', () => {
  const texts = [
    `function f(a: number[]) {\n  for (const x of a) {\n    for (const y of`,
    `function f(a: number[]) { while (`,
    `function (`,
    `const g = (x) => x.map(`,
    `class A { m() { for (let i = 0; i < this.`,
    `function f(n) { for (;;) }`,
    `function f(a) { return a.sort((x, y) => ) }`,
  ];
  for (const t of texts) {
    let s: ReturnType<typeof analyze> = [];
    assert.doesNotThrow(() => {
      s = analyze(t);
    }, t);
    for (const x of s) assert.match(x.complexity, /^O\(/);
  }
  const partial = analyze(texts[0]);
  assert.notEqual(partial[0].complexity, 'O(1)', 'the complete outer loop still counts');
});

test('deep nesting that the parser accepts does not overflow the stack', () => {
  let body = 'x++;';
  for (let i = 0; i < 900; i++) body = `if (a[${i % 7}]) { ${body} }`;
  const nestedIfs = `function deep(a: number[]) { let x = 0; ${body} return x; }`;
  let loops = 'c++;';
  for (let i = 0; i < 400; i++) loops = `for (const v${i} of a) { ${loops} }`;
  const nestedLoops = `function loops(a: number[]) { let c = 0; ${loops} return c; }`;
  let expr = 'a[0]';
  for (let i = 0; i < 400; i++) expr = `(${expr} + a[${i % 5}])`;
  const longExpr = `function sum(a: number[]) { return ${expr}; }`;
  let arrows = 'x';
  for (let i = 0; i < 150; i++) arrows = `((x) => ${arrows})(x)`;
  const nestedFns = `function fns(x: number) { return ${arrows}; }`;
  for (const t of [nestedIfs, nestedLoops, longExpr, nestedFns]) {
    const started = Date.now();
    const s = analyze(t);
    assert.ok(s.length >= 1);
    assert.ok(Date.now() - started < 20000, 'bounded time');
    for (const x of s) assert.match(x.complexity, /^O\(/);
  }
  const deepLoops = summaryOf(analyze(nestedLoops), 'loops');
  assert.equal(deepLoops.confidence, 'low', 'the cut-off is visible as low confidence');
});

test('thousands-deep nesting (built with the factory, beyond what the parser accepts) does not overflow the stack', () => {
  const f = ts.factory;
  const a = () => f.createIdentifier('a');
  let stmt: ts.Statement = f.createExpressionStatement(f.createPostfixIncrement(f.createIdentifier('x')));
  for (let i = 0; i < 5000; i++) {
    stmt =
      i % 3 === 0
        ? f.createIfStatement(f.createElementAccessExpression(a(), i % 7), f.createBlock([stmt]))
        : i % 3 === 1
          ? f.createForOfStatement(undefined, f.createVariableDeclarationList([f.createVariableDeclaration(`v${i}`)], ts.NodeFlags.Const), a(), f.createBlock([stmt]))
          : f.createBlock([stmt]);
  }
  let expr: ts.Expression = f.createElementAccessExpression(a(), 0);
  for (let i = 0; i < 5000; i++) expr = f.createBinaryExpression(f.createParenthesizedExpression(expr), ts.SyntaxKind.PlusToken, f.createCallExpression(f.createIdentifier('g'), undefined, [a()]));
  const fn = f.createFunctionDeclaration(undefined, undefined, 'deep', undefined, [f.createParameterDeclaration(undefined, undefined, 'a')], undefined, f.createBlock([stmt, f.createReturnStatement(expr)]));
  const sf = f.updateSourceFile(ts.createSourceFile('synthetic.ts', '', ts.ScriptTarget.Latest, true), [fn]);
  let s: ReturnType<typeof analyzeFunctions> = [];
  assert.doesNotThrow(() => {
    s = analyzeFunctions(sf);
  });
  assert.equal(s.length, 1);
  assert.match(s[0].complexity, /^O\(/);
  assert.equal(s[0].confidence, 'low');
});

test('an enormous function is analysed in bounded time', () => {
  const lines: string[] = [];
  for (let i = 0; i < 20000; i++) lines.push(`  if (xs[${i % 13}] > ${i}) total += xs.length;`);
  lines.push('  for (const x of xs) total += x;');
  const text = `function huge(xs: number[]) {\n  let total = 0;\n${lines.join('\n')}\n  return total;\n}\n`;
  const started = Date.now();
  const s = analyze(text);
  assert.ok(Date.now() - started < 20000);
  assert.match(s[0].complexity, /^O\(/);
});
