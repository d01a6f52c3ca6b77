// Profile → the data the profile editor webview shows. PURE (no vscode).
import { classifyProfileUrl } from '../profile/paths';
import { childrenOf } from '../profile/query';
import { FORMAT_LABELS, type Profile } from '../profile/types';
import type { ProfilePayload, WebviewFunction, WebviewTree } from './protocol';

function shortName(url: string): string {
  const loc = classifyProfileUrl(url);
  if ('segments' in loc) return loc.segments[loc.segments.length - 1] ?? url;
  const parts = url.split(/[\\/]/);
  return parts[parts.length - 1] || url;
}

export function toPayload(name: string, profile: Profile): ProfilePayload {
  const functions: WebviewFunction[] = profile.functions
    .filter((f) => f.selfMs > 0 || f.totalMs > 0)
    .map((f) => ({
      id: f.id,
      name: f.functionName || (f.kind === 'js' ? '(anonymous)' : '(native)'),
      url: f.url,
      location: f.kind === 'js' ? `${f.url ? shortName(f.url) : `script ${f.scriptId}`}${f.line >= 0 ? `:${f.line + 1}` : ''}` : '',
      line: f.line,
      kind: f.kind,
      selfMs: f.selfMs,
      totalMs: f.totalMs,
    }));

  // Pre-order, children by total time (largest first), iterative.
  const tree: WebviewTree = { fn: [], parent: [], selfMs: [], totalMs: [] };
  const stack: Array<{ node: number; parent: number }> = [];
  const byTotal = (a: number, b: number) => profile.nodes[b].totalMs - profile.nodes[a].totalMs;
  for (const r of [...profile.roots].sort(byTotal).reverse()) stack.push({ node: r, parent: -1 });
  while (stack.length) {
    const { node, parent } = stack.pop()!;
    const n = profile.nodes[node];
    if (n.totalMs <= 0) continue;
    const index = tree.fn.length;
    tree.fn.push(profile.nodeFunction[node]);
    tree.parent.push(parent);
    tree.selfMs.push(n.selfMs);
    tree.totalMs.push(n.totalMs);
    const children = childrenOf(profile, node).sort(byTotal);
    for (let k = children.length - 1; k >= 0; k--) stack.push({ node: children[k], parent: index });
  }
  return {
    name,
    format: FORMAT_LABELS[profile.format],
    durationMs: profile.durationMs,
    idleMs: profile.idleMs,
    sampleCount: profile.sampleCount,
    precision: profile.precision,
    estimatedTimes: profile.estimatedTimes,
    warnings: profile.warnings,
    notes: profile.notes,
    threads: profile.threads.map((t) => ({ id: t.id, label: t.label, samples: t.samples })),
    thread: profile.thread,
    functions,
    tree,
  };
}
