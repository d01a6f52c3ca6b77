// Every fix PerfLens offers on every rule fixture (n-plus-one, linear-lookup-in-loop,
// invariant-in-loop) keeps the file compiling: applied one at a time, each fix adds no type error
// (checked with the real libraries in node_modules, strict mode).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ProjectHost } from '../../../server/src/analysis/project/projectHost';
import { analyzeFile } from '../../../server/src/engine';
import { defaultSettings as engineDefaults } from '../../../server/src/analysis/types';

// About what is fixed, not the per-file time budget (a cold type checker can exceed it).
const defaultSettings = { ...engineDefaults, timeBudgetMs: 120_000 };
import { applyEdits, fixtures } from '../helpers';
import { generatePrismaClient, realTypeErrors } from '../db/harness';

const RULES = ['n-plus-one', 'linear-lookup-in-loop', 'invariant-in-loop'];
const host = new ProjectHost({ roots: [fixtures('rules')] });

function files(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    if (fs.statSync(p).isDirectory()) return n === 'generated' || n === 'lib' ? [] : files(p);
    return /\.tsx?$/.test(n) && !n.endsWith('.after.ts') && !n.endsWith('.d.ts') ? [p] : [];
  });
}

describe('every offered fix type-checks', () => {
  generatePrismaClient();
  for (const rule of RULES) {
    for (const file of files(fixtures('rules', rule))) {
      test(`${rule}: ${path.relative(fixtures('rules', rule), file)}`, { timeout: 120_000 }, () => {
        const text = fs.readFileSync(file, 'utf8');
        const baseline = new Set(realTypeErrors(file, text).map((e) => e.replace(/^\d+: /, '')));
        const sf = host.addFromDisk(file);
        const findings = analyzeFile({ fileName: file, sourceFile: sf, settings: defaultSettings, getChecker: () => host.checkerFor(file) }).findings.filter((f) => RULES.includes(f.rule));
        for (const f of findings) {
          for (const fix of f.fixes ?? []) {
            const fixed = applyEdits(sf.text, fix.edits);
            const added = realTypeErrors(file, fixed).filter((e) => !baseline.has(e.replace(/^\d+: /, '')));
            assert.deepEqual(added, [], `${fix.title} (line ${sf.getLineAndCharacterOfPosition(f.span.start).line + 1}) breaks the types:\n${fixed}`);
          }
        }
      });
    }
  }
});
