#!/usr/bin/env node
// Big-O accuracy of the PerfLens engine on the labelled corpus, measured THROUGH THE CLI.
//
//   npm run eval:bigo            (builds, then runs this script)
//   node scripts/eval-bigo.mjs [--corpus DIR] [--cli dist/cli/perflens.js] [--verbose] [--json out.json]
//
// For every case in <corpus>/labels.jsonl we run
//   node dist/cli/perflens.js analyze <files...> --format json --fail-on never
// and pick the labelled function: `Class.method` labels match the function's qualifiedName,
// plain names match qualifiedName or name (the outermost function of that name wins).
//
// Definitions (all comparisons use the cost algebra of server/src/analysis/cost, bundled on
// the fly, so the label and the engine are parsed by the same parser):
//   rank          the corpus's rank scale: 0 = 1, 1 = polylog, 2 = sqrt, 3 = n, 4 = n log n
//                 (and n^1.5), 5 = n^2 (x polylog), 6 = n^3, 7 = n^k (k >= 4), 8 = exponential,
//                 9 = factorial; every size variable read as one n. The label's rank is the
//                 corpus's `rank` field; the three cases whose `rank` is null (labels over
//                 constants such as D = 10) get rankOf(label) from the same algebra.
//   exact         single-variable labels: the engine's rank equals the label's rank.
//                 multi-variable labels: the ranks are equal AND the variables play the same
//                 roles: there is a one-to-one renaming of the engine's variables onto the
//                 label's variables under which the engine's cost and the label's cost are the
//                 same cost (same terms, same powers, same log factors; term order ignored).
//                 So O(m*n) vs label O(m*n) is exact, but O(n^2), O(m + n) or O(n*log m) for a
//                 label O(m*n) are not; nor is O(n) for O(m + n). The letters themselves do not
//                 matter (the engine's m may be the label's n). `max(m, n)` reads as m + n and
//                 `log min(m, n)` as log of its first argument. A cost identical to the label
//                 up to renaming is exact even where the corpus's `rank` field disagrees with the
//                 rank of the label's own formula (O(n*(log n + M)) is filed as rank 4).
//                 Within-one still uses the corpus's rank field.
//   within-one    |engine rank - label rank| <= 1.
// A case whose function is missing from the CLI output counts as a miss in every metric.
import { execFileSync } from 'node:child_process';
import { readFileSync, existsSync, writeFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const corpus = resolve(opt('--corpus', '/work/shared/corpora/bigo'));
const verbose = args.includes('--verbose');
const jsonOut = opt('--json', undefined);
const cli = resolve(opt('--cli', join(root, 'dist/cli/perflens.js')));
if (!existsSync(cli)) {
  console.error(`missing ${cli}: run \`node esbuild.mjs\` first`);
  process.exit(2);
}

// the canonical cost algebra, bundled from source
const bundle = await esbuild.build({ entryPoints: [join(root, 'server/src/analysis/cost/index.ts')], bundle: true, write: false, format: 'esm', platform: 'node', logLevel: 'silent' });
const cost = await import('data:text/javascript;base64,' + Buffer.from(bundle.outputFiles[0].text).toString('base64'));
const { parseCost, rankOf, renameVars, equals, variablesOf, formatCost } = cost;

const cases = readFileSync(join(corpus, 'labels.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

// ---- run the CLI (in chunks to keep the command line short)
const outputs = new Map();
const files = [...new Set(cases.map((c) => c.file))];
const started = Date.now();
for (let i = 0; i < files.length; i += 80) {
  const chunk = files.slice(i, i + 80);
  let stdout;
  try {
    stdout = execFileSync(process.execPath, [cli, 'analyze', ...chunk, '--format', 'json', '--fail-on', 'never'], { cwd: corpus, encoding: 'utf8', maxBuffer: 256 << 20 });
  } catch (e) {
    stdout = e.stdout ?? '';
    if (!stdout) {
      console.error(`CLI failed: ${e.message}`);
      process.exit(2);
    }
  }
  const json = JSON.parse(stdout);
  for (const f of json.files) outputs.set(f.path.split('\\').join('/'), f);
}
const cliMs = Date.now() - started;

function pickFunction(fileOut, fname) {
  if (!fileOut) return undefined;
  const fns = fileOut.functions;
  const byQ = fns.filter((f) => f.qualifiedName === fname);
  if (byQ.length) return byQ[0];
  const byName = fns.filter((f) => f.name === fname);
  if (!byName.length) return undefined;
  // the outermost (longest) one
  return byName.sort((a, b) => b.endLine - b.line - (a.endLine - a.line))[0];
}

function permutations(xs, k) {
  // injective maps from k engine variables into xs
  if (k === 0) return [[]];
  const out = [];
  for (let i = 0; i < xs.length; i++) for (const rest of permutations(xs.filter((_, j) => j !== i), k - 1)) out.push([xs[i], ...rest]);
  return out;
}

function sameRoles(engineCost, labelCost) {
  const ev = variablesOf(engineCost);
  const lv = variablesOf(labelCost);
  if (ev.length !== lv.length) return false;
  if (ev.length > 6) return false;
  for (const perm of permutations(lv, ev.length)) {
    const map = new Map(ev.map((v, i) => [v, perm[i]]));
    if (equals(renameVars(engineCost, (v) => map.get(v) ?? v), labelCost)) return true;
  }
  return false;
}

const results = [];
for (const c of cases) {
  const fileOut = outputs.get(c.file);
  const fn = pickFunction(fileOut, c.function);
  let labelCost;
  try {
    labelCost = parseCost(c.label);
  } catch {
    labelCost = parseCost(c.label_collapsed);
  }
  const labelRank = c.rank ?? rankOf(labelCost);
  if (!fn) {
    results.push({ c, fn: undefined, engine: '(missing)', engineRank: -1, labelRank, exact: false, within: false });
    continue;
  }
  let engineCost;
  try {
    engineCost = parseCost(fn.complexity);
  } catch {
    results.push({ c, fn, engine: fn.complexity + ' (unparseable)', engineRank: -1, labelRank, exact: false, within: false });
    continue;
  }
  const engineRank = rankOf(engineCost);
  let exact = engineRank === labelRank;
  if (c.multivar) {
    const roles = sameRoles(engineCost, labelCost);
    // identical to the label up to renaming: exact even where the corpus's rank field
    // disagrees with the rank of the label's own formula
    exact = roles;
  }
  results.push({ c, fn, engine: fn.complexity, engineRank, labelRank, exact, within: engineRank >= 0 && Math.abs(engineRank - labelRank) <= 1 });
}

// ---- report
const pct = (a, b) => (b ? ((100 * a) / b).toFixed(1) + '%' : '-');
const total = results.length;
const exact = results.filter((r) => r.exact).length;
const within = results.filter((r) => r.within).length;
const classes = new Map();
for (const r of results) {
  const k = r.c.label_class;
  const e = classes.get(k) ?? { n: 0, exact: 0, within: 0 };
  e.n++;
  if (r.exact) e.exact++;
  if (r.within) e.within++;
  classes.set(k, e);
}
const order = ['constant', 'log', 'polylog', 'sqrt', 'linear', 'linearithmic', 'quadratic', 'quadratic_log', 'cubic', 'polynomial', 'exponential', 'factorial', 'multivar'];
console.log(`PerfLens Big-O evaluation: ${total} cases from ${corpus} (CLI ${cliMs} ms)\n`);
console.log('class            cases   exact            within one rank');
for (const k of [...order, ...[...classes.keys()].filter((x) => !order.includes(x))]) {
  const e = classes.get(k);
  if (!e) continue;
  console.log(`${k.padEnd(16)} ${String(e.n).padStart(5)}   ${String(e.exact).padStart(3)} ${pct(e.exact, e.n).padStart(7)}      ${String(e.within).padStart(3)} ${pct(e.within, e.n).padStart(7)}`);
}
console.log(`${'TOTAL'.padEnd(16)} ${String(total).padStart(5)}   ${String(exact).padStart(3)} ${pct(exact, total).padStart(7)}      ${String(within).padStart(3)} ${pct(within, total).padStart(7)}`);
const misses = results.filter((r) => !r.exact);
console.log(`\nmisses (${misses.length}):`);
for (const r of misses) {
  const vars = r.fn && Object.keys(r.fn.variables).length ? ' ' + JSON.stringify(r.fn.variables) : '';
  console.log(`  ${r.within ? ' ' : '!'} ${r.c.id.padEnd(22)} ${r.c.function.padEnd(28)} label ${r.c.label.padEnd(22)} engine ${r.engine}${r.fn?.confidence === 'low' ? '?' : ''}${vars}`);
  if (verbose && r.fn) for (const e of r.fn.evidence) console.log(`        line ${e.line}: ${e.factor} — ${e.reason}`);
}
console.log(`\nexact: ${exact}/${total} = ${pct(exact, total)}   within one rank: ${within}/${total} = ${pct(within, total)}`);
if (jsonOut) writeFileSync(jsonOut, JSON.stringify(results.map((r) => ({ id: r.c.id, function: r.c.function, label: r.c.label, engine: r.engine, exact: r.exact, within: r.within })), null, 2));
void formatCost;
