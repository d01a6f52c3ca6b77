// Fixes as code actions, tied to the document version they were computed for.
import { CodeAction, CodeActionKind, type Diagnostic, TextDocumentEdit, type WorkspaceEdit } from 'vscode-languageserver/node';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ts } from 'ts-morph';
import type { FileAnalysis, Finding, Fix } from './analysis/types';
import { SOURCE, toRange } from './diagnostics';
import { disableFix, ensureFixes } from './engine';

function toEdit(doc: TextDocument, fix: Fix): WorkspaceEdit {
  // The version pins the edit: VS Code refuses it if the document changed since.
  return {
    documentChanges: [
      TextDocumentEdit.create({ uri: doc.uri, version: doc.version }, fix.edits.map((e) => ({ range: toRange(doc, e.span), newText: e.newText }))),
    ],
  };
}

function sameRange(doc: TextDocument, f: Finding, d: Diagnostic): boolean {
  const r = toRange(doc, f.span);
  return r.start.line === d.range.start.line && r.start.character === d.range.start.character && r.end.line === d.range.end.line && r.end.character === d.range.end.character;
}

export function codeActions(doc: TextDocument, sf: ts.SourceFile, analysis: FileAnalysis, diagnostics: Diagnostic[]): CodeAction[] {
  const actions: CodeAction[] = [];
  for (const d of diagnostics) {
    if (d.source !== SOURCE) continue;
    const finding = analysis.findings.find((f) => f.rule === d.code && sameRange(doc, f, d));
    if (!finding) continue;
    ensureFixes(finding);
    for (const fix of finding.fixes ?? []) {
      const a = CodeAction.create(fix.title, toEdit(doc, fix), CodeActionKind.QuickFix);
      a.diagnostics = [d];
      a.isPreferred = fix.isPreferred;
      actions.push(a);
    }
    if (finding.noFixReason && !finding.fixes?.length) {
      const a = CodeAction.create(`Fix ${finding.rule} (no safe fix)`, CodeActionKind.QuickFix);
      a.disabled = { reason: finding.noFixReason };
      a.diagnostics = [d];
      actions.push(a);
    }
    const off = CodeAction.create(disableFix(sf, finding).title, toEdit(doc, disableFix(sf, finding)), CodeActionKind.QuickFix);
    off.diagnostics = [d];
    actions.push(off);
  }
  return actions;
}
