// Builds every bundle PerfLens ships or tests:
//   dist/client/extension.js   VS Code extension host (cjs, `vscode` external)
//   dist/client/profileWorker.js  parses large profiles off the extension host thread
//   dist/server/main.js        language server over stdio (cjs, ts-morph bundled)
//   dist/cli/perflens.js       the `perflens` command (same engine as the server)
//   dist/media/profileEditor.js  webview code for the .cpuprofile editor (browser iife)
//   dist/test/**               unit, LSP and VS Code suites (dependencies left external)
// Flags: --production (minify, no test bundles), --watch.
import * as esbuild from 'esbuild';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

function findTests(dir, pattern) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p, pattern));
    else if (pattern.test(name)) out.push(p);
  }
  return out;
}

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  target: 'node20',
};

const builds = [
  { ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client/extension.js', platform: 'node', format: 'cjs', external: ['vscode'] },
  { ...common, entryPoints: ['client/src/editor/profileWorker.ts'], outfile: 'dist/client/profileWorker.js', platform: 'node', format: 'cjs' },
  { ...common, entryPoints: ['server/src/main.ts'], outfile: 'dist/server/main.js', platform: 'node', format: 'cjs' },
  { ...common, entryPoints: ['server/src/cli.ts'], outfile: 'dist/cli/perflens.js', platform: 'node', format: 'cjs', banner: { js: '#!/usr/bin/env node' } },
  { ...common, entryPoints: ['media/src/profileEditor.ts'], outfile: 'dist/media/profileEditor.js', platform: 'browser', format: 'iife', target: 'es2022' },
];

if (!production) {
  const tests = [
    ...findTests('test/unit', /\.test\.ts$/),
    ...findTests('test/lsp', /\.test\.ts$/),
    ...findTests('test/vscode/suite', /\.ts$/),
    ...findTests('test/bench', /\.ts$/),
  ];
  if (tests.length) {
    builds.push({
      ...common,
      entryPoints: tests,
      outdir: 'dist/test',
      outbase: 'test',
      platform: 'node',
      format: 'cjs',
      packages: 'external',
      external: ['vscode'],
    });
  }
}

const started = Date.now();
if (watch) {
  for (const b of builds) (await esbuild.context(b)).watch();
  console.log('[esbuild] watching');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  console.log(`[esbuild] ${builds.length} bundles in ${Date.now() - started} ms${production ? ' (production)' : ''}`);
}
void relative;
