// The active profile overlay: which workspace documents get which heat, kept in sync with the
// visible editors, plus the hover on shaded lines. One profile is active at a time.
import * as vscode from 'vscode';
import { busyMs, formatMs, topCallers } from '../profile/query';
import type { LineStat, Profile } from '../profile/types';
import { HeatDecorations } from './decorations';
import { bucketLines, heatScale, type HeatScale } from './model';
import { uriKey, type Resolution } from './workspaceFiles';

/** What one document shows: merged over every profile URL that maps to it. */
interface DocumentHeat {
  uri: vscode.Uri;
  approximate: boolean;
  /** Profile URLs mapped to this document. */
  urls: string[];
  /** 0-based line → merged self time / samples / function ids. */
  lines: Map<number, { selfMs: number; samples: number; functions: Set<number> }>;
  buckets: Array<{ line: number; bucket: number }>;
}

export interface ActiveProfile {
  name: string;
  /** The picked file or folder. */
  uri: vscode.Uri;
  profile: Profile;
  resolution: Resolution;
}

export interface FunctionTime {
  /** Function id in the active profile. */
  id: number;
  name: string;
  /** 0-based start line. */
  line: number;
  selfMs: number;
  totalMs: number;
  /** Inclusive (total) time as a percentage of the profile's busy (non-idle) time: its CPU share. */
  percent: number;
}

/** Untrusted text inside markdown inline code. */
const code = (s: string) => s.replace(/`/g, "'").replace(/[\r\n]+/g, ' ').slice(0, 200);

export class HeatOverlay implements vscode.Disposable {
  private readonly decorations: HeatDecorations;
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly disposables: vscode.Disposable[] = [];
  private current: ActiveProfile | undefined;
  private docs = new Map<string, DocumentHeat>();
  private scale: HeatScale = heatScale(0);
  readonly onDidChange = this.changed.event;

  constructor(extensionUri?: vscode.Uri) {
    this.decorations = new HeatDecorations(extensionUri);
    this.disposables.push(
      this.changed,
      vscode.window.onDidChangeVisibleTextEditors((editors) => this.refresh(editors)),
      vscode.languages.registerHoverProvider('*', { provideHover: (doc, pos) => this.hover(doc, pos) }),
    );
  }

  get active(): ActiveProfile | undefined {
    return this.current;
  }

  load(active: ActiveProfile): void {
    this.current = active;
    const { profile, resolution } = active;
    this.scale = heatScale(profile.maxLineMs);
    const docs = new Map<string, DocumentHeat>();
    for (const [url, resolved] of resolution.files) {
      const key = uriKey(resolved.uri);
      let doc = docs.get(key);
      if (!doc) docs.set(key, (doc = { uri: resolved.uri, approximate: false, urls: [], lines: new Map(), buckets: [] }));
      doc.urls.push(url);
      doc.approximate ||= resolved.approximate;
      for (const stat of this.linesOf(url)) {
        let line = doc.lines.get(stat.line);
        if (!line) doc.lines.set(stat.line, (line = { selfMs: 0, samples: 0, functions: new Set() }));
        line.selfMs += stat.selfMs;
        line.samples += stat.samples;
        for (const f of stat.functions) line.functions.add(f);
      }
    }
    for (const doc of docs.values()) doc.buckets = bucketLines([...doc.lines].map(([line, v]) => ({ line, selfMs: v.selfMs })), this.scale);
    this.docs = docs;
    this.refresh();
    this.changed.fire();
  }

  clear(): void {
    this.current = undefined;
    this.docs = new Map();
    this.scale = heatScale(0);
    for (const editor of vscode.window.visibleTextEditors) this.decorations.clear(editor);
    this.changed.fire();
  }

  /** Documents that received heat, with whether they were matched approximately. */
  documents(): Array<{ uri: vscode.Uri; approximate: boolean; urls: string[] }> {
    return [...this.docs.values()].map((d) => ({ uri: d.uri, approximate: d.approximate, urls: [...d.urls] }));
  }

  /** Is this document's heat matched by file name only? undefined when it has none. */
  isApproximate(uri: vscode.Uri): boolean | undefined {
    return this.docs.get(uriKey(uri))?.approximate;
  }

  /** Shaded lines (0-based) of a document with their buckets; [] when nothing is loaded. */
  decoratedLines(uri: vscode.Uri): Array<{ line: number; bucket: number }> {
    return (this.docs.get(uriKey(uri))?.buckets ?? []).map((l) => ({ ...l }));
  }

  /** Functions of the profile that live in this document. */
  functionTimes(uri: vscode.Uri): FunctionTime[] {
    const doc = this.docs.get(uriKey(uri));
    if (!doc || !this.current) return [];
    const { profile } = this.current;
    const urls = new Set(doc.urls);
    const out: FunctionTime[] = [];
    const busy = busyMs(profile);
    for (const fn of profile.functions) {
      if (fn.kind !== 'js' || !urls.has(fn.url) || fn.line < 0) continue;
      out.push({
        id: fn.id,
        name: fn.functionName || '(anonymous)',
        line: fn.line,
        selfMs: fn.selfMs,
        totalMs: fn.totalMs,
        percent: busy > 0 ? (100 * fn.totalMs) / busy : 0,
      });
    }
    return out.sort((a, b) => a.line - b.line || b.totalMs - a.totalMs);
  }

  /** Re-applies (or clears) heat on the given editors (default: all visible). */
  refresh(editors: readonly vscode.TextEditor[] = vscode.window.visibleTextEditors): void {
    for (const editor of editors) {
      const doc = this.docs.get(uriKey(editor.document.uri));
      if (doc) this.decorations.apply(editor, doc.buckets, doc.approximate);
      else this.decorations.clear(editor);
    }
  }

  private linesOf(url: string): LineStat[] {
    return this.current?.profile.files.get(url)?.lines ?? [];
  }

  private hover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    if (!this.current) return undefined;
    const doc = this.docs.get(uriKey(document.uri));
    const line = doc?.lines.get(position.line);
    if (!doc || !line || !doc.buckets.some((b) => b.line === position.line)) return undefined;
    const { profile, name } = this.current;
    const busy = busyMs(profile);
    const pct = busy > 0 ? (100 * line.selfMs) / busy : 0;
    const samples = Math.round(line.samples);
    const md = new vscode.MarkdownString();
    md.supportThemeIcons = true;
    const what = profile.precision === 'functions' ? 'function self' : 'self';
    md.appendMarkdown(`$(flame) **${what} ${formatMs(line.selfMs)}** · ${pct.toFixed(1)}% of profile · ${samples} sample${samples === 1 ? '' : 's'}${profile.estimatedTimes ? ' (estimated times)' : ''}`);
    const fns = [...line.functions].map((id) => profile.functions[id]).sort((a, b) => b.totalMs - a.totalMs).slice(0, 3);
    for (const f of fns) {
      md.appendMarkdown('\n\n');
      md.appendMarkdown(`in \`${code(f.functionName || '(anonymous)')}\`: self ${formatMs(f.selfMs)}, total ${formatMs(f.totalMs)} (${busy > 0 ? ((100 * f.totalMs) / busy).toFixed(1) : '0'}%)`);
      const callers = topCallers(profile, f.id, 3);
      if (callers.length) {
        md.appendMarkdown('  \ntop callers: ');
        md.appendMarkdown(
          callers
            .map((c) => `\`${code(c.fn < 0 ? '(top level)' : profile.functions[c.fn].functionName || '(anonymous)')}\` ${formatMs(c.ms)}`)
            .join(', '),
        );
      }
    }
    md.appendMarkdown('\n\n');
    const notes: string[] = [];
    if (doc.approximate) notes.push(`approximate: matched by file name from ${doc.urls[0]}`);
    if (profile.precision === 'functions') notes.push('this profile has no line positions: the whole function is shown on its first line');
    md.appendText(`PerfLens profile ${name}${notes.length ? ` (${notes.join('; ')})` : ''}`);
    return new vscode.Hover(md, new vscode.Range(position.line, 0, position.line, 0));
  }

  dispose(): void {
    this.decorations.dispose();
    for (const d of this.disposables) d.dispose();
  }
}
