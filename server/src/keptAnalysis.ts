// The last complete analysis of a document, moved through the edits made since, for while the
// document does not parse into the shape it had (see the language server's runJob).
//
// A half-typed token can end a function, a class or the whole file early: `rows.` before the
// next line's `try {`, a space typed inside a name. TypeScript's error recovery then gives every
// function after that point another shape (or none), so their estimates say nothing about the
// code the user is looking at, and lenses flicker from one keystroke to the next. ESLint reports
// nothing but the parse error until the file parses. PerfLens keeps the estimates it had, moved
// with the text, until the parse errors the edit added are gone or the user types in a single
// function (an update re-parsed as that function's alone); the file is analysed then.
//
// No LSP or vscode imports: this is plain data in, plain data out.
import type { ts } from 'ts-morph';
import type { FileAnalysis, Finding, FunctionSummary, RelatedInfo, Span } from './analysis/types';
import { placedFrom } from './analysis/complexity';
import { changeRange } from './analysis/project/document';

/** One changed range: `[start, oldEnd)` of the old text became `[start, newEnd)` of the new one. */
export interface TextChange {
  start: number;
  oldEnd: number;
  newEnd: number;
  /** Its 0-based lines: of `start`, of `oldEnd` in the old text and of `newEnd` in the new one. */
  startLine: number;
  oldEndLine: number;
  newEndLine: number;
  /** Only blanks precede `start` on its line (in the old text): what starts on that line starts after the change. */
  startsLine: boolean;
  /** The new text of the range is blanks only (spaces, tabs, line breaks). */
  blank: boolean;
  /**
   * For a deletion: how far to the left the deleted range could start as well (the text before
   * it ends as the deleted text does: deleting a function before another that also starts with
   * `export `). What starts that close to its end starts after it.
   */
  slack?: number;
}

/** The change from `before`'s text to `after`'s (their common prefix and suffix left out). */
export function changeBetween(before: ts.SourceFile, after: ts.SourceFile): TextChange {
  const range = changeRange(before.text, after.text);
  const start = range.span.start;
  const oldEnd = start + range.span.length;
  const newEnd = start + range.newLength;
  const startLine = before.getLineAndCharacterOfPosition(start).line;
  let slack = 0;
  if (newEnd === start) {
    const t = before.text;
    while (slack < 1024 && slack < start && slack < oldEnd - start && t.charCodeAt(start - slack - 1) === t.charCodeAt(oldEnd - slack - 1)) slack++;
  }
  return {
    start,
    oldEnd,
    newEnd,
    startLine,
    oldEndLine: before.getLineAndCharacterOfPosition(oldEnd).line,
    newEndLine: after.getLineAndCharacterOfPosition(newEnd).line,
    startsLine: !/\S/.test(before.text.slice(before.getPositionOfLineAndCharacter(startLine, 0), start)),
    blank: !/\S/.test(after.text.slice(start, newEnd)),
    slack,
  };
}

/** Why a moved finding offers no fix (its fixes were computed for the text before the edits). */
export const KEPT_NO_FIX = 'PerfLens is waiting for the file to parse again before it offers fixes.';

/**
 * `analysis` (of the old text) moved onto the new text: offsets after the change move by its
 * length difference, lines come from `lineOf` (0-based line of an offset in the new text).
 * Functions and findings whose anchor falls inside the changed range are dropped: their code
 * changed. Those that end before the change are the same objects. Findings offer no fixes.
 */
export function moveAnalysis(analysis: FileAnalysis, change: TextChange, lineOf: (offset: number) => number, syntaxErrors: number): FileAnalysis {
  const { start, oldEnd, newEnd } = change;
  const delta = newEnd - oldEnd;
  // An offset in the old text, in the new one. What starts where text is inserted comes after
  // it; what ends there, before it. Inside a replaced range: a start to the range's start (`left`),
  // an end to the end of the new text.
  const after = oldEnd - (change.slack ?? 0);
  const at = (o: number, left: boolean): number => (o < start || (o === start && (!left || oldEnd > start)) ? o : o >= oldEnd || (left && o >= after) ? o + delta : left ? start : newEnd);
  // Findings name lines in their messages ("(line 12)", "loop at line 12"): 1-based, moved as
  // the code on them is.
  const { startLine, oldEndLine, newEndLine } = change;
  const lineDelta = newEndLine - oldEndLine;
  const moveLine = (line: number): number => {
    const l = line - 1;
    if (l === startLine && startLine === oldEndLine) return change.startsLine ? line + lineDelta : line;
    return l <= startLine ? line : l >= oldEndLine ? line + lineDelta : startLine + 1;
  };
  const moveLines = (message: string): string =>
    lineDelta === 0 && startLine === oldEndLine ? message : message.replace(/\((line )(\d+)\)|\b(at line )(\d+)\b/g, (m, a?: string, n?: string, b?: string, k?: string) => (a ? `(${a}${moveLine(Number(n))})` : `${b}${moveLine(Number(k))}`));
  const touched = (s: Span): boolean => s.start < oldEnd && s.end > start;
  // (a function's name or parameters edited: anything but blanks typed right before or after them counts)
  const headerEdited = (h: Span): boolean => touched(h) || (h.start >= start && h.start < oldEnd) || (!change.blank && oldEnd === start && (start === h.start || start === h.end));
  const moveSpan = (s: Span): Span => ({ start: at(s.start, true), end: at(s.end, false) });

  const summaries: FunctionSummary[] = [];
  for (const s of analysis.summaries) {
    if (s.span.end <= start) {
      summaries.push(s);
      continue;
    }
    // (a function whose header was edited: its name or parameters may be anything now)
    if (headerEdited(s.headerSpan)) continue;
    const span = moveSpan(s.span);
    const moved: FunctionSummary = {
      ...s,
      span,
      headerSpan: moveSpan(s.headerSpan),
      line: lineOf(span.start) + 1,
      endLine: lineOf(Math.max(span.start, span.end - 1)) + 1,
      evidence: s.evidence.filter((e) => !touched(e.span)).map((e) => {
        const es = moveSpan(e.span);
        return { ...e, span: es, line: lineOf(es.start) + 1 };
      }),
    };
    // A function after the change moved as a whole: its lens and lens text are found again from
    // the summary it was placed from (see LensBook). One the change is inside gets them anew.
    const base = s.span.start >= oldEnd ? placedFrom.get(s) : undefined;
    if (base) placedFrom.set(moved, base);
    summaries.push(moved);
  }

  const findings: Finding[] = [];
  for (const f of analysis.findings) {
    if (f.span.start >= start && f.span.start < oldEnd) continue;
    const related = f.related?.map((r): RelatedInfo => (r.fileName ? r : { ...r, span: moveSpan(r.span), message: moveLines(r.message) }));
    const moved: Finding = { rule: f.rule, severity: f.severity, span: f.span.end <= start ? f.span : moveSpan(f.span), message: moveLines(f.message), noFixReason: KEPT_NO_FIX };
    if (related) moved.related = related;
    if (f.confidence) moved.confidence = f.confidence;
    findings.push(moved);
  }
  return { fileName: analysis.fileName, summaries, findings, syntaxErrors };
}
