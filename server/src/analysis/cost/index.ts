// The Big-O algebra: symbolic costs over several size variables.
//
// A Cost is a sum of Terms kept as an antichain: a term that another term dominates in every
// variable is dropped (n + n^2 -> n^2), incomparable terms stay (m + n, n + m*log m).
// A Term is a product, per variable v, of  v^p * log^l v * (2^e)^v * (v!)^f,  plus exponentials
// whose base is itself a variable (k^n). Constants never appear: O(1) is the empty term.
//
// One printer (formatCost) is used everywhere: ASCII for the CLI/JSON ("O(n^2)", "O(n log n)",
// "O(m*n)", "O(2^n)", "O(n!)", "O(sqrt n)"), unicode for the editor ("O(n²)", "O(m·n)", "O(√n)").
// parseCost reads both forms back (and the looser forms found in write-ups: "max(m, n)", "|w|",
// "(n + q)*M", "log^2 n").
//
// Speed: the analysis of a large file does hundreds of thousands of these operations, over
// thousands of distinct variable names. Terms made here keep their variables as two parallel
// arrays sorted by name (`ns`, `gs`); the `vars` record is built only when something asks for
// it (records keyed by many distinct names are slow to build in JavaScript engines).

/** Growth of one variable inside a term: v^p * log(v)^l * (2^e)^v * (v!)^f. */
export interface VarGrowth {
  readonly p: number;
  readonly l: number;
  readonly e: number;
  readonly f: number;
}

export interface Term {
  /** Per-variable growth, only variables with some non-zero component. */
  readonly vars: Readonly<Record<string, VarGrowth>>;
  /** Exponentials with a variable base: [base, exponent] pairs, e.g. ["k", "n"] for k^n. Sorted. */
  readonly vexp: ReadonlyArray<readonly [string, string]>;
  /** Canonical identity (computed once). */
  readonly key?: string;
}

/**
 * A sum keeps at most this many incomparable terms; beyond it only the largest (every variable
 * read as one n) are kept. Sums of hundreds of unrelated sizes are unreadable, and this bounds
 * the work on enormous functions.
 */
export const MAX_TERMS = 4;

/**
 * A product keeps at most this many variables (the fastest-growing ones). Products of more
 * unrelated sizes come from long chains of over-approximations; they are unreadable and would
 * make every later operation slower.
 */
export const MAX_VARS_PER_TERM = 6;
/** Likewise for exponentials with a variable base (k^n). */
export const MAX_VEXP_PER_TERM = 2;

export interface Cost {
  /** Antichain of terms, sorted canonically. `[{vars:{}, vexp:[]}]` is O(1). */
  readonly terms: ReadonlyArray<Term>;
}

type Tuple = [number, number, number, number];
type VExp = ReadonlyArray<readonly [string, string]>;

/** A term made by this module: variables sorted by name, in parallel arrays. */
class VTerm implements Term {
  /** Collapsed order, computed on first use (see collapsedTuple). */
  ct?: Tuple;
  private rec?: Record<string, VarGrowth>;
  private k?: string;
  constructor(
    readonly ns: readonly string[],
    readonly gs: readonly VarGrowth[],
    readonly vexp: VExp,
    key?: string,
  ) {
    this.k = key;
  }
  /** Canonical identity, built on first use (most products are intermediate and never compared). */
  get key(): string {
    let k = this.k;
    if (k === undefined) {
      k = keyOf(this.ns, this.gs, this.vexp);
      this.k = k;
    }
    return k;
  }
  get vars(): Readonly<Record<string, VarGrowth>> {
    let r = this.rec;
    if (!r) {
      r = Object.create(null) as Record<string, VarGrowth>;
      for (let i = 0; i < this.ns.length; i++) r[this.ns[i]] = this.gs[i];
      this.rec = r;
    }
    return r;
  }
}

const NO_NAMES: readonly string[] = Object.freeze([]);
const NO_GROWTHS: readonly VarGrowth[] = Object.freeze([]);
const NO_VEXP: VExp = Object.freeze([]);

const EMPTY_TERM: Term = (() => {
  const t = new VTerm(NO_NAMES, NO_GROWTHS, NO_VEXP, '');
  void t.vars;
  return Object.freeze(t);
})();
export const O1: Cost = Object.freeze({ terms: Object.freeze([EMPTY_TERM]) });

const ZERO: VarGrowth = { p: 0, l: 0, e: 0, f: 0 };
const EPS = 1e-9;

function isZero(g: VarGrowth): boolean {
  return Math.abs(g.p) < EPS && Math.abs(g.l) < EPS && Math.abs(g.e) < EPS && Math.abs(g.f) < EPS;
}

/** Variable names of a term, in the order of its `vars` record. */
function namesOf(t: Term): readonly string[] {
  return t instanceof VTerm ? t.ns : Object.keys(t.vars);
}

/** Growths of a term, parallel to namesOf(t). */
function growthsOf(t: Term): readonly VarGrowth[] {
  if (t instanceof VTerm) return t.gs;
  const vars = t.vars;
  return Object.keys(vars).map((k) => vars[k]);
}

/** Number of variables of a term. */
function sizeOf(t: Term): number {
  return t instanceof VTerm ? t.ns.length : Object.keys(t.vars).length;
}

/** The variables of a term, sorted by name (the order of its `vars` record). */
export function termVariables(t: Term): readonly string[] {
  return namesOf(t);
}

function growthKey(v: string, g: VarGrowth): string {
  return g.l === 0 && g.e === 0 && g.f === 0 ? v + ':' + r6(g.p) : v + ':' + r6(g.p) + ',' + r6(g.l) + ',' + r6(g.e) + ',' + r6(g.f);
}

function r6(x: number): number {
  return x === 0 || x === 1 || x === 2 ? x : Math.round(x * 1e6) / 1e6;
}

function vexpOrder(a: readonly [string, string], b: readonly [string, string]): number {
  return a[0] + '^' + a[1] < b[0] + '^' + b[1] ? -1 : a[0] + '^' + a[1] > b[0] + '^' + b[1] ? 1 : 0;
}

/**
 * The term with these variables (distinct names, any order; zero growths are dropped) and
 * variable-base exponentials: at most MAX_VARS_PER_TERM variables (the fastest-growing, ties by
 * name), sorted by name; at most MAX_VEXP_PER_TERM exponentials, sorted.
 */
function makeTermOf(names: readonly string[], growths: readonly VarGrowth[], vexp: VExp = NO_VEXP): Term {
  const n = names.length;
  if (n === 1 && !vexp.length) {
    // one variable (the most common term)
    const g = growths[0];
    if (isZero(g)) return EMPTY_TERM;
    return new VTerm([names[0]], [g], NO_VEXP);
  }
  let order: number[];
  if (n > MAX_VARS_PER_TERM) {
    order = [];
    for (let i = 0; i < n; i++) if (!isZero(growths[i])) order.push(i);
    order.sort((a, b) => -cmpGrowth(growths[a], growths[b]) || (names[a] < names[b] ? -1 : 1));
    if (order.length > MAX_VARS_PER_TERM) order.length = MAX_VARS_PER_TERM;
  } else {
    order = new Array<number>(n);
    for (let i = 0; i < n; i++) order[i] = i;
  }
  // sort by name (insertion sort: a handful of names)
  for (let i = 1; i < order.length; i++) {
    const x = order[i];
    const nx = names[x];
    let j = i - 1;
    while (j >= 0 && names[order[j]] > nx) {
      order[j + 1] = order[j];
      j--;
    }
    order[j + 1] = x;
  }
  const ns: string[] = [];
  const gs: VarGrowth[] = [];
  for (const i of order) {
    const g = growths[i];
    if (isZero(g)) continue;
    ns.push(names[i]);
    gs.push(g);
  }
  let ve = vexp.length > 1 ? [...vexp].sort(vexpOrder) : vexp;
  if (ve.length > MAX_VEXP_PER_TERM) ve = ve.slice(0, MAX_VEXP_PER_TERM);
  if (!ns.length && !ve.length) return EMPTY_TERM;
  return new VTerm(ns, gs, ve);
}

function singleTerm(v: string, g: VarGrowth): Cost {
  return { terms: [makeTermOf([v], [g])] };
}

// ---------------------------------------------------------------- constructors

/** The size variable itself: O(v). */
export function variable(v: string): Cost {
  return singleTerm(v, { p: 1, l: 0, e: 0, f: 0 });
}
export function logOf(v: string, power = 1): Cost {
  return singleTerm(v, { p: 0, l: power, e: 0, f: 0 });
}
export function sqrtOf(v: string): Cost {
  return singleTerm(v, { p: 0.5, l: 0, e: 0, f: 0 });
}
export function powOf(v: string, p: number): Cost {
  return singleTerm(v, { p, l: 0, e: 0, f: 0 });
}
/** base^v (base a number >= 2, or a variable name). */
export function expOf(v: string, base: number | string = 2): Cost {
  if (typeof base === 'string') return { terms: [makeTermOf(NO_NAMES, NO_GROWTHS, [[base, v]])] };
  if (base <= 1) return O1;
  return singleTerm(v, { p: 0, l: 0, e: Math.log2(base), f: 0 });
}
export function factorialOf(v: string): Cost {
  return singleTerm(v, { p: 0, l: 0, e: 0, f: 1 });
}

export function isConstant(c: Cost): boolean {
  if (c === O1) return true;
  const ts = c.terms;
  if (ts.length === 1) {
    const t = ts[0];
    if (t instanceof VTerm) return !t.ns.length && !t.vexp.length;
    if (t.key === '') return true;
    if (t.key) return false;
  }
  for (const t of ts) if (t !== EMPTY_TERM && (sizeOf(t) || t.vexp.length)) return false;
  return true;
}

/** Variables mentioned anywhere in the cost, sorted. */
export function variablesOf(c: Cost): string[] {
  const ts = c.terms;
  if (ts.length === 1 && !ts[0].vexp.length) {
    const t = ts[0];
    // a term made here lists distinct names in sorted order already
    if (t instanceof VTerm) return t.ns.slice();
    const ns = namesOf(t);
    if (ns.length <= 1) return ns.length ? [ns[0]] : [];
  }
  const s: string[] = [];
  for (const t of ts) {
    for (const k of namesOf(t)) if (!s.includes(k)) s.push(k);
    for (let vi = 0; vi < t.vexp.length; vi++) {
      const b = t.vexp[vi][0], e = t.vexp[vi][1];
      if (!s.includes(b)) s.push(b);
      if (!s.includes(e)) s.push(e);
    }
  }
  // distinct names: an insertion sort by code units is the order of the default sort
  for (let i = 1; i < s.length; i++) {
    const x = s[i];
    let j = i - 1;
    while (j >= 0 && s[j] > x) {
      s[j + 1] = s[j];
      j--;
    }
    s[j + 1] = x;
  }
  return s;
}

// ---------------------------------------------------------------- dominance

function cmpGrowth(a: VarGrowth, b: VarGrowth): number {
  let d = a.f - b.f;
  if (d > EPS) return 1;
  if (d < -EPS) return -1;
  d = a.e - b.e;
  if (d > EPS) return 1;
  if (d < -EPS) return -1;
  d = a.p - b.p;
  if (d > EPS) return 1;
  if (d < -EPS) return -1;
  d = a.l - b.l;
  if (d > EPS) return 1;
  if (d < -EPS) return -1;
  return 0;
}

/** Is some component of g negative (below zero growth)? */
function belowZero(g: VarGrowth): boolean {
  return cmpGrowth(g, ZERO) < 0;
}

/** Does term `a` grow at least as fast as `b` in every variable (b = O(a))? */
export function termDominates(a: Term, b: Term): boolean {
  const an = namesOf(a), ag = growthsOf(a);
  const bn = namesOf(b), bg = growthsOf(b);
  for (let j = 0; j < bn.length; j++) {
    const i = an.indexOf(bn[j]);
    if (cmpGrowth(i < 0 ? ZERO : ag[i], bg[j]) < 0) return false;
  }
  for (let i = 0; i < an.length; i++) if (belowZero(ag[i]) && bn.indexOf(an[i]) < 0) return false;
  if (!b.vexp.length) return true;
  // variable-base exponentials: b's must be a sub-multiset of a's
  const rest = a.vexp.map((x) => x[0] + '^' + x[1]);
  for (const x of b.vexp) {
    const i = rest.indexOf(x[0] + '^' + x[1]);
    if (i < 0) return false;
    rest.splice(i, 1);
  }
  return true;
}

function computeKey(t: Term): string {
  return keyOf(namesOf(t), growthsOf(t), t.vexp);
}

/** The canonical key text: `v:p` (or `v:p,l,e,f`) per variable, then `b^e` per exponential, joined by ';'. */
function keyOf(ns: readonly string[], gs: readonly VarGrowth[], vexp: VExp): string {
  let key = '';
  for (let i = 0; i < ns.length; i++) key = key ? key + ';' + growthKey(ns[i], gs[i]) : growthKey(ns[i], gs[i]);
  for (let vi = 0; vi < vexp.length; vi++) key = key ? key + ';' + vexp[vi][0] + '^' + vexp[vi][1] : vexp[vi][0] + '^' + vexp[vi][1];
  return key;
}

/** Is this the empty term (no variables, no exponentials: key '')? */
function isEmptyTerm(t: Term): boolean {
  return t instanceof VTerm ? !t.ns.length && !t.vexp.length : !termKey(t);
}

function termKey(t: Term): string {
  return t.key ?? computeKey(t);
}

/** Collapsed order of a term (every variable read as one n): [f, e(+inf for k^n), p, l], cached on the term. */
function collapsedTuple(t: Term): Tuple {
  const cached = (t as { ct?: Tuple }).ct;
  if (cached) return cached;
  const c = computeTuple(t);
  if (!Object.isFrozen(t)) (t as { ct?: Tuple }).ct = c;
  return c;
}

function computeTuple(t: Term): Tuple {
  let p = 0, l = 0, e = 0, f = 0;
  for (const g of growthsOf(t)) {
    p += g.p;
    l += g.l;
    e += g.e;
    f += g.f;
  }
  if (t.vexp.length) e += 1000 * t.vexp.length;
  return [f, e, p, l];
}
function cmpTuple(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = a[i] - b[i];
    if (d > EPS) return 1;
    if (d < -EPS) return -1;
  }
  return 0;
}

function termOrder(a: Term, b: Term): number {
  const c = cmpTuple(collapsedTuple(a), collapsedTuple(b));
  if (c) return c;
  const ka = termKey(a), kb = termKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/**
 * terms.sort(termOrder) in place, without the sort's work array for one or two terms. For two,
 * the sort swaps them exactly when the second orders before the first (termOrder is antisymmetric).
 */
function sortTerms(terms: Term[]): void {
  const n = terms.length;
  if (n < 2) return;
  if (n === 2) {
    if (termOrder(terms[1], terms[0]) < 0) {
      const t = terms[0];
      terms[0] = terms[1];
      terms[1] = t;
    }
    return;
  }
  terms.sort(termOrder);
}

function normalize(terms: Term[]): Cost {
  if (terms.length === 1) return isEmptyTerm(terms[0]) ? O1 : { terms };
  let list: Term[];
  if (terms.length <= 12) {
    list = [];
    for (const t of terms) {
      const k = termKey(t);
      let dup = false;
      for (const x of list) {
        if (termKey(x) === k) {
          dup = true;
          break;
        }
      }
      if (!dup) list.push(t);
    }
  } else {
    const uniq = new Map<string, Term>();
    for (const t of terms) uniq.set(termKey(t), t);
    list = [...uniq.values()];
  }
  if (list.length > 4 * MAX_TERMS) {
    // keep the largest candidates before the quadratic dominance pass
    list.sort((a, b) => -termOrder(a, b));
    list = list.slice(0, 4 * MAX_TERMS);
  }
  const kept: Term[] = [];
  for (let i = 0; i < list.length; i++) {
    let dominated = false;
    for (let j = 0; j < list.length && !dominated; j++) {
      if (i !== j && termDominates(list[j], list[i])) dominated = true;
    }
    if (!dominated) kept.push(list[i]);
  }
  if (!kept.length) return O1;
  sortTerms(kept);
  if (kept.length === 1 && kept[0] === EMPTY_TERM) return O1;
  if (kept.length > MAX_TERMS) return { terms: kept.slice(kept.length - MAX_TERMS) };
  return { terms: kept };
}

// ---------------------------------------------------------------- arithmetic

/** Sum (also the max of two branches: same thing in Big-O). */
export function add(...costs: Cost[]): Cost {
  if (costs.length === 2) return add2(costs[0], costs[1]);
  let first: Cost | undefined;
  let many = false;
  for (const c of costs) {
    if (isConstant(c)) continue;
    if (!first) first = c;
    else if (c !== first) many = true;
  }
  if (!first) return O1;
  if (!many) return first;
  const terms: Term[] = [];
  for (const c of costs) if (!isConstant(c)) for (const t of c.terms) terms.push(t);
  return normalize(terms);
}
export const max = add;

/** add(a, b), without the rest-array walk (the common case). */
export function add2(a: Cost, b: Cost): Cost {
  const ca = isConstant(a), cb = isConstant(b);
  if (ca) return cb ? O1 : b;
  if (cb || a === b) return a;
  const at = a.terms, bt = b.terms;
  if (at.length === 1 && bt.length === 1) {
    // two single terms: one usually dominates the other
    const x = at[0], y = bt[0];
    if (x.key !== undefined && x.key === y.key) return a;
    if (termDominates(x, y)) return a;
    if (termDominates(y, x)) return b;
  }
  const terms: Term[] = [];
  for (const t of at) terms.push(t);
  for (const t of bt) terms.push(t);
  return normalize(terms);
}

function sumGrowth(x: VarGrowth, y: VarGrowth): VarGrowth {
  return { p: x.p + y.p, l: x.l + y.l, e: x.e + y.e, f: x.f + y.f };
}

function mulTerm(a: Term, b: Term): Term {
  if (a === EMPTY_TERM) return b;
  if (b === EMPTY_TERM) return a;
  const ka = namesOf(a), kb = namesOf(b);
  const ga = growthsOf(a), gb = growthsOf(b);
  if (ka.length + kb.length > MAX_VARS_PER_TERM || a.vexp.length || b.vexp.length) {
    const names = ka.slice();
    const growths = ga.slice();
    for (let j = 0; j < kb.length; j++) {
      const i = names.indexOf(kb[j]);
      if (i < 0) {
        names.push(kb[j]);
        growths.push(sumGrowth(ZERO, gb[j]));
      } else growths[i] = sumGrowth(growths[i], gb[j]);
    }
    return makeTermOf(names, growths, [...a.vexp, ...b.vexp]);
  }
  // both terms list their variables sorted by name: merge them
  const ns: string[] = [];
  const gs: VarGrowth[] = [];
  let i = 0, j = 0;
  while (i < ka.length || j < kb.length) {
    const x = ka[i], y = kb[j];
    let v: string, g: VarGrowth;
    if (j >= kb.length || (i < ka.length && x < y)) {
      v = x;
      g = ga[i];
      i++;
    } else if (i >= ka.length || y < x) {
      v = y;
      g = gb[j];
      j++;
    } else {
      const s = sumGrowth(ga[i], gb[j]);
      i++;
      j++;
      if (isZero(s)) continue;
      v = x;
      g = s;
    }
    ns.push(v);
    gs.push(g);
  }
  if (!ns.length) return EMPTY_TERM;
  return new VTerm(ns, gs, NO_VEXP);
}

export function mul(...costs: Cost[]): Cost {
  let acc: Cost = O1;
  for (const c of costs) {
    if (isConstant(c)) continue;
    if (isConstant(acc)) {
      acc = c;
      continue;
    }
    acc = mulCosts(acc, c);
  }
  return acc;
}

/** mul(a, b) without the rest-array walk. */
export function mul2(a: Cost, b: Cost): Cost {
  if (isConstant(b)) return isConstant(a) ? O1 : a;
  if (isConstant(a)) return b;
  return mulCosts(a, b);
}

/** Product of two non-constant costs. */
function mulCosts(a: Cost, b: Cost): Cost {
  const at = a.terms, bt = b.terms;
  if (at.length === 1 && bt.length === 1) {
    const t = mulTerm(at[0], bt[0]);
    return isEmptyTerm(t) ? O1 : { terms: [t] };
  }
  const out: Term[] = [];
  for (const x of at) for (const y of bt) out.push(mulTerm(x, y));
  return normalize(out);
}

/** c^k for a real k > 0 ((a + b)^k is Theta(a^k + b^k)). */
export function pow(c: Cost, k: number): Cost {
  if (k <= 0) return O1;
  return normalize(
    c.terms.map((t) => {
      const gs = growthsOf(t).map((g) => ({ p: g.p * k, l: g.l * k, e: g.e * k, f: g.f * k }));
      const vexp: Array<readonly [string, string]> = [];
      for (let i = 0; i < Math.max(1, Math.round(k)); i++) vexp.push(...t.vexp);
      return makeTermOf(namesOf(t), gs, vexp);
    }),
  );
}

/** log(c): log of a product is the sum of logs; log 2^n = n; log n! = n log n. */
export function log(c: Cost): Cost {
  const parts: Cost[] = [];
  for (const t of c.terms) {
    const ns = namesOf(t), gs = growthsOf(t);
    for (let i = 0; i < ns.length; i++) {
      const v = ns[i], g = gs[i];
      if (g.f > EPS) parts.push(mul(variable(v), logOf(v)));
      else if (g.e > EPS) parts.push(variable(v));
      else if (g.p > EPS) parts.push(logOf(v));
      else if (g.l > EPS) parts.push(logOf(v, 0)); // log log v: treated as O(1)
    }
    for (const [b, e] of t.vexp) parts.push(mul(variable(e), logOf(b)));
  }
  return parts.length ? add(...parts) : O1;
}

export function sqrt(c: Cost): Cost {
  return pow(c, 0.5);
}

/** base^c (base >= 2). */
export function exp(c: Cost, base: number | string = 2): Cost {
  if (isConstant(c)) return O1;
  const parts: Cost[] = [];
  // 2^(a+b) = 2^a * 2^b ; for a term with several factors, use its variables (an upper bound)
  for (const t of c.terms) for (const v of namesOf(t)) parts.push(expOf(v, base));
  return mul(...parts);
}

export function factorial(c: Cost): Cost {
  if (isConstant(c)) return O1;
  const parts: Cost[] = [];
  for (const t of c.terms) for (const v of namesOf(t)) parts.push(factorialOf(v));
  return mul(...parts);
}

/** Replace variables by costs (call-site mapping of a callee's parameters to argument sizes). */
export function substitute(c: Cost, mapFn: (v: string) => Cost | undefined): Cost {
  // `mapFn` is asked once per variable, in the order the variables are first met (its answers
  // are values: asking again gives an equal cost); nothing to do when it maps none of them.
  // The answers are kept in two small parallel arrays (a handful of variables per cost).
  const answers: Answers = { keys: [], vals: [] };
  let any = false;
  const terms = c.terms;
  for (let ti = 0; ti < terms.length; ti++) {
    const t = terms[ti];
    const ns = namesOf(t);
    for (let i = 0; i < ns.length; i++) if (answerOf(answers, mapFn, ns[i])) any = true;
    for (let vi = 0; vi < t.vexp.length; vi++) {
      const b = t.vexp[vi][0], e = t.vexp[vi][1];
      if (answerOf(answers, mapFn, b)) any = true;
      if (answerOf(answers, mapFn, e)) any = true;
    }
  }
  if (!any) return c;
  const out: Cost[] = [];
  for (let ti = 0; ti < terms.length; ti++) {
    const t = terms[ti];
    let acc: Cost = O1;
    const ns = namesOf(t), gs = growthsOf(t);
    let keptNames: string[] | undefined;
    let keptGrowths: VarGrowth[] | undefined;
    for (let i = 0; i < ns.length; i++) {
      const v = ns[i], g = gs[i];
      const r = answerOf(answers, mapFn, v);
      if (!r) {
        (keptNames ??= []).push(v);
        (keptGrowths ??= []).push(g);
        continue;
      }
      if (g.p === 1 && g.l === 0 && g.e === 0 && g.f === 0) {
        acc = mul2(acc, r);
        continue;
      }
      let part: Cost = O1;
      if (g.p > EPS) part = mul2(part, pow(r, g.p));
      if (g.l > EPS) part = mul2(part, pow(log(r), g.l));
      if (g.e > EPS) part = mul2(part, exp(r, 2 ** g.e));
      if (g.f > EPS) part = mul2(part, pow(factorial(r), g.f));
      acc = mul2(acc, part);
    }
    for (let vi = 0; vi < t.vexp.length; vi++) {
      const b = t.vexp[vi][0], e = t.vexp[vi][1];
      const rb = answerOf(answers, mapFn, b), re = answerOf(answers, mapFn, e);
      if (!rb && !re) acc = mul2(acc, { terms: [makeTermOf(NO_NAMES, NO_GROWTHS, [[b, e]])] });
      else {
        const baseVars = rb ? variablesOf(rb) : [b];
        const expC = re ?? variable(e);
        if (!baseVars.length) acc = mul2(acc, exp(expC, 2));
        else for (const bv of baseVars) for (const tt of expC.terms) for (const ev of namesOf(tt)) acc = mul2(acc, expOf(ev, bv));
      }
    }
    if (keptNames) acc = mul2(acc, { terms: [makeTermOf(keptNames, keptGrowths!)] });
    out.push(acc);
  }
  // add(...out) without the rest array for one or two terms
  if (out.length === 1) return isConstant(out[0]) ? O1 : out[0];
  if (out.length === 2) return add2(out[0], out[1]);
  return add(...out);
}

interface Answers {
  keys: string[];
  vals: Array<Cost | undefined>;
}

function answerOf(answers: Answers, mapFn: (v: string) => Cost | undefined, v: string): Cost | undefined {
  const i = answers.keys.indexOf(v);
  if (i >= 0) return answers.vals[i];
  const r = mapFn(v);
  answers.keys.push(v);
  answers.vals.push(r);
  return r;
}

/** Rename variables (e.g. internal keys -> printed letters). Two names mapping to one merge. */
export function renameVars(c: Cost, rename: (v: string) => string): Cost {
  if (isConstant(c)) return O1;
  if (c.terms.length === 1) {
    // one variable (the usual evidence factor): the same growth under the new name
    const t = c.terms[0];
    const ns = namesOf(t);
    if (ns.length === 1 && !t.vexp.length) return normalize([makeTermOf([rename(ns[0])], [sumGrowth(ZERO, growthsOf(t)[0])])]);
  }
  const fast = renameOneToOne(c, rename);
  if (fast) return fast;
  return normalize(
    c.terms.map((t) => {
      const ns = namesOf(t), gs = growthsOf(t);
      const names: string[] = [];
      const growths: VarGrowth[] = [];
      for (let i = 0; i < ns.length; i++) {
        const n = rename(ns[i]);
        const at = names.indexOf(n);
        if (at < 0) {
          names.push(n);
          growths.push(sumGrowth(ZERO, gs[i]));
        } else growths[at] = sumGrowth(growths[at], gs[i]);
      }
      return makeTermOf(names, growths, t.vexp.map(([b, e]) => [rename(b), rename(e)] as const));
    }),
  );
}

/**
 * renameVars for the usual case: terms made here, no variable-base exponentials, and a renaming
 * that is one-to-one onto plain names. Each renamed term keeps its growths (re-sorted by the new
 * names) and the sum stays an antichain of distinct terms, so only the order of the terms is
 * recomputed. Undefined when the case does not apply.
 */
function renameOneToOne(c: Cost, rename: (v: string) => string): Cost | undefined {
  const ts = c.terms;
  for (const t of ts) if (!(t instanceof VTerm) || t.vexp.length) return undefined;
  // original -> new names in two small parallel arrays (a handful of variables)
  const from: string[] = [];
  const to: string[] = [];
  const out: Term[] = [];
  for (const t of ts as readonly VTerm[]) {
    const ns = t.ns, gs = t.gs;
    const ns2: string[] = [];
    const gs2: VarGrowth[] = [];
    for (let i = 0; i < ns.length; i++) {
      const v = ns[i];
      const at = from.indexOf(v);
      let n: string;
      if (at >= 0) n = to[at];
      else {
        n = rename(v);
        if (to.includes(n) || !PLAIN_NAME.test(n)) return undefined;
        from.push(v);
        to.push(n);
      }
      // insert in name order
      const g = sumGrowth(ZERO, gs[i]);
      let j = ns2.length;
      ns2.push(n);
      gs2.push(g);
      while (j > 0 && ns2[j - 1] > n) {
        ns2[j] = ns2[j - 1];
        gs2[j] = gs2[j - 1];
        j--;
      }
      ns2[j] = n;
      gs2[j] = g;
    }
    out.push(new VTerm(ns2, gs2, NO_VEXP));
  }
  if (out.length === 1) return normalize(out);
  sortTerms(out);
  return { terms: out };
}

/** Names that cannot run together in a term key (no ':', ';', ',' or '^'). */
const PLAIN_NAME = /^[^:;,^]+$/;

/** Every variable read as the single variable n. */
export function collapse(c: Cost, into = 'n'): Cost {
  return renameVars(c, () => into);
}

export function equals(a: Cost, b: Cost): boolean {
  if (a.terms.length !== b.terms.length) return false;
  const ka = a.terms.map(termKey).sort(), kb = b.terms.map(termKey).sort();
  return ka.every((k, i) => k === kb[i]);
}
/** The dominant collapsed order of a cost: [factorial, exponential, polynomial, log] powers. */
function collapsedOrder(c: Cost): number[] {
  let best = [0, 0, 0, 0];
  for (const t of c.terms) {
    const tu = collapsedTuple(t);
    if (cmpTuple(tu, best) > 0) best = tu;
  }
  return best;
}

/** Is `a` strictly worse than `b`, all size variables read as one n? */
export function isWorseThan(a: Cost, b: Cost): boolean {
  return cmpTuple(collapsedOrder(a), collapsedOrder(b)) > 0;
}

/** Compare two costs with all variables read as one n: -1, 0, 1. */
export function compareCollapsed(a: Cost, b: Cost): number {
  return cmpTuple(collapsedOrder(a), collapsedOrder(b));
}

/**
 * Rank classes used by reports: 0 = 1, 1 = polylog, 2 = sqrt-ish (0 < degree < 1),
 * 3 = n, 4 = n log n and n^(1..2), 5 = n^2 (x polylog), 6 = n^3, 7 = n^k (k >= 4),
 * 8 = exponential, 9 = factorial.
 */
export function rankOf(c: Cost): number {
  const [f, e, p, l] = collapsedOrder(c);
  if (f > EPS) return 9;
  if (e > EPS) return 8;
  if (p < EPS) return l > EPS ? 1 : 0;
  if (p < 1 - EPS) return 2;
  if (Math.abs(p - 1) < EPS) return l > EPS ? 4 : 3;
  if (p < 2 - EPS) return 4;
  if (p < 3 - EPS) return 5;
  if (p < 4 - EPS) return 6;
  return 7;
}

export const RANK_NAMES = ['O(1)', 'O(log n)', 'O(sqrt n)', 'O(n)', 'O(n log n)', 'O(n^2)', 'O(n^3)', 'O(n^k)', 'O(2^n)', 'O(n!)'];

// ---------------------------------------------------------------- printing

const SUP: Record<string, string> = { '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹', '.': '·', n: 'ⁿ', m: 'ᵐ', k: 'ᵏ', i: 'ⁱ', h: 'ʰ', l: 'ˡ', d: 'ᵈ', p: 'ᵖ', q: 'ᵠ', r: 'ʳ', s: 'ˢ', t: 'ᵗ', v: 'ᵛ', w: 'ʷ', x: 'ˣ', y: 'ʸ', z: 'ᶻ', a: 'ᵃ', b: 'ᵇ', c: 'ᶜ', e: 'ᵉ', f: 'ᶠ', g: 'ᵍ', j: 'ʲ', o: 'ᵒ', u: 'ᵘ' };

function num(x: number): string {
  const r = Math.round(x * 1000) / 1000;
  return String(r);
}

function power(base: string, k: number, unicode: boolean): string {
  if (Math.abs(k - 1) < EPS) return base;
  const s = num(k);
  if (unicode && [...s].every((ch) => SUP[ch] && ch !== '.')) return base + [...s].map((ch) => SUP[ch]).join('');
  return `${base}^${s}`;
}

function expBase(e: number): string {
  const b = 2 ** e;
  const r = Math.round(b);
  return Math.abs(b - r) < 1e-6 ? String(r) : num(b);
}

function formatTerm(t: Term, unicode: boolean, manyVars: boolean): string {
  return formatParts(namesOf(t), growthsOf(t), t.vexp, unicode, manyVars);
}

/** formatTerm of the term with these variables (sorted by name), growths and variable-base exponentials. */
function formatParts(vars: readonly string[], growths: readonly VarGrowth[], vexp: VExp, unicode: boolean, manyVars: boolean): string {
  if (!vars.length && !vexp.length) return '1';
  if (vars.length === 1 && !vexp.length) {
    const g = growths[0];
    if (g.p === 1 && g.l === 0 && g.e === 0 && g.f === 0) return vars[0];
  }
  const multi = manyVars || vars.length + vexp.length > 1 || vexp.length > 0;
  const mulSep = unicode ? '·' : '*';
  // four groups (polynomials, logs, exponentials, factorials), each its items joined by mulSep
  let polys = '', logs = '', exps = '', facts = '';
  let np = 0, nl = 0, ne = 0, nf = 0;
  for (let i = 0; i < vars.length; i++) {
    const v = vars[i];
    const g = growths[i];
    if (g.p > EPS) {
      const whole = Math.floor(g.p + EPS);
      const frac = g.p - whole;
      let item: string;
      if (Math.abs(frac - 0.5) < EPS) {
        const sq = unicode ? `√${v}` : `sqrt ${v}`;
        item = whole ? `${power(v, whole, unicode)}${multi ? mulSep : ' '}${sq}` : sq;
      } else if (frac < EPS) item = power(v, whole, unicode);
      else item = `${v}^${num(g.p)}`;
      polys = np++ ? polys + mulSep + item : item;
    }
    if (g.l > EPS) {
      const item = Math.abs(g.l - 1) < EPS ? `log ${v}` : `${power('log', g.l, unicode)} ${v}`;
      logs = nl++ ? logs + mulSep + item : item;
    }
    if (g.e > EPS) {
      const b = expBase(g.e);
      const item = unicode && SUP[v] && v.length === 1 ? `${b}${SUP[v]}` : `${b}^${v}`;
      exps = ne++ ? exps + mulSep + item : item;
    }
    if (g.f > EPS) {
      const item = power(`${v}!`, g.f, unicode);
      facts = nf++ ? facts + mulSep + item : item;
    }
  }
  for (const [b, e] of vexp) {
    const item = unicode && SUP[e] && e.length === 1 ? `${b}${SUP[e]}` : `${b}^${e}`;
    exps = ne++ ? exps + mulSep + item : item;
  }
  if (!multi) {
    // one variable: "n^2 log n", "n sqrt n", "log^2 n"; exponentials/factorials joined with *
    // (at most one item per group here)
    const head = np && nl ? polys + ' ' + logs : np ? polys : logs;
    let out = head;
    if (ne && exps) out = out ? out + mulSep + exps : exps;
    if (nf && facts) out = out ? out + mulSep + facts : facts;
    return out;
  }
  let out = np ? polys : '';
  let any = np > 0;
  if (nl) {
    out = any ? out + mulSep + logs : logs;
    any = true;
  }
  if (ne) {
    out = any ? out + mulSep + exps : exps;
    any = true;
  }
  if (nf) out = any ? out + mulSep + facts : facts;
  return out;
}

/** The canonical printer. ASCII: "O(n^2)", "O(n log n)", "O(m*n)"; unicode: "O(n²)", "O(m·n)". */
export function formatCost(c: Cost, style: 'ascii' | 'unicode' = 'ascii'): string {
  if (isConstant(c)) return 'O(1)';
  const unicode = style === 'unicode';
  const manyVars = hasSeveralVariables(c);
  return `O(${c.terms.map((t) => formatTerm(t, unicode, manyVars)).join(' + ')})`;
}

/** Does the cost mention more than one variable? */
function hasSeveralVariables(c: Cost): boolean {
  let first: string | undefined;
  const seen = (v: string): boolean => {
    if (first === undefined) first = v;
    else if (v !== first) return true;
    return false;
  };
  for (const t of c.terms) {
    for (const v of namesOf(t)) if (seen(v)) return true;
    for (let vi = 0; vi < t.vexp.length; vi++) if (seen(t.vexp[vi][0]) || seen(t.vexp[vi][1])) return true;
  }
  return false;
}

/** The factor form used in evidence (no O()). */
export function formatFactor(c: Cost): string {
  return formatCost(c).slice(2, -1);
}

/**
 * formatFactor(renameVars(c, rename)) without building the renamed cost, for a cost of one term
 * (no variable-base exponentials) renamed one-to-one onto plain names; the general path otherwise.
 */
export function formatFactorRenamed(c: Cost, rename: (v: string) => string): string {
  if (isConstant(c)) return '1';
  const ts = c.terms;
  const t = ts[0];
  if (ts.length === 1 && t instanceof VTerm && !t.vexp.length) {
    const ns = t.ns, gs = t.gs;
    if (ns.length === 1) {
      // renameVars' one-variable path: the same growth under the new name
      const g = gs[0];
      if (!isZero(g)) return formatParts([rename(ns[0])], gs, NO_VEXP, false, false);
    } else if (ns.length > 1 && ns.length <= 8) {
      // renameOneToOne: distinct plain names, re-sorted by the new names
      const names: string[] = [];
      const growths: VarGrowth[] = [];
      let ok = true;
      for (let i = 0; i < ns.length && ok; i++) {
        const n = rename(ns[i]);
        if (names.includes(n) || !PLAIN_NAME.test(n)) ok = false;
        else {
          let j = names.length;
          names.push(n);
          growths.push(gs[i]);
          while (j > 0 && names[j - 1] > n) {
            names[j] = names[j - 1];
            growths[j] = growths[j - 1];
            j--;
          }
          names[j] = n;
          growths[j] = gs[i];
        }
      }
      if (ok) return formatParts(names, growths, NO_VEXP, false, true);
    }
  }
  return formatFactor(renameVars(c, rename));
}

// ---------------------------------------------------------------- parsing

const SUP_BACK: Record<string, string> = Object.fromEntries(Object.entries(SUP).filter(([k]) => k !== '.').map(([k, v]) => [v, k]));

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}
  private ws() {
    while (this.i < this.s.length && /\s/.test(this.s[this.i])) this.i++;
  }
  private peek(): string {
    this.ws();
    return this.s[this.i] ?? '';
  }
  private eat(ch: string): boolean {
    if (this.peek() === ch) {
      this.i++;
      return true;
    }
    return false;
  }
  private word(): string | undefined {
    this.ws();
    const m = /^[A-Za-z_\u0370-\u03ff][A-Za-z_0-9\u0370-\u03ff]*/.exec(this.s.slice(this.i));
    if (!m) return undefined;
    return m[0];
  }
  private number(): number | undefined {
    this.ws();
    const m = /^\d+(\.\d+)?/.exec(this.s.slice(this.i));
    if (!m) return undefined;
    this.i += m[0].length;
    return Number(m[0]);
  }
  done(): boolean {
    this.ws();
    return this.i >= this.s.length;
  }
  fail(): never {
    throw new Error(`not a cost: cannot parse at "${this.s.slice(this.i)}" in "${this.s}"`);
  }
  sum(): Cost {
    const parts = [this.product()];
    while (this.eat('+')) parts.push(this.product());
    return add(...parts);
  }
  private product(): Cost {
    let acc = this.factor();
    for (;;) {
      const ch = this.peek();
      if (ch === '*' || ch === '×') {
        this.i++;
        acc = mul(acc, this.factor());
      } else if (ch && ch !== '+' && ch !== ')' && ch !== ',') {
        acc = mul(acc, this.factor()); // implicit product: "n log n"
      } else return acc;
    }
  }
  /** A factor with optional ^exponent and !. */
  private factor(): Cost {
    const start = this.i;
    const atom = this.atom();
    let result = atom.cost;
    if (this.eat('^')) {
      const n = this.number();
      if (n !== undefined) result = pow(atom.cost, n);
      else {
        // base^exponent where the exponent is a variable or expression
        const e = this.peek() === '(' ? (this.i++, this.paren()) : this.atom().cost;
        if (atom.numeric !== undefined) result = exp(e, atom.numeric);
        else if (atom.name) result = expCost(atom.name, e);
        else this.fail();
      }
    } else if (atom.numeric !== undefined) result = O1;
    if (this.eat('!')) {
      if (atom.numeric !== undefined) result = O1;
      else result = factorial(result);
    }
    if (this.i === start) this.fail();
    return result;
  }
  private paren(): Cost {
    const c = this.sum();
    if (!this.eat(')')) this.fail();
    return c;
  }
  private atom(): { cost: Cost; numeric?: number; name?: string } {
    const ch = this.peek();
    if (ch === '(') {
      this.i++;
      return { cost: this.paren() };
    }
    if (ch === '|') {
      this.i++;
      const w = this.word();
      if (!w) this.fail();
      this.i += w.length;
      if (!this.eat('|')) this.fail();
      return { cost: variable(w), name: w };
    }
    if (ch === '√') {
      this.i++;
      return { cost: sqrt(this.atom().cost) };
    }
    const n = this.number();
    if (n !== undefined) return { cost: O1, numeric: n };
    const w = this.word();
    if (!w) this.fail();
    this.i += w.length;
    if (w === 'log' || w === 'lg' || w === 'ln') {
      let k = 1;
      if (this.eat('^')) k = this.number() ?? this.fail();
      const arg = this.factor();
      return { cost: pow(log(arg), k) };
    }
    if (w === 'sqrt') return { cost: sqrt(this.factor()) };
    if (w === 'max' || w === 'min') {
      if (!this.eat('(')) this.fail();
      const args = [this.sum()];
      while (this.eat(',')) args.push(this.sum());
      if (!this.eat(')')) this.fail();
      // max(a, b) = a + b. min(a, b) is read as its first argument (an upper bound would be either).
      return { cost: w === 'max' ? add(...args) : args[0] };
    }
    return { cost: variable(w), name: w };
  }
}

function expCost(base: string, e: Cost): Cost {
  let acc: Cost = O1;
  for (const t of e.terms) for (const v of namesOf(t)) acc = mul(acc, expOf(v, base));
  return acc;
}

function normalizeText(text: string): string {
  let s = text.trim().replace(/\?$/, '').trim();
  s = s.replace(/·|⋅|\\cdot|\\times/g, '*').replace(/\\log/g, 'log').replace(/\\sqrt/g, 'sqrt');
  // superscripts -> ^digits / ^letter
  s = s.replace(/[⁰¹²³⁴⁵⁶⁷⁸⁹ⁿᵐᵏⁱʰˡᵈᵖᵠʳˢᵗᵛʷˣʸᶻᵃᵇᶜᵉᶠᵍʲᵒᵘ]+/g, (m) => '^' + [...m].map((c) => SUP_BACK[c] ?? '').join('') + ' ');
  s = s.replace(/\{|\}/g, (b) => (b === '{' ? '(' : ')'));
  return s;
}

/** Parse a printed cost back ("O(n log n)", "O(m·n)?", "O(2^n)", "O(n + m*log m)"). Throws on bad input. */
export function parseCost(text: string): Cost {
  const s = normalizeText(text);
  const m = /^O\s*\(([\s\S]*)\)$/.exec(s);
  if (!m) throw new Error(`not a cost: ${text}`);
  const p = new Parser(m[1]);
  const c = p.sum();
  if (!p.done()) p.fail();
  return c;
}
