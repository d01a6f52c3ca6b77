// Patterns that kept every keystroke's syntax tree alive through V8's young-generation GCs.
//
// V8 gives an object a map of its own (in the old generation, collected only by a full GC) when
// the object is an object literal with a getter or setter (each evaluation makes new accessor
// closures), or the prototype of objects made by a function created per call (a generator
// function or class declared inside a function). A young-generation GC treats every pointer
// from the old generation as live, so a dead map kept its closure, and everything the closure
// could reach, alive until the next full GC: the walker, the file analysis, the tree and the
// text of the keystroke that made it. Each such object made the language server promote every
// keystroke's tree and text at the next scavenge (GitApi.js, 600 typed edits in process: 368 MB
// promoted before, 83 MB after removing them; see TextRoot in complexity/analyzer.ts).
//
// The language server's source must not bring them back: getters belong on classes, and
// generator functions and classes at module level.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { ts } from 'ts-morph';
import { repoRoot } from '../complexity/helpers';

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

/** Offending constructs in one file, as `file:line what`. */
function offences(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const out: string[] = [];
  const where = (n: ts.Node) => `${path.relative(repoRoot(), file)}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1}`;
  const insideFunction = (n: ts.Node): boolean => {
    for (let p = n.parent; p; p = p.parent) if (ts.isFunctionLike(p)) return true;
    return false;
  };
  const visit = (n: ts.Node): void => {
    if ((ts.isGetAccessor(n) || ts.isSetAccessor(n)) && ts.isObjectLiteralExpression(n.parent)) out.push(`${where(n)} an accessor in an object literal`);
    if ((ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n)) && n.asteriskToken && insideFunction(n)) out.push(`${where(n)} a generator function declared inside a function`);
    if ((ts.isClassDeclaration(n) || ts.isClassExpression(n)) && insideFunction(n)) out.push(`${where(n)} a class declared inside a function`);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

test('the language server makes no object that gets a map of its own per call (accessors in literals, per-call generator functions and classes)', () => {
  const files = sourceFiles(path.join(repoRoot(), 'server/src'));
  assert.ok(files.length > 30, 'the server sources are found');
  assert.deepEqual(files.flatMap(offences), []);
});

test('the check finds each pattern', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'young-garbage-'));
  const file = path.join(dir, 'bad.ts');
  fs.writeFileSync(
    file,
    [
      'export function f(x: number) {',
      '  const o = { get y() { return x; } };',
      '  function* g() { yield x; }',
      '  class C { v = x; }',
      '  return [o, g, C];',
      '}',
      'export const ok = { get z() { return 1; } };',
      'export function* top() { yield 1; }',
    ].join('\n'),
  );
  const found = offences(file).map((o) => o.replace(/^.*bad\.ts:/, ''));
  // the module-level literal's getter is flagged too (an object literal evaluated once is
  // harmless, but nothing tells the check it runs once); the module-level generator is not
  assert.deepEqual(found, ['2 an accessor in an object literal', '3 a generator function declared inside a function', '4 a class declared inside a function', '7 an accessor in an object literal']);
});
