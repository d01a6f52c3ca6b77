// The analysis pipeline shared by the language server and the CLI:
// text -> SourceFile -> function summaries -> rule findings (minus suppressed ones).
// Plain data in, plain data out: no LSP or vscode imports.
import { ts } from './ts';
import type { ts as TS } from 'ts-morph';
import { analyzeFunctionsStepwise, type ComplexityOptions } from './analysis/complexity';
import type { EngineSettings, FileAnalysis, Finding, Fix, RuleContext } from './analysis/types';
import { ensureParents } from './analysis/project/document';
import { rules } from './rules';
import { textFact } from './analysis/textFacts';

export const DISABLE_NEXT_LINE = 'perflens-disable-next-line';

/** Most files have no suppression comment: the pre-check is carried across spliced edits (textFacts.ts). */
const mentionsDisable = textFact(/perflens-disable-next-line/);

export interface AnalyzeInput {
  fileName: string;
  sourceFile: TS.SourceFile;
  settings: EngineSettings;
  getChecker?: () => TS.TypeChecker | undefined;
  complexity?: Omit<ComplexityOptions, 'getChecker'>;
  /** Compute quick fixes only when asked (ensureFixes): the language server's mode. */
  lazyFixes?: boolean;
  /** Called for an internal error in one rule; the other rules still run. */
  onError?: (message: string, error: unknown) => void;
}

/** Lines (0-based) on which findings of the given rules are suppressed; '*' means every rule. */
export function suppressions(sf: TS.SourceFile): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>();
  if (!mentionsDisable(sf)) return out;
  const text = sf.text;
  const re = /\/\/\s*perflens-disable-next-line\b([^\n]*)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const line = sf.getLineAndCharacterOfPosition(m.index).line + 1;
    const names = m[1].split(/--/)[0].split(/[\s,]+/).filter(Boolean);
    const set = out.get(line) ?? new Set<string>();
    if (names.length === 0) set.add('*');
    for (const n of names) set.add(n);
    out.set(line, set);
  }
  return out;
}

/** The edit that adds `// perflens-disable-next-line <rule>` above the finding's line. */
export function disableFix(sf: TS.SourceFile, finding: Finding): Fix {
  const line = sf.getLineAndCharacterOfPosition(finding.span.start).line;
  const lineStart = sf.getPositionOfLineAndCharacter(line, 0);
  const indent = /^[ \t]*/.exec(sf.text.slice(lineStart))![0];
  return {
    title: `Disable ${finding.rule} for this line (// ${DISABLE_NEXT_LINE} ${finding.rule})`,
    edits: [{ span: { start: lineStart, end: lineStart }, newText: `${indent}// ${DISABLE_NEXT_LINE} ${finding.rule}\n` }],
  };
}

export function countParseErrors(sf: TS.SourceFile): number {
  const diags = (sf as unknown as { parseDiagnostics?: readonly TS.Diagnostic[] }).parseDiagnostics;
  return diags ? diags.length : 0;
}

/**
 * Why a file is not analysed, or undefined when it is. Minified or generated bundles (a few
 * enormous lines) carry no useful per-function lenses and cost seconds: they are declined, as
 * most linters and language tools do.
 */
export function declineReason(text: string): string | undefined {
  if (text.length < 100_000) return undefined;
  // Declined only with fewer lines than one per 1,000 characters: counting stops once there are more.
  const enough = text.length / 1_000;
  let lines = 1;
  let longest = 0;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
    longest = Math.max(longest, i - start);
    start = i + 1;
    lines++;
    if (lines >= enough) return undefined;
  }
  longest = Math.max(longest, text.length - start);
  if (longest > 20_000 && text.length / lines > 1_000) {
    return `it looks minified or generated (${(text.length / 1024).toFixed(0)} KB on ${lines} line${lines === 1 ? '' : 's'}, the longest ${longest.toLocaleString('en-US')} characters)`;
  }
  return undefined;
}

/** A file that could not be analysed at all: no summaries, no findings, a notice saying why. */
export function declinedAnalysis(fileName: string, reason: string): FileAnalysis {
  return { fileName, summaries: [], findings: [], syntaxErrors: 0, notice: `PerfLens skipped this file: ${reason}.` };
}

/** Parses with a clear error instead of a stack overflow on pathologically nested code. */
export function describeParseFailure(error: unknown): string {
  if (error instanceof RangeError && /call stack/i.test(error.message)) return 'it is nested too deeply for the TypeScript parser (thousands of levels)';
  return `the parser failed (${error instanceof Error ? error.message : String(error)})`;
}

/** Makes sure a finding's fixes (or its reason for having none) are computed. */
export function ensureFixes(finding: Finding): void {
  const resolve = finding.resolveFixes;
  if (!resolve) return;
  delete finding.resolveFixes;
  try {
    resolve();
  } catch (error) {
    finding.fixes = undefined;
    finding.noFixReason = `No fix: PerfLens hit an internal error while preparing one (${error instanceof Error ? error.message : String(error)}).`;
  }
}

export function analyzeFile(input: AnalyzeInput): FileAnalysis {
  const job = beginAnalysis(input);
  while (!job.step());
  return job.result!;
}

/** An analysis that runs in slices, so a server can answer other requests in between. */
export interface AnalysisJob {
  /** Works for about `sliceMs` (default: to the end); true once the analysis is complete. */
  step(sliceMs?: number): boolean;
  /** The analysis, once `step` returned true. */
  readonly result: FileAnalysis | undefined;
  /** Abandons an unfinished analysis (a newer edit superseded it): its run drops its state now. */
  cancel(): void;
}

const budgetNotice = (ms: number, what: string) => `PerfLens stopped early on this file: analysis took longer than perflens.analysis.timeBudgetMs (${ms} ms); ${what}.`;

/**
 * The analysis of beginAnalysis as steps. At module level, not a generator function declared in
 * beginAnalysis: each such declaration is a new function with a `prototype` of its own, the
 * prototype of its generator objects, which V8 gives a map of its own in the old generation; a
 * dead one kept that function's closure (the job, its tree and text) alive through
 * young-generation GCs until a full GC.
 */
function* runAnalysis(input: AnalyzeInput, getChecker: () => TS.TypeChecker | undefined, overBudget: () => boolean): Generator<void, FileAnalysis> {
  const { sourceFile: sf, settings } = input;
  const declined = declineReason(sf.text);
  if (declined) {
    ensureParents(sf);
    return declinedAnalysis(input.fileName, declined);
  }
  const summaries: FileAnalysis['summaries'] = [];
  let notice: string | undefined;
  try {
    const steps = analyzeFunctionsStepwise(sf, { ...input.complexity, getChecker }, summaries);
    // Stopped by the time budget or cancelled (cancel() returns this generator at a yield),
    // the run is ended, so it drops its state (see FileAnalyzer.release).
    try {
      while (!steps.next().done) {
        if (overBudget()) {
          notice = budgetNotice(settings.timeBudgetMs, `functions after line ${summaries.length ? summaries[summaries.length - 1].endLine : 1} have no estimate and the rules did not run`);
          break;
        }
        yield;
      }
    } finally {
      steps.return();
    }
  } catch (error) {
    ensureParents(sf);
    if (error instanceof RangeError && /call stack/i.test(error.message)) return declinedAnalysis(input.fileName, 'it is nested too deeply to analyse');
    throw error;
  }
  // The complexity engine's first walk sets deferred parents (project/document.ts); the rules need them.
  ensureParents(sf);
  const ctx: RuleContext = { fileName: input.fileName, sourceFile: sf, text: sf.text, summaries, settings, getChecker, lazyFixes: input.lazyFixes };
  const findings: Finding[] = [];
  if (!notice) {
    for (const rule of rules) {
      yield;
      if (overBudget()) {
        notice = budgetNotice(settings.timeBudgetMs, 'some rules did not run');
        break;
      }
      try {
        findings.push(...rule.check(ctx));
      } catch (error) {
        input.onError?.(`rule ${rule.id} failed on ${input.fileName}`, error);
      }
    }
  }
  const off = suppressions(sf);
  const kept = off.size === 0 ? findings : findings.filter((f) => {
    const set = off.get(sf.getLineAndCharacterOfPosition(f.span.start).line);
    return !set || !(set.has('*') || set.has(f.rule));
  });
  kept.sort((a, b) => a.span.start - b.span.start || a.rule.localeCompare(b.rule));
  return { fileName: input.fileName, summaries, findings: kept, syntaxErrors: countParseErrors(sf), notice };
}

/**
 * Starts analysing a file: function summaries one function per step, then each rule. The time
 * budget counts only the time spent in `step` (not time suspended between slices, and not the
 * one-time creation of the type checker); when it is spent, the remaining functions get no
 * estimate, the remaining rules do not run, and the result carries a notice saying so.
 */
export function beginAnalysis(input: AnalyzeInput): AnalysisJob {
  const { settings } = input;
  let checkerCache: TS.TypeChecker | undefined | null = null;
  // Building the type checker (loading a project's declarations) is a one-time cost shared by
  // every file, not this file's analysis: it does not count against the time budget.
  let checkerMs = 0;
  const getChecker = () => {
    if (checkerCache === null) {
      const t = Date.now();
      checkerCache = input.getChecker?.();
      checkerMs += Date.now() - t;
    }
    return checkerCache;
  };
  let spent = 0;
  let sliceStart = 0;
  let checkerAtSlice = 0;
  const elapsed = () => spent + (Date.now() - sliceStart) - (checkerMs - checkerAtSlice);
  const overBudget = () => elapsed() > settings.timeBudgetMs;

  const gen = runAnalysis(input, getChecker, overBudget);
  let result: FileAnalysis | undefined;
  // `result` is a data property, set when the run ends: an object literal with a getter gets a
  // map of its own per object (V8), and a dead map keeps its getter's closure alive through
  // young-generation GCs (see TextRoot in complexity/analyzer.ts).
  const job: { -readonly [K in keyof AnalysisJob]: AnalysisJob[K] } = {
    result: undefined,
    step(sliceMs = Infinity) {
      if (result) return true;
      sliceStart = Date.now();
      checkerAtSlice = checkerMs;
      try {
        for (;;) {
          const r = gen.next();
          if (r.done) {
            result = r.value;
            job.result = result;
            return true;
          }
          if (Date.now() - sliceStart >= sliceMs) return false;
        }
      } finally {
        spent += Date.now() - sliceStart - (checkerMs - checkerAtSlice);
      }
    },
    cancel() {
      if (!result) gen.return(undefined as unknown as FileAnalysis);
    },
  };
  return job;
}
