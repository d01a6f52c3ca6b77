// Big-O lenses (one per function; single-line callbacks fold into their line's lens).
import type { CodeLens } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { FunctionSummary } from './analysis/types';
import { EXPLAIN_COMMAND, type LensData } from './protocol';
import { legend, tooltip } from './explain';
import { placedFrom } from './analysis/complexity';
import { lineStartOf } from './lines';

type Position = { line: number; character: number };

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

function lensCommand(uri: string, s: FunctionSummary, line: number): NonNullable<CodeLens['command']> {
  const { title, tooltip } = lensText(s);
  return { title, command: EXPLAIN_COMMAND, arguments: [uri, line], tooltip };
}

/**
 * Where the lenses go: `place(summary, start)` for each function with a lens, in the order of
 * `summaries` (from index `from`). A single-line function on a line that already has a lens gets
 * none (`hasLine`: whether a lens placed before `from` is on that line). `counted(n)`, after each
 * summary, gets the number of lenses placed so far (from `from`).
 */
function placeLenses(
  doc: TextDocument,
  summaries: FunctionSummary[],
  place: (s: FunctionSummary, start: Position) => void,
  from = 0,
  hasLine?: (line: number) => boolean,
  counted?: (n: number) => void,
): void {
  const linesWithLens = new Set<number>();
  let count = 0;
  for (let i = from; i < summaries.length; i++) {
    const s = summaries[i];
    const start = doc.positionAt(s.headerSpan.start);
    const singleLine = s.line === s.endLine;
    if (!(singleLine && (linesWithLens.has(start.line) || hasLine?.(start.line)))) {
      linesWithLens.add(start.line);
      place(s, start);
      count++;
    }
    counted?.(count);
  }
}

/**
 * The last lens made for each cached summary (or, for one computed afresh, for the summary
 * itself): the same object for a function on the same line and column as before, however far
 * the edit moved its offset.
 */
const lastLens = new WeakMap<FunctionSummary, CodeLens>();

/** The lenses with their commands, all made at once (the tests' reference; the server sends them unresolved, see LensBook). */
export function codeLenses(doc: TextDocument, summaries: FunctionSummary[]): CodeLens[] {
  const lenses: CodeLens[] = [];
  placeLenses(doc, summaries, (s, start) => {
    const key = placedFrom.get(s) ?? s;
    const last = lastLens.get(key);
    if (last && samePosition(last.range.start, start) && last.command!.arguments![0] === doc.uri) {
      lenses.push(last);
      return;
    }
    const lens: CodeLens = { range: { start: { line: start.line, character: start.character }, end: { line: start.line, character: start.character } }, command: lensCommand(doc.uri, s, start.line) };
    lastLens.set(key, lens);
    lenses.push(lens);
  });
  return lenses;
}

/** Lenses this many lines or fewer from the user's line come with their commands (see LensBook). */
export const RESOLVED_AROUND = 60;

/** What LensBook keeps of the set last sent for a document. */
interface SentLenses {
  /** Its number in the lenses' `data` (LensData). */
  no: number;
  /** The lenses as sent (those near the focus resolved), and the summary each was placed from. */
  lenses: CodeLens[];
  summaries: FunctionSummary[];
  /** Whether the lenses' positions strictly increase (resolve searches them by halves). */
  sorted: boolean;
  /** The summaries the set was made from, the lenses unresolved, and how many lenses the summaries before each index gave. */
  given: FunctionSummary[];
  stubs: CodeLens[];
  lensesBefore: number[];
  /** Where each lens's line started. */
  lineStarts: number[];
}

/**
 * The lenses as `textDocument/codeLens` answers them, and their commands for `codeLens/resolve`.
 *
 * A 5,000-line file has about 600 lenses, and their commands (title, explanation tooltip, the
 * document's URI) were three quarters of a 220 KB response, made, encoded, sent and decoded again
 * on every keystroke. So the response carries ranges and a short `data` ({@link LensData}) only;
 * VS Code resolves the lenses it shows (the pattern VS Code's CodeLensProvider API recommends,
 * and VS Code keeps showing a lens's previous text until its resolve arrives). The command is
 * made for the function at the lens's position in the set last sent for the document, which is
 * the set the client resolves from.
 *
 * Lenses within {@link RESOLVED_AROUND} lines of where the user is (the last edit's line, or the
 * top of a document not edited yet) come resolved: those are the ones on screen while typing, and
 * VS Code resolves only lenses that come without a command, so the lens of the function being
 * typed in updates without a second round trip (~15 lenses, ~300 bytes each, on GitApi.js).
 */
export class LensBook {
  private readonly sent = new Map<string, SentLenses>();
  private readonly uris = new Map<number, string>();
  private next = 1;
  /** The last lens sent for each cached summary (see lastLens): reused while it stays in place. */
  private readonly stubs = new WeakMap<FunctionSummary, CodeLens>();

  /**
   * The lenses of a document's functions, remembered for their resolve: unresolved but for those
   * within RESOLVED_AROUND lines of `focus` (a line; none without one).
   *
   * The lenses of the leading functions whose summaries are the very objects of the last set (the
   * analysis places a function that did not move as the same object: those before the edit) are
   * the last set's, once their lines are seen to start where they did: their positions are not
   * computed again. On GitApi.js that is half of the ~600 lenses of a keystroke on average, each a
   * line lookup and a look in the stub table, memory the keystroke does not otherwise touch.
   */
  publish(doc: TextDocument, summaries: FunctionSummary[], focus?: number): CodeLens[] {
    let entry = this.sent.get(doc.uri);
    if (!entry) {
      entry = { no: this.next++, lenses: [], summaries: [], sorted: true, given: [], stubs: [], lensesBefore: [0], lineStarts: [] };
      this.sent.set(doc.uri, entry);
      this.uris.set(entry.no, doc.uri);
    }
    const no = entry.no;
    // The leading summaries (k of them, with n lenses) whose lenses are the last set's.
    let k = 0;
    let n = 0;
    const { given, lensesBefore } = entry;
    const max = Math.min(given.length, summaries.length);
    while (k < max && summaries[k] === given[k]) {
      const next = lensesBefore[k + 1];
      // (a lens of its own: its line must start where it did, or the lens is not in its place)
      if (next > n && lineStartOf(doc, entry.stubs[n].range.start.line) !== entry.lineStarts[n]) break;
      n = next;
      k++;
    }
    const lenses: CodeLens[] = entry.stubs.slice(0, n);
    const stubs: CodeLens[] = lenses.slice();
    const placed: FunctionSummary[] = entry.summaries.slice(0, n);
    const lineStarts: number[] = entry.lineStarts.slice(0, n);
    const before: number[] = lensesBefore.slice(0, k + 1);
    // (a prefix of a sorted set is sorted; of another, taken as not: resolve then searches it all)
    const keptSorted = entry.sorted;
    let sorted = keptSorted;
    let previous: Position | undefined = n ? stubs[n - 1].range.start : undefined;
    // the lines of the kept lenses, for the single-line functions after them (see placeLenses)
    let keptLines: Set<number> | undefined;
    const keptHasLine = (line: number): boolean => {
      if (!n) return false;
      if (keptSorted) return stubs[n - 1].range.start.line >= line && findLine(stubs, n, line) >= 0;
      if (!keptLines) keptLines = new Set(stubs.slice(0, n).map((l) => l.range.start.line));
      return keptLines.has(line);
    };
    placeLenses(
      doc,
      summaries,
      (s, start) => {
        const key = placedFrom.get(s) ?? s;
        let lens = this.stubs.get(key);
        const data = lens?.data as LensData | undefined;
        if (!lens || !samePosition(lens.range.start, start) || data![0] !== no || data![1] !== s.display) {
          const at = { line: start.line, character: start.character };
          lens = { range: { start: at, end: at }, data: [no, s.display] satisfies LensData };
          this.stubs.set(key, lens);
        }
        if (previous && comparePositions(previous, start) >= 0) sorted = false;
        previous = start;
        stubs.push(lens);
        lineStarts.push(lineStartOf(doc, start.line));
        if (focus !== undefined && Math.abs(start.line - focus) <= RESOLVED_AROUND) lens = { range: lens.range, command: lensCommand(doc.uri, s, start.line), data: lens.data };
        lenses.push(lens);
        placed.push(s);
      },
      k,
      keptHasLine,
      (count) => before.push(count + n),
    );
    // the kept lenses near the focus come resolved
    if (focus !== undefined && n) {
      let j = keptSorted ? lowerBoundLine(stubs, n, focus - RESOLVED_AROUND) : 0;
      for (; j < n; j++) {
        const line = stubs[j].range.start.line;
        if (line > focus + RESOLVED_AROUND) {
          if (keptSorted) break;
          continue;
        }
        if (line >= focus - RESOLVED_AROUND) lenses[j] = { range: stubs[j].range, command: lensCommand(doc.uri, placed[j], line), data: stubs[j].data };
      }
    }
    entry.lenses = lenses;
    entry.summaries = placed;
    entry.sorted = sorted;
    // (a copy: the server empties a superseded analysis's list)
    entry.given = summaries.slice();
    entry.stubs = stubs;
    entry.lensesBefore = before;
    entry.lineStarts = lineStarts;
    return lenses;
  }

  /**
   * The lens with its command: that of the function at the lens's position in the set last sent
   * for its document. A lens no longer there (the document changed or closed since) gets its
   * Big-O as title.
   */
  resolve(lens: CodeLens): CodeLens {
    const data = lens.data as LensData | undefined;
    const uri = Array.isArray(data) ? this.uris.get(data[0]) : undefined;
    const entry = uri === undefined ? undefined : this.sent.get(uri);
    const start = lens.range.start;
    const i = entry ? (entry.sorted ? findSorted(entry.lenses, start) : entry.lenses.findIndex((l) => samePosition(l.range.start, start))) : -1;
    if (i >= 0) return { range: lens.range, command: lensCommand(uri!, entry!.summaries[i], start.line), data };
    const title = Array.isArray(data) && typeof data[1] === 'string' ? data[1] : 'PerfLens';
    return { range: lens.range, command: uri === undefined ? { title, command: '' } : { title, command: EXPLAIN_COMMAND, arguments: [uri, start.line] }, data };
  }

  /** Forget a closed document's lenses. */
  forget(uri: string): void {
    const entry = this.sent.get(uri);
    if (!entry) return;
    this.sent.delete(uri);
    this.uris.delete(entry.no);
  }

  /** Documents with lenses kept. */
  get size(): number {
    return this.sent.size;
  }
}

function samePosition(a: Position, b: Position): boolean {
  return a.line === b.line && a.character === b.character;
}

function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

/** The first of the first `n` lenses (sorted) on line `line` or after; `n` if none. */
function lowerBoundLine(lenses: CodeLens[], n: number, line: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (lenses[mid].range.start.line < line) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The index of one of the first `n` lenses (sorted) on line `line`, or -1. */
function findLine(lenses: CodeLens[], n: number, line: number): number {
  const i = lowerBoundLine(lenses, n, line);
  return i < n && lenses[i].range.start.line === line ? i : -1;
}

function findSorted(lenses: CodeLens[], start: Position): number {
  let lo = 0;
  let hi = lenses.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const cmp = comparePositions(lenses[mid].range.start, start);
    if (cmp === 0) return mid;
    if (cmp < 0) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
