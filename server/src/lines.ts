// Offsets -> LSP positions for a document whose syntax tree has just been analysed. The analysis
// already computed the tree's line starts (TypeScript's line map); a TextDocument computes its
// own on first use, a second scan of the whole text (~36 ms on typescript.js). Both agree except
// on U+2028/U+2029, which TypeScript counts as line breaks and LSP does not: files containing
// them keep the TextDocument's positions.
import type { Position } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ts as TS } from 'ts-morph';
import { treeCache } from './analysis/treeCaches';

const sameBreaks = treeCache<boolean>();

function breaksAgree(sf: TS.SourceFile): boolean {
  let ok = sameBreaks.get(sf);
  if (ok === undefined) {
    ok = sf.text.indexOf('\u2028') < 0 && sf.text.indexOf('\u2029') < 0;
    sameBreaks.set(sf, ok);
  }
  return ok;
}

/** `doc` with positionAt answered from `sf`'s line map when `sf` is the same text. */
export function withTreeLines(doc: TextDocument, sf: TS.SourceFile | undefined): TextDocument {
  if (!sf || sf.text !== doc.getText() || !breaksAgree(sf)) return doc;
  const length = sf.text.length;
  // everything else (getText, offsetAt, ...) is the document's own. A plain object, not
  // Object.create(doc): with the document as a prototype, V8 kept each keystroke's view (and
  // through it the tree and its text) alive across young-generation GCs until a full GC.
  const text = sf.text;
  const positionAt = (offset: number): Position => {
    const o = Math.max(0, Math.min(Math.floor(offset), length));
    const lc = sf.getLineAndCharacterOfPosition(o);
    // as the TextDocument does: an offset inside a line break (between \r and \n) counts as before it
    const lineStart = o - lc.character;
    let p = o;
    while (p > lineStart && (text.charCodeAt(p - 1) === 13 || text.charCodeAt(p - 1) === 10)) p--;
    return { line: lc.line, character: p - lineStart };
  };
  return {
    uri: doc.uri,
    languageId: doc.languageId,
    version: doc.version,
    // a getter: the document counts its lines by scanning the whole text, which this view avoids
    get lineCount() {
      return doc.lineCount;
    },
    getText: (range) => doc.getText(range),
    offsetAt: (position) => doc.offsetAt(position),
    getLineRange: (line) => doc.getLineRange(line),
    getEOLCharacters: (line) => doc.getEOLCharacters(line),
    positionAt,
  };
}
