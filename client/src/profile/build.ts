// CallTree (what importers produce) → Profile (aggregates). PURE and iterative: call trees from
// real programs are thousands of frames deep, so nothing here recurses.
import { ProfileError } from './errors';
import { PositionIndex } from './identity';
import { fileKey, type CallTree, type FileStat, type FunctionStat, type LineStat, type Profile, type ProfileNode } from './types';

// The phases are separate functions: V8 optimises each loop with its own type feedback (in one
// large function, the code optimised on stack during the first loop had none for the later ones
// and was thrown away there, so a profile's first loads ran mostly unoptimised).

interface ChildTable {
  childStart: Int32Array;
  childIndex: Int32Array;
  roots: number[];
  nodes: ProfileNode[];
}

/** The nodes' children in one compressed table, the roots, and the profile's nodes (totals = self so far). */
function childTable(tree: CallTree): ChildTable {
  const { frames } = tree;
  const count = tree.nodes.length;
  // Children in one compressed table (CSR): node i's children are childIndex[childStart[i] .. childStart[i+1]).
  const childStart = new Int32Array(count + 1);
  const roots: number[] = [];
  for (let i = 0; i < count; i++) {
    const n = tree.nodes[i];
    const p = n.parent;
    if (!(n.frame >= 0 && n.frame < frames.length)) throw new ProfileError('invalid-profile', `Node ${i} refers to a frame that does not exist.`);
    if (p === -1) roots.push(i);
    else if (p >= 0 && p < count && p !== i) childStart[p + 1]++;
    else throw new ProfileError('invalid-profile', `Node ${i} has an invalid parent.`);
  }
  for (let i = 0; i < count; i++) childStart[i + 1] += childStart[i];
  const childIndex = new Int32Array(Math.max(0, childStart[count]));
  const fill = childStart.slice(0, count);
  const nodes: ProfileNode[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const n = tree.nodes[i];
    nodes[i] = { frame: n.frame, parent: n.parent, selfMs: n.selfMs, totalMs: n.selfMs, sampleCount: n.sampleCount };
    if (n.parent >= 0) childIndex[fill[n.parent]++] = i;
  }

  return { childStart, childIndex, roots, nodes };
}

/** Pre-order from the roots (iterative); `seen` marks the nodes reached. */
function preOrder(count: number, roots: number[], childStart: Int32Array, childIndex: Int32Array): { order: number[]; seen: Uint8Array } {
  // Nodes not reached from a root sit on a parent cycle.
  const order: number[] = [];
  const seen = new Uint8Array(count);
  for (const r of roots) {
    const stack = [r];
    while (stack.length) {
      const i = stack.pop()!;
      if (seen[i]) continue;
      seen[i] = 1;
      order.push(i);
      for (let k = childStart[i + 1] - 1; k >= childStart[i]; k--) stack.push(childIndex[k]);
    }
  }
  return { order, seen };
}

/** One function per distinct frame identity, and each frame's function. */
function functionsOf(frames: CallTree['frames']): { functions: FunctionStat[]; frameFunction: Int32Array } {
  // Identity = (script, line, column, name, kind). Looked up through a numeric position key per
  // script first (string keys for 40k+ frames were the slowest part of loading a large profile).
  const functions: FunctionStat[] = [];
  const index = new PositionIndex();
  const frameFunction = new Int32Array(frames.length);
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i];
    const script = f.url !== '' ? f.url : `\u0000${f.scriptId}`;
    const id = index.lookup(script, f.line, f.column, `${f.kind}\u0000${f.functionName}`, () => {
      const id = functions.length;
      functions.push({ id, functionName: f.functionName, url: f.url, scriptId: f.scriptId, line: f.line, column: f.column, kind: f.kind, selfMs: 0, totalMs: 0, sampleCount: 0 });
      return id;
    });
    frameFunction[i] = id;
  }
  return { functions, frameFunction };
}

/** Self and total time per function, and the profile's duration, idle time and sample count. */
function functionTimes(roots: number[], seen: Uint8Array, nodes: ProfileNode[], nodeFunction: Int32Array, functions: FunctionStat[], childStart: Int32Array, childIndex: Int32Array): { durationMs: number; idleMs: number; sampleCount: number } {
  // Self per function; total per function counts a subtree only at the outermost occurrence of
  // that function on the path, so recursion is not counted twice. Iterative DFS with enter/exit.
  const onPath = new Int32Array(functions.length);
  let durationMs = 0;
  let idleMs = 0;
  let sampleCount = 0;
  for (const r of roots) {
    const stack: number[] = [r];
    while (stack.length) {
      const top = stack.pop()!;
      if (top < 0) {
        onPath[nodeFunction[~top]]--;
        continue;
      }
      if (!seen[top]) continue;
      const n = nodes[top];
      const fn = functions[nodeFunction[top]];
      fn.selfMs += n.selfMs;
      fn.sampleCount += n.sampleCount;
      durationMs += n.selfMs;
      sampleCount += n.sampleCount;
      if (fn.kind === 'special' && fn.functionName === '(idle)') idleMs += n.selfMs;
      if (onPath[fn.id] === 0) fn.totalMs += n.totalMs;
      onPath[fn.id]++;
      stack.push(~top);
      for (let k = childStart[top + 1] - 1; k >= childStart[top]; k--) stack.push(childIndex[k]);
    }
  }

  return { durationMs, idleMs, sampleCount };
}

/** Per-file line statistics (and each file's functions), the hottest line's self time. */
function lineStats(tree: CallTree, order: number[], nodes: ProfileNode[], nodeFunction: Int32Array, functions: FunctionStat[]): { files: Map<string, FileStat>; maxLineMs: number } {
  const count = tree.nodes.length;
  // Lines: node self time split by its line weights; the function start line when it has none.
  // Native frames (builtins such as RegExp or console calls) have no script of their own: V8
  // records their positionTicks in the calling script, so their time goes to the lines of the
  // nearest JS ancestor (where the builtin was called), or to that ancestor's start line.
  const files = new Map<string, FileStat>();
  const lineMaps = new Map<string, Map<number, LineStat>>();
  let maxLineMs = 0;
  const crowded = new Map<LineStat, Set<number>>();
  const addLine = (fnId: number, line: number, ms: number, samples: number, otherUrl?: string) => {
    const fn = functions[fnId];
    const url = otherUrl || fn.url;
    const scriptId = otherUrl && otherUrl !== fn.url ? '' : fn.scriptId;
    const key = fileKey(url, scriptId);
    let perLine = lineMaps.get(key);
    if (!perLine) lineMaps.set(key, (perLine = new Map()));
    let stat = perLine.get(line);
    if (!stat) perLine.set(line, (stat = { url, scriptId, line, selfMs: 0, samples: 0, functions: [] }));
    stat.selfMs += ms;
    stat.samples += samples;
    // Most lines belong to one or two functions; a Set only for the rare crowded line.
    const fns = stat.functions;
    if (fns.length < 8) {
      if (!fns.includes(fnId)) fns.push(fnId);
    } else {
      let set = crowded.get(stat);
      if (!set) crowded.set(stat, (set = new Set(fns)));
      if (!set.has(fnId)) {
        set.add(fnId);
        fns.push(fnId);
      }
    }
  };
  const nearestJs = new Int32Array(count).fill(-1);
  for (const i of order) {
    const kind = functions[nodeFunction[i]].kind;
    const p = nodes[i].parent;
    nearestJs[i] = kind === 'js' ? i : kind === 'native' && p >= 0 ? nearestJs[p] : -1;
  }
  for (const i of order) {
    const n = nodes[i];
    const owner = nearestJs[i];
    if (owner < 0 || (n.selfMs <= 0 && n.sampleCount <= 0)) continue;
    const fnId = nodeFunction[owner];
    const fn = functions[fnId];
    const lw = tree.nodes[i].lines;
    let weightSum = 0;
    if (lw) for (let k = 0; k < lw.lines.length; k++) if (lw.lines[k] >= 0 && lw.weights[k] > 0) weightSum += lw.weights[k];
    if (lw && weightSum > 0) {
      for (let k = 0; k < lw.lines.length; k++) {
        const w = lw.weights[k];
        if (lw.lines[k] < 0 || !(w > 0)) continue;
        addLine(fnId, lw.lines[k], (n.selfMs * w) / weightSum, (n.sampleCount * w) / weightSum, lw.urls?.[k]);
      }
    } else if (fn.line >= 0) addLine(fnId, fn.line, n.selfMs, n.sampleCount);
  }
  for (const [key, perLine] of lineMaps) {
    const lines = [...perLine.values()].sort((a, b) => a.line - b.line);
    let selfMs = 0;
    for (const l of lines) {
      selfMs += l.selfMs;
      if (l.selfMs > maxLineMs) maxLineMs = l.selfMs;
    }
    files.set(key, { url: lines[0].url, scriptId: lines[0].scriptId, selfMs, lines, functions: [] });
  }
  for (const fn of functions) {
    if (fn.kind !== 'js') continue;
    const key = fileKey(fn.url, fn.scriptId);
    let file = files.get(key);
    if (!file) files.set(key, (file = { url: fn.url, scriptId: fn.scriptId, selfMs: 0, lines: [], functions: [] }));
    file.functions.push(fn.id);
  }

  return { files, maxLineMs };
}

/** Builds per-node totals, per-function self/total time and per-line self time. Does not mutate `tree`. */
export function buildProfile(tree: CallTree): Profile {
  const { frames } = tree;
  const count = tree.nodes.length;
  const { childStart, childIndex, roots, nodes } = childTable(tree);
  const { order, seen } = preOrder(count, roots, childStart, childIndex);
  const warnings = [...tree.warnings];
  if (order.length < count) {
    let lost = 0;
    let kept = 0;
    for (let i = 0; i < count; i++) {
      if (seen[i]) kept += nodes[i].sampleCount;
      else lost += nodes[i].sampleCount;
    }
    if (kept === 0 && lost > 0)
      throw new ProfileError('invalid-profile', `Its call tree is broken: no node with samples can be reached from a root (${roots.length ? 'the parent links form a cycle' : 'every node has a parent, so the links form a cycle'}).`);
    warnings.push(`${count - order.length} node(s) are not reachable from the root (their parent links form a cycle) and were ignored${lost ? `, with ${lost} sample(s)` : ''}.`);
  }

  // Totals, children before parents (reverse pre-order).
  for (let k = order.length - 1; k >= 0; k--) {
    const n = nodes[order[k]];
    if (n.parent >= 0) nodes[n.parent].totalMs += n.totalMs;
  }

  const { functions, frameFunction } = functionsOf(frames);
  const nodeFunction = new Int32Array(count);
  for (let i = 0; i < count; i++) nodeFunction[i] = frameFunction[nodes[i].frame];
  const { durationMs, idleMs, sampleCount } = functionTimes(roots, seen, nodes, nodeFunction, functions, childStart, childIndex);
  const { files, maxLineMs } = lineStats(tree, order, nodes, nodeFunction, functions);

  const precision = tree.precision ?? (tree.nodes.some((n) => n.lines && n.lines.lines.length > 0) ? 'lines' : 'functions');
  return {
    format: tree.format,
    durationMs,
    idleMs,
    sampleCount,
    frames,
    nodes,
    childStart,
    childIndex,
    roots,
    nodeFunction,
    functions,
    files,
    maxLineMs,
    warnings,
    precision,
    estimatedTimes: tree.estimatedTimes ?? false,
    threads: tree.threads ?? [],
    thread: tree.thread,
    notes: tree.notes ?? [],
    sourceMapped: tree.sourceMapped ?? [],
  };
}
