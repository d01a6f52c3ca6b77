// The importer contract. To add a format (Chrome trace, speedscope, Clinic flame, 0x, pprof, …):
// write `importers/<format>.ts` exporting a ProfileImporter, add its id to `ProfileFormat` in
// ../types.ts and list it in `importers` in ../index.ts. Importers produce a CallTree with
// 0-based lines; `buildProfile` does all aggregation, so the heat overlay, the profile editor and
// the CLI work for every format without changes.
import type { CallTree, ImportOptions } from '../types';

export interface ProfileImporter {
  id: string;
  /** Human-readable format name. */
  label: string;
  /** Cheap structural check on the parsed JSON (top levels only). */
  detect(value: unknown): boolean;
  /** Converts without mutating `value`; throws ProfileError on broken input. */
  import(value: unknown, options?: ImportOptions): CallTree;
}
