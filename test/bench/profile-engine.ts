// Developer aid (not a test): node dist/test/bench/profile-engine.js <file> [--checker]
// Times parse and each engine stage on one file; run under `node --cpu-prof` to see hot spots.
import * as fs from 'node:fs';
import { parse } from '../../server/src/analysis/project/document';
import { analyzeFunctions } from '../../server/src/analysis/complexity';
import { analyzeFile } from '../../server/src/engine';
import { defaultSettings } from '../../server/src/analysis/types';
import { rules } from '../../server/src/rules';
import { ProjectHost } from '../../server/src/analysis/project/projectHost';

const file = process.argv[2];
const text = fs.readFileSync(file, 'utf8');
const withChecker = process.argv.includes('--checker');
let t = Date.now();
const sf = parse(file, text);
console.log(`parse ${Date.now() - t} ms (${text.length} chars)`);
t = Date.now();
const summaries = analyzeFunctions(sf, {});
console.log(`complexity ${Date.now() - t} ms (${summaries.length} functions)`);
const host = new ProjectHost({ roots: [] });
for (const rule of rules) {
  t = Date.now();
  const n = rule.check({ fileName: file, sourceFile: sf, text, summaries, settings: { ...defaultSettings, timeBudgetMs: 1e9 }, getChecker: () => (withChecker ? host.checkerForTree(file, sf) : undefined) }).length;
  console.log(`rule ${rule.id} ${Date.now() - t} ms (${n} findings)`);
}
t = Date.now();
analyzeFile({ fileName: file, sourceFile: sf, settings: { ...defaultSettings, timeBudgetMs: 1e9 } });
console.log(`analyzeFile total ${Date.now() - t} ms`);
