// Shared helpers for the unit tier (bundled into each test file by esbuild).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Project, ts } from 'ts-morph';
import type { TextEditSpan } from '../../server/src/analysis/types';

/** The repository root: the nearest folder above this file with PerfLens's package.json. */
export function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 10; i++) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'perflens') return dir;
    dir = path.dirname(dir);
  }
  throw new Error(`cannot find the repository root above ${__dirname}`);
}

export const fixtures = (...p: string[]) => path.join(repoRoot(), 'test', 'fixtures', ...p);

/** `../shared` next to the repository (CI clones main with shared/ beside it). */
export const shared = (...p: string[]) => path.join(repoRoot(), '..', 'shared', ...p);

export function applyEdits(text: string, edits: TextEditSpan[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.span.start - a.span.start)) out = out.slice(0, e.span.start) + e.newText + out.slice(e.span.end);
  return out;
}

/** Type-check one file in strict mode; returns the error messages (empty when it compiles). */
export function typeErrors(fileName: string, text: string): string[] {
  const project = new Project({
    useInMemoryFileSystem: true,
    compilerOptions: { strict: true, target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'], noEmit: true, module: ts.ModuleKind.ESNext },
  });
  project.createSourceFile(fileName, text);
  return project.getPreEmitDiagnostics().map((d) => {
    const msg = ts.flattenDiagnosticMessageText(d.getMessageText() as string | ts.DiagnosticMessageChain, '\n');
    return `${d.getLineNumber() ?? '?'}: ${msg}`;
  });
}

/** 1-based lines carrying `// @expect <rule>`. */
export function expectedLines(text: string, rule: string): number[] {
  return text.split('\n').flatMap((l, i) => (new RegExp(`//\\s*@expect\\b.*\\b${rule}\\b`).test(l) ? [i + 1] : []));
}
