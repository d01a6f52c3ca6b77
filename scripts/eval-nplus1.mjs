// `npm run eval:nplus1`: precision and recall of the n-plus-one rule on the labelled corpus in
// test/fixtures/nplus1 (lines ending in `// @expect n-plus-one` are N+1s; every other line is not).
// Runs the built CLI (`dist/cli/perflens.js analyze --format json`), the same engine as the editor.
// When ESLint is installed, prints the same figures for its `no-await-in-loop` rule on the same
// lines, for comparison. Exit code 0; pass `--strict` to exit 1 below the targets (P >= 95%, R >= 90%).
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(fileURLToPath(import.meta.url), '..', '..');
const corpus = join(root, 'test', 'fixtures', 'nplus1');
const cli = join(root, 'dist', 'cli', 'perflens.js');
const RULE = 'n-plus-one';
const strict = process.argv.includes('--strict');

if (!existsSync(cli)) {
  console.error(`eval-nplus1: ${relative(root, cli)} is missing; run \`node esbuild.mjs\` first`);
  process.exit(2);
}

function walk(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (/\.(ts|tsx|js|jsx|mjs|cjs)$/.test(name) && !name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const files = walk(corpus);
const labels = new Map(); // rel path -> Set<line>
const lineCounts = new Map();
for (const f of files) {
  const rel = relative(corpus, f).split(sep).join('/');
  const lines = readFileSync(f, 'utf8').split('\n');
  lineCounts.set(rel, lines.length);
  labels.set(rel, new Set(lines.flatMap((l, i) => (new RegExp(`//\\s*@expect\\b.*\\b${RULE}\\b`).test(l) ? [i + 1] : []))));
}

// PerfLens, through its CLI.
const started = Date.now();
const run = spawnSync(process.execPath, [cli, 'analyze', corpus, '--format', 'json', '--fail-on', 'never'], { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
if (run.status !== 0) {
  console.error(`eval-nplus1: the CLI failed (exit ${run.status}):\n${run.stderr}`);
  process.exit(2);
}
const elapsed = Date.now() - started;
const report = JSON.parse(run.stdout);
const found = new Map();
for (const file of report.files) {
  const rel = relative(corpus, join(root, file.path)).split(sep).join('/');
  found.set(rel, new Set(file.findings.filter((f) => f.rule === RULE).map((f) => f.line)));
}

function score(getFound) {
  const byFolder = new Map();
  const misses = [];
  const falseAlarms = [];
  for (const [rel, expected] of labels) {
    const folder = rel.includes('/') ? rel.split('/')[0] : '.';
    const got = getFound(rel) ?? new Set();
    const s = byFolder.get(folder) ?? { tp: 0, fp: 0, fn: 0 };
    for (const line of got) {
      if (expected.has(line)) s.tp++;
      else {
        s.fp++;
        falseAlarms.push(`${rel}:${line}`);
      }
    }
    for (const line of expected) {
      if (!got.has(line)) {
        s.fn++;
        misses.push(`${rel}:${line}`);
      }
    }
    byFolder.set(folder, s);
  }
  const total = [...byFolder.values()].reduce((a, s) => ({ tp: a.tp + s.tp, fp: a.fp + s.fp, fn: a.fn + s.fn }), { tp: 0, fp: 0, fn: 0 });
  return { byFolder, total, misses, falseAlarms };
}

const pct = (n, d) => (d === 0 ? '  n/a' : `${((100 * n) / d).toFixed(1).padStart(5)}%`);
const precision = (s) => pct(s.tp, s.tp + s.fp);
const recall = (s) => pct(s.tp, s.tp + s.fn);

const ours = score((rel) => found.get(rel));
const positives = [...labels.values()].reduce((n, s) => n + s.size, 0);
const totalLines = [...lineCounts.values()].reduce((a, b) => a + b, 0);

console.log(`n-plus-one on ${relative(root, corpus)}: ${files.length} files, ${totalLines} lines, ${positives} labelled N+1 lines (analysed in ${elapsed} ms)\n`);
console.log(`${'folder'.padEnd(17)}  TP  FP  FN  precision  recall`);
for (const [folder, s] of [...ours.byFolder].sort()) {
  console.log(`${folder.padEnd(17)} ${String(s.tp).padStart(3)} ${String(s.fp).padStart(3)} ${String(s.fn).padStart(3)}  ${precision(s)}     ${recall(s)}`);
}
const t = ours.total;
console.log(`${'total'.padEnd(17)} ${String(t.tp).padStart(3)} ${String(t.fp).padStart(3)} ${String(t.fn).padStart(3)}  ${precision(t)}     ${recall(t)}`);
if (ours.falseAlarms.length) console.log(`\nfalse positives: ${ours.falseAlarms.join(', ')}`);
if (ours.misses.length) console.log(`missed: ${ours.misses.join(', ')}`);

// ESLint's no-await-in-loop on the same files, for comparison (optional).
const require = createRequire(join(root, 'package.json'));
let eslintLine = '';
try {
  const { Linter } = require('eslint');
  let tsParser;
  try {
    tsParser = require('@typescript-eslint/parser');
  } catch {
    tsParser = undefined;
  }
  const linter = new Linter({ configType: 'flat' });
  const eslintFound = new Map();
  for (const f of files) {
    const rel = relative(corpus, f).split(sep).join('/');
    const isTs = /\.(ts|tsx|mts|cts)$/.test(f);
    if (isTs && !tsParser) continue;
    const config = [{
      files: ['**/*.ts', '**/*.tsx', '**/*.mts', '**/*.cts', '**/*.js', '**/*.jsx', '**/*.mjs', '**/*.cjs'],
      languageOptions: { ecmaVersion: 'latest', sourceType: 'module', ...(isTs ? { parser: tsParser } : {}), parserOptions: { ecmaFeatures: { jsx: true } } },
      rules: { 'no-await-in-loop': 'error' },
    }];
    const messages = linter.verify(readFileSync(f, 'utf8'), config, { filename: f });
    eslintFound.set(rel, new Set(messages.filter((m) => m.ruleId === 'no-await-in-loop').map((m) => m.line)));
  }
  const theirs = score((rel) => eslintFound.get(rel));
  const e = theirs.total;
  eslintLine = `ESLint no-await-in-loop on the same lines: TP ${e.tp}, FP ${e.fp}, FN ${e.fn}: precision ${precision(e).trim()}, recall ${recall(e).trim()}`;
} catch (err) {
  eslintLine = `(ESLint comparison skipped: ${err?.code === 'MODULE_NOT_FOUND' ? 'eslint is not installed' : err?.message ?? err})`;
}

const p = t.tp + t.fp === 0 ? 0 : t.tp / (t.tp + t.fp);
const r = t.tp + t.fn === 0 ? 0 : t.tp / (t.tp + t.fn);
console.log(`\nPerfLens n-plus-one: precision ${(100 * p).toFixed(1)}%, recall ${(100 * r).toFixed(1)}% (targets: precision >= 95%, recall >= 90%)`);
console.log(eslintLine);
if (strict && (p < 0.95 || r < 0.9)) process.exit(1);
