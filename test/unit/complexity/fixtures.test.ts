// Every function annotated `// @expect O(...)` in test/fixtures/complexity gets exactly that estimate
// (canonical ASCII), and `// @vars {...}` that legend.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatCost, parseCost } from '../../../server/src/analysis/cost';
import { fixturesDir, analyze } from './helpers';

interface Expectation {
  complexity: string;
  vars?: Record<string, string>;
}

function expectations(text: string, line: number): Expectation | undefined {
  const lines = text.split('\n');
  let complexity: string | undefined;
  let vars: Record<string, string> | undefined;
  for (let i = line - 2; i >= 0 && /^\s*\/\//.test(lines[i]); i--) {
    const e = /@expect\s+(O\(.*\))\s*$/.exec(lines[i]);
    if (e) complexity = e[1];
    const v = /@vars\s+(\{.*\})\s*$/.exec(lines[i]);
    if (v) vars = JSON.parse(v[1]);
  }
  return complexity ? { complexity, vars } : undefined;
}

const dir = fixturesDir();
const files = fs.readdirSync(dir).filter((f) => /\.(ts|js)$/.test(f)).sort();

for (const file of files) {
  const text = fs.readFileSync(path.join(dir, file), 'utf8');
  const summaries = analyze(text, {}, file);
  let checked = 0;
  for (const s of summaries) {
    const exp = expectations(text, s.line);
    if (!exp) continue;
    checked++;
    test(`${file}: ${s.qualifiedName} is ${exp.complexity}`, () => {
      const why = s.evidence.map((e) => `  line ${e.line}: ${e.factor} — ${e.reason}`).join('\n');
      assert.equal(s.complexity, formatCost(parseCost(exp.complexity)), `${s.qualifiedName}\n${why}`);
      if (exp.vars) assert.deepEqual(s.variables, exp.vars);
      assert.equal(s.display.replace(/\?$/, ''), formatCost(parseCost(exp.complexity), 'unicode'));
    });
  }
  test(`${file} has annotated functions`, () => assert.ok(checked > 0));
}
