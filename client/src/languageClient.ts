// Starts the PerfLens language server (dist/server/main.js) and keeps it running.
import * as vscode from 'vscode';
import { LanguageClient, TransportKind, type LanguageClientOptions, type Middleware, type ServerOptions } from 'vscode-languageclient/node';
import { SERVER_EXEC_ARGV } from '../../server/src/protocol';

export const DOCUMENT_SELECTOR = ['javascript', 'typescript', 'javascriptreact', 'typescriptreact'].flatMap((language) => [
  { scheme: 'file', language },
  { scheme: 'untitled', language },
]);

export async function startLanguageClient(context: vscode.ExtensionContext, middleware: Middleware = {}): Promise<LanguageClient> {
  const module = context.asAbsolutePath('dist/server/main.js');
  const serverOptions: ServerOptions = {
    run: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_EXEC_ARGV] } },
    debug: { module, transport: TransportKind.ipc, options: { execArgv: [...SERVER_EXEC_ARGV, '--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    synchronize: { configurationSection: 'perflens' },
    outputChannelName: 'PerfLens',
    middleware,
    // `perflens.trace.server` is read by the client library through the client id `perflens`.
  };
  const client = new LanguageClient('perflens', 'PerfLens', serverOptions, clientOptions);
  context.subscriptions.push(client);
  await client.start();
  return client;
}
