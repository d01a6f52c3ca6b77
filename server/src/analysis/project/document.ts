// An open document's syntax tree, updated incrementally on each edit (ts.updateSourceFile reuses
// the unchanged subtrees), independent of the ts-morph Project used for type information.
import { ts } from '../../ts';
import type { ts as TS } from 'ts-morph';
import { carryOrder, peekSpliceOrigin, spliceFunctionBody, traceUpdate, updateTarget } from './splice';
import type { TreeOrder } from './treeOrder';
import { bodyWindow, carryTextFacts, lineWindow } from '../textFacts';
import { setParents } from './parents';
import { forgetTree } from '../treeCaches';

export { setParents };

export function scriptKindFor(fileName: string): TS.ScriptKind {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (lower.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (lower.endsWith('.js') || lower.endsWith('.mjs') || lower.endsWith('.cjs')) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

/**
 * Parses `text` with parent pointers set. TypeScript's own `setParentNodes` pass (a generic
 * recursive visitor) costs about 30% of the parse on a large file; setting them in one tight
 * iterative walk costs about half of that. Every node reachable with forEachChild gets its parent,
 * and so do JSDoc comments and the nodes inside them, as with `setParentNodes`.
 */
export function parse(fileName: string, text: string, options: { deferParents?: boolean } = {}): TS.SourceFile {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, scriptKindFor(fileName));
  if (options.deferParents) pendingParents.add(sf);
  else setParents(sf);
  return sf;
}

/**
 * Trees parsed with `deferParents` whose parents are not set yet: the complexity engine's
 * collecting walk, which visits every node first thing in an analysis, sets them on the way
 * (saving a walk of the whole tree). Anything else must call `ensureParents` before use.
 */
const pendingParents = new WeakSet<TS.SourceFile>();

/** True if `sf`'s parents were left to the caller, who now takes the job of setting them all. */
export function takePendingParents(sf: TS.SourceFile): boolean {
  return pendingParents.delete(sf);
}

/** Sets `sf`'s parents if they were deferred and nobody has set them yet. */
export function ensureParents(sf: TS.SourceFile): void {
  if (pendingParents.delete(sf)) setParents(sf);
}

/** Sets the parents of a node's JSDoc comments and of the nodes inside them. */
export function setJSDocParents(node: TS.Node): void {
  const docs = (node as { jsDoc?: TS.Node[] }).jsDoc;
  if (!docs) return;
  for (const d of docs) {
    (d as { parent: TS.Node }).parent = node;
    setParents(d);
  }
}


/** The single edit that turns `a` into `b`: common prefix and suffix, one changed middle. */
export function changeRange(a: string, b: string): TS.TextChangeRange {
  const max = Math.min(a.length, b.length);
  // Whole chunks first (a substring comparison is a memory compare), then character by character.
  let start = 0;
  for (let chunk = 4096; chunk >= 16; chunk >>= 4) {
    while (start + chunk <= max && a.slice(start, start + chunk) === b.slice(start, start + chunk)) start += chunk;
  }
  while (start < max && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  let endA = a.length;
  let endB = b.length;
  for (let chunk = 4096; chunk >= 16; chunk >>= 4) {
    while (endA - chunk >= start && endB - chunk >= start && a.slice(endA - chunk, endA) === b.slice(endB - chunk, endB)) {
      endA -= chunk;
      endB -= chunk;
    }
  }
  while (endA > start && endB > start && a.charCodeAt(endA - 1) === b.charCodeAt(endB - 1)) {
    endA--;
    endB--;
  }
  return ts.createTextChangeRange(ts.createTextSpan(start, endA - start), endB - start);
}

function hasLineBreak(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || c === 13 || c === 0x2028 || c === 0x2029) return true;
  }
  return false;
}

/**
 * The line starts of the new text from those of the old one, when the edit neither removes nor
 * adds a line break (nor lands right after a CR, which could pair with an LF): the starts after
 * the edit move by the length difference. TypeScript otherwise rescans the whole text for them.
 */
export function carriedLineStarts(oldStarts: readonly number[] | undefined, oldText: string, newText: string, change: TS.TextChangeRange): number[] | undefined {
  if (!oldStarts) return undefined;
  const s = change.span.start;
  if (change.span.length > 64 || change.newLength > 64) return undefined;
  if (hasLineBreak(oldText, s, s + change.span.length) || hasLineBreak(newText, s, s + change.newLength)) return undefined;
  if (s > 0 && oldText.charCodeAt(s - 1) === 13) return undefined;
  const delta = change.newLength - change.span.length;
  const out = oldStarts.slice();
  let lo = 0;
  let hi = out.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (out[mid] <= s) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo; i < out.length; i++) out[i] += delta;
  return out;
}

export class SyntaxDocument {
  private sf: TS.SourceFile;
  /** How many updates re-parsed one function body or class member only (spliceFunctionBody). */
  spliced = 0;
  /** How many of the others (ts.updateSourceFile) changed one function body only, and were traced back to the old tree (traceUpdate). */
  traced = 0;
  /** The tree's nodes in walk order, built at the first splice and kept up to date by the next ones (see TreeOrder). */
  private readonly kept: { order?: TreeOrder } = {};

  constructor(readonly fileName: string, text: string) {
    // An analysis follows at once: its first walk sets the parents (see deferParents).
    this.sf = parse(fileName, text, { deferParents: true });
  }

  get sourceFile(): TS.SourceFile {
    return this.sf;
  }

  get text(): string {
    return this.sf.text;
  }

  /** The kept TreeOrder of the current tree, if one is kept (for tests). */
  get keptOrder(): TreeOrder | undefined {
    return this.kept.order;
  }

  /** Re-parses incrementally; returns the changed range (in the old text) for cache invalidation. */
  update(text: string): TS.TextChangeRange | undefined {
    const old = this.sf.text;
    if (old === text) return undefined;
    ensureParents(this.sf);
    const range = changeRange(old, text);
    const delta = text.length - old.length;
    // the whole-text pre-checks follow (textFacts.ts): a search of the edited body, or of the edited lines
    const lines = () => lineWindow(text, range.span.start, range.span.start + range.newLength);
    const oldStarts = (this.sf as unknown as { lineMap?: readonly number[] }).lineMap;
    let next: TS.SourceFile | undefined;
    // a body or a class member was spliced: the analysis redoes the previous tree's collection
    // for it (analyzer.ts)
    let spliced = false;
    try {
      next = spliceFunctionBody(this.sf, text, range, scriptKindFor(this.fileName), this.kept);
      if (next) {
        this.spliced++;
        const origin = peekSpliceOrigin(next);
        spliced = !!origin;
        carryTextFacts(this.sf, next, origin && !origin.member ? bodyWindow(this.sf, origin.oldBody, delta) : lines(), delta);
      } else {
        const order = this.kept.order;
        this.kept.order = undefined;
        // (taken first: the incremental parser moves the old tree's nodes)
        const target = updateTarget(this.sf, range);
        next = ts.updateSourceFile(this.sf, text, range, false);
        const origin = target && traceUpdate(this.sf, next, target);
        if (origin) {
          this.traced++;
          spliced = true;
          carryTextFacts(this.sf, next, bodyWindow(this.sf, origin.oldBody, delta), delta);
          // the node order, where one was kept, follows (the next splice need not walk the tree for it)
          if (order) this.kept.order = carryOrder(order, origin);
        } else carryTextFacts(this.sf, next, lines(), delta);
      }
    } catch {
      // Both are optimisations; a full parse is always correct.
      this.kept.order = undefined;
      spliced = false;
      next = parse(this.fileName, text);
    }
    const starts = carriedLineStarts(oldStarts, old, text, range);
    if (starts) (next as unknown as { lineMap?: readonly number[] }).lineMap = starts;
    // what was cached for the old tree goes now, not at the next full GC (see treeCaches.ts)
    forgetTree(this.sf, spliced);
    this.sf = next;
    return range;
  }

  /** The document is closed: what was cached for its tree goes now. */
  dispose(): void {
    this.kept.order = undefined;
    forgetTree(this.sf);
  }
}

/**
 * The node of `target` (a SourceFile with the same text as `node`'s) that has the same kind and
 * range as `node`: how nodes of an editor's syntax tree are asked about in the type checker's
 * program. Undefined when the texts differ or no such node exists.
 */
export function correspondingNode<T extends TS.Node>(node: T, target: TS.SourceFile): T | undefined {
  if (node.kind === ts.SyntaxKind.SourceFile) return target as unknown as T;
  const pos = node.pos;
  const end = node.end;
  let cur: TS.Node = target;
  for (let guard = 0; guard < 100000; guard++) {
    let next: TS.Node | undefined;
    ts.forEachChild(cur, (child) => {
      if (child.pos <= pos && end <= child.end) {
        next = child;
        return true;
      }
      return undefined;
    });
    if (!next) return undefined;
    if (next.pos === pos && next.end === end && next.kind === node.kind) return next as T;
    cur = next;
  }
  return undefined;
}
