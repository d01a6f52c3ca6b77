// Whole-text pre-checks ("does this file mention X at all?"), carried across edits.
//
// Rules skip a file that cannot contain what they look for (no `.includes(` anywhere, no
// `RegExp`/`JSON.`/`Intl.`, no GraphQL resolver names). On a file that has none, each check
// scans all of its text: on a 5,000-line file, about 0.1 ms per pattern per keystroke. After an
// edit, only a window of the text around it changed, so the first match in the new text follows
// from the first match in the old one and a search of the new window: see carryTextFacts. The
// window is the edited function body when the edit was spliced into one (project/splice.ts),
// else the lines the edit touches (an edit in a header or a comment, or one the incremental
// parser took).
//
// A pattern registered here must not be able to match `{`, `}` or a line break (nor need them
// as context): then no match straddles a window's edge, and a match inside the window is found
// the same in the window's text alone. (textFact refuses patterns that could match a line break.)
import type { ts as TS } from 'ts-morph';
import { treeCache } from './treeCaches';

interface Fact {
  /** The pattern, without the global flag (tests on a body's text). */
  re: RegExp;
  /** The same with the global flag (searches of the whole text from an offset). */
  global: RegExp;
  /** Offset of the first match in each tree's text, -1 for none. */
  firsts: WeakMap<TS.SourceFile, number>;
}

const facts: Fact[] = [];

/** Facts carried to a spliced tree, and whole-text searches (for tests). */
export const textFactStats = { carried: 0, searched: 0 };

/** First match of `g` (global) in `text` at or after `from`, -1 for none. */
function search(g: RegExp, text: string, from: number): number {
  textFactStats.searched++;
  g.lastIndex = from;
  const m = g.exec(text);
  return m ? m.index : -1;
}

function firstMatch(fact: Fact, sf: TS.SourceFile): number {
  let at = fact.firsts.get(sf);
  if (at === undefined) {
    at = search(fact.global, sf.text, 0);
    fact.firsts.set(sf, at);
  }
  return at;
}

/**
 * A pre-check `re.test(sf.text)` (and `first`: `sf.text.search(re)`), remembered per tree and
 * carried across spliced edits. `characters`: instead of a pattern, a set of single characters
 * (line breaks allowed: a match one character long cannot straddle a window's edge).
 */
export function textFact(re: RegExp | { characters: string }): ((sf: TS.SourceFile) => boolean) & { first(sf: TS.SourceFile): number } {
  if (!(re instanceof RegExp)) {
    const chars = [...re.characters];
    if (chars.some((c) => c.length !== 1)) throw new Error('textFact: characters outside the Basic Multilingual Plane');
    re = new RegExp(`[${chars.map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}]`);
  } else if (/\\[sWDnrupPx]|\[\^/.test(re.source) || re.flags.includes('s') || re.flags.includes('m')) throw new Error(`textFact: ${re} could match a line break`);
  const flags = re.flags.replace(/[gy]/g, '');
  const fact: Fact = { re: new RegExp(re.source, flags), global: new RegExp(re.source, flags + 'g'), firsts: treeCache<number>() };
  facts.push(fact);
  return Object.assign((sf: TS.SourceFile) => firstMatch(fact, sf) >= 0, { first: (sf: TS.SourceFile) => firstMatch(fact, sf) });
}

/** Where an edit's window may be at most (a minified file's one line is not searched per keystroke). */
const MAX_WINDOW = 64 * 1024;

/**
 * The window of an edit spliced into a function body: from the old block's `{` (its leading
 * trivia is before the edit, unchanged) to the end of the new block (new positions).
 */
export function bodyWindow(oldSf: TS.SourceFile, oldBody: TS.Node, delta: number): { from: number; to: number } {
  return { from: oldBody.getStart(oldSf), to: oldBody.end + delta };
}

/** The window of any edit: the lines of `newText` it touches (`start`, `newEnd`: the edit's new extent). */
export function lineWindow(newText: string, start: number, newEnd: number): { from: number; to: number } {
  let from = start;
  while (from > 0 && !isLineBreak(newText.charCodeAt(from - 1))) from--;
  let to = newEnd;
  while (to < newText.length && !isLineBreak(newText.charCodeAt(to))) to++;
  return { from, to };
}

function isLineBreak(c: number): boolean {
  return c === 10 || c === 13 || c === 0x2028 || c === 0x2029;
}

/**
 * The facts of `newSf`, whose text is that of `oldSf` with an edit `delta` characters longer
 * inside `window` (new positions; the old text's window ends at `to - delta`; see bodyWindow and
 * lineWindow), from those of `oldSf`: a first match before the window stays; otherwise it is the
 * first match in the new window, or else the old one moved (one after the window) or none (no
 * match before). Only a first match inside the old window sends the search on through the rest
 * of the text. Facts never asked of `oldSf` are left to be computed when asked, as are all facts
 * when the window is larger than MAX_WINDOW.
 */
export function carryTextFacts(oldSf: TS.SourceFile, newSf: TS.SourceFile, window: { from: number; to: number }, delta: number): void {
  const { from, to } = window;
  if (to - from > MAX_WINDOW) return;
  const newText = newSf.text;
  const oldTo = to - delta;
  let text: string | undefined;
  for (const fact of facts) {
    const was = fact.firsts.get(oldSf);
    if (was === undefined) continue;
    if (was >= 0 && was < from) {
      fact.firsts.set(newSf, was);
      textFactStats.carried++;
      continue;
    }
    text ??= newText.slice(from, to);
    const m = fact.re.exec(text);
    let now: number;
    if (m) now = from + m.index;
    else if (was < 0) now = -1;
    else if (was >= oldTo) now = was + delta;
    else now = search(fact.global, newText, to);
    fact.firsts.set(newSf, now);
    textFactStats.carried++;
  }
}
