// PerfLens extension entry: wires the language client, the Explain command and the profile features.
import * as vscode from 'vscode';
import { startLanguageClient } from './languageClient';
import { registerExplainCommand } from './explain';
import { registerProfileFeatures } from './profileFeature';
import type { ProfileApi } from './profileFeature';
import { createProfileLensMiddleware } from './profileLens';

export interface PerfLensApi {
  profiles: ProfileApi;
}

export async function activate(context: vscode.ExtensionContext): Promise<PerfLensApi> {
  // Profiles work even if the language server fails to start, so register them first.
  const profiles = registerProfileFeatures(context);
  try {
    const client = await startLanguageClient(context, createProfileLensMiddleware(profiles));
    registerExplainCommand(context, client);
  } catch (error) {
    void vscode.window.showErrorMessage(`PerfLens: the language server did not start: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { profiles };
}

export function deactivate(): void {
  // Every registration is in context.subscriptions and is disposed by VS Code.
}
