// The CLI's contract: JSON shape, exit codes, folder walking.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run, collectFiles } from '../../../server/src/cli';

function tempProject(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'perflens-cli-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

function cli(args: string[], cwd: string) {
  let out = '';
  let err = '';
  const code = run(args, cwd, (s) => (out += s), (s) => (err += s));
  return { code, out, err };
}

const nPlusOne = `declare const db: { query(s: string, p: unknown[]): Promise<unknown> };\nexport async function f(ids: number[]) {\n  for (const id of ids) {\n    await db.query('select', [id]);\n  }\n}\n`;

test('json output has exactly the documented shape', () => {
  const dir = tempProject({ 'src/a.ts': nPlusOne });
  const { code, out } = cli(['analyze', 'src', '--format', 'json'], dir);
  assert.equal(code, 0);
  const json = JSON.parse(out);
  assert.equal(json.version, 1);
  assert.equal(json.files.length, 1);
  const file = json.files[0];
  assert.deepEqual(Object.keys(file), ['path', 'functions', 'findings']);
  assert.equal(file.path, 'src/a.ts');
  const fn = file.functions[0];
  assert.deepEqual(Object.keys(fn), ['name', 'qualifiedName', 'line', 'endLine', 'complexity', 'variables', 'confidence', 'evidence']);
  assert.equal(fn.name, 'f');
  assert.equal(fn.line, 2);
  assert.equal(fn.endLine, 6);
  assert.match(fn.complexity, /^O\(/);
  assert.ok(['high', 'medium', 'low'].includes(fn.confidence));
  const finding = file.findings[0];
  assert.deepEqual(finding, { rule: 'n-plus-one', severity: 'warning', line: 4, column: 11, endLine: 4, endColumn: 35, message: finding.message });
});

test('--fail-on decides the exit code', () => {
  const dir = tempProject({ 'a.ts': nPlusOne });
  assert.equal(cli(['analyze', '.'], dir).code, 0, 'default fail-on is error; n-plus-one is a warning');
  assert.equal(cli(['analyze', '.', '--fail-on', 'warning'], dir).code, 1);
  assert.equal(cli(['analyze', '.', '--fail-on', 'never'], dir).code, 0);
});

test('a missing path exits 2 with the path in a one-line message', () => {
  const dir = tempProject({});
  const r = cli(['analyze', 'nope/missing.ts'], dir);
  assert.equal(r.code, 2);
  assert.match(r.err, /nope\/missing\.ts/);
  assert.equal(r.err.trim().split('\n').length, 1);
});

test('usage errors exit 2', () => {
  assert.equal(cli(['analyze', '--format', 'xml'], os.tmpdir()).code, 2);
  assert.equal(cli(['frobnicate'], os.tmpdir()).code, 2);
});

test('--time-budget stops a file early with a notice, and none analyses it completely', () => {
  const many = Array.from({ length: 400 }, (_, i) => `export function f${i}(xs: number[]) { let s = 0; for (const x of xs) for (const y of xs) s += x * y; return s; }`).join('\n');
  const dir = tempProject({ 'big.ts': many });
  const tight = cli(['analyze', 'big.ts', '--format', 'json', '--fail-on', 'never', '--time-budget', '0.001'], dir);
  assert.equal(tight.code, 0);
  assert.match(tight.err, /stopped early on this file/);
  assert.ok(JSON.parse(tight.out).files[0].functions.length < 400);
  const full = cli(['analyze', 'big.ts', '--format', 'json', '--fail-on', 'never', '--time-budget', 'none'], dir);
  assert.equal(full.err, '');
  assert.equal(JSON.parse(full.out).files[0].functions.length, 400);
  assert.equal(cli(['analyze', 'big.ts', '--time-budget', 'soon'], dir).code, 2);
  assert.equal(cli(['analyze', 'big.ts', '--time-budget', '0'], dir).code, 2);
});

test('folders are walked skipping node_modules and .gitignored files', () => {
  const dir = tempProject({
    '.gitignore': 'build/\n*.gen.ts\n',
    'src/a.ts': 'export const a = 1;',
    'src/b.gen.ts': 'export const b = 1;',
    'src/c.mjs': 'export const c = 1;',
    'src/readme.md': '#',
    'build/out.js': 'x',
    'node_modules/dep/index.js': 'x',
    'src/types.d.ts': 'declare const x: number;',
  });
  const files = collectFiles(['.'], dir).map((f) => path.relative(dir, f).split(path.sep).join('/'));
  assert.deepEqual(files, ['src/a.ts', 'src/c.mjs']);
});

test('text output reads like ESLint stylish', () => {
  const dir = tempProject({ 'a.ts': nPlusOne });
  const { out } = cli(['analyze', 'a.ts'], dir);
  assert.match(out, /^a\.ts\n {2}4:11 {2}warning {2}`db\.query` runs once per item/m);
  assert.match(out, /✖ 1 problem \(0 errors, 1 warning, 0 info\)/);
});
