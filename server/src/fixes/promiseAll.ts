// Quick fix: a sequential `await` loop becomes `Promise.all(items.map(async (item) => …))`,
// offered only when the iterations are provably independent. Otherwise it says why not.
import { ts } from '../ts';
import type { ts as TS } from 'ts-morph';
import type { Fix } from '../analysis/types';
import { isFunctionBoundary, isLoop } from '../analysis/syntax';

export type PromiseAllResult = { fix: Fix } | { reason: string };

const MUTATORS = new Set(['push', 'pop', 'shift', 'unshift', 'splice', 'set', 'add', 'delete', 'clear', 'sort', 'reverse', 'fill', 'copyWithin', 'assign', 'append', 'write']);

function declaredNames(node: TS.Node, into: Set<string>): void {
  const addBinding = (name: TS.BindingName) => {
    if (ts.isIdentifier(name)) into.add(name.text);
    else for (const el of name.elements) if (!ts.isOmittedExpression(el)) addBinding(el.name);
  };
  const stack: TS.Node[] = [node];
  while (stack.length) {
    const n = stack.pop()!;
    if (ts.isVariableDeclaration(n) || ts.isParameter(n) || ts.isBindingElement(n)) addBinding(n.name);
    else if ((ts.isFunctionDeclaration(n) || ts.isClassDeclaration(n)) && n.name) into.add(n.name.text);
    else if (ts.isCatchClause(n) && n.variableDeclaration) addBinding(n.variableDeclaration.name);
    n.forEachChild((c) => {
      stack.push(c);
    });
  }
}

/** `res.json()` on a response fetched in this iteration: per-iteration data, not shared state. */
function isInnerValue(expr: TS.Expression, inner: Set<string>): boolean {
  let cur: TS.Expression = expr;
  for (let guard = 0; guard < 32; guard++) {
    if (ts.isCallExpression(cur) || ts.isPropertyAccessExpression(cur) || ts.isElementAccessExpression(cur) || ts.isParenthesizedExpression(cur) || ts.isNonNullExpression(cur)) cur = cur.expression;
    else break;
  }
  return ts.isIdentifier(cur) && inner.has(cur.text) && cur !== expr;
}

function rootIdentifier(expr: TS.Expression): TS.Identifier | undefined {
  let cur = expr;
  while (ts.isPropertyAccessExpression(cur) || ts.isElementAccessExpression(cur) || ts.isNonNullExpression(cur) || ts.isParenthesizedExpression(cur)) cur = cur.expression;
  return ts.isIdentifier(cur) ? cur : undefined;
}

function isAssignmentOperator(kind: TS.SyntaxKind): boolean {
  return kind >= ts.SyntaxKind.FirstAssignment && kind <= ts.SyntaxKind.LastAssignment;
}

/** Is `name` a local `[]`-initialised array of the enclosing function, declared before `loop`? */
function isLocalEmptyArray(name: string, loop: TS.Node): boolean {
  let scope: TS.Node | undefined = loop.parent;
  while (scope && !isFunctionBoundary(scope) && !ts.isSourceFile(scope)) scope = scope.parent;
  if (!scope) return false;
  let found = false;
  const visit = (n: TS.Node): void => {
    if (found || n.pos >= loop.pos) return;
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.name.text === name && n.initializer && ts.isArrayLiteralExpression(n.initializer) && n.initializer.elements.length === 0) {
      found = true;
      return;
    }
    if (n !== scope && isFunctionBoundary(n)) return;
    n.forEachChild(visit);
  };
  scope.forEachChild(visit);
  return found;
}

export interface PromiseAllOptions {
  /** Whether every query awaited in the loop only reads (concurrent reads keep behaviour). */
  queriesReadOnly: boolean;
  checker?: TS.TypeChecker;
  /**
   * Checks one awaited expression of the loop body: undefined when it is a read that may run
   * concurrently with the others, else why not (a write, a sleep, an unknown side effect).
   */
  checkAwaited?: (awaited: TS.Expression) => string | undefined;
}

/** `await sleep(100)`, `await new Promise((r) => setTimeout(r, 50))`: the loop paces itself on purpose. */
function isPacing(expr: TS.Expression): boolean {
  const e = expr;
  if (ts.isCallExpression(e)) {
    const callee = e.expression;
    const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
    if (/^(sleep|delay|wait|pause|throttle|rateLimit|setTimeout|timeout)$/i.test(name)) return true;
  }
  if (ts.isNewExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'Promise') return /setTimeout|setImmediate/.test(e.getText());
  return false;
}

export function promiseAllFix(loop: TS.Node, sf: TS.SourceFile, options: PromiseAllOptions): PromiseAllResult {
  if (!ts.isForOfStatement(loop)) return { reason: 'only for-of loops are rewritten to Promise.all' };
  if (loop.awaitModifier) return { reason: '`for await` consumes an async iterator in order' };
  if (ts.isLabeledStatement(loop.parent)) return { reason: 'the loop is labelled' };
  if (!options.queriesReadOnly) return { reason: 'the loop writes data; running the writes concurrently could change their order' };
  const init = loop.initializer;
  if (!ts.isVariableDeclarationList(init) || init.declarations.length !== 1) return { reason: 'the loop variable is not a fresh declaration' };
  if (!(init.flags & (ts.NodeFlags.Const | ts.NodeFlags.Let))) return { reason: 'the loop variable is declared with `var`' };
  const binding = init.declarations[0].name;

  const inner = new Set<string>();
  declaredNames(loop.statement, inner);
  declaredNames(init, inner);

  const statements = ts.isBlock(loop.statement) ? [...loop.statement.statements] : [loop.statement];
  let pushTarget: { stmt: TS.Statement; arg: TS.Expression; name: string; receiver: TS.Identifier } | undefined;
  const last = statements[statements.length - 1];
  if (last && ts.isExpressionStatement(last) && ts.isCallExpression(last.expression)) {
    const call = last.expression;
    if (ts.isPropertyAccessExpression(call.expression) && call.expression.name.text === 'push' && ts.isIdentifier(call.expression.expression) && call.arguments.length === 1 && !ts.isSpreadElement(call.arguments[0])) {
      const name = call.expression.expression.text;
      if (!inner.has(name) && isLocalEmptyArray(name, loop)) pushTarget = { stmt: last, arg: call.arguments[0], name, receiver: call.expression.expression };
    }
  }

  if (pushTarget) {
    const target = pushTarget;
    let otherUse = false;
    const scan = (n: TS.Node): void => {
      if (otherUse) return;
      if (ts.isIdentifier(n) && n.text === target.name && n !== target.receiver) otherUse = true;
      n.forEachChild(scan);
    };
    scan(loop.statement);
    if (otherUse) pushTarget = undefined;
  }
  for (let p: TS.Node | undefined = loop.parent; p && !isFunctionBoundary(p); p = p.parent) {
    if (ts.isTryStatement(p) && pushTarget) return { reason: 'the loop is inside `try`: after an error the collected results would differ' };
  }

  let reason: string | undefined;
  let awaits = 0;
  const continues: TS.ContinueStatement[] = [];
  const visit = (n: TS.Node, depthInLoops: number, inFunction: boolean): void => {
    if (reason) return;
    if (pushTarget && n === pushTarget.stmt) {
      // The collected result: visit only its argument.
      visit(pushTarget.arg, depthInLoops, inFunction);
      return;
    }
    if (!inFunction) {
      if (ts.isReturnStatement(n)) reason = 'a `return` inside the loop stops it early';
      else if (ts.isContinueStatement(n) && !n.label && depthInLoops === 0 && !pushTarget) continues.push(n);
      else if (ts.isContinueStatement(n) && !n.label && depthInLoops === 0) reason = '`continue` skips collecting a result';
      else if ((ts.isBreakStatement(n) || ts.isContinueStatement(n)) && (n.label || depthInLoops === 0)) reason = '`break` stops the loop early';
      else if (ts.isYieldExpression(n)) reason = 'the loop yields';
      else if (ts.isAwaitExpression(n)) {
        awaits++;
        let e: TS.Expression = n.expression;
        while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e)) e = e.expression;
        if (isPacing(e)) reason = `it waits between iterations (\`${e.getText(sf).slice(0, 40)}\`), which looks deliberate`;
        else if (options.checkAwaited && !isInnerValue(e, inner)) {
          const why = options.checkAwaited(e);
          if (why) reason = why;
        }
      }
      else if (ts.isVariableDeclarationList(n) && !(n.flags & (ts.NodeFlags.Const | ts.NodeFlags.Let))) reason = 'a `var` declaration leaks out of the iteration';
    }
    if ((ts.isBinaryExpression(n) && isAssignmentOperator(n.operatorToken.kind)) || ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) && (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken))) {
      const target = ts.isBinaryExpression(n) ? n.left : n.operand;
      const root = rootIdentifier(target as TS.Expression);
      if (!root || !inner.has(root.text)) {
        reason = `it writes \`${(root ?? target).getText(sf)}\`, which later iterations may read`;
        return;
      }
    }
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && MUTATORS.has(n.expression.name.text)) {
      const root = rootIdentifier(n.expression.expression);
      if (!root || !inner.has(root.text)) {
        reason = `it changes \`${n.expression.expression.getText(sf)}\` (${n.expression.name.text}), which later iterations may read`;
        return;
      }
    }
    const nowInLoop = isLoop(n) || ts.isSwitchStatement(n) ? depthInLoops + 1 : depthInLoops;
    const nowInFunction = inFunction || isFunctionBoundary(n);
    n.forEachChild((c) => visit(c, n === loop.statement ? depthInLoops : nowInLoop, nowInFunction));
  };
  for (const s of statements) visit(s, 0, false);
  if (reason) return { reason };
  if (!awaits) return { reason: 'nothing is awaited in the loop' };

  // Build the replacement. The callback body keeps the loop body's indentation and comments.
  const text = sf.text;
  const lineStart = text.lastIndexOf('\n', loop.getStart(sf) - 1) + 1;
  const indent = /^[ \t]*/.exec(text.slice(lineStart))![0];
  const unit = indent.includes('\t') ? '\t' : '  ';
  let bodyText: string;
  /** Loop-body text with `continue;` turned into `return;` (the callback's way to skip the rest). */
  const sliceWithContinues = (from: number, to: number): string => {
    let out = '';
    let at = from;
    for (const c of continues.filter((c) => c.getStart(sf) >= from && c.getEnd() <= to).sort((a, b) => a.pos - b.pos)) {
      out += text.slice(at, c.getStart(sf)) + 'return;';
      at = c.getEnd();
    }
    return out + text.slice(at, to);
  };
  if (ts.isBlock(loop.statement)) {
    const open = loop.statement.getStart(sf) + 1;
    const close = loop.statement.getEnd() - 1;
    if (pushTarget) {
      const s = pushTarget.stmt;
      bodyText = sliceWithContinues(open, s.getStart(sf)) + `return ${pushTarget.arg.getText(sf)};` + sliceWithContinues(s.getEnd(), close);
    } else bodyText = sliceWithContinues(open, close);
  } else {
    const stmtText = pushTarget ? `return ${pushTarget.arg.getText(sf)};` : loop.statement.getText(sf);
    bodyText = `\n${indent}${unit}${stmtText}\n${indent}`;
  }
  const collection = loop.expression.getText(sf);
  const isArray = (() => {
    if (ts.isArrayLiteralExpression(loop.expression)) return true;
    const checker = options.checker;
    if (!checker) return false;
    try {
      const t = checker.getTypeAtLocation(loop.expression);
      return checker.isArrayType(t) || checker.isTupleType(t);
    } catch {
      return false;
    }
  })();
  const needsParens = !(ts.isIdentifier(loop.expression) || ts.isPropertyAccessExpression(loop.expression) || ts.isCallExpression(loop.expression) || ts.isElementAccessExpression(loop.expression));
  const fn = `async (${binding.getText(sf)}) => {${bodyText}}`;
  const mapped = isArray ? `${needsParens ? `(${collection})` : collection}.map(${fn})` : `Array.from(${collection}, ${fn})`;
  const all = `await Promise.all(${mapped})`;
  const replacement = pushTarget ? `${pushTarget.name}.push(...(${all}));` : `${all};`;
  return {
    fix: {
      title: 'Run the iterations concurrently with Promise.all',
      edits: [{ span: { start: loop.getStart(sf), end: loop.getEnd() }, newText: replacement }],
      isPreferred: true,
    },
  };
}
