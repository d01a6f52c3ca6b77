// SyntaxDocument.update re-parses only the edited function body when it can (splice.ts): after
// every edit, the tree must be the one a full parse of the new text gives (kinds, positions,
// child lists, context flags, identifiers, parents, JSDoc, line starts), whether the edit was
// spliced or went to ts.updateSourceFile.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ts } from 'ts-morph';
import { SyntaxDocument, changeRange, carriedLineStarts, scriptKindFor } from '../../../server/src/analysis/project/document';
import { analyzeFile } from '../../../server/src/engine';
import { defaultSettings } from '../../../server/src/analysis/types';
import { SummaryCache } from '../../../server/src/analysis/complexity';
import { repoRoot } from '../complexity/helpers';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { codeLenses, LensBook } from '../../../server/src/codeLens';
import { withTreeLines } from '../../../server/src/lines';
import { FileAnalyzer, collectionStats } from '../../../server/src/analysis/complexity/analyzer';
import { VarRegistry } from '../../../server/src/analysis/complexity/shape';
import { indexedNodes } from '../../../server/src/analysis/nodeIndex';
import { treeOrder, type TreeOrder } from '../../../server/src/analysis/project/treeOrder';

/** The first index where two orders differ in an entry or its class; -1 if none. */
function orderDifference(a: TreeOrder, b: TreeOrder): number {
  for (let k = 0; k < Math.max(a.length, b.length); k++) if (a.at(k) !== b.at(k) || a.classAt(k) !== b.classAt(k)) return k;
  return -1;
}

const AGGREGATED = ts.NodeFlags.HasAggregatedChildData | ts.NodeFlags.ThisNodeOrAnySubNodesHasError;

/** Every node and child list below the file, with what a full parse determines about it. */
function shape(sf: ts.SourceFile): string[] {
  const out: string[] = [];
  const visit = (n: ts.Node, depth: number): void => {
    const p = n.parent;
    const name = ts.isIdentifier(n) || ts.isPrivateIdentifier(n) ? ` ${n.escapedText as string}` : ts.isStringLiteral(n) || ts.isNumericLiteral(n) ? ` ${n.text}` : '';
    out.push(`${depth} ${ts.SyntaxKind[n.kind]} ${n.pos}-${n.end} f${n.flags & ~AGGREGATED}${name} <- ${p ? `${p.kind} ${p.pos}-${p.end}` : 'none'}`);
    for (const d of (n as { jsDoc?: ts.Node[] }).jsDoc ?? []) visit(d, depth + 1);
    ts.forEachChild(
      n,
      (c) => visit(c, depth + 1),
      (a) => {
        out.push(`${depth + 1} [${a.length}] ${a.pos}-${a.end}${a.hasTrailingComma ? ',' : ''}`);
        for (const c of a) visit(c, depth + 1);
      },
    );
  };
  visit(sf, 0);
  const directives = (sf as unknown as { commentDirectives?: Array<{ range: { pos: number; end: number }; type: number }> }).commentDirectives ?? [];
  out.push(`directives ${directives.map((d) => `${d.type}@${d.range.pos}-${d.range.end}`).join(',')}`);
  const indicator = (sf as unknown as { externalModuleIndicator?: ts.Node | true }).externalModuleIndicator;
  out.push(`module ${indicator === undefined ? '-' : indicator === true ? 'true' : `${ts.SyntaxKind[indicator.kind]}@${indicator.pos}`}`);
  const errors = (sf as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
  out.push(`errors ${errors.map((d) => `${d.code}@${d.start}+${d.length}${d.file === sf ? '' : ' (other file)'}`).join(',')}`);
  return out;
}

const SAMPLES: Record<string, string> = {
  'gen.js': `function* g(xs) {\n  for (const x of xs) {\n    yield x * 2;\n  }\n}\nasync function h(ids) {\n  const out = [];\n  for (const id of ids) out.push(await load(id));\n  return out;\n}\nconst o = { m() { return 1; }, async *n() { yield await 1; } };\nfor (var f = function () { return 'a' in o; }; f(); ) break;\n`,
  'view.tsx': `import React from 'react';\n/** A list. */\nexport function List({ items }: { items: string[] }) {\n  const sorted = items.slice().sort();\n  return <ul>{sorted.map((i) => { const k = i + 1; return <li key={k}>{i}</li>; })}</ul>;\n}\nclass C { #x = 1; get x() { return this.#x; } set x(v) { this.#x = v; } constructor() { this.#x = 2; } }\n`,
  'crlf.ts': `export class A {\r\n  m(a: number[]) {\r\n    let s = 0;\r\n    for (const x of a) s += x;\r\n    return s;\r\n  }\r\n}\r\n`,
};

function samples(): Array<[string, string]> {
  const root = repoRoot();
  const files: Array<[string, string]> = Object.entries(SAMPLES);
  for (const rel of ['node_modules/azure-devops-node-api/GitApi.js', 'server/src/analysis/queries.ts', 'test/workspace/src/orders.ts']) {
    const file = path.join(root, rel);
    if (fs.existsSync(file)) files.push([rel, fs.readFileSync(file, 'utf8')]);
  }
  return files;
}

const INSERTS = [' ', 'x', ';', '\n', '{', '}', '"', '(', '/*', 'import.meta', 'yield 1;', '\r'];

test('every update gives the tree of a full parse; edits inside a function body are spliced', () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  let splicedTotal = 0;
  let edits = 0;
  for (const [name, original] of samples()) {
    const doc = new SyntaxDocument(name, original);
    const kind = scriptKindFor(name);
    // the first analysis sets the deferred parents, as in the server
    analyzeFile({ fileName: name, sourceFile: doc.sourceFile, settings: { ...defaultSettings, timeBudgetMs: Infinity } });
    let text = original;
    const rounds = name.includes('GitApi') ? 60 : 40;
    for (let i = 0; i < rounds; i++) {
      const at = Math.floor(rand() * text.length);
      const r = rand();
      // mostly edits that keep the code valid (a space after a space), then anything
      let next: string;
      if (r < 0.5) {
        const space = text.indexOf(' ', at);
        const p = space < 0 ? at : space + 1;
        next = text.slice(0, p) + ' ' + text.slice(p);
      } else if (r < 0.6) next = text.slice(0, at) + text.slice(at + 1);
      else if (r < 0.7) {
        // undo the previous breakage now and then: back to the original text
        next = original;
      } else next = text.slice(0, at) + INSERTS[Math.floor(rand() * INSERTS.length)] + text.slice(at);
      doc.update(next);
      text = next;
      edits++;
      const fresh = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true, kind);
      const got = shape(doc.sourceFile);
      const want = shape(fresh);
      if (got.length !== want.length || got.some((x, j) => x !== want[j])) {
        const j = got.findIndex((x, k) => x !== want[k]);
        assert.fail(`${name}, edit ${i}: first difference at ${j}:\n got ${got[j]}\nwant ${want[j]}`);
      }
      assert.equal(doc.sourceFile.text, text);
      assert.deepEqual(doc.sourceFile.getLineStarts(), fresh.getLineStarts(), `${name}, edit ${i}: line starts`);
    }
    splicedTotal += doc.spliced;
  }
  // (the seed is fixed: some edits break or repair the file or are not inside a function body)
  assert.ok(splicedTotal >= 30 && splicedTotal < edits, `spliced ${splicedTotal} of ${edits} edits`);
});

test('which edits are spliced: inside a function body, with no parse error at the edges of the function (errors inside its braces go with the body)', () => {
  const text = SAMPLES['gen.js'];
  const cases: Array<[string, string, boolean]> = [
    ['yield x * 2;', 'yield x  * 2;', true],
    ['out.push(await load(id));', 'out.push(await  load(id));', true],
    ['{ return 1; }', '{ return 12; }', true],
    ['yield await 1;', 'yield await 2;', true],
    ["return 'a' in o;", "return 'a'  in o;", false], // a body parsed where `in` is not allowed
    ['function* g(xs)', 'function* g(xs, y)', false], // the header
    ['yield x * 2;', 'yield x * 2;}', false], // the body's end moves
    ['yield x * 2;', 'yield x * ;', true], // a parse error inside the braces: parsed again inside the lists around the body
    ['const out = [];', 'const out = import.meta;', false],
    ['yield x * 2;', '// @ts-ignore\n    yield x * 2;', true], // a directive inside the body
  ];
  for (const [from, to, spliced] of cases) {
    const doc = new SyntaxDocument('gen.js', text);
    analyzeFile({ fileName: 'gen.js', sourceFile: doc.sourceFile, settings: { ...defaultSettings, timeBudgetMs: Infinity } });
    assert.ok(text.includes(from));
    doc.update(text.replace(from, to));
    assert.equal(doc.spliced, spliced ? 1 : 0, `${from} -> ${to}`);
    assert.deepEqual(shape(doc.sourceFile), shape(ts.createSourceFile('gen.js', text.replace(from, to), ts.ScriptTarget.Latest, true, ts.ScriptKind.JS)));
  }
  // removing what marks the file (`import(`, `import.meta`) is left to the parser too; the
  // directives after the body move with it
  const marked: Array<[string, string, string, boolean]> = [
    ['dyn.js', 'function f() { return import("x"); }\nfunction g() { return 1; }\n', 'import("x")', false],
    ['meta.js', 'function f() { return import.meta.url; }\n', 'import.meta', false],
    ['dir.ts', 'function f() { return 1; }\n// @ts-ignore\nconst x: number = "s";\n', 'return 1;', true],
  ];
  for (const [name, code, what, spliced] of marked) {
    const doc = new SyntaxDocument(name, code);
    analyzeFile({ fileName: name, sourceFile: doc.sourceFile, settings: { ...defaultSettings, timeBudgetMs: Infinity } });
    const next = code.replace(what, what === 'return 1;' ? 'return 12;' : `x${what.slice(6)}`);
    doc.update(next);
    assert.equal(doc.spliced, spliced ? 1 : 0, `${name}: ${what}`);
    // (ts.updateSourceFile, which took the edits not spliced, keeps the file's "possibly contains
    // import" flags after the import is gone: the file's own line is compared only when spliced)
    const [gotFile, ...got] = shape(doc.sourceFile);
    const [wantFile, ...want] = shape(ts.createSourceFile(name, next, ts.ScriptTarget.Latest, true, scriptKindFor(name)));
    assert.deepEqual(got, want, name);
    if (spliced) assert.equal(gotFile, wantFile, name);
  }
  // a parse error in one function: edits in another are spliced (the error moves with the code
  // after it), and so are edits in the broken one (its errors go with its body)
  const broken = text.replace('yield x * 2;', 'yield x * ;');
  const doc = new SyntaxDocument('gen.js', text);
  doc.update(broken);
  assert.equal(doc.spliced, 1, 'the error typed into the body');
  const steps: Array<[string, number]> = [
    [broken.replace('{ return 1; }', '{ return 12; }'), 2], // after the error
    [broken.replace('{ return 1; }', '{ return 12; }').replace('out.push(await load(id));', 'out.push(await  load(id));'), 3], // between
    [broken.replace('{ return 1; }', '{ return 12; }').replace('out.push(await load(id));', 'out.push(await  load(id));').replace('yield x * ;', 'yield x *  ;'), 4], // the broken body
  ];
  for (const [next, spliced] of steps) {
    doc.update(next);
    assert.equal(doc.spliced, spliced, next);
    assert.deepEqual(shape(doc.sourceFile), shape(ts.createSourceFile('gen.js', next, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS)));
    assert.ok(((doc.sourceFile as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics).length > 0);
  }
  // an error before the function, in the same list of class members; an error reported while
  // scanning the token after a body (an unterminated comment) marks that body, before and after
  const others: Array<[string, string, string]> = [
    ['c.js', 'class A {\n  m() { return 1 +; }\n  n(xs) { for (const x of xs) f(x); }\n}\n', 'f(x);'],
    ['u.js', 'const g = (xs) => { return xs.map((x) => x); }/* no end\n', 'return xs'],
  ];
  for (const [name, code, what] of others) {
    const d2 = new SyntaxDocument(name, code);
    const next2 = code.replace(what, `${what} `);
    d2.update(next2);
    assert.equal(d2.spliced, 1, name);
    assert.deepEqual(shape(d2.sourceFile), shape(ts.createSourceFile(name, next2, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS)), name);
  }
});

test('a body that is most of a large file (a UMD wrapper) goes to the incremental parser; a smaller one is spliced', () => {
  const inner = (n: number) => Array.from({ length: n }, (_, i) => `  function f${i}(xs) {\n    var s = 0;\n    for (var j = 0; j < xs.length; j++) s += xs[j];\n    return s;\n  }\n`).join('');
  for (const [count, spliced] of [[1200, false], [40, true]] as const) {
    const text = `(function (root) {\n  var LIMIT = 10;\n${inner(count)}  root.api = f0;\n})(this);\n`;
    assert.equal(text.length > 64 * 1024, !spliced, 'the first wrapper is over the size, the second under it');
    const doc = new SyntaxDocument('umd.js', text);
    analyzeFile({ fileName: 'umd.js', sourceFile: doc.sourceFile, settings: { ...defaultSettings, timeBudgetMs: Infinity } });
    // in the wrapper's own code, between two of its statements
    const next = text.replace('  var LIMIT = 10;', '  var LIMIT  = 10;');
    doc.update(next);
    assert.equal(doc.spliced, spliced ? 1 : 0, `${count} functions`);
    assert.deepEqual(shape(doc.sourceFile), shape(ts.createSourceFile('umd.js', next, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS)));
    // inside a nested function it is spliced either way
    const third = next.replace('s += xs[j];', 's +=  xs[j];');
    doc.update(third);
    assert.equal(doc.spliced, spliced ? 2 : 1, `${count} functions, nested body`);
    assert.deepEqual(shape(doc.sourceFile), shape(ts.createSourceFile('umd.js', third, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS)));
  }
});

test('an edit in a method\'s header or JSDoc re-parses that class member alone when its extent cannot change; the analysis equals a fresh one', () => {
  const code = [
    'class Repo {',
    '  /** Loads one. */',
    '  async load(id, opts) {',
    '    return this.db.find(id);',
    '  }',
    '  get size() { return this.items.length; }',
    '  count = 0;',
    '  sum(xs) { let s = 0; for (const x of xs) s += x; return s; }',
    '  total = 1',
    '  names(rows) { return rows.map((r) => r.name); }',
    '  other(a) { return a; }',
    '  upTo2(m, n) { let s = 0; for (let i = 0; i < n; i++) s++; return s; }',
    '  calls(xs) { return this.upTo2(1, xs.length); }',
    '  /**',
    '   * @param {ListNode} h',
    '   */',
    '  count(h) { let n = 0; while (h) { h = h.next; n++; } return n; }',
    '  /** @param {number} k */',
    '  upTo(k) { let n = 0; for (let i = 0; i < k; i++) n++; return n; }',
    '}',
    'function top(a, b) { return a + b; }',
    '',
  ].join('\n');
  // [from, to, spliced, the collection is patched (the member's part collected again; not when its name changes)]
  const cases: Array<[string, string, boolean, boolean?]> = [
    ['async load(id, opts)', 'async load(id, opts, more)', true, true], // parameters
    ['/** Loads one. */', '/** Loads one or none. */', true, true], // JSDoc
    ['{ListNode} h', '{TreeNode} h', true, true], // a JSDoc type: what h is measured by
    ['{number} k', '{ListNode} k', true, true], // a JSDoc type: k is no longer a count
    ['   * @param {ListNode} h\n', '   * @param {ListNode} h\n   * @returns {number}\n', true, true],
    ['get size()', 'get  size()', true, true], // accessor
    ['async load(id', 'async loadAll(id', true], // the name: collected again
    ['async load(id', 'load(id', true, true], // modifiers (the member is parsed with its own)
    ['sum(xs)', 'sum(xs, ys)', true, true], // after a property ending with `;`
    ['sum(xs)', 'sum(ys)', true, true], // a parameter renamed: the body's uses of xs are no longer the parameter
    ['names(rows)', 'names(rows, n)', false], // after a property without `;`
    ['count = 0', 'count = 10', false], // a property
    ['other(a)', 'other(a, b)', true, true],
    ['upTo2(m, n)', 'upTo2(n, m)', true, true], // the caller's argument now goes to the other parameter
    ['other(a)', 'other(a, ', false], // a parse error
    ['top(a, b)', 'top(a, b, c)', false], // not a class member
  ];
  const settings = { ...defaultSettings, timeBudgetMs: Infinity };
  const summary = (sf: ts.SourceFile, cache?: SummaryCache) => {
    const a = analyzeFile({ fileName: 'repo.js', sourceFile: sf, settings, ...(cache ? { complexity: { cache, fileName: 'repo.js' } } : {}) });
    return JSON.stringify([a.summaries.map((x) => [x.qualifiedName, x.key, x.line, x.span, x.complexity, x.variables]), a.findings.map((f) => [f.rule, f.span.start])]);
  };
  for (const [from, to, spliced, patch] of cases) {
    const doc = new SyntaxDocument('repo.js', code);
    const cache = new SummaryCache();
    summary(doc.sourceFile, cache);
    assert.ok(code.includes(from), from);
    const next = code.replace(from, to);
    doc.update(next);
    assert.equal(doc.spliced, spliced ? 1 : 0, `${from} -> ${to}`);
    const fresh = ts.createSourceFile('repo.js', next, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
    assert.deepEqual(shape(doc.sourceFile), shape(fresh), `${from} -> ${to}`);
    const patched = collectionStats.patched;
    assert.equal(summary(doc.sourceFile, cache), summary(fresh), `${from} -> ${to}: analysis`);
    assert.equal(collectionStats.patched - patched, patch ? 1 : 0, `${from} -> ${to}: the collection patched`);
    // and the next edit, in a body, is spliced from the member-spliced tree
    const inBody = next.replace('return this.db.find(id);', 'return  this.db.find(id);');
    doc.update(inBody);
    assert.deepEqual(shape(doc.sourceFile), shape(ts.createSourceFile('repo.js', inBody, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS)), `${from} -> ${to}, then a body edit`);
    assert.equal(summary(doc.sourceFile, cache), summary(ts.createSourceFile('repo.js', inBody, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS)), `${from} -> ${to}, then a body edit: analysis`);
  }
});

test('in a file with parse errors elsewhere, typing in a clean function body is spliced and gives the tree of a full parse', () => {
  const root = repoRoot();
  const file = path.join(root, 'node_modules/azure-devops-node-api/GitApi.js');
  if (!fs.existsSync(file)) return;
  // three broken methods (a split keyword, an unclosed call, a stray token), then typing
  const original = fs.readFileSync(file, 'utf8');
  let text = original.replace('return __awaiter(this, void 0, void 0, function* () {', 'ret urn __awaiter(this, void 0, void 0, function* () {');
  const second = text.indexOf('let routeValues = {', text.length / 2);
  text = text.slice(0, second) + 'let routeValues = ( {' + text.slice(second + 'let routeValues = {'.length);
  const third = text.lastIndexOf('const verData = yield');
  text = text.slice(0, third) + 'const verData = ) yield' + text.slice(third + 'const verData = yield'.length);
  const doc = new SyntaxDocument('GitApi.js', text);
  const settings = { ...defaultSettings, timeBudgetMs: Infinity };
  const cache = new SummaryCache();
  // as in the server: each version analysed with the summary cache (and the collection patch)
  const analyse = (sf: ts.SourceFile, withCache: boolean) => {
    const a = analyzeFile({ fileName: 'GitApi.js', sourceFile: sf, settings, ...(withCache ? { complexity: { cache, fileName: 'GitApi.js' } } : {}) });
    return JSON.stringify([a.summaries.map((x) => [x.qualifiedName, x.line, x.complexity, x.confidence]), a.findings.map((f) => [f.rule, f.span.start, f.message]), a.syntaxErrors]);
  };
  analyse(doc.sourceFile, true);
  const errorsAtStart = (doc.sourceFile as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics.length;
  assert.ok(errorsAtStart >= 3, `errors: ${errorsAtStart}`);
  let seed = 3;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const rounds = 40;
  for (let i = 0; i < rounds; i++) {
    const space = text.indexOf('  ', Math.floor(rand() * text.length));
    if (space < 0) continue;
    text = text.slice(0, space) + ' ' + text.slice(space);
    doc.update(text);
    const fresh = ts.createSourceFile('GitApi.js', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
    const got = shape(doc.sourceFile);
    const want = shape(fresh);
    const j = got.findIndex((x, k) => x !== want[k]);
    assert.ok(j < 0 && got.length === want.length, `edit ${i}: first difference at ${j}:\n got ${got[j]}\nwant ${want[j]}`);
    const incremental = analyse(doc.sourceFile, true);
    if (i % 8 === 0) assert.equal(incremental, analyse(fresh, false), `edit ${i}: analysis`);
  }
  // (the seed is fixed: 30 of the 40 are spliced; the others are in headers, comments or at class level)
  assert.ok(doc.spliced >= 25, `spliced ${doc.spliced} of ${rounds}`);
});

test('the node order kept across spliced and traced edits (what follows an edit is moved through it) is the walk order of the current tree', () => {
  let checked = 0;
  let tracedChecked = 0;
  for (const [name, original] of samples()) {
    const doc = new SyntaxDocument(name, original);
    analyzeFile({ fileName: name, sourceFile: doc.sourceFile, settings: { ...defaultSettings, timeBudgetMs: Infinity } });
    let seed = 11;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    let text = original;
    for (let i = 0; i < 40; i++) {
      // typing spaces (spliced), now and then a half-typed expression (traced by the parser when
      // inside a body), a line break, or a brace (neither: the order is dropped and built again)
      const at = text.indexOf(' ', Math.floor(rand() * text.length));
      if (at < 0) continue;
      const insert = i % 7 === 3 ? '\n' : i % 11 === 5 ? '{' : i % 3 === 1 ? 'x.' : i % 5 === 2 ? '= ' : ' ';
      text = text.slice(0, at + 1) + insert + text.slice(at + 1);
      const before = { spliced: doc.spliced, traced: doc.traced, kept: doc.keptOrder };
      doc.update(text);
      const kept = doc.keptOrder;
      const traced = doc.traced > before.traced;
      if (doc.spliced === before.spliced && !traced) {
        assert.equal(kept, undefined, `${name}, edit ${i}: an order kept after an edit that was neither spliced nor traced`);
        continue;
      }
      if (traced) {
        // carried when there was one to carry
        assert.equal(!!kept, !!before.kept, `${name}, edit ${i}: a traced edit carries the kept order`);
        if (!kept) continue;
        tracedChecked++;
      }
      assert.ok(kept, `${name}, edit ${i}: spliced without a kept order`);
      const fresh = treeOrder(doc.sourceFile);
      assert.equal(kept.length, fresh.length, `${name}, edit ${i}: order length`);
      const k = orderDifference(kept, fresh);
      assert.equal(k, -1, `${name}, edit ${i}: the kept order differs at ${k}`);
      checked++;
    }
  }
  // a body that mentions `import.meta` is left to the parser (traced): typing in it, the order is carried
  {
    const code = 'class A {\n  m(xs) {\n    return f(this, function* () {\n      const u = import.meta.url;\n      return xs;\n    });\n  }\n  /** Doc. */\n  n(ys) {\n    for (const y of ys) g(y);\n  }\n}\n';
    const doc = new SyntaxDocument('m.js', code);
    doc.update(code.replace('g(y)', 'g( y)')); // spliced (in n): an order is kept from here
    assert.ok(doc.keptOrder);
    let text = doc.sourceFile.text;
    for (const piece of ['x', '.', 'y', ' ', '=', ' ', '1']) {
      const at = text.indexOf('return') - 1;
      text = text.slice(0, at) + piece + text.slice(at);
      const before = doc.traced;
      doc.update(text);
      assert.equal(doc.traced, before + 1, `typing ${piece}: traced`);
      const kept: TreeOrder | undefined = doc.keptOrder;
      assert.ok(kept, `typing ${piece}: the order carried`);
      const fresh = treeOrder(doc.sourceFile);
      assert.equal(kept.length, fresh.length, `typing ${piece}: order length`);
      assert.equal(orderDifference(kept, fresh), -1, `typing ${piece}: the carried order differs`);
      tracedChecked++;
    }
  }
  assert.ok(checked >= 20, `orders checked after ${checked} spliced or traced edits`);
  assert.ok(tracedChecked >= 5, `orders checked after ${tracedChecked} traced edits`);
});

// Compared with the same incremental analysis over full parses (same cache history): the splice
// and the collection redone from its record must change nothing. On GitApi.js, also with a fresh
// analysis. (Not on queries.ts: its closures call each other in cycles, and a summary in a cycle
// can depend on which member the cache had to recompute first, with or without splicing.)
test('an analysis after spliced edits equals one over full parses', () => {
  const settings = { ...defaultSettings, timeBudgetMs: Infinity };
  const plain = (r: ReturnType<typeof analyzeFile>) => JSON.stringify({ s: r.summaries, f: r.findings.map((f) => ({ ...f, resolveFixes: undefined })) });
  let seed = 3;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (const [rel, edits] of [['server/src/analysis/queries.ts', 25], ['node_modules/azure-devops-node-api/GitApi.js', 12]] as const) {
    const file = path.join(repoRoot(), rel);
    if (!fs.existsSync(file)) continue;
    const original = fs.readFileSync(file, 'utf8');
    const spliced = new SummaryCache();
    const parsed = new SummaryCache();
    const doc = new SyntaxDocument(file, original);
    const fullParse = (t: string) => ts.createSourceFile(file, t, ts.ScriptTarget.Latest, true);
    analyzeFile({ fileName: file, sourceFile: doc.sourceFile, settings, complexity: { cache: spliced, fileName: file } });
    analyzeFile({ fileName: file, sourceFile: fullParse(original), settings, complexity: { cache: parsed, fileName: file } });
    let text = original;
    // spaces, and code that adds a loop with a query per item, nested functions, a lookup
    const pieces = [' ', ' ', 'for (const o of items) { db.order.findMany({ where: { id: o } }); }', 'const h = (x) => x.map((y) => y * 2);', 'if (a.includes(b)) c();'];
    const replayedBefore = collectionStats.fromRecord;
    for (let i = 0; i < edits; i++) {
      // after a statement of a block (a function body or a block inside one): the code stays valid
      const ends: number[] = [];
      const visit = (n: ts.Node): void => {
        if (ts.isBlock(n)) for (const st of n.statements) ends.push(st.end);
        ts.forEachChild(n, visit);
      };
      visit(fullParse(text));
      const end = ends[Math.floor(rand() * ends.length)];
      text = text.slice(0, end) + pieces[Math.floor(rand() * pieces.length)] + text.slice(end);
      const before = doc.spliced;
      doc.update(text);
      const a = analyzeFile({ fileName: file, sourceFile: doc.sourceFile, settings, complexity: { cache: spliced, fileName: file } });
      const b = analyzeFile({ fileName: file, sourceFile: fullParse(text), settings, complexity: { cache: parsed, fileName: file } });
      assert.ok(b.summaries.length > 0);
      const how = doc.spliced > before ? 'spliced' : 'incremental parser';
      assert.equal(plain(a), plain(b), `${rel}, edit ${i} (${how})`);
      if (rel.endsWith('GitApi.js')) assert.equal(plain(a), plain(analyzeFile({ fileName: file, sourceFile: fullParse(text), settings })), `${rel}, edit ${i} (${how}): fresh`);
    }
    assert.ok(doc.spliced >= edits / 2, `${rel}: spliced ${doc.spliced} of ${edits}`);
    assert.ok(collectionStats.fromRecord - replayedBefore >= doc.spliced, `${rel}: collections from the record`);
  }
});

test('changeRange and carried line starts', () => {
  const a = 'x'.repeat(10000) + 'abc' + 'y'.repeat(9000);
  const b = 'x'.repeat(10000) + 'aXbc' + 'y'.repeat(9000);
  const r = changeRange(a, b);
  assert.deepEqual([r.span.start, r.span.length, r.newLength], [10001, 0, 1]);
  assert.deepEqual(changeRange('same', 'same').newLength, 0);
  const t = changeRange('ab\ncd', 'ab\nd');
  assert.deepEqual([t.span.start, t.span.length, t.newLength], [3, 1, 0]);
  const starts = [0, 3, 7];
  assert.deepEqual(carriedLineStarts(starts, 'ab\ncde\nf', 'ab\ncXde\nf', changeRange('ab\ncde\nf', 'ab\ncXde\nf')), [0, 3, 8]);
  assert.equal(carriedLineStarts(starts, 'ab\ncde\nf', 'ab\nc\nde\nf', changeRange('ab\ncde\nf', 'ab\nc\nde\nf')), undefined, 'a new line break: rescanned');
  assert.equal(carriedLineStarts([0, 3], 'ab\r\ncd', 'ab\rX\ncd', changeRange('ab\r\ncd', 'ab\rX\ncd')), undefined, 'after a CR: rescanned');
});

/** A file of the example workspace open in the server's mode: its syntax document and a summary cache. */
function openExample(name: string) {
  const file = path.join(repoRoot(), 'test/workspace/src', name);
  const text = fs.readFileSync(file, 'utf8');
  return { file, text, settings: { ...defaultSettings, timeBudgetMs: Infinity }, cache: new SummaryCache(), doc: new SyntaxDocument(file, text) };
}

test('lenses after edits (reused lens text included) equal those of a fresh analysis', () => {
  const { file, text: original, settings, cache, doc } = openExample('orders.ts');
  analyzeFile({ fileName: file, sourceFile: doc.sourceFile, settings, complexity: { cache, fileName: file } });
  let text = original;
  const lensesOf = (sf: ts.SourceFile, summaries: ReturnType<typeof analyzeFile>['summaries']) =>
    JSON.stringify(codeLenses(withTreeLines(TextDocument.create('file:///o.ts', 'typescript', 1, text), sf), summaries));
  // The server's form: sent unresolved, each resolved on its own
  const book = new LensBook();
  const resolvedOf = (sf: ts.SourceFile, summaries: ReturnType<typeof analyzeFile>['summaries']) => {
    const sent = book.publish(withTreeLines(TextDocument.create('file:///o.ts', 'typescript', 1, text), sf), summaries);
    assert.ok(sent.every((l) => !l.command));
    return JSON.stringify(sent.map((l) => book.resolve(JSON.parse(JSON.stringify(l)))).map(({ range, command }) => ({ range, command })));
  };
  let seed = 11;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  let lines = 0;
  for (let i = 0; i < 30; i++) {
    // a space, or a new line (every lens below moves down), inside the code
    const at = text.indexOf('  ', Math.floor(rand() * text.length));
    if (at < 0) continue;
    const insert = i % 3 === 0 ? '\n' : ' ';
    if (insert === '\n') lines++;
    text = text.slice(0, at) + insert + text.slice(at);
    doc.update(text);
    const a = analyzeFile({ fileName: file, sourceFile: doc.sourceFile, settings, complexity: { cache, fileName: file } });
    const fresh = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
    const b = analyzeFile({ fileName: file, sourceFile: fresh, settings });
    const got = lensesOf(doc.sourceFile, a.summaries);
    assert.ok(got.includes('"title"'));
    assert.equal(got, lensesOf(fresh, b.summaries), `edit ${i}`);
    assert.equal(resolvedOf(doc.sourceFile, a.summaries), got, `edit ${i}, resolved lenses`);
  }
  assert.ok(lines >= 5);
});

test('the lens book, taking the lenses of the functions before an edit as they were, sends what a fresh book sends', () => {
  for (const name of ['orders.ts', 'algorithms.ts', 'workload.js']) {
    const { file, text: original, settings, cache, doc } = openExample(name);
    const book = new LensBook();
    const lang = name.endsWith('.js') ? 'javascript' : 'typescript';
    let text = original;
    let seed = name.length;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    // positions the book computed, against the lenses it sent: fewer when it took some as they were
    let computed = 0;
    let sentCount = 0;
    for (let i = 0; i < 40; i++) {
      // a space, a line break, a deleted space, or a line break moved one character left
      // (the same length: the functions after it keep their offsets and lines, not their columns)
      const at = text.indexOf('  ', Math.floor(rand() * text.length));
      // (a line break after a character that is not one: `x\n` becomes `\nx`)
      const nl = text.indexOf('\n', Math.floor(rand() * text.length) + 1);
      if (at < 0 || nl < 0 || text[nl - 1] === '\n') continue;
      const kind = i % 4;
      text = kind === 0 ? text.slice(0, at) + ' ' + text.slice(at) : kind === 1 ? text.slice(0, at) + '\n' + text.slice(at) : kind === 2 ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, nl - 1) + '\n' + text[nl - 1] + text.slice(nl + 1);
      doc.update(text);
      const a = analyzeFile({ fileName: file, sourceFile: doc.sourceFile, settings, complexity: { cache, fileName: file } });
      const lines = withTreeLines(TextDocument.create('file:///o.ts', lang, 1, text), doc.sourceFile);
      // (half of them with a focus: the lenses within RESOLVED_AROUND lines of it come resolved)
      const focus = i % 2 ? lines.positionAt(kind === 3 ? nl - 1 : at).line : undefined;
      const counting = Object.assign(Object.create(Object.getPrototypeOf(lines)), lines, {
        positionAt(offset: number) {
          computed++;
          return lines.positionAt(offset);
        },
      });
      const sent = book.publish(counting, a.summaries, focus);
      sentCount += sent.length;
      const fresh = new LensBook().publish(lines, a.summaries, focus);
      assert.equal(JSON.stringify(sent), JSON.stringify(fresh), `${name}, edit ${i} (kind ${kind})`);
      // a resolve answers from the set sent
      const j = Math.floor(rand() * sent.length);
      assert.deepEqual(book.resolve(JSON.parse(JSON.stringify({ range: sent[j].range, data: sent[j].data }))).command, lensCommandOf(fresh, j, lines, a.summaries));
    }
    // (without taking any as they were, each function placed computes its position: as many as lenses sent or more)
    assert.ok(computed < sentCount, `${name}: ${computed} positions computed for ${sentCount} lenses sent`);
  }
});

/** The command of lens `j` of a set, as the reference (codeLenses) makes it. */
function lensCommandOf(set: ReturnType<LensBook['publish']>, j: number, lines: TextDocument, summaries: Parameters<typeof codeLenses>[1]) {
  return codeLenses(lines, summaries).find((l) => l.range.start.line === set[j].range.start.line && l.range.start.character === set[j].range.start.character)!.command;
}

test('a lens taken as it was moves with its line start (a line break moved before the function, the same length)', () => {
  const file = path.join(repoRoot(), 'test/workspace/src/moved.ts');
  // f follows a comment on its line: moving the comment's line break one character left keeps
  // f's offset and line (f is placed as the same summary) and moves its column one right
  const text = '/* ab\n c */ function f(xs: number[]) {\n  for (const x of xs) xs.indexOf(x);\n}\nfunction g(n: number) {\n  return n;\n}\nconst x = [1].map((v) => v); const y = () => 3 + 4;\n';
  const settings = { ...defaultSettings, timeBudgetMs: Infinity };
  const cache = new SummaryCache();
  const doc = new SyntaxDocument(file, text);
  const book = new LensBook();
  const publish = (t: string) => {
    const a = analyzeFile({ fileName: file, sourceFile: doc.sourceFile, settings, complexity: { cache, fileName: file } });
    return { a, lenses: book.publish(withTreeLines(TextDocument.create('file:///m.ts', 'typescript', 1, t), doc.sourceFile), a.summaries) };
  };
  const before = publish(text);
  const f = before.a.summaries.find((s) => s.name === 'f')!;
  const edited = text.replace('/* ab\n c */', '/* a\n bc */');
  assert.equal(edited.length, text.length);
  doc.update(edited);
  const after = publish(edited);
  assert.equal(after.a.summaries.find((s) => s.name === 'f'), f, 'f is placed as the same summary (same offset, same line)');
  assert.equal(after.lenses[0].range.start.line, 1);
  assert.equal(after.lenses[0].range.start.character, before.lenses[0].range.start.character + 1, "f's lens moved one column right with its line's start");
  assert.equal(JSON.stringify(after.lenses), JSON.stringify(new LensBook().publish(withTreeLines(TextDocument.create('file:///m.ts', 'typescript', 1, edited), doc.sourceFile), after.a.summaries)));
  // an edit in the second of two one-line functions on a line: the first's lens is taken as it
  // was, and the second still shares it (no lens of its own)
  const third = edited.replace('3 + 4', '3  + 4');
  doc.update(third);
  const last = publish(third);
  const line = third.split('\n').findIndex((l) => l.includes('const y'));
  assert.equal(last.lenses.filter((l) => l.range.start.line === line).length, 1);
  assert.equal(JSON.stringify(last.lenses), JSON.stringify(new LensBook().publish(withTreeLines(TextDocument.create('file:///m.ts', 'typescript', 1, third), doc.sourceFile), last.a.summaries)));
});

test('a function the edit moved along its own line keeps its lens object; one on the edited line gets a new one', () => {
  const { file, text, settings, cache, doc } = openExample('algorithms.ts');
  const lensesAt = (t: string) => {
    const a = analyzeFile({ fileName: file, sourceFile: doc.sourceFile, settings, complexity: { cache, fileName: file } });
    return codeLenses(withTreeLines(TextDocument.create('file:///o.ts', 'typescript', 1, t), doc.sourceFile), a.summaries);
  };
  const before = lensesAt(text);
  assert.ok(before.length >= 3);
  // a space at the start of the first lens's line: that lens moves one column, the others keep line and column
  const lineStart = text.split('\n').slice(0, before[0].range.start.line).join('\n').length + (before[0].range.start.line ? 1 : 0);
  const edited = text.slice(0, lineStart) + ' ' + text.slice(lineStart);
  doc.update(edited);
  const after = lensesAt(edited);
  assert.equal(after.length, before.length);
  assert.notEqual(after[0], before[0]);
  assert.equal(after[0].range.start.character, before[0].range.start.character + 1);
  for (let i = 1; i < before.length; i++) {
    if (before[i].range.start.line === before[0].range.start.line) continue;
    assert.equal(after[i], before[i], `lens ${i} (line ${before[i].range.start.line})`);
  }
});

test('the lens book sends the same lens object while its function stays in place, and forgets a closed document', () => {
  const { file, text, settings, cache, doc } = openExample('algorithms.ts');
  const book = new LensBook();
  const publish = (t: string, uri = 'file:///a.ts') => {
    const a = analyzeFile({ fileName: file, sourceFile: doc.sourceFile, settings, complexity: { cache, fileName: file } });
    return book.publish(withTreeLines(TextDocument.create(uri, 'typescript', 1, t), doc.sourceFile), a.summaries);
  };
  const before = publish(text);
  assert.ok(before.length >= 3);
  const edited = text + '\n// end\n';
  doc.update(edited);
  const after = publish(edited);
  assert.deepEqual(after, before);
  for (let i = 0; i < before.length; i++) assert.equal(after[i], before[i], `lens ${i}`);
  // the same functions in a second document: their own lenses (the data names the document)
  const other = publish(edited, 'file:///b.ts');
  assert.notEqual((other[0].data as unknown[])[0], (before[0].data as unknown[])[0]);
  assert.equal(book.size, 2);
  book.forget('file:///a.ts');
  assert.equal(book.size, 1);
  assert.equal(book.resolve(before[0]).command!.command, '', 'a closed document: no command to run');
  assert.equal(book.resolve(other[0]).command!.command, 'perflens.explainComplexity');
});

/** What the collecting walk found: functions (keys, nesting, flags, hoisted declarations), classes, mutation sites, indexed nodes. */
function collected(sf: ts.SourceFile, incremental: boolean): string[] {
  const fa = new FileAnalyzer(sf, { reg: new VarRegistry(), files: new Map(), depth: 0, stats: { analyses: 0 } }, '', incremental);
  const at = (n: ts.Node | undefined) => (n ? `${ts.SyntaxKind[n.kind]}@${n.pos}-${n.end}` : '-');
  const out = fa.fns.map((f) =>
    [f.key, f.qualifiedName, at(f.node), f.parent?.key, at(f.classNode), f.params.join(','), f.hasNested, f.memoWrapped, f.selfCalls, (f.hoisted ?? []).map(at).join(','), fa.byNode.get(f.node) === f, fa.fnByKey(f.key) === f].join(' | '),
  );
  out.push(`top: ${fa.topHoisted.map(at).join(',')}`);
  out.push(`classes: ${[...fa.classes].map(([k, c]) => `${k}=${at(c)}`).join(',')}`);
  out.push(`mutations: ${[...fa.mutationSites].map(([k, v]) => `${k}=${v.join('/')}`).join(',')}`);
  out.push(`indexed: ${indexedNodes(sf).map(at).join(',')}`);
  return out;
}

test('after a spliced edit the collection is redone from the previous one, and equals a fresh walk', () => {
  let seed = 5;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  let replayed = 0;
  const patchedBefore = collectionStats.patched;
  const indexPatchedBefore = collectionStats.indexPatched;
  for (const [name, original] of samples()) {
    const doc = new SyntaxDocument(name, original);
    const kind = scriptKindFor(name);
    collected(doc.sourceFile, true);
    let text = original;
    for (let i = 0; i < 40; i++) {
      const at = Math.floor(rand() * text.length);
      const r = rand();
      // inside bodies: spaces, new functions, calls and classes appearing and going away
      const pieces = [' ', 'f(x);', 'const g = () => h();', 'class K { m() { a.push(1); } }', 'function q() {}', 'x[k] = 1;', '\n'];
      let next: string;
      if (r < 0.15) next = original;
      else {
        const semi = text.indexOf(';', at);
        const p = semi < 0 ? at : semi + 1;
        next = text.slice(0, p) + pieces[Math.floor(rand() * pieces.length)] + text.slice(p);
      }
      const before = doc.spliced;
      doc.update(next);
      text = next;
      const fromRecord = collectionStats.fromRecord;
      const got = collected(doc.sourceFile, true);
      if (doc.spliced > before) assert.equal(collectionStats.fromRecord, fromRecord + 1, `${name}, edit ${i}: a spliced edit is collected from the record`);
      const want = collected(ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true, kind), false);
      const j = got.findIndex((x, k) => x !== want[k]);
      assert.ok(got.length === want.length && j < 0, `${name}, edit ${i}: ${j < 0 ? 'lengths differ' : `got ${got[j]}\nwant ${want[j]}`}`);
      // a second run over the same tree restores what the first one collected
      if (i % 8 === 0) assert.deepEqual(collected(doc.sourceFile, true), got, `${name}, edit ${i}: the same tree again`);
      if (doc.spliced > before) replayed++;
    }
  }
  assert.ok(replayed >= 40, `replayed ${replayed}`);
  // most spliced edits patch the previous collection; the others (a class or a new function in the body) replay the record
  const patched = collectionStats.patched - patchedBefore;
  assert.ok(patched >= replayed / 3 && patched < replayed, `patched ${patched} of ${replayed}`);
  // and the patched collections' indexed nodes were the previous tree's list, patched in place
  assert.equal(collectionStats.indexPatched - indexPatchedBefore, patched, 'indexed nodes patched');
});

test('what an edit to one body changes in its function (a self-call; its nested functions and hoisted declarations, collected again) holds in the collections patched after edits elsewhere', () => {
  const A = 'function a(n) {\n  function h() {}\n  const g = () => 1;\n  return n;\n}\n';
  const selfCalling = A.replace('return n;', 'return a(n - 1);');
  const B = (spaces: string) => `function b(m) {\n  return${spaces}m;\n}\n`;
  const steps = [
    A + B(' '),
    // a calls itself now (its nested functions are the same: the collection is patched)
    selfCalling + B(' '),
    // then typing in b, twice: a's part of the collection is taken over as it was
    selfCalling + B('  '),
    selfCalling + B('   '),
    // a no longer calls itself
    A + B('   '),
    A + B('    '),
  ];
  const doc = new SyntaxDocument('self.js', steps[0]);
  collected(doc.sourceFile, true);
  const patchedBefore = collectionStats.patched;
  for (let i = 1; i < steps.length; i++) {
    const spliced = doc.spliced;
    doc.update(steps[i]);
    assert.equal(doc.spliced, spliced + 1, `step ${i} is spliced`);
    assert.deepEqual(collected(doc.sourceFile, true), collected(ts.createSourceFile('self.js', steps[i], ts.ScriptTarget.Latest, true, ts.ScriptKind.JS), false), `step ${i}`);
  }
  assert.equal(collectionStats.patched, patchedBefore + steps.length - 1, 'every collection was patched');
});

/** Whether `n` belongs to `sf` (its parents lead there), not to an earlier tree. */
function inTree(n: ts.Node, sf: ts.SourceFile): boolean {
  let p: ts.Node = n;
  while (p.parent) p = p.parent;
  return p === sf;
}

test('a half-typed statement in a body is spliced (errors and all) or, where the parser must take it, traced to the old tree: the collection is not walked again, the analysis equals a fresh one', () => {
  // GitApi.js's shape: methods whose code is a callback among arguments (`this`, `void 0`), a
  // default parameter with a call, a nested arrow. A body that does not parse is spliced when
  // parsed again inside the same lists (a class's members, an argument list) it ends at its own
  // brace with every error inside. In a body that mentions `import.meta` nothing is spliced: every
  // keystroke goes to the incremental parser and is traced; the parser makes the arguments next
  // to the callback again (paired) and, when the edited callback's header has a call, that too
  // (then the collection is replayed from the old tree's record instead of patched).
  for (const meta of [false, true]) {
    for (const header of ['', 'limit = pick()']) {
      const code = [
        'class Api {',
        '  getA(ids, opts = pick()) {',
        `    return __awaiter(this, void 0, void 0, function* (${header}) {`,
        ...(meta ? ['      const base = import.meta.url;'] : []),
        '      const out = [];',
        '      for (const id of ids) out.push(yield load(id));',
        '      return out.map((x) => x.name);',
        '    });',
        '  }',
        '  getB(xs) {',
        '    return __awaiter(this, void 0, void 0, function* () {',
        '      const seen = [];',
        '      seen.push(xs);',
        '      return xs.filter((x) => xs.includes(x));',
        '    });',
        '  }',
        '}',
        'function pick() { return {}; }',
        '',
      ].join('\n');
      const at = code.indexOf('const out');
      const settings = { ...defaultSettings, timeBudgetMs: Infinity };
      const typed = 'const n = ids.length + 1;\n      ';
      const doc = new SyntaxDocument('api.js', code);
      const cache = new SummaryCache();
      analyzeFile({ fileName: 'api.js', sourceFile: doc.sourceFile, settings, complexity: { cache, fileName: 'api.js' } });
      let broken = 0;
      let patched = 0;
      let traced = 0;
      for (let k = 1; k <= typed.length; k++) {
        const text = code.slice(0, at) + typed.slice(0, k) + code.slice(at);
        const before = { spliced: doc.spliced, traced: doc.traced, patched: collectionStats.patched, walked: collectionStats.walked };
        cache.resetCounters();
        doc.update(text);
        const fresh = ts.createSourceFile('api.js', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
        const where = `(${meta ? 'import.meta, ' : ''}${header}) after ${JSON.stringify(typed.slice(0, k))}`;
        // (ts.updateSourceFile keeps the file's "possibly contains import" flags and drops its
        // external-module indicator: those two lines are compared only when spliced)
        const own = (lines: string[]) => (meta ? lines.slice(1).filter((l) => !l.startsWith('module ')) : lines);
        assert.deepEqual(own(shape(doc.sourceFile)), own(shape(fresh)), where);
        const got = analyzeFile({ fileName: 'api.js', sourceFile: doc.sourceFile, settings, complexity: { cache, fileName: 'api.js' } });
        const after = { patched: collectionStats.patched, walked: collectionStats.walked };
        const want = analyzeFile({ fileName: 'api.js', sourceFile: fresh, settings });
        assert.deepEqual(JSON.parse(JSON.stringify(got.summaries)), JSON.parse(JSON.stringify(want.summaries)), where);
        assert.deepEqual(got.findings.map((f) => [f.rule, f.span, f.message]), want.findings.map((f) => [f.rule, f.span, f.message]), where);
        // every keystroke is spliced (traced, next to import.meta): the half-typed statement stays inside the body
        if (meta) assert.equal(doc.traced - before.traced, 1, `${where}: traced`);
        else assert.equal(doc.spliced - before.spliced, 1, `${where}: spliced`);
        if (doc.traced > before.traced) traced++;
        if (((doc.sourceFile as unknown as { parseDiagnostics: Array<{ start: number }> }).parseDiagnostics).some((d) => d.start >= at)) broken++;
        // the collection comes from the old tree's, not from a walk of the file
        assert.equal(after.walked, before.walked, `${where}: walked again`);
        if (after.patched > before.patched) patched++;
        // only the edited function and the ones around it are derived again (not all 8)
        assert.ok(cache.recomputations <= 4, `${where}: recomputed ${cache.recomputed.join(', ')}`);
        // the collection and the node index hold the new tree's nodes
        assert.deepEqual(collected(doc.sourceFile, true), collected(fresh, false), where);
        for (const n of indexedNodes(doc.sourceFile)) assert.ok(inTree(n, doc.sourceFile), `${where}: ${ts.SyntaxKind[n.kind]}@${n.pos} is from an earlier tree`);
      }
      // `cconst`, `const n =`, `ids.`, `+`: states that do not parse
      assert.ok(broken >= 4, `(${header}) broken ${broken}`);
      if (meta) assert.equal(traced, typed.length);
      if (header) assert.equal(patched, 0, 'a header with a call: replayed, not patched');
      else assert.equal(patched, typed.length, 'patched');
    }
  }
});

test('an edit that moves the end of the body (a brace, an unterminated comment) is not traced; the analysis still equals a fresh one', () => {
  const code = 'class A {\n  m(xs) {\n    return xs.map((x) => x);\n  }\n  n(ys) {\n    for (const y of ys) f(y);\n  }\n}\n';
  const settings = { ...defaultSettings, timeBudgetMs: Infinity };
  for (const insert of ['{ ', '} ', '/* ']) {
    const next = code.replace('return xs', `${insert}return xs`);
    const cache = new SummaryCache();
    const doc = new SyntaxDocument('a.js', code);
    analyzeFile({ fileName: 'a.js', sourceFile: doc.sourceFile, settings, complexity: { cache, fileName: 'a.js' } });
    doc.update(next);
    assert.equal(doc.spliced + doc.traced, 0, insert);
    const fresh = ts.createSourceFile('a.js', next, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
    assert.deepEqual(shape(doc.sourceFile), shape(fresh), insert);
    const got = analyzeFile({ fileName: 'a.js', sourceFile: doc.sourceFile, settings, complexity: { cache, fileName: 'a.js' } });
    const want = analyzeFile({ fileName: 'a.js', sourceFile: fresh, settings });
    assert.deepEqual(JSON.parse(JSON.stringify(got.summaries)), JSON.parse(JSON.stringify(want.summaries)), insert);
    assert.deepEqual(collected(doc.sourceFile, true), collected(fresh, false), insert);
  }
});

test('a body that does not parse is spliced when, parsed again inside the lists around it, it keeps every error inside its braces: the tree is a full parse\'s', () => {
  // the lists a body can sit in: class members, arguments, arrays, object literals, declarations
  // (and a switch's cases, which are not parsed again: left to the parser)
  const contexts = [
    'class C {\n  m(xs) {\n    return f(this, function* () {\n      const a = xs.map((x) => x + 1);\n      return [a, { k: () => { return a.length; } }];\n    });\n  }\n}\n',
    'var v = [function () {\n  let s = 0;\n  for (const y of ys) s += y;\n  return s;\n}];\nswitch (k) {\n  case 1: g({ h() {\n    return k * 2;\n  } });\n}\n',
  ];
  const files: Array<[string, string]> = [...contexts.map((c, i): [string, string] => [`ctx${i}.js`, c]), ...samples()];
  // tokens that leave a body half-typed, some of which end a body early inside an enclosing list
  const tokens = [')', ']', ',', '.', '=', '*', '(', '[', 'case 1:', ':', '=>', '"', '?', '+', 'else', 'x.', '= ', 'const ', '}', '{', '...', '<p>'];
  let seed = 13;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  let brokenSpliced = 0;
  let edits = 0;
  for (const [name, original] of files) {
    const kind = scriptKindFor(name);
    let doc = new SyntaxDocument(name, original);
    let text = original;
    for (let i = 0; i < (name.startsWith('ctx') ? 60 : 30); i++) {
      if (i % 10 === 0) {
        text = original;
        doc = new SyntaxDocument(name, text);
      }
      // a random place inside a random block body
      const sf = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true, kind);
      const bodies: Array<[number, number]> = [];
      const visit = (n: ts.Node): void => {
        if (ts.isFunctionLike(n) && (n as ts.FunctionLikeDeclaration).body && ts.isBlock((n as ts.FunctionLikeDeclaration).body!)) {
          const b = (n as ts.FunctionLikeDeclaration).body!;
          bodies.push([b.getStart(sf) + 1, b.end - 1]);
        }
        ts.forEachChild(n, visit);
      };
      visit(sf);
      if (!bodies.length) continue;
      const [from, to] = bodies[Math.floor(rand() * bodies.length)];
      const at = from + Math.floor(rand() * Math.max(1, to - from));
      text = text.slice(0, at) + tokens[Math.floor(rand() * tokens.length)] + text.slice(at);
      const before = doc.spliced;
      doc.update(text);
      edits++;
      const spliced = doc.spliced > before;
      const fresh = ts.createSourceFile(name, text, ts.ScriptTarget.Latest, true, kind);
      // (a tree from ts.updateSourceFile keeps some flags of the file, and its error recovery can
      // name an error differently: those are compared only when spliced)
      const own = (lines: string[]) => (spliced ? lines : lines.slice(1).filter((l) => !l.startsWith('module ')).map((l) => (l.startsWith('errors ') ? l.replace(/\b\d+@/g, '@') : l)));
      const got = own(shape(doc.sourceFile));
      const want = own(shape(fresh));
      const j = got.findIndex((x, k) => x !== want[k]);
      assert.ok(j < 0 && got.length === want.length, `${name}, edit ${i} (${spliced ? 'spliced' : 'not spliced'}): got ${got[j]}\nwant ${want[j]}`);
      const errors = (doc.sourceFile as unknown as { parseDiagnostics: unknown[] }).parseDiagnostics.length;
      if (spliced && errors) brokenSpliced++;
    }
  }
  assert.ok(brokenSpliced >= 40, `spliced ${brokenSpliced} edits of ${edits} with parse errors`);
  // `)` typed in a callback among arguments ends its body early (the parser closes the argument
  // list there): not spliced, and the tree is the parser's
  const code = 'f(function () {\n  a(1);\n  b(2);\n});\ng();\n';
  const doc = new SyntaxDocument('early.js', code);
  const next = code.replace('b(2);', ') b(2);');
  doc.update(next);
  assert.equal(doc.spliced, 0);
  assert.deepEqual(shape(doc.sourceFile), shape(ts.createSourceFile('early.js', next, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS)));
});

test('an error just before a function, with no node finished after it, marks the first node in its body: such an edit is not spliced', () => {
  // `)` is skipped in error recovery (no node finished): the parser marks the next node it
  // finishes, `b` inside the callback's body, as having an error, which a body parsed on its own
  // would not be. (Typing after a space, the old way, was spliced and lost that mark.)
  const code = 'a(1);\n) (function () {\n  b(2);\n})();\nfunction c() {\n  d(3);\n}\n';
  for (const [from, to, spliced] of [['b(2)', 'b(22)', 0], ['d(3)', 'd(33)', 1]] as const) {
    const doc = new SyntaxDocument('mark.js', code);
    const next = code.replace(from, to);
    doc.update(next);
    assert.equal(doc.spliced, spliced, to);
    assert.deepEqual(shape(doc.sourceFile), shape(ts.createSourceFile('mark.js', next, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS)), to);
  }
});
