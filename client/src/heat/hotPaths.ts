// "Hot Paths" tree view (perflens.hotPaths): the active profile's top functions by self time and by
// total time, with file:line; a click opens the function's source (through source maps and path
// mappings, like the heat). Refreshes whenever the active profile changes.
import * as vscode from 'vscode';
import { busyMs, formatMs, topFunctions } from '../profile/query';
import { classifyProfileUrl } from '../profile/paths';
import type { FunctionStat, Profile } from '../profile/types';
import type { ActiveProfile } from './overlay';

export const HOT_PATHS_VIEW = 'perflens.hotPaths';
export const GO_TO_FUNCTION_COMMAND = 'perflens.goToProfileFunction';
const LIMIT = 25;

type Node = { kind: 'group'; by: 'self' | 'total' } | { kind: 'fn'; by: 'self' | 'total'; fn: FunctionStat; rank: number } | { kind: 'note'; text: string };

export function shortLocation(fn: FunctionStat): string {
  if (fn.kind !== 'js') return fn.kind === 'native' ? 'native' : '';
  const loc = classifyProfileUrl(fn.url);
  const name = 'segments' in loc ? loc.segments[loc.segments.length - 1] : fn.url || `script ${fn.scriptId}`;
  return fn.line >= 0 ? `${name}:${fn.line + 1}` : name;
}

export class HotPathsProvider implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly active: () => ActiveProfile | undefined) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  getChildren(node?: Node): Node[] {
    const active = this.active();
    if (!active) return [];
    if (!node) {
      const out: Node[] = [];
      if (active.profile.precision === 'functions') out.push({ kind: 'note', text: 'Function-level profile: no per-line data' });
      if (active.profile.estimatedTimes) out.push({ kind: 'note', text: 'Times are estimated from tick counts' });
      out.push({ kind: 'group', by: 'self' }, { kind: 'group', by: 'total' });
      return out;
    }
    if (node.kind !== 'group') return [];
    return topFunctions(active.profile, { jsOnly: true, limit: LIMIT, by: node.by })
      .filter((f) => (node.by === 'self' ? f.selfMs : f.totalMs) > 0)
      .map((fn, rank) => ({ kind: 'fn', by: node.by, fn, rank }));
  }

  getTreeItem(node: Node): vscode.TreeItem {
    const active = this.active();
    if (node.kind === 'note') {
      const item = new vscode.TreeItem(node.text, vscode.TreeItemCollapsibleState.None);
      item.iconPath = new vscode.ThemeIcon('info');
      return item;
    }
    if (node.kind === 'group') {
      const item = new vscode.TreeItem(node.by === 'self' ? 'By self time' : 'By total time', node.by === 'self' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
      item.id = `group:${node.by}:${active?.name ?? ''}:${active?.profile.thread ?? ''}`;
      item.tooltip = node.by === 'self' ? 'Time spent in the function itself' : 'Time with the function anywhere on the stack (callees included; recursion counted once)';
      return item;
    }
    const profile = active?.profile as Profile;
    const { fn } = node;
    const busy = busyMs(profile);
    const ms = node.by === 'self' ? fn.selfMs : fn.totalMs;
    const pct = busy > 0 ? (100 * ms) / busy : 0;
    const item = new vscode.TreeItem(fn.functionName || '(anonymous)', vscode.TreeItemCollapsibleState.None);
    item.id = `fn:${node.by}:${fn.id}:${active?.name ?? ''}:${profile.thread ?? ''}`;
    item.description = `${formatMs(ms)} · ${pct.toFixed(1)}%  ${shortLocation(fn)}`;
    const tip = new vscode.MarkdownString();
    tip.appendText(`${fn.functionName || '(anonymous)'}\n`);
    tip.appendText(`self ${formatMs(fn.selfMs)} (${busy > 0 ? ((100 * fn.selfMs) / busy).toFixed(1) : 0}%), total ${formatMs(fn.totalMs)} (${busy > 0 ? ((100 * fn.totalMs) / busy).toFixed(1) : 0}%)\n`);
    tip.appendText(fn.url ? `${fn.url}${fn.line >= 0 ? `:${fn.line + 1}` : ''}` : 'no source file');
    item.tooltip = tip;
    item.iconPath = new vscode.ThemeIcon('flame', new vscode.ThemeColor(pct >= 20 ? 'charts.red' : pct >= 5 ? 'charts.orange' : 'charts.yellow'));
    item.command = { title: 'Go to Function', command: GO_TO_FUNCTION_COMMAND, arguments: [fn.id] };
    item.accessibilityInformation = { label: `${fn.functionName || 'anonymous'}, ${node.by} ${formatMs(ms)}, ${pct.toFixed(1)} percent, ${shortLocation(fn)}` };
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

/**
 * Opens function `fnId` of the active profile at its (mapped) source line. Returns the editor, or
 * undefined with a message when it has no source in the workspace.
 */
export async function openFunctionSource(active: ActiveProfile | undefined, fnId: number, viewColumn: vscode.ViewColumn = vscode.ViewColumn.Active): Promise<vscode.TextEditor | undefined> {
  if (!active) return undefined;
  const fn = active.profile.functions[fnId];
  if (!fn) return undefined;
  const label = fn.functionName || '(anonymous)';
  if (fn.kind !== 'js' || fn.line < 0 || !fn.url) {
    void vscode.window.showInformationMessage(`PerfLens: ${label} is ${fn.kind === 'js' ? 'in a script without a file' : 'native or V8-internal code'}; it has no source to open.`);
    return undefined;
  }
  const target = active.resolution.files.get(fn.url);
  if (!target) {
    const internal = classifyProfileUrl(fn.url).kind === 'internal';
    void vscode.window.showWarningMessage(`PerfLens: ${label} (${fn.url}) is ${internal ? 'Node.js or browser internal code' : 'not in this workspace'}; add a perflens.profile.pathMappings entry if the profile was recorded elsewhere.`);
    return undefined;
  }
  const doc = await vscode.workspace.openTextDocument(target.uri);
  const line = Math.min(fn.line, Math.max(0, doc.lineCount - 1));
  const column = fn.column > 0 && line === fn.line ? Math.min(fn.column, doc.lineAt(line).text.length) : doc.lineAt(line).firstNonWhitespaceCharacterIndex;
  const editor = await vscode.window.showTextDocument(doc, { viewColumn, selection: new vscode.Range(line, column, line, column), preview: true });
  editor.revealRange(new vscode.Range(line, 0, line, 0), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  if (target.approximate) vscode.window.setStatusBarMessage(`PerfLens: ${fn.url} was matched to ${vscode.workspace.asRelativePath(target.uri)} by file name (approximate).`, 6000);
  return editor;
}
