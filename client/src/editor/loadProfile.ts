// Reads and parses a profile file (VS Code side), shared by the import command and the editor.
import * as vscode from 'vscode';
import { ProfileError } from '../profile/errors';
import { parseProfile } from '../profile/index';
import type { Profile } from '../profile/types';

/** Files above this size are refused: V8 cannot hold their text as one string. */
const MAX_BYTES = 400 * 1024 * 1024;

export function fileName(uri: vscode.Uri): string {
  const parts = uri.path.split('/');
  return parts[parts.length - 1] || uri.toString();
}

function cancelled(): ProfileError {
  return new ProfileError('cancelled', 'The import was cancelled.');
}

/** Reads and parses; throws ProfileError (including code 'cancelled'). */
export async function loadProfile(uri: vscode.Uri, token?: vscode.CancellationToken, report?: (message: string) => void): Promise<Profile> {
  report?.('reading…');
  let bytes: Uint8Array;
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (stat.size > MAX_BYTES) throw new ProfileError('invalid-profile', `The file is too large (${(stat.size / 1024 / 1024).toFixed(0)} MB); PerfLens reads profiles up to ${MAX_BYTES / 1024 / 1024} MB.`);
    bytes = await vscode.workspace.fs.readFile(uri);
  } catch (e) {
    if (e instanceof ProfileError) throw e;
    throw new ProfileError('invalid-profile', `It cannot be read: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (token?.isCancellationRequested) throw cancelled();
  report?.(`parsing ${(bytes.byteLength / 1024 / 1024).toFixed(1)} MB…`);
  // Let the progress message render before the synchronous parse.
  await new Promise((resolve) => setTimeout(resolve, 0));
  if (token?.isCancellationRequested) throw cancelled();
  const text = new TextDecoder('utf-8').decode(bytes);
  const profile = parseProfile(text);
  if (token?.isCancellationRequested) throw cancelled();
  return profile;
}

/** "PerfLens: cannot import "x.cpuprofile": <what is wrong>" */
export function describeLoadError(uri: vscode.Uri, error: unknown): string {
  const what = error instanceof ProfileError ? error.message : `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
  return `PerfLens: cannot import "${fileName(uri)}": ${what}`;
}
