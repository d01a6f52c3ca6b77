// Caches keyed by a syntax tree, emptied of a tree as soon as a newer one replaces it.
//
// A WeakMap alone does not let go of them soon enough. V8's young-generation GC (the scavenger)
// keeps every entry of a WeakMap that lives in the old generation, whether its key is reachable
// or not, until the next full GC (`node --expose-gc`: 40 entries with unreachable young keys and
// 0.3 MB values each survived three minor GCs, and went at the first full one). The language
// server makes a new tree per keystroke, so each replaced tree's entries (the collection's log
// and snapshot, the node index, ...) lived on through scavenges, which copied and promoted them.
// Deleting them: 300 typed edits of a 5,000-line file in process promoted 15 MB per scavenge
// instead of 17, and through the server GC time fell by 6-10% (commit message of 56cdbab).
import type { ts as TS } from 'ts-morph';

interface Registered {
  map: WeakMap<TS.SourceFile, unknown>;
  /** Read from the previous tree by the analysis of a tree spliced from it (analyzer.ts): forgotten by that analysis. */
  forNextTree: boolean;
}

const registered: Registered[] = [];

/** A WeakMap keyed by syntax trees whose entries are forgotten with forgetTree. */
export function treeCache<V>(opts: { forNextTree?: boolean } = {}): WeakMap<TS.SourceFile, V> {
  const map = new WeakMap<TS.SourceFile, V>();
  registered.push({ map: map as WeakMap<TS.SourceFile, unknown>, forNextTree: !!opts.forNextTree });
  return map;
}

/**
 * Forgets what every tree cache holds for `sf`, a tree that is no longer used. With
 * `spliced`, `sf` is the tree a spliced tree was made from: what the spliced tree's analysis
 * reads from it stays until that analysis takes it (forgetTree again, with `spliced` false).
 */
export function forgetTree(sf: TS.SourceFile, spliced = false): void {
  for (const r of registered) if (!(spliced && r.forNextTree)) r.map.delete(sf);
}
