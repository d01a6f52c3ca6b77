// Shared helpers for the complexity tests.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ts } from 'ts-morph';
import { analyzeFunctions, type ComplexityOptions } from '../../../server/src/analysis/complexity';
import type { FunctionSummary } from '../../../server/src/analysis/types';

/** Repository root (works from test/unit/... sources and from dist/test/unit/... bundles). */
export function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'server'))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}

export const fixturesDir = () => path.join(repoRoot(), 'test', 'fixtures', 'complexity');

export function parse(text: string, fileName = 'snippet.ts'): ts.SourceFile {
  return ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, fileName.endsWith('.js') ? ts.ScriptKind.JS : ts.ScriptKind.TS);
}

export function analyze(text: string, opts?: ComplexityOptions, fileName?: string): FunctionSummary[] {
  return analyzeFunctions(parse(text, fileName), opts);
}

export function summaryOf(summaries: FunctionSummary[], name: string): FunctionSummary {
  const s = summaries.find((x) => x.qualifiedName === name) ?? summaries.find((x) => x.name === name);
  if (!s) throw new Error(`no function ${name} among ${summaries.map((x) => x.qualifiedName).join(', ')}`);
  return s;
}
