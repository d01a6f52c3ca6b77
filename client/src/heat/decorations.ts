// The heat palette: HEAT_BUCKETS decoration types, created once, coloured with the contributed
// theme colours perflens.heat0..5 (line background and overview ruler) plus a gutter bar per bucket
// (media/heat/heatN.svg; gutter icons cannot take theme colours). Every update sets every bucket
// on every editor it touches (an empty array clears that bucket), so stale shading never survives.
// One more type marks documents whose heat was matched by file name only ("approximate").
import * as vscode from 'vscode';
import { HEAT_BUCKETS, linesByBucket } from './model';

export class HeatDecorations implements vscode.Disposable {
  private readonly types: vscode.TextEditorDecorationType[];
  private readonly approximate: vscode.TextEditorDecorationType;

  constructor(extensionUri?: vscode.Uri) {
    this.types = Array.from({ length: HEAT_BUCKETS }, (_, k) =>
      vscode.window.createTextEditorDecorationType({
        backgroundColor: new vscode.ThemeColor(`perflens.heat${k}`),
        isWholeLine: true,
        overviewRulerColor: new vscode.ThemeColor(`perflens.heat${k}`),
        overviewRulerLane: vscode.OverviewRulerLane.Right,
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
        ...(extensionUri ? { gutterIconPath: vscode.Uri.joinPath(extensionUri, 'media', 'heat', `heat${k}.svg`), gutterIconSize: 'contain' } : {}),
      }),
    );
    this.approximate = vscode.window.createTextEditorDecorationType({
      after: {
        contentText: '  ≈ PerfLens heat matched by file name (approximate)',
        color: new vscode.ThemeColor('editorCodeLens.foreground'),
        fontStyle: 'italic',
      },
      rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
    });
  }

  /** Shades `editor` with `lines` (0-based line + bucket); lines past the end are dropped. */
  apply(editor: vscode.TextEditor, lines: ReadonlyArray<{ line: number; bucket: number }>, approximate = false): void {
    const lineCount = editor.document.lineCount;
    const inside = lines.filter((l) => l.line < lineCount);
    const groups = linesByBucket(inside);
    for (let k = 0; k < HEAT_BUCKETS; k++) {
      editor.setDecorations(
        this.types[k],
        groups[k].map((line) => new vscode.Range(line, 0, line, 0)),
      );
    }
    // The marker goes on the hottest shaded line, where the eye goes first.
    const hottest = approximate && inside.length ? inside.reduce((a, b) => (b.bucket > a.bucket ? b : a)).line : -1;
    editor.setDecorations(this.approximate, hottest >= 0 ? [new vscode.Range(hottest, Number.MAX_SAFE_INTEGER, hottest, Number.MAX_SAFE_INTEGER)] : []);
  }

  clear(editor: vscode.TextEditor): void {
    for (const t of this.types) editor.setDecorations(t, []);
    editor.setDecorations(this.approximate, []);
  }

  dispose(): void {
    for (const t of this.types) t.dispose();
    this.approximate.dispose();
  }
}
