// "PerfLens: Explain Complexity": the full derivation for the function at the cursor (or lens).
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { EXPLAIN_COMMAND, EXPLAIN_REQUEST, type ExplainParams, type ExplainResult } from '../../server/src/protocol';

export function registerExplainCommand(context: vscode.ExtensionContext, client: LanguageClient): void {
  context.subscriptions.push(
    vscode.commands.registerCommand(EXPLAIN_COMMAND, async (uri?: string, line?: number) => {
      const editor = vscode.window.activeTextEditor;
      const params: ExplainParams | undefined =
        uri !== undefined && line !== undefined
          ? { uri, line }
          : editor
            ? { uri: editor.document.uri.toString(), line: editor.selection.active.line, character: editor.selection.active.character }
            : undefined;
      if (!params) {
        void vscode.window.showInformationMessage('PerfLens: open a JavaScript or TypeScript file and put the cursor in a function.');
        return undefined;
      }
      const result = await client.sendRequest<ExplainResult>(EXPLAIN_REQUEST, params);
      if (!result.markdown) {
        void vscode.window.showInformationMessage('PerfLens: no function at the cursor.');
        return result;
      }
      const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: result.markdown });
      await vscode.commands.executeCommand('markdown.showPreviewToSide', doc.uri).then(undefined, () => vscode.window.showTextDocument(doc, vscode.ViewColumn.Beside));
      return result;
    }),
  );
}
