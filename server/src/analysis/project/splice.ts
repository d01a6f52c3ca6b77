// Function-granular reparsing. An edit inside one function body (the common keystroke) re-parses
// only that body (an edit in a method's header or JSDoc, outside any body: only that class
// member), splices it into the tree and moves what follows by the length difference:
// the result is the tree a full parse of the new text gives, at a cost proportional to the
// function plus one pass that shifts the nodes after it (ts.updateSourceFile also re-scans the
// whole file's structure through its syntax cursor, several times this cost on a large file).
//
// When the two parses could differ, the splice declines and the caller falls back to
// ts.updateSourceFile:
//   - a parse error at the function outside its body's braces, in the old tree or the new body
//     (errors elsewhere are kept, those after the function moved). A body with errors inside its
//     braces is re-parsed inside wrappers that open the lists enclosing it (error recovery ends a
//     body early at a token of an enclosing list: see enclosingLists), and taken only if its
//     errors stay inside its braces; its errors replace the old body's. Not for a body inside
//     other lists (JSX, binding patterns...), or a file whose errors are not in position order;
//   - the edit touches the body's braces, or the re-parsed text is not exactly one block ending
//     where the old one ended (moved by the length difference);
//   - the block was parsed in a different parser context (yield/await, `in` allowed or not,
//     decorator, ambient, `with`, JS): compared through the context flags TypeScript records on
//     every node;
//   - the new body holds `import.meta` or `import(`, or the old one may have (they mark the whole
//     file: left to the parser); either tree has malformed JSDoc (reported apart from parse errors).
//
// Kept up to date besides the nodes: the text, line starts (by the caller), `// @ts-ignore` and
// `// @ts-expect-error` positions, the external-module indicator, the parse errors (and the
// error mark on the body, see below). Not kept: what only binding and emitting use
// (`identifiers`, node counts, transformFlags above the body). Spliced trees are for
// syntax-level analysis; types come from ts-morph's own program (see correspondingNode).
//
// Like the incremental parser, the splice gives new objects to every node on the path from the
// file to the body (the SourceFile included) and keeps the other nodes, moved in place. Caches
// keyed on node identity therefore see a changed function or file as a new one, exactly as
// after ts.updateSourceFile; the old tree must not be used any more.
import { ts } from '../../ts';
import type { ts as TS } from 'ts-morph';
import { setParents } from './parents';
import { treeOrder, type OrderEntry, type TreeOrder } from './treeOrder';

type Mutable = { -readonly [K in keyof TS.Node]: TS.Node[K] } & Record<string, unknown>;
type MutableArray = TS.NodeArray<TS.Node> & { pos: number; end: number };

const F = ts.NodeFlags as unknown as Record<string, number>;
const CONTEXT_FLAGS = F.ContextFlags;
const AGGREGATED = F.HasAggregatedChildData | F.ThisNodeOrAnySubNodesHasError;
const FILE_MARKS = F.PossiblyContainsDynamicImport | F.PossiblyContainsImportMeta;
const THIS_NODE_HAS_ERROR = F.ThisNodeHasError;

interface FunctionBody {
  fn: TS.FunctionLikeDeclaration;
  /** The node re-parsed: the function's body, or (`member`) the whole class member `fn`. */
  body: TS.Block;
  /** From the SourceFile down to the body's function (inclusive), or to the member's class. */
  path: TS.Node[];
  member?: boolean;
}

function isFunctionWithBlock(n: TS.Node): n is TS.FunctionLikeDeclaration & { body: TS.Block } {
  switch (n.kind) {
    case ts.SyntaxKind.FunctionDeclaration:
    case ts.SyntaxKind.FunctionExpression:
    case ts.SyntaxKind.ArrowFunction:
    case ts.SyntaxKind.MethodDeclaration:
    case ts.SyntaxKind.Constructor:
    case ts.SyntaxKind.GetAccessor:
    case ts.SyntaxKind.SetAccessor: {
      const body = (n as TS.FunctionLikeDeclaration).body;
      return !!body && body.kind === ts.SyntaxKind.Block;
    }
  }
  return false;
}

/** A class member whose extent is fixed by its own text: a method, constructor or accessor with a body (it ends with the body's `}`). */
function isClosedMember(m: TS.Node): boolean {
  return isFunctionWithBlock(m) && m.kind !== ts.SyntaxKind.FunctionExpression && m.kind !== ts.SyntaxKind.ArrowFunction && (m as TS.FunctionLikeDeclaration).body!.end === m.end;
}

/**
 * The member of `cls` that holds [start, end) strictly inside its text (its leading comments
 * included), if it may be re-parsed alone: a method, constructor or accessor with a body, first
 * in the class or after a member of the same sort or a `;`. A property's end depends on what
 * follows it (no semicolon, then `[k]() {}` continues its initializer), so neither it nor the
 * member after it is re-parsed alone.
 */
function memberAt(cls: TS.ClassLikeDeclaration, text: string, start: number, end: number): TS.ClassElement | undefined {
  const members = cls.members;
  for (let i = 0; i < members.length; i++) {
    const m = members[i];
    if (m.pos >= start) return undefined;
    if (!(end < m.end)) continue;
    const prev = i > 0 ? members[i - 1] : undefined;
    return isClosedMember(m) && (!prev || isClosedMember(prev) || text.charCodeAt(prev.end - 1) === 59) ? m : undefined;
  }
  return undefined;
}

/**
 * What an edit of [start, end) re-parses: the innermost function body that holds it strictly
 * inside its braces, or else (an edit in a method's name, parameters, modifiers or JSDoc) the
 * innermost class member that holds it and may be re-parsed alone (memberAt).
 */
function innermostTarget(sf: TS.SourceFile, start: number, end: number): FunctionBody | undefined {
  const text = sf.text;
  const path: TS.Node[] = [];
  let body: FunctionBody | undefined;
  let member: FunctionBody | undefined;
  let cur: TS.Node = sf;
  for (;;) {
    path.push(cur);
    if (isFunctionWithBlock(cur)) {
      const block = cur.body;
      // the first character of the block is its `{`, the last its `}`
      const open = block.getStart(sf);
      if (open < start && end <= block.end - 1 && text.charCodeAt(open) === 123 && text.charCodeAt(block.end - 1) === 125) {
        body = { fn: cur, body: block, path: path.slice() };
      }
    } else if (ts.isClassDeclaration(cur) || ts.isClassExpression(cur)) {
      const m = memberAt(cur, text, start, end);
      if (m) member = { fn: m as TS.FunctionLikeDeclaration, body: m as unknown as TS.Block, path: path.slice(), member: true };
    }
    let next: TS.Node | undefined;
    ts.forEachChild(cur, (c) => {
      if (c.pos <= start && end <= c.end) {
        next = c;
        return true;
      }
      return c.pos > end ? true : undefined;
    });
    if (!next) return body ?? member;
    cur = next;
  }
}

function wrapperPrefix(fn: TS.FunctionLikeDeclaration): string {
  const isAsync = !!fn.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
  const isGenerator = !!fn.asteriskToken;
  return `${isAsync ? 'async ' : ''}function${isGenerator ? '*' : ''} _()`;
}

/**
 * The parser's error recovery inside a body depends on the lists the body sits in: a token that
 * cannot go on a statement but can go on an enclosing list (`)` of an argument list, `,` of an
 * array) ends the body there. The lists along `path`, as wrappers that open the same ones around
 * a function: `[prefix, suffix]` pairs, expression wrappers first. Undefined for a list it has no
 * wrapper for (a body with parse errors there is left to the parser).
 */
function enclosingLists(path: readonly TS.Node[]): Array<[string, string]> | undefined {
  const SK = ts.SyntaxKind;
  const kinds = new Set<string>();
  for (let i = 0; i + 1 < path.length; i++) {
    const p = path[i];
    const c = path[i + 1];
    let list: string | undefined;
    let other = false;
    ts.forEachChild(
      p,
      () => undefined,
      (a) => {
        if (!a.includes(c)) return undefined;
        switch (p.kind) {
          case SK.SourceFile:
          case SK.Block:
          case SK.ModuleBlock:
            return (list = 'statements');
          case SK.ClassDeclaration:
          case SK.ClassExpression:
            return (list = a === (p as TS.ClassLikeDeclaration).members ? 'class' : ((other = true), 'x'));
          case SK.CallExpression:
          case SK.NewExpression:
            return (list = a === (p as TS.CallExpression).arguments ? 'arguments' : ((other = true), 'x'));
          case SK.ObjectLiteralExpression:
            return (list = 'object');
          case SK.ArrayLiteralExpression:
            return (list = 'array');
          case SK.VariableDeclarationList:
            return (list = 'var');
          default:
            if (ts.isFunctionLike(p) && a === (p as TS.SignatureDeclaration).parameters) return (list = 'parameters');
            other = true;
            return 'x';
        }
      },
    );
    if (other) return undefined;
    if (list && list !== 'statements') kinds.add(list);
  }
  const out: Array<[string, string]> = [];
  // (expressions around the function first, then statements around those)
  if (kinds.has('arguments')) out.push(['_(', ')']);
  if (kinds.has('array')) out.push(['[', ']']);
  if (kinds.has('object')) out.push(['({ _: ', ' })']);
  if (kinds.has('parameters')) out.push(['(function (_ = ', ') {})']);
  if (kinds.has('var')) out.push(['var _ = ', ';']);
  if (kinds.has('class')) out.push(['class _ { _() { ', ' } }']);
  return out;
}

/** The function whose block starts at `pos` in `sf` (a wrapper's), if any. */
function functionWithBodyAt(sf: TS.SourceFile, pos: number): TS.FunctionLikeDeclaration | undefined {
  let found: TS.FunctionLikeDeclaration | undefined;
  const visit = (n: TS.Node): void => {
    if (found || n.end < pos || n.pos > pos) return;
    if (isFunctionWithBlock(n) && n.body.pos === pos) {
      found = n;
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

function jsDocDiagnosticCount(sf: TS.SourceFile): number {
  return (sf as unknown as { jsDocDiagnostics?: readonly unknown[] }).jsDocDiagnostics?.length ?? 0;
}

interface CommentDirective {
  range: { pos: number; end: number };
  type: number;
}

/** `// @ts-ignore` / `// @ts-expect-error` comments: the old ones outside the body (moved), the new body's. */
function splicedDirectives(old: readonly CommentDirective[] | undefined, body: readonly CommentDirective[] | undefined, bodyShift: number, from: number, to: number, delta: number): CommentDirective[] | undefined {
  if (!old?.length && !body?.length) return old as CommentDirective[] | undefined;
  const out: CommentDirective[] = [];
  for (const d of old ?? []) if (d.range.end <= from) out.push(d);
  for (const d of body ?? []) out.push({ ...d, range: { pos: d.range.pos + bodyShift, end: d.range.end + bodyShift } });
  for (const d of old ?? []) if (d.range.pos >= to) out.push({ ...d, range: { pos: d.range.pos + delta, end: d.range.end + delta } });
  return out;
}

function parseDiagnosticCount(sf: TS.SourceFile): number {
  return parseDiagnosticsOf(sf).length;
}

function parseDiagnosticsOf(sf: TS.SourceFile): readonly TS.DiagnosticWithLocation[] {
  return (sf as unknown as { parseDiagnostics?: readonly TS.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
}

/**
 * Whether an error before `fn` may still be pending (no node finished after it) when the parser
 * reaches `body`: no node along the path before it (nor in the function's header) ends after
 * the error's start.
 */
function errorMarkMayReach(path: readonly TS.Node[], fn: TS.Node, body: TS.Node, ds: readonly TS.DiagnosticWithLocation[]): boolean {
  let lastEnd = -1;
  for (let i = 0; i + 1 < path.length; i++) {
    const next = path[i + 1];
    ts.forEachChild(path[i], (c) => {
      if (c === next) return true;
      if (c.end > lastEnd) lastEnd = c.end;
      return undefined;
    });
  }
  ts.forEachChild(fn, (c) => {
    if (c === body) return true;
    if (c.end > lastEnd) lastEnd = c.end;
    return undefined;
  });
  for (const d of ds) if (d.start >= lastEnd && d.start < body.pos) return true;
  return false;
}

function inPositionOrder(ds: readonly TS.DiagnosticWithLocation[]): boolean {
  for (let i = 1; i < ds.length; i++) if (ds[i].start < ds[i - 1].start) return false;
  return true;
}

/**
 * The parse errors of the spliced tree: those of the old tree before the old body, the new
 * body's (from its wrapper, moved by `shift`), then the old ones after the old body moved by
 * `delta`, all pointing at the new file. (The old body's own go with it; spliceFunctionBody takes
 * no edit with an error elsewhere at the function.)
 */
function splicedParseDiagnostics(old: readonly TS.DiagnosticWithLocation[], inBody: readonly TS.DiagnosticWithLocation[], file: TS.SourceFile, from: number, to: number, delta: number, shift: number): TS.DiagnosticWithLocation[] {
  // no errors in the body, before or after: the old ones in their order (some may be out of position order)
  if (!inBody.length && !old.some((d) => d.start >= from && d.start < to)) return old.map((d) => ({ ...d, file, start: d.start >= to ? d.start + delta : d.start }));
  const out: TS.DiagnosticWithLocation[] = [];
  for (const d of old) if (d.start < from) out.push({ ...d, file });
  for (const d of inBody) out.push({ ...d, file, start: d.start + shift });
  for (const d of old) if (d.start >= to) out.push({ ...d, file, start: d.start + delta });
  return out;
}

/** Calls `each` for every node below `root` (children and JSDoc), and `eachArray` for every child list. */
function walkSubtree(root: TS.Node, each: (n: TS.Node) => void, eachArray: (a: TS.NodeArray<TS.Node>) => void): void {
  const stack: TS.Node[] = [root];
  const onNode = (c: TS.Node): void => {
    stack.push(c);
  };
  const onArray = (a: TS.NodeArray<TS.Node>): void => {
    eachArray(a);
    for (let i = a.length - 1; i >= 0; i--) stack.push(a[i]);
  };
  while (stack.length) {
    const n = stack.pop()!;
    each(n);
    ts.forEachChild(n, onNode, onArray);
    const docs = (n as { jsDoc?: TS.Node[] }).jsDoc;
    if (docs) for (const d of docs) stack.push(d);
  }
}

function shiftSubtree(root: TS.Node, delta: number): void {
  walkSubtree(
    root,
    (n) => {
      (n as Mutable).pos += delta;
      (n as Mutable).end += delta;
    },
    (a) => {
      (a as MutableArray).pos += delta;
      (a as MutableArray).end += delta;
    },
  );
}

/** A shallow copy of a node (same prototype and own fields). */
function cloneNode<T extends TS.Node>(n: T): T {
  return Object.assign(Object.create(Object.getPrototypeOf(n)), n) as T;
}

function copyArray(a: TS.NodeArray<TS.Node>): MutableArray {
  const copy = a.slice() as unknown as MutableArray & { hasTrailingComma?: boolean; transformFlags?: number };
  copy.pos = a.pos;
  copy.end = a.end;
  if (a.hasTrailingComma) copy.hasTrailingComma = true;
  const tf = (a as { transformFlags?: number }).transformFlags;
  if (tf !== undefined) copy.transformFlags = tf;
  return copy;
}

/** What a spliced tree was made from: lets per-tree work (the complexity engine's collecting walk) redo only the body. */
export interface SpliceOrigin {
  /** The tree before the edit (its nodes after the edit have moved; its path nodes were copied). */
  oldTree: TS.SourceFile;
  /** The replaced body (detached) and the one that took its place. */
  oldBody: TS.Block;
  newBody: TS.Block;
  /** The function whose body it is, before and after (a copy). */
  oldFunction: TS.Node;
  newFunction: TS.Node;
  /** Each node of the old path (file to function) and its copy. */
  copies: Map<TS.Node, TS.Node>;
  /** The whole member `oldFunction` was re-parsed (oldBody and newBody are the members themselves). */
  member: boolean;
  /**
   * A re-parsed member's code, from its first token to its end, is the same text as before: the
   * edit changed its leading trivia only (its JSDoc, a comment). Its name, parameters and nested
   * functions are the same.
   */
  sameCode: boolean;
}

const origins = new WeakMap<TS.SourceFile, SpliceOrigin>();

/** How `sf` was spliced from its previous tree, if it was, without taking it (see takeSpliceOrigin). */
export function peekSpliceOrigin(sf: TS.SourceFile): SpliceOrigin | undefined {
  return origins.get(sf);
}

/**
 * How `sf` was spliced from its previous tree, if it was; taken once (the record holds the old
 * tree, so keeping it would chain every earlier tree to the newest).
 */
export function takeSpliceOrigin(sf: TS.SourceFile): SpliceOrigin | undefined {
  const o = origins.get(sf);
  if (o) origins.delete(sf);
  return o;
}

/**
 * The tree for `newText`, given `sf` (the tree of its previous text, parents set) and the edit
 * between them; undefined when this edit cannot be spliced (see the top of the file). `sf` is
 * not usable afterwards when a tree is returned.
 */
/** Characters of a body from which one that is also most of its file is not spliced (see spliceFunctionBody). */
const LARGE_BODY = 64 * 1024;

export function spliceFunctionBody(sf: TS.SourceFile, newText: string, change: TS.TextChangeRange, scriptKind: TS.ScriptKind, kept?: { order?: TreeOrder }): TS.SourceFile | undefined {
  if (sf.isDeclarationFile) return undefined;
  const start = change.span.start;
  const oldEnd = start + change.span.length;
  const delta = change.newLength - change.span.length;
  const target = innermostTarget(sf, start, oldEnd);
  if (!target) return undefined;
  const { fn, body, path } = target;
  const member = !!target.member;
  // A body that is most of a large file (an IIFE or UMD wrapper around a whole library) would be
  // parsed again almost entirely: the incremental parser, which keeps the nodes the edit does not
  // touch, is several times faster there (acorn.js, 6,370 lines, a space between two of the
  // wrapper's statements: 40-140 ms spliced, 7-14 ms by ts.updateSourceFile).
  const size = body.end - body.pos;
  if (size > LARGE_BODY && size * 2 > sf.text.length) return undefined;
  // A parse error elsewhere in the file does not change how this function is parsed: the parser
  // reaches it through the same text in the same state, parses it without error (from its
  // leading trivia to its closing brace), and goes on from the same place in the same state.
  // An error touching the function (or right at its edges) leaves it to the full parser.
  // Errors inside the old body's braces go with it; any other error at the function leaves it to
  // the full parser. (A body the parser ended early, at a token of an enclosing list, ends early
  // again when parsed inside the same lists below, with an error outside its braces: declined.)
  const oldDiagnostics = parseDiagnosticsOf(sf);
  const open = body.getStart(sf);
  let errorsInside = false;
  for (const d of oldDiagnostics) {
    if (d.start > fn.end || d.start + d.length < fn.pos) continue;
    if (member || !(d.start > open && d.start + d.length < body.end)) return undefined;
    errorsInside = true;
  }
  // The parser marks the next node it finishes after reporting an error, and tokens skipped in
  // error recovery finish none: an error before the function with no node finished between it and
  // the body marks the body's first node in place, not in a wrapper. Declined then.
  if (oldDiagnostics.length && errorMarkMayReach(path, fn, body, oldDiagnostics)) return undefined;
  const bodyText = newText.slice(body.pos, body.end + delta);
  // `import.meta` and `import(` mark the whole file (PossiblyContainsImportMeta / DynamicImport,
  // and in JS the external-module indicator): whether one is added (the wrapper's flags, below)
  // or may be removed (the file is marked and the old body mentions `import`), the full parser decides.
  if (sf.flags & FILE_MARKS && sf.text.slice(body.pos, body.end).includes('import')) return undefined;
  // Malformed JSDoc is reported apart from parse errors: kept right by the full parser only.
  if (jsDocDiagnosticCount(sf) > 0) return undefined;
  // A body is re-parsed as the body of a function with the same modifiers; a member as the only
  // member of a class (and must come back as one whose extent its own text fixes).
  let prefix = member ? 'class _ {' : wrapperPrefix(fn);
  let wrapper = ts.createSourceFile(sf.fileName, prefix + bodyText + (member ? '}' : ''), sf.languageVersion, false, scriptKind);
  let block: TS.Block;
  if (parseDiagnosticCount(wrapper) > 0) {
    // A body that does not parse (typed halfway): parsed again inside the lists that enclose it
    // here, so that its error recovery is the parser's in place. Taken only if every error is
    // inside its braces and it still ends at its own closing brace.
    const lists = member ? undefined : enclosingLists(path);
    if (!lists) return undefined;
    let head = prefix;
    let tail = '';
    for (const [pre, post] of lists) {
      head = pre + head;
      tail = tail + post;
    }
    prefix = head;
    wrapper = ts.createSourceFile(sf.fileName, prefix + bodyText + tail, sf.languageVersion, false, scriptKind);
    const f = functionWithBodyAt(wrapper, prefix.length);
    if (!f) return undefined;
    block = f.body as TS.Block;
    for (const d of parseDiagnosticsOf(wrapper)) if (!(d.start > prefix.length && d.start + d.length < prefix.length + bodyText.length)) return undefined;
  } else {
    if (wrapper.statements.length !== 1) return undefined;
    const decl = wrapper.statements[0];
    if (member) {
      if (!ts.isClassDeclaration(decl) || decl.members.length !== 1 || !isClosedMember(decl.members[0])) return undefined;
      block = decl.members[0] as unknown as TS.Block;
    } else {
      if (!ts.isFunctionDeclaration(decl) || !decl.body) return undefined;
      block = decl.body;
    }
  }
  if (block.pos !== prefix.length || block.end !== prefix.length + bodyText.length) return undefined;
  if ((block.flags & CONTEXT_FLAGS) !== (body.flags & CONTEXT_FLAGS)) return undefined;
  // The parser reports errors in the order it meets them, and the body's come between those
  // before and after it; only some are reported late (an unclosed JSX element's, at the end of
  // the file), out of position order. With such errors, a body with errors is left to the parser.
  // (A guard: a body inside JSX is not parsed again with errors, see enclosingLists, and no test
  // has found a late error before a body otherwise.)
  const bodyDiagnostics = parseDiagnosticsOf(wrapper);
  if ((errorsInside || bodyDiagnostics.length) && !inPositionOrder(oldDiagnostics)) return undefined;
  // (the old body's error mark, below, may come from an error inside it too: then it is not known
  // whether the token after it marks the new one)
  if (errorsInside && body.flags & THIS_NODE_HAS_ERROR) return undefined;
  if (wrapper.flags & FILE_MARKS || jsDocDiagnosticCount(wrapper) > 0) return undefined;

  // With a TreeOrder (`kept`, built now if missing), the old body's part of it: the body and
  // what follows it in walk order up to the first object at or after its end. Without one, or
  // when the body is not found in it (a stale order), what follows the edit is moved by walks.
  let order: TreeOrder | undefined;
  let at = -1;
  let after = -1;
  if (kept) {
    order = kept.order ??= treeOrder(sf);
    at = order.indexOf(body);
    if (at < 0) order = kept.order = undefined;
    else {
      const bodyEnd = body.end;
      after = at + 1;
      while (after < order.length && order.at(after).pos < bodyEnd) after++;
    }
  }

  // The new body, at its place in the new text.
  const bodyOrder = order ? treeOrder(block, body.pos - prefix.length) : undefined;
  if (!bodyOrder) shiftSubtree(block, body.pos - prefix.length);
  // The parser marks the node it finishes next after reporting an error. Scanning the token
  // after the closing brace (an unterminated comment, say) reports such an error before the
  // block is finished, and that token is the same as before: the mark stays.
  if (body.flags & THIS_NODE_HAS_ERROR) (block as unknown as Mutable).flags |= THIS_NODE_HAS_ERROR;
  setParents(block);

  // New objects for the path, each with its changed child, its end moved, and what follows the
  // edit inside it moved by delta.
  const oldBodyEnd = body.end;
  let child: TS.Node = block;
  let oldChild: TS.Node = body;
  let topCopy: TS.Node | undefined;
  const copies = new Map<TS.Node, TS.Node>();
  // (with an order: each copied path node and child list, and what it replaces)
  const replaced: Array<[{ pos: number; end: number }, { pos: number; end: number }]> = [];
  for (let i = path.length - 1; i >= 0; i--) {
    const old = path[i];
    const copy = cloneNode(old) as Mutable;
    copy.end = old.end + delta;
    copy.flags = old.flags & ~AGGREGATED;
    for (const key of Object.keys(copy)) {
      if (key === 'parent' || key === 'original' || key === 'jsDoc' || key === 'jsDocCache') continue;
      const v = copy[key];
      if (v === oldChild) copy[key] = child;
      else if (Array.isArray(v) && (v as unknown as TS.NodeArray<TS.Node>).pos !== undefined && v.includes(oldChild)) {
        const a = copyArray(v as unknown as TS.NodeArray<TS.Node>);
        (a as unknown as TS.Node[])[a.indexOf(oldChild)] = child;
        a.end += delta;
        copy[key] = a;
        if (order) replaced.push([v as unknown as MutableArray, a]);
      }
    }
    // Children of the copy: parent pointers to it; those after the edit move (with an order,
    // all at once below).
    const node = copy as unknown as TS.Node;
    if (order) {
      replaced.push([old, node]);
      ts.forEachChild(
        node,
        (c) => {
          (c as Mutable).parent = node;
        },
        (a) => {
          for (const c of a) (c as Mutable).parent = node;
        },
      );
    } else {
      ts.forEachChild(
        node,
        (c) => {
          (c as Mutable).parent = node;
          if (c !== child && c.pos >= oldBodyEnd) shiftSubtree(c, delta);
        },
        (a) => {
          const containsChild = a.includes(child);
          if (!containsChild && a.pos >= oldBodyEnd) {
            (a as MutableArray).pos += delta;
            (a as MutableArray).end += delta;
          }
          for (const c of a) {
            (c as Mutable).parent = node;
            if (c !== child && c.pos >= oldBodyEnd) shiftSubtree(c, delta);
          }
        },
      );
    }
    const docs = (node as { jsDoc?: TS.Node[] }).jsDoc;
    if (docs) for (const d of docs) (d as Mutable).parent = node;
    if (i === 1) topCopy = node;
    copies.set(old, node);
    oldChild = old;
    child = node;
  }
  if (order && bodyOrder) {
    // The copies take the places of the path nodes and lists they replace (all before the body
    // in walk order), the new body's objects those of the old one, and what follows moves.
    for (const [was, now] of replaced) {
      const k = order.indexOf(was);
      if (k < 0 || k >= at) throw new Error('splice: a path node is missing from the tree order');
      order.set(k, now);
    }
    order.replaceRange(at, after, bodyOrder);
    order.shiftFrom(at + bodyOrder.length, delta);
  }
  const out = child as TS.SourceFile & Record<string, unknown>;
  out.text = newText;
  out.lineMap = undefined;
  if (oldDiagnostics.length || bodyDiagnostics.length) out.parseDiagnostics = splicedParseDiagnostics(oldDiagnostics, bodyDiagnostics, out as TS.SourceFile, body.pos, oldBodyEnd, delta, body.pos - prefix.length);
  out.commentDirectives = splicedDirectives(
    (sf as unknown as { commentDirectives?: CommentDirective[] }).commentDirectives,
    (wrapper as unknown as { commentDirectives?: CommentDirective[] }).commentDirectives,
    body.pos - prefix.length,
    body.pos,
    oldBodyEnd,
    delta,
  );
  // The parser points this at the first import/export statement: the copy, if it was copied.
  if (path.length > 1 && out.externalModuleIndicator === path[1]) out.externalModuleIndicator = topCopy;
  // The replaced nodes are garbage, but their parent pointers lead to the previous tree's path
  // copies, which are young objects. A young-generation GC treats every pointer from an old
  // object as live, dead or not, so an old node that dies here kept the previous tree (its text,
  // its line starts) alive until the next full GC. Measured with --trace-gc-nvp on 300 spliced
  // edits of GitApi.js (parse only): ~76 MB promoted per scavenge before, ~5 MB after.
  (body as unknown as Mutable).parent = undefined as unknown as TS.Node;
  for (const old of path) (old as Mutable).parent = undefined as unknown as TS.Node;
  origins.delete(sf); // never a chain of trees
  // (a re-parsed member is its own "copy": `copies` maps the old path and function to the new)
  if (member) copies.set(fn, block);
  const sameCode = member && sf.text.slice(body.getStart(sf), body.end) === newText.slice(block.getStart(out as TS.SourceFile), block.end);
  origins.set(out, { oldTree: sf, oldBody: body, newBody: block, oldFunction: fn, newFunction: copies.get(fn)!, copies, member, sameCode });
  return out;
}

// ── Edits the incremental parser takes ───────────────────────────────────────────────────────
// When an edit inside a function body cannot be spliced (the body does not parse on its own, as
// while typing `items.`; or the old one did not), ts.updateSourceFile re-parses it. Its tree is
// the parser's own, error recovery included. Most often it still differs from the old tree only
// inside that body: the parser finished the block at the same closing brace and reused, moved,
// every node around it. Traced back to the old tree (the nodes on the path to the body, and any
// other node the parser made again, paired with their old counterparts), such a tree gets a
// SpliceOrigin like a spliced one, and the analysis patches its collection instead of walking the
// whole file again (GitApi.js, a statement typed character by character: the keystrokes the
// parser took cost 4-5 ms more in the analysis than spliced ones, nearly all of it that walk).

/** What traceUpdate needs of the old tree, taken before ts.updateSourceFile moves its nodes. */
export interface UpdateTarget {
  /** From the SourceFile down to the function whose body holds the edit. */
  path: TS.Node[];
  /** The children of each path node but the function, in forEachChild order. */
  children: TS.Node[][];
  /** The function's children other than its body. */
  header: TS.Node[];
  bodyPos: number;
  bodyEnd: number;
  delta: number;
}

function childrenOf(n: TS.Node): TS.Node[] {
  const out: TS.Node[] = [];
  ts.forEachChild(n, (c) => {
    out.push(c);
  });
  return out;
}

/** The innermost function body strictly holding the edit, as traceUpdate will look for it in the new tree. */
export function updateTarget(sf: TS.SourceFile, change: TS.TextChangeRange): UpdateTarget | undefined {
  if (sf.isDeclarationFile) return undefined;
  const start = change.span.start;
  const target = innermostTarget(sf, start, start + change.span.length);
  if (!target || target.member) return undefined;
  const { fn, body, path } = target;
  const children: TS.Node[][] = [];
  for (let i = 0; i < path.length - 1; i++) children.push(childrenOf(path[i]));
  return { path, children, header: childrenOf(fn).filter((c) => c !== body), bodyPos: body.pos, bodyEnd: body.end, delta: change.newLength - change.span.length };
}

/** How many nodes traceUpdate pairs outside the path at most (the parser re-makes the small arguments next to a callback, `this` and `void 0`). */
const MAX_PAIRED = 64;

/** Pairs the nodes of `n` (new) with those of `o` (old) when both subtrees have the same shape. */
function pairSubtrees(o: TS.Node, n: TS.Node, copies: Map<TS.Node, TS.Node>, budget: { left: number }): boolean {
  if (o.kind !== n.kind || o === n || --budget.left < 0) return o === n;
  const oc = childrenOf(o);
  const nc = childrenOf(n);
  if (oc.length !== nc.length) return false;
  copies.set(o, n);
  for (let i = 0; i < oc.length; i++) if (oc[i] !== nc[i] && !pairSubtrees(oc[i], nc[i], copies, budget)) return false;
  return true;
}

/**
 * The SpliceOrigin of `next` (what ts.updateSourceFile made of `old` for an edit inside the body
 * of `target`), registered as a splice's would be, when `next` is `old` with that body replaced:
 * the same path down to a function of the same kind whose block starts where the old one did and
 * ends at its closing brace moved by the edit, every other child along the way the old node (or
 * a small subtree of the same shape, paired). Undefined otherwise.
 */
export function traceUpdate(old: TS.SourceFile, next: TS.SourceFile, target: UpdateTarget): SpliceOrigin | undefined {
  const { path, delta } = target;
  const copies = new Map<TS.Node, TS.Node>();
  const budget = { left: MAX_PAIRED };
  copies.set(old, next);
  let cur: TS.Node = next;
  for (let i = 0; i < path.length - 1; i++) {
    const was = target.children[i];
    const now = childrenOf(cur);
    if (now.length !== was.length) return undefined;
    let down: TS.Node | undefined;
    for (let j = 0; j < was.length; j++) {
      if (was[j] === path[i + 1]) {
        if (now[j].kind !== was[j].kind) return undefined;
        down = now[j];
      } else if (now[j] !== was[j] && !pairSubtrees(was[j], now[j], copies, budget)) return undefined;
    }
    if (!down) return undefined;
    copies.set(path[i + 1], down);
    cur = down;
  }
  const oldFn = path[path.length - 1] as TS.FunctionLikeDeclaration;
  if (!isFunctionWithBlock(cur)) return undefined;
  const newFn = cur;
  const block = newFn.body;
  const oldBody = oldFn.body as TS.Block;
  if (block === oldBody || block.pos !== target.bodyPos || block.end !== target.bodyEnd + delta || next.text.charCodeAt(block.end - 1) !== 125) return undefined;
  const header = childrenOf(newFn).filter((c) => c !== block);
  if (header.length !== target.header.length) return undefined;
  for (let k = 0; k < header.length; k++) if (header[k] !== target.header[k] && !pairSubtrees(target.header[k], header[k], copies, budget)) return undefined;
  // The old block is not part of the new tree (the edit is inside it): its extent is set back to
  // the old text's, which the collection's patch and the text facts read (the parser moved it).
  (oldBody as unknown as Mutable).pos = target.bodyPos;
  (oldBody as unknown as Mutable).end = target.bodyEnd;
  const origin: SpliceOrigin = { oldTree: old, oldBody, newBody: block, oldFunction: oldFn, newFunction: newFn, copies, member: false, sameCode: false };
  origins.delete(old); // never a chain of trees
  origins.set(next, origin);
  return origin;
}

/**
 * The TreeOrder of a traced tree (traceUpdate), made in place from the old tree's: the objects the
 * parser made again (the copies, the child lists and JSDoc of each) in place of the old ones, and
 * the new body's objects in place of the old body's. The parser moved the nodes it kept, so
 * nothing is shifted here. Undefined when a correspondence is missing (the order is then built
 * again at the next splice).
 */
export function carryOrder(order: TreeOrder, origin: SpliceOrigin): TreeOrder | undefined {
  const arraysOf = (n: TS.Node): OrderEntry[] => {
    const out: OrderEntry[] = [];
    ts.forEachChild(
      n,
      () => undefined,
      (a) => {
        out.push(a as unknown as MutableArray);
      },
    );
    return out;
  };
  // (found before anything is replaced: positions are the old objects')
  const replace: Array<[number, OrderEntry]> = [];
  const swap = (o: OrderEntry, n: OrderEntry): number => {
    const k = order.indexOf(o);
    if (k >= 0) replace.push([k, n]);
    return k;
  };
  for (const [o, n] of origin.copies) {
    if (o === n) continue;
    const k = swap(o, n);
    if (k < 0) return undefined;
    const oa = arraysOf(o);
    const na = arraysOf(n);
    if (oa.length !== na.length) return undefined;
    for (let i = 0; i < oa.length; i++) if (oa[i] !== na[i] && swap(oa[i], na[i]) < 0) return undefined;
    // a node's JSDoc comments come right after it (not where their positions would put them)
    const oj = (o as { jsDoc?: TS.Node[] }).jsDoc ?? [];
    const nj = (n as { jsDoc?: TS.Node[] }).jsDoc ?? [];
    if (oj.length !== nj.length) return undefined;
    let base = k + 1;
    for (let i = 0; i < oj.length; i++) {
      const a = treeOrder(oj[i]);
      const b = oj[i] === nj[i] ? a : treeOrder(nj[i]);
      if (a.length !== b.length) return undefined;
      for (let t = 0; t < a.length; t++) {
        if (order.at(base + t) !== a.at(t)) return undefined;
        if (a.at(t) !== b.at(t)) replace.push([base + t, b.at(t)]);
      }
      base += a.length;
    }
  }
  const at = order.indexOf(origin.oldBody);
  if (at < 0) return undefined;
  const oldLength = treeOrder(origin.oldBody).length;
  for (const [k, n] of replace) order.set(k, n);
  order.replaceRange(at, at + oldLength, treeOrder(origin.newBody));
  return order;
}
