// Read-only custom editor for profiles (viewType perflens.cpuprofile, priority "option"): a
// function table, top-down and bottom-up call trees and a flame graph in a webview. The webview
// gets its data by postMessage after it says `ready`; nothing from the profile is ever put into
// the HTML (strict CSP with a nonce). Clicking a row or frame opens its source through the same
// source-map / path-mapping resolution as the heat overlay.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { openFunctionSource } from '../heat/hotPaths';
import { describeLoadError, fileName, loadProfile, type LoadedProfile } from './loadProfile';
import { toPayload } from './payload';
import type { EditorView, HostMessage, WebviewMessage } from './protocol';

type Loaded = { loaded: LoadedProfile } | { error: string };

class ProfileDocument implements vscode.CustomDocument {
  private loading: Promise<Loaded> | undefined;
  private thread: string | undefined;
  private cancel = new vscode.CancellationTokenSource();

  constructor(readonly uri: vscode.Uri) {}

  /** Loads once per thread choice (with a progress indicator in the window); later calls share it. */
  load(): Promise<Loaded> {
    this.loading ??= Promise.resolve(
      vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `PerfLens: reading ${fileName(this.uri)}` }, (progress) =>
        loadProfile(this.uri, { thread: this.thread, token: this.cancel.token, report: (message) => progress.report({ message }) }).then(
          (loaded): Loaded => ({ loaded }),
          (error): Loaded => ({ error: describeLoadError(this.uri, error) }),
        ),
      ),
    );
    return this.loading;
  }

  switchThread(id: string): Promise<Loaded> {
    this.cancel.cancel();
    this.cancel.dispose();
    this.cancel = new vscode.CancellationTokenSource();
    this.thread = id;
    this.loading = undefined;
    return this.load();
  }

  dispose(): void {
    this.cancel.cancel();
    this.cancel.dispose();
  }
}

interface Panel {
  document: ProfileDocument;
  panel: vscode.WebviewPanel;
  pendingTest?: (answer: { ok: boolean; detail: string }) => void;
  /** Test hook: told where each `open` message led. */
  onOpened?: (where: string) => void;
}

export class ProfileEditorProvider implements vscode.CustomReadonlyEditorProvider<ProfileDocument>, vscode.Disposable {
  static readonly viewType = 'perflens.cpuprofile';
  private readonly panels = new Set<Panel>();

  constructor(private readonly extensionUri: vscode.Uri) {}

  openCustomDocument(uri: vscode.Uri): ProfileDocument {
    const doc = new ProfileDocument(uri);
    void doc.load();
    return doc;
  }

  resolveCustomEditor(document: ProfileDocument, panel: vscode.WebviewPanel): void {
    const webview = panel.webview;
    const mediaRoot = vscode.Uri.joinPath(this.extensionUri, 'media');
    const scriptRoot = vscode.Uri.joinPath(this.extensionUri, 'dist', 'media');
    webview.options = { enableScripts: true, localResourceRoots: [mediaRoot, scriptRoot] };
    webview.html = this.html(webview, vscode.Uri.joinPath(scriptRoot, 'profileEditor.js'), vscode.Uri.joinPath(mediaRoot, 'profileEditor.css'));
    const entry: Panel = { document, panel };
    this.panels.add(entry);

    const post = (message: HostMessage) => void webview.postMessage(message);
    const send = async (loadedP: Promise<Loaded>) => {
      post({ type: 'loading', message: `Reading ${fileName(document.uri)}…` });
      const loaded = await loadedP;
      if ('error' in loaded) post({ type: 'error', message: loaded.error });
      else post({ type: 'profile', profile: toPayload(fileName(document.uri), loaded.loaded.profile) });
    };
    const subscription = webview.onDidReceiveMessage(async (raw: unknown) => {
      const message = raw as WebviewMessage;
      if (!message || typeof message !== 'object' || typeof message.type !== 'string') return;
      try {
        if (message.type === 'ready') await send(document.load());
        else if (message.type === 'open' && Number.isInteger(message.fn)) {
          const loaded = await document.load();
          const editor = 'loaded' in loaded ? await openFunctionSource({ ...loaded.loaded }, message.fn, vscode.ViewColumn.Beside) : undefined;
          entry.onOpened?.(editor ? `${vscode.workspace.asRelativePath(editor.document.uri)}:${editor.selection.active.line + 1}` : 'nothing opened');
        } else if (message.type === 'showHeat') await vscode.commands.executeCommand('perflens.importProfile', document.uri);
        else if (message.type === 'thread' && typeof message.id === 'string') await send(document.switchThread(message.id));
        else if (message.type === 'test:clicked') entry.pendingTest?.({ ok: message.ok === true, detail: String(message.detail ?? '') });
      } catch (error) {
        void vscode.window.showErrorMessage(`PerfLens: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
    panel.onDidDispose(() => {
      subscription.dispose();
      this.panels.delete(entry);
      entry.pendingTest?.({ ok: false, detail: 'the editor was closed' });
    });
  }

  /**
   * Test hook (registered only outside production as perflens.test.clickProfileRow): asks the
   * active profile editor's webview to click the first row (or flame frame) whose function is
   * `functionName`. The webview runs its real click handler, which posts the same `open` message a
   * user's click does, so the whole path (DOM → message → host → source resolution → editor) is
   * exercised. Resolves with what the webview reports.
   */
  simulateClick(functionName: string, view: EditorView = 'functions'): Promise<{ ok: boolean; detail: string }> {
    const entry = [...this.panels].find((p) => p.panel.active) ?? [...this.panels].find((p) => p.panel.visible) ?? [...this.panels][0];
    if (!entry) return Promise.resolve({ ok: false, detail: 'no PerfLens profile editor is open' });
    return new Promise((resolve) => {
      let clicked: { ok: boolean; detail: string } | undefined;
      const done = (answer: { ok: boolean; detail: string }) => {
        clearTimeout(timer);
        entry.pendingTest = undefined;
        entry.onOpened = undefined;
        resolve(answer);
      };
      const timer = setTimeout(() => done({ ok: false, detail: clicked ? `${clicked.detail}, but no open request arrived within 10 s` : 'the webview did not answer within 10 s' }), 10_000);
      // Resolves once the webview has clicked AND the host has handled the resulting `open`.
      entry.onOpened = (where) => done({ ok: true, detail: `${clicked?.detail ?? 'clicked'} → ${where}` });
      entry.pendingTest = (answer) => {
        clicked = answer;
        if (!answer.ok) done(answer);
      };
      void entry.panel.webview.postMessage({ type: 'test:click', name: functionName, view } satisfies HostMessage);
    });
  }

  private html(webview: vscode.Webview, script: vscode.Uri, style: vscode.Uri): string {
    const nonce = randomBytes(18).toString('base64');
    const csp = [
      "default-src 'none'",
      `img-src ${webview.cspSource} data:`,
      `style-src ${webview.cspSource}`,
      `font-src ${webview.cspSource}`,
      `script-src 'nonce-${nonce}'`,
    ].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${webview.asWebviewUri(style)}">
<title>PerfLens Profile</title>
</head>
<body>
<main id="app" aria-live="polite"><p class="status">Loading profile…</p></main>
<script nonce="${nonce}" src="${webview.asWebviewUri(script)}"></script>
</body>
</html>`;
  }

  dispose(): void {
    for (const p of this.panels) p.pendingTest?.({ ok: false, detail: 'disposed' });
    this.panels.clear();
  }
}
