// The nodes the rules look at (functions, loops, calls, awaits, declarations, object literals,
// classes), in pre-order, recorded once per syntax tree. The complexity engine's collecting walk
// already visits every node of the file; it records them on the way, so that the rules iterate a
// list instead of walking the whole tree again (on typescript.js: ~350k nodes instead of 1.08M,
// and no recursion).
import { ts } from '../ts';
import { treeCache } from './treeCaches';
import type { ts as TS } from 'ts-morph';

const SK = ts.SyntaxKind;
const INDEXED_KINDS = [
  SK.FunctionDeclaration, SK.MethodDeclaration, SK.FunctionExpression, SK.ArrowFunction, SK.Constructor, SK.GetAccessor, SK.SetAccessor,
  SK.ForStatement, SK.ForOfStatement, SK.ForInStatement, SK.WhileStatement, SK.DoStatement,
  SK.CallExpression, SK.TaggedTemplateExpression, SK.AwaitExpression, SK.NewExpression,
  SK.VariableDeclaration, SK.PropertyDeclaration, SK.ObjectLiteralExpression, SK.ClassDeclaration,
];

/** By node kind: 1 if the kind is indexed. */
export const INDEXED: Uint8Array = (() => {
  const t = new Uint8Array(Math.max(...INDEXED_KINDS) + 1 + 512);
  for (const k of INDEXED_KINDS) t[k] = 1;
  return t;
})();

// (kept for the next tree: the analysis of a tree spliced from this one patches its list, see
// analyzer.ts, and forgets it then)
const memo = treeCache<TS.Node[]>({ forNextTree: true });

/** Records the indexed nodes of `sf` found by another walk of the whole tree (in pre-order, forEachChild order). */
export function rememberIndexedNodes(sf: TS.SourceFile, nodes: TS.Node[]): void {
  memo.set(sf, nodes);
}

/** The indexed nodes recorded for `sf`, if any (no walk). */
export function recordedIndexedNodes(sf: TS.SourceFile): TS.Node[] | undefined {
  return memo.get(sf);
}

/** The indexed nodes of `sf` in pre-order: recorded by the complexity engine's walk, or found by one walk here. */
export function indexedNodes(sf: TS.SourceFile): TS.Node[] {
  let nodes = memo.get(sf);
  if (nodes) return nodes;
  const out: TS.Node[] = [];
  // iterative pre-order (no recursion: nesting can be thousands of levels deep)
  const stack: TS.Node[] = [sf];
  const kids: TS.Node[] = [];
  const collect = (c: TS.Node) => {
    kids.push(c);
  };
  while (stack.length) {
    const n = stack.pop()!;
    if (INDEXED[n.kind]) out.push(n);
    kids.length = 0;
    n.forEachChild(collect);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
  memo.set(sf, (nodes = out));
  return nodes;
}

/**
 * Whether `n`, which comes after `outer` in pre-order, lies inside it. Siblings do not overlap, so
 * a node that starts before `outer` ends is inside it; one that starts exactly at its end (an
 * empty node) is decided by its parents.
 */
export function isInside(n: TS.Node, outer: TS.Node): boolean {
  if (n.pos < outer.end) return true;
  if (n.pos > outer.end) return false;
  for (let p = n.parent; p; p = p.parent) {
    if (p === outer) return true;
    if (p.pos < outer.pos) return false;
  }
  return false;
}
