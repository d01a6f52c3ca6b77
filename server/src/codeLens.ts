// Big-O lenses (one per function; single-line callbacks fold into their line's lens).
import type { CodeLens } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { FunctionSummary } from './analysis/types';
import { EXPLAIN_COMMAND } from './protocol';
import { legend, tooltip } from './explain';

export function lensTitle(s: FunctionSummary, l: string = legend(s)): string {
  return l ? `${s.display} · ${l}` : s.display;
}

export function codeLenses(doc: TextDocument, summaries: FunctionSummary[]): CodeLens[] {
  const lenses: CodeLens[] = [];
  const linesWithLens = new Set<number>();
  for (const s of summaries) {
    const start = doc.positionAt(s.headerSpan.start);
    const singleLine = s.line === s.endLine;
    if (singleLine && linesWithLens.has(start.line)) continue;
    linesWithLens.add(start.line);
    const l = legend(s);
    lenses.push({
      range: { start: { line: start.line, character: start.character }, end: { line: start.line, character: start.character } },
      command: { title: lensTitle(s, l), command: EXPLAIN_COMMAND, arguments: [doc.uri, start.line], tooltip: tooltip(s, l) },
    });
  }
  return lenses;
}
