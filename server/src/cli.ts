// `perflens`: the same engine as the language server, for CI and scripts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { ProjectHost } from './analysis/project/projectHost';
import { analyzeFile, declinedAnalysis, describeParseFailure } from './engine';
import { defaultSettings, type EngineSettings, type FileAnalysis, type Finding, type Severity } from './analysis/types';
import { rules } from './rules';
import { runProfile } from './cliProfile';

const EXTENSIONS = new Set(['.js', '.jsx', '.ts', '.tsx', '.mjs', '.cjs', '.mts', '.cts']);
const SEVERITY_RANK: Record<Severity, number> = { hint: 0, info: 1, warning: 2, error: 3 };
const FORMATS = ['text', 'json', 'sarif', 'markdown'] as const;
type Format = (typeof FORMATS)[number];

export class UsageError extends Error {}

const USAGE = `Usage: perflens analyze [paths...] [--format text|json|sarif|markdown] [--fail-on warning|error|never]
                        [--warn-above "O(n log n)"] [--no-n-plus-one] [--query-function <pattern>]...
                        [--time-budget <ms>|none]
       perflens profile <file-or-folder> [--format text|json] [--source-root <dir>]

Analyses .js/.jsx/.ts/.tsx/.mjs/.cjs files (folders are walked, skipping node_modules and
.gitignored files). Exit 0 when nothing reaches --fail-on (default: error), 1 when something
does, 2 on a usage or I/O error. --time-budget (default 2000 ms per file, as in the editor)
stops a file's analysis after that long and says so; 'none' analyses every file completely.`;

interface AnalyzeOptions {
  paths: string[];
  format: Format;
  failOn: Severity | 'never';
  settings: EngineSettings;
}

function parseArgs(argv: string[]): { command: string; options: AnalyzeOptions } {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') throw new UsageError('');
  if (command !== 'analyze') throw new UsageError(`unknown command '${command}' (try: perflens analyze [paths...] or perflens profile <file>)`);
  const options: AnalyzeOptions = { paths: [], format: 'text', failOn: 'error', settings: { ...defaultSettings, queryFunctions: [] } };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const value = (): string => {
      const v = rest[++i];
      if (v === undefined) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    if (arg === '--format' || arg === '-f') {
      const v = value();
      if (!(FORMATS as readonly string[]).includes(v)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')} (got '${v}')`);
      options.format = v as Format;
    } else if (arg === '--fail-on') {
      const v = value();
      if (!['warning', 'error', 'never', 'info'].includes(v)) throw new UsageError(`--fail-on must be warning, error or never (got '${v}')`);
      options.failOn = v as Severity | 'never';
    } else if (arg === '--warn-above') options.settings.complexityWarnAbove = value();
    else if (arg === '--no-n-plus-one') options.settings.nPlusOneEnabled = false;
    else if (arg === '--query-function') options.settings.queryFunctions.push(value());
    else if (arg === '--time-budget') {
      const v = value();
      const ms = v === 'none' ? Infinity : Number(v);
      if (!(ms > 0)) throw new UsageError(`--time-budget must be a number of milliseconds or 'none' (got '${v}')`);
      options.settings.timeBudgetMs = ms;
    } else if (arg.startsWith('-')) throw new UsageError(`unknown option '${arg}'`);
    else options.paths.push(arg);
  }
  if (!options.paths.length) options.paths.push('.');
  return { command, options };
}

/** Files to analyse, in a stable order. Folders are walked; node_modules and .gitignored files are skipped. */
export function collectFiles(paths: string[], cwd: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (f: string) => {
    if (!seen.has(f)) {
      seen.add(f);
      out.push(f);
    }
  };
  for (const given of paths) {
    const abs = path.resolve(cwd, given);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(abs);
    } catch {
      throw new UsageError(`no such file or folder: ${given}`);
    }
    if (stat.isFile()) {
      add(abs);
      continue;
    }
    // Walk iteratively; .gitignore files apply to their folder and below.
    const stack: Array<{ dir: string; rules: Array<{ base: string; ig: Ignore }> }> = [{ dir: abs, rules: ancestorsIgnores(abs) }];
    const dirFiles: string[] = [];
    while (stack.length) {
      const { dir, rules: inherited } = stack.pop()!;
      let rulesHere = inherited;
      const gi = path.join(dir, '.gitignore');
      if (fs.existsSync(gi)) rulesHere = [...inherited, { base: dir, ig: ignore().add(fs.readFileSync(gi, 'utf8')) }];
      let entries: fs.Dirent[];
      try {
        entries = fs.readdirSync(dir, { withFileTypes: true });
      } catch (e) {
        throw new UsageError(`cannot read folder ${path.relative(cwd, dir) || '.'}: ${(e as Error).message}`);
      }
      for (const e of entries.sort((a, b) => (a.name < b.name ? 1 : -1))) {
        if (e.name === 'node_modules' || e.name === '.git') continue;
        const p = path.join(dir, e.name);
        const ignored = rulesHere.some(({ base, ig }) => {
          const rel = path.relative(base, p).split(path.sep).join('/');
          return rel && !rel.startsWith('..') && ig.ignores(e.isDirectory() ? rel + '/' : rel);
        });
        if (ignored) continue;
        if (e.isDirectory()) stack.push({ dir: p, rules: rulesHere });
        else if (e.isFile() && EXTENSIONS.has(path.extname(e.name)) && !e.name.endsWith('.d.ts')) dirFiles.push(p);
      }
    }
    dirFiles.sort().forEach(add);
  }
  return out;
}

/** .gitignore files of the folders above `dir`, up to the repository root. */
function ancestorsIgnores(dir: string): Array<{ base: string; ig: Ignore }> {
  const chain: Array<{ base: string; ig: Ignore }> = [];
  let cur = path.dirname(dir);
  for (let i = 0; i < 64; i++) {
    const gi = path.join(cur, '.gitignore');
    if (fs.existsSync(gi)) chain.unshift({ base: cur, ig: ignore().add(fs.readFileSync(gi, 'utf8')) });
    if (fs.existsSync(path.join(cur, '.git')) || path.dirname(cur) === cur) break;
    cur = path.dirname(cur);
  }
  return chain;
}

interface Located extends Finding {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

interface FileReport {
  path: string;
  analysis: FileAnalysis;
  findings: Located[];
}

export function analyzePaths(options: AnalyzeOptions, cwd: string): FileReport[] {
  const files = collectFiles(options.paths, cwd);
  const host = new ProjectHost({ roots: [cwd] });
  const sources = files.map((f) => {
    let text: string;
    try {
      text = fs.readFileSync(f, 'utf8');
    } catch (e) {
      throw new UsageError(`cannot read ${path.relative(cwd, f)}: ${(e as Error).message}`);
    }
    try {
      return host.setText(f, text);
    } catch (e) {
      return describeParseFailure(e);
    }
  });
  return files.map((file, i) => {
    const rel = path.relative(cwd, file);
    const shown = rel.startsWith('..') ? file : rel.split(path.sep).join('/');
    const sf = sources[i];
    if (typeof sf === 'string') return { path: shown, analysis: declinedAnalysis(file, sf), findings: [] };
    const analysis = analyzeFile({
      fileName: file,
      sourceFile: sf,
      settings: options.settings,
      getChecker: () => host.checkerFor(file),
      onError: (message, error) => process.stderr.write(`perflens: ${message}: ${(error as Error)?.message ?? String(error)}\n`),
    });
    const findings = analysis.findings.map((f) => {
      const s = sf.getLineAndCharacterOfPosition(f.span.start);
      const e = sf.getLineAndCharacterOfPosition(f.span.end);
      return { ...f, line: s.line + 1, column: s.character + 1, endLine: e.line + 1, endColumn: e.character + 1 };
    });
    return { path: shown, analysis, findings };
  });
}

export function toJson(reports: FileReport[]): unknown {
  return {
    version: 1,
    files: reports.map((r) => ({
      path: r.path,
      functions: r.analysis.summaries.map((s) => ({
        name: s.name,
        qualifiedName: s.qualifiedName,
        line: s.line,
        endLine: s.endLine,
        complexity: s.complexity,
        variables: s.variables,
        confidence: s.confidence,
        evidence: s.evidence.map((e) => ({ line: e.line, factor: e.factor, reason: e.reason })),
      })),
      findings: r.findings.map((f) => ({ rule: f.rule, severity: f.severity, line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn, message: f.message })),
    })),
  };
}

export function toText(reports: FileReport[], color: boolean): string {
  const c = (code: string, s: string) => (color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const lines: string[] = [];
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0, hint: 0 };
  for (const r of reports) {
    if (r.analysis.notice) lines.push(`${c('4', r.path)}\n  ${c('36', 'note')}  ${r.analysis.notice}\n`);
    if (!r.findings.length) continue;
    lines.push(c('4', r.path));
    const rows = r.findings.map((f) => [`${f.line}:${f.column}`, f.severity, f.message, f.rule]);
    const w0 = Math.max(...rows.map((x) => x[0].length));
    const w1 = Math.max(...rows.map((x) => x[1].length));
    for (const f of r.findings) counts[f.severity]++;
    for (const [pos, sev, msg, rule] of rows) {
      const sevColored = sev === 'error' ? c('31', sev.padEnd(w1)) : sev === 'warning' ? c('33', sev.padEnd(w1)) : c('36', sev.padEnd(w1));
      lines.push(`  ${c('2', pos.padStart(w0))}  ${sevColored}  ${msg}  ${c('2', rule)}`);
    }
    lines.push('');
  }
  const total = counts.error + counts.warning + counts.info + counts.hint;
  const fnCount = reports.reduce((n, r) => n + r.analysis.summaries.length, 0);
  if (total) lines.push(c(counts.error ? '31;1' : counts.warning ? '33;1' : '36;1', `✖ ${total} problem${total === 1 ? '' : 's'} (${counts.error} error${counts.error === 1 ? '' : 's'}, ${counts.warning} warning${counts.warning === 1 ? '' : 's'}, ${counts.info + counts.hint} info)`));
  else lines.push(c('32', `✔ no problems`));
  lines.push(c('2', `${reports.length} file${reports.length === 1 ? '' : 's'}, ${fnCount} function${fnCount === 1 ? '' : 's'} analysed`));
  return lines.join('\n') + '\n';
}

export function toMarkdown(reports: FileReport[]): string {
  const out = ['# PerfLens report', ''];
  const findings = reports.flatMap((r) => r.findings.map((f) => ({ path: r.path, f })));
  out.push(`${reports.length} files, ${findings.length} findings.`, '');
  if (findings.length) {
    out.push('| file | line | severity | rule | message |', '|---|---:|---|---|---|');
    for (const { path: p, f } of findings) out.push(`| ${p} | ${f.line} | ${f.severity} | ${f.rule} | ${f.message.replace(/\|/g, '\\|')} |`);
    out.push('');
  }
  out.push('## Functions', '', '| file | function | line | estimate | confidence |', '|---|---|---:|---|---|');
  for (const r of reports) for (const s of r.analysis.summaries) out.push(`| ${r.path} | \`${s.qualifiedName}\` | ${s.line} | ${s.complexity} | ${s.confidence} |`);
  return out.join('\n') + '\n';
}

export function toSarif(reports: FileReport[]): unknown {
  const level = (s: Severity) => (s === 'error' ? 'error' : s === 'warning' ? 'warning' : 'note');
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'PerfLens', version: '0.1.0', rules: rules.map((r) => ({ id: r.id, shortDescription: { text: r.meta.description }, defaultConfiguration: { level: level(r.meta.defaultSeverity) } })) } },
        results: reports.flatMap((r) =>
          r.findings.map((f) => ({
            ruleId: f.rule,
            level: level(f.severity),
            message: { text: f.message },
            locations: [{ physicalLocation: { artifactLocation: { uri: r.path }, region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn } } }],
          })),
        ),
      },
    ],
  };
}

export function run(argv: string[], cwd: string, out: (s: string) => void, err: (s: string) => void, color = false): number {
  if (argv[0] === 'profile') return runProfile(argv.slice(1), cwd, out, err);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      if (e.message) err(`perflens: ${e.message}\n`);
      else out(USAGE + '\n');
      return e.message ? 2 : 0;
    }
    throw e;
  }
  const { options } = parsed;
  let reports: FileReport[];
  try {
    reports = analyzePaths(options, cwd);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`perflens: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (options.format !== 'text') for (const r of reports) if (r.analysis.notice) err(`perflens: ${r.path}: ${r.analysis.notice}\n`);
  if (options.format === 'json') out(JSON.stringify(toJson(reports)) + '\n');
  else if (options.format === 'sarif') out(JSON.stringify(toSarif(reports), null, 2) + '\n');
  else if (options.format === 'markdown') out(toMarkdown(reports));
  else out(toText(reports, color));
  if (options.failOn === 'never') return 0;
  const threshold = SEVERITY_RANK[options.failOn];
  return reports.some((r) => r.findings.some((f) => SEVERITY_RANK[f.severity] >= threshold)) ? 1 : 0;
}

if (require.main === module) {
  try {
    process.exitCode = run(process.argv.slice(2), process.cwd(), (s) => process.stdout.write(s), (s) => process.stderr.write(s), !!process.stdout.isTTY && !process.env.NO_COLOR);
  } catch (e) {
    process.stderr.write(`perflens: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exitCode = 2;
  }
}
