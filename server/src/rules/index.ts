// The explicit rule registry: one rule per file, listed here.
import type { Rule } from '../analysis/types';
import { complexity } from './complexity';
import { nPlusOne } from './n-plus-one';

export const rules: readonly Rule[] = [complexity, nPlusOne];

export function ruleById(id: string): Rule | undefined {
  return rules.find((r) => r.id === id);
}
