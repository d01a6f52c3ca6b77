// The keystroke benchmark's protocol floor: a language server that analyses nothing.
//
// It speaks what PerfLens's server speaks for a keystroke (incremental document sync, pulled
// diagnostics, code lenses with resolve), with the same library and Node flags, and answers
// with what PerfLens answered for the same document: the bench hands it PerfLens's lens set and
// the command of a resolved lens (`floor/answers`). Like PerfLens, it sends the lenses within
// RESOLVED_AROUND lines of the last edit with their commands. So a keystroke through it costs
// what any server costs for the same answers (the pipe, both processes waking, JSON both ways,
// the document's text kept up to date), and PerfLens's latency above it is its analysis.
//
//   node floorServer.js --stdio
import { createConnection, ProposedFeatures, TextDocumentSyncKind, DocumentDiagnosticReportKind, type CodeLens, type Command, type Diagnostic } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { RESOLVED_AROUND } from '../../server/src/codeLens';

/** What `floor/answers` (sent by bench.ts) carries. */
interface FloorAnswers {
  lenses: CodeLens[];
  diagnostics: Diagnostic[];
  command: Command;
}

const connection = createConnection(ProposedFeatures.all);
// (the documents kept as vscode-languageserver's TextDocuments keeps them; by hand, for the line of each edit)
const documents = new Map<string, TextDocument>();
let answers: FloorAnswers = { lenses: [], diagnostics: [], command: { title: '', command: '' } };
const focus = new Map<string, number>();
// (PerfLens's handlers let queued edits arrive first; so do these)
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

connection.onInitialize(() => ({
  capabilities: {
    textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
    diagnosticProvider: { identifier: 'floor', interFileDependencies: false, workspaceDiagnostics: false },
    codeLensProvider: { resolveProvider: true },
  },
}));
connection.onRequest('floor/answers', (a: FloorAnswers) => {
  answers = a;
  return null;
});
connection.onDidOpenTextDocument((e) => {
  documents.set(e.textDocument.uri, TextDocument.create(e.textDocument.uri, e.textDocument.languageId, e.textDocument.version, e.textDocument.text));
});
connection.onDidChangeTextDocument((e) => {
  const doc = documents.get(e.textDocument.uri);
  if (doc) TextDocument.update(doc, e.contentChanges, e.textDocument.version);
  const last = e.contentChanges[e.contentChanges.length - 1];
  if (last && 'range' in last) focus.set(e.textDocument.uri, last.range.end.line);
});
connection.onDidCloseTextDocument((e) => {
  documents.delete(e.textDocument.uri);
  focus.delete(e.textDocument.uri);
});
connection.languages.diagnostics.on(async (params) => {
  await settle();
  // (PerfLens reads the document's text, which flattens the edited string)
  documents.get(params.textDocument.uri)?.getText().charCodeAt(0);
  return { kind: DocumentDiagnosticReportKind.Full, items: answers.diagnostics };
});
connection.onCodeLens(async (params) => {
  await settle();
  const uri = params.textDocument.uri;
  const line = focus.get(uri) ?? 0;
  return answers.lenses.map((l) => (Math.abs(l.range.start.line - line) <= RESOLVED_AROUND ? { range: l.range, command: { ...answers.command, arguments: [uri, l.range.start.line] }, data: l.data } : l));
});
connection.onCodeLensResolve((lens) => ({ ...lens, command: { ...answers.command, arguments: [lens.range.start.line] } }));
connection.listen();
