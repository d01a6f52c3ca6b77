// parse() sets parent pointers itself (faster than TypeScript's setParentNodes): the tree must be
// the same as with setParentNodes, parents included, for every node and every JSDoc comment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ts } from 'ts-morph';
import { ensureParents, parse } from '../../../server/src/analysis/project/document';
import { analyzeFunctions } from '../../../server/src/analysis/complexity';
import { analyzeFile } from '../../../server/src/engine';
import { defaultSettings } from '../../../server/src/analysis/types';
import { repoRoot } from '../complexity/helpers';

/** Every node below the file (children and JSDoc), as "kind pos end <- parent kind pos end", in walk order. */
function shape(sf: ts.SourceFile): string[] {
  const out: string[] = [];
  // iterative pre-order (the samples nest deeper than a recursive walk may go)
  const stack: ts.Node[] = [];
  const pushChildren = (n: ts.Node) => {
    const kids: ts.Node[] = [...((n as { jsDoc?: ts.Node[] }).jsDoc ?? [])];
    n.forEachChild((c) => {
      kids.push(c);
    });
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  };
  pushChildren(sf);
  while (stack.length) {
    const n = stack.pop()!;
    const p = n.parent;
    out.push(`${n.kind} ${n.pos} ${n.end} <- ${p ? `${p.kind} ${p.pos} ${p.end}` : 'none'}`);
    pushChildren(n);
  }
  return out;
}

const SAMPLES: Record<string, string> = {
  'jsdoc.js': `/**\n * @param {TreeNode} root\n * @return {number}\n */\nvar countNodes = function (root) {\n  /** @type {Array<{ a: string }>} */\n  const xs = [];\n  return xs.length;\n};\n/** @typedef {{ id: number }} Row */\n`,
  'view.tsx': `import React from 'react';\n/** A list. */\nexport function List({ items }: { items: string[] }) {\n  return <ul>{items.map((i) => <li key={i}>{i}</li>)}</ul>;\n}\n`,
  'types.ts': `export interface A<T> { x: T; f(a: number): void }\nexport type U = A<string> | null;\nenum E { a = 1, b }\nabstract class C<T> implements A<T> { x!: T; @dec m(@p a: number): void {} }\n`,
  'broken.ts': `function f(a: number[]) {\n  for (const x of a) {\n    for (const y of`,
};

function deepFile(): string {
  // deeper than the collecting walk's recursion limit, with JSDoc comments down there
  let body = '/** @type {number} */ const z = 1; x++;';
  for (let i = 0; i < 260; i++) body = `if (a[${i % 7}]) { /** level ${i} */ const f${i} = (q) => q; ${body} }`;
  return `/** @param {number[]} a */\nfunction deep(a) { let x = 0; ${body} return x; }\n`;
}

function samples(): Array<[string, string]> {
  const root = repoRoot();
  const files: Array<[string, string]> = Object.entries(SAMPLES);
  for (const rel of ['node_modules/azure-devops-node-api/GitApi.js', 'node_modules/acorn/dist/acorn.js', 'server/src/analysis/queries.ts', 'test/workspace/src/orders.ts']) {
    const file = path.join(root, rel);
    if (fs.existsSync(file)) files.push([rel, fs.readFileSync(file, 'utf8')]);
  }
  files.push(['deep.js', deepFile()]);
  assert.ok(files.length >= 7);
  return files;
}

function reference(name: string, text: string): string[] {
  const kind = name.endsWith('.tsx') ? ts.ScriptKind.TSX : name.endsWith('.js') ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  return shape(ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true, kind));
}

test('parse() gives the same tree and parents as setParentNodes', () => {
  for (const [name, text] of samples()) {
    const a = reference(name, text);
    const b = shape(parse(name, text));
    assert.ok(b.length > 10);
    assert.equal(b.length, a.length, name);
    assert.deepEqual(b, a, name);
  }
});

test('deferred parents are set by the analysis (its first walk), or by ensureParents', () => {
  for (const [name, text] of samples()) {
    const a = reference(name, text);
    const sf = parse(name, text, { deferParents: true });
    assert.notDeepEqual(shape(sf), a, `${name}: parents are really deferred`);
    analyzeFunctions(sf);
    assert.deepEqual(shape(sf), a, `${name}: after the complexity walk`);
    const viaEngine = parse(name, text, { deferParents: true });
    analyzeFile({ fileName: name, sourceFile: viaEngine, settings: { ...defaultSettings, timeBudgetMs: Infinity } });
    assert.deepEqual(shape(viaEngine), a, `${name}: after analyzeFile`);
    const untouched = parse(name, text, { deferParents: true });
    ensureParents(untouched);
    assert.deepEqual(shape(untouched), a, `${name}: ensureParents`);
  }
});

test('a file the engine declines still gets its parents', () => {
  const text = `var a=[${'1,'.repeat(200000)}0];`;
  const sf = parse('min.js', text, { deferParents: true });
  const r = analyzeFile({ fileName: 'min.js', sourceFile: sf, settings: { ...defaultSettings, timeBudgetMs: Infinity } });
  assert.ok(r.notice, 'declined with a notice');
  assert.deepEqual(shape(sf), reference('min.js', text));
});
