// Symbolic shapes of values: what we know about the sizes a value carries.
//
// A size variable is named from what it measures: the length of a parameter (`nums.length`),
// the columns of a grid (`grid[i].length`), the value of a numeric parameter (`n`), the number
// of keys of a map. Variables are created lazily, from "roots": a parameter or an expression
// we know nothing about gets a root, and asking for its length/value/elements mints variables.
import { O1, add2, log, mul2, variable, type Cost } from '../cost';

export type Measure = 'len' | 'val';
export type ShapeKind = 'array' | 'string' | 'number' | 'map' | 'set' | 'object' | 'tree' | 'list' | 'heap' | 'queue' | 'unknown';

export interface VarInfo {
  /** Internal key, unique in a file analysis: `${scope}|${desc}`. */
  key: string;
  scope: string;
  /** Root name: a parameter or local name, `this.items`, or an expression text. */
  root: string;
  /** Number of element steps from the root (grid[i] is 1, grid[i][j] is 2). */
  depth: number;
  measure: Measure;
  /** Printable description: "nums.length", "grid[i].length", "n", "max(nums[i])". */
  desc: string;
  kind: ShapeKind;
}

export interface RootRef {
  scope: string;
  name: string;
  depth: number;
  kind: ShapeKind;
}

/**
 * `r` with some of its fields changed. Always this rather than a spread: a root may read its
 * name lazily through a getter of its class (Walker.textRoot), which a spread would not copy.
 */
export function rootWith(r: RootRef, change: Partial<RootRef>): RootRef {
  return { scope: change.scope ?? r.scope, name: change.name ?? r.name, depth: change.depth ?? r.depth, kind: change.kind ?? r.kind };
}

export interface Shape {
  len?: Cost;
  val?: Cost;
  elem?: Shape;
  /** For a collection of collections (adjacency lists): the total size of all its elements. */
  total?: Cost;
  /** Lazily minted variables. */
  root?: RootRef;
  kind?: ShapeKind;
  /** A function value (its node). */
  fn?: unknown;
  /** For a Map/Set/object whose size is its own key-count variable: the number of insertions (an upper bound). */
  upper?: Cost;
  /** For a bit mask built with |= 1 << x: how many bits may be set (its value is 2^bits). */
  bits?: Cost;
  /** Constructor/class name for instances (`new MinPriorityQueue()`, `new UnionFind(n)`). */
  cls?: string;
}

export class VarRegistry {
  readonly vars = new Map<string, VarInfo>();

  private readonly costs = new Map<string, Map<string, Cost>>();
  /**
   * The same answers by structure: scope -> root name -> slot (measure, depth and, for a length
   * at depth 0, the kind's class). A root's description is a function of these, so a structural
   * hit is the cost the description would find; no description text is built per question.
   */
  private readonly byStructure = new Map<string, Map<string, Cost[]>>();
  /** log(value) per value variable (the digits of a number root). */
  private readonly digitsOf = new Map<Cost, Cost>();

  mint(r: RootRef, measure: Measure): Cost {
    const name = r.name;
    let byName = this.byStructure.get(r.scope);
    if (!byName) this.byStructure.set(r.scope, (byName = new Map()));
    let slots = byName.get(name);
    if (!slots) byName.set(name, (slots = []));
    const depth = r.depth;
    const slot = measure === 'len' ? (depth === 0 ? kindClass(r.kind) : 4 + 2 * depth) : 5 + 2 * depth;
    return (slots[slot] ??= this.mintKey(r, measure));
  }

  /** log(value): the number of digits of a number root. */
  digits(r: RootRef): Cost {
    const v = this.mint(r, 'val');
    let d = this.digitsOf.get(v);
    if (!d) this.digitsOf.set(v, (d = log(v)));
    return d;
  }

  private mintKey(r: RootRef, measure: Measure): Cost {
    const desc = describe(r, measure);
    // by scope, then by description: no `${scope}|${desc}` text to build and hash per question
    let byDesc = this.costs.get(r.scope);
    if (!byDesc) this.costs.set(r.scope, (byDesc = new Map()));
    let c = byDesc.get(desc);
    if (!c) {
      const key = `${r.scope}|${desc}`;
      if (!this.vars.has(key)) this.vars.set(key, { key, scope: r.scope, root: r.name, depth: r.depth, measure, desc, kind: r.kind });
      c = variable(key);
      byDesc.set(desc, c);
    }
    return c;
  }
  info(key: string): VarInfo | undefined {
    return this.vars.get(key);
  }
}

/** The class of a root's kind that its length description depends on (depth 0). */
function kindClass(kind: ShapeKind): number {
  return kind === 'tree' ? 0 : kind === 'list' ? 1 : kind === 'map' || kind === 'set' ? 2 : kind === 'object' ? 3 : 4;
}

function describe(r: RootRef, measure: Measure): string {
  const idx = ['i', 'j', 'k', 'l'];
  let base = r.name;
  for (let d = 0; d < r.depth; d++) base += `[${idx[d] ?? 'x'}]`;
  if (measure === 'val') return r.depth > 0 ? `max(${base})` : /^\d/.test(base) ? `${base} (literal bound)` : base;
  if (r.kind === 'tree' && r.depth === 0) return `size(${base})`;
  if (r.kind === 'list' && r.depth === 0) return `length(${base})`;
  if ((r.kind === 'map' || r.kind === 'set') && r.depth === 0) return `${base}.size`;
  if (r.kind === 'object' && r.depth === 0) return `keys(${base})`;
  return `${base}.length`;
}

export function rootShape(scope: string, name: string, kind: ShapeKind = 'unknown', depth = 0): Shape {
  return { root: { scope, name, depth, kind }, kind };
}

export function lenOf(s: Shape | undefined, reg: VarRegistry): Cost | undefined {
  if (!s) return undefined;
  if (s.len) return s.len;
  // a number's text has log(value) digits
  if (s.root && s.root.kind === 'number') return reg.digits(s.root);
  if (s.root) return reg.mint(s.root, 'len');
  return undefined;
}

export function valOf(s: Shape | undefined, reg: VarRegistry): Cost | undefined {
  if (!s) return undefined;
  if (s.val) return s.val;
  if (s.root && s.root.kind !== 'tree' && s.root.kind !== 'list') return reg.mint(s.root, 'val');
  return undefined;
}

const CHAR: Shape = Object.freeze({ len: O1, val: O1, kind: 'string' as ShapeKind });

export function elemOf(s: Shape | undefined): Shape {
  if (!s) return {};
  if (s.elem) return s.elem;
  // characters of a string
  if (s.kind === 'string' || s.root?.kind === 'string') return CHAR;
  if (s.root) {
    const k: ShapeKind = s.root.kind === 'tree' || s.root.kind === 'list' ? s.root.kind : 'unknown';
    return { root: rootWith(s.root, { depth: s.root.depth + 1, kind: k }), kind: k };
  }
  return {};
}

/** Number of cells of a (possibly nested) structure indexed `depth` times: rows x columns. */
export function cellsOf(s: Shape | undefined, depth: number, reg: VarRegistry): Cost | undefined {
  let acc: Cost = O1;
  let cur = s;
  for (let d = 0; d < Math.max(1, depth); d++) {
    const l = lenOf(cur, reg);
    if (!l) return d === 0 ? undefined : acc;
    acc = mul2(acc, l);
    cur = elemOf(cur);
  }
  return acc;
}

/** Join of two shapes (a variable that may hold either). */
export function joinShapes(a: Shape | undefined, b: Shape | undefined): Shape {
  if (!a) return b ?? {};
  if (!b) return a;
  const out: Shape = { ...a };
  if (a.len || b.len) out.len = a.len && b.len ? add2(a.len, b.len) : a.len ?? b.len;
  if (a.val || b.val) out.val = a.val && b.val ? add2(a.val, b.val) : a.val ?? b.val;
  if (a.elem || b.elem) out.elem = joinShapes(a.elem, b.elem);
  if (a.total || b.total) out.total = a.total && b.total ? add2(a.total, b.total) : a.total ?? b.total;
  out.root = a.root ?? b.root;
  out.kind = a.kind ?? b.kind;
  out.fn = a.fn ?? b.fn;
  out.cls = a.cls ?? b.cls;
  return out;
}

export const CONST_SHAPE: Shape = Object.freeze({ len: O1, val: O1, kind: 'number' as ShapeKind });
