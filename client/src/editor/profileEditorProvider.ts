// Read-only custom editor for `.cpuprofile` files (viewType perflens.cpuprofile, priority "option"):
// a sortable function table and a flame graph in a webview. The webview gets its data by
// postMessage after it says `ready`; nothing from the profile is ever put into the HTML.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { resolveProfileUrls, type ResolvedFile } from '../heat/workspaceFiles';
import type { Profile } from '../profile/types';
import { describeLoadError, fileName, loadProfile } from './loadProfile';
import { toPayload } from './payload';
import type { HostMessage, WebviewMessage } from './protocol';

type Loaded = { profile: Profile } | { error: string };

class ProfileDocument implements vscode.CustomDocument {
  private loading: Promise<Loaded> | undefined;
  private readonly resolved = new Map<string, ResolvedFile | null>();
  private readonly cancel = new vscode.CancellationTokenSource();

  constructor(readonly uri: vscode.Uri) {}

  /** Loads once (with a progress indicator in the window); later calls share the result. */
  load(): Promise<Loaded> {
    this.loading ??= Promise.resolve(
      vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `PerfLens: reading ${fileName(this.uri)}` }, () =>
        loadProfile(this.uri, this.cancel.token).then(
          (profile): Loaded => ({ profile }),
          (error): Loaded => ({ error: describeLoadError(this.uri, error) }),
        ),
      ),
    );
    return this.loading;
  }

  /** Workspace file for a profile URL (cached; null = not found). */
  async resolve(url: string): Promise<ResolvedFile | null> {
    if (!this.resolved.has(url)) {
      const r = await resolveProfileUrls([url]);
      this.resolved.set(url, r.files.get(url) ?? null);
    }
    return this.resolved.get(url) ?? null;
  }

  dispose(): void {
    this.cancel.cancel();
    this.cancel.dispose();
  }
}

export class ProfileEditorProvider implements vscode.CustomReadonlyEditorProvider<ProfileDocument> {
  static readonly viewType = 'perflens.cpuprofile';

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

    const post = (message: HostMessage) => void webview.postMessage(message);
    const subscription = webview.onDidReceiveMessage(async (raw: unknown) => {
      const message = raw as WebviewMessage;
      if (!message || typeof message !== 'object' || typeof message.type !== 'string') return;
      try {
        if (message.type === 'ready') {
          post({ type: 'loading', message: `Reading ${fileName(document.uri)}…` });
          const loaded = await document.load();
          if ('error' in loaded) post({ type: 'error', message: loaded.error });
          else post({ type: 'profile', profile: toPayload(fileName(document.uri), loaded.profile) });
        } else if (message.type === 'open' && Number.isInteger(message.fn)) {
          await this.openSource(document, message.fn);
        } else if (message.type === 'showHeat') {
          await vscode.commands.executeCommand('perflens.importProfile', document.uri);
        }
      } catch (error) {
        void vscode.window.showErrorMessage(`PerfLens: ${error instanceof Error ? error.message : String(error)}`);
      }
    });
    panel.onDidDispose(() => subscription.dispose());
  }

  private async openSource(document: ProfileDocument, fnId: number): Promise<void> {
    const loaded = await document.load();
    if ('error' in loaded) return;
    const fn = loaded.profile.functions[fnId];
    if (!fn) return;
    const label = fn.functionName || '(anonymous)';
    if (fn.kind !== 'js' || fn.line < 0 || !fn.url) {
      void vscode.window.showInformationMessage(`PerfLens: ${label} is ${fn.kind === 'js' ? 'in a script without a file' : 'native or V8-internal code'}; it has no source to open.`);
      return;
    }
    const target = await document.resolve(fn.url);
    if (!target) {
      void vscode.window.showWarningMessage(`PerfLens: ${fn.url} (${label}) is not in this workspace.`);
      return;
    }
    const doc = await vscode.workspace.openTextDocument(target.uri);
    const line = Math.min(fn.line, Math.max(0, doc.lineCount - 1));
    const column = fn.column > 0 && line === fn.line ? Math.min(fn.column, doc.lineAt(line).text.length) : 0;
    await vscode.window.showTextDocument(doc, {
      viewColumn: vscode.ViewColumn.Beside,
      selection: new vscode.Range(line, column, line, column),
      preview: true,
    });
    if (target.approximate) vscode.window.setStatusBarMessage(`PerfLens: ${fn.url} was matched to ${vscode.workspace.asRelativePath(target.uri)} by file name.`, 6000);
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
}
