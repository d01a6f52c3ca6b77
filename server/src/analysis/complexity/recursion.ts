// Recursion: from the recursive call sites of a function (how many per invocation, how each
// argument shrinks) and the work done per call, derive the total cost:
//   one call, n-1            -> depth n          (linear chain)
//   one call, n/2 or lo..mid -> depth log n      (binary search)
//   two calls, n/2 each      -> n, or n log n with linear work per call (merge sort)
//   b calls, n-1 each        -> b^n              (naive fib, include/exclude subsets)
//   calls in a loop from i   -> 2^n              (subsets / combinations)
//   calls in a loop over all remaining items    -> n! (permutations)
//   node.left / node.right   -> one call per node of the structure
//   memo / visited consulted before recursing   -> distinct states x work per state
import { ts } from '../../ts';
import type { ts as TS } from 'ts-morph';

/** Plain function references: a property of the large `ts` namespace costs a dictionary lookup per use. */
const { forEachChild, isArrayLiteralExpression, isArrowFunction, isBinaryExpression, isBlock, isCallExpression, isConditionalExpression, isElementAccessExpression, isForOfStatement, isForStatement, isFunctionDeclaration, isFunctionExpression, isIdentifier, isIfStatement, isMethodDeclaration, isPostfixUnaryExpression, isPrefixUnaryExpression, isPropertyAccessExpression, isReturnStatement, isSpreadElement, isStringLiteralLike, isSwitchStatement, isThrowStatement, isVariableDeclaration, isVariableDeclarationList } = ts;

/** Cached: `ts.SyntaxKind` is a getter on the bundled namespace, costly on hot paths. */
const SK = ts.SyntaxKind;
import { O1, add2, exp, expOf, factorial, isConstant, log, mul2, pow, substitute, variablesOf, type Cost } from '../cost';
import type { Confidence } from '../types';
import { evidenceAt, writesIndexed, type FnInfo, type RawEvidence, type Walker } from './analyzer';
import { cellsOf, lenOf, rootWith, valOf, type Shape } from './shape';
import { COMPARISONS, dottedName, forEachDescendant, forEachSelfAndDescendant, nodeText, identName, isNumericLiteralLike, mentions, unwrap } from './syntax';

export interface RecSite {
  site: TS.CallExpression;
  args: readonly TS.Expression[];
  frames: Array<{ iter: Cost; node: TS.Node; kind: string; loopVars: string[]; count?: number }>;
  mutual: boolean;
  callee: FnInfo;
}

type ArgKind = 'same' | 'step' | 'up' | 'half' | 'struct' | 'choose' | 'perm' | 'shrink' | 'parent' | 'other' | 'const' | 'mod' | 'child';

export interface RecursionResult {
  cost: Cost;
  amortized?: { cost: Cost; stateName: string };
  evidence: RawEvidence[];
  confidence: Confidence;
  /** The recursion depth used (sizes of path stacks grown along the recursion). */
  depth?: Cost;
}

const HALF_RE = />>>?\s*[1-9]|\/\s*(?:[2-9]|[1-9]\d+)\b/;

export function solveRecursion(w: Walker, W0: Cost, fnAmort: Cost): RecursionResult {
  const fn = w.fn!;
  const node = fn.node;
  const params = fn.params;
  const ev: RawEvidence[] = [];
  const sites = w.recSites;
  const selfSites = sites.filter((s) => !s.mutual);
  const used = selfSites.length ? selfSites : sites;
  let confidence: Confidence = 'medium';
  const depthKey = w.depthKey;
  const withDepth = (c: Cost, depth: Cost): Cost => (depthKey ? substitute(c, (v) => (v === depthKey ? depth : undefined)) : c);

  // a call through another function (mutual recursion) says something about our parameters only
  // when the signatures line up
  const kinds = used.map((s) => params.map((p, i) => (s.mutual && s.callee.params.length !== params.length ? 'other' : classifyArg(w, s, p, s.args[i]))));
  if (used.some((s) => s.mutual)) confidence = 'low';
  const siteMult = used.map((s) => s.frames.reduce<Cost>((acc, f) => mul2(acc, f.iter), O1));
  const anyKind = (k: ArgKind) => kinds.some((row) => row.includes(k));
  const rangeCache = new Map<string, Cost>();
  const rangeOf = (i: number, kind: ArgKind): Cost => {
    const key = `${i}:${kind}`;
    if (!rangeCache.has(key)) rangeCache.set(key, paramRange(w, i, kind, used));
    return rangeCache.get(key)!;
  };

  // ---- memo / visited: distinct states x work per state
  if (w.memoState) {
    const states = statesOf(w, used);
    if (states && !isConstant(states)) {
      // work per state may loop up to a parameter's value: use the largest value it takes
      const perState = withDepth(maxOverParams(w, W0, used), states);
      const total = add2(mul2(states, perState), fnAmort);
      ev.push(evidenceAt(w.memoState.node, w.sf, states, `memoised/visited recursion: ${w.memoState.name} is consulted before recursing, so each of the distinct states is expanded once`));
      const b = w.env.lookup(w.memoState.name);
      const persistent = !b || b.owner !== fn;
      return { cost: total, amortized: persistent ? { cost: total, stateName: w.memoState.name } : undefined, evidence: ev, confidence, depth: states };
    }
  }

  // ---- structural recursion over a tree/list: one call per node
  if (anyKind('struct')) {
    const idx = kinds.findIndex((row) => row.includes('struct'));
    const pIndex = kinds[idx].indexOf('struct');
    const pShape = w.env.lookup(params[pIndex])?.shape;
    const kind = pShape?.root?.kind === 'list' ? 'list' : 'tree';
    const size = lenOf(pShape?.root ? { ...pShape, root: rootWith(pShape.root, { kind }) } : pShape, w.reg) ?? O1;
    // children loops are part of visiting every node once
    const sizeVars = new Set(variablesOf(size));
    const inChildLoop = used.some((s) => s.frames.some((f) => variablesOf(f.iter).some((v) => sizeVars.has(v))));
    const W = withDepth(W0, size);
    const per = inChildLoop ? substitute(W, (v) => (sizeVars.has(v) ? O1 : undefined)) : W;
    ev.push(evidenceAt(node, w.sf, size, `recursion over ${kind === 'list' ? 'the list' : 'the tree'} ${params[pIndex]}: one call per node`));
    return { cost: add2(mul2(size, per), fnAmort), evidence: ev, confidence: 'high', depth: size };
  }

  // ---- parent-pointer walks (union-find find)
  if (used.length === 1 && kinds[0].includes('parent') && isConstant(siteMult[0])) {
    const a = unwrap(used[0].args[kinds[0].indexOf('parent')]) as TS.ElementAccessExpression;
    // parent[x] or this.parent[x]
    const base = identName(a.expression) ?? dottedName(a.expression);
    const len = lenOf(w.shapeOf(a.expression), w.reg) ?? O1;
    const compresses = !!base && !!node.body && writesIndexed(node.body, base);
    const depth = compresses ? log(len) : len;
    ev.push(evidenceAt(node, w.sf, depth, compresses ? `follows ${base} links with path compression: amortised log n` : `follows ${base ?? 'parent'} links`));
    return { cost: add2(mul2(depth, withDepth(W0, depth)), fnAmort), evidence: ev, confidence, depth };
  }

  // ---- depth: how the arguments shrink
  const linearIdx = new Set<number>();
  const halfIdx: number[] = [];
  for (let i = 0; i < params.length; i++) {
    for (const row of kinds) {
      const k = row[i];
      if (k === 'step' || k === 'up' || k === 'choose' || k === 'perm' || k === 'shrink') linearIdx.add(i);
      if (k === 'half' && !halfIdx.includes(i)) halfIdx.push(i);
    }
  }
  let depth: Cost | undefined;
  let halving = false;
  if (linearIdx.size) {
    for (const i of linearIdx) {
      const k = kinds.map((r) => r[i]).find((x) => x === 'choose' || x === 'perm') ?? kinds.map((r) => r[i]).find((x) => x !== 'same' && x !== 'other' && x !== 'const' && x !== 'half') ?? 'step';
      const r = rangeOf(i, k);
      if (!isConstant(r)) depth = depth ? add2(depth, r) : r;
    }
  }
  if ((!depth || isConstant(depth)) && halfIdx.length) {
    // lo..hi halves: the range is the span of the last halved bound (hi)
    const r = rangeOf(halfIdx[halfIdx.length - 1], 'half');
    if (!isConstant(r)) {
      depth = r;
      halving = true;
    }
  }
  // heap-index recursion (i -> 2i + 1, u -> (u << 1) | 1) with nothing else shrinking: the index
  // at least doubles per level, so it passes the size its children are checked against after
  // log n levels; with several calls per invocation it visits each index of that size once
  if ((!depth || isConstant(depth)) && node.body) {
    const childIdx = params.map((_, i) => i).filter((i) => kinds.some((row) => row[i] === 'child'));
    const size = childIdx.length ? childBound(w, node.body, childIdx.map((i) => params[i])) : undefined;
    if (size) {
      const weights0 = new Map<TS.Node, number>();
      used.forEach((s, i) => {
        if (isConstant(siteMult[i])) weights0.set(s.site, s.frames.reduce((a, f) => a * constIter(f), 1));
      });
      const b0 = Math.max(1, callsPerInvocation(node.body, weights0));
      const calls = b0 === 1 && used.every((_, i) => isConstant(siteMult[i])) ? log(size) : size;
      ev.push(evidenceAt(node, w.sf, calls, b0 === 1 ? 'recursion down one child index (2i + 1): depth log n' : 'recursion over child indices (2i + 1, 2i + 2): each index below the size once'));
      return { cost: add2(mul2(calls, withDepth(W0, log(size))), fnAmort), evidence: ev, confidence, depth: log(size) };
    }
  }
  // an increasing parameter capped by a literal (depth < 5): a bounded number of levels
  for (const i of linearIdx) {
    const k = kinds.map((r) => r[i]);
    if (k.includes('up') && constantGuard(w, params[i])) {
      const W1 = withDepth(W0, O1);
      ev.push(evidenceAt(node, w.sf, O1, `recursion depth bounded by a constant (${params[i]} is compared with a literal)`));
      return { cost: add2(W1, fnAmort), evidence: ev, confidence, depth: O1 };
    }
  }
  if ((!depth || isConstant(depth)) && node.body) {
    // state kept outside: if (path.length === n) return; ... path.push(x); dfs(); path.pop()
    const g = lengthGuard(w, node.body);
    if (g) depth = g;
  }
  if (!depth || isConstant(depth)) {
    // no visible progress: assume one level per element of the first sized parameter
    depth = undefined;
    for (let i = 0; i < params.length && !depth; i++) {
      const s = w.env.lookup(params[i])?.shape;
      const v = valOf(s, w.reg) ?? lenOf(s, w.reg);
      if (v && !isConstant(v)) depth = v;
    }
    confidence = 'low';
    if (!depth) {
      ev.push(evidenceAt(node, w.sf, O1, 'recursion whose depth could not be bounded (counted once)'));
      return { cost: add2(withDepth(W0, O1), fnAmort), evidence: ev, confidence: 'low' };
    }
    // a guessed depth does not support exponential or factorial claims: one call per level
    const W1 = withDepth(W0, depth);
    ev.push(evidenceAt(node, w.sf, depth, 'recursion whose arguments show no clear progress: assumed one call per level (low confidence)'));
    return { cost: add2(mul2(depth, W1), fnAmort), evidence: ev, confidence: 'low', depth };
  }
  const W = withDepth(W0, halving ? log(depth) : depth);

  const loopSites = used.map((s, i) => ({ s, i })).filter(({ i }) => !isConstant(siteMult[i]));
  // calls per invocation: exclusive branches (if/else, ?:) count once; constant loops multiply
  const weights = new Map<TS.Node, number>();
  used.forEach((s, i) => {
    if (isConstant(siteMult[i])) weights.set(s.site, s.frames.reduce((a, f) => a * constIter(f), 1));
  });
  const branching = node.body ? callsPerInvocation(node.body, weights) : weights.size;

  // ---- calls issued from loops
  if (loopSites.length) {
    const choose = loopSites.some(({ i }) => kinds[i].includes('choose'));
    const perm = loopSites.some(({ i }) => kinds[i].includes('perm') || kinds[i].includes('shrink'));
    const L = siteMult[loopSites[0].i];
    let calls: Cost;
    let why: string;
    if (choose) {
      calls = exp(depth, 2);
      why = 'each call picks one of the later items (subsets/combinations)';
    } else if (perm || sameVars(L, depth)) {
      calls = factorial(depth);
      why = 'each call tries every remaining item (permutations)';
    } else if (halving) {
      calls = L;
      why = 'calls in a loop on halved ranges';
    } else {
      const lv = variablesOf(L);
      calls = lv.length ? expOfCost(depth, lv[0]) : exp(depth, 2);
      why = 'calls in a loop at every level';
    }
    ev.push(evidenceAt(node, w.sf, calls, `recursion: ${why}`));
    return { cost: add2(mul2(calls, W), fnAmort), evidence: ev, confidence, depth: halving ? log(depth) : depth };
  }

  // ---- calls at constant multiplicity
  const b = Math.max(1, branching);
  if (halving) {
    const range = depth;
    if (b === 1) {
      // binary search: log n levels; with linear work per call, a geometric sum = the first call
      const total = dependsOn(W, range) ? W : mul2(log(range), W);
      ev.push(evidenceAt(node, w.sf, log(range), 'recursion on half of the range: depth log n'));
      return { cost: add2(total, fnAmort), evidence: ev, confidence, depth: halving ? log(depth) : depth };
    }
    if (b === 2 && node.body && !dependsOn(W, range) && rangeQuery(node.body, params, kinds, used)) {
      // a segment-tree range query: at most two nodes per level overlap the query's ends
      ev.push(evidenceAt(node, w.sf, log(range), 'range query on halves: nodes inside or outside the query return at once, so O(1) nodes per level over log n levels'));
      return { cost: add2(mul2(log(range), W), fnAmort), evidence: ev, confidence, depth: log(depth) };
    }
    // divide and conquer: T(n) = b T(n/2) + W(n)
    const critical = Math.log2(b);
    const wDeg = degreeIn(W, range);
    let total: Cost;
    if (wDeg < critical - 1e-9) total = pow(range, critical);
    else if (Math.abs(wDeg - critical) < 1e-9) total = mul2(W, log(range));
    else total = W;
    ev.push(evidenceAt(node, w.sf, total, `divide and conquer: ${b} calls on halves${Math.abs(wDeg - critical) < 1e-9 ? ', linear work per level over log n levels' : ''}`));
    return { cost: add2(total, fnAmort), evidence: ev, confidence, depth: halving ? log(depth) : depth };
  }
  if (b === 1) {
    ev.push(evidenceAt(node, w.sf, depth, 'recursion: one call per level'));
    return { cost: add2(mul2(depth, W), fnAmort), evidence: ev, confidence, depth: halving ? log(depth) : depth };
  }
  const calls = exp(depth, b);
  ev.push(evidenceAt(node, w.sf, calls, `recursion: ${b} calls per invocation`));
  return { cost: add2(mul2(calls, W), fnAmort), evidence: ev, confidence, depth: halving ? log(depth) : depth };
}

/** Worst-case recursive calls per invocation: sums along a path, max over exclusive branches. */
function callsPerInvocation(body: TS.Node, weights: Map<TS.Node, number>): number {
  // statements in sequence; `if (c) return f(a);` excludes the rest of the block, so the calls
  // are the larger of that branch and the remainder, not their sum
  const seq = (stmts: readonly TS.Statement[], from: number, depth: number): number => {
    let sum = 0;
    for (let i = from; i < stmts.length; i++) {
      const st = stmts[i];
      if (isIfStatement(st) && !st.elseStatement && alwaysExits(st.thenStatement)) {
        return sum + (weights.get(st) ?? 0) + visit(st.expression, depth + 1) + Math.max(visit(st.thenStatement, depth + 1), seq(stmts, i + 1, depth + 1));
      }
      sum += visit(st, depth + 1);
    }
    return sum;
  };
  const visit = (n: TS.Node, depth: number): number => {
    if (depth > 200) return 0;
    const own = weights.get(n) ?? 0;
    if (n !== body && isFunctionLikeNode(n)) return own;
    if (isBlock(n)) return own + seq(n.statements, 0, depth);
    if (isIfStatement(n)) return own + visit(n.expression, depth + 1) + Math.max(visit(n.thenStatement, depth + 1), n.elseStatement ? visit(n.elseStatement, depth + 1) : 0);
    if (isConditionalExpression(n)) return own + visit(n.condition, depth + 1) + Math.max(visit(n.whenTrue, depth + 1), visit(n.whenFalse, depth + 1));
    if (isSwitchStatement(n)) {
      let best = 0;
      for (const c of n.caseBlock.clauses) best = Math.max(best, c.statements.reduce((a, st) => a + visit(st, depth + 1), 0));
      return own + visit(n.expression, depth + 1) + best;
    }
    let sum = own;
    forEachChild(n, (c) => {
      sum += visit(c, depth + 1);
    });
    return sum;
  };
  const total = visit(body, 0);
  return total || weights.size;
}

/** A statement that always leaves the function: `return ...`, `throw ...`, or a block ending in one. */
function alwaysExits(s: TS.Statement): boolean {
  if (isReturnStatement(s) || isThrowStatement(s)) return true;
  if (isBlock(s)) {
    const last = s.statements[s.statements.length - 1];
    return !!last && alwaysExits(last);
  }
  if (isIfStatement(s)) return !!s.elseStatement && alwaysExits(s.thenStatement) && alwaysExits(s.elseStatement);
  return false;
}

/** `param`, `param.x.y`, `param[i]`, `f(param)`: an expression derived from the parameter's structure. */
function rootedAt(e: TS.Expression, param: string): boolean {
  let cur = unwrap(e);
  for (let i = 0; i < 16; i++) {
    if (isIdentifier(cur)) return cur.text === param;
    if (isPropertyAccessExpression(cur) || isElementAccessExpression(cur)) cur = unwrap(cur.expression);
    else if (isCallExpression(cur)) return cur.arguments.some((x) => identName(x) === param) || (isPropertyAccessExpression(cur.expression) && rootedAt(cur.expression.expression, param));
    else return false;
  }
  return false;
}

function isFunctionLikeNode(n: TS.Node): boolean {
  return isFunctionDeclaration(n) || isFunctionExpression(n) || isArrowFunction(n) || isMethodDeclaration(n);
}

/** Replace the function's own value parameters in W by the largest value they take in the recursion. */
function maxOverParams(w: Walker, W: Cost, sites: RecSite[]): Cost {
  const fn = w.fn!;
  if (isConstant(W)) return W;
  return substitute(W, (key) => {
    const info = w.reg.info(key);
    if (!info || info.scope !== fn.scope || info.depth !== 0 || info.measure !== 'val') return undefined;
    const i = fn.params.indexOf(info.root);
    if (i < 0) return undefined;
    const changes = sites.some((s) => s.args[i] && identName(s.args[i]) !== info.root);
    if (!changes) return undefined;
    const r = paramRange(w, i, 'up', sites);
    return isConstant(r) || variablesOf(r).includes(key) ? undefined : r;
  });
}

/** `if (t.length === n) return` where t is pushed to before recursing: depth n. */
function lengthGuard(w: Walker, body: TS.Node): Cost | undefined {
  let out: Cost | undefined;
  forEachDescendant(body, (n) => {
    if (out) return false;
    if (!isIfStatement(n)) return undefined;
    forEachSelfAndDescendant(n.expression, (c) => {
      if (out || !isBinaryExpression(c) || !COMPARISONS.has(c.operatorToken.kind)) return undefined;
      for (const [x, y] of [
        [c.left, c.right],
        [c.right, c.left],
      ] as const) {
        const ux = unwrap(x);
        if (isPropertyAccessExpression(ux) && ux.name.text === 'length') {
          const coll = identName(ux.expression);
          if (!coll) continue;
          let pushed = false;
          forEachDescendant(body, (k) => {
            if (isCallExpression(k) && isPropertyAccessExpression(k.expression) && /^(push|add)$/.test(k.expression.name.text) && identName(k.expression.expression) === coll) pushed = true;
          });
          if (!pushed && !/\+/.test(nodeText(body))) continue;
          const v = valOf(w.shapeOf(y), w.reg);
          if (v && !isConstant(v) && pushed) out = v;
        }
      }
      return undefined;
    });
    return undefined;
  });
  return out;
}


function constIter(f: { iter: Cost; count?: number }): number {
  return isConstant(f.iter) ? f.count ?? 1 : 1;
}

function sameVars(a: Cost, b: Cost): boolean {
  const x = variablesOf(a), y = variablesOf(b);
  return x.length > 0 && x.every((v) => y.includes(v));
}

function expOfCost(depth: Cost, baseVar: string): Cost {
  let acc: Cost = O1;
  for (const v of variablesOf(depth)) acc = mul2(acc, expOf(v, baseVar));
  return acc;
}

function dependsOn(W: Cost, range: Cost): boolean {
  const rv = new Set(variablesOf(range));
  return variablesOf(W).some((v) => rv.has(v));
}

function degreeIn(W: Cost, range: Cost): number {
  const rv = new Set(variablesOf(range));
  let best = 0;
  for (const t of W.terms) {
    let d = 0;
    for (const v of Object.keys(t.vars)) if (rv.has(v)) d += t.vars[v].p + (t.vars[v].e > 0 ? 100 : 0);
    best = Math.max(best, d);
  }
  return best;
}

/** How the i-th argument of a recursive call relates to the parameter. */
function classifyArg(w: Walker, site: RecSite, param: string, arg: TS.Expression | undefined, viaLocal = false): ArgKind {
  if (!arg || !param) return 'other';
  const a = unwrap(arg);
  if (identName(a) === param) return 'same';
  if (isNumericLiteralLike(a)) return 'const';
  // node.left / node.right / head.next / node.expression: a part of the parameter's structure
  if (isPropertyAccessExpression(a) && rootedAt(a.expression, param) && !/^(length|size|val|value|key|count)$/.test(a.name.text)) return 'struct';
  if (isElementAccessExpression(a) && identName(a.expression) === param) return 'struct';
  if (isElementAccessExpression(a) && isPropertyAccessExpression(unwrap(a.expression)) && /^children$/.test((unwrap(a.expression) as TS.PropertyAccessExpression).name.text)) return 'struct';
  // a loop variable over param.children
  const an = identName(a);
  if (an) {
    for (const f of site.frames) {
      // node.statements.forEach((s) => visit(s)): the callback's element is a part of the parameter
      if (f.kind === 'callback' && isFunctionLikeNode(f.node)) {
        const cb = f.node as TS.FunctionLikeDeclaration;
        const first = cb.parameters[0];
        const call = cb.parent;
        if (first && isIdentifier(first.name) && first.name.text === an && call && isCallExpression(call) && isPropertyAccessExpression(call.expression) && rootedAt(call.expression.expression, param)) return 'struct';
      }
      if (f.loopVars.includes(an) && isForOfStatement(f.node)) {
        const it = unwrap(f.node.expression);
        if (/\.(children|neighbors|neighbours)$/.test(nodeText(it))) return 'struct';
        // for (const c of node.statements) visit(c): recursion into the parts of the parameter
        if (rootedAt(it, param)) return 'struct';
        // for (const nxt of [node.left, node.right, parent.get(node)])
        if (isArrayLiteralExpression(it) && it.elements.some((el) => isPropertyAccessExpression(unwrap(el as TS.Expression)) && identName((unwrap(el as TS.Expression) as TS.PropertyAccessExpression).expression) === param && /^(left|right|next|prev|child)$/.test((unwrap(el as TS.Expression) as TS.PropertyAccessExpression).name.text))) return 'struct';
      }
    }
  }
  // parent[x]: walking parent pointers (union-find)
  if (isElementAccessExpression(a) && mentions(a.argumentExpression, param) && !mentions(a.expression, param)) return 'parent';
  // halving: p / 2, p >> 1, mid, mid + 1 where mid = (lo + hi) >> 1
  const text = nodeText(a);
  if (HALF_RE.test(text) && mentions(a, param)) return 'half';
  if (an || isBinaryExpression(a)) {
    const base = an ?? identName((a as TS.BinaryExpression).left) ?? identName((a as TS.BinaryExpression).right);
    if (base && isMidVar(w, base)) return 'half';
  }
  // slices of a collection
  if (isCallExpression(a) && isPropertyAccessExpression(a.expression)) {
    const m = a.expression.name.text;
    if (/^(slice|substring|substr|subarray)$/.test(m)) {
      const argsText = a.arguments.map((x) => nodeText(x)).join(',');
      if (HALF_RE.test(argsText) || a.arguments.some((x) => identName(x) && isMidVar(w, identName(x)!))) return 'half';
      return 'shrink';
    }
    if (/^(filter|concat)$/.test(m)) return 'shrink';
  }
  if (isArrayLiteralExpression(a) && a.elements.some((e) => isSpreadElement(e) && isCallExpression(unwrap(e.expression)))) return 'shrink';
  // s.slice(0, i) + s.slice(i + 1): the parameter without some of its parts
  if (isBinaryExpression(a) && a.operatorToken.kind === SK.PlusToken && slicesOf(a, param)) return 'shrink';
  // loop variable + c: subsets (loop from i) or permutations (loop over everything)
  const loopVarOf = (e: TS.Expression): string | undefined => {
    const x = unwrap(e);
    if (identName(x)) return identName(x);
    if (isBinaryExpression(x) && (x.operatorToken.kind === SK.PlusToken || x.operatorToken.kind === SK.MinusToken)) return identName(x.left);
    return undefined;
  };
  const lv = loopVarOf(a);
  if (lv && lv !== param) {
    for (const f of site.frames) {
      if (!f.loopVars.includes(lv) || !isForStatement(f.node)) continue;
      const init = f.node.initializer;
      const start = init && isVariableDeclarationList(init) ? init.declarations[0]?.initializer : undefined;
      if (start && mentions(start, param)) return 'choose';
      return 'perm';
    }
  }
  if (isChildIndex(a, param)) return 'child';
  if (isBinaryExpression(a)) {
    const k = a.operatorToken.kind;
    const l = identName(a.left) === param;
    if (l && k === SK.MinusToken) return 'step';
    if (l && k === SK.PlusToken) return isNumericLiteralLike(a.right) ? 'up' : 'up';
    if (identName(a.right) === param && k === SK.PlusToken) return 'up';
    if (mentions(a, param) && (k === SK.MinusToken || k === SK.PlusToken)) return k === SK.MinusToken ? 'step' : 'up';
    if (mentions(a, param) && (k === SK.SlashToken || k === SK.GreaterThanGreaterThanToken)) return 'half';
    // Euclid: gcd(b, a % b)
    if (k === SK.PercentToken && (identName(a.right) === param || identName(a.left) === param)) return 'half';
    if (mentions(a, param) && (k === SK.BarToken || k === SK.AmpersandToken || k === SK.CaretToken)) return 'up';
  }
  // x % m: whatever x is, the argument takes fewer than m distinct values
  if (modulusOf(w, a, param)) return 'mod';
  // identifiers passed on unchanged as a recursion index
  if (an && w.fn?.node.body && childLocal(w.fn.node.body, an, param)) return 'child';
  // a local holding a part of the parameter (const rest = s.slice(0, i) + s.slice(i + 1),
  // const child = node.left): the structure shrinks as if the part were passed directly
  if (an && !viaLocal && w.fn?.node.body) {
    const init = localInit(w.fn.node.body, an);
    if (init && mentions(init, param)) {
      const k = classifyArg(w, site, param, init, true);
      if (k === 'shrink' || k === 'struct') return k;
    }
  }
  // computed from the parameter by a call (g(x)) or anything else: no visible progress
  return 'other';
}

/** `a.slice(..) + a.slice(..)` (and string literals): pieces of the parameter `p`, with at least one slice. */
function slicesOf(e: TS.Expression, p: string, depth = 0): boolean {
  const x = unwrap(e);
  if (depth > 8) return false;
  if (isBinaryExpression(x) && x.operatorToken.kind === SK.PlusToken) {
    const l = unwrap(x.left), r = unwrap(x.right);
    const piece = (y: TS.Expression) => isStringLiteralLike(y) || slicesOf(y, p, depth + 1);
    return piece(l) && piece(r) && !(isStringLiteralLike(l) && isStringLiteralLike(r));
  }
  return isCallExpression(x) && isPropertyAccessExpression(x.expression) && /^(slice|substring|substr)$/.test(x.expression.name.text) && identName(x.expression.expression) === p;
}

/**
 * query(u, l, r, ql, qr): a recursion on halves of [l, r] against bounds passed down unchanged,
 * that returns at once when its range lies inside the query (`if (ql <= l && r <= qr) return`)
 * and never descends into ranges outside it (an early `if (r < ql || qr < l) return`, or each
 * call guarded by a test on the query bounds). Then only the O(1) nodes per level that straddle
 * an end of the query recurse: O(log n) nodes in all (segment trees).
 */
function rangeQuery(body: TS.Node, params: string[], kinds: ArgKind[][], sites: RecSite[]): boolean {
  if (!isBlock(body)) return false;
  const halved = new Set(params.filter((_, i) => kinds.some((row) => row[i] === 'half')));
  const fixed = new Set(params.filter((_, i) => kinds.every((row) => row[i] === 'same')));
  if (halved.size < 2 || !fixed.size) return false;
  // the halved parameters each compared with a fixed one somewhere in the condition
  const compared = (cond: TS.Expression): Set<string> => {
    const out = new Set<string>();
    forEachSelfAndDescendant(cond, (c) => {
      if (!isBinaryExpression(c) || !COMPARISONS.has(c.operatorToken.kind)) return undefined;
      const a = identName(c.left), b = identName(c.right);
      if (a && b && halved.has(a) && fixed.has(b)) out.add(a);
      if (a && b && fixed.has(a) && halved.has(b)) out.add(b);
      return undefined;
    });
    return out;
  };
  const isOp = (e: TS.Expression, k: TS.SyntaxKind) => {
    const u = unwrap(e);
    return isBinaryExpression(u) && u.operatorToken.kind === k;
  };
  let inside = false, outside = false;
  for (const st of body.statements) {
    if (!isIfStatement(st) || !alwaysExits(st.thenStatement)) continue;
    if (compared(st.expression).size < 2) continue;
    if (isOp(st.expression, SK.AmpersandAmpersandToken)) inside = true;
    else if (isOp(st.expression, SK.BarBarToken)) outside = true;
  }
  if (!inside) return false;
  if (outside) return true;
  // otherwise every call must sit under a test on the query bounds (if (ql <= mid) ...)
  return sites.every((s) => {
    for (let p: TS.Node | undefined = s.site.parent; p && p !== body; p = p.parent) {
      if (isIfStatement(p) && [...fixed].some((f) => mentions(p.expression, f))) return true;
    }
    return false;
  });
}

/** A child index of `p` in an implicit binary tree: `2 * p + 1`, `p * 2`, `p << 1`, `(p << 1) | 1`. */
function isChildIndex(e: TS.Expression, p: string, depth = 0): boolean {
  const x = unwrap(e);
  if (!isBinaryExpression(x) || depth > 4) return false;
  const k = x.operatorToken.kind;
  const lit = (y: TS.Expression, min: number) => isNumericLiteralLike(y) && Number(nodeText(unwrap(y))) >= min;
  if (k === SK.AsteriskToken) return (identName(x.left) === p && lit(x.right, 2)) || (identName(x.right) === p && lit(x.left, 2));
  if (k === SK.LessThanLessThanToken) return identName(x.left) === p && lit(x.right, 1);
  if (k === SK.PlusToken || k === SK.BarToken) return (lit(x.right, 0) && isChildIndex(x.left, p, depth + 1)) || (lit(x.left, 0) && isChildIndex(x.right, p, depth + 1));
  return false;
}

interface LocalDefs {
  /** Declarations of the name (with or without initializer). */
  decls: number;
  init?: TS.Expression;
  /** Initializers and right-hand sides of `name = ...`. */
  values: TS.Expression[];
  /** Compound assignments or ++/--. */
  other: boolean;
}

const localDefsCache = new WeakMap<TS.Node, Map<string, LocalDefs>>();

/** Definitions of the locals of a function body (nested functions aside): one walk per body. */
function localDefsOf(body: TS.Node): Map<string, LocalDefs> {
  let m = localDefsCache.get(body);
  if (m) return m;
  const out = new Map<string, LocalDefs>();
  const at = (name: string): LocalDefs => {
    let d = out.get(name);
    if (!d) out.set(name, (d = { decls: 0, values: [], other: false }));
    return d;
  };
  forEachDescendant(body, (n) => {
    if (isFunctionLikeNode(n)) return false;
    if (isVariableDeclaration(n) && isIdentifier(n.name)) {
      const d = at(n.name.text);
      d.decls++;
      d.init = n.initializer;
      if (n.initializer) d.values.push(n.initializer);
    } else if (isBinaryExpression(n) && n.operatorToken.kind >= SK.FirstAssignment && n.operatorToken.kind <= SK.LastAssignment && isIdentifier(unwrap(n.left))) {
      const d = at((unwrap(n.left) as TS.Identifier).text);
      if (n.operatorToken.kind === SK.EqualsToken) d.values.push(n.right);
      else d.other = true;
    } else if ((isPrefixUnaryExpression(n) || isPostfixUnaryExpression(n)) && (n.operator === SK.PlusPlusToken || n.operator === SK.MinusMinusToken) && isIdentifier(unwrap(n.operand))) {
      at((unwrap(n.operand) as TS.Identifier).text).other = true;
    }
    return undefined;
  });
  localDefsCache.set(body, (m = out));
  return m;
}

/** Values assigned to a local in `body` (its initializer and `name = ...`), nested functions aside. */
function localDefs(body: TS.Node, name: string): TS.Expression[] | undefined {
  const d = localDefsOf(body).get(name);
  return !d || d.other || !d.values.length ? undefined : d.values;
}

/**
 * `largest` in heapify: every value the local takes is `p` itself, a child index of p, or
 * another local holding one (`const l = 2 * i + 1`), and at least one is a child.
 */
function childLocal(body: TS.Node, name: string, p: string, depth = 0): boolean {
  if (depth > 3 || name === p) return false;
  const defs = localDefs(body, name);
  if (!defs) return false;
  let child = false;
  for (const d of defs) {
    const id = identName(unwrap(d));
    if (id === p) continue;
    if (isChildIndex(d, p) || (id && childLocal(body, id, p, depth + 1))) child = true;
    else return false;
  }
  return child;
}

/** The size a heap index's children are checked against: `if (l < n ...)`, `if (2 * i + 1 >= n) return`. */
function childBound(w: Walker, body: TS.Node, ps: string[]): Cost | undefined {
  let out: Cost | undefined;
  // the index itself (if (i >= n) return), its child expressions and locals holding them
  const isChildOf = (e: TS.Expression) => {
    const id = identName(unwrap(e));
    return ps.some((p) => id === p || isChildIndex(e, p) || (id !== undefined && childLocal(body, id, p)));
  };
  forEachDescendant(body, (n) => {
    if (isFunctionLikeNode(n)) return false;
    if (!isBinaryExpression(n) || !COMPARISONS.has(n.operatorToken.kind)) return undefined;
    for (const [x, y] of [
      [n.left, n.right],
      [n.right, n.left],
    ] as const) {
      if (ps.some((p) => mentions(y, p)) || !isChildOf(x) || isChildOf(y)) continue;
      const v = valOf(w.shapeOf(y), w.reg);
      if (v && !isConstant(v)) out = out ? add2(out, v) : v;
    }
    return undefined;
  });
  return out;
}

/** `x % m` (directly, or through a local `const v = x % m`) with m independent of the parameter: m. */
function modulusOf(w: Walker, a: TS.Expression, param: string): TS.Expression | undefined {
  let e = unwrap(a);
  const local = identName(e);
  if (local && local !== param) {
    const init = w.fn?.node.body ? localInit(w.fn.node.body, local) : undefined;
    if (!init) return undefined;
    e = unwrap(init);
  }
  if (!isBinaryExpression(e) || e.operatorToken.kind !== SK.PercentToken || mentions(e.right, param)) return undefined;
  return e.right;
}

/** The initializer of the only declaration of `name` in `body` (not counting nested functions). */
function localInit(body: TS.Node, name: string): TS.Expression | undefined {
  const d = localDefsOf(body).get(name);
  return d && d.decls === 1 ? d.init : undefined;
}

/** `if (depth > 5) return` style guards: the parameter is compared with a literal. */
function constantGuard(w: Walker, p: string): boolean {
  const body = w.fn?.node.body;
  if (!body) return false;
  let found = false;
  forEachDescendant(body, (n) => {
    if (found) return false;
    if (isIfStatement(n) || isConditionalExpression(n) || (isBinaryExpression(n) && n.operatorToken.kind === SK_AMP)) {
      const cond = isIfStatement(n) ? n.expression : isConditionalExpression(n) ? n.condition : n.left;
      forEachSelfAndDescendant(cond, (c) => {
        if (isBinaryExpression(c) && COMPARISONS.has(c.operatorToken.kind) && ((identName(c.left) === p && isNumericLiteralLike(c.right)) || (identName(c.right) === p && isNumericLiteralLike(c.left)))) {
          const lit = Number(nodeText(unwrap(isNumericLiteralLike(c.right) ? c.right : c.left)));
          if (Math.abs(lit) > 1) found = true;
        }
        return undefined;
      });
    }
    return undefined;
  });
  return found;
}

const SK_AMP = ts.SyntaxKind.AmpersandAmpersandToken;

function isMidVar(w: Walker, name: string): boolean {
  const body = w.fn?.node.body;
  if (!body) return false;
  let found = false;
  forEachDescendant(body, (n) => {
    if (isVariableDeclaration(n) && isIdentifier(n.name) && n.name.text === name && n.initializer && HALF_RE.test(nodeText(n.initializer))) found = true;
    return found ? false : undefined;
  });
  return found;
}

/** How far parameter i can travel: a base-case bound, or its own value/size. */
function paramRange(w: Walker, i: number, kind: ArgKind, sites: RecSite[]): Cost {
  const fn = w.fn!;
  const p = fn.params[i];
  const shape: Shape | undefined = w.env.lookup(p)?.shape;
  const isSlice = (a: TS.Expression | undefined) => {
    const u = a && unwrap(a);
    return !!u && isCallExpression(u) && isPropertyAccessExpression(u.expression) && /^(slice|substring|substr|subarray|filter|concat)$/.test(u.expression.name.text);
  };
  const collection = kind === 'shrink' || shape?.kind === 'array' || shape?.kind === 'string' || sites.some((s) => isSlice(s.args[i]));
  const own = (): Cost => (collection ? lenOf(shape, w.reg) : valOf(shape, w.reg)) ?? O1;
  const body = fn.node.body;
  let bound: Cost | undefined;
  if (body) {
    forEachDescendant(body, (n) => {
      if (isIfStatement(n)) {
        forEachSelfAndDescendant(n.expression, (c) => {
          if (isBinaryExpression(c) && COMPARISONS.has(c.operatorToken.kind)) {
            for (const [x, y] of [
              [c.left, c.right],
              [c.right, c.left],
            ] as const) {
              const ux = unwrap(x);
              const matches = identName(ux) === p || (isPropertyAccessExpression(ux) && ux.name.text === 'length' && identName(ux.expression) === p) || (isBinaryExpression(ux) && mentions(ux, p));
              // bounds are other sizes, not the other parameters (lo > hi)
              const other = identName(unwrap(y));
              if (matches && !isNumericLiteralLike(y) && !mentions(y, p) && !(other && fn.params.includes(other))) {
                const v = valOf(w.shapeOf(y), w.reg);
                if (v && !isConstant(v)) bound = bound ? add2(bound, v) : v;
              }
            }
          }
        });
      }
      return undefined;
    });
  }
  if (kind === 'mod') {
    // the largest modulus any call reduces the argument by
    let r: Cost = O1;
    for (const s of sites) {
      const m = s.args[i] ? modulusOf(w, s.args[i], p) : undefined;
      const v = m ? valOf(w.shapeOf(m), w.reg) : undefined;
      if (v) r = add2(r, v);
    }
    if (!isConstant(r)) return r;
  }
  if (kind === 'up' || kind === 'choose' || kind === 'perm') {
    if (bound) return bound;
    // no base case: the loop that issues the call bounds the argument
    for (const s of sites) {
      const lv = loopVarOfArg(s.args[i]);
      const f = lv ? s.frames.find((fr) => fr.loopVars.includes(lv)) : undefined;
      if (f && !isConstant(f.iter)) return f.iter;
    }
    return own();
  }
  const o = own();
  if (!isConstant(o)) return o;
  return bound ?? O1;
}

function loopVarOfArg(e: TS.Expression | undefined): string | undefined {
  if (!e) return undefined;
  const x = unwrap(e);
  if (identName(x)) return identName(x);
  if (isBinaryExpression(x) && (x.operatorToken.kind === SK.PlusToken || x.operatorToken.kind === SK.MinusToken)) return identName(x.left);
  return undefined;
}

/** Size of a collection (other than the memo) that `param` indexes in the body: `g[param]`, `adj.get(param)`. */
function indexDomain(w: Walker, param: string, memoName: string): Cost | undefined {
  const body = w.fn?.node.body;
  if (!body) return undefined;
  let out: Cost | undefined;
  forEachDescendant(body, (n) => {
    if (out) return false;
    if (isFunctionLikeNode(n)) return false;
    let coll: TS.Expression | undefined;
    if (isElementAccessExpression(n) && identName(n.argumentExpression) === param) coll = n.expression;
    else if (isCallExpression(n) && isPropertyAccessExpression(n.expression) && n.expression.name.text === 'get' && n.arguments.length === 1 && identName(n.arguments[0]) === param) coll = n.expression.expression;
    const name = coll && identName(unwrap(coll));
    if (!coll || !name || name === memoName) return undefined;
    const l = lenOf(w.shapeOf(coll), w.reg);
    if (l && !isConstant(l)) out = l;
    return undefined;
  });
  return out;
}

/** Distinct states of a memoised recursion: the cells of the memo, or the product of the varying parameters' ranges. */
function statesOf(w: Walker, sites: RecSite[]): Cost | undefined {
  const fn = w.fn!;
  const memo = w.memoState!;
  let depth = 0;
  let cur: TS.Node = memo.node;
  if (isElementAccessExpression(cur)) {
    while (isElementAccessExpression(cur)) {
      depth++;
      cur = unwrap((cur as TS.ElementAccessExpression).expression);
    }
  }
  const b = w.env.lookup(memo.name);
  if (depth > 0 && b && !b.keyed && (b.owner !== fn || b.param !== undefined)) {
    const cells = cellsOf(b.shape, depth, w.reg);
    if (cells && !isConstant(cells)) return cells;
  }
  // product of the ranges of parameters that change between calls
  let states: Cost = O1;
  for (let i = 0; i < fn.params.length; i++) {
    const changes = sites.some((s) => {
      const a = s.args[i];
      return a && identName(a) !== fn.params[i] && !isNumericLiteralLike(a);
    });
    if (!changes) continue;
    const kinds = sites.map((s) => classifyArg(w, s, fn.params[i], s.args[i]));
    const k = kinds.find((x) => x !== 'same' && x !== 'other' && x !== 'const') ?? 'step';
    // no visible progress (dfs(v) for v of g[u]): the parameter is a key; if it indexes a
    // collection (g[u], adj.get(u)), it takes at most that collection's size of distinct values
    const keyed = kinds.every((x) => x === 'other' || x === 'same' || x === 'const') ? indexDomain(w, fn.params[i], memo.name) : undefined;
    let r = keyed ?? paramRange(w, i, k === 'half' ? 'step' : k, sites);
    const moving = kinds.filter((x) => x !== 'same' && x !== 'const');
    if (moving.length && moving.every((x) => x === 'half')) {
      // only divided (n / 2, n / 3): the reachable values are n / (2^a 3^b): log^d n of them
      const divisors = new Set<string>();
      for (const st of sites) {
        const t = nodeText(st.args[i]) ?? '';
        for (const m of t.matchAll(/\/\s*(\d+)|>>>?\s*(\d+)/g)) divisors.add(m[1] ?? `2^${m[2]}`);
      }
      r = pow(log(r), Math.max(1, divisors.size));
    }
    if (!isConstant(r)) states = mul2(states, r);
  }
  if (isConstant(states) && depth > 0 && b) {
    const cells = cellsOf(b.shape, depth, w.reg);
    if (cells) return cells;
  }
  return states;
}

