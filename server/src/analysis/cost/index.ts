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

const EMPTY_TERM: Term = Object.freeze({ vars: Object.freeze({}), vexp: Object.freeze([]), key: '' });
export const O1: Cost = Object.freeze({ terms: Object.freeze([EMPTY_TERM]) });

const ZERO: VarGrowth = { p: 0, l: 0, e: 0, f: 0 };
const EPS = 1e-9;

function isZero(g: VarGrowth): boolean {
  return Math.abs(g.p) < EPS && Math.abs(g.l) < EPS && Math.abs(g.e) < EPS && Math.abs(g.f) < EPS;
}

const NO_VEXP: ReadonlyArray<readonly [string, string]> = Object.freeze([]);

function makeTerm(vars: Record<string, VarGrowth>, vexp: ReadonlyArray<readonly [string, string]> = NO_VEXP): Term {
  let keys = Object.keys(vars);
  if (keys.length > MAX_VARS_PER_TERM) {
    keys = keys
      .filter((k) => !isZero(vars[k]))
      .sort((a, b) => -cmpGrowth(vars[a], vars[b]) || (a < b ? -1 : 1))
      .slice(0, MAX_VARS_PER_TERM);
  }
  if (keys.length > 1) keys.sort();
  const clean: Record<string, VarGrowth> = {};
  let any = false;
  for (const k of keys) {
    if (!isZero(vars[k])) {
      clean[k] = vars[k];
      any = true;
    }
  }
  let ve = vexp.length > 1 ? [...vexp].sort((a, b) => (a[0] + '^' + a[1] < b[0] + '^' + b[1] ? -1 : a[0] + '^' + a[1] > b[0] + '^' + b[1] ? 1 : 0)) : vexp;
  if (ve.length > MAX_VEXP_PER_TERM) ve = ve.slice(0, MAX_VEXP_PER_TERM);
  if (!any && !ve.length) return EMPTY_TERM;
  return { vars: clean, vexp: ve, key: computeKey(clean, ve) };
}

// ---------------------------------------------------------------- constructors

/** The size variable itself: O(v). */
export function variable(v: string): Cost {
  return { terms: [makeTerm({ [v]: { p: 1, l: 0, e: 0, f: 0 } })] };
}
export function logOf(v: string, power = 1): Cost {
  return { terms: [makeTerm({ [v]: { p: 0, l: power, e: 0, f: 0 } })] };
}
export function sqrtOf(v: string): Cost {
  return { terms: [makeTerm({ [v]: { p: 0.5, l: 0, e: 0, f: 0 } })] };
}
export function powOf(v: string, p: number): Cost {
  return { terms: [makeTerm({ [v]: { p, l: 0, e: 0, f: 0 } })] };
}
/** base^v (base a number >= 2, or a variable name). */
export function expOf(v: string, base: number | string = 2): Cost {
  if (typeof base === 'string') return { terms: [makeTerm({}, [[base, v]])] };
  if (base <= 1) return O1;
  return { terms: [makeTerm({ [v]: { p: 0, l: 0, e: Math.log2(base), f: 0 } })] };
}
export function factorialOf(v: string): Cost {
  return { terms: [makeTerm({ [v]: { p: 0, l: 0, e: 0, f: 1 } })] };
}

export function isConstant(c: Cost): boolean {
  if (c === O1) return true;
  const ts = c.terms;
  if (ts.length === 1) {
    const t = ts[0];
    if (t === EMPTY_TERM || t.key === '') return true;
    if (t.key) return false;
  }
  return ts.every((t) => t === EMPTY_TERM || (!Object.keys(t.vars).length && !t.vexp.length));
}

/** Variables mentioned anywhere in the cost. */
export function variablesOf(c: Cost): string[] {
  const s = new Set<string>();
  for (const t of c.terms) {
    for (const k of Object.keys(t.vars)) s.add(k);
    for (const [b, e] of t.vexp) {
      s.add(b);
      s.add(e);
    }
  }
  return [...s].sort();
}

// ---------------------------------------------------------------- dominance

function cmpGrowth(a: VarGrowth, b: VarGrowth): number {
  for (const k of ['f', 'e', 'p', 'l'] as const) {
    const d = a[k] - b[k];
    if (d > EPS) return 1;
    if (d < -EPS) return -1;
  }
  return 0;
}

/** Does term `a` grow at least as fast as `b` in every variable (b = O(a))? */
export function termDominates(a: Term, b: Term): boolean {
  for (const v of Object.keys(b.vars)) if (cmpGrowth(a.vars[v] ?? ZERO, b.vars[v]) < 0) return false;
  for (const v of Object.keys(a.vars)) if (!(v in b.vars) && cmpGrowth(a.vars[v], ZERO) < 0) return false;
  // variable-base exponentials: b's must be a sub-multiset of a's
  const rest = a.vexp.map((x) => x[0] + '^' + x[1]);
  for (const x of b.vexp) {
    const i = rest.indexOf(x[0] + '^' + x[1]);
    if (i < 0) return false;
    rest.splice(i, 1);
  }
  return true;
}

function growthKey(v: string, g: VarGrowth): string {
  return g.l === 0 && g.e === 0 && g.f === 0 ? v + ':' + r6(g.p) : v + ':' + r6(g.p) + ',' + r6(g.l) + ',' + r6(g.e) + ',' + r6(g.f);
}

function computeKey(vars: Readonly<Record<string, VarGrowth>>, vexp: ReadonlyArray<readonly [string, string]>): string {
  let key = '';
  for (const v in vars) key = key ? key + ';' + growthKey(v, vars[v]) : growthKey(v, vars[v]);
  for (const [b, e] of vexp) key = key ? key + ';' + b + '^' + e : b + '^' + e;
  return key;
}

function r6(x: number): number {
  return x === 0 || x === 1 || x === 2 ? x : Math.round(x * 1e6) / 1e6;
}

function termKey(t: Term): string {
  return t.key ?? computeKey(t.vars, t.vexp);
}

/** Collapsed order of a term (every variable read as one n): [f, e(+inf for k^n), p, l], cached on the term. */
function collapsedTuple(t: Term): [number, number, number, number] {
  const cached = (t as { ct?: [number, number, number, number] }).ct;
  if (cached) return cached;
  const c = computeTuple(t);
  if (!Object.isFrozen(t)) (t as { ct?: [number, number, number, number] }).ct = c;
  return c;
}

function computeTuple(t: Term): [number, number, number, number] {
  let p = 0, l = 0, e = 0, f = 0;
  for (const v of Object.keys(t.vars)) {
    const g = t.vars[v];
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

function normalize(terms: Term[]): Cost {
  if (terms.length === 1) return terms[0] === EMPTY_TERM || !termKey(terms[0]) ? O1 : { terms };
  let list: Term[];
  if (terms.length <= 12) {
    list = [];
    for (const t of terms) {
      const k = termKey(t);
      if (!list.some((x) => termKey(x) === k)) list.push(t);
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
  kept.sort(termOrder);
  if (kept.length === 1 && kept[0] === EMPTY_TERM) return O1;
  if (kept.length > MAX_TERMS) return { terms: kept.slice(kept.length - MAX_TERMS) };
  return { terms: kept };
}

// ---------------------------------------------------------------- arithmetic

/** Sum (also the max of two branches: same thing in Big-O). */
export function add(...costs: Cost[]): Cost {
  let first: Cost | undefined;
  let many = false;
  for (const c of costs) {
    if (isConstant(c)) continue;
    if (!first) first = c;
    else if (c !== first) many = true;
  }
  if (!first) return O1;
  if (!many) return first;
  if (costs.length === 2 && costs[0].terms.length === 1 && costs[1].terms.length === 1) {
    // two single terms: one usually dominates the other
    const [a, b] = [costs[0].terms[0], costs[1].terms[0]];
    if (a.key !== undefined && a.key === b.key) return costs[0];
    if (termDominates(a, b)) return costs[0];
    if (termDominates(b, a)) return costs[1];
  }
  const terms: Term[] = [];
  for (const c of costs) if (!isConstant(c)) for (const t of c.terms) terms.push(t);
  return normalize(terms);
}
export const max = add;

function mulTerm(a: Term, b: Term): Term {
  if (a === EMPTY_TERM) return b;
  if (b === EMPTY_TERM) return a;
  // both var records are in sorted key order: merge them
  const ka = Object.keys(a.vars), kb = Object.keys(b.vars);
  if (ka.length + kb.length > MAX_VARS_PER_TERM || a.vexp.length || b.vexp.length) {
    const vars: Record<string, VarGrowth> = { ...a.vars };
    for (const v of kb) {
      const x = vars[v] ?? ZERO, y = b.vars[v];
      vars[v] = { p: x.p + y.p, l: x.l + y.l, e: x.e + y.e, f: x.f + y.f };
    }
    return makeTerm(vars, [...a.vexp, ...b.vexp]);
  }
  const vars: Record<string, VarGrowth> = {};
  let key = '';
  let i = 0, j = 0;
  const put = (v: string, g: VarGrowth) => {
    vars[v] = g;
    key = key ? key + ';' + growthKey(v, g) : growthKey(v, g);
  };
  while (i < ka.length || j < kb.length) {
    const x = ka[i], y = kb[j];
    if (j >= kb.length || (i < ka.length && x < y)) {
      put(x, a.vars[x]);
      i++;
    } else if (i >= ka.length || y < x) {
      put(y, b.vars[y]);
      j++;
    } else {
      const g = a.vars[x], h = b.vars[y];
      const s = { p: g.p + h.p, l: g.l + h.l, e: g.e + h.e, f: g.f + h.f };
      if (!isZero(s)) put(x, s);
      i++;
      j++;
    }
  }
  if (!key) return EMPTY_TERM;
  return { vars, vexp: NO_VEXP, key };
}

export function mul(...costs: Cost[]): Cost {
  let acc: Cost = O1;
  for (const c of costs) {
    if (isConstant(c)) continue;
    if (isConstant(acc)) {
      acc = c;
      continue;
    }
    const out: Term[] = [];
    for (const x of acc.terms) for (const y of c.terms) out.push(mulTerm(x, y));
    acc = normalize(out);
  }
  return acc;
}

/** c^k for a real k > 0 ((a + b)^k is Theta(a^k + b^k)). */
export function pow(c: Cost, k: number): Cost {
  if (k <= 0) return O1;
  return normalize(
    c.terms.map((t) => {
      const vars: Record<string, VarGrowth> = {};
      for (const v of Object.keys(t.vars)) {
        const g = t.vars[v];
        vars[v] = { p: g.p * k, l: g.l * k, e: g.e * k, f: g.f * k };
      }
      const vexp: Array<readonly [string, string]> = [];
      for (let i = 0; i < Math.max(1, Math.round(k)); i++) vexp.push(...t.vexp);
      return makeTerm(vars, vexp);
    }),
  );
}

/** log(c): log of a product is the sum of logs; log 2^n = n; log n! = n log n. */
export function log(c: Cost): Cost {
  const parts: Cost[] = [];
  for (const t of c.terms) {
    for (const v of Object.keys(t.vars)) {
      const g = t.vars[v];
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
  for (const t of c.terms) for (const v of Object.keys(t.vars)) parts.push(expOf(v, base));
  return mul(...parts);
}

export function factorial(c: Cost): Cost {
  if (isConstant(c)) return O1;
  const parts: Cost[] = [];
  for (const t of c.terms) for (const v of Object.keys(t.vars)) parts.push(factorialOf(v));
  return mul(...parts);
}

/** Replace variables by costs (call-site mapping of a callee's parameters to argument sizes). */
export function substitute(c: Cost, map: (v: string) => Cost | undefined): Cost {
  const out: Cost[] = [];
  let touched = false;
  for (const t of c.terms) {
    let acc: Cost = O1;
    const kept: Record<string, VarGrowth> = {};
    let keptAny = false;
    for (const v of Object.keys(t.vars)) {
      const g = t.vars[v];
      const r = map(v);
      if (!r) {
        kept[v] = g;
        keptAny = true;
        continue;
      }
      touched = true;
      if (g.p === 1 && g.l === 0 && g.e === 0 && g.f === 0) {
        acc = mul(acc, r);
        continue;
      }
      let part: Cost = O1;
      if (g.p > EPS) part = mul(part, pow(r, g.p));
      if (g.l > EPS) part = mul(part, pow(log(r), g.l));
      if (g.e > EPS) part = mul(part, exp(r, 2 ** g.e));
      if (g.f > EPS) part = mul(part, pow(factorial(r), g.f));
      acc = mul(acc, part);
    }
    for (const [b, e] of t.vexp) {
      const rb = map(b), re = map(e);
      if (!rb && !re) acc = mul(acc, { terms: [makeTerm({}, [[b, e]])] });
      else {
        const baseVars = rb ? variablesOf(rb) : [b];
        const expC = re ?? variable(e);
        if (!baseVars.length) acc = mul(acc, exp(expC, 2));
        else for (const bv of baseVars) for (const tt of expC.terms) for (const ev of Object.keys(tt.vars)) acc = mul(acc, expOf(ev, bv));
        touched = true;
      }
    }
    if (keptAny) acc = mul(acc, { terms: [makeTerm(kept)] });
    out.push(acc);
  }
  if (!touched) return c;
  return add(...out);
}

/** Rename variables (e.g. internal keys -> printed letters). Two names mapping to one merge. */
export function renameVars(c: Cost, rename: (v: string) => string): Cost {
  return normalize(
    c.terms.map((t) => {
      const vars: Record<string, VarGrowth> = {};
      for (const v of Object.keys(t.vars)) {
        const n = rename(v);
        const x = vars[n] ?? ZERO, y = t.vars[v];
        vars[n] = { p: x.p + y.p, l: x.l + y.l, e: x.e + y.e, f: x.f + y.f };
      }
      return makeTerm(vars, t.vexp.map(([b, e]) => [rename(b), rename(e)] as const));
    }),
  );
}

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
  const vars = Object.keys(t.vars);
  if (!vars.length && !t.vexp.length) return '1';
  const multi = manyVars || vars.length + t.vexp.length > 1 || t.vexp.length > 0;
  const mulSep = unicode ? '·' : '*';
  const polys: string[] = [], logs: string[] = [], exps: string[] = [], facts: string[] = [];
  for (const v of vars) {
    const g = t.vars[v];
    if (g.p > EPS) {
      const whole = Math.floor(g.p + EPS);
      const frac = g.p - whole;
      const sq = unicode ? `√${v}` : `sqrt ${v}`;
      if (Math.abs(frac - 0.5) < EPS) {
        polys.push(whole ? `${power(v, whole, unicode)}${multi ? mulSep : ' '}${sq}` : sq);
      } else if (frac < EPS) polys.push(power(v, whole, unicode));
      else polys.push(`${v}^${num(g.p)}`);
    }
    if (g.l > EPS) logs.push(Math.abs(g.l - 1) < EPS ? `log ${v}` : `${power('log', g.l, unicode)} ${v}`);
    if (g.e > EPS) {
      const b = expBase(g.e);
      exps.push(unicode && SUP[v] && v.length === 1 ? `${b}${SUP[v]}` : `${b}^${v}`);
    }
    if (g.f > EPS) facts.push(power(`${v}!`, g.f, unicode));
  }
  for (const [b, e] of t.vexp) exps.push(unicode && SUP[e] && e.length === 1 ? `${b}${SUP[e]}` : `${b}^${e}`);
  if (!multi) {
    // one variable: "n^2 log n", "n sqrt n", "log^2 n"; exponentials/factorials joined with *
    const head = [...polys, ...logs].join(' ');
    return [head, ...exps, ...facts].filter(Boolean).join(mulSep);
  }
  return [...polys, ...logs, ...exps, ...facts].join(mulSep);
}

/** The canonical printer. ASCII: "O(n^2)", "O(n log n)", "O(m*n)"; unicode: "O(n²)", "O(m·n)". */
export function formatCost(c: Cost, style: 'ascii' | 'unicode' = 'ascii'): string {
  if (isConstant(c)) return 'O(1)';
  const unicode = style === 'unicode';
  const manyVars = variablesOf(c).length > 1;
  return `O(${c.terms.map((t) => formatTerm(t, unicode, manyVars)).join(' + ')})`;
}

/** The factor form used in evidence (no O()). */
export function formatFactor(c: Cost): string {
  return formatCost(c).slice(2, -1);
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
  for (const t of e.terms) for (const v of Object.keys(t.vars)) acc = mul(acc, expOf(v, base));
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
