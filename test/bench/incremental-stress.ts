// `npm run stress:incremental [-- files...] [--seeds N] [--edits N]`: the language server's
// incremental analysis (a SyntaxDocument whose edits are spliced, a SummaryCache kept across
// them) against a fresh analysis of the same text, after each of many random edits that change
// costs: a loop over a function's first parameter added at the start of its body or removed
// again, a call's name broken or shortened, a statement half typed at the start of a body (it
// stops parsing) or removed again, a parameter added to a header or removed again, a space
// inserted. Summaries and findings must be
// identical (JSON). Prints the edits where they are not and exits 1 if there is one. With
// `--kept`, edits are left unanalysed as the language server leaves them while a parse error
// reaches past the edited function (server/src/keptAnalysis.ts).
// Not part of `npm test`: it analyses every file afresh after every edit (about 30 s for the
// default files, 3 seeds × 40 edits each). A known difference remains, in naming only (seed 1 of
// `-- node_modules/eslint/lib/rules/no-restricted-properties.js --seeds 1 --edits 40`, edit 31;
// add `--show` to see it): the letters k and p of two sizes are swapped (the same cost). Fixed
// differences: test/unit/complexity/closure-env.test.ts, incremental-cycles.test.ts,
// incremental-unresolved.test.ts and incremental-context.test.ts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ts } from 'ts-morph';
import { SyntaxDocument, scriptKindFor } from '../../server/src/analysis/project/document';
import { analyzeFile, countParseErrors } from '../../server/src/engine';
import { defaultSettings, type FileAnalysis } from '../../server/src/analysis/types';
import { SummaryCache } from '../../server/src/analysis/complexity';
import { seededRandom } from './edits';

const root = (() => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'esbuild.mjs'))) dir = path.dirname(dir);
  return dir;
})();

const DEFAULT_FILES = [
  'node_modules/azure-devops-node-api/GitApi.js',
  'node_modules/acorn/dist/acorn.js',
  'node_modules/eslint/lib/linter/apply-disable-directives.js',
  'server/src/analysis/cost/index.ts',
];

const settings = { ...defaultSettings, timeBudgetMs: Infinity };
const LOOP_START = 'for (const _z of ';
const EXTRA_PARAM = ', _p';
/** Statements left half-typed at the start of a body (the body stops parsing until the edit is undone). */
const BREAKERS = ['_w = ', '_w.', '_w(', '_w + '];
const plain = (r: FileAnalysis) => JSON.stringify({ summaries: r.summaries, findings: r.findings.map((f) => ({ ...f, resolveFixes: undefined })) });

/** The first character inside each block body, with the function's first parameter when it is a plain name, and the end of its parameter list. */
function bodiesWithParams(sf: ts.SourceFile): Array<{ at: number; param: string; paramsEnd: number }> {
  const out: Array<{ at: number; param: string; paramsEnd: number }> = [];
  const visit = (n: ts.Node): void => {
    if ((ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n) || ts.isFunctionExpression(n) || ts.isArrowFunction(n)) && n.body && ts.isBlock(n.body) && n.parameters.length && ts.isIdentifier(n.parameters[0].name)) {
      out.push({ at: n.body.getStart(sf) + 1, param: n.parameters[0].name.text, paramsEnd: n.parameters.end });
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

interface Edit {
  kind: string;
  at: number;
  insert: string;
  remove: number;
}

function randomEdit(text: string, sf: ts.SourceFile, rand: () => number): Edit | undefined {
  const r = rand();
  if (r < 0.3) {
    const bodies = bodiesWithParams(sf);
    if (!bodies.length) return undefined;
    const b = bodies[Math.floor(rand() * bodies.length)];
    return { kind: 'add loop', at: b.at, insert: `${LOOP_START}${b.param}) { }`, remove: 0 };
  }
  if (r < 0.5) {
    let at = text.indexOf(LOOP_START, Math.floor(rand() * text.length));
    if (at < 0) at = text.indexOf(LOOP_START);
    if (at < 0) return undefined;
    return { kind: 'remove loop', at, insert: '', remove: text.indexOf('{ }', at) + 3 - at };
  }
  if (r < 0.7) {
    const paren = text.indexOf('(', Math.floor(rand() * text.length));
    if (paren < 1 || !/[A-Za-z]/.test(text[paren - 1])) return undefined;
    return rand() < 0.5 ? { kind: 'rename call', at: paren - 1, insert: 'Q', remove: 0 } : { kind: 'shorten call', at: paren - 1, insert: '', remove: 1 };
  }
  if (r < 0.8) {
    // a statement half typed at the start of a body, or one typed before removed again: the
    // body does not parse (the incremental parser takes the edit, or its error recovery spills
    // out of the body)
    const at = text.indexOf('_w', Math.floor(rand() * text.length));
    const typed = at >= 0 ? BREAKERS.find((b) => text.startsWith(b, at)) : undefined;
    if (typed && rand() < 0.5) return { kind: 'finish statement', at, insert: '', remove: typed.length };
    const bodies = bodiesWithParams(sf);
    if (!bodies.length) return undefined;
    return { kind: 'half statement', at: bodies[Math.floor(rand() * bodies.length)].at, insert: BREAKERS[Math.floor(rand() * BREAKERS.length)], remove: 0 };
  }
  if (r < 0.88) {
    // a parameter added to a header (or the one added before removed): a member's header is re-parsed alone
    let at = text.indexOf(EXTRA_PARAM, Math.floor(rand() * text.length));
    if (at >= 0 && rand() < 0.5) return { kind: 'remove param', at, insert: '', remove: EXTRA_PARAM.length };
    const bodies = bodiesWithParams(sf);
    if (!bodies.length) return undefined;
    at = bodies[Math.floor(rand() * bodies.length)].paramsEnd;
    return { kind: 'add param', at, insert: EXTRA_PARAM, remove: 0 };
  }
  const at = text.indexOf('  ', Math.floor(rand() * text.length));
  return at < 0 ? undefined : { kind: 'space', at, insert: ' ', remove: 0 };
}

/** `--show`: the first function (or finding) whose incremental result differs, both ways. */
let show = false;
/** --kept (see stress) and the edits it left unanalysed. */
let keptOption = false;
let kept = 0;
function showDifference(got: string, want: string): void {
  const g = JSON.parse(got) as { summaries: Array<{ qualifiedName: string }>; findings: unknown[] };
  const w = JSON.parse(want) as typeof g;
  for (let k = 0; k < Math.max(g.summaries.length, w.summaries.length); k++) {
    const a = JSON.stringify(g.summaries[k]);
    const b = JSON.stringify(w.summaries[k]);
    if (a !== b) {
      let at = 0;
      while (at < Math.min(a.length, b.length) && a[at] === b[at]) at++;
      const from = Math.max(0, at - 200);
      console.log(`    ${g.summaries[k]?.qualifiedName ?? w.summaries[k]?.qualifiedName}, from character ${at}:\n    incremental: …${a.slice(from, at + 300)}\n    fresh:       …${b.slice(from, at + 300)}`);
      return;
    }
  }
  console.log(`    findings differ:\n    incremental: ${JSON.stringify(g.findings)}\n    fresh:       ${JSON.stringify(w.findings)}`);
}

function stress(file: string, seed: number, edits: number): { differences: number; spliced: number; traced: number; made: number } {
  let text = fs.readFileSync(file, 'utf8');
  const kind = scriptKindFor(file);
  const cache = new SummaryCache();
  const doc = new SyntaxDocument(file, text);
  const incremental = () => plain(analyzeFile({ fileName: file, sourceFile: doc.sourceFile, settings, complexity: { cache, fileName: file }, lazyFixes: true }));
  incremental();
  const rand = seededRandom(seed);
  let differences = 0;
  let made = 0;
  // --kept: as the language server, an edit whose parse errors reach past its function is not
  // analysed, nor is any such edit after it while the file has more parse errors than at the
  // last analysis (see server/src/keptAnalysis.ts); the analysis after that must still equal a
  // fresh one.
  let baseErrors = countParseErrors(doc.sourceFile);
  for (let i = 0; i < edits; i++) {
    const edit = randomEdit(text, doc.sourceFile, rand);
    if (!edit) continue;
    made++;
    text = text.slice(0, edit.at) + edit.insert + text.slice(edit.at + edit.remove);
    const localBefore = doc.spliced + doc.traced;
    doc.update(text);
    if (keptOption) {
      const errors = countParseErrors(doc.sourceFile);
      if (errors > baseErrors && doc.spliced + doc.traced === localBefore) {
        kept++;
        continue;
      }
      baseErrors = errors;
    }
    const got = incremental();
    const want = plain(analyzeFile({ fileName: file, sourceFile: ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, kind), settings, lazyFixes: true }));
    if (got !== want) {
      differences++;
      const line = text.slice(0, edit.at).split('\n').length;
      console.log(`  differs after edit ${i} (${edit.kind}, line ${line}): ${JSON.stringify(text.slice(Math.max(0, edit.at - 30), edit.at + 30))}`);
      if (show) showDifference(got, want);
    }
  }
  return { differences, spliced: doc.spliced, traced: doc.traced, made };
}

function main(): void {
  const args = process.argv.slice(2);
  const option = (name: string, fallback: number): number => {
    const i = args.indexOf(name);
    if (i < 0) return fallback;
    const n = Number(args[i + 1]);
    args.splice(i, 2);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${name} needs a positive integer`);
    return n;
  };
  const keptAt = args.indexOf('--kept');
  if (keptAt >= 0) {
    keptOption = true;
    args.splice(keptAt, 1);
  }
  const showAt = args.indexOf('--show');
  if (showAt >= 0) {
    show = true;
    args.splice(showAt, 1);
  }
  const seeds = option('--seeds', 3);
  const edits = option('--edits', 40);
  const files = (args.length ? args : DEFAULT_FILES).map((f) => path.resolve(args.length ? process.cwd() : root, f));
  let total = 0;
  for (const file of files) {
    if (!fs.existsSync(file)) throw new Error(`no such file: ${file}`);
    for (let seed = 1; seed <= seeds; seed++) {
      const t = performance.now();
      const r = stress(file, seed, edits);
      total += r.differences;
      console.log(`${path.relative(root, file)} seed ${seed}: ${r.made} edits (${r.spliced} spliced, ${r.traced} traced), ${r.differences} differ from a fresh analysis (${((performance.now() - t) / 1000).toFixed(1)} s)`);
    }
  }
  if (keptOption) console.log(`${kept} edit(s) not analysed (--kept)`);
  console.log(total ? `${total} edit(s) where the incremental analysis differs from a fresh one` : 'the incremental analysis equals a fresh one after every edit');
  process.exitCode = total ? 1 : 0;
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 2;
}
