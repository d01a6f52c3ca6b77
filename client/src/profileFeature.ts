// Profile features (VS Code glue): import/switch/clear commands, the heat overlay with its hover,
// the Hot Paths view, the read-only profile editor, the status bar entry, the lens join with its
// hot-and-complex warnings, and the API the tests and the lens middleware use.
// Several profiles can be loaded; one is active (shown as heat, lenses and Hot Paths).
import * as vscode from 'vscode';
import { ProfileEditorProvider } from './editor/profileEditorProvider';
import { describeLoadError, fileName, loadProfile, setExtensionPath, type LoadedProfile } from './editor/loadProfile';
import { GO_TO_FUNCTION_COMMAND, HOT_PATHS_VIEW, HotPathsProvider, openFunctionSource } from './heat/hotPaths';
import { HeatOverlay, type FunctionTime } from './heat/overlay';
import { isProfileError } from './profile/errors';
import { busyMs, formatMs } from './profile/query';
import { FORMAT_LABELS, type Precision, type ProfileFormat } from './profile/types';
import { ProfileLensJoin, SHOW_HOT_AND_COMPLEX_COMMAND, type HotAndComplex } from './profileLens';

export interface ProfileApi {
  /** Shaded lines (0-based) of a document, with their heat bucket (0 coolest … 5 hottest). */
  decoratedLines(uri: vscode.Uri): Array<{ line: number; bucket: number }>;
  /** The active profile, if any. */
  active(): { name: string; totalMs: number; format: ProfileFormat; precision: Precision; thread?: string; threads: number } | undefined;
  /** Functions of the active profile in a document; `percent` is total (inclusive) time as % of the busy time. */
  functionTimes(uri: vscode.Uri): FunctionTime[];
  /** Names of the loaded profiles (the active one is among them). */
  list(): string[];
  /** Makes a loaded profile active; false when no profile has that name. */
  activate(name: string): boolean;
  /** Functions that are both hot and worse than perflens.complexity.warnAbove, by measured time. */
  hotAndComplex(): Promise<HotAndComplex[]>;
  /** Fires after a profile is loaded, switched or cleared. */
  onDidChange: vscode.Event<void>;
  /** Used by the language client middleware (profileLens.ts). */
  readonly lensJoin: ProfileLensJoin;
}

export interface ImportResult {
  name: string;
  totalMs: number;
  format: ProfileFormat;
  /** Workspace files that received heat. */
  mappedFiles: number;
  approximateFiles: number;
  missingScripts: string[];
}

export const PROFILE_FILTERS: Record<string, string[]> = {
  'CPU profiles': ['cpuprofile', 'json', 'clinic-flame-samples'],
  'All files': ['*'],
};

/** The loaded profiles; one is active. */
class ProfileStore {
  private entries: LoadedProfile[] = [];
  private activeIndex = -1;

  get active(): LoadedProfile | undefined {
    return this.entries[this.activeIndex];
  }
  get all(): readonly LoadedProfile[] {
    return this.entries;
  }
  /** Adds (or replaces the entry for the same file) and makes it active. */
  add(loaded: LoadedProfile): void {
    const i = this.entries.findIndex((e) => e.uri.toString() === loaded.uri.toString());
    if (i >= 0) {
      this.entries[i] = loaded;
      this.activeIndex = i;
    } else {
      this.entries.push(loaded);
      this.activeIndex = this.entries.length - 1;
    }
  }
  activate(index: number): LoadedProfile | undefined {
    if (index < 0 || index >= this.entries.length) return undefined;
    this.activeIndex = index;
    return this.entries[index];
  }
  removeActive(): void {
    if (this.activeIndex < 0) return;
    this.entries.splice(this.activeIndex, 1);
    this.activeIndex = this.entries.length ? Math.min(this.activeIndex, this.entries.length - 1) : -1;
  }
  clear(): void {
    this.entries = [];
    this.activeIndex = -1;
  }
}

function summary(loaded: LoadedProfile): string {
  const p = loaded.profile;
  const thread = p.threads.length > 1 ? ` · ${p.threads.find((t) => t.id === p.thread)?.label ?? p.thread}` : '';
  return `${FORMAT_LABELS[p.format]} · ${formatMs(p.durationMs)} · ${p.sampleCount.toLocaleString()} samples${p.precision === 'functions' ? ' · per function' : ''}${thread}`;
}

export function registerProfileFeatures(context: vscode.ExtensionContext): ProfileApi {
  setExtensionPath(context.extensionPath);
  const overlay = new HeatOverlay(context.extensionUri);
  const store = new ProfileStore();
  const lensJoin = new ProfileLensJoin(overlay);
  const hotPaths = new HotPathsProvider(() => overlay.active);
  const status = vscode.window.createStatusBarItem('perflens.profile', vscode.StatusBarAlignment.Left, 0);
  status.name = 'PerfLens Profile';
  const editorProvider = new ProfileEditorProvider(context.extensionUri);
  context.subscriptions.push(overlay, lensJoin, hotPaths, status, editorProvider);

  const show = (loaded: LoadedProfile | undefined) => {
    if (loaded) overlay.load({ name: loaded.name, uri: loaded.uri, profile: loaded.profile, resolution: loaded.resolution });
    else overlay.clear();
    void vscode.commands.executeCommand('setContext', 'perflens.profileLoaded', !!loaded);
    void vscode.commands.executeCommand('setContext', 'perflens.profileHasThreads', (loaded?.profile.threads.length ?? 0) > 1);
    hotPaths.refresh();
    updateStatus();
  };

  const updateStatus = () => {
    const active = store.active;
    if (!active) {
      status.hide();
      return;
    }
    const count = store.all.length;
    status.text = `$(flame) ${active.name}${count > 1 ? ` (${store.all.indexOf(active) + 1}/${count})` : ''}`;
    const tip = new vscode.MarkdownString();
    const p = active.profile;
    tip.appendText(`PerfLens profile ${active.name}\n${summary(active)}\n\n`);
    const docs = overlay.documents();
    const approx = docs.filter((d) => d.approximate).length;
    tip.appendText(`Heat on ${docs.length} workspace file(s)${approx ? `, ${approx} matched by file name only (approximate)` : ''}.`);
    if (active.resolution.missing.length) tip.appendText(`\n${active.resolution.missing.length} script(s) not found in the workspace (set perflens.profile.pathMappings if it was recorded elsewhere).`);
    if (p.sourceMapped.length) tip.appendText(`\n${p.sourceMapped.length} script(s) mapped through source maps.`);
    for (const n of p.notes.slice(0, 4)) tip.appendText(`\n\n${n}`);
    for (const w of p.warnings.slice(0, 4)) tip.appendText(`\n\nNote: ${w}`);
    tip.appendText('\n\nClick to switch, open or clear profiles.');
    status.tooltip = tip;
    status.command = 'perflens.profileMenu';
    status.accessibilityInformation = { label: `PerfLens profile ${active.name}, ${count} loaded. Click to switch, open or clear.` };
    status.show();
  };

  const load = async (uri: vscode.Uri, thread?: string): Promise<ImportResult | undefined> => {
    const name = fileName(uri);
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `PerfLens: importing ${name}`, cancellable: true },
      async (progress, token) => {
        try {
          const loaded = await loadProfile(uri, { thread, token, report: (message) => progress.report({ message }) });
          if (token.isCancellationRequested) return undefined;
          store.add(loaded);
          show(loaded);
          const docs = overlay.documents();
          const result: ImportResult = {
            name,
            totalMs: loaded.profile.durationMs,
            format: loaded.profile.format,
            mappedFiles: docs.length,
            approximateFiles: docs.filter((d) => d.approximate).length,
            missingScripts: loaded.resolution.missing,
          };
          if (docs.length === 0) {
            const why = loaded.resolution.missing.length
              ? `none of its ${loaded.resolution.missing.length} script(s) was found in this workspace (for example ${loaded.resolution.missing[0]}); if it was recorded on another machine or in a container, set perflens.profile.pathMappings`
              : 'it only contains Node.js internals or scripts without a file';
            const offer = loaded.folder ? [] : ['Open Profile'];
            void vscode.window.showWarningMessage(`PerfLens: "${name}" was loaded, but no line can be shaded: ${why}.`, ...offer).then((choice) => (choice ? openEditor(uri) : undefined));
          } else if (loaded.profile.precision === 'functions') {
            vscode.window.setStatusBarMessage(`PerfLens: ${name} has no line positions; heat is per function.`, 8000);
          }
          return result;
        } catch (error) {
          if (isProfileError(error) && error.code === 'cancelled') return undefined;
          void vscode.window.showErrorMessage(describeLoadError(uri, error));
          return undefined;
        }
      },
    );
  };

  const importProfile = async (arg?: unknown): Promise<ImportResult | undefined> => {
    let uri = arg instanceof vscode.Uri ? arg : undefined;
    if (!uri) {
      const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: PROFILE_FILTERS, openLabel: 'Import Profile', title: 'PerfLens: Import CPU Profile' });
      uri = picked?.[0];
    }
    return uri ? load(uri) : undefined;
  };

  const importFolder = async (arg?: unknown): Promise<ImportResult | undefined> => {
    let uri = arg instanceof vscode.Uri ? arg : undefined;
    if (!uri) {
      const picked = await vscode.window.showOpenDialog({ canSelectMany: false, canSelectFiles: false, canSelectFolders: true, openLabel: 'Import Folder', title: 'PerfLens: Import a Clinic.js flame or 0x folder' });
      uri = picked?.[0];
    }
    return uri ? load(uri) : undefined;
  };

  const openEditor = async (uri: vscode.Uri) => {
    await vscode.commands.executeCommand('vscode.openWith', uri, ProfileEditorProvider.viewType);
  };

  const openProfileEditor = async (arg?: unknown): Promise<void> => {
    let uri = arg instanceof vscode.Uri ? arg : undefined;
    if (!uri) {
      // The active tab, whether it shows the profile as text or in another profile viewer.
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      const tabUri = input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom ? input.uri : vscode.window.activeTextEditor?.document.uri;
      if (tabUri && /\.(cpuprofile|json|clinic-flame-samples|log)$/i.test(tabUri.path)) uri = tabUri;
    }
    if (!uri && store.active && !store.active.folder) uri = store.active.uri;
    if (!uri) {
      const picked = await vscode.window.showOpenDialog({ canSelectMany: false, filters: PROFILE_FILTERS, openLabel: 'Open Profile', title: 'PerfLens: Open Profile' });
      uri = picked?.[0];
    }
    if (uri) await openEditor(uri);
  };

  const switchThread = async (): Promise<void> => {
    const active = store.active;
    if (!active) return;
    const { threads, thread } = active.profile;
    if (threads.length < 2) {
      void vscode.window.showInformationMessage(`PerfLens: ${active.name} holds a single profile.`);
      return;
    }
    const picked = await vscode.window.showQuickPick(
      threads.map((t) => ({ label: t.label, description: `${t.samples.toLocaleString()} samples${t.id === thread ? ' · shown' : ''}`, id: t.id })),
      { title: `Profiles (threads) in ${active.name}`, placeHolder: 'Show the heat of…' },
    );
    if (picked && picked.id !== thread) await load(active.uri, picked.id);
  };

  const switchProfile = async (): Promise<void> => {
    const items = store.all.map((e, index) => ({ label: `${e === store.active ? '$(check) ' : ''}${e.name}`, description: summary(e), index }));
    const picked = await vscode.window.showQuickPick(items, { title: 'PerfLens: switch the active profile' });
    if (picked) show(store.activate(picked.index));
  };

  const profileMenu = async (): Promise<void> => {
    type Item = vscode.QuickPickItem & { run?: () => unknown };
    const items: Item[] = [];
    for (const [index, e] of store.all.entries()) {
      items.push({ label: `${e === store.active ? '$(check)' : '$(flame)'} ${e.name}`, description: summary(e), run: () => show(store.activate(index)) });
    }
    items.push({ label: '', kind: vscode.QuickPickItemKind.Separator });
    if ((store.active?.profile.threads.length ?? 0) > 1) items.push({ label: '$(list-selection) Switch thread…', run: switchThread });
    if (store.active && !store.active.folder) items.push({ label: '$(graph) Open in PerfLens profile editor', run: () => openEditor(store.active!.uri) });
    if (store.active) items.push({ label: '$(warning) Show hot and complex functions', run: () => lensJoin.show() });
    items.push({ label: '$(add) Import another profile…', run: () => importProfile() });
    if (store.active) items.push({ label: `$(close) Clear ${store.active.name}`, run: clearActive });
    if (store.all.length > 1) items.push({ label: '$(clear-all) Clear all profiles', run: clearAll });
    const picked = await vscode.window.showQuickPick(items, { title: 'PerfLens profiles' });
    await picked?.run?.();
  };

  const clearActive = () => {
    store.removeActive();
    show(store.active);
  };
  const clearAll = () => {
    store.clear();
    show(undefined);
  };

  const hotPathsView = vscode.window.createTreeView(HOT_PATHS_VIEW, { treeDataProvider: hotPaths, showCollapseAll: true });
  context.subscriptions.push(
    hotPathsView,
    overlay.onDidChange(() => {
      const a = store.active;
      hotPathsView.message = a ? `${a.name} · ${formatMs(busyMs(a.profile))} of CPU` : undefined;
    }),
    vscode.commands.registerCommand('perflens.importProfile', importProfile),
    vscode.commands.registerCommand('perflens.importProfileFolder', importFolder),
    vscode.commands.registerCommand('perflens.clearProfile', clearActive),
    vscode.commands.registerCommand('perflens.clearAllProfiles', clearAll),
    vscode.commands.registerCommand('perflens.switchProfile', switchProfile),
    vscode.commands.registerCommand('perflens.switchProfileThread', switchThread),
    vscode.commands.registerCommand('perflens.profileMenu', profileMenu),
    vscode.commands.registerCommand('perflens.openProfileEditor', openProfileEditor),
    vscode.commands.registerCommand(SHOW_HOT_AND_COMPLEX_COMMAND, () => lensJoin.show()),
    vscode.commands.registerCommand(GO_TO_FUNCTION_COMMAND, (fnId: unknown) => (typeof fnId === 'number' ? openFunctionSource(overlay.active, fnId) : undefined)),
    vscode.window.registerCustomEditorProvider(ProfileEditorProvider.viewType, editorProvider, {
      webviewOptions: { retainContextWhenHidden: false },
      supportsMultipleEditorsPerDocument: true,
    }),
  );
  if (context.extensionMode !== vscode.ExtensionMode.Production) {
    // Test-only: drives the profile editor's webview like a user (see ProfileEditorProvider.simulateClick).
    context.subscriptions.push(vscode.commands.registerCommand('perflens.test.clickProfileRow', (functionName: string, view?: 'functions' | 'flame' | 'top-down' | 'bottom-up') => editorProvider.simulateClick(functionName, view)));
  }

  return {
    decoratedLines: (uri) => overlay.decoratedLines(uri),
    active: () => {
      const a = store.active;
      return a ? { name: a.name, totalMs: a.profile.durationMs, format: a.profile.format, precision: a.profile.precision, thread: a.profile.thread, threads: a.profile.threads.length } : undefined;
    },
    functionTimes: (uri) => overlay.functionTimes(uri),
    list: () => store.all.map((e) => e.name),
    activate: (name) => {
      const index = store.all.findIndex((e) => e.name === name);
      if (index < 0) return false;
      show(store.activate(index));
      return true;
    },
    hotAndComplex: () => lensJoin.collect(),
    onDidChange: overlay.onDidChange,
    lensJoin,
  };
}
