// The linear-lookup-in-loop and invariant-in-loop fixes keep behaviour: each fixture's `before`
// and `after` functions, run on the same inputs (duplicates, missing values, NaN, empty lists),
// return the same results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { ts } from 'ts-morph';
import { fixtures } from '../helpers';

type Fn = (...args: never[]) => unknown;

function load(file: string): Record<string, Fn> {
  const js = ts.transpileModule(fs.readFileSync(file, 'utf8'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const mod = { exports: {} as Record<string, Fn> };
  new Function('module', 'exports', js)(mod, mod.exports);
  return mod.exports;
}

const users = [{ id: 1, name: 'ada', email: 'a@x' }, { id: 2, name: 'bob', email: 'b@x' }, { id: 1, name: 'ada-dup', email: 'a@x' }, { id: NaN, name: 'nan', email: 'n@x' }];
const CASES: Record<string, { rule: string; fn: string; inputs: unknown[][] }> = {
  find: { rule: 'linear-lookup-in-loop', fn: 'names', inputs: [[[{ id: 1, userId: 1 }, { id: 2, userId: 3 }, { id: 3, userId: NaN }, { id: 4, userId: 2 }], users], [[], users], [[{ id: 1, userId: 1 }], []]] },
  includes: { rule: 'linear-lookup-in-loop', fn: 'known', inputs: [[['a', 'b', 'a', 'z'], ['a', 'c', 'a']], [[], ['a']], [['a'], []]] },
  'index-of-compare': { rule: 'linear-lookup-in-loop', fn: 'allowed', inputs: [[['x', 'y', 'x', 'q'], ['y', 'y']], [[], []]] },
  'index-of-number': { rule: 'linear-lookup-in-loop', fn: 'positions', inputs: [[[3, 1, NaN, 7, 1, 0, -0], [1, 3, 1, NaN, 0]], [[1], []]] },
  'some-key': { rule: 'linear-lookup-in-loop', fn: 'registered', inputs: [[['a@x', 'q@x', 'a@x'], users], [[], users]] },
  'param-array': { rule: 'linear-lookup-in-loop', fn: 'overlap', inputs: [[[1, NaN, 2, 2, 5], [2, NaN, 5, 5]], [[], [1]]] },
  regexp: { rule: 'invariant-in-loop', fn: 'grep', inputs: [[['a cat', 'concat', 'CAT!', ''], 'cat'], [[], 'x']] },
  intl: { rule: 'invariant-in-loop', fn: 'prices', inputs: [[[1, 2.5, -3, 1e6], 'en-US'], [[0], 'de-DE']] },
  'json-parse': { rule: 'invariant-in-loop', fn: 'over', inputs: [[[{ n: 1 }, { n: 10 }, { n: 5 }], '{"limit": 4}'], [[], '{"limit": 0}']] },
  'global-replace': { rule: 'invariant-in-loop', fn: 'normalise', inputs: [[['a,b,,c', ',x,', ''], ','], [['a--b'], '-+']] },
};

for (const [name, c] of Object.entries(CASES)) {
  test(`${c.rule} fix ${name}: same results before and after`, () => {
    const before = load(fixtures('rules', c.rule, 'fix', `${name}.before.ts`))[c.fn];
    const after = load(fixtures('rules', c.rule, 'fix', `${name}.after.ts`))[c.fn];
    assert.equal(typeof before, 'function');
    assert.equal(typeof after, 'function');
    for (const args of c.inputs) {
      const clone = () => structuredClone(args) as never[];
      assert.deepStrictEqual(after(...clone()), before(...clone()), `inputs: ${JSON.stringify(args)}`);
    }
  });
}
