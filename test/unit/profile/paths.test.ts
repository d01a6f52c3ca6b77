import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bestSuffixMatch, classifyProfileUrl, parseProfile } from '../../../client/src/profile/index';
import { localFixture, readText, sharedFixture } from './fixtures';

describe('profile URLs → workspace lookups', () => {
  test('Windows drive-letter file URLs from a real profile (firefox-profiler hello.cjs, recorded on Windows)', () => {
    const p = parseProfile(readText(localFixture('firefox-profiler-hello.cjs-20231120T211435.cpuprofile')));
    const urls = [...new Set(p.functions.filter((f) => f.kind === 'js').map((f) => f.url))];
    const user = urls.filter((u) => u.startsWith('file:'));
    assert.deepEqual(user, ['file:///C:/Temp/hello.cjs']);
    const loc = classifyProfileUrl(user[0]);
    assert.deepEqual(loc, { kind: 'absolute', path: 'c:/Temp/hello.cjs', windows: true, segments: ['Temp', 'hello.cjs'] });
    // Every other script of that profile is a Node internal.
    for (const u of urls.filter((x) => !x.startsWith('file:'))) assert.equal(classifyProfileUrl(u).kind, 'internal', u);
    // hello.cjs only calls console.log: the native consoleCall's 2 samples land on its top-level code (line 0).
    assert.deepEqual(p.files.get(user[0])?.lines.map((l) => [l.line, Math.round(l.samples)]), [[0, 2]]);
  });

  test('lower-case drive letters (js-debug) and raw Windows paths normalise the same way', () => {
    assert.deepEqual(classifyProfileUrl('file:///c:/Users/Connor/main.js'), { kind: 'absolute', path: 'c:/Users/Connor/main.js', windows: true, segments: ['Users', 'Connor', 'main.js'] });
    assert.deepEqual(classifyProfileUrl('C:\\Users\\Connor\\main.js'), classifyProfileUrl('file:///C:/Users/Connor/main.js'));
    assert.deepEqual(classifyProfileUrl('file:///C:/My%20Files/a%2Bb.js'), { kind: 'absolute', path: 'c:/My Files/a+b.js', windows: true, segments: ['My Files', 'a+b.js'] });
  });

  test('plain absolute paths (sucrase, Node 8 era) and old bare internal names', () => {
    const p = parseProfile(readText(sharedFixture('cpuprofile/speedscope-chrome65-devtools-sucrase.cpuprofile')));
    const urls = new Set(p.functions.map((f) => f.url));
    const abs = '/Users/alanpierce/code/sucrase/build/src/index.js';
    assert.ok(urls.has(abs));
    assert.deepEqual(classifyProfileUrl(abs), { kind: 'absolute', path: abs, windows: false, segments: ['Users', 'alanpierce', 'code', 'sucrase', 'build', 'src', 'index.js'] });
    assert.equal(classifyProfileUrl('bootstrap_node.js').kind, 'internal');
    assert.equal(classifyProfileUrl('module.js').kind, 'internal');
    // Every absolute path of the profile classifies as absolute, every other non-empty URL as internal.
    for (const u of urls) {
      if (u === '') continue;
      assert.equal(classifyProfileUrl(u).kind, u.startsWith('/') ? 'absolute' : 'internal', u);
    }
  });

  test('modern internals, file URLs, web URLs, relative paths and empty URLs', () => {
    assert.equal(classifyProfileUrl('node:internal/main/run_main_module').kind, 'internal');
    assert.equal(classifyProfileUrl('internal/modules/cjs/loader.js').kind, 'internal');
    assert.equal(classifyProfileUrl('<node_internals>/internal/timers.js').kind, 'internal');
    assert.deepEqual(classifyProfileUrl('file:///srv/gen/app/workload.js'), { kind: 'absolute', path: '/srv/gen/app/workload.js', windows: false, segments: ['srv', 'gen', 'app', 'workload.js'] });
    assert.deepEqual(classifyProfileUrl('http://localhost:8000/js/simple.js?v=2'), { kind: 'remote', path: '/js/simple.js', segments: ['js', 'simple.js'] });
    assert.deepEqual(classifyProfileUrl('src/app.js'), { kind: 'relative', path: 'src/app.js', segments: ['src', 'app.js'] });
    assert.equal(classifyProfileUrl('').kind, 'none');
  });

  test('the best workspace candidate shares the longest path suffix', () => {
    const profilePath = ['Users', 'dave', 'proj', 'src', 'lib', 'index.js'];
    const candidates = [['test', 'index.js'], ['src', 'lib', 'index.js'], ['lib', 'index.js']];
    assert.deepEqual(bestSuffixMatch(profilePath, candidates, false), { index: 1, matched: 3, ambiguous: false });
    // Case folding only when asked (case-insensitive file systems).
    assert.equal(bestSuffixMatch(['SRC', 'Index.js'], [['src', 'index.js']], false), undefined);
    assert.equal(bestSuffixMatch(['SRC', 'Index.js'], [['src', 'index.js']], true)?.matched, 2);
    // Equal matches are flagged as ambiguous.
    assert.equal(bestSuffixMatch(['x', 'a.js'], [['p', 'a.js'], ['q', 'a.js']], false)?.ambiguous, true);
    assert.equal(bestSuffixMatch(['a.js'], [['b.js']], false), undefined);
  });
});
