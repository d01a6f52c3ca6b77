// The TypeScript API as a plain object.
//
// ts-morph re-exports the TypeScript compiler, and both layers are CommonJS modules whose
// exports esbuild and TypeScript's own bundle define as getters: every `ts.isIdentifier` or
// `ts.SyntaxKind.X` in the bundle called two getters. Profiling the server while typing put
// that at 6.6% of self time. Copying the exports once into a plain object makes each access a
// property load. Import the value from here and the types from ts-morph:
//   import { ts } from '../ts';
//   import type { ts as TS } from 'ts-morph';
import { ts as live } from 'ts-morph';

export const ts: typeof live = { ...live };
