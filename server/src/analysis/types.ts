// Plain data shared by the engine, the rules, the language server and the CLI.
// No LSP or vscode imports here: the engine is pure and reused by the CLI.
import type { ts } from 'ts-morph';
import type { Cost } from './cost';

/** Half-open character offsets into the file text. */
export interface Span {
  start: number;
  end: number;
}

export type Confidence = 'high' | 'medium' | 'low';
export type Severity = 'error' | 'warning' | 'info' | 'hint';

/** One factor that contributed to an estimate: which loop, callback, call or recursion. */
export interface Evidence {
  span: Span;
  /** 1-based line of the construct. */
  line: number;
  /** The factor it contributes, canonical ASCII form without O(): "n", "log n", "m", "2^n". */
  factor: string;
  /** Human explanation: "for-of over nums", "nums.includes() inside the loop: n", "assumes helper() is O(1)". */
  reason: string;
}

export interface FunctionSummary {
  /** Stable identity within a file: qualifiedName plus the ordinal among same-named functions. */
  key: string;
  /** Simple name ("twoSum"; "<anonymous>" or "<arrow>" where there is none, or the variable/property it is assigned to). */
  name: string;
  /** "Solution.twoSum", "outer.inner", "<anonymous>@12". */
  qualifiedName: string;
  /** The whole function node. */
  span: Span;
  /** Where a lens/diagnostic is anchored: the name, or the start of the function's first line. */
  headerSpan: Span;
  /** 1-based first and last lines of the function. */
  line: number;
  endLine: number;
  cost: Cost;
  /** Canonical ASCII, e.g. "O(n^2)", "O(n log n)", "O(m*n)", "O(2^n)". */
  complexity: string;
  /** Editor form, e.g. "O(n²)", "O(n·m)", with a trailing "?" when confidence is low. */
  display: string;
  /** Legend: variable letter -> what it measures ("n" -> "nums.length"). */
  variables: Record<string, string>;
  confidence: Confidence;
  evidence: Evidence[];
}

export interface RelatedInfo {
  span: Span;
  /** Absolute path when the related place is in another file; omitted for the same file. */
  fileName?: string;
  message: string;
}

export interface TextEditSpan {
  span: Span;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEditSpan[];
  isPreferred?: boolean;
}

export interface Finding {
  rule: string;
  severity: Severity;
  span: Span;
  message: string;
  related?: RelatedInfo[];
  fixes?: Fix[];
  /** Why no fix is offered, when the rule looked for one and declined (shown as a disabled code action). */
  noFixReason?: string;
  /**
   * With lazy fixes (the language server), fills `fixes`/`noFixReason` when first asked for: fixes
   * need the type checker, which must not be synchronised on every keystroke. Call it through
   * `ensureFixes` (engine.ts); absent once the fixes are known.
   */
  resolveFixes?: () => void;
  /** How sure the rule is: 'high' when types showed it, lower when only names did (n-plus-one). */
  confidence?: Confidence;
}

export interface EngineSettings {
  /** Canonical cost; functions strictly worse get a `complexity` finding. */
  complexityWarnAbove: string;
  nPlusOneEnabled: boolean;
  /** Extra query-function patterns ("db.query", "*.findOne", "fetchUser"). */
  queryFunctions: string[];
  /** Per-file analysis budget in ms (issue 6). */
  timeBudgetMs: number;
}

export const defaultSettings: EngineSettings = {
  complexityWarnAbove: 'O(n log n)',
  nPlusOneEnabled: true,
  queryFunctions: [],
  timeBudgetMs: 2000,
};

/** Everything a rule may look at. The type checker is lazy: ask only when a call site needs it. */
export interface RuleContext {
  fileName: string;
  sourceFile: ts.SourceFile;
  text: string;
  summaries: FunctionSummary[];
  settings: EngineSettings;
  getChecker(): ts.TypeChecker | undefined;
  /** Defer fixes (set `Finding.resolveFixes`) instead of computing them during the check. */
  lazyFixes?: boolean;
}

/** Registers `compute` as the finding's fix computation: now, or on first use when fixes are lazy. */
export function deferFixes(ctx: Pick<RuleContext, 'lazyFixes'>, finding: Finding, compute: () => void): void {
  if (!ctx.lazyFixes) compute();
  else finding.resolveFixes = compute;
}

export interface RuleMeta {
  description: string;
  /** Path of the docs page, relative to the repository root. */
  docs: string;
  defaultSeverity: Severity;
  fixable: boolean;
}

export interface Rule {
  id: string;
  meta: RuleMeta;
  check(ctx: RuleContext): Finding[];
}

export interface FileAnalysis {
  fileName: string;
  summaries: FunctionSummary[];
  findings: Finding[];
  /** Parse errors (the analysis still covers the functions that parse). */
  syntaxErrors: number;
  /** Set when the file was declined or cut short (budget, size); shown to the user. */
  notice?: string;
}
