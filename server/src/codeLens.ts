// Big-O lenses (one per function; single-line callbacks fold into their line's lens).
import type { CodeLens } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { FunctionSummary } from './analysis/types';
import { EXPLAIN_COMMAND } from './protocol';
import { legend, tooltip } from './explain';
import { placedFrom } from './analysis/complexity';

/** Lens text by the cached summary it was placed from, with the line it was placed at. */
const texts = new WeakMap<FunctionSummary, { line: number; title: string; tooltip: string }>();

function lensText(s: FunctionSummary): { title: string; tooltip: string } {
  const base = placedFrom.get(s);
  const memo = base && texts.get(base);
  if (memo && memo.line === s.line) return memo;
  const l = legend(s);
  const text = { line: s.line, title: lensTitle(s, l), tooltip: tooltip(s, l) };
  if (base) texts.set(base, text);
  return text;
}

export function lensTitle(s: FunctionSummary, l: string = legend(s)): string {
  return l ? `${s.display} · ${l}` : s.display;
}

/**
 * The last lens made for each cached summary (or, for one computed afresh, for the summary
 * itself): the same object for a function on the same line and column as before, however far
 * the edit moved its offset.
 */
const lastLens = new WeakMap<FunctionSummary, CodeLens>();

export function codeLenses(doc: TextDocument, summaries: FunctionSummary[]): CodeLens[] {
  const lenses: CodeLens[] = [];
  const linesWithLens = new Set<number>();
  for (const s of summaries) {
    const start = doc.positionAt(s.headerSpan.start);
    const singleLine = s.line === s.endLine;
    if (singleLine && linesWithLens.has(start.line)) continue;
    linesWithLens.add(start.line);
    const key = placedFrom.get(s) ?? s;
    const last = lastLens.get(key);
    if (last && last.range.start.line === start.line && last.range.start.character === start.character && last.command!.arguments![0] === doc.uri) {
      lenses.push(last);
      continue;
    }
    const { title, tooltip } = lensText(s);
    const lens: CodeLens = {
      range: { start: { line: start.line, character: start.character }, end: { line: start.line, character: start.character } },
      command: { title, command: EXPLAIN_COMMAND, arguments: [doc.uri, start.line], tooltip },
    };
    lastLens.set(key, lens);
    lenses.push(lens);
  }
  return lenses;
}
