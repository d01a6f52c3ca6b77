// The explicit rule registry: one rule per file, listed here.
import type { Rule } from '../analysis/types';
import { complexity } from './complexity';
import { nPlusOne } from './n-plus-one';
import { linearLookupInLoop } from './linear-lookup-in-loop';
import { invariantInLoop } from './invariant-in-loop';

export const rules: readonly Rule[] = [complexity, nPlusOne, linearLookupInLoop, invariantInLoop];

export function ruleById(id: string): Rule | undefined {
  return rules.find((r) => r.id === id);
}
