// Fixture-driven tests for every rule: invalid files report exactly the marked lines,
// valid files stay quiet, and fixes produce the expected, type-checking code.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ProjectHost } from '../../../server/src/analysis/project/projectHost';
import { analyzeFile } from '../../../server/src/engine';
import { defaultSettings } from '../../../server/src/analysis/types';
import { rules } from '../../../server/src/rules';
import { applyEdits, expectedLines, fixtures, repoRoot, typeErrors } from '../helpers';

const host = new ProjectHost({ roots: [fixtures('rules')] });

function analyse(file: string) {
  const sf = host.addFromDisk(file);
  return { sf, analysis: analyzeFile({ fileName: file, sourceFile: sf, settings: defaultSettings, getChecker: () => host.checkerFor(file) }) };
}

const list = (dir: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /\.(ts|tsx|js|jsx)$/.test(f)).map((f) => path.join(dir, f)) : []);

for (const rule of rules) {
  describe(`rule ${rule.id}`, () => {
    test('has a docs page and fixtures', () => {
      assert.ok(fs.existsSync(path.join(repoRoot(), rule.meta.docs)), `missing ${rule.meta.docs}`);
      assert.ok(list(fixtures('rules', rule.id, 'invalid')).length > 0, 'no invalid fixtures');
      assert.ok(list(fixtures('rules', rule.id, 'valid')).length > 0, 'no valid fixtures');
    });
    for (const file of list(fixtures('rules', rule.id, 'invalid'))) {
      test(`reports exactly the marked lines of invalid/${path.basename(file)}`, () => {
        const { sf, analysis } = analyse(file);
        const expected = expectedLines(sf.text, rule.id);
        assert.ok(expected.length > 0, 'fixture has no @expect marker');
        const actual = [...new Set(analysis.findings.filter((f) => f.rule === rule.id).map((f) => sf.getLineAndCharacterOfPosition(f.span.start).line + 1))].sort((a, b) => a - b);
        assert.deepEqual(actual, expected);
      });
    }
    for (const file of list(fixtures('rules', rule.id, 'valid'))) {
      test(`stays quiet on valid/${path.basename(file)}`, () => {
        const { sf, analysis } = analyse(file);
        const found = analysis.findings.filter((f) => f.rule === rule.id).map((f) => `${sf.getLineAndCharacterOfPosition(f.span.start).line + 1}: ${f.message}`);
        assert.deepEqual(found, []);
      });
    }
    const fixDir = fixtures('rules', rule.id, 'fix');
    for (const before of list(fixDir).filter((f) => f.endsWith('.before.ts'))) {
      const after = before.replace(/\.before\.ts$/, '.after.ts');
      const name = path.basename(before, '.before.ts');
      test(`fix ${name}: ${fs.existsSync(after) ? 'rewrites as expected and type-checks' : 'is declined with a reason'}`, () => {
        assert.deepEqual(typeErrors('before.ts', fs.readFileSync(before, 'utf8')), [], 'the before fixture itself must compile');
        const { sf, analysis } = analyse(before);
        const findings = analysis.findings.filter((f) => f.rule === rule.id);
        assert.ok(findings.length > 0, 'the before fixture must be reported');
        const fix = findings.flatMap((f) => f.fixes ?? []).find((f) => f.isPreferred);
        if (!fs.existsSync(after)) {
          assert.equal(fix, undefined, 'no fix may be offered');
          assert.match(findings[0].noFixReason ?? '', /\w/, 'the reason must be given');
          return;
        }
        assert.ok(fix, `expected a fix; got reason: ${findings[0].noFixReason}`);
        const fixed = applyEdits(sf.text, fix.edits);
        assert.equal(fixed, fs.readFileSync(after, 'utf8'));
        assert.deepEqual(typeErrors('after.ts', fixed), []);
      });
    }
  });
}
