// PerfLens profiles inside a real VS Code: heat decorations on the ground-truth lines, lenses that
// join Big-O with measured CPU share (and are refreshed by VS Code itself when the profile
// changes), hot-and-complex warnings, TypeScript through source maps + path mappings, switching
// between profiles, bad input, and the profile editor with a click followed to the source line.
//
// Driving the webview: the extension registers `perflens.test.clickProfileRow` outside production.
// It posts a message to the open profile editor's webview, whose script finds the row (or flame
// frame) and calls its real `click()` (or Enter handler). That handler posts the same `open`
// message a user's click posts, so the whole path (DOM event → webview message → host → source
// map/path resolution → text editor) runs; only the mouse is simulated. Reading the webview's DOM
// from the extension host is not possible, so this is the closest faithful drive.
//
// Ground truth: src/workload.js (= ../shared/fixtures/profiles/_workload-src/workload.js): fib
// starts on line 5, sumSquares' hot line is 13, parts.join (line 23) is the hottest line.
// tsmap/ (copied at run time from test/fixtures/profiles/sourcemaps/ts-node20): closestPair starts
// on shapes.ts line 13, its hot lines are 10 and 16.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { poll, run, workspaceUri as ws } from './waits';

const EXTENSION_ID = 'perflens.perflens';

interface Api {
  profiles: {
    decoratedLines(uri: vscode.Uri): Array<{ line: number; bucket: number }>;
    active(): { name: string; format: string; precision: string } | undefined;
    list(): string[];
    activate(name: string): boolean;
    hotAndComplex(): Promise<Array<{ uri: vscode.Uri; line: number; name: string; bigO: string; percent: number }>>;
    lensJoin: { lensRequests(uri: vscode.Uri): number };
  };
}




async function api(): Promise<Api['profiles']> {
  const ext = vscode.extensions.getExtension<Api>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is installed`);
  const exports = await ext.activate();
  assert.ok(exports?.profiles?.lensJoin, 'the extension exports profiles with the lens join');
  return exports.profiles;
}

async function show(uri: vscode.Uri): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(uri);
  return vscode.window.showTextDocument(doc, { preview: false });
}

async function lenses(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
}

const titleAt = (ls: vscode.CodeLens[], line: number) => ls.filter((l) => l.range.start.line === line).map((l) => l.command?.title ?? '');

function diagnosticsWith(uri: vscode.Uri, code: string): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'perflens' && (typeof d.code === 'object' && d.code ? d.code.value : d.code) === code);
}

suite('PerfLens profiles in VS Code', () => {
  let profiles: Api['profiles'];
  const workloadProfile = () => ws('profiles', 'workload.cpuprofile');
  const workloadJs = () => ws('src', 'workload.js');

  suiteSetup(async function () {
    this.timeout(120_000);
    profiles = await api();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // The TypeScript fixture with its tsc and esbuild outputs and profiles, copied into the workspace.
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const from = vscode.Uri.joinPath(ext.extensionUri, 'test', 'fixtures', 'profiles', 'sourcemaps', 'ts-node20');
    await vscode.workspace.fs.copy(from, ws('tsmap'), { overwrite: true });
    // Recorded at /srv/gen/tsmap on another machine: map it to the copy (exact, not approximate).
    await vscode.workspace.getConfiguration('perflens.profile').update('pathMappings', { '/srv/gen/tsmap': '${workspaceFolder}/tsmap' }, vscode.ConfigurationTarget.Workspace);
  });

  suiteTeardown(async () => {
    await run('perflens.clearAllProfiles', []);
    await vscode.workspace.getConfiguration('perflens.profile').update('pathMappings', undefined, vscode.ConfigurationTarget.Workspace);
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('1. import: heat lands on fib (5-7), sumSquares 13 and the hottest line parts.join (23)', async () => {
    const result = await run<{ format: string; mappedFiles: number; approximateFiles: number }>('perflens.importProfile', [workloadProfile()]);
    assert.ok(result, 'the import command returns a result');
    assert.equal(result.format, 'cpuprofile');
    assert.equal(result.approximateFiles, 1, 'recorded at /srv/gen/app: matched by file name, marked approximate');
    const editor = await show(workloadJs());
    let last: Array<{ line: number; bucket: number }> = [];
    const lines = await poll('heat on src/workload.js', () => {
      last = profiles.decoratedLines(editor.document.uri);
      return last.length ? last : undefined;
    }, 30_000, () => JSON.stringify(last));
    const bucket = (line: number) => Math.max(-1, ...lines.filter((l) => l.line === line).map((l) => l.bucket));
    for (const l of [4, 5, 6, 12, 22]) assert.ok(bucket(l) >= 0, `line ${l + 1} is shaded: ${JSON.stringify(lines)}`);
    assert.equal(bucket(22), 5, 'parts.join (line 23) is in the hottest bucket');
    assert.ok(bucket(12) >= Math.max(bucket(4), bucket(5), bucket(6)), 'sumSquares line 13 is at least as hot as any fib line');
    assert.equal(bucket(9), -1, 'the sumSquares declaration line (10) has no heat (its ticks are inside)');
    assert.equal(profiles.active()?.name, 'workload.cpuprofile');

    // The hover on the hottest line: self time, share, samples, the function and its top callers, and the approximate marker.
    const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, new vscode.Position(22, 4))) ?? [];
    const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
    assert.match(text, /self \d+(\.\d+)? ms\*\* · \d+\.\d% of profile · \d+ samples/, text);
    assert.match(text, /in `buildStrings`: self .* total .*\n?.*top callers: `main`/, text);
    assert.match(text.replace(/&nbsp;/g, " "), /approximate: matched by file name/, text);
  });

  test('2. lenses read "O(2ⁿ) · x% CPU (t)" and VS Code re-requests them when the profile changes', async () => {
    const editor = await show(workloadJs());
    const uri = editor.document.uri;
    await run('perflens.clearAllProfiles', []);
    // VS Code asks for the visible editor's lenses on its own; without a profile, no measurement.
    await poll('lenses requested for the visible editor', () => (profiles.lensJoin.lensRequests(uri) > 0 ? true : undefined), 45_000);
    let seen: vscode.CodeLens[] = [];
    await poll('the Big-O lens on fib', async () => {
      seen = await lenses(uri);
      return titleAt(seen, 4).some((t) => t.startsWith('O(')) ? true : undefined;
    }, 45_000, () => JSON.stringify(seen.map((l) => [l.range.start.line + 1, l.command?.title])));
    assert.ok(titleAt(seen, 4).every((t) => !t.includes('CPU')), `no measurement without a profile: ${titleAt(seen, 4)}`);

    const before = profiles.lensJoin.lensRequests(uri);
    await run('perflens.importProfile', [workloadProfile()]);
    // Nobody asks for lenses here: only VS Code's own refresh (driven by onDidChangeCodeLenses) can raise the count.
    await poll('VS Code to re-request the lenses after the import', () => (profiles.lensJoin.lensRequests(uri) > before ? true : undefined), 20_000,
      () => `${profiles.lensJoin.lensRequests(uri)} requests (before: ${before})`);
    seen = await lenses(uri);
    const fib = titleAt(seen, 4);
    console.log(`      fib lens: ${fib.join(' | ')}; sumSquares: ${titleAt(seen, 9).join(' | ')}`);
    assert.ok(fib.some((t) => /^O\(2(ⁿ|\^n)\) · \d+(\.\d)?% CPU \(\d+(\.\d+)? (ms|s)\)/.test(t)), `fib lens has Big-O and CPU share: ${fib.join(' | ')}`);
    assert.ok(titleAt(seen, 9).some((t) => /^O\(n\) · \d+(\.\d)?% CPU/.test(t)), `sumSquares lens: ${titleAt(seen, 9)}`);

    const afterImport = profiles.lensJoin.lensRequests(uri);
    await run('perflens.clearProfile', []);
    await poll('VS Code to re-request the lenses after clearing', () => (profiles.lensJoin.lensRequests(uri) > afterImport ? true : undefined), 20_000);
    assert.ok(titleAt(await lenses(uri), 4).every((t) => !t.includes('CPU')), 'the measurement is gone after clearing');
  });

  test('3. hot and complex: fib is O(2ⁿ) and ≥ 5% of the CPU → a warning that says both', async () => {
    await run('perflens.importProfile', [workloadProfile()]);
    const editor = await show(workloadJs());
    const uri = editor.document.uri;
    const d = await poll('a hot-and-complex diagnostic on fib', () => diagnosticsWith(uri, 'hot-and-complex')[0], 45_000,
      () => JSON.stringify(vscode.languages.getDiagnostics(uri).map((x) => [x.source, x.code, x.range.start.line + 1, x.message])));
    assert.equal(d.range.start.line, 4, 'on fib (line 5)');
    assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(d.message, /`fib` is O\(2(ⁿ|\^n)\) \(worse than O\(n log n\)\) and hot: \d+(\.\d)?% of the CPU time/);
    const list = await profiles.hotAndComplex();
    assert.deepEqual(list.map((f) => [f.name, f.line]), [['fib', 4]], 'only fib (sumSquares and buildStrings are linear)');
  });

  test('4. TypeScript through tsc source maps and a path mapping: heat, lens and warning on shapes.ts', async () => {
    const result = await run<{ approximateFiles: number; mappedFiles: number }>('perflens.importProfile', [ws('tsmap', 'prof', 'tsc-output.cpuprofile')]);
    assert.ok(result && result.mappedFiles >= 2, JSON.stringify(result));
    assert.equal(result.approximateFiles, 0, 'found through the path mapping, not by file name');
    const shapes = ws('tsmap', 'src', 'shapes.ts');
    const editor = await show(shapes);
    const lines = await poll('heat on shapes.ts', () => {
      const l = profiles.decoratedLines(editor.document.uri);
      return l.length ? l : undefined;
    });
    const top = Math.max(...lines.map((l) => l.bucket));
    const hottest = lines.filter((l) => l.bucket === top).map((l) => l.line + 1);
    assert.ok(hottest.every((l) => l === 10 || l === 16) && hottest.length >= 1, `hottest .ts lines are 10 (Math.sqrt) and/or 16 (inner loop): ${JSON.stringify(lines.map((l) => [l.line + 1, l.bucket]))}`);
    assert.equal(profiles.decoratedLines(ws('tsmap', 'dist-tsc', 'shapes.js')).length, 0, 'the compiled .js gets no heat');
    let seen: vscode.CodeLens[] = [];
    await poll('the closestPair lens with CPU share', async () => {
      seen = await lenses(editor.document.uri);
      return titleAt(seen, 12).some((t) => /^O\(n(²|\^2)\) · \d+% CPU \(/.test(t)) ? true : undefined;
    }, 45_000, () => JSON.stringify(seen.map((l) => [l.range.start.line + 1, l.command?.title])));
    console.log(`      closestPair lens: ${titleAt(seen, 12).join(' | ')}`);
    const d = await poll('hot-and-complex on closestPair', () => diagnosticsWith(editor.document.uri, 'hot-and-complex')[0], 30_000);
    assert.equal(d.range.start.line, 12);
  });

  test('5. several profiles: both listed, switching moves the heat back', async () => {
    await run('perflens.importProfile', [workloadProfile()]);
    await run('perflens.importProfile', [ws('tsmap', 'prof', 'esbuild-minified.cpuprofile')]);
    for (const name of ['workload.cpuprofile', 'tsc-output.cpuprofile', 'esbuild-minified.cpuprofile']) assert.ok(profiles.list().includes(name), `${name} in ${profiles.list()}`);
    assert.equal(profiles.active()?.name, 'esbuild-minified.cpuprofile', 'the last import is active');
    assert.equal(profiles.active()?.precision, 'lines');
    // The minified bundle: function-level heat on the .ts declarations.
    const shapes = ws('tsmap', 'src', 'shapes.ts');
    assert.ok(profiles.decoratedLines(shapes).some((l) => l.line === 12), JSON.stringify(profiles.decoratedLines(shapes)));
    assert.equal(profiles.decoratedLines(workloadJs()).length, 0, 'only the active profile is shown');
    assert.equal(profiles.activate('workload.cpuprofile'), true);
    assert.ok(profiles.decoratedLines(workloadJs()).some((l) => l.line === 22));
    assert.equal(profiles.decoratedLines(shapes).length, 0);
  });

  test('6. bad input ends in a message, not an exception: truncated JSON and a Clinic doctor folder', async () => {
    const broken = ws('profiles', 'broken.cpuprofile');
    const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(workloadProfile()));
    await vscode.workspace.fs.writeFile(broken, new TextEncoder().encode(text.slice(0, 4000)));
    const active = profiles.active()?.name;
    assert.equal(await run('perflens.importProfile', [broken]), undefined, 'no result for a broken file');
    assert.equal(profiles.active()?.name, active, 'the active profile is unchanged');
    const doctor = ws('profiles', '1.clinic-doctor');
    await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(doctor, '1.clinic-doctor-systeminfo'), new TextEncoder().encode('{"clock":{}}'));
    assert.equal(await run('perflens.importProfileFolder', [doctor]), undefined);
  });

  test('6b. a 100 MB+ profile is parsed off the extension host thread: the host stays responsive', async function () {
    this.timeout(180_000);
    // ~110 MB, shaped like a long recording: 20 000 functions, 10 million samples.
    const fns = 20_000;
    const rounds = 500;
    const parts: string[] = ['{"nodes":[{"id":1,"callFrame":{"functionName":"(root)","scriptId":"0","url":"","lineNumber":-1,"columnNumber":-1},"children":['];
    const ids: string[] = [];
    for (let i = 0; i < fns; i++) ids.push(String(i + 2));
    parts.push(ids.join(','), ']}');
    for (let i = 0; i < fns; i++) parts.push(`,{"id":${i + 2},"callFrame":{"functionName":"fn${i}","scriptId":"9","url":"file:///srv/gen/app/workload.js","lineNumber":${i % 30},"columnNumber":0},"positionTicks":[{"line":${(i % 30) + 1},"ticks":${rounds}}]}`);
    const cycle = ids.join(',');
    parts.push('],"startTime":0,"endTime":', String(fns * rounds * 1000), ',"samples":[', new Array(rounds).fill(cycle).join(','), '],"timeDeltas":[', `${'1000,'.repeat(fns * rounds - 1)}1000`, ']}');
    const big = ws('profiles', 'big.cpuprofile');
    await vscode.workspace.fs.writeFile(big, new TextEncoder().encode(parts.join('')));
    const size = (await vscode.workspace.fs.stat(big)).size;
    assert.ok(size > 100 * 1024 * 1024, `${size} bytes`);

    let maxGap = 0;
    let last = Date.now();
    const timer = setInterval(() => {
      const now = Date.now();
      maxGap = Math.max(maxGap, now - last);
      last = now;
    }, 20);
    const started = Date.now();
    let result: { name: string } | undefined;
    try {
      result = await run<{ name: string }>('perflens.importProfile', [big], 150_000);
    } finally {
      clearInterval(timer);
    }
    console.log(`      ${(size / 1024 / 1024).toFixed(0)} MB imported in ${Date.now() - started} ms; longest extension-host stall ${maxGap} ms`);
    assert.equal(result?.name, 'big.cpuprofile');
    assert.equal(profiles.active()?.name, 'big.cpuprofile');
    assert.ok(maxGap < 1500, `the extension host was blocked for ${maxGap} ms`);
    await vscode.workspace.fs.delete(big);
  });

  test('7. the profile editor: a click on fib (table) and sumSquares (top-down, flame) opens the right lines', async () => {
    await run('vscode.openWith', [workloadProfile(), 'perflens.cpuprofile']);
    const click = async (name: string, view: string, line: number) => {
      let last = '';
      const r = await poll(`the editor to take a click on ${name} (${view})`, async () => {
        const r = await run<{ ok: boolean; detail: string }>('perflens.test.clickProfileRow', [name, view], 15_000);
        last = r?.detail ?? '';
        return r?.ok ? r : undefined;
      }, 30_000, () => last);
      console.log(`      ${view}: ${r.detail}`);
      assert.match(r.detail, new RegExp(`src/workload\\.js:${line + 1}$`), 'the host opened the function\'s line');
      const editor = await poll(`workload.js to open at line ${line + 1}`, () => {
        const e = vscode.window.activeTextEditor;
        return e && e.document.uri.path.endsWith('/src/workload.js') && e.selection.active.line === line ? e : undefined;
      }, 20_000, () => `${vscode.window.activeTextEditor?.document.uri.path}:${(vscode.window.activeTextEditor?.selection.active.line ?? -2) + 1}`);
      assert.match(editor.document.lineAt(line).text, new RegExp(`function ${name}`));
      await vscode.commands.executeCommand('workbench.action.focusFirstEditorGroup');
    };
    await click('fib', 'functions', 4);
    await click('sumSquares', 'top-down', 9);
    await click('buildStrings', 'bottom-up', 17);
    await click('sumSquares', 'flame', 9);
  });

  test('8. the profile editor on a source-mapped profile opens the .ts line', async () => {
    await run('vscode.openWith', [ws('tsmap', 'prof', 'tsc-output.cpuprofile'), 'perflens.cpuprofile']);
    const r = await poll('the editor to take a click on closestPair', async () => {
      const r = await run<{ ok: boolean; detail: string }>('perflens.test.clickProfileRow', ['closestPair', 'functions'], 15_000);
      return r?.ok ? r : undefined;
    }, 30_000);
    assert.match(r.detail, /tsmap\/src\/shapes\.ts:13$/);
    await poll('shapes.ts to open at line 13', () => {
      const e = vscode.window.activeTextEditor;
      return e && e.document.uri.path.endsWith('/tsmap/src/shapes.ts') && e.selection.active.line === 12 ? e : undefined;
    }, 20_000, () => `${vscode.window.activeTextEditor?.document.uri.path}:${(vscode.window.activeTextEditor?.selection.active.line ?? -2) + 1}`);
  });
});
