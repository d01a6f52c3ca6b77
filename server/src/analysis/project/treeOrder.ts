// A tree's nodes and child lists in walk order, kept across spliced edits (see splice.ts), and the
// loop that moves everything after an edit.
import type { ts as TS } from 'ts-morph';
import { ts } from '../../ts';

/** A node or a child list (a NodeArray): what an order holds. */
export type OrderEntry = { pos: number; end: number };

/** Where each entry's class goes: 0 for a child list, 1 + kind for a node. */
const LIST_CLASS = 0;
const CLASSES = 1024;
function classOf(o: OrderEntry): number {
  return Array.isArray(o) ? LIST_CLASS : Math.min(CLASSES - 1, 1 + (o as TS.Node).kind);
}

/**
 * Every node and child list of a tree in pre-order, in source order: a node, its JSDoc comments,
 * then its children as forEachChild gives them (a child list, then its elements). So the objects
 * of a subtree are contiguous, and the objects after a function body are the ones after it in the
 * text. Kept by SyntaxDocument across spliced edits, so that what follows an edit is moved by
 * {@link shiftFrom} instead of a walk through forEachChild, whose per-kind dispatch and callbacks
 * dominate a walk that only adds a number to two fields.
 *
 * Each entry's class (its node kind, or "child list") is kept beside it, so that the move runs one
 * loop per class: nodes of one kind share a few hidden classes, while one loop over all of them
 * sees some fifty and reads `pos`/`end` through V8's megamorphic lookup (~22 ns an object on
 * GitApi.js's 28,692 against ~4.5 ns sorted by class first; see shiftFrom).
 */
export class TreeOrder {
  readonly items: OrderEntry[] = [];
  private classes = new Uint16Array(256);

  get length(): number {
    return this.items.length;
  }

  at(k: number): OrderEntry {
    return this.items[k];
  }

  classAt(k: number): number {
    return this.classes[k];
  }

  push(o: OrderEntry): void {
    const n = this.items.length;
    if (n === this.classes.length) this.reserve(n + 1);
    this.classes[n] = classOf(o);
    this.items.push(o);
  }

  /** Puts `o` at `k` in place of what was there. */
  set(k: number, o: OrderEntry): void {
    this.items[k] = o;
    this.classes[k] = classOf(o);
  }

  /** Replaces the entries `[from, to)` with those of `other`, in place. */
  replaceRange(from: number, to: number, other: TreeOrder): void {
    const items = this.items;
    const len = items.length;
    const grow = other.length - (to - from);
    if (grow > 0) {
      this.reserve(len + grow);
      items.length = len + grow;
      items.copyWithin(to + grow, to, len);
      this.classes.copyWithin(to + grow, to, len);
    } else if (grow < 0) {
      items.copyWithin(to + grow, to);
      this.classes.copyWithin(to + grow, to, len);
      items.length += grow;
    }
    for (let k = 0; k < other.length; k++) items[from + k] = other.items[k];
    this.classes.set(other.classes.subarray(0, other.length), from);
  }

  /** Moves every entry from `from` on by `delta`. */
  shiftFrom(from: number, delta: number): void {
    const { items, classes } = this;
    const used: number[] = [];
    let done = false;
    try {
      for (let k = from; k < items.length; k++) {
        const c = classes[k];
        const n = fills[c];
        if (n === 0) used.push(c);
        (buckets[c] ??= [])[n] = items[k];
        fills[c] = n + 1;
      }
      // (each shifter empties its bucket as it goes)
      for (const c of used) {
        (shifters[c] ??= makeShifter(c))(buckets[c], fills[c], delta);
        fills[c] = 0;
      }
      done = true;
    } finally {
      // a failure (the caller parses the text afresh) leaves no entry behind for the next move
      if (!done) {
        for (const c of used) {
          buckets[c].length = 0;
          fills[c] = 0;
        }
      }
    }
  }

  /** The index of `o`: found by its position (an order is sorted by position but for a few nodes, JSDoc comments among them, that come after nodes which start before them), else by a scan. */
  indexOf(o: OrderEntry): number {
    const items = this.items;
    const p = o.pos;
    let lo = 0;
    let hi = items.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (items[mid].pos < p) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < items.length && items[k].pos === p; k++) if (items[k] === o) return k;
    return items.indexOf(o);
  }

  private reserve(n: number): void {
    if (n <= this.classes.length) return;
    const next = new Uint16Array(Math.max(n, this.classes.length * 2));
    next.set(this.classes);
    this.classes = next;
  }
}

/** The TreeOrder of `root`'s subtree; with `delta`, each object is also moved by it. */
export function treeOrder(root: TS.Node, delta = 0): TreeOrder {
  const out = new TreeOrder();
  // nodes and child lists still to visit, the next one last
  const stack: Array<TS.Node | TS.NodeArray<TS.Node>> = [root];
  const children: Array<TS.Node | TS.NodeArray<TS.Node>> = [];
  const onNode = (c: TS.Node): void => {
    children.push(c);
  };
  const onArray = (a: TS.NodeArray<TS.Node>): void => {
    children.push(a);
  };
  while (stack.length) {
    const o = stack.pop()!;
    if (delta) {
      (o as OrderEntry).pos += delta;
      (o as OrderEntry).end += delta;
    }
    out.push(o);
    if (Array.isArray(o)) {
      for (let i = o.length - 1; i >= 0; i--) stack.push(o[i]);
      continue;
    }
    const n = o as TS.Node;
    children.length = 0;
    ts.forEachChild(n, onNode, onArray);
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
    const docs = (n as { jsDoc?: TS.Node[] }).jsDoc;
    if (docs) for (let i = docs.length - 1; i >= 0; i--) stack.push(docs[i]);
  }
  return out;
}

// shiftFrom's per-class work lists (emptied by each use: they hold no node between edits).
const buckets: Array<Array<OrderEntry | undefined>> = [];
const fills = new Int32Array(CLASSES);
const shifters: Array<(bucket: Array<OrderEntry | undefined>, n: number, delta: number) => void> = [];

/**
 * The loop that moves one class's entries. Each class gets its own function *source*: V8 keeps
 * property-access feedback per function literal (closures made by one factory share it), so one
 * compiled copy per class is what keeps each loop's accesses monomorphic. The source is constant
 * but for the class number in a comment.
 */
function makeShifter(c: number): (bucket: Array<OrderEntry | undefined>, n: number, delta: number) => void {
  return new Function('bucket', 'n', 'delta', `// perflens tree order: entries of class ${c}\nfor (let k = 0; k < n; k++) { const o = bucket[k]; bucket[k] = undefined; o.pos += delta; o.end += delta; }`) as (bucket: Array<OrderEntry | undefined>, n: number, delta: number) => void;
}
