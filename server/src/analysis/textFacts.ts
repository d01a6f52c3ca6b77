// Whole-text pre-checks ("does this file mention X at all?"), carried across spliced edits.
//
// Rules skip a file that cannot contain what they look for (no `.includes(` anywhere, no
// `RegExp`/`JSON.`/`Intl.`, no GraphQL resolver names). On a file that has none, each check
// scans all of its text: on a 5,000-line file, about 0.1 ms per pattern per keystroke. After an
// edit spliced into one function body (project/splice.ts), only that body's text changed, so
// the first match in the new text follows from the first match in the old one and a search of
// the new body: see carryTextFacts.
//
// A pattern registered here must not be able to match `{` or `}` (nor need them as context):
// then no match straddles the braces of a body, and a match inside the body is found the same
// in the body's text alone.
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

/** A pre-check `re.test(sf.text)` (and `first`: `sf.text.search(re)`), remembered per tree and carried across spliced edits. */
export function textFact(re: RegExp): ((sf: TS.SourceFile) => boolean) & { first(sf: TS.SourceFile): number } {
  const flags = re.flags.replace(/[gy]/g, '');
  const fact: Fact = { re: new RegExp(re.source, flags), global: new RegExp(re.source, flags + 'g'), firsts: treeCache<number>() };
  facts.push(fact);
  return Object.assign((sf: TS.SourceFile) => firstMatch(fact, sf) >= 0, { first: (sf: TS.SourceFile) => firstMatch(fact, sf) });
}

/**
 * The facts of `newSf`, a tree spliced from `oldSf` by replacing the block `oldBody` (old
 * positions) with one `delta` characters longer, from those of `oldSf`: a first match before the
 * block's `{` stays; otherwise it is the first match in the new block, or else the old one moved
 * (one after the block) or none (no match before). Only a first match inside the old block sends
 * the search on through the rest of the text. Facts never asked of `oldSf` are left to be
 * computed when asked.
 */
export function carryTextFacts(oldSf: TS.SourceFile, newSf: TS.SourceFile, oldBody: TS.Node, delta: number): void {
  const oldText = oldSf.text;
  const newText = newSf.text;
  // the block's `{` (its leading trivia is before the edit, unchanged)
  const open = oldBody.getStart(oldSf);
  const oldEnd = oldBody.end;
  const newEnd = oldEnd + delta;
  let block: string | undefined;
  for (const fact of facts) {
    const was = fact.firsts.get(oldSf);
    if (was === undefined) continue;
    if (was >= 0 && was < open) {
      fact.firsts.set(newSf, was);
      textFactStats.carried++;
      continue;
    }
    block ??= newText.slice(open, newEnd);
    const m = fact.re.exec(block);
    let now: number;
    if (m) now = open + m.index;
    else if (was < 0) now = -1;
    else if (was >= oldEnd) now = was + delta;
    else now = search(fact.global, newText, newEnd);
    fact.firsts.set(newSf, now);
    textFactStats.carried++;
  }
}
