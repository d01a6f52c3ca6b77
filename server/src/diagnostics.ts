// Finding -> LSP Diagnostic, in one place.
import { Diagnostic, DiagnosticSeverity, type Location, type Range } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Finding, Severity, Span } from './analysis/types';

export const SOURCE = 'perflens';

export function toRange(doc: TextDocument, span: Span): Range {
  return { start: doc.positionAt(span.start), end: doc.positionAt(span.end) };
}

const severities: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** Locates a span in another file (related information across files). */
export type Locator = (fileName: string, span: Span) => Location | undefined;

export function toDiagnostic(doc: TextDocument, f: Finding, locate: Locator): Diagnostic {
  const d = Diagnostic.create(toRange(doc, f.span), f.message, severities[f.severity], f.rule, SOURCE);
  const related = (f.related ?? []).flatMap((r) => {
    const location = r.fileName ? locate(r.fileName, r.span) : { uri: doc.uri, range: toRange(doc, r.span) };
    return location ? [{ location, message: r.message }] : [];
  });
  if (related.length) d.relatedInformation = related;
  d.data = { rule: f.rule, start: f.span.start, end: f.span.end };
  return d;
}
