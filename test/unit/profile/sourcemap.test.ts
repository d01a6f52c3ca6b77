// Source maps: profiles of compiled (tsc) and bundled+minified (esbuild) TypeScript land on the .ts
// lines. Ground truth (test/fixtures/profiles/sourcemaps/ts-node20/src, copied from ../shared):
// shapes.ts: distance starts on line 7, closestPair on line 13; its hot lines are the inlined
// distance body (line 10, Math.sqrt) and the inner loop (line 16). main.ts: randomPoints line 4, run line 16.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  applyPathMappings,
  createMappedScript,
  decodeDataUrl,
  findSourceMappingUrl,
  mappableUrls,
  originalPosition,
  parseCallTree,
  pathMappingsFrom,
  profileFromTree,
  remapCallTree,
  runJobSync,
  sourceMapJob,
  type IoReply,
  type IoRequest,
  type Profile,
} from '../../../client/src/profile/index';
import { loadProfileFromDisk } from '../../../server/src/cliProfile';
import { deepFreeze, localFixture, readText, sharedFixture } from './fixtures';

const ROOT = localFixture('sourcemaps/ts-node20');
const shapesTs = readText(path.join(ROOT, 'src/shapes.ts')).split('\n');
const mainTs = readText(path.join(ROOT, 'src/main.ts')).split('\n');

/** Self time per 1-based line of a source file whose path ends with `suffix`. */
function heat(p: Profile, suffix: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const f of p.files.values()) {
    if (!f.url.endsWith(suffix)) continue;
    for (const l of f.lines) out.set(l.line + 1, (out.get(l.line + 1) ?? 0) + l.selfMs);
  }
  return out;
}
const fn = (p: Profile, name: string) => p.functions.find((f) => f.functionName === name && f.kind === 'js');
const hottest = (m: Map<number, number>) => [...m].sort((a, b) => b[1] - a[1]).map(([line]) => line);

describe('source maps: tsc output (one .js per .ts, sibling .map files)', () => {
  const { profile: p } = loadProfileFromDisk(path.join(ROOT, 'prof/tsc-output.cpuprofile'), ROOT);

  test('functions land on their .ts declarations', () => {
    const cp = fn(p, 'closestPair')!;
    assert.ok(cp.url.endsWith('/src/shapes.ts'), cp.url);
    assert.equal(cp.line + 1, 13);
    assert.match(shapesTs[cp.line], /export function closestPair/);
    assert.equal(fn(p, 'randomPoints')!.line + 1, 4);
    assert.equal(fn(p, 'run')!.line + 1, 16);
    assert.ok(p.sourceMapped.length >= 2, JSON.stringify(p.sourceMapped));
  });

  test('per-line heat lands on the .ts lines: Math.sqrt (line 10) and the inner loop (line 16) are hottest', () => {
    const h = heat(p, '/src/shapes.ts');
    const [first, second] = hottest(h);
    assert.deepEqual([first, second].sort((a, b) => a - b), [10, 16], JSON.stringify([...h]));
    assert.match(shapesTs[9], /Math\.sqrt/);
    assert.match(shapesTs[15], /for \(let j = i \+ 1/);
    // Indented lines map (a column-0 lookup would find nothing on them): dx/dy lines 8 and 9 have heat.
    assert.ok((h.get(8) ?? 0) > 0 && (h.get(9) ?? 0) > 0, JSON.stringify([...h]));
    // Nothing on type-only lines (interface Point, lines 2-5) or comment line 1.
    for (const l of [1, 2, 3, 4, 5]) assert.equal(h.get(l) ?? 0, 0, `line ${l}`);
    // The generated file keeps no heat of its own.
    assert.equal(heat(p, '/dist-tsc/shapes.js').size, 0);
  });

  test('main.ts: randomPoints body lines (8, 10, 11) have heat', () => {
    const h = heat(p, '/src/main.ts');
    for (const l of [8, 10, 11]) assert.ok((h.get(l) ?? 0) > 0, `line ${l}: ${JSON.stringify([...h])}`);
    assert.match(mainTs[9], /s = \(s \* 1103515245/);
  });

  test('the same time is kept: mapping only moves it', () => {
    const raw = profileFromTree(parseCallTree(readText(path.join(ROOT, 'prof/tsc-output.cpuprofile'))));
    assert.ok(Math.abs(raw.durationMs - p.durationMs) < 1e-6);
    const total = (q: Profile) => [...q.files.values()].reduce((s, f) => s + f.selfMs, 0);
    assert.ok(Math.abs(total(raw) - total(p)) < 1e-6, `${total(raw)} vs ${total(p)}`);
  });
});

describe('source maps: esbuild --bundle --minify (the whole program on line 1)', () => {
  const { profile: p } = loadProfileFromDisk(path.join(ROOT, 'prof/esbuild-minified.cpuprofile'), ROOT);

  test('minified names and positions are restored from the callFrame columns', () => {
    const cp = fn(p, 'closestPair');
    assert.ok(cp, `functions: ${p.functions.filter((f) => f.kind === 'js' && f.selfMs > 0).map((f) => f.functionName).join(', ')}`);
    assert.ok(cp.url.endsWith('/src/shapes.ts'));
    assert.equal(cp.line + 1, 13);
    assert.equal(fn(p, 'randomPoints')!.line + 1, 4);
    assert.ok(fn(p, 'randomPoints')!.url.endsWith('/src/main.ts'));
    assert.equal(fn(p, 'run')!.line + 1, 16);
    assert.equal(p.functions.find((f) => f.functionName === 'i'), undefined, 'the minified name is gone');
  });

  test('function-level heat: each function\'s line-1 ticks go to its own .ts declaration line', () => {
    const shapes = heat(p, '/src/shapes.ts');
    assert.equal(hottest(shapes)[0], 13);
    const main = heat(p, '/src/main.ts');
    assert.ok((main.get(4) ?? 0) > 0, JSON.stringify([...main]));
    // Only the bundle's own top level (module code, and builtins it called) stays on the generated line.
    const left = heat(p, '/dist-esbuild/main.min.js').get(1) ?? 0;
    assert.ok(p.functions.some((f) => f.url.endsWith('/dist-esbuild/main.min.js') && f.functionName === ''), 'the top level stays generated');
    assert.ok(left < 0.01 * p.durationMs, `${left} ms left on main.min.js:1`);
  });
});

describe('source maps: pure helpers', () => {
  test('sourceMappingURL comments: line and block forms, the last one wins, none', () => {
    assert.equal(findSourceMappingUrl('x\n//# sourceMappingURL=a.js.map\n'), 'a.js.map');
    assert.equal(findSourceMappingUrl('x\n//@ sourceMappingURL=old.map'), 'old.map');
    assert.equal(findSourceMappingUrl('x\n/*# sourceMappingURL=b.css.map */'), 'b.css.map');
    assert.equal(findSourceMappingUrl('//# sourceMappingURL=first.map\ny\n//# sourceMappingURL=second.map'), 'second.map');
    assert.equal(findSourceMappingUrl('const s = "sourceMappingURL=nope";'), undefined);
    assert.equal(findSourceMappingUrl('plain'), undefined);
  });

  test('data URLs: base64 (with charset) and percent-encoded', () => {
    const json = '{"version":3,"sources":["é.ts"],"mappings":""}';
    const b64 = Buffer.from(json, 'utf8').toString('base64');
    assert.equal(decodeDataUrl(`data:application/json;charset=utf-8;base64,${b64}`), json);
    assert.equal(decodeDataUrl(`data:application/json,${encodeURIComponent(json)}`), json);
    assert.equal(decodeDataUrl('file:///x.map'), undefined);
  });

  test('an inline source map gives the same result as the sibling .map file', () => {
    const dir = path.join(ROOT, 'dist-tsc');
    const js = readText(path.join(dir, 'shapes.js')).replace(/\/\/# sourceMappingURL=.*$/m, '');
    const map = readText(path.join(dir, 'shapes.js.map'));
    const inline = `${js}//# sourceMappingURL=data:application/json;base64,${Buffer.from(map).toString('base64')}\n`;
    const scriptUrl = pathToFileURL(path.join(dir, 'shapes.js')).href;
    const tree = parseCallTree(readText(path.join(ROOT, 'prof/tsc-output.cpuprofile')));
    const handle = (r: IoRequest): IoReply => {
      if (r.op === 'script') return r.profileUrl.endsWith('/dist-tsc/shapes.js') ? { url: scriptUrl, text: inline } : undefined;
      return undefined; // no file reads at all
    };
    const maps = runJobSync(sourceMapJob(mappableUrls(tree)), handle);
    assert.equal(maps.scripts.size, 1);
    const p = profileFromTree(remapCallTree(tree, maps.scripts));
    const cp = fn(p, 'closestPair')!;
    assert.equal(cp.url, pathToFileURL(path.join(ROOT, 'src/shapes.ts')).href);
    assert.deepEqual(hottest(heat(p, '/src/shapes.ts')).slice(0, 2).sort((a, b) => a - b), [10, 16]);
  });

  test('a map in another folder (relative sourceMappingURL) and a broken map are handled', () => {
    const js = 'function f() {\n  return 1;\n}\n//# sourceMappingURL=../maps/f.js.map\n';
    const mapUrl = 'file:///proj/maps/f.js.map';
    const handle = (r: IoRequest): IoReply => {
      if (r.op === 'script') return { url: r.profileUrl === 'file:///rec/out/broken.js' ? 'file:///proj/out/broken.js' : 'file:///proj/out/f.js', text: r.profileUrl.endsWith('broken.js') ? 'x\n//# sourceMappingURL=broken.map' : js };
      if (r.op === 'readUrl' && r.url === mapUrl) return JSON.stringify({ version: 3, sources: ['../src/f.ts'], names: [], mappings: 'AAAA;EACE;AACF' });
      if (r.op === 'readUrl' && r.url === 'file:///proj/out/broken.map') return '{not json';
      return undefined;
    };
    const res = runJobSync(sourceMapJob(['file:///rec/out/f.js', 'file:///rec/out/broken.js']), handle);
    assert.equal(res.scripts.size, 1);
    const s = res.scripts.get('file:///rec/out/f.js')!;
    assert.equal(s.mapUrl, mapUrl);
    assert.deepEqual(originalPosition(s, 1, -1), { url: 'file:///proj/src/f.ts', line0: 1, column0: 2, name: null });
    assert.equal(res.problems.length, 1);
    assert.match(res.problems[0], /broken\.js: the source map is not valid JSON/);
  });

  test('indented generated lines: the first code column is looked up (column 0 has no mapping)', () => {
    const s = createMappedScript('x', 'function f() {\n    return 1;\n}\n', JSON.stringify({ version: 3, sources: ['f.ts'], names: [], mappings: 'AAAA;IACI;AACJ' }), 'file:///p/f.js.map');
    assert.equal(s.firstCodeColumn(1), 4);
    assert.equal(originalPosition(s, 1, -1)?.line0, 1);
    assert.equal(originalPosition(s, 7, -1), undefined, 'a line without mappings maps nowhere');
  });

  test('sectioned (index) source maps are read', () => {
    const sectioned = JSON.stringify({
      version: 3,
      sections: [
        { offset: { line: 0, column: 0 }, map: { version: 3, sources: ['a.ts'], names: [], mappings: 'AAAA' } },
        { offset: { line: 1, column: 0 }, map: { version: 3, sources: ['b.ts'], names: [], mappings: 'AAEA' } },
      ],
    });
    const s = createMappedScript('x', 'a()\nb()\n', sectioned, 'file:///p/bundle.js.map');
    assert.equal(originalPosition(s, 0, 0)?.url, 'file:///p/a.ts');
    assert.deepEqual([originalPosition(s, 1, 0)?.url, originalPosition(s, 1, 0)?.line0], ['file:///p/b.ts', 2]);
  });

  test('remapping never mutates the tree it is given', () => {
    const ROOTURL = pathToFileURL(ROOT).href;
    const tree = deepFreeze(parseCallTree(readText(path.join(ROOT, 'prof/tsc-output.cpuprofile'))));
    const copy = JSON.stringify(tree);
    const handle = (r: IoRequest): IoReply => {
      if (r.op === 'script') {
        const rel = r.profileUrl.replace('file:///srv/gen/tsmap/', '');
        const p = path.join(ROOT, rel);
        return fs.existsSync(p) ? { url: `${ROOTURL}/${rel}`, text: readText(p) } : undefined;
      }
      if (r.op === 'readUrl') {
        const p = new URL(r.url).pathname;
        return fs.existsSync(p) ? readText(p) : undefined;
      }
      return undefined;
    };
    const maps = runJobSync(sourceMapJob(mappableUrls(tree)), handle);
    assert.equal(maps.scripts.size, 2);
    const remapped = remapCallTree(tree, maps.scripts);
    assert.notEqual(remapped, tree);
    assert.equal(JSON.stringify(tree), copy);
  });
});

describe('VS Code js-debug annotated profiles: the $vscode locations are used', () => {
  test('positions come from $vscode.locations (1-based there) and keep the ground truth of the raw callFrames', () => {
    const p = profileFromTree(parseCallTree(readText(sharedFixture('cpuprofile/vscode-js-debug-annotated-d93db23d.cpuprofile'))));
    const busy = fn(p, 'doBusyWork')!;
    assert.equal(busy.url, 'c:\\Users\\Connor\\Documents\\Github\\vscode-js-debug\\demos\\node\\main.js');
    assert.equal(busy.line, 3, 'callFrame.lineNumber 3 (0-based) = $vscode lineNumber 4 (1-based)');
    const lines = [...(p.files.get(busy.url)?.lines ?? [])].map((l) => [l.line + 1, Math.round(l.samples)]);
    assert.ok(lines.some(([l, n]) => l === 9 && n >= 17), JSON.stringify(lines));
    assert.ok(p.notes.some((n) => /\$vscode/.test(n)));
    // Node internals (sourceReference ≠ 0) keep their raw URLs.
    assert.ok(p.functions.some((f) => f.url === 'internal/timers.js'));
  });
});

describe('path mappings (perflens.profile.pathMappings)', () => {
  const m = pathMappingsFrom({ '/srv/gen/app': '/home/me/app', 'C:\\build': '/work/win', 'http://localhost:3000/': '/work/web', bad: 3 });
  test('settings object → mappings (non-strings skipped)', () => {
    assert.equal(m.length, 3);
    assert.deepEqual(pathMappingsFrom({ '/a': '${workspaceFolder}/b' }, (v) => v.replace('${workspaceFolder}', '/ws')), [{ from: '/a', to: '/ws/b' }]);
    assert.deepEqual(pathMappingsFrom(['x']), []);
  });
  test('file URLs, plain paths, Windows paths (any case) and web prefixes', () => {
    assert.equal(applyPathMappings('file:///srv/gen/app/workload.js', m), '/home/me/app/workload.js');
    assert.equal(applyPathMappings('/srv/gen/app/lib/x.js', m), '/home/me/app/lib/x.js');
    assert.equal(applyPathMappings('/srv/gen/application/x.js', m), undefined, 'whole segments only');
    assert.equal(applyPathMappings('file:///c:/BUILD/src/a.js', m), '/work/win/src/a.js');
    assert.equal(applyPathMappings('http://localhost:3000/static/app.js?v=2', m), '/work/web/static/app.js');
    assert.equal(applyPathMappings('node:internal/timers', m), undefined);
    const longest = pathMappingsFrom({ '/srv': '/a', '/srv/gen': '/b' });
    assert.equal(applyPathMappings('/srv/gen/x.js', longest), '/b/x.js');
  });
});
