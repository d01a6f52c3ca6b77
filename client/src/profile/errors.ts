// Typed import errors. `message` is a complete sentence for the user (without the file name;
// the caller adds it), `code` is for programs and tests.

export type ProfileErrorCode =
  /** The file has no content (or only whitespace). */
  | 'empty-file'
  /** The text is not JSON; `position` says where it broke. */
  | 'not-json'
  /** Valid JSON, but a different kind of file (heap snapshot, trace, …); `detected` names it. */
  | 'not-cpu-profile'
  /** A CPU profile format we recognise but cannot import yet. */
  | 'unsupported-format'
  /** A CPU profile whose structure is broken (missing nodes, no root, …). */
  | 'invalid-profile'
  /** A well-formed CPU profile without any samples. */
  | 'empty-profile'
  /** The import was cancelled by the caller. */
  | 'cancelled'
  /** The file or folder does not exist or cannot be read. */
  | 'unreadable'
  /** The file is larger than PerfLens reads. */
  | 'too-large';

export interface TextPosition {
  /** 0-based character offset. */
  offset: number;
  /** 1-based line, as editors show it. */
  line: number;
  /** 1-based column. */
  column: number;
}

export class ProfileError extends Error {
  override readonly name = 'ProfileError';
  constructor(
    readonly code: ProfileErrorCode,
    message: string,
    readonly details: { position?: TextPosition; detected?: string } = {},
  ) {
    super(message);
  }
}

export function isProfileError(e: unknown): e is ProfileError {
  return e instanceof ProfileError;
}
