// PerfLens inside a real VS Code: activation, Big-O CodeLens, N+1 diagnostics and quick fixes,
// CPU-profile heat decorations and the custom .cpuprofile editor. The workspace is a temporary copy
// of test/workspace, so tests may edit files. Every wait is event- or poll-driven with a deadline.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { poll, run, workspaceUri } from './waits';

const EXTENSION_ID = 'perflens.perflens';

interface PerfLensApi {
  profiles: { decoratedLines(uri: vscode.Uri): Array<{ line: number; bucket: number }> };
}


async function open(...segments: string[]): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(workspaceUri(...segments));
  return vscode.window.showTextDocument(doc, { preview: false });
}



/** Resolves with the first diagnostics of `uri` accepted by `match`, driven by onDidChangeDiagnostics. */
function waitForDiagnostic(uri: vscode.Uri, match: (d: vscode.Diagnostic) => boolean, timeoutMs = 45_000): Promise<vscode.Diagnostic> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const hit = vscode.languages.getDiagnostics(uri).find(match);
      if (hit) {
        cleanup();
        resolve(hit);
        return true;
      }
      return false;
    };
    const sub = vscode.languages.onDidChangeDiagnostics((e) => {
      if (e.uris.some((u) => u.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      cleanup();
      const seen = vscode.languages.getDiagnostics(uri).map((d) => `${d.source}/${codeOf(d)}@${d.range.start.line + 1}`);
      reject(new Error(`no matching diagnostic on ${uri.path} within ${timeoutMs / 1000} s; present: [${seen.join(', ')}]`));
    }, timeoutMs);
    function cleanup(): void {
      clearTimeout(timer);
      sub.dispose();
    }
    check();
  });
}

function codeOf(d: vscode.Diagnostic): string | number | undefined {
  return typeof d.code === 'object' && d.code !== null ? d.code.value : d.code;
}

const isNPlusOne = (d: vscode.Diagnostic): boolean => d.source === 'perflens' && codeOf(d) === 'n-plus-one';

async function api(): Promise<PerfLensApi> {
  const ext = vscode.extensions.getExtension<PerfLensApi>(EXTENSION_ID);
  assert.ok(ext, `extension ${EXTENSION_ID} is installed`);
  const exports = await ext.activate();
  assert.ok(exports?.profiles && typeof exports.profiles.decoratedLines === 'function', 'the extension exports profiles.decoratedLines(uri)');
  return exports;
}

function activeCustomTab(): vscode.TabInputCustom | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  return input instanceof vscode.TabInputCustom ? input : undefined;
}

function describeActiveTab(): string {
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
  if (!tab) return 'no active tab';
  const input = tab.input as { constructor?: { name?: string }; viewType?: string; uri?: vscode.Uri } | undefined;
  return `"${tab.label}" (${input?.constructor?.name ?? typeof input}${input?.viewType ? ` ${input.viewType}` : ''})`;
}

suite('PerfLens in VS Code', () => {
  suiteSetup(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  teardown(async () => {
    await vscode.commands.executeCommand('workbench.action.files.saveAll').then(undefined, () => undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a. the extension perflens.perflens activates', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `extension ${EXTENSION_ID} is installed (publisher perflens, name perflens)`);
    assert.equal(ext.packageJSON.publisher, 'perflens');
    assert.equal(ext.packageJSON.name, 'perflens');
    await open('src', 'algorithms.ts'); // a TypeScript file is an activation event
    await ext.activate();
    await poll('the extension to be active', () => (ext.isActive ? true : undefined), 30_000);
    assert.equal(ext.isActive, true);
  });

  test('b. Big-O CodeLenses on src/algorithms.ts (twoSum is O(n²))', async () => {
    const editor = await open('src', 'algorithms.ts');
    const uri = editor.document.uri;
    let last: vscode.CodeLens[] = [];
    const lenses = await poll('CodeLenses with "O(" titles', async () => {
      last = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri, 100)) ?? [];
      return last.some((l) => l.command?.title.includes('O(')) ? last : undefined;
    }, 45_000, () => JSON.stringify(last.map((l) => [l.range.start.line + 1, l.command?.title])));
    const titled = lenses.filter((l) => l.command?.title.includes('O('));
    assert.ok(titled.length >= 4, `a lens for each of the 4 functions, got ${titled.length}: ${titled.map((l) => l.command?.title).join(' | ')}`);
    const twoSum = titled.filter((l) => l.range.start.line === 1).map((l) => l.command!.title);
    assert.ok(twoSum.length > 0, `a lens on line 2 (twoSum); lenses are on lines ${titled.map((l) => l.range.start.line + 1).join(', ')}`);
    assert.ok(twoSum.some((t) => /O\(n(²|\^2)\)/.test(t)), `twoSum is quadratic, lens says: ${twoSum.join(' | ')}`);
    const sum = titled.filter((l) => l.range.start.line === 24).map((l) => l.command!.title);
    assert.ok(sum.some((t) => t.includes('O(n)')), `sum (line 25) is linear, lens says: ${sum.join(' | ') || '(none)'}`);
  });

  test('c. n-plus-one diagnostic on the findUnique call in src/orders.ts', async () => {
    const editor = await open('src', 'orders.ts');
    const uri = editor.document.uri;
    const d = await waitForDiagnostic(uri, isNPlusOne);
    assert.equal(d.range.start.line, 12, `on line 13 (db.user.findUnique), got line ${d.range.start.line + 1}`);
    assert.match(editor.document.lineAt(12).text, /db\.user\.findUnique/);
    const related = d.relatedInformation ?? [];
    assert.ok(
      related.some((r) => r.location.uri.toString() === uri.toString() && r.location.range.start.line === 11),
      `relatedInformation points at the for loop on line 12; got ${JSON.stringify(related.map((r) => [r.location.uri.path, r.location.range.start.line + 1, r.message]))}`,
    );
    assert.ok(d.message.length > 0, 'the diagnostic has a message');
  });

  test('d. quick fixes: Promise.all rewrite (applied) and disable comment', async () => {
    const editor = await open('src', 'orders.ts');
    const doc = editor.document;
    const d = await waitForDiagnostic(doc.uri, isNPlusOne);
    const actions = await poll('code actions for the n-plus-one diagnostic', async () => {
      const all = (await vscode.commands.executeCommand<Array<vscode.CodeAction | vscode.Command>>(
        'vscode.executeCodeActionProvider', doc.uri, d.range, undefined, 100)) ?? [];
      return all.some((a) => a.title.includes('Promise.all')) ? all : undefined;
    }, 30_000);
    const titles = actions.map((a) => a.title);
    const disable = actions.find((a) => a.title.includes('perflens-disable-next-line') || /Disable n-plus-one/i.test(a.title));
    assert.ok(disable, `a "disable" action is offered; titles: ${titles.join(' | ')}`);

    const fix = actions.find((a) => a.title.includes('Promise.all'))!;
    assert.ok(!doc.getText().includes('Promise.all'), 'the file does not use Promise.all before the fix');
    const action = fix as vscode.CodeAction;
    if (action.edit) {
      assert.ok(await vscode.workspace.applyEdit(action.edit), 'the WorkspaceEdit applies');
    }
    const cmd: vscode.Command | undefined = 'command' in fix && typeof fix.command === 'string' ? (fix as vscode.Command) : action.command;
    if (cmd) await run(cmd.command, cmd.arguments ?? []);
    assert.ok(action.edit || cmd, `the Promise.all action "${fix.title}" has an edit or a command`);
    await poll('the document to contain Promise.all', () => (doc.getText().includes('Promise.all') ? true : undefined), 15_000);
    assert.match(doc.getText(), /Promise\.all\(/);
  });

  test('e. importing a CPU profile decorates hot lines of src/workload.js; clearing removes them', async () => {
    const perflens = await api();
    const profile = workspaceUri('profiles', 'workload.cpuprofile');
    await run('perflens.importProfile', [profile], 30_000);
    const editor = await open('src', 'workload.js');
    const uri = editor.document.uri;
    let last: Array<{ line: number; bucket: number }> = [];
    const lines = await poll('decorated lines in src/workload.js', () => {
      last = perflens.profiles.decoratedLines(uri) ?? [];
      return last.some((l) => l.line >= 4 && l.line <= 6) && last.some((l) => l.line === 12) ? last : undefined;
    }, 30_000, () => JSON.stringify(last));
    for (const l of lines) {
      assert.ok(Number.isInteger(l.line) && l.line >= 0 && l.line < editor.document.lineCount, `line ${l.line} is inside the file`);
      assert.ok(Number.isInteger(l.bucket) && l.bucket >= 0, `bucket ${l.bucket} is a non-negative integer`);
    }
    // Ground truth from the profile's positionTicks (1-based lines): buildStrings line 23 = 517 ticks,
    // line 21 = 388, sumSquares line 13 = 153, fib lines 5-7 = 134 in total. So the hottest lines are
    // in buildStrings, and the sumSquares hot line is at least as hot as any fib line.
    const dump = JSON.stringify(lines.map((l) => [l.line + 1, l.bucket]));
    console.log(`      heat on src/workload.js [1-based line, bucket]: ${dump}`);
    const bucketOf = (line: number): number => Math.max(-1, ...lines.filter((l) => l.line === line).map((l) => l.bucket));
    const top = Math.max(...lines.map((l) => l.bucket));
    const hottest = lines.filter((l) => l.bucket === top).map((l) => l.line);
    assert.ok(hottest.every((l) => l >= 17 && l <= 23), `the hottest bucket (${top}) is only on buildStrings lines (18-24); [line, bucket]: ${dump}`);
    assert.ok(hottest.includes(22) || hottest.includes(20), `line 23 or 21 (buildStrings) has the hottest bucket; [line, bucket]: ${dump}`);
    const fibMax = Math.max(bucketOf(4), bucketOf(5), bucketOf(6));
    assert.ok(bucketOf(12) >= fibMax, `sumSquares line 13 (153 ticks) is at least as hot as fib's lines (<= 81 ticks each); [line, bucket]: ${dump}`);
    assert.ok(bucketOf(12) > 0 || top === 0, `sumSquares line 13 is not in the coolest bucket; [line, bucket]: ${dump}`);

    await run('perflens.clearProfile', []);
    await poll('decorations to be cleared', () => ((perflens.profiles.decoratedLines(uri) ?? []).length === 0 ? true : undefined), 15_000,
      () => JSON.stringify(perflens.profiles.decoratedLines(uri)));
  });

  test('f. .cpuprofile files open in the PerfLens custom editor', async () => {
    const profile = workspaceUri('profiles', 'workload.cpuprofile');
    await run('vscode.openWith', [profile, 'perflens.cpuprofile']);
    const viaOpenWith = await poll('the custom editor tab (vscode.openWith)', () => activeCustomTab(), 20_000, describeActiveTab);
    assert.equal(viaOpenWith.viewType, 'perflens.cpuprofile');
    assert.equal(viaOpenWith.uri.toString(), profile.toString());

    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await poll('all editors to close', () => (vscode.window.tabGroups.all.every((g) => g.tabs.length === 0) ? true : undefined), 10_000);

    await run('perflens.openProfileEditor', [profile]);
    const viaCommand = await poll('the custom editor tab (perflens.openProfileEditor)', () => activeCustomTab(), 20_000, describeActiveTab);
    assert.equal(viaCommand.viewType, 'perflens.cpuprofile');
    assert.equal(viaCommand.uri.toString(), profile.toString());
  });
});
