// Side-effect-free I/O protocol for the profile model. Work that needs files (source maps, profile
// folders) is written once as a generator that yields `IoRequest`s and receives the answers; a
// small adapter answers them: `runJobSync` with node:fs in the CLI, `runJobAsync` with
// vscode.workspace.fs in the extension. The model itself never touches a file system. PURE.
import type { CallTree, ImportOptions } from './types';

export type IoRequest =
  /** Is `path` (an adapter path: a file system path in the CLI, a URI string in VS Code) a file or a folder? */
  | { op: 'stat'; path: string }
  /** Names of the entries of folder `path`. */
  | { op: 'list'; path: string }
  /** Text of file `path`. */
  | { op: 'read'; path: string }
  /** Text at an absolute URL (file:// or the adapter's own scheme), for source maps. */
  | { op: 'readUrl'; url: string }
  /** The generated script a profile URL names, found on this machine (path mappings, exact, by suffix). */
  | { op: 'script'; profileUrl: string }
  /**
   * Read and import profile file `path` (answered with a CallTree). The extension answers it in a
   * worker thread so a large file never blocks the extension host; `withInlineImport` answers it
   * here with 'read' + `importProfileText`.
   */
  | { op: 'import'; path: string; size: number; options: ImportOptions };

export interface StatReply {
  type: 'file' | 'dir';
  size: number;
}

export interface ScriptReply {
  /** Absolute URL of the local copy (file:///… or another scheme), used to resolve relative map URLs. */
  url: string;
  text: string;
}

/** What each request is answered with (undefined = does not exist / cannot be read). */
export type IoReply = StatReply | string[] | string | ScriptReply | CallTree | undefined;

export type IoJob<T> = Generator<IoRequest, T, IoReply>;

export interface IoHandlerSync {
  (request: IoRequest): IoReply;
}
export interface IoHandlerAsync {
  (request: IoRequest): Promise<IoReply> | IoReply;
}

export function runJobSync<T>(job: IoJob<T>, handle: IoHandlerSync): T {
  let step = job.next(undefined);
  while (!step.done) step = job.next(handle(step.value));
  return step.value;
}

export async function runJobAsync<T>(job: IoJob<T>, handle: IoHandlerAsync, isCancelled?: () => boolean): Promise<T> {
  let step = job.next(undefined);
  while (!step.done) {
    if (isCancelled?.()) {
      job.return(undefined as unknown as T);
      throw new CancelledError();
    }
    step = job.next(await handle(step.value));
  }
  return step.value;
}

export class CancelledError extends Error {
  override readonly name = 'CancelledError';
  constructor() {
    super('cancelled');
  }
}

/** Joins a folder and a child name with "/" (node:fs accepts it on Windows too; URI strings need it). */
export function joinPath(dir: string, name: string): string {
  return `${dir.replace(/[\\/]+$/, '')}/${name}`;
}

/** Last segment of a path or URL. */
export function baseNameOf(path: string): string {
  const parts = path.replace(/[\\/]+$/, '').split(/[\\/]/);
  return parts[parts.length - 1] ?? path;
}
