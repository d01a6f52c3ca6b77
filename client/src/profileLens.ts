// Static meets measured. With a profile loaded, the server's Big-O lens of a function reads
// "O(n²) · 41% CPU (1.2 s)": the language client middleware wraps provideCodeLenses/resolveCodeLens
// and appends the measured CPU share (inclusive time / busy time) of the function starting on that
// line. A function that is both hot (≥ perflens.profile.hotThreshold % of the CPU time) and worse
// than perflens.complexity.warnAbove gets a `hot-and-complex` warning (client-side
// DiagnosticCollection, source `perflens`), and PerfLens: Show Hot and Complex Functions lists them.
//
// Refreshing lenses when the profile changes: VS Code's onDidChangeCodeLenses belongs to each
// provider, and the language client keeps its provider's emitter private. But VS Code's CodeLens
// controller re-queries *all* providers of a document whenever *any* of them fires
// onDidChangeCodeLenses. So a tiny client-side provider that never returns lenses fires its event
// on every profile change, and the server's lenses come back through this middleware with the new
// measurements (verified in the real VS Code tier, test/vscode/suite/profiles.test.ts).
import type { Middleware } from 'vscode-languageclient/node';
import * as vscode from 'vscode';
import { formatShare, lensTitleWithMeasure, splitLensTitle, worseThan } from './heat/lensText';
import type { FunctionTime, HeatOverlay } from './heat/overlay';
import { formatMs } from './profile/query';
import type { ProfileApi } from './profileFeature';

export const HOT_AND_COMPLEX_CODE = 'hot-and-complex';
export const SHOW_HOT_AND_COMPLEX_COMMAND = 'perflens.showHotAndComplex';
const LANGUAGES = ['javascript', 'typescript', 'javascriptreact', 'typescriptreact'];

export interface HotAndComplex {
  uri: vscode.Uri;
  /** 0-based line of the function (its lens). */
  line: number;
  name: string;
  bigO: string;
  percent: number;
  totalMs: number;
  selfMs: number;
}

interface LensFact {
  line: number;
  range: vscode.Range;
  bigO: string;
}

/** Joins the server's lenses with the active profile; owns the lens refresher and the diagnostics. */
export class ProfileLensJoin implements vscode.Disposable {
  private readonly refresher = new vscode.EventEmitter<void>();
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('perflens-profile');
  private readonly facts = new Map<string, { uri: vscode.Uri; lenses: LensFact[] }>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly overlay: HeatOverlay) {
    this.disposables.push(
      this.refresher,
      this.diagnostics,
      vscode.languages.registerCodeLensProvider(
        LANGUAGES.flatMap((language) => [{ language, scheme: 'file' }, { language, scheme: 'untitled' }]),
        { onDidChangeCodeLenses: this.refresher.event, provideCodeLenses: () => [] },
      ),
      overlay.onDidChange(() => this.profileChanged()),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('perflens.profile.hotThreshold') || e.affectsConfiguration('perflens.complexity.warnAbove')) this.profileChanged();
      }),
      vscode.workspace.onDidCloseTextDocument((doc) => {
        this.facts.delete(doc.uri.toString());
        this.diagnostics.delete(doc.uri);
      }),
    );
  }

  /** Fires the lens refresh and recomputes the warnings for every document seen so far. */
  private profileChanged(): void {
    this.refresher.fire();
    for (const { uri } of this.facts.values()) this.updateDiagnostics(uri);
  }

  private hotThreshold(): number {
    const v = vscode.workspace.getConfiguration('perflens.profile').get<number>('hotThreshold', 5);
    return typeof v === 'number' && Number.isFinite(v) ? Math.max(0, v) : 5;
  }

  private warnAbove(): string {
    return vscode.workspace.getConfiguration('perflens.complexity').get<string>('warnAbove', 'O(n log n)') || 'O(n log n)';
  }

  /** The measured function for a lens line: one starting on it, else just below (decorators, modifiers). */
  private timeFor(times: FunctionTime[], line: number, lensLines: Set<number>): FunctionTime | undefined {
    let best: FunctionTime | undefined;
    for (let l = line; l <= line + 2; l++) {
      if (l !== line && lensLines.has(l)) break;
      for (const t of times) if (t.line === l && (!best || t.totalMs > best.totalMs)) best = t;
      if (best) return best;
    }
    return undefined;
  }

  private readonly requests = new Map<string, number>();

  /** How many times VS Code asked for this document's lenses (lets the tests see refreshes happen). */
  lensRequests(uri: vscode.Uri): number {
    return this.requests.get(uri.toString()) ?? 0;
  }

  /**
   * Called by the middleware with the lenses the server returned: records every function's Big-O
   * (from the lens's data while the lens is unresolved, see LensData in server/src/protocol.ts)
   * and appends measurements to the lenses that already carry their command.
   */
  decorate(document: vscode.TextDocument, lenses: vscode.CodeLens[]): vscode.CodeLens[] {
    this.requests.set(document.uri.toString(), this.lensRequests(document.uri) + 1);
    const facts: LensFact[] = [];
    for (const lens of lenses) {
      const bigO = lensBigO(lens);
      if (bigO) facts.push({ line: lens.range.start.line, range: lens.range, bigO });
    }
    this.facts.set(document.uri.toString(), { uri: document.uri, lenses: facts });
    this.updateDiagnostics(document.uri);
    for (const lens of lenses) if (lens.command) this.measure(document.uri, lens);
    return lenses;
  }

  /** Called by the middleware with a lens the server resolved: appends the measurement. */
  decorateResolved(lens: vscode.CodeLens): vscode.CodeLens {
    const uri = lens.command?.arguments?.[0];
    if (typeof uri === 'string') this.measure(vscode.Uri.parse(uri), lens);
    return lens;
  }

  /** "O(n²) · 41% CPU (1.2 s)": the lens's function's measured share, when the profile has it. */
  private measure(uri: vscode.Uri, lens: vscode.CodeLens): void {
    if (!this.overlay.active || !lens.command || !splitLensTitle(lens.command.title)) return;
    const times = this.overlay.functionTimes(uri);
    if (!times.length) return;
    const lensLines = new Set((this.facts.get(uri.toString())?.lenses ?? []).map((l) => l.line));
    lensLines.add(lens.range.start.line);
    const t = this.timeFor(times, lens.range.start.line, lensLines);
    if (!t) return;
    const tooltip = `${lens.command.tooltip ? `${lens.command.tooltip}\n\n` : ''}Measured in ${this.overlay.active.name}: ${formatShare(t.percent)} of the CPU time (total ${formatMs(t.totalMs)}, self ${formatMs(t.selfMs)}).`;
    lens.command = { ...lens.command, title: lensTitleWithMeasure(lens.command.title, t), tooltip };
  }

  /** The hot-and-complex functions of a document (needs its lenses to have been seen). */
  private findings(uri: vscode.Uri): HotAndComplex[] {
    const entry = this.facts.get(uri.toString());
    if (!entry || !this.overlay.active) return [];
    const times = this.overlay.functionTimes(uri);
    if (!times.length) return [];
    const threshold = this.hotThreshold();
    const warnAbove = this.warnAbove();
    const lensLines = new Set(entry.lenses.map((l) => l.line));
    const out: HotAndComplex[] = [];
    for (const lens of entry.lenses) {
      const t = this.timeFor(times, lens.line, lensLines);
      // A low-confidence estimate (printed with a trailing "?") is shown in the lens but never
      // turned into a warning: PerfLens only warns about what it can stand behind.
      if (!t || t.percent < threshold || lens.bigO.endsWith('?') || !worseThan(lens.bigO, warnAbove)) continue;
      out.push({ uri, line: lens.line, name: t.name, bigO: lens.bigO.replace(/\?$/, ''), percent: t.percent, totalMs: t.totalMs, selfMs: t.selfMs });
    }
    return out;
  }

  private updateDiagnostics(uri: vscode.Uri): void {
    const found = this.findings(uri);
    if (!found.length) {
      this.diagnostics.delete(uri);
      return;
    }
    const warnAbove = this.warnAbove();
    const name = this.overlay.active?.name ?? 'the profile';
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    this.diagnostics.set(
      uri,
      found.map((f) => {
        const text = doc && f.line < doc.lineCount ? doc.lineAt(f.line) : undefined;
        const range = text ? new vscode.Range(f.line, text.firstNonWhitespaceCharacterIndex, f.line, text.range.end.character) : new vscode.Range(f.line, 0, f.line, 0);
        const d = new vscode.Diagnostic(
          range,
          `\`${f.name}\` is ${f.bigO} (worse than ${warnAbove}) and hot: ${formatShare(f.percent)} of the CPU time (${formatMs(f.totalMs)}) in ${name}. Reducing its complexity pays off here.`,
          vscode.DiagnosticSeverity.Warning,
        );
        d.code = HOT_AND_COMPLEX_CODE;
        d.source = 'perflens';
        return d;
      }),
    );
  }

  /**
   * Every hot-and-complex function of the active profile, by measured time (largest first). Asks
   * VS Code for the lenses of each document with heat (which runs them through the middleware).
   */
  async collect(token?: vscode.CancellationToken): Promise<HotAndComplex[]> {
    if (!this.overlay.active) return [];
    const out: HotAndComplex[] = [];
    for (const { uri } of this.overlay.documents()) {
      if (token?.isCancellationRequested) break;
      if (!this.facts.has(uri.toString())) {
        try {
          await vscode.commands.executeCommand('vscode.executeCodeLensProvider', uri, 100);
        } catch {
          // not a language the server handles
        }
      }
      out.push(...this.findings(uri));
    }
    return out.sort((a, b) => b.totalMs - a.totalMs);
  }

  /** The command: a ranked quick pick; choosing an entry opens the function. Returns the list. */
  async show(): Promise<HotAndComplex[]> {
    if (!this.overlay.active) {
      void vscode.window.showInformationMessage('PerfLens: import a CPU profile first (PerfLens: Import CPU Profile…).');
      return [];
    }
    const list = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'PerfLens: finding hot and complex functions' }, (_, token) => this.collect(token));
    if (!list.length) {
      void vscode.window.showInformationMessage(
        `PerfLens: no function is both hot (≥ ${this.hotThreshold()}% of the CPU time) and worse than ${this.warnAbove()} in ${this.overlay.active.name}.`,
      );
      return list;
    }
    const items = list.map((f) => ({
      label: `$(flame) ${f.name}`,
      description: `${f.bigO} · ${formatShare(f.percent)} CPU (${formatMs(f.totalMs)})`,
      detail: `${vscode.workspace.asRelativePath(f.uri)}:${f.line + 1}`,
      f,
    }));
    void vscode.window.showQuickPick(items, { title: `Hot and complex functions in ${this.overlay.active.name}`, matchOnDescription: true, matchOnDetail: true }).then(async (picked) => {
      if (!picked) return;
      const doc = await vscode.workspace.openTextDocument(picked.f.uri);
      const pos = new vscode.Position(picked.f.line, doc.lineAt(Math.min(picked.f.line, doc.lineCount - 1)).firstNonWhitespaceCharacterIndex);
      await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos) });
    });
    return list;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** The Big-O of a server lens: from its title once resolved, else from its data. */
function lensBigO(lens: vscode.CodeLens): string | undefined {
  if (lens.command) return splitLensTitle(lens.command.title)?.bigO;
  const data = (lens as { data?: unknown }).data;
  return Array.isArray(data) && typeof data[1] === 'string' ? splitLensTitle(data[1])?.bigO : undefined;
}

/**
 * The language client middleware (see the top of this file). The server sends most lenses without
 * their commands (those near the last edit come resolved) and VS Code resolves the ones on screen:
 * the Big-O of every function is recorded when the lenses arrive, the measurement is appended to
 * a lens when it arrives resolved or is resolved.
 */
export function createProfileLensMiddleware(profiles: ProfileApi): Middleware {
  return {
    provideCodeLenses: async (document, token, next) => {
      const lenses = await next(document, token);
      if (!lenses || token.isCancellationRequested) return lenses;
      return profiles.lensJoin.decorate(document, lenses);
    },
    resolveCodeLens: async (lens, token, next) => {
      const resolved = await next(lens, token);
      if (!resolved || token.isCancellationRequested) return resolved;
      return profiles.lensJoin.decorateResolved(resolved);
    },
  };
}
