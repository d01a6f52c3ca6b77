// Shared by the VS Code suites: every wait is poll- or event-driven with a deadline, never a sleep.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

/** A path inside the (temporary copy of the) test workspace. */
export function workspaceUri(...segments: string[]): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0];
  assert.ok(folder, 'the test workspace folder is open');
  return vscode.Uri.joinPath(folder.uri, ...segments);
}

/** Polls `probe` until it returns a value that is not undefined, or fails after `timeoutMs`. */
export async function poll<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000, lastState?: () => string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      const extra = lastState ? `; last seen: ${lastState()}` : '';
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}${extra}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Runs a command that might never settle (e.g. an unregistered editor) with a deadline. */
export async function run<T>(command: string, args: unknown[], timeoutMs = 30_000): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      Promise.resolve(vscode.commands.executeCommand<T>(command, ...args)),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`command ${command} did not finish within ${timeoutMs / 1000} s`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
