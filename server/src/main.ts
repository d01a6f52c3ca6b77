// Transport only: stdio (`--stdio`) or Node IPC (`--node-ipc`), chosen by the command line.
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { startServer } from './server';

const connection = createConnection(ProposedFeatures.all);
process.on('uncaughtException', (error) => connection.console.error(`PerfLens server: ${error.stack ?? error.message}`));
startServer(connection);
