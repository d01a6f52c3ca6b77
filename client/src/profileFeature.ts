// Profile features (VS Code glue): import/clear commands, the heat overlay with its hover, the
// read-only `.cpuprofile` editor, a status bar entry, and the API the tests and lenses use.
import * as vscode from 'vscode';
import { ProfileEditorProvider } from './editor/profileEditorProvider';
import { describeLoadError, fileName, loadProfile } from './editor/loadProfile';
import { HeatOverlay, type FunctionTime } from './heat/overlay';
import { resolveProfileUrls } from './heat/workspaceFiles';
import { isProfileError } from './profile/errors';
import { formatMs } from './profile/query';

export interface ProfileApi {
  /** Shaded lines (0-based) of a document, with their heat bucket (0 coolest … 5 hottest). */
  decoratedLines(uri: vscode.Uri): Array<{ line: number; bucket: number }>;
  /** The loaded profile, if any. */
  active(): { name: string; totalMs: number } | undefined;
  /** Functions of the loaded profile in a document; `percent` is total (inclusive) time as % of the profile. */
  functionTimes(uri: vscode.Uri): FunctionTime[];
  /** Fires after a profile is loaded or cleared. */
  onDidChange: vscode.Event<void>;
}

export interface ImportResult {
  name: string;
  totalMs: number;
  /** Workspace files that received heat. */
  mappedFiles: number;
  approximateFiles: number;
  missingScripts: string[];
}

export const PROFILE_FILTERS: Record<string, string[]> = { 'CPU profiles': ['cpuprofile'], 'All files': ['*'] };

export function registerProfileFeatures(context: vscode.ExtensionContext): ProfileApi {
  const overlay = new HeatOverlay();
  const status = vscode.window.createStatusBarItem('perflens.profile', vscode.StatusBarAlignment.Left, 0);
  status.name = 'PerfLens Profile';
  context.subscriptions.push(overlay, status);

  const updateStatus = (result?: ImportResult, warnings: string[] = []) => {
    const active = overlay.active;
    if (!active || !result) {
      status.hide();
      return;
    }
    status.text = `$(flame) ${active.name}`;
    const tip = new vscode.MarkdownString();
    tip.appendText(`PerfLens profile ${active.name}: ${formatMs(active.profile.durationMs)}, ${active.profile.sampleCount} samples.\n\n`);
    tip.appendText(`Heat on ${result.mappedFiles} workspace file(s)${result.approximateFiles ? `, ${result.approximateFiles} matched by file name only` : ''}.`);
    if (result.missingScripts.length) tip.appendText(`\n\n${result.missingScripts.length} script(s) not found in the workspace.`);
    for (const w of warnings.slice(0, 5)) tip.appendText(`\n\nNote: ${w}`);
    tip.appendText('\n\nClick to open the profile table.');
    status.tooltip = tip;
    status.command = { title: 'Open Profile in PerfLens', command: 'perflens.openProfileEditor', arguments: [active.source] };
    status.show();
  };

  const importProfile = async (arg?: unknown): Promise<ImportResult | undefined> => {
    let uri = arg instanceof vscode.Uri ? arg : undefined;
    if (!uri) {
      const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: PROFILE_FILTERS, openLabel: 'Import Profile', title: 'PerfLens: Import CPU Profile' });
      uri = picked?.[0];
      if (!uri) return undefined;
    }
    const source = uri;
    const name = fileName(source);
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `PerfLens: importing ${name}`, cancellable: true },
      async (progress, token) => {
        try {
          const profile = await loadProfile(source, token, (message) => progress.report({ message }));
          progress.report({ message: 'finding the source files…' });
          const urls = [...profile.files.values()].map((f) => f.url).filter((u) => u !== '');
          const resolution = await resolveProfileUrls(urls, token);
          if (token.isCancellationRequested) return undefined;
          overlay.load({ name, source, profile, resolution });
          const mappedUris = new Map<string, boolean>();
          for (const r of resolution.files.values()) mappedUris.set(r.uri.toString(), (mappedUris.get(r.uri.toString()) ?? false) || r.approximate);
          const result: ImportResult = {
            name,
            totalMs: profile.durationMs,
            mappedFiles: mappedUris.size,
            approximateFiles: [...mappedUris.values()].filter(Boolean).length,
            missingScripts: resolution.missing,
          };
          updateStatus(result, profile.warnings);
          if (resolution.files.size === 0) {
            const why = resolution.missing.length
              ? `none of its ${resolution.missing.length} script(s) was found in this workspace (for example ${resolution.missing[0]})`
              : 'it only contains Node.js internals or scripts without a file';
            void vscode.window
              .showWarningMessage(`PerfLens: "${name}" was loaded, but no line can be shaded: ${why}.`, 'Open Profile Table')
              .then((choice) => (choice ? vscode.commands.executeCommand('perflens.openProfileEditor', source) : undefined));
          }
          return result;
        } catch (error) {
          if (isProfileError(error) && error.code === 'cancelled') return undefined;
          void vscode.window.showErrorMessage(describeLoadError(source, error));
          return undefined;
        }
      },
    );
  };

  const openProfileEditor = async (arg?: unknown): Promise<void> => {
    let uri = arg instanceof vscode.Uri ? arg : undefined;
    if (!uri) {
      // The active tab, whether it shows the profile as text or in another profile viewer.
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      const tabUri = input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom ? input.uri : vscode.window.activeTextEditor?.document.uri;
      if (tabUri && tabUri.path.toLowerCase().endsWith('.cpuprofile')) uri = tabUri;
    }
    if (!uri && overlay.active) uri = overlay.active.source;
    if (!uri) {
      const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: PROFILE_FILTERS, openLabel: 'Open Profile', title: 'PerfLens: Open Profile' });
      uri = picked?.[0];
    }
    if (uri) await vscode.commands.executeCommand('vscode.openWith', uri, ProfileEditorProvider.viewType);
  };

  context.subscriptions.push(
    vscode.commands.registerCommand('perflens.importProfile', importProfile),
    vscode.commands.registerCommand('perflens.clearProfile', () => {
      overlay.clear();
      updateStatus();
    }),
    vscode.commands.registerCommand('perflens.openProfileEditor', openProfileEditor),
    vscode.window.registerCustomEditorProvider(ProfileEditorProvider.viewType, new ProfileEditorProvider(context.extensionUri), {
      webviewOptions: { retainContextWhenHidden: false },
      supportsMultipleEditorsPerDocument: true,
    }),
  );

  return {
    decoratedLines: (uri) => overlay.decoratedLines(uri),
    active: () => (overlay.active ? { name: overlay.active.name, totalMs: overlay.active.profile.durationMs } : undefined),
    functionTimes: (uri) => overlay.functionTimes(uri),
    onDidChange: overlay.onDidChange,
  };
}
