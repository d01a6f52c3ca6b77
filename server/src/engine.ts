// The analysis pipeline shared by the language server and the CLI:
// text -> SourceFile -> function summaries -> rule findings (minus suppressed ones).
// Plain data in, plain data out: no LSP or vscode imports.
import { ts } from 'ts-morph';
import { analyzeFunctions, type ComplexityOptions } from './analysis/complexity';
import type { EngineSettings, FileAnalysis, Finding, Fix, RuleContext } from './analysis/types';
import { rules } from './rules';

export const DISABLE_NEXT_LINE = 'perflens-disable-next-line';

export interface AnalyzeInput {
  fileName: string;
  sourceFile: ts.SourceFile;
  settings: EngineSettings;
  getChecker?: () => ts.TypeChecker | undefined;
  complexity?: Omit<ComplexityOptions, 'getChecker'>;
  /** Called for an internal error in one rule; the other rules still run. */
  onError?: (message: string, error: unknown) => void;
}

/** Lines (0-based) on which findings of the given rules are suppressed; '*' means every rule. */
export function suppressions(sf: ts.SourceFile): Map<number, Set<string>> {
  const out = new Map<number, Set<string>>();
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
export function disableFix(sf: ts.SourceFile, finding: Finding): Fix {
  const line = sf.getLineAndCharacterOfPosition(finding.span.start).line;
  const lineStart = sf.getPositionOfLineAndCharacter(line, 0);
  const indent = /^[ \t]*/.exec(sf.text.slice(lineStart))![0];
  return {
    title: `Disable ${finding.rule} for this line (// ${DISABLE_NEXT_LINE} ${finding.rule})`,
    edits: [{ span: { start: lineStart, end: lineStart }, newText: `${indent}// ${DISABLE_NEXT_LINE} ${finding.rule}\n` }],
  };
}

function countParseErrors(sf: ts.SourceFile): number {
  const diags = (sf as unknown as { parseDiagnostics?: readonly ts.Diagnostic[] }).parseDiagnostics;
  return diags ? diags.length : 0;
}

export function analyzeFile(input: AnalyzeInput): FileAnalysis {
  const { sourceFile: sf, settings } = input;
  let checkerCache: ts.TypeChecker | undefined | null = null;
  const getChecker = () => {
    if (checkerCache === null) checkerCache = input.getChecker?.();
    return checkerCache;
  };
  const summaries = analyzeFunctions(sf, { ...input.complexity, getChecker });
  const ctx: RuleContext = { fileName: input.fileName, sourceFile: sf, text: sf.text, summaries, settings, getChecker };
  const findings: Finding[] = [];
  for (const rule of rules) {
    try {
      findings.push(...rule.check(ctx));
    } catch (error) {
      input.onError?.(`rule ${rule.id} failed on ${input.fileName}`, error);
    }
  }
  const off = suppressions(sf);
  const kept = off.size === 0 ? findings : findings.filter((f) => {
    const set = off.get(sf.getLineAndCharacterOfPosition(f.span.start).line);
    return !set || !(set.has('*') || set.has(f.rule));
  });
  kept.sort((a, b) => a.span.start - b.span.start || a.rule.localeCompare(b.rule));
  return { fileName: input.fileName, summaries, findings: kept, syntaxErrors: countParseErrors(sf) };
}
