// Worker thread that reads and imports a profile file, so that parsing a 100 MB+ JSON file never
// blocks the extension host (hovers, lenses and the progress notification's Cancel keep working;
// cancelling terminates the worker). Bundled to dist/client/profileWorker.js. Receives
// { path } (a local file) or { bytes } (content read through vscode.workspace.fs), plus import
// options; answers { ok: true, tree } or { ok: false, code, message, details }.
import * as fs from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { isProfileError } from '../profile/errors';
import { importProfileText } from '../profile/open';
import type { ImportOptions } from '../profile/types';

interface Request {
  path?: string;
  bytes?: Uint8Array;
  options: ImportOptions;
}

parentPort?.on('message', (request: Request) => {
  try {
    const text = request.bytes ? new TextDecoder('utf-8').decode(request.bytes) : fs.readFileSync(request.path ?? '', 'utf8');
    const tree = importProfileText(text, request.options ?? {});
    parentPort?.postMessage({ ok: true, tree });
  } catch (e) {
    if (isProfileError(e)) parentPort?.postMessage({ ok: false, code: e.code, message: e.message, details: e.details });
    else parentPort?.postMessage({ ok: false, code: 'unreadable', message: `It cannot be read: ${e instanceof Error ? e.message : String(e)}` });
  }
});
