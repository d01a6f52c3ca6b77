// The heat palette: HEAT_BUCKETS decoration types, created once, coloured with the contributed
// theme colours perflens.heat0..5. Every update sets every bucket on every editor it touches
// (an empty array clears that bucket), so stale shading never survives an update.
import * as vscode from 'vscode';
import { HEAT_BUCKETS, linesByBucket } from './model';

export class HeatDecorations implements vscode.Disposable {
  private readonly types: vscode.TextEditorDecorationType[];

  constructor() {
    this.types = Array.from({ length: HEAT_BUCKETS }, (_, k) =>
      vscode.window.createTextEditorDecorationType({
        backgroundColor: new vscode.ThemeColor(`perflens.heat${k}`),
        isWholeLine: true,
        overviewRulerColor: new vscode.ThemeColor(`perflens.heat${k}`),
        overviewRulerLane: vscode.OverviewRulerLane.Right,
        rangeBehavior: vscode.DecorationRangeBehavior.ClosedClosed,
      }),
    );
  }

  /** Shades `editor` with `lines` (0-based line + bucket); lines past the end are dropped. */
  apply(editor: vscode.TextEditor, lines: ReadonlyArray<{ line: number; bucket: number }>): void {
    const lineCount = editor.document.lineCount;
    const groups = linesByBucket(lines.filter((l) => l.line < lineCount));
    for (let k = 0; k < HEAT_BUCKETS; k++) {
      editor.setDecorations(
        this.types[k],
        groups[k].map((line) => new vscode.Range(line, 0, line, 0)),
      );
    }
  }

  clear(editor: vscode.TextEditor): void {
    for (const t of this.types) editor.setDecorations(t, []);
  }

  dispose(): void {
    for (const t of this.types) t.dispose();
  }
}
