// The PerfLens language server, independent of its transport (main.ts picks stdio or IPC).
import {
  type Connection,
  DocumentDiagnosticReportKind,
  type DocumentDiagnosticReport,
  TextDocuments,
  TextDocumentSyncKind,
  CodeActionKind,
  type InitializeResult,
  type Hover,
  MarkupKind,
  CodeLensRefreshRequest,
  ResponseError,
  LSPErrorCodes,
  type Diagnostic,
  DiagnosticSeverity,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as path from 'node:path';
import { PerformanceObserver, constants as perfConstants } from 'node:perf_hooks';
import type { ts } from 'ts-morph';
import { ProjectHost } from './analysis/project/projectHost';
import { SyntaxDocument } from './analysis/project/document';
import { SummaryCache } from './analysis/complexity';
import { beginAnalysis, countParseErrors, declinedAnalysis, describeParseFailure } from './engine';
import { changeBetween, moveAnalysis } from './keptAnalysis';
import { defaultSettings, type EngineSettings, type FileAnalysis, type FunctionSummary } from './analysis/types';
import { toDiagnostic, toRange } from './diagnostics';
import { withTreeLines } from './lines';
import { LensBook } from './codeLens';
import { IdleCollector } from './idleGc';
import { codeActions } from './codeActions';
import { explainMarkdown, tooltip } from './explain';
import { EXPLAIN_REQUEST, STATS_REQUEST, type JobTimings, type StatsParams, type StatsResult, defaultPerfLensSettings, type ExplainParams, type ExplainResult, type PerfLensSettings } from './protocol';

const LANGUAGE_EXT: Record<string, string> = { typescript: '.ts', typescriptreact: '.tsx', javascript: '.js', javascriptreact: '.jsx' };

interface Analysed {
  version: number;
  generation: number;
  sourceFile: ts.SourceFile;
  analysis: FileAnalysis;
  /**
   * Set on an analysis moved through edits instead of derived (see keptAnalysis.ts): the parse
   * errors of the tree last analysed. Edits that leave more than that, and are not one
   * function's re-parse, keep moving it.
   */
  keptFrom?: { syntaxErrors: number };
}

function mergeSettings(raw: unknown): PerfLensSettings {
  const r = (raw ?? {}) as Partial<Record<keyof PerfLensSettings, Record<string, unknown>>>;
  const d = defaultPerfLensSettings;
  return {
    codeLens: { enabled: typeof r.codeLens?.enabled === 'boolean' ? r.codeLens.enabled : d.codeLens.enabled },
    complexity: { warnAbove: typeof r.complexity?.warnAbove === 'string' ? r.complexity.warnAbove : d.complexity.warnAbove },
    nPlusOne: {
      enabled: typeof r.nPlusOne?.enabled === 'boolean' ? r.nPlusOne.enabled : d.nPlusOne.enabled,
      queryFunctions: Array.isArray(r.nPlusOne?.queryFunctions) ? (r.nPlusOne!.queryFunctions as unknown[]).filter((x): x is string => typeof x === 'string') : d.nPlusOne.queryFunctions,
    },
    analysis: { timeBudgetMs: typeof r.analysis?.timeBudgetMs === 'number' ? r.analysis.timeBudgetMs : d.analysis.timeBudgetMs },
  };
}

/** A file-level note (skipped, cut short) shown as an information diagnostic on the first line. */
function noticeDiagnostic(message: string): Diagnostic {
  return { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: DiagnosticSeverity.Information, source: 'perflens', code: 'analysis', message };
}

/** Yields to the message loop so that notifications already received (edits) are applied. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const host = new ProjectHost({ roots: [] });
  const analysed = new Map<string, Analysed>();
  const trees = new Map<string, SyntaxDocument>();
  // Function summaries survive edits: only changed functions (and their callers) are re-derived.
  const summaries = new SummaryCache();
  // The lenses last sent for each document, for codeLens/resolve.
  const lensBook = new LensBook();
  // The line of each document's last edit: the lenses around it come resolved (see LensBook).
  const focus = new Map<string, number>();
  let settings: PerfLensSettings = defaultPerfLensSettings;
  let generation = 0;
  let supportsConfiguration = false;

  const engineSettings = (): EngineSettings => ({
    ...defaultSettings,
    complexityWarnAbove: settings.complexity.warnAbove,
    nPlusOneEnabled: settings.nPlusOne.enabled,
    queryFunctions: settings.nPlusOne.queryFunctions,
    timeBudgetMs: settings.analysis.timeBudgetMs,
  });

  const fileNameOf = (doc: TextDocument): string => {
    if (doc.uri.startsWith('file:')) {
      try {
        return fileURLToPath(doc.uri);
      } catch {
        /* fall through to a virtual name */
      }
    }
    const base = doc.uri.replace(/[^A-Za-z0-9._-]+/g, '_');
    const ext = LANGUAGE_EXT[doc.languageId] ?? '.ts';
    return path.join(path.sep, '__perflens_virtual__', base.endsWith(ext) ? base : base + ext);
  };

  // One analysis in flight per document. It runs in slices with the message loop in between, so
  // requests for other files are answered meanwhile; a newer version of the document cancels it
  // (its tree is about to be updated in place by the incremental parser).
  interface Job {
    version: number;
    generation: number;
    cancelled: boolean;
    promise: Promise<Analysed | undefined>;
  }
  const jobs = new Map<string, Job>();
  const SLICE_MS = 15;
  // The young generation is collected in the quiet after a keystroke, not in the next one (idleGc.ts).
  const idle = new IdleCollector({ busy: () => jobs.size > 0 });
  // Where a keystroke's time goes: each completed analysis's parse and analysis time, for
  // perflens/stats (the benchmark prints them beside the latency a client sees).
  const timings: JobTimings = { parseMs: [], analysisMs: [], gcMs: [], idleGcMs: [] };
  const MAX_TIMINGS = 1000;
  // (and the GC's pauses: a keystroke slower than its analysis may have met one; the collections
  // made in quiet moments, see idleGc.ts, apart)
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      // (a forced young-generation collection is the idle collector's: a full GC asked for by
      // perflens/stats counts as a pause)
      const detail = (e as { detail?: { kind?: number; flags?: number } }).detail;
      const idleMade = detail?.kind === perfConstants.NODE_PERFORMANCE_GC_MINOR && ((detail.flags ?? 0) & perfConstants.NODE_PERFORMANCE_GC_FLAGS_FORCED) !== 0;
      const into = idleMade ? timings.idleGcMs : timings.gcMs;
      if (into.length >= MAX_TIMINGS) into.shift();
      into.push(e.duration);
    }
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const recordTimings = (parseMs: number, analysisMs: number): void => {
    if (timings.parseMs.length >= MAX_TIMINGS) {
      timings.parseMs.shift();
      timings.analysisMs.shift();
    }
    timings.parseMs.push(parseMs);
    timings.analysisMs.push(analysisMs);
  };

  /**
   * Keeps a document's newest analysis. The one it replaces is emptied of its summaries (the
   * summary objects stay: the newer analysis shares those of unmoved functions). Requests read an
   * analysis synchronously once they have it, and a newer one is stored only when its job ends,
   * so nothing reads the old list after this. Left full, the old list tied each keystroke's
   * summaries to the objects that held it (rule contexts in lazy-fix closures, the job), and a
   * young-generation GC keeps whatever a dead promoted object still points at: in process on
   * GitApi.js (600 typed edits), emptying the superseded list halved the scavenges' pauses.
   */
  const store = (uri: string, entry: Analysed): void => {
    const previous = analysed.get(uri);
    analysed.set(uri, entry);
    if (previous && previous !== entry && previous.analysis.summaries !== entry.analysis.summaries) previous.analysis.summaries.length = 0;
  };

  const analyse = (doc: TextDocument): Promise<Analysed | undefined> => {
    idle.touch();
    const cached = analysed.get(doc.uri);
    if (cached && cached.version === doc.version && cached.generation === generation) return Promise.resolve(cached);
    const running = jobs.get(doc.uri);
    if (running && running.version === doc.version && running.generation === generation) return running.promise;
    if (running) running.cancelled = true;
    const job: Job = { version: doc.version, generation, cancelled: false, promise: Promise.resolve(undefined) };
    jobs.set(doc.uri, job);
    job.promise = runJob(doc, job).finally(() => {
      if (jobs.get(doc.uri) === job) jobs.delete(doc.uri);
      idle.touch();
    });
    return job.promise;
  };

  const runJob = async (doc: TextDocument, job: Job): Promise<Analysed | undefined> => {
    const fileName = fileNameOf(doc);
    try {
      let tree = trees.get(doc.uri);
      const parseStart = performance.now();
      // (whether the update re-parsed one function only: see below)
      const localBefore = tree ? tree.spliced + tree.traced : 0;
      try {
        if (!tree) trees.set(doc.uri, (tree = new SyntaxDocument(fileName, doc.getText())));
        else {
          const change = tree.update(doc.getText());
          if (change) focus.set(doc.uri, doc.positionAt(change.span.start + change.newLength).line);
        }
      } catch (error) {
        trees.get(doc.uri)?.dispose();
        trees.delete(doc.uri);
        const reason = describeParseFailure(error);
        connection.console.warn(`PerfLens skipped ${fileName}: ${reason}`);
        const entry = { version: doc.version, generation: job.generation, sourceFile: undefined as unknown as ts.SourceFile, analysis: declinedAnalysis(fileName, reason) };
        store(doc.uri, entry);
        return entry;
      }
      const parseMs = performance.now() - parseStart;
      const sourceFile = tree.sourceFile;
      let analysisMs = 0;
      let sliceStart = performance.now();
      // An edit that adds parse errors whose recovery reaches past the function it is in (the
      // update was not one function's re-parse) gets the last analysis moved through it, and so
      // does every such edit after it while the document has more parse errors than then: the
      // shapes the parser's recovery gives the code after such an error are not the code the
      // user is writing (see keptAnalysis.ts). An edit re-parsed as one function's (typing
      // elsewhere while the error stays) is analysed, so a file that keeps an error (syntax the
      // parser does not know) is not frozen.
      const previous = analysed.get(doc.uri);
      const local = tree.spliced + tree.traced > localBefore;
      const errors = previous?.sourceFile && previous.generation === job.generation && !previous.analysis.notice ? countParseErrors(sourceFile) : 0;
      const baseErrors = previous?.keptFrom?.syntaxErrors ?? previous?.analysis.syntaxErrors ?? 0;
      if (previous && errors > baseErrors && !local) {
        const analysis = moveAnalysis(previous.analysis, changeBetween(previous.sourceFile, sourceFile), (offset) => sourceFile.getLineAndCharacterOfPosition(offset).line, errors);
        recordTimings(parseMs, performance.now() - sliceStart);
        const entry: Analysed = { version: doc.version, generation: job.generation, sourceFile, analysis, keptFrom: { syntaxErrors: baseErrors } };
        store(doc.uri, entry);
        return entry;
      }
      const work = beginAnalysis({
        fileName,
        sourceFile,
        settings: engineSettings(),
        getChecker: () => host.checkerForTree(fileName, sourceFile),
        complexity: { cache: summaries, fileName },
        lazyFixes: true,
        onError: (message, error) => connection.console.error(`${message}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`),
      });
      while (!work.step(SLICE_MS)) {
        analysisMs += performance.now() - sliceStart;
        await settle();
        if (job.cancelled || !documents.get(doc.uri)) {
          work.cancel();
          return undefined;
        }
        sliceStart = performance.now();
      }
      recordTimings(parseMs, analysisMs + performance.now() - sliceStart);
      const entry = { version: doc.version, generation: job.generation, sourceFile, analysis: work.result! };
      store(doc.uri, entry);
      return entry;
    } catch (error) {
      connection.console.error(`PerfLens could not analyse ${doc.uri}: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      return undefined;
    }
  };

  /** The analysis for a request; a request overtaken by a newer edit is answered ServerCancelled. */
  const analysisFor = async (doc: TextDocument): Promise<Analysed | undefined> => {
    const a = await analyse(doc);
    if (!a && jobs.get(doc.uri)) throw new ResponseError(LSPErrorCodes.ServerCancelled, 'superseded by a newer edit', { retriggerRequest: true });
    return a;
  };

  const summaryAt = (a: Analysed, doc: TextDocument, line: number): FunctionSummary | undefined => {
    const offset = doc.offsetAt({ line, character: 0 });
    const lineEnd = doc.offsetAt({ line: line + 1, character: 0 });
    // Prefer a function that starts on this line, then the innermost one containing it.
    const starting = a.analysis.summaries.filter((s) => s.headerSpan.start >= offset && s.headerSpan.start < lineEnd);
    if (starting.length) return starting[0];
    const containing = a.analysis.summaries.filter((s) => s.span.start <= offset && offset < s.span.end);
    return containing.sort((x, y) => (x.span.end - x.span.start) - (y.span.end - y.span.start))[0];
  };

  const refreshSettings = async (): Promise<void> => {
    if (!supportsConfiguration) return;
    try {
      settings = mergeSettings(await connection.workspace.getConfiguration('perflens'));
    } catch (error) {
      connection.console.warn(`PerfLens: could not read settings (${String(error)}); using defaults.`);
    }
    generation++;
  };

  connection.onInitialize((params): InitializeResult => {
    supportsConfiguration = !!params.capabilities.workspace?.configuration;
    const roots = (params.workspaceFolders ?? []).flatMap((f) => (f.uri.startsWith('file:') ? [fileURLToPath(f.uri)] : []));
    if (!roots.length && params.rootUri?.startsWith('file:')) roots.push(fileURLToPath(params.rootUri));
    host.setRoots(roots);
    settings = mergeSettings(params.initializationOptions?.settings);
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        diagnosticProvider: { identifier: 'perflens', interFileDependencies: false, workspaceDiagnostics: false },
        codeLensProvider: { resolveProvider: true },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix], resolveProvider: false },
        hoverProvider: true,
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'perflens', version: '0.1.0' },
    };
  });

  connection.onInitialized(async () => {
    await refreshSettings();
  });

  connection.onDidChangeConfiguration(async () => {
    await refreshSettings();
    connection.languages.diagnostics.refresh().catch(() => undefined);
    connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
  });

  connection.languages.diagnostics.on(async (params, token): Promise<DocumentDiagnosticReport> => {
    // Let queued edits arrive first: during fast typing, a request made stale by a newer edit is
    // cancelled by the client and never analysed.
    await settle();
    if (token.isCancellationRequested) throw new ResponseError(LSPErrorCodes.ServerCancelled, 'superseded by a newer edit', { retriggerRequest: true });
    const doc = documents.get(params.textDocument.uri);
    if (!doc) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    const a = await analysisFor(doc);
    if (!a) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    const items: Diagnostic[] = a.analysis.notice ? [noticeDiagnostic(a.analysis.notice)] : [];
    const lines = withTreeLines(doc, a.sourceFile);
    items.push(...a.analysis.findings.map((f) =>
      toDiagnostic(lines, f, (fileName, span) => {
        const other = host.projectFor(fileName).getSourceFile(fileName)?.compilerNode;
        if (!other) return undefined;
        const s = other.getLineAndCharacterOfPosition(span.start);
        const e = other.getLineAndCharacterOfPosition(span.end);
        return { uri: pathToFileURL(fileName).toString(), range: { start: s, end: e } };
      }),
    ));
    return { kind: DocumentDiagnosticReportKind.Full, items };
  });

  connection.onCodeLens(async (params, token) => {
    if (!settings.codeLens.enabled) return [];
    await settle();
    const doc = documents.get(params.textDocument.uri);
    if (!doc || token.isCancellationRequested) return [];
    const a = await analysisFor(doc);
    // (before any edit: the top of the document, where it opens)
    return lensBook.publish(a ? withTreeLines(doc, a.sourceFile) : doc, a ? a.analysis.summaries : [], focus.get(doc.uri) ?? 0);
  });

  connection.onCodeLensResolve((lens) => lensBook.resolve(lens));

  connection.onCodeAction(async (params, token) => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc || token.isCancellationRequested) return [];
    const a = await analysisFor(doc);
    if (a && a.version !== documents.get(doc.uri)?.version) return [];
    return a?.sourceFile ? codeActions(doc, a.sourceFile, a.analysis, params.context.diagnostics) : [];
  });

  connection.onHover(async (params, token): Promise<Hover | null> => {
    const doc = documents.get(params.textDocument.uri);
    if (!doc || token.isCancellationRequested) return null;
    const a = await analysisFor(doc);
    if (!a) return null;
    const offset = doc.offsetAt(params.position);
    const s = a.analysis.summaries.find((x) => x.headerSpan.start <= offset && offset <= x.headerSpan.end && x.headerSpan.end > x.headerSpan.start);
    if (!s) return null;
    return { contents: { kind: MarkupKind.Markdown, value: '```text\n' + tooltip(s) + '\n```' }, range: toRange(doc, s.headerSpan) };
  });

  connection.onRequest(EXPLAIN_REQUEST, async (params: ExplainParams): Promise<ExplainResult> => {
    const doc = documents.get(params.uri);
    if (!doc) return {};
    const a = await analysisFor(doc);
    if (!a) return {};
    const s = summaryAt(a, doc, params.line);
    return s ? { markdown: explainMarkdown(s), functionName: s.qualifiedName } : {};
  });

  connection.onRequest(STATS_REQUEST, (params: StatsParams | undefined): StatsResult => {
    const gc = (globalThis as { gc?: () => void }).gc;
    if (params?.gc && gc) gc();
    const mem = process.memoryUsage();
    return {
      rssMB: mem.rss / 2 ** 20,
      heapUsedMB: mem.heapUsed / 2 ** 20,
      openDocuments: documents.all().length,
      analysedDocuments: analysed.size,
      syntaxTrees: trees.size,
      cachedSummaries: summaries.size,
      projectFiles: host.fileCount(),
      lensDocuments: lensBook.size,
      ...(params?.jobs ? { jobs: { parseMs: timings.parseMs.splice(0), analysisMs: timings.analysisMs.splice(0), gcMs: timings.gcMs.splice(0), idleGcMs: timings.idleGcMs.splice(0) } } : {}),
    };
  });

  documents.onDidChangeContent(() => idle.touch());

  documents.onDidClose((e) => {
    const job = jobs.get(e.document.uri);
    if (job) job.cancelled = true;
    jobs.delete(e.document.uri);
    analysed.delete(e.document.uri);
    lensBook.forget(e.document.uri);
    focus.delete(e.document.uri);
    trees.get(e.document.uri)?.dispose();
    trees.delete(e.document.uri);
    summaries.forgetFile(fileNameOf(e.document));
    host.remove(fileNameOf(e.document));
  });

  documents.listen(connection);
  connection.listen();
}
