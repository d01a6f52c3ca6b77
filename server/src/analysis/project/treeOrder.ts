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
  // (`| 0`: whatever an entry without a kind is, its class is a number below CLASSES)
  return Array.isArray(o) ? LIST_CLASS : Math.min(CLASSES - 1, 1 + (o as TS.Node).kind) | 0;
}

/**
 * Every node and child list of a tree in pre-order, in source order: a node, its JSDoc comments,
 * then its children as forEachChild gives them (a child list, then its elements). So the objects
 * of a subtree are contiguous, and the objects after a function body are the ones after it in the
 * text. Kept by SyntaxDocument across spliced edits, so that what follows an edit is moved by
 * {@link shiftFrom} instead of a walk through forEachChild, whose per-kind dispatch and callbacks
 * dominate a walk that only adds a number to two fields.
 *
 * Each entry's class (its node kind, or "child list") is kept beside it, and each class's entries
 * are kept apart too, in the same order, so that the move runs one loop per class over that
 * class's own list: nodes of one kind share a few hidden classes, while one loop over all of them
 * sees some fifty and reads `pos`/`end` through V8's megamorphic lookup (~22 ns an object on
 * GitApi.js's 28,692 against ~4.5 ns sorted by class first). The class lists are kept up to date
 * by {@link replaceRange} and {@link set} rather than sorted out on each move: sorting half the
 * tree into per-class buckets was ~60% of a move's time (0.18-0.24 ms a keystroke on GitApi.js).
 */
export class TreeOrder {
  readonly items: OrderEntry[] = [];
  private classes = new Uint16Array(256);
  /** Each class's entries, in the order's order (a class with none may have no list). */
  private readonly byClass: Array<OrderEntry[] | undefined> = [];

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
    const c = classOf(o);
    this.classes[n] = c;
    this.items.push(o);
    (this.byClass[c] ??= []).push(o);
  }

  /** Puts `o` at `k` in place of what was there. */
  set(k: number, o: OrderEntry): void {
    const was = this.items[k];
    const oc = this.classes[k];
    const nc = classOf(o);
    const list = this.byClass[oc]!;
    if (oc === nc) {
      // (a copy of a node, or of a child list: found in its class's list by its position)
      list[indexIn(list, was)] = o;
    } else {
      list.splice(indexIn(list, was), 1);
      (this.byClass[nc] ??= []).splice(this.countBefore(k, nc), 0, o);
    }
    this.items[k] = o;
    this.classes[k] = nc;
  }

  /** Replaces the entries `[from, to)` with those of `other`, in place. */
  replaceRange(from: number, to: number, other: TreeOrder): void {
    const items = this.items;
    const len = items.length;
    // each class's entries before `from` and in the range, counted before anything moves
    const before = this.countsBefore(from);
    const { counts: removed, used } = countClasses(this.classes, from, to);
    for (let c = 0; c < other.byClass.length; c++) if (other.byClass[c]?.length && removed[c] === 0) used.push(c);
    try {
      for (const c of used) {
        const add = other.byClass[c] ?? [];
        const list = (this.byClass[c] ??= []);
        const at = before ? before[c] : list.length - suffix[c];
        if (add.length < 4096) list.splice(at, removed[c], ...add);
        else this.byClass[c] = list.slice(0, at).concat(add, list.slice(at + removed[c]));
      }
    } finally {
      // (the scratch counts are zero again for the next use, whatever happened)
      resetCounts(used);
    }
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
    // (how many of each class come from `from` on: the end of its list)
    const { counts, used } = countClasses(this.classes, from, this.items.length);
    try {
      for (const c of used) {
        const list = this.byClass[c]!;
        (shifters[c] ??= makeShifter(c))(list, list.length - counts[c], delta);
      }
    } finally {
      resetCounts(used);
    }
  }

  /** The index of `o`: found by its position (an order is sorted by position but for a few nodes, JSDoc comments among them, that come after nodes which start before them), else by a scan. */
  indexOf(o: OrderEntry): number {
    return indexIn(this.items, o);
  }

  /**
   * How many entries of each class come before `k` (an array by class), or undefined when `k` is
   * past the middle: then the counts from `k` on are left in `suffix` (the caller subtracts them
   * from the lists' lengths), whichever scan is shorter.
   */
  private countsBefore(k: number): Int32Array | undefined {
    const n = this.items.length;
    if (k <= n - k) {
      const out = new Int32Array(CLASSES);
      const classes = this.classes;
      for (let i = 0; i < k; i++) out[classes[i]]++;
      return out;
    }
    suffix.fill(0);
    const classes = this.classes;
    for (let i = k; i < n; i++) suffix[classes[i]]++;
    return undefined;
  }

  /** How many entries of class `c` come before `k`. */
  private countBefore(k: number, c: number): number {
    let n = 0;
    for (let i = 0; i < k; i++) if (this.classes[i] === c) n++;
    return n;
  }

  private reserve(n: number): void {
    if (n <= this.classes.length) return;
    const next = new Uint16Array(Math.max(n, this.classes.length * 2));
    next.set(this.classes);
    this.classes = next;
  }
}

/** The index of `o` in `list` (in walk order): by its position, else by a scan (see TreeOrder.indexOf). */
function indexIn(list: OrderEntry[], o: OrderEntry): number {
  const p = o.pos;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].pos < p) lo = mid + 1;
    else hi = mid;
  }
  for (let k = lo; k < list.length && list[k].pos === p; k++) if (list[k] === o) return k;
  return list.indexOf(o);
}

// Scratch counts by class (zeroed again after each use: see resetCounts), and the suffix counts
// of countsBefore.
const scratch = new Int32Array(CLASSES);
const suffix = new Int32Array(CLASSES);

/** The number of entries of each class in `classes[from, to)`, and the classes that have any (in the scratch counts: resetCounts after use). */
function countClasses(classes: Uint16Array, from: number, to: number): { counts: Int32Array; used: number[] } {
  const used: number[] = [];
  for (let i = from; i < to; i++) {
    const c = classes[i];
    if (scratch[c]++ === 0) used.push(c);
  }
  return { counts: scratch, used };
}

function resetCounts(used: number[]): void {
  for (const c of used) scratch[c] = 0;
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

// The loop that moves each class's entries, made when the class is first moved.
const shifters: Array<(list: OrderEntry[], from: number, delta: number) => void> = [];

/**
 * The loop that moves one class's entries. Each class gets its own function *source*: V8 keeps
 * property-access feedback per function literal (closures made by one factory share it), so one
 * compiled copy per class is what keeps each loop's accesses monomorphic. The source is constant
 * but for the class number in a comment.
 */
function makeShifter(c: number): (list: OrderEntry[], from: number, delta: number) => void {
  return new Function('list', 'from', 'delta', `// perflens tree order: entries of class ${c}\nfor (let k = from; k < list.length; k++) { const o = list[k]; o.pos += delta; o.end += delta; }`) as (list: OrderEntry[], from: number, delta: number) => void;
}
