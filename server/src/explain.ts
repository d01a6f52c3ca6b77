// Text of an estimate's explanation: the lens tooltip, the hover, and the Explain command.
import type { FunctionSummary } from './analysis/types';

export function legend(s: FunctionSummary): string {
  let out = '';
  for (const k in s.variables) out += `${out ? ', ' : ''}${k} = ${s.variables[k]}`;
  return out;
}

/** The lens tooltip: the estimate, its variables and the evidence, line by line. */
export function tooltip(s: FunctionSummary, l: string = legend(s)): string {
  const lines = [`${s.qualifiedName}: ${s.display} (${s.confidence} confidence)`];
  if (l) lines.push(l);
  for (const e of s.evidence) lines.push(`line ${e.line}: ${e.reason} → ${e.factor}`);
  if (!s.evidence.length) lines.push('no loops, callbacks, recursion or costly calls');
  return lines.join('\n');
}

export function explainMarkdown(s: FunctionSummary): string {
  const out = [`# \`${s.qualifiedName}\` is ${s.display}`, ''];
  out.push(`Confidence: **${s.confidence}** · lines ${s.line}–${s.endLine} · canonical form \`${s.complexity}\``, '');
  const l = legend(s);
  if (l) out.push(`**Variables:** ${l}`, '');
  if (s.evidence.length) {
    out.push('| line | factor | why |', '|---:|---|---|');
    for (const e of s.evidence) out.push(`| ${e.line} | ${e.factor} | ${e.reason.replace(/\|/g, '\\|')} |`);
  } else out.push('No loops, callbacks, recursion or costly calls: constant time.');
  out.push('', 'Factors on nested lines multiply; factors side by side add, and the larger term wins.');
  return out.join('\n');
}
