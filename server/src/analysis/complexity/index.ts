// TEMPORARY STUB (owner: complexity engine work): counts nested loops and array callbacks.
import { ts } from 'ts-morph';
import type { FunctionSummary, Evidence } from '../types';
import { formatCost, poly } from '../cost';

export interface ComplexityOptions {
  getChecker?: () => ts.TypeChecker | undefined;
}

const ITERATING_METHODS = new Set(['forEach', 'map', 'filter', 'reduce', 'some', 'every', 'find', 'findIndex', 'flatMap', 'includes', 'indexOf']);

export function isFunctionLike(node: ts.Node): node is ts.FunctionLikeDeclaration {
  return ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node) || ts.isArrowFunction(node) || ts.isFunctionExpression(node) || ts.isConstructorDeclaration(node) || ts.isGetAccessorDeclaration(node) || ts.isSetAccessorDeclaration(node);
}

export function functionName(node: ts.FunctionLikeDeclaration): string {
  if (node.name && (ts.isIdentifier(node.name) || ts.isPrivateIdentifier(node.name) || ts.isStringLiteral(node.name))) return node.name.text;
  if (ts.isConstructorDeclaration(node)) return 'constructor';
  const p = node.parent;
  if (p && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  if (p && ts.isPropertyAssignment(p) && ts.isIdentifier(p.name)) return p.name.text;
  if (p && ts.isPropertyDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  return ts.isArrowFunction(node) ? '<arrow>' : '<anonymous>';
}

export function analyzeFunctions(sf: ts.SourceFile, _opts: ComplexityOptions = {}): FunctionSummary[] {
  const out: FunctionSummary[] = [];
  const seen = new Map<string, number>();
  const lineOf = (pos: number) => sf.getLineAndCharacterOfPosition(pos).line + 1;
  const visitFn = (fn: ts.FunctionLikeDeclaration, owner: string | undefined) => {
    const name = functionName(fn);
    const qualifiedName = owner ? `${owner}.${name}` : name;
    const ordinal = seen.get(qualifiedName) ?? 0;
    seen.set(qualifiedName, ordinal + 1);
    let maxDepth = 0;
    const evidence: Evidence[] = [];
    const walk = (node: ts.Node, depth: number) => {
      if (node !== fn && isFunctionLike(node) && !(ts.isCallExpression(node.parent) && node.parent.arguments.includes(node as ts.Expression))) return;
      let d = depth;
      if (ts.isForStatement(node) || ts.isForOfStatement(node) || ts.isForInStatement(node) || ts.isWhileStatement(node) || ts.isDoStatement(node)) {
        d++;
        evidence.push({ span: { start: node.getStart(sf), end: node.end }, line: lineOf(node.getStart(sf)), factor: 'n', reason: 'loop' });
      } else if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression) && ITERATING_METHODS.has(node.expression.name.text)) {
        d++;
        evidence.push({ span: { start: node.getStart(sf), end: node.end }, line: lineOf(node.getStart(sf)), factor: 'n', reason: `.${node.expression.name.text}()` });
      }
      maxDepth = Math.max(maxDepth, d);
      ts.forEachChild(node, (c) => walk(c, d));
    };
    if (fn.body) walk(fn.body, 0);
    const cost = poly(maxDepth);
    const start = fn.getStart(sf);
    out.push({
      key: `${qualifiedName}#${ordinal}`,
      name,
      qualifiedName,
      span: { start, end: fn.end },
      headerSpan: { start, end: fn.name ? fn.name.end : start },
      line: lineOf(start),
      endLine: lineOf(fn.end),
      cost,
      complexity: formatCost(cost),
      display: formatCost(cost, 'unicode'),
      variables: maxDepth ? { n: 'input size' } : {},
      confidence: 'low',
      evidence,
    });
  };
  const visit = (node: ts.Node, owner: string | undefined) => {
    if (isFunctionLike(node)) {
      visitFn(node, owner);
      const name = functionName(node);
      ts.forEachChild(node, (c) => visit(c, owner ? `${owner}.${name}` : name));
      return;
    }
    if (ts.isClassDeclaration(node) || ts.isClassExpression(node)) {
      const cname = node.name?.text ?? '<class>';
      ts.forEachChild(node, (c) => visit(c, owner ? `${owner}.${cname}` : cname));
      return;
    }
    ts.forEachChild(node, (c) => visit(c, owner));
  };
  visit(sf, undefined);
  return out;
}
