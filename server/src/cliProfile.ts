// `perflens profile <file-or-folder> [--format text|json] [--source-root <dir>]`.
// TEMPORARY: the profiles work replaces this with the real command.
export function runProfile(_args: string[], _cwd: string, _out: (s: string) => void, err: (s: string) => void): number {
  err('perflens: `profile` is not available yet\n');
  return 2;
}
