// Offsets -> LSP positions for a document whose syntax tree has just been analysed. The analysis
// already computed the tree's line starts (TypeScript's line map); a TextDocument computes its
// own on first use, a second scan of the whole text (~36 ms on typescript.js). Both agree except
// on U+2028/U+2029, which TypeScript counts as line breaks and LSP does not: files containing
// them keep the TextDocument's positions.
import type { Position, Range } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ts as TS } from 'ts-morph';
import { textFact } from './analysis/textFacts';

// (a text fact: after an edit, whether the text has one follows from the last text and the edited
// window, not from a search of the whole text on every keystroke)
const hasOtherBreaks = textFact({ characters: '\u2028\u2029' });

function breaksAgree(sf: TS.SourceFile): boolean {
  return !hasOtherBreaks(sf);
}

/** `doc` with positionAt answered from `sf`'s line map when `sf` is the same text. */
export function withTreeLines(doc: TextDocument, sf: TS.SourceFile | undefined): TextDocument {
  if (!sf || sf.text !== doc.getText() || !breaksAgree(sf)) return doc;
  return new TreeLines(doc, sf);
}

/** Where line `line` (0-based, within the document) starts: from the tree's line map for a view of withTreeLines. */
export function lineStartOf(doc: TextDocument, line: number): number {
  return doc instanceof TreeLines ? doc.lineStart(line) : doc.offsetAt({ line, character: 0 });
}

/**
 * Everything but positionAt is the document's own. Neither Object.create(doc) nor an object
 * literal with a `lineCount` getter: with the document as a prototype, or with a getter closure
 * of its own, each keystroke's view gets a map of its own in V8, and a dead map kept the view (and
 * through it the tree and its text) alive across young-generation GCs until a full GC (see
 * TextRoot in analysis/complexity/analyzer.ts).
 */
class TreeLines implements TextDocument {
  readonly uri: string;
  readonly languageId: string;
  readonly version: number;
  private readonly length: number;
  constructor(
    private readonly doc: TextDocument,
    private readonly sf: TS.SourceFile,
  ) {
    this.uri = doc.uri;
    this.languageId = doc.languageId;
    this.version = doc.version;
    this.length = sf.text.length;
  }
  // the document counts its lines by scanning the whole text on first use, which this view avoids
  get lineCount(): number {
    return this.doc.lineCount;
  }
  getText(range?: Range): string {
    return this.doc.getText(range);
  }
  offsetAt(position: Position): number {
    return this.doc.offsetAt(position);
  }
  getLineRange(line: number): Range {
    return this.doc.getLineRange(line);
  }
  getEOLCharacters(line: number): string {
    return this.doc.getEOLCharacters(line);
  }
  /** (see lineStartOf) */
  lineStart(line: number): number {
    return this.sf.getLineStarts()[line];
  }
  positionAt(offset: number): Position {
    const text = this.sf.text;
    const o = Math.max(0, Math.min(Math.floor(offset), this.length));
    const lc = this.sf.getLineAndCharacterOfPosition(o);
    // as the TextDocument does: an offset inside a line break (between \r and \n) counts as before it
    const lineStart = o - lc.character;
    let p = o;
    while (p > lineStart && (text.charCodeAt(p - 1) === 13 || text.charCodeAt(p - 1) === 10)) p--;
    return { line: lc.line, character: p - lineStart };
  }
}
