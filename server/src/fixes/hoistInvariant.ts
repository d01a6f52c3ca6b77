// Quick fix for invariant-in-loop: compute the value once, before the loop, into a const.
// Declined where sharing one value would change behaviour: a global/sticky RegExp used with
// `test`/`exec` (its lastIndex carries over), a parsed object that the loop changes or hands out.
import { ts } from '../ts';
import type { ts as TS } from 'ts-morph';
import type { Fix, TextEditSpan } from '../analysis/types';
import { enclosingStatement, freshName, indentAt, isAssignmentOperator, rootIdentifier, unwrap, valueParent } from '../analysis/syntax';

export type InvariantKind = 'regexp' | 'json-parse' | 'json-stringify' | 'intl';
export type HoistResult = { fix: Fix } | { reason: string };

const INTL = new Set(['NumberFormat', 'DateTimeFormat', 'Collator', 'PluralRules', 'RelativeTimeFormat', 'ListFormat', 'Segmenter', 'DisplayNames', 'Locale', 'DurationFormat']);

/** What kind of invariant-candidate `n` is, if any. */
export function invariantKind(n: TS.Node): InvariantKind | undefined {
  if (ts.isNewExpression(n) || ts.isCallExpression(n)) {
    const e = unwrap(n.expression);
    if (ts.isIdentifier(e) && e.text === 'RegExp') return 'regexp';
    if (ts.isNewExpression(n) && ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'Intl' && INTL.has(e.name.text)) return 'intl';
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'JSON') {
      if (e.name.text === 'parse') return 'json-parse';
      if (e.name.text === 'stringify') return 'json-stringify';
    }
  }
  return undefined;
}

/** String methods that reset or copy a RegExp's lastIndex, so sharing a /g or /y RegExp is safe there. */
const STATELESS_USES = new Set(['replace', 'replaceAll', 'match', 'matchAll', 'split', 'search']);

function flagsOf(n: TS.CallExpression | TS.NewExpression): string | undefined {
  const args = n.arguments ?? [];
  if (args.length < 2) {
    const first = args[0] && unwrap(args[0]);
    if (!first) return '';
    if (ts.isStringLiteralLike(first) || ts.isTemplateExpression(first) || ts.isBinaryExpression(first)) return '';
    if (ts.isRegularExpressionLiteral(first)) return first.text.slice(first.text.lastIndexOf('/') + 1);
    return undefined; // `new RegExp(other)` copies other's flags: unknown
  }
  const f = unwrap(args[1]);
  return ts.isStringLiteralLike(f) ? f.text : undefined;
}

/** Every use of the value: as the argument of a string method that does not keep state. */
function usedStatelessly(expr: TS.Node, body: TS.Node): boolean {
  const uses: TS.Node[] = [];
  const { parent, child } = valueParent(expr);
  if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) {
    const name = parent.name.text;
    const visit = (n: TS.Node): void => {
      if (ts.isIdentifier(n) && n.text === name && n !== parent.name && !(ts.isPropertyAccessExpression(n.parent) && n.parent.name === n)) uses.push(n);
      n.forEachChild(visit);
    };
    visit(body);
  } else uses.push(child);
  return uses.every((u) => {
    const { parent: p, child: c } = valueParent(u);
    return !!p && ts.isCallExpression(p) && p.arguments[0] === c && ts.isPropertyAccessExpression(p.expression) && STATELESS_USES.has(p.expression.name.text);
  });
}

/** Is the parsed object only read (property reads, comparisons), never changed or handed out? */
function onlyRead(expr: TS.Node, body: TS.Node): boolean {
  const readUse = (u: TS.Node): boolean => {
    const { parent: p, child: c } = valueParent(u);
    if (!p) return false;
    if (ts.isPropertyAccessExpression(p) || ts.isElementAccessExpression(p)) {
      if (p.expression !== c) return false;
      // `parsed.a.b` read, `parsed.a = x` or `parsed.a.push(...)` not.
      let top: TS.Node = p;
      while (top.parent && (ts.isPropertyAccessExpression(top.parent) || ts.isElementAccessExpression(top.parent)) && (top.parent as TS.PropertyAccessExpression).expression === top) top = top.parent;
      const tp = top.parent;
      if (tp && ts.isBinaryExpression(tp) && isAssignmentOperator(tp.operatorToken.kind) && tp.left === top) return false;
      if (tp && (ts.isPrefixUnaryExpression(tp) || ts.isPostfixUnaryExpression(tp) || ts.isDeleteExpression(tp))) return false;
      if (tp && ts.isCallExpression(tp) && tp.expression === top) {
        // A method call on a nested value could change it; allow well-known read-only ones.
        const m = ts.isPropertyAccessExpression(top) ? top.name.text : '';
        return /^(includes|indexOf|has|get|toString|toFixed|startsWith|endsWith|some|every|find|filter|map|slice|join|keys|values|entries|test|at|charAt|localeCompare|trim|toLowerCase|toUpperCase)$/.test(m);
      }
      // The nested value itself must not escape either (it could be changed through the alias).
      if (tp && (ts.isCallExpression(tp) || ts.isReturnStatement(tp) || ts.isVariableDeclaration(tp) || ts.isArrayLiteralExpression(tp) || ts.isPropertyAssignment(tp) || ts.isShorthandPropertyAssignment(tp) || ts.isSpreadElement(tp))) {
        return isPrimitiveRead(top);
      }
      return true;
    }
    if (ts.isBinaryExpression(p) && [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken, ts.SyntaxKind.EqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsToken].includes(p.operatorToken.kind)) return true;
    return false;
  };
  const { parent, child } = valueParent(expr);
  if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name)) {
    const name = parent.name.text;
    const uses: TS.Node[] = [];
    const visit = (n: TS.Node): void => {
      if (ts.isIdentifier(n) && n.text === name && n !== parent.name && !(ts.isPropertyAccessExpression(n.parent) && n.parent.name === n)) uses.push(n);
      n.forEachChild(visit);
    };
    visit(body);
    return uses.every(readUse);
  }
  return readUse(child);
}

/** Reads that end in a primitive (`cfg.limit` where limit is a number) are values, not aliases. */
function isPrimitiveRead(_n: TS.Node): boolean {
  return false;
}

function nameFor(kind: InvariantKind, n: TS.CallExpression | TS.NewExpression, sf: TS.SourceFile): string[] {
  const decl = valueParent(n).parent;
  const own = decl && ts.isVariableDeclaration(decl) && ts.isIdentifier(decl.name) ? decl.name.text : undefined;
  const arg0 = n.arguments?.[0] ? rootIdentifier(n.arguments[0]) : undefined;
  const names: string[] = [];
  if (own) names.push(own);
  switch (kind) {
    case 'regexp':
      if (arg0) names.push(`${arg0.text}Pattern`);
      names.push('pattern');
      break;
    case 'json-parse':
      if (arg0) names.push(`parsed${arg0.text.charAt(0).toUpperCase()}${arg0.text.slice(1)}`);
      names.push('parsed');
      break;
    case 'json-stringify':
      if (arg0) names.push(`${arg0.text}Json`);
      names.push('json');
      break;
    case 'intl': {
      const cls = ((unwrap(n.expression) as TS.PropertyAccessExpression).name.text);
      names.push(cls.charAt(0).toLowerCase() + cls.slice(1));
      break;
    }
  }
  void sf;
  return names;
}

export function hoistInvariantFix(
  n: TS.CallExpression | TS.NewExpression,
  kind: InvariantKind,
  item: { kind: string; node: TS.Node; body: TS.Node },
  sf: TS.SourceFile,
  _getChecker: () => TS.TypeChecker | undefined,
): HoistResult {
  if (kind === 'regexp') {
    const flags = flagsOf(n);
    if (flags === undefined) return { reason: 'the RegExp flags are not known' };
    if (/[gy]/.test(flags) && !usedStatelessly(n, item.body)) return { reason: `a /${flags} RegExp keeps \`lastIndex\` between \`test\`/\`exec\` calls, so one shared RegExp would behave differently` };
  }
  if (kind === 'json-parse' && !onlyRead(n, item.body)) return { reason: 'each iteration gets a fresh object that the loop may change or hand out; a shared one would alias them' };
  const anchor = item.kind === 'loop' ? (ts.isLabeledStatement(item.node.parent) ? item.node.parent : item.node) : enclosingStatement(item.node);
  if (!anchor || !anchor.parent || !(ts.isBlock(anchor.parent) || ts.isSourceFile(anchor.parent) || ts.isCaseClause(anchor.parent) || ts.isDefaultClause(anchor.parent))) return { reason: 'the loop is not a statement of a block' };

  // `const re = new RegExp(...)` inside the loop: move the whole declaration out; else introduce a const.
  const { parent } = valueParent(n);
  const edits: TextEditSpan[] = [];
  const indent = indentAt(sf.text, anchor.getStart(sf));
  const anchorStart = anchor.getStart(sf);
  const exprText = n.getText(sf);
  if (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name) && ts.isVariableDeclarationList(parent.parent) && parent.parent.declarations.length === 1 && (parent.parent.flags & ts.NodeFlags.Const) && ts.isVariableStatement(parent.parent.parent)) {
    const stmt = parent.parent.parent;
    // The name must be free in the enclosing block (it would now be declared there).
    const name = parent.name.text;
    const clash = (() => {
      const block = anchor.parent;
      for (const st of (block as TS.Block).statements ?? []) {
        if (st === anchor) continue;
        let hit = false;
        const visit = (c: TS.Node): void => {
          if (hit) return;
          if (ts.isIdentifier(c) && c.text === name) hit = true;
          c.forEachChild(visit);
        };
        visit(st);
        if (hit) return true;
      }
      return false;
    })();
    if (!clash) {
      const lineStart = sf.text.lastIndexOf('\n', stmt.getStart(sf) - 1) + 1;
      const lineEnd = sf.text.indexOf('\n', stmt.getEnd());
      const wholeLine = /^[ \t]*$/.test(sf.text.slice(lineStart, stmt.getStart(sf))) && /^[ \t]*$/.test(sf.text.slice(stmt.getEnd(), lineEnd === -1 ? undefined : lineEnd));
      edits.push({ span: { start: anchorStart, end: anchorStart }, newText: `${stmt.getText(sf)}\n${indent}` });
      edits.push(wholeLine ? { span: { start: lineStart, end: lineEnd === -1 ? sf.text.length : lineEnd + 1 }, newText: '' } : { span: { start: stmt.getStart(sf), end: stmt.getEnd() }, newText: '' });
      return { fix: { title: `Move \`${name}\` out of the loop (built once)`, edits, isPreferred: true } };
    }
  }
  const name = freshName(nameFor(kind, n, sf).filter((x) => x !== (parent && ts.isVariableDeclaration(parent) && ts.isIdentifier(parent.name) ? parent.name.text : '')), sf, new Set());
  edits.push({ span: { start: anchorStart, end: anchorStart }, newText: `const ${name} = ${exprText};\n${indent}` });
  edits.push({ span: { start: n.getStart(sf), end: n.getEnd() }, newText: name });
  return { fix: { title: `Hoist \`${exprText.length > 40 ? exprText.slice(0, 39) + '…' : exprText}\` out of the loop`, edits, isPreferred: true } };
}
