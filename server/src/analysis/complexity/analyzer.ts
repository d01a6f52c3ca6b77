// The per-file complexity analyzer: walks raw ts.Nodes once per function, keeping symbolic
// sizes of locals (shapes), a stack of loop frames (iteration counts), the evidence, and the
// recursive call sites; calls use callee summaries mapped to argument sizes.
import { ts } from '../../ts';
import type { ts as TS } from 'ts-morph';
import { INDEXED, recordedIndexedNodes, rememberIndexedNodes } from '../nodeIndex';
import { forgetTree, treeCache } from '../treeCaches';
import { setJSDocParents, setParents, takePendingParents } from '../project/document';
import { takeSpliceOrigin, type SpliceOrigin } from '../project/splice';

/** Plain function references: a property of the large `ts` namespace costs a dictionary lookup per use. */
const { forEachChild, isArrayBindingPattern, isArrayLiteralExpression, isArrayTypeNode, isArrowFunction, isBigIntLiteral, isBinaryExpression, isBindingElement, isBlock, isBreakStatement, isCallExpression, isCaseClause, isClassDeclaration, isClassExpression, isConditionalExpression, isConstructorDeclaration, isContinueStatement, isDoStatement, isElementAccessExpression, isExpression, isExpressionStatement, isForInStatement, isForOfStatement, isForStatement, isFunctionDeclaration, isGetAccessorDeclaration, isIdentifier, isIfStatement, isImportDeclaration, isIterationStatement, isMethodDeclaration, isNamedImports, isNamespaceImport, isNewExpression, isNoSubstitutionTemplateLiteral, isNumericLiteral, isObjectLiteralExpression, isPostfixUnaryExpression, isPrefixUnaryExpression, isPropertyAccessExpression, isPropertyAssignment, isPropertyDeclaration, isReturnStatement, isShorthandPropertyAssignment, isSourceFile, isSpreadAssignment, isSpreadElement, isStatement, isStringLiteral, isStringLiteralLike, isTemplateSpan, isThrowStatement, isTupleTypeNode, isTypeLiteralNode, isTypeReferenceNode, isUnionTypeNode, isVariableDeclaration, isVariableDeclarationList, isVariableStatement, isWhileStatement } = ts;

/** Cached: `ts.SyntaxKind` is a getter on the bundled namespace, costly on hot paths. */
const SK = ts.SyntaxKind;
import {
  O1,
  add,
  add2,
  equals,
  exp,
  factorial,
  isConstant,
  log,
  mul,
  mul2,
  pow,
  sqrt,
  substitute,
  termVariables,
  variable,
  variablesOf,
  type Cost,
} from '../cost';
import type { Confidence } from '../types';
import { CONSTANT_NAMESPACES, CONSTRUCTORS, CONTAINER_TYPES, STATICS, TAKE_METHODS, GROW_METHODS, lookupMethod, type BuiltinCost, type ParamRole } from './catalog';
import { CONST_SHAPE, VarRegistry, cellsOf, elemOf, joinShapes, lenOf, rootShape, rootWith, valOf, type RootRef, type Shape, type ShapeKind } from './shape';
import { COMPARISONS, chainRoot, dottedName, forEachDescendant, forEachSelfAndDescendant, hasMemoDecorator, memoWrapped, nodeText, startOf, textIn, functionName, identName, isAssignmentOp, isFunctionLike, isNumericLiteralLike, mentions, unwrap } from './syntax';
import { solveRecursion, type RecSite } from './recursion';

export interface RawEvidence {
  start: number;
  end: number;
  factor: Cost;
  reason: string;
}

/** Sizes of what a function returns, in the callee's own variables (mapped at call sites). */
export interface ReturnSizes {
  len?: Cost;
  val?: Cost;
}

export interface FnResult {
  returns?: ReturnSizes;
  /** Cost of one call (for a function with persistent memo/visited state: the cost of a call that finds it filled). */
  cost: Cost;
  /** For functions guarded by persistent memo/visited state: the total over all calls sharing that state. */
  amortized?: { cost: Cost; stateName: string };
  evidence: RawEvidence[];
  confidence: Confidence;
  deps: Set<FnInfo>;
  /**
   * Functions on the analysis stack that this one calls (mutual recursion, cut there): the result
   * holds where they are on the stack again, so where the analysis enters the cycle. Not in `deps`.
   */
  cycleDeps?: Set<FnInfo>;
  /**
   * Functions without a body it calls (a `declare`d function, a bodiless constructor): assumed
   * O(1) and named in the evidence, the result holds while each is still there without a body.
   * Not in `deps`.
   */
  declaredDeps?: Set<FnInfo>;
  /**
   * Names this function calls (`f()`, `this.f()`) that nothing resolved: the result holds while
   * no function of that name appears in the file. (A class renamed to the name `new F()` uses
   * changes the file's context, which every summary is keyed by.)
   */
  unresolvedNames?: Set<string>;
  recursive: boolean;
}

export interface FnInfo {
  node: TS.FunctionLikeDeclaration;
  /** Position in its FileAnalyzer's `fns`. */
  index: number;
  name: string;
  qualifiedName: string;
  key: string;
  /** Scope id used in variable keys (unique in the program analysis). */
  scope: string;
  parent?: FnInfo;
  classNode?: TS.ClassLikeDeclaration;
  file: FileAnalyzer;
  params: string[];
  result?: FnResult;
  running?: boolean;
  /** Environment of the function body after its walk (closures see it). */
  env?: Env;
  /** The last cost of this function mapped at a call site: does it mention the parameters (or `this`, with a receiver)? */
  mapMemo?: { cost: Cost; recv: boolean; relevant: boolean };
  /** Environment of the function while it is being walked (a closure called from it sees the sizes so far). */
  liveEnv?: Env;
  envPending?: boolean;
  /** Its cache entry's dependencies are being checked (running, but not walked: no live environment). */
  validating?: boolean;
  /** The body calls the function by name (directly, not counting nested functions' calls). */
  selfCalls?: boolean;
  /** Hoisted declarations of the body (function declarations, function/class-valued variables, classes). */
  hoisted?: TS.Node[];
  /** Start/end offsets of the nested function declarations (flattened pairs, computed on demand). */
  nestedRanges?: number[];
  /** Contains nested functions (which may read this function's environment). */
  hasNested?: boolean;
  /** Wrapped by memoize(...) or decorated @memoize/@cache: repeated arguments are answered from a cache. */
  memoWrapped?: boolean;
}

export interface Binding {
  shape: Shape;
  /** Number of loop frames enclosing the declaration (in the owner's walker). */
  level: number;
  owner?: FnInfo;
  fn?: FnInfo;
  cls?: TS.ClassLikeDeclaration;
  growable?: boolean;
  /** object literal / Map / Set: element writes add keys */
  keyed?: boolean;
  param?: number;
  imported?: TS.Identifier;
  init?: TS.Expression;
}

/** A local whose shape is computed from its initializer when first asked for. */
class LazyBinding implements Binding {
  private computed?: Shape;
  constructor(
    private walker: Walker | undefined,
    private declEnv: Env | undefined,
    private initExpr: TS.Expression | undefined,
    private readonly name: string,
    private readonly filled: boolean,
    readonly keyed: boolean,
    public level: number,
    public owner: FnInfo | undefined,
    public growable: boolean,
    public init: TS.Expression,
  ) {}
  get shape(): Shape {
    return (this.computed ??= this.compute());
  }
  set shape(v: Shape) {
    this.computed = v;
  }
  private compute(): Shape {
    const w = this.walker!;
    const saved = w.env;
    w.env = this.declEnv!;
    let shape: Shape;
    try {
      shape = w.shapeOf(this.initExpr);
    } finally {
      w.env = saved;
    }
    if (this.filled) {
      // filled by a helper closure we do not follow: its size is its own variable
      const kind: ShapeKind = this.keyed ? (shape.kind === 'set' ? 'set' : shape.kind === 'map' ? 'map' : 'object') : 'array';
      shape = { ...shape, len: undefined, root: { scope: w.scope, name: this.name, depth: 0, kind } };
    }
    return shape;
  }
}

export class Env {
  private map?: Map<string, Binding>;
  constructor(readonly parent?: Env) {}
  /** Bindings declared in this scope (allocated on first declaration: most loop scopes declare none). */
  get vars(): Map<string, Binding> {
    return (this.map ??= new Map());
  }
  lookup(name: string): Binding | undefined {
    for (let e: Env | undefined = this; e; e = e.parent) {
      const b = e.map?.get(name);
      if (b) return b;
    }
    return undefined;
  }
}

interface Frame {
  iter: Cost;
  node: TS.Node;
  kind: 'loop' | 'callback' | 'worklist';
  amort: Cost;
  loopVars: string[];
  worklist?: string;
  /** Known constant iteration count (for (k = 0; k < 4; ...), for (c of 'abc')). */
  count?: number;
  /** The loop's iterations are a total over an enclosing context (adjacency scans, pointer sweeps), not per pass. */
  amortized?: boolean;
}

export interface ProgramContext {
  reg: VarRegistry;
  files: Map<TS.SourceFile, FileAnalyzer>;
  getChecker?: () => TS.TypeChecker | undefined;
  /** Depth of nested on-demand callee analyses. */
  depth: number;
  /** Total statement/expression nesting across all walkers on the stack (bounds JS stack use). */
  walkDepth?: number;
  stats: { analyses: number };
  onAnalyze?: (fn: FnInfo) => FnResult | undefined;
  afterAnalyze?: (fn: FnInfo, r: FnResult) => void;
}

const MAX_WALK_DEPTH = 250;
/** Across nested callee analyses: keeps the JS stack far from overflowing whatever the input. */
const MAX_TOTAL_WALK_DEPTH = 800;
const MAX_NODES = 60000;
const MAX_CALL_DEPTH = 24;

/** Methods that add to the collection they are called on. */
const MUTATORS = new Set(['push', 'unshift', 'set', 'add']);

const HALVING = (e: TS.Expression): boolean => {
  const u = unwrap(e);
  if (isBinaryExpression(u)) {
    const k = u.operatorToken.kind;
    if ((k === SK.GreaterThanGreaterThanToken || k === SK.GreaterThanGreaterThanGreaterThanToken) && isNumericLiteralLike(u.right)) return true;
    if (k === SK.SlashToken && isNumericLiteralLike(u.right) && Number(nodeText(unwrap(u.right))) > 1) return true;
    if (k === SK.BarToken || k === SK.PlusToken || k === SK.MinusToken) return HALVING(u.left) || HALVING(u.right);
  }
  if (isCallExpression(u) && /^Math\.(floor|ceil|trunc|round)$/.test(dottedName(u.expression) ?? '') && u.arguments[0]) return HALVING(u.arguments[0]);
  if (isPrefixUnaryExpression(u) && u.operator === SK.TildeToken) return HALVING(u.operand);
  return false;
};

/** The node kinds FileAnalyzer.collectOne looks at (any other node leaves the context as it is), as a table by kind. */
const COLLECTED_KINDS: Uint8Array = (() => {
  const kinds = [SK.FunctionDeclaration, SK.MethodDeclaration, SK.ArrowFunction, SK.FunctionExpression, SK.Constructor, SK.GetAccessor, SK.SetAccessor, SK.ClassDeclaration, SK.ClassExpression, SK.VariableDeclaration, SK.CallExpression, SK.BinaryExpression];
  const table = new Uint8Array(Math.max(SK.Count, ...kinds) + 1); // every kind in range (no out-of-bounds reads)
  for (const k of kinds) table[k] = 1;
  return table;
})();

/** Kinds whose collectOne gives their children a context of their own: functions and classes. */
const CONTEXT_KINDS: Uint8Array = (() => {
  const table = new Uint8Array(COLLECTED_KINDS.length);
  for (const k of [SK.FunctionDeclaration, SK.MethodDeclaration, SK.ArrowFunction, SK.FunctionExpression, SK.Constructor, SK.GetAccessor, SK.SetAccessor, SK.ClassDeclaration, SK.ClassExpression]) table[k] = 1;
  return table;
})();

const isLogged = (kind: number): boolean => COLLECTED_KINDS[kind] === 1 || INDEXED[kind] === 1;

/**
 * The collecting walk's record of one tree: every node it hands to collectOne or to the node index,
 * in pre-order, each with the index of the nearest enclosing function or class among them (-1:
 * none), which is all collectOne's context depends on. After an edit spliced into one function
 * body (project/splice.ts), the record of the previous tree with that body's part replaced is
 * the record of the new tree: the collection is redone from it without walking the file.
 */
interface CollectionLog {
  nodes: TS.Node[];
  owners: number[];
}

/** Where a spliced log's new body is (splicedLog), and what the splice replaced; used once, not kept (it holds the old tree). */
interface SplicedRun {
  origin: SpliceOrigin;
  /** Index of the body's function in the log (the same in the old and the new one). */
  fnIndex: number;
  /** The new body's run in the new log. */
  start: number;
  count: number;
  /** How many of the old body's run were indexed (nodeIndex.ts), and the first of them. */
  oldIndexed: number;
  firstOldIndexed: TS.Node | undefined;
  /** Whether the old or the new body has a class in it. */
  classes: boolean;
}

const collectionLogs = treeCache<CollectionLog>({ forNextTree: true });

/** How collections were made: from a record (same tree, or a spliced edit) or by walking the file. For tests and diagnostics. */
export const collectionStats = { fromRecord: 0, walked: 0, patched: 0, indexPatched: 0 };

/** The nodes of a log the rules look at (see nodeIndex.ts), in order. */
function indexedOf(log: CollectionLog): TS.Node[] {
  // counted first: one allocation of the final size, not a growing array's copies
  const nodes = log.nodes;
  let count = 0;
  for (let i = 0; i < nodes.length; i++) count += INDEXED[nodes[i].kind];
  const out: TS.Node[] = new Array(count);
  for (let i = 0, j = 0; i < nodes.length; i++) if (INDEXED[nodes[i].kind]) out[j++] = nodes[i];
  return out;
}

/** `n`, or its copy in a splice's path. */
function mapThrough<T extends TS.Node>(copies: Map<TS.Node, TS.Node> | undefined, n: T): T {
  return (copies?.get(n) as T | undefined) ?? n;
}

/** The logged nodes below `root` (not `root` itself), with owners relative to them (-1: outside). */
function logSubtree(root: TS.Node): CollectionLog {
  const nodes: TS.Node[] = [];
  const owners: number[] = [];
  const stack: TS.Node[] = [];
  const ownerStack: number[] = [];
  const kids: TS.Node[] = [];
  const collectKid = (c: TS.Node) => {
    kids.push(c);
  };
  const push = (n: TS.Node, owner: number) => {
    kids.length = 0;
    forEachChild(n, collectKid);
    for (let i = kids.length - 1; i >= 0; i--) {
      stack.push(kids[i]);
      ownerStack.push(owner);
    }
  };
  push(root, -1);
  while (stack.length) {
    const n = stack.pop()!;
    let owner = ownerStack.pop()!;
    if (isLogged(n.kind)) {
      nodes.push(n);
      owners.push(owner);
      if (CONTEXT_KINDS[n.kind]) owner = nodes.length - 1;
    }
    push(n, owner);
  }
  return { nodes, owners };
}

/**
 * The log of a spliced tree from its previous tree's log: the old body's run replaced by the new
 * body's, the copied path nodes in place of the old ones. Undefined when the old log does not
 * line up with the old tree as expected (then the file is walked).
 */
function splicedLog(sf: TS.SourceFile): { log: CollectionLog; run: SplicedRun } | undefined {
  const origin = takeSpliceOrigin(sf);
  // (a whole member re-parsed, for an edit in its header or leading trivia: its part of the log
  // is replaced, the member itself too, as a body's is; see patchFrom for a changed header)
  if (!origin) return undefined;
  const prev = collectionLogs.get(origin.oldTree);
  if (!prev) return undefined;
  const fnIndex = prev.nodes.indexOf(origin.oldFunction);
  if (fnIndex < 0) return undefined;
  const oldRun = logSubtree(origin.oldBody).nodes;
  let a: number;
  if (oldRun.length) {
    a = prev.nodes.indexOf(oldRun[0], fnIndex + 1);
    if (a < 0) return undefined;
    for (let k = 1; k < oldRun.length; k++) if (prev.nodes[a + k] !== oldRun[k]) return undefined;
  } else {
    // an empty body: its run starts after the function's header nodes (now children of its copy)
    a = fnIndex + 1;
    const isInHeader = (n: TS.Node): boolean => {
      for (let p = n.parent; p; p = p.parent) if (p === origin.newFunction || p === origin.oldFunction) return true;
      return false;
    };
    while (a < prev.nodes.length && isInHeader(prev.nodes[a])) a++;
  }
  const b = a + oldRun.length;
  const added = logSubtree(origin.newBody);
  // Where each copied path node is (before the body's run), all found before anything changes.
  const at: Array<[number, TS.Node]> = [];
  for (const [old, copy] of origin.copies) {
    if (!isLogged(old.kind)) continue;
    const i = prev.nodes.lastIndexOf(old, a - 1);
    if (i < 0) return undefined;
    at.push([i, copy]);
  }
  // The previous tree's log becomes this tree's, in place: it is used up by this analysis (the
  // old tree's records are forgotten once its collection is patched, see the constructor), and a
  // copy would cost a pass over the whole log and two arrays of its length on every keystroke.
  // Typing within a line mostly leaves the body with as many logged nodes as before: then only
  // the body's run is written.
  const { nodes, owners } = prev;
  for (const [i, copy] of at) nodes[i] = copy;
  replaceRun(nodes, owners, a, b, added.nodes.length);
  for (let k = 0; k < added.nodes.length; k++) {
    nodes[a + k] = added.nodes[k];
    owners[a + k] = added.owners[k] < 0 ? fnIndex : a + added.owners[k];
  }
  const isClass = (n: TS.Node) => n.kind === SK.ClassDeclaration || n.kind === SK.ClassExpression;
  let oldIndexed = 0;
  for (let k = 0; k < oldRun.length; k++) oldIndexed += INDEXED[oldRun[k].kind];
  const firstOldIndexed = oldRun.find((n) => INDEXED[n.kind]);
  return { log: prev, run: { origin, fnIndex, start: a, count: added.nodes.length, oldIndexed, firstOldIndexed, classes: oldRun.some(isClass) || added.nodes.some(isClass) } };
}

/**
 * Makes room in a log for a run of `count` entries in place of `[a, b)`: the entries after `b`
 * move by the difference, and so do the owners that point at them (an entry after a body is
 * owned by something before the body or after it, never by something in it). The run's own
 * entries are left for the caller to write.
 */
function replaceRun(nodes: TS.Node[], owners: number[] | undefined, a: number, b: number, count: number): void {
  const shift = count - (b - a);
  if (shift === 0) return;
  const len = nodes.length;
  if (shift > 0) {
    // (grown by pushes, not by `length`: the arrays stay without holes)
    for (let k = 0; k < shift; k++) {
      nodes.push(nodes[len - 1]);
      owners?.push(0);
    }
    for (let i = len - 1; i >= b; i--) nodes[i + shift] = nodes[i];
    if (owners) {
      for (let i = len - 1; i >= b; i--) {
        const o = owners[i];
        owners[i + shift] = o < a ? o : o + shift;
      }
    }
  } else {
    for (let i = b; i < len; i++) nodes[i + shift] = nodes[i];
    nodes.length = len + shift;
    if (owners) {
      for (let i = b; i < len; i++) {
        const o = owners[i];
        owners[i + shift] = o < a ? o : o + shift;
      }
      owners.length = len + shift;
    }
  }
}

/**
 * The spliced tree's indexed nodes (nodeIndex.ts) from the previous tree's list, in place, as
 * splicedLog does for the log (the previous tree's list is used up too): the old body's indexed
 * nodes replaced by the new body's, the copied path nodes in place of the old ones. `log` is the
 * spliced tree's. Undefined (nothing changed) without a list for the previous tree, or when it
 * does not line up with the log as expected; then the list is made from the log.
 */
function splicedIndex(run: SplicedRun, log: CollectionLog): TS.Node[] | undefined {
  const { origin } = run;
  const list = recordedIndexedNodes(origin.oldTree);
  if (!list) return undefined;
  // where the body's indexed nodes start: after its function's and its header's (a function is indexed)
  const f = list.indexOf(origin.oldFunction);
  if (f < 0) return undefined;
  let a = f + 1;
  for (let k = run.fnIndex + 1; k < run.start; k++) a += INDEXED[log.nodes[k].kind];
  const b = a + run.oldIndexed;
  if (b > list.length || (run.firstOldIndexed && list[a] !== run.firstOldIndexed)) return undefined;
  const at: Array<[number, TS.Node]> = [];
  for (const [old, copy] of origin.copies) {
    if (!INDEXED[old.kind]) continue;
    const i = old === origin.oldFunction ? f : list.lastIndexOf(old, a - 1);
    if (i < 0) return undefined;
    at.push([i, copy]);
  }
  let count = 0;
  const end = run.start + run.count;
  for (let k = run.start; k < end; k++) count += INDEXED[log.nodes[k].kind];
  for (const [i, copy] of at) list[i] = copy;
  replaceRun(list, undefined, a, b, count);
  for (let k = run.start, j = a; k < end; k++) if (INDEXED[log.nodes[k].kind]) list[j++] = log.nodes[k];
  collectionStats.indexPatched++;
  return list;
}

/** Where the collecting walk is: the enclosing function and class, and the qualified-name prefix. */
interface CollectCtx {
  owner: string | undefined;
  parentFn: FnInfo | undefined;
  cls: TS.ClassLikeDeclaration | undefined;
}

/** One function as the collection found it (FnInfo without the analysis's state). */
interface CollectedFn {
  node: TS.FunctionLikeDeclaration;
  name: string;
  qualifiedName: string;
  key: string;
  /** Index of the enclosing function (-1: none). */
  parent: number;
  classNode: TS.ClassLikeDeclaration | undefined;
  /** The class context in effect at the function (what its body's nodes are collected with). */
  cls: TS.ClassLikeDeclaration | undefined;
  params: string[];
  hasNested: boolean;
  memoWrapped: boolean;
  selfCalls: boolean;
  hoisted: TS.Node[] | undefined;
}

/**
 * What the collecting walk found in one tree, kept per tree in the language server's mode. After
 * an edit spliced into one function body, the next tree's collection is this one patched: the
 * body's part collected again, the path's copies in place of their originals, the mutation sites
 * after the body moved (FileAnalyzer.patchFrom). Equal to a fresh walk (splice.test.ts).
 */
interface Collection {
  fns: CollectedFn[];
  topHoisted: TS.Node[];
  classes: Array<[string, TS.ClassLikeDeclaration]>;
  mutationSites: Array<[string, number[]]>;
  /** Index in `fns` by key, once a run has asked (FileAnalyzer.fnByKey). */
  keyIndex?: Map<string, number>;
  /** The functions' names, once a run has asked (FileAnalyzer.declaredNames). */
  declared?: Set<string>;
}

const collections = treeCache<Collection>({ forNextTree: true });

/** The classes a splice copied (on the path to the edited body), old to new: usually none or one. */
class ClassCopies {
  private readonly old: TS.Node | undefined;
  private readonly copy: TS.Node | undefined;
  private readonly more: Map<TS.Node, TS.Node> | undefined;
  constructor(copies: Map<TS.Node, TS.Node>) {
    let old: TS.Node | undefined;
    let copy: TS.Node | undefined;
    let more: Map<TS.Node, TS.Node> | undefined;
    for (const [o, n] of copies) {
      if (o.kind !== SK.ClassDeclaration && o.kind !== SK.ClassExpression) continue;
      if (!old) {
        old = o;
        copy = n;
      } else (more ??= new Map()).set(o, n);
    }
    this.old = old;
    this.copy = copy;
    this.more = more;
  }
  map<T extends TS.Node>(c: T): T {
    if (c === this.old) return this.copy as T;
    return this.more ? ((this.more.get(c) as T | undefined) ?? c) : c;
  }
}

export class FileAnalyzer {
  readonly fns: FnInfo[] = [];
  /** The class context in effect at each function of `fns` (kept for the next tree's patched collection). */
  private readonly fnClasses: Array<TS.ClassLikeDeclaration | undefined> = [];
  readonly byNode = new Map<TS.Node, FnInfo>();
  readonly fileEnv = new Env();
  private fileEnvReady = false;
  readonly classes = new Map<string, TS.ClassLikeDeclaration>();
  readonly topHoisted: TS.Node[] = [];
  /** Roots of values named after their source text (Walker.textRoot), by source range. */
  readonly textRoots = new Map<number, RootRef>();
  /** Imported names resolved through the type checker (null: not a function we can analyse). */
  importAnswers?: Map<string, FnInfo | null>;
  private lineStarts: readonly number[];
  /** Index in `fns` by key: built on first use, or the previous tree's when a patch kept every key. */
  private keyIndex: Map<string, number> | undefined;
  /** The functions' names: built on first use, or the previous tree's when a patch kept every key. */
  private declared: Set<string> | undefined;
  /** This tree's collection record (the language server's mode), where a key index built later is kept. */
  private collection: Collection | undefined;
  /**
   * The tree this collection was taken over from, when every function outside one re-parsed body
   * is the same node object with the same key as there: the previous tree of a spliced edit
   * whose collection was patched (patchFrom), or this tree itself (an earlier run's record).
   * Until release (it may hold the previous tree).
   */
  derivedFrom: TS.SourceFile | undefined;
  /** The splice this collection was patched for (with derivedFrom), until release. */
  splicedFrom: SpliceOrigin | undefined;

  constructor(
    readonly sf: TS.SourceFile,
    readonly program: ProgramContext,
    readonly tag: string,
    /** Keep the collecting walk's record, and redo the collection from the previous tree's after a spliced edit (the language server). */
    incremental = false,
  ) {
    this.lineStarts = sf.getLineStarts();
    if (!incremental) {
      collectionStats.walked++;
      this.collect(false);
      return;
    }
    const kept = collectionLogs.get(sf);
    const known = kept && collections.get(sf);
    if (kept && known) {
      // the same tree again (another run over it)
      collectionStats.fromRecord++;
      this.restore(known);
      this.derivedFrom = sf;
      this.collection = known;
      this.keyIndex = known.keyIndex;
      this.declared = known.declared;
      rememberIndexedNodes(sf, indexedOf(kept));
      return;
    }
    const spliced = kept ? undefined : splicedLog(sf);
    const log = kept ?? spliced?.log;
    if (log) {
      collectionLogs.set(sf, log);
      collectionStats.fromRecord++;
      if (spliced && this.patchFrom(spliced.run, log)) {
        this.derivedFrom = spliced.run.origin.oldTree;
        this.splicedFrom = spliced.run.origin;
      }
      else this.collectFrom(log);
      // the previous tree's records are used up (see treeCaches.ts)
      if (spliced) forgetTree(spliced.run.origin.oldTree);
    } else {
      collectionStats.walked++;
      this.collect(true);
    }
    this.collection = this.snapshot();
    collections.set(sf, this.collection);
  }

  /** The names of the file's functions (a key holds its function's name: kept with the key index). */
  declaredNames(): Set<string> {
    if (!this.declared) {
      const names = new Set<string>();
      for (const f of this.fns) names.add(f.name);
      this.declared = names;
      if (this.collection) this.collection.declared = names;
    }
    return this.declared;
  }

  /** The function with this key (FnInfo.key), if the file has one. */
  fnByKey(key: string): FnInfo | undefined {
    if (!this.keyIndex) {
      const index = new Map<string, number>();
      for (let i = 0; i < this.fns.length; i++) index.set(this.fns[i].key, i);
      this.keyIndex = index;
      if (this.collection) this.collection.keyIndex = index;
    }
    const i = this.keyIndex.get(key);
    return i === undefined ? undefined : this.fns[i];
  }

  /**
   * Drops this analysis's state once its summaries are out (see analyzeFunctionsStepwise): the
   * functions, their results and environments, the file's bindings. The language server makes a
   * FileAnalyzer per keystroke; dropped, a finished one holds nothing that a stale pointer from
   * older garbage could keep alive through young-generation GCs. Measured on a 5,000-line file
   * (in process, 300 edits), the scavenges' total pause fell by 40%. The analyzer is unusable after.
   */
  release(): void {
    // (an optional field is only cleared where it is set: no new property on the other objects)
    for (const fn of this.fns) {
      if (fn.result) fn.result = undefined;
      if (fn.env) fn.env = undefined;
      if (fn.liveEnv) fn.liveEnv = undefined;
      if (fn.mapMemo) fn.mapMemo = undefined;
      if (fn.hoisted) fn.hoisted = undefined;
      fn.parent = undefined;
    }
    this.resetCollection();
    this.textRoots.clear();
    this.importAnswers = undefined;
    this.derivedFrom = undefined;
    this.splicedFrom = undefined;
    this.fileEnv.vars.clear();
  }

  /** What this collection found, for the next tree (see Collection). */
  private snapshot(): Collection {
    const fns: CollectedFn[] = new Array(this.fns.length);
    for (let i = 0; i < this.fns.length; i++) {
      const f = this.fns[i];
      fns[i] = {
        node: f.node,
        name: f.name,
        qualifiedName: f.qualifiedName,
        key: f.key,
        parent: f.parent ? f.parent.index : -1,
        classNode: f.classNode,
        cls: this.fnClasses[i],
        params: f.params,
        hasNested: !!f.hasNested,
        memoWrapped: !!f.memoWrapped,
        selfCalls: !!f.selfCalls,
        hoisted: f.hoisted,
      };
    }
    return { fns, topHoisted: this.topHoisted.slice(), classes: [...this.classes], mutationSites: [...this.mutationSites].map(([k, v]) => [k, v.slice()]), keyIndex: this.keyIndex, declared: this.declared };
  }

  /**
   * An FnInfo for a collected function, its nodes mapped through `copies` (a splice's path). With
   * `classes`, only its classes are: a function that does not enclose the edited body has none of
   * its own nodes on the path (see patchFrom).
   */
  private addCollected(c: CollectedFn, copies: Map<TS.Node, TS.Node> | undefined, parent: FnInfo | undefined, classes?: ClassCopies): FnInfo {
    // (no closure for the mapping: one per function per keystroke, see n-plus-one's PendingAsk)
    let node = c.node;
    let classNode = c.classNode;
    let cls = c.cls;
    let hoisted = c.hoisted;
    if (classes) {
      if (classNode !== undefined) classNode = classes.map(classNode);
      if (cls !== undefined) cls = classes.map(cls);
    } else if (copies) {
      node = mapThrough(copies, node);
      if (classNode !== undefined) classNode = mapThrough(copies, classNode);
      if (cls !== undefined) cls = mapThrough(copies, cls);
      if (hoisted) hoisted = hoisted.map((h) => mapThrough(copies, h));
    }
    const info: FnInfo = { node, index: this.fns.length, name: c.name, qualifiedName: c.qualifiedName, key: c.key, scope: this.tag + c.key, parent, classNode, file: this, params: c.params };
    if (c.hasNested) info.hasNested = true;
    if (c.memoWrapped) info.memoWrapped = true;
    if (c.selfCalls) info.selfCalls = true;
    if (hoisted) info.hoisted = hoisted;
    this.fns.push(info);
    this.fnClasses.push(cls);
    this.byNode.set(node, info);
    return info;
  }

  /** This tree's collection from what an earlier run over the same tree found. */
  private restore(c: Collection): void {
    for (const f of c.fns) this.addCollected(f, undefined, f.parent >= 0 ? this.fns[f.parent] : undefined);
    for (const h of c.topHoisted) this.topHoisted.push(h);
    for (const [name, cls] of c.classes) this.classes.set(name, cls);
    for (const [name, sites] of c.mutationSites) this.mutationSites.set(name, sites.slice());
  }

  /**
   * The collection of a tree spliced from the previous one (one function body re-parsed): the
   * previous tree's collection with the body's part collected again, instead of collectOne over
   * every node of the file. False (nothing collected) when it cannot be done that way: no
   * collection of the previous tree, a class in the old or the new body, or functions in the
   * body whose names differ in sequence from the old body's (later functions' keys would change).
   */
  private patchFrom(run: SplicedRun, log: CollectionLog): boolean {
    const prev = collections.get(run.origin.oldTree);
    if (!prev || run.classes) return false;
    const { origin } = run;
    const fIdx = prev.fns.findIndex((f) => f.node === origin.oldFunction);
    if (fIdx < 0) return false;
    // the old body's functions: the ones right after F in pre-order that F encloses (a parent
    // after F is one of them), without walking up each one's parents (nesting can be deep)
    let end = fIdx + 1;
    while (end < prev.fns.length && prev.fns[end].parent >= fIdx) end++;
    // what F's header holds (default values: calls, functions) is not collected again: such a function is patched no further
    for (let k = run.fnIndex + 1; k < run.start; k++) if (COLLECTED_KINDS[log.nodes[k].kind]) return false;
    const copies = origin.copies;
    const seen = new Map<string, number>();
    // A class member re-parsed for an edit in its header: what the header gives (its parameters,
    // a memo decorator) is read again; a new name would change keys (the next functions' too),
    // so then the file is collected again (from the log).
    let own = prev.fns[fIdx];
    if (origin.member && !origin.sameCode) {
      const node = origin.newFunction as TS.FunctionLikeDeclaration;
      if (functionName(node) !== own.name) return false;
      own = { ...own, params: node.parameters.map((p) => (isIdentifier(p.name) ? p.name.text : '')), memoWrapped: hasMemoDecorator(node) };
    }
    // What the splice copied are the nodes on the path to the body: F and the functions around it
    // (their nodes, their hoisted declarations), and the classes around it (the classes of their
    // methods). A function that does not enclose the body has no other node on the path: its
    // class alone is mapped (no look-up in `copies` for each of its nodes, for every function
    // of the file on every keystroke).
    const enclosing = new Set<number>();
    for (let i = fIdx; i >= 0; i = prev.fns[i].parent) enclosing.add(i);
    const classes = new ClassCopies(copies);
    for (let i = 0; i <= fIdx; i++) {
      const c = prev.fns[i];
      seen.set(c.qualifiedName, (seen.get(c.qualifiedName) ?? 0) + 1);
      // F itself: what its body gives (nested functions, self-calls, hoisted declarations) is collected again
      this.addCollected(i === fIdx ? { ...own, hasNested: false, selfCalls: false, hoisted: undefined } : c, copies, c.parent >= 0 ? this.fns[c.parent] : undefined, enclosing.has(i) ? undefined : classes);
    }
    const fn = this.fns[fIdx];
    // (the mutation sites collected from here on are the new body's)
    const fnCtx: CollectCtx = { owner: fn.qualifiedName, parentFn: fn, cls: this.fnClasses[fIdx] };
    const ctxs: Array<CollectCtx | undefined> = new Array(run.count);
    for (let k = run.start; k < run.start + run.count; k++) {
      const node = log.nodes[k];
      if (!COLLECTED_KINDS[node.kind]) continue;
      const o = log.owners[k];
      const ctx = o === run.fnIndex ? fnCtx : ctxs[o - run.start]!;
      const child = this.collectOne(node, ctx, seen);
      if (CONTEXT_KINDS[node.kind]) ctxs[k - run.start] = child;
    }
    const added = this.fns.length - fIdx - 1;
    let same = added === end - fIdx - 1;
    for (let i = 0; same && i < added; i++) same = this.fns[fIdx + 1 + i].qualifiedName === prev.fns[fIdx + 1 + i].qualifiedName;
    if (!same) {
      this.resetCollection();
      return false;
    }
    for (let i = end; i < prev.fns.length; i++) {
      const c = prev.fns[i];
      this.addCollected(c, copies, c.parent >= 0 ? this.fns[c.parent] : undefined, classes);
    }
    for (const h of prev.topHoisted) this.topHoisted.push((copies.get(h) as TS.Node | undefined) ?? h);
    for (const [name, cls] of prev.classes) this.classes.set(name, (copies.get(cls) as TS.ClassLikeDeclaration | undefined) ?? cls);
    // mutation sites: before the body as they were, the new body's, after the body moved
    const from = origin.oldBody.pos;
    const to = origin.oldBody.end;
    const delta = origin.newBody.end - to;
    const inBody = new Map(this.mutationSites);
    const merged: Array<[string, number[]]> = [];
    for (const [name, was] of prev.mutationSites) {
      const out: number[] = [];
      for (const p of was) if (p < from) out.push(p);
      const body = inBody.get(name);
      if (body) {
        for (const p of body) out.push(p);
        inBody.delete(name);
      }
      for (const p of was) if (p >= to) out.push(p + delta);
      if (out.length) merged.push([name, out]);
    }
    for (const entry of inBody) merged.push(entry);
    // in the order a walk meets them: by first site
    merged.sort((a, b) => a[1][0] - b[1][0]);
    this.mutationSites.clear();
    for (const [name, sites] of merged) this.mutationSites.set(name, sites);
    rememberIndexedNodes(this.sf, splicedIndex(run, log) ?? indexedOf(log));
    // every function kept its key at its index (the same functions before and after the body,
    // the same names in sequence in it): the previous key index holds
    this.keyIndex = prev.keyIndex;
    this.declared = prev.declared;
    collectionStats.patched++;
    return true;
  }

  /** Forgets what the collection found (patchFrom gave up, or release). */
  private resetCollection(): void {
    this.keyIndex = undefined;
    this.declared = undefined;
    this.collection = undefined;
    this.fns.length = 0;
    this.fnClasses.length = 0;
    this.byNode.clear();
    this.classes.clear();
    this.topHoisted.length = 0;
    this.mutationSites.clear();
  }

  /** The collection from a record of the walk (see CollectionLog): collectOne for each node, in order. */
  private collectFrom(log: CollectionLog): void {
    const seen = new Map<string, number>();
    const root: CollectCtx = { owner: undefined, parentFn: undefined, cls: undefined };
    const { nodes, owners } = log;
    const ctxs: Array<CollectCtx | undefined> = new Array(nodes.length);
    const indexed: TS.Node[] = [];
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i];
      const kind = node.kind;
      if (INDEXED[kind]) indexed.push(node);
      if (COLLECTED_KINDS[kind]) {
        const o = owners[i];
        const ctx = o < 0 ? root : ctxs[o]!;
        const child = this.collectOne(node, ctx, seen);
        if (CONTEXT_KINDS[kind]) ctxs[i] = child;
      }
    }
    rememberIndexedNodes(this.sf, indexed);
  }

  /**
   * Where each name is added to inside functions (`name.push(x)`, `.unshift`, `.set`, `.add`,
   * `name[k] = v`), as ascending offsets: recorded by the one walk that collects the functions.
   */
  readonly mutationSites = new Map<string, number[]>();

  private noteMutation(target: TS.Expression, pos: number): void {
    const name = target.kind === SK.Identifier ? (target as TS.Identifier).text : target.kind === SK.PropertyAccessExpression ? (target as TS.PropertyAccessExpression).name.text : undefined;
    if (!name) return;
    const l = this.mutationSites.get(name);
    if (l) l.push(pos);
    else this.mutationSites.set(name, [pos]);
  }

  lineOf(pos: number): number {
    let lo = 0, hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /**
   * Collect every function-like node in source order (pre-order). Recursive while the tree is
   * shallow (no stack bookkeeping per node), iterative below a depth limit (deep nesting is fine).
   */
  private collect(record: boolean): void {
    const seen = new Map<string, number>();
    const log: CollectionLog | undefined = record ? { nodes: [], owners: [] } : undefined;
    let owner = -1;
    // Context changes only at functions and classes: one context object per such node.
    const root: CollectCtx = { owner: undefined, parentFn: undefined, cls: undefined };
    // a file collected while another file's functions are walked (an imported callee) sits on a deep stack
    const limit = (this.program.walkDepth ?? 0) > 0 ? 16 : 200;
    let ctx = root;
    let depth = 0;
    // The nodes the rules look at, recorded on the way (analysis/nodeIndex.ts): the rules then
    // need no walk of their own.
    const indexed: TS.Node[] = [];
    // A tree parsed with deferred parents (project/document.ts) gets them here, on the way: each
    // node's parent is set before the node is looked at.
    const bindParents = takePendingParents(this.sf);
    let parent: TS.Node = this.sf;
    const sf = this.sf;
    const visit = (node: TS.Node): void => {
      if (bindParents) {
        if (node !== sf) (node as { parent: TS.Node }).parent = parent;
        if ((node as { jsDoc?: unknown }).jsDoc) setJSDocParents(node);
      }
      if (INDEXED[node.kind]) indexed.push(node);
      const outerOwner = owner;
      if (log && node !== sf && isLogged(node.kind)) {
        log.nodes.push(node);
        log.owners.push(owner);
        if (CONTEXT_KINDS[node.kind]) owner = log.nodes.length - 1;
      }
      const outer = ctx;
      const child = COLLECTED_KINDS[node.kind] ? this.collectOne(node, outer, seen) : outer;
      if (depth >= limit) {
        this.collectDeep(node, child, seen, indexed, bindParents, log, owner);
        owner = outerOwner;
        return;
      }
      depth++;
      ctx = child;
      const outerParent = parent;
      parent = node;
      forEachChild(node, visit);
      parent = outerParent;
      ctx = outer;
      owner = outerOwner;
      depth--;
    };
    try {
      visit(sf);
    } catch (error) {
      // never leave a tree half-parented
      if (bindParents) setParents(this.sf);
      throw error;
    }
    rememberIndexedNodes(this.sf, indexed);
    if (log) collectionLogs.set(this.sf, log);
  }

  /** The children of `top` and all below them, in pre-order, with an explicit stack. */
  private collectDeep(top: TS.Node, topCtx: CollectCtx, seen: Map<string, number>, indexed: TS.Node[], bindParents: boolean, log: CollectionLog | undefined, topOwner: number): void {
    const nodes: TS.Node[] = [];
    const ctxs: CollectCtx[] = [];
    const owners: number[] = [];
    const kids: TS.Node[] = [];
    const collectKid = (c: TS.Node) => {
      kids.push(c);
    };
    const push = (node: TS.Node, ctx: CollectCtx, owner: number) => {
      kids.length = 0;
      forEachChild(node, collectKid);
      for (let i = kids.length - 1; i >= 0; i--) {
        if (bindParents) (kids[i] as { parent: TS.Node }).parent = node;
        nodes.push(kids[i]);
        ctxs.push(ctx);
        owners.push(owner);
      }
    };
    push(top, topCtx, topOwner);
    while (nodes.length) {
      const node = nodes.pop()!;
      const ctx = ctxs.pop()!;
      let owner = owners.pop()!;
      if (bindParents && (node as { jsDoc?: unknown }).jsDoc) setJSDocParents(node);
      if (INDEXED[node.kind]) indexed.push(node);
      if (log && isLogged(node.kind)) {
        log.nodes.push(node);
        log.owners.push(owner);
        if (CONTEXT_KINDS[node.kind]) owner = log.nodes.length - 1;
      }
      push(node, COLLECTED_KINDS[node.kind] ? this.collectOne(node, ctx, seen) : ctx, owner);
    }
  }

  /** Record one node of the collecting walk (of a kind in COLLECTED_KINDS); returns the context of its children. */
  private collectOne(node: TS.Node, ctx: CollectCtx, seen: Map<string, number>): CollectCtx {
    let child = ctx;
    const k = node.kind;
    if (k === SK.FunctionDeclaration || k === SK.ClassDeclaration || (k === SK.VariableDeclaration && (node as TS.VariableDeclaration).initializer && (isFunctionLike(unwrap((node as TS.VariableDeclaration).initializer!)) || unwrap((node as TS.VariableDeclaration).initializer!).kind === SK.ClassExpression || memoWrapped((node as TS.VariableDeclaration).initializer)))) {
      if (ctx.parentFn) (ctx.parentFn.hoisted ??= []).push(node);
      else this.topHoisted.push(node);
    }
    if (isFunctionLike(node)) {
      const name = functionName(node);
      const qualifiedName = ctx.owner ? `${ctx.owner}.${name}` : name;
      const ordinal = seen.get(qualifiedName) ?? 0;
      seen.set(qualifiedName, ordinal + 1);
      const key = `${qualifiedName}#${ordinal}`;
      const params = node.parameters.map((p) => (isIdentifier(p.name) ? p.name.text : ''));
      const info: FnInfo = { node, index: this.fns.length, name, qualifiedName, key, scope: this.tag + key, parent: ctx.parentFn, classNode: ctx.cls && node.parent === ctx.cls ? ctx.cls : undefined, file: this, params };
      if (ctx.parentFn) ctx.parentFn.hasNested = true;
      if (hasMemoDecorator(node) || (node.parent && isCallExpression(node.parent) && memoWrapped(node.parent) === node)) info.memoWrapped = true;
      this.fns.push(info);
      this.fnClasses.push(ctx.cls);
      this.byNode.set(node, info);
      child = { owner: qualifiedName, parentFn: info, cls: ctx.cls };
    } else if (k === SK.ClassDeclaration || k === SK.ClassExpression) {
      const c = node as TS.ClassLikeDeclaration;
      const cname = c.name?.text ?? '<class>';
      if (c.name) this.classes.set(cname, c);
      child = { owner: ctx.owner ? `${ctx.owner}.${cname}` : cname, parentFn: ctx.parentFn, cls: c };
    } else if (k === SK.CallExpression && ctx.parentFn) {
      // direct self-calls: f(...) or this.f(...) inside f
      const callee = (node as TS.CallExpression).expression;
      const fn = ctx.parentFn;
      if ((callee.kind === SK.Identifier && (callee as TS.Identifier).text === fn.name) || (callee.kind === SK.PropertyAccessExpression && (callee as TS.PropertyAccessExpression).expression.kind === SK.ThisKeyword && (callee as TS.PropertyAccessExpression).name.text === fn.name)) fn.selfCalls = true;
      if (callee.kind === SK.PropertyAccessExpression && MUTATORS.has((callee as TS.PropertyAccessExpression).name.text)) this.noteMutation((callee as TS.PropertyAccessExpression).expression, node.pos);
    } else if (k === SK.BinaryExpression && ctx.parentFn && (node as TS.BinaryExpression).operatorToken.kind === SK.EqualsToken && (node as TS.BinaryExpression).left.kind === SK.ElementAccessExpression) {
      this.noteMutation(((node as TS.BinaryExpression).left as TS.ElementAccessExpression).expression, node.pos);
    }
    return child;
  }

  /** Module-level bindings: functions, classes, constants, imports. */
  ensureFileEnv(): void {
    if (this.fileEnvReady) return;
    this.fileEnvReady = true;
    prebind(this, this.topHoisted, this.fileEnv, undefined, 0);
    for (const st of this.sf.statements) {
      if (isImportDeclaration(st) && st.importClause) {
        const ic = st.importClause;
        if (ic.name) this.fileEnv.vars.set(ic.name.text, { shape: rootShape('', ic.name.text), level: 0, imported: ic.name });
        const nb = ic.namedBindings;
        if (nb && isNamedImports(nb)) for (const el of nb.elements) this.fileEnv.vars.set(el.name.text, { shape: rootShape('', el.name.text), level: 0, imported: el.name });
        if (nb && isNamespaceImport(nb)) this.fileEnv.vars.set(nb.name.text, { shape: rootShape('', nb.name.text), level: 0, imported: nb.name });
      }
    }
    // constants: a light walk that records shapes (no costs needed)
    const w = new Walker(this, undefined, this.fileEnv);
    for (const st of this.sf.statements) {
      if (isVariableStatement(st)) {
        try {
          w.stmt(st);
        } catch {
          /* keep going */
        }
      }
    }
  }

  /** Summary of a function, computed on demand (cycles and deep chains terminate). */
  summary(fn: FnInfo): FnResult | undefined {
    if (fn.result) return fn.result;
    if (fn.running) return undefined;
    const cached = this.program.onAnalyze?.(fn);
    if (cached) {
      fn.result = cached;
      return cached;
    }
    if (this.program.depth > MAX_CALL_DEPTH || (this.program.walkDepth ?? 0) > MAX_TOTAL_WALK_DEPTH / 2) return undefined;
    this.ensureFileEnv();
    // The environment of the enclosing function first: its walk may call this function, which
    // is then analysed there, in the environment that walk has built (as when the enclosing
    // function is analysed first). Marked running before, this function would look recursive
    // to its own enclosing function's walk.
    const p = fn.parent;
    if (p && !p.env && !p.running && !p.envPending) {
      this.envFor(fn);
      if (fn.result) return fn.result;
      if (fn.running) return undefined;
    }
    fn.running = true;
    this.program.depth++;
    let res: FnResult;
    try {
      res = analyzeOne(this, fn);
    } catch (e) {
      res = { cost: O1, evidence: [evidenceAt(fn.node, this.sf, O1, `analysis failed: ${(e as Error)?.message ?? e}`)], confidence: 'low', deps: new Set(), recursive: false };
    } finally {
      this.program.depth--;
      fn.running = false;
    }
    fn.result = res;
    this.program.stats.analyses++;
    this.program.afterAnalyze?.(fn, res);
    return res;
  }

  /** Environment a function body starts from: its enclosing function's final env, or the file's. */
  envFor(fn: FnInfo): Env {
    this.ensureFileEnv();
    const p = fn.parent;
    if (!p) return this.fileEnv;
    if (p.env) return p.env;
    // the parent's env is built by walking it; a closure analysed before its parent finished
    // (called from the parent) is handed the parent's live env by the walker.
    if (!p.envPending) {
      p.envPending = true;
      this.summary(p);
      // A result taken from the summary cache (the language server, after an edit elsewhere)
      // built no environment: its closures would start from the one around it instead, without
      // its variables (a visitor inside ESLint's `create(context)` no longer measuring `stack`,
      // once a helper it calls was renamed). The function is walked for it, as a fresh analysis
      // would; its result stays the cached one (the same summary).
      // (also while its cache entry's dependencies are checked, which is how a closure it
      // encloses comes to be derived before it: marked running then, but not walked)
      if (!p.env && (!p.running || p.validating) && p.hasNested) this.walkForEnv(p);
    }
    return p.env ?? this.envFor(p);
  }

  /** Walks `p` (whose result came from the cache) for the environment its closures start from. */
  private walkForEnv(p: FnInfo): void {
    if (this.program.depth > MAX_CALL_DEPTH || (this.program.walkDepth ?? 0) > MAX_TOTAL_WALK_DEPTH / 2) return;
    const result = p.result;
    const running = !!p.running;
    p.running = true;
    this.program.depth++;
    try {
      analyzeOne(this, p);
    } catch {
      // (its closures start from the environment around it, as before)
    } finally {
      this.program.depth--;
      p.running = running;
      p.result = result;
    }
  }
}

function kindFromType(t: TS.TypeNode | undefined, name: string): ShapeKind {
  if (!t) {
    if (/^(root|node|tree)$/i.test(name)) return 'tree';
    if (/^(head|list|l1|l2|list1|list2)$/i.test(name)) return 'list';
    return 'unknown';
  }
  if (isUnionTypeNode(t)) {
    for (const m of t.types) {
      const k = kindFromType(m, name);
      if (k !== 'unknown') return k;
    }
    return 'unknown';
  }
  if (t.kind === SK.NumberKeyword || t.kind === SK.BigIntKeyword) return 'number';
  if (t.kind === SK.StringKeyword) return 'string';
  if (isArrayTypeNode(t) || isTupleTypeNode(t)) return 'array';
  if (isTypeReferenceNode(t)) {
    const n = nodeText(t.typeName);
    if (/Tree|^Node$/.test(n)) return 'tree';
    if (/List/.test(n)) return 'list';
    if (/^(Readonly)?Map$/.test(n)) return 'map';
    if (/^(Readonly)?Set$/.test(n)) return 'set';
    if (/Array$/.test(n)) return 'array';
    if (/^Record$/.test(n)) return 'object';
  }
  if (isTypeLiteralNode(t)) return 'object';
  return 'unknown';
}

/** [start, end) offsets of the function-like hoisted declarations, as flattened pairs. */
function nestedFunctionRanges(hoisted: readonly TS.Node[]): number[] {
  const out: number[] = [];
  for (const h of hoisted) {
    const fnNode = isVariableDeclaration(h) ? h.initializer && unwrap(h.initializer) : h;
    if (!fnNode || !isFunctionLike(fnNode) || fnNode.pos < 0) continue;
    out.push(fnNode.pos, fnNode.end);
  }
  return out;
}

/**
 * Calls `each` with the JSDoc comments a function's parameters are read from (paramKind, through
 * ts.getJSDocType): those of the function and of up to three enclosing nodes in its block (a
 * `const f = (x) => ...` statement, say); stops when `each` returns true.
 */
function eachJSDocHost(fn: TS.Node, each: (docs: readonly TS.Node[]) => boolean | void): boolean {
  for (let cur: TS.Node | undefined = fn, i = 0; cur && i < 4; cur = cur.parent, i++) {
    const docs = (cur as unknown as { jsDoc?: TS.Node[] }).jsDoc;
    if (docs?.length && each(docs)) return true;
    if (isBlock(cur) || isSourceFile(cur)) break;
  }
  return false;
}

function hasJSDoc(n: TS.Node): boolean {
  return eachJSDocHost(n, () => true);
}

/**
 * The text of the JSDoc comments a function's summary may depend on (see eachJSDocHost): a JSDoc
 * `@param {ListNode} h` changes what h is measured by. Leading trivia, it is not in the function's
 * own text (getText), so the summary cache keys it separately.
 */
export function jsDocTextOf(fn: TS.Node, sf: TS.SourceFile): string {
  let out = '';
  eachJSDocHost(fn, (docs) => {
    for (const d of docs) out += sf.text.slice(d.pos, d.end);
  });
  return out;
}

function paramKind(p: TS.ParameterDeclaration, name: string): ShapeKind {
  let t = p.type;
  if (!t && hasJSDoc(p.parent)) {
    try {
      t = ts.getJSDocType(p);
    } catch {
      t = undefined;
    }
  }
  if (t && !p.type) {
    // JSDoc {TreeNode} / {ListNode}
    const txt = nodeText(t);
    if (/Tree/.test(txt)) return 'tree';
    if (/ListNode/.test(txt)) return 'list';
  }
  return kindFromType(t, name);
}

/** Hoisted declarations of a body: nested function declarations, function-valued consts, classes. */
/** Bind a body's hoisted declarations (collected once per file): functions, function-valued consts, classes. */
function prebind(file: FileAnalyzer, decls: readonly TS.Node[], env: Env, owner: FnInfo | undefined, level: number): void {
  for (const st of decls) {
    if (isFunctionDeclaration(st) && st.name) {
      const info = file.byNode.get(st);
      if (info) env.vars.set(st.name.text, { shape: { fn: info }, level, owner, fn: info });
    } else if (isClassDeclaration(st) && st.name) {
      env.vars.set(st.name.text, { shape: { cls: st.name.text }, level, owner, cls: st });
    } else if (isVariableDeclaration(st) && isIdentifier(st.name) && st.initializer) {
      const init = memoWrapped(st.initializer) ?? unwrap(st.initializer);
      if (isFunctionLike(init)) {
        const info = file.byNode.get(init);
        if (info) env.vars.set(st.name.text, { shape: { fn: info }, level, owner, fn: info });
      } else if (isClassExpression(init)) {
        env.vars.set(st.name.text, { shape: { cls: st.name.text }, level, owner, cls: init });
      }
    }
  }
}

function analyzeOne(file: FileAnalyzer, fn: FnInfo): FnResult {
  const outer = fn.parent && !fn.parent.env && fn.parent.running ? fn.parent.liveEnv ?? file.envFor(fn) : file.envFor(fn);
  const env = new Env(outer);
  const w = new Walker(file, fn, env);
  return w.run();
}


type UpdKind = 'inc' | 'dec' | 'mul' | 'div' | 'chase' | 'mid' | 'reset' | 'other' | 'harmonic' | 'series' | 'data';
interface Upd {
  kind: UpdKind;
  node: TS.Node;
  rhs?: TS.Expression;
  /** Heap-style descent (i = child, child = 2i + 1): the sizes the child indices are checked against. */
  childBounds?: TS.Expression[];
  /** The descending index and its child locals (comparisons among them bound nothing). */
  family?: Set<string>;
}

interface LoopInfo {
  iter: Cost;
  reason: string;
  confident: boolean;
  /** frame index into which the loop's whole cost is charged once (amortised), if any */
  amortLevel?: number;
  amortReason?: string;
  worklist?: string;
  kind: 'loop' | 'worklist';
  progressVars?: string[];
  /** The counter steps by this variable (i += k): the loop runs range/k times. */
  stepDivisor?: string;
  /** Variables that leave the loop about as large as their bound. */
  finals?: Array<[string, Cost]>;
}

/**
 * A root named after the source text of `node`, read the first time the name is asked for (when
 * a variable is minted from it). The getter is the class's, shared by every instance. An object
 * literal with its own `get name()` closure would not do: V8 gives each such object a map of its
 * own, maps live in the old generation until a full GC, and a dead map's pointer to its young
 * getter made young-generation GCs keep the getter's context alive: the walker, its file analysis
 * and the whole syntax tree and text of that keystroke. Every keystroke's tree then outlived the
 * next scavenge and was promoted (600 typed edits of GitApi.js in process, parse and summaries
 * only: 330 MB promoted instead of ~50 MB).
 */
class TextRoot implements RootRef {
  readonly depth = 0;
  readonly kind: ShapeKind = 'unknown';
  private read: string | undefined;
  constructor(
    readonly scope: string,
    private readonly walker: Walker,
    private readonly node: TS.Node,
  ) {}
  get name(): string {
    return (this.read ??= this.walker.text(this.node, 30));
  }
}

export class Walker {
  frames: Frame[] = [];
  evidence: RawEvidence[] = [];
  lows: string[] = [];
  mediums: string[] = [];
  recSites: RecSite[] = [];
  deps = new Set<FnInfo>();
  cycleDeps?: Set<FnInfo>;
  declaredDeps?: Set<FnInfo>;
  unresolvedNames?: Set<string>;
  /** Charged once per invocation, outside the recursion multiplier (amortised adjacency scans). */
  fnAmort: Cost = O1;
  private depth = 0;
  private nodes = 0;
  private cut = false;
  memoState?: { name: string; node: TS.Node };
  /** Collections from enclosing scopes that this recursive function pushes to and pops (a path): their size is the recursion depth. */
  private pathStacks = new Set<string>();
  /** Key of the placeholder variable standing for the recursion depth (replaced when the recursion is solved). */
  depthKey?: string;
  readonly reg: VarRegistry;
  readonly sf: TS.SourceFile;

  constructor(
    readonly file: FileAnalyzer,
    readonly fn: FnInfo | undefined,
    public env: Env,
  ) {
    this.reg = file.program.reg;
    this.sf = file.sf;
  }

  get scope(): string {
    return this.fn?.scope ?? this.file.tag;
  }

  // ------------------------------------------------------------------ entry

  run(): FnResult {
    const fn = this.fn!;
    const node = fn.node;
    fn.liveEnv = this.env;
    node.parameters.forEach((p, i) => this.bindParam(p, i));
    const selfRecursive = !!fn.selfCalls && !!node.body;
    if (selfRecursive) {
      // path stacks: outer collections pushed to before recursing
      forEachDescendant(node.body!, (n) => {
        if (isCallExpression(n) && isPropertyAccessExpression(n.expression) && /^(push|add|unshift)$/.test(n.expression.name.text)) {
          const nm = identName(n.expression.expression);
          const b = nm ? this.env.lookup(nm) : undefined;
          if (nm && b && b.owner !== fn && !b.fn) this.pathStacks.add(nm);
        }
      });
      if (this.pathStacks.size) {
        const c = this.reg.mint({ scope: this.scope, name: '@depth', depth: 0, kind: 'unknown' }, 'len');
        this.depthKey = variablesOf(c)[0];
      }
    }
    let body: Cost = O1;
    if (node.body) {
      if (isBlock(node.body)) {
        prebind(this.file, fn.hoisted ?? [], this.env, fn, 0);
        this.memoState = fn.memoWrapped ? { name: '@memo', node } : selfRecursive ? detectMemo(this, node) : undefined;
        body = this.block(node.body.statements);
      } else {
        this.memoState = fn.memoWrapped ? { name: '@memo', node } : undefined;
        body = this.expr(node.body);
        this.noteReturn(node.body);
      }
    }
    // closures read the final environment; functions without nested functions need not keep it
    if (fn.hasNested) fn.env = this.env;
    fn.liveEnv = undefined;
    let cost = body;
    let amortized: FnResult['amortized'];
    let recursive = false;
    let solvedDepth: Cost | undefined;
    if (this.recSites.length) {
      recursive = true;
      const r = solveRecursion(this, body, this.fnAmort);
      solvedDepth = r.depth;
      cost = r.cost;
      amortized = r.amortized;
      for (const e of r.evidence) this.evidence.push(e);
      if (r.confidence === 'low') this.lows.push('recursion');
      else if (r.confidence === 'medium') this.mediums.push('recursion');
    } else cost = add2(cost, this.fnAmort);
    if (this.depthKey) {
      const k = this.depthKey;
      const depth = solvedDepth ?? O1;
      const drop = (c: Cost) => substitute(c, (v) => (v === k ? depth : undefined));
      cost = drop(cost);
      if (amortized) amortized = { ...amortized, cost: drop(amortized.cost) };
      for (const e of this.evidence) e.factor = drop(e.factor);
    }
    const confidence: Confidence = this.cut || this.lows.length ? 'low' : this.mediums.length ? 'medium' : 'high';
    return { cost, amortized, evidence: this.evidence, confidence, deps: this.deps, cycleDeps: this.cycleDeps, declaredDeps: this.declaredDeps, unresolvedNames: this.unresolvedNames, recursive, returns: this.returns.len || this.returns.val ? this.returns : undefined };
  }

  returns: ReturnSizes = {};

  /** Record the sizes of a returned value (a keyed collection counts its insertions, not its local key variable). */
  noteReturn(e: TS.Expression): void {
    const sh = this.shapeOf(e);
    const len = sh.upper ?? (sh.len || (sh.root && sh.root.scope !== this.scope) ? lenOf(sh, this.reg) : undefined);
    const val = sh.val ?? (sh.root && sh.root.scope !== this.scope && sh.root.kind !== 'tree' && sh.root.kind !== 'list' ? valOf(sh, this.reg) : undefined);
    const clean = (c: Cost | undefined) => (c && !variablesOf(c).some((v) => this.reg.info(v)?.scope === this.scope && !this.fn!.params.includes(this.reg.info(v)!.root)) ? c : undefined);
    const l = clean(len), v = clean(val);
    if (l) this.returns.len = this.returns.len ? add2(this.returns.len, l) : l;
    if (v) this.returns.val = this.returns.val ? add2(this.returns.val, v) : v;
  }

  private bindParam(p: TS.ParameterDeclaration, index: number): void {
    if (isIdentifier(p.name)) {
      const name = p.name.text;
      const kind = paramKind(p, name);
      const shape = p.dotDotDotToken ? { ...rootShape(this.scope, name, 'array') } : rootShape(this.scope, name, kind);
      this.env.vars.set(name, { shape, level: 0, owner: this.fn, param: index });
    } else this.bindPattern(p.name, (n) => rootShape(this.scope, n), 0);
  }

  bindPattern(name: TS.BindingName, shapeFor: (leaf: string, path: number) => Shape, level: number): void {
    if (isIdentifier(name)) {
      this.env.vars.set(name.text, { shape: shapeFor(name.text, 0), level, owner: this.fn });
      return;
    }
    const stack: Array<{ n: TS.BindingName; depth: number }> = [{ n: name, depth: 0 }];
    while (stack.length) {
      const { n, depth } = stack.pop()!;
      if (isIdentifier(n)) this.env.vars.set(n.text, { shape: shapeFor(n.text, depth), level, owner: this.fn });
      else
        for (const el of n.elements) {
          if (isBindingElement(el)) stack.push({ n: el.name, depth: depth + 1 });
        }
    }
  }

  // ------------------------------------------------------------------ evidence helpers

  note(node: TS.Node, factor: Cost, reason: string): void {
    if (this.evidence.length < 200) this.evidence.push(evidenceAt(node, this.sf, factor, reason));
  }

  text(node: TS.Node, max = 40): string {
    let t: string;
    try {
      t = textIn(node, this.sf).replace(/\s+/g, ' ');
    } catch {
      t = '?';
    }
    return t.length > max ? t.slice(0, max - 1) + '…' : t;
  }

  /** Product of the iteration counts of frames at index >= from. */
  mult(from: number): Cost {
    let acc: Cost = O1;
    for (let i = Math.max(0, from); i < this.frames.length; i++) acc = mul2(acc, this.frames[i].iter);
    return acc;
  }

  /** Executions per pass of frames at index >= from, for sizing collections (amortised frames count once). */
  private multGrowth(from: number): Cost {
    let acc: Cost = O1;
    for (let i = Math.max(0, from); i < this.frames.length; i++) if (!this.frames[i].amortized) acc = mul2(acc, this.frames[i].iter);
    return acc;
  }

  // ------------------------------------------------------------------ statements

  block(stmts: readonly TS.Statement[] | TS.NodeArray<TS.Statement>): Cost {
    const parts: Cost[] = [];
    for (const s of stmts) {
      const c = this.stmt(s);
      if (!isConstant(c)) parts.push(c);
    }
    return parts.length ? add(...parts) : O1;
  }

  stmt(node: TS.Statement): Cost {
    if (!this.enter()) return O1;
    try {
      return this.stmtInner(node);
    } finally {
      this.leave();
    }
  }

  /** Counts one step of the walk; false (and the walk is marked cut) past the depth and size limits. */
  private enter(): boolean {
    const prog = this.file.program;
    if (this.depth > MAX_WALK_DEPTH || this.nodes > MAX_NODES || (prog.walkDepth ?? 0) > MAX_TOTAL_WALK_DEPTH) {
      this.cut = true;
      return false;
    }
    this.depth++;
    this.nodes++;
    prog.walkDepth = (prog.walkDepth ?? 0) + 1;
    return true;
  }

  private leave(): void {
    this.depth--;
    this.file.program.walkDepth!--;
  }

  private stmtInner(node: TS.Statement): Cost {
    switch (node.kind) {
      case SK.Block:
        return this.block((node as TS.Block).statements);
      case SK.VariableStatement:
        return this.declList((node as TS.VariableStatement).declarationList);
      case SK.ExpressionStatement:
        return this.expr((node as TS.ExpressionStatement).expression);
      case SK.IfStatement: {
        const n = node as TS.IfStatement;
        return add(this.expr(n.expression), this.stmt(n.thenStatement), n.elseStatement ? this.stmt(n.elseStatement) : O1);
      }
      case SK.ForStatement:
      case SK.ForOfStatement:
      case SK.ForInStatement:
      case SK.WhileStatement:
      case SK.DoStatement:
        return this.loop(node as TS.IterationStatement);
      case SK.ReturnStatement:
      case SK.ThrowStatement: {
        const e = (node as TS.ReturnStatement).expression;
        if (e && node.kind === SK.ReturnStatement && !this.frames.some((f) => f.kind === 'callback')) this.noteReturn(e);
        return e ? this.expr(e) : O1;
      }
      case SK.SwitchStatement: {
        const n = node as TS.SwitchStatement;
        const parts = [this.expr(n.expression)];
        for (const c of n.caseBlock.clauses) {
          if (isCaseClause(c)) parts.push(this.expr(c.expression));
          parts.push(this.block(c.statements));
        }
        return add(...parts);
      }
      case SK.TryStatement: {
        const n = node as TS.TryStatement;
        return add(this.stmt(n.tryBlock), n.catchClause ? this.stmt(n.catchClause.block) : O1, n.finallyBlock ? this.stmt(n.finallyBlock) : O1);
      }
      case SK.LabeledStatement:
        return this.stmt((node as TS.LabeledStatement).statement);
      case SK.FunctionDeclaration:
      case SK.ClassDeclaration:
      case SK.InterfaceDeclaration:
      case SK.TypeAliasDeclaration:
      case SK.EnumDeclaration:
      case SK.ImportDeclaration:
        return O1;
      default: {
        // anything else (module blocks, export default expr): visit children expressions
        let c: Cost = O1;
        forEachChild(node, (k) => {
          if (isStatement(k)) c = add2(c, this.stmt(k));
          else if (isExpression(k)) c = add2(c, this.expr(k));
        });
        return c;
      }
    }
  }

  declList(list: TS.VariableDeclarationList): Cost {
    let cost: Cost = O1;
    for (const d of list.declarations) {
      if (!d.initializer) {
        if (isIdentifier(d.name)) this.env.vars.set(d.name.text, { shape: { len: O1, val: O1 }, level: this.frames.length, owner: this.fn, growable: true, keyed: false });
        continue;
      }
      const wrapped = memoWrapped(d.initializer);
      const init = wrapped ?? unwrap(d.initializer);
      if (isFunctionLike(init)) {
        const info = this.file.byNode.get(init);
        if (isIdentifier(d.name) && info) this.env.vars.set(d.name.text, { shape: { fn: info }, level: this.frames.length, owner: this.fn, fn: info });
        continue;
      }
      cost = add2(cost, this.expr(d.initializer));
      if (isIdentifier(d.name)) {
        const name = d.name.text;
        const growable = isEmptyCollection(init);
        const keyed = isKeyedInit(init);
        const filled = growable && this.filledByNestedFunction(name);
        // the shape is computed when first needed (most locals are never used as sizes), in the
        // scope the declaration sits in
        const binding = new LazyBinding(this, this.env, d.initializer, name, filled, keyed, this.frames.length, this.fn, growable, init);
        this.env.vars.set(name, binding);
        continue;
      } else if (isArrayBindingPattern(d.name) && isArrayLiteralExpression(init)) {
        // let [l, r] = [0, n - 1]
        d.name.elements.forEach((el, i) => {
          if (isBindingElement(el) && isIdentifier(el.name)) {
            const src = init.elements[i];
            this.env.vars.set(el.name.text, { shape: src ? this.shapeOf(src) : {}, level: this.frames.length, owner: this.fn, init: src });
          }
        });
      } else {
        const shape = this.shapeOf(d.initializer);
        this.bindPattern(d.name, (_leaf, depth) => (depth === 0 ? shape : isArrayBindingPattern(d.name) ? elemOf(shape) : { root: { scope: this.scope, name: `${this.text(d.initializer!, 24)}.${_leaf}`, depth: 0, kind: 'unknown' } }), this.frames.length);
      }
    }
    return cost;
  }

  /** Does a function declared in this body add to `name` (name.push/set/add, name[k] = ...)? */
  private filledByNestedFunction(name: string): boolean {
    const fn = this.fn;
    if (!fn?.hoisted?.length) return false;
    // mutation sites are recorded once per file; here only their positions are checked against
    // the ranges of the nested functions (no text scan per enclosing function)
    const sites = this.file.mutationSites.get(name);
    if (!sites) return false;
    const ranges = (fn.nestedRanges ??= nestedFunctionRanges(fn.hoisted));
    for (let i = 0; i < ranges.length; i += 2) {
      const start = ranges[i], end = ranges[i + 1];
      let lo = 0, hi = sites.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (sites[mid] < start) lo = mid + 1;
        else hi = mid;
      }
      if (lo < sites.length && sites[lo] < end) return true;
    }
    return false;
  }

  // ------------------------------------------------------------------ loops

  private loop(node: TS.IterationStatement): Cost {
    let pre: Cost = O1;
    let info: LoopInfo;
    const outerEnv = this.env;
    this.env = new Env(outerEnv);
    try {
      const level = this.frames.length;
      const loopVars: string[] = [];
      if (isForStatement(node)) {
        if (node.initializer) {
          if (isVariableDeclarationList(node.initializer)) pre = this.declList(node.initializer);
          else pre = this.expr(node.initializer);
          if (isVariableDeclarationList(node.initializer)) for (const d of node.initializer.declarations) if (isIdentifier(d.name)) loopVars.push(d.name.text);
        }
        info = this.forInfo(node);
      } else if (isForOfStatement(node) || isForInStatement(node)) {
        pre = this.expr(node.expression);
        info = this.forOfInfo(node);
      } else {
        info = this.whileInfo(node as TS.WhileStatement | TS.DoStatement);
      }
      // bind loop variables
      if (isForOfStatement(node) || isForInStatement(node)) {
        const coll = this.shapeOf(node.expression);
        const elem: Shape = isForInStatement(node) ? { len: O1, val: lenOf(coll, this.reg) ?? O1 } : this.elemShapeForIteration(node.expression, coll);
        const init = node.initializer;
        if (isVariableDeclarationList(init)) {
          for (const d of init.declarations) {
            if (isIdentifier(d.name)) loopVars.push(d.name.text);
            this.bindPattern(d.name, (_leaf, depth) => {
              let s = elem;
              for (let i = 0; i < depth; i++) s = elemOf(s);
              return s;
            }, level + 1);
          }
        } else if (isIdentifier(init)) {
          const b = this.env.lookup(init.text);
          if (b) b.shape = joinShapes(b.shape, elem);
        }
      } else if (isForStatement(node)) {
        // the counter ranges over the loop's iterations: i's value is the bound
        const counters = node.incrementor ? collectUpdates([node.incrementor]) : new Map<string, Upd[]>();
        for (const v of loopVars) {
          const b = this.env.lookup(v);
          if (b && (counters.has(v) || !node.incrementor)) b.level = level + 1;
        }
        const lv = this.loopVarValues(node);
        for (const [v, s] of lv) {
          const b = this.env.lookup(v);
          if (b) b.shape = joinShapes(b.shape, s);
        }
      }
      for (const v of info.progressVars ?? []) if (!loopVars.includes(v)) loopVars.push(v);
      const frame: Frame = { iter: info.iter, node, kind: info.kind, amort: O1, loopVars, worklist: info.worklist, count: isConstant(info.iter) ? constantCount(node) : undefined, amortized: info.amortLevel !== undefined };
      this.frames.push(frame);
      let body: Cost;
      try {
        body = this.stmt(node.statement);
        if (isForStatement(node)) {
          if (node.condition) body = add2(body, this.expr(node.condition));
          if (node.incrementor) body = add2(body, this.expr(node.incrementor));
        } else if (isWhileStatement(node) || isDoStatement(node)) body = add2(body, this.expr(node.expression));
      } finally {
        this.frames.pop();
      }
      // variables declared before the loop and driven up to its bound keep that size afterwards
      for (const [v, val] of info.finals ?? []) {
        const b = outerEnv.lookup(v);
        if (b && b.owner === this.fn && b.level <= this.frames.length) b.shape = joinShapes(b.shape, { val });
      }
      const line = this.headerText(node);
      if (!info.confident) this.lows.push(`loop bound at line ${this.file.lineOf(startOf(node, this.sf))}`);
      if (info.amortLevel !== undefined && info.amortLevel >= 0 && info.amortLevel < this.frames.length) {
        const total = add2(mul2(info.iter, body), frame.amort);
        this.frames[info.amortLevel].amort = add2(this.frames[info.amortLevel].amort, total);
        this.note(node, info.iter, `${line}: ${info.reason} in total, ${info.amortReason ?? 'amortised over the enclosing loop'}`);
        this.mediums.push('amortised');
        return pre;
      }
      if (info.amortLevel !== undefined && info.amortLevel === -1) {
        // charged once per function invocation
        this.fnAmort = add(this.fnAmort, mul2(info.iter, body), frame.amort);
        this.note(node, info.iter, `${line}: ${info.reason} in total, ${info.amortReason ?? 'amortised'}`);
        this.mediums.push('amortised');
        return pre;
      }
      if (info.stepDivisor) {
        // n/k iterations of k-proportional work: n
        const d = divideBy(body, info.stepDivisor);
        if (d) {
          this.note(node, info.iter, `${line}: ${info.reason}; each iteration's work is proportional to the step, so the total is the range`);
          return add(pre, mul2(info.iter, d), frame.amort);
        }
      }
      this.note(node, info.iter, `${line}: ${info.reason}`);
      return add(pre, mul2(info.iter, body), frame.amort);
    } finally {
      this.env = outerEnv;
    }
  }

  private headerText(node: TS.IterationStatement): string {
    if (isForOfStatement(node)) return `for-of over ${this.text(node.expression, 30)}`;
    if (isForInStatement(node)) return `for-in over ${this.text(node.expression, 30)}`;
    if (isForStatement(node)) return `for loop (${node.condition ? this.text(node.condition, 30) : ';;'})`;
    if (isWhileStatement(node)) return `while (${this.text(node.expression, 30)})`;
    return `do-while (${this.text((node as TS.DoStatement).expression, 30)})`;
  }

  private elemShapeForIteration(expr: TS.Expression, coll: Shape): Shape {
    const u = unwrap(expr);
    // nums.entries() -> [index, elem]
    if (isCallExpression(u) && isPropertyAccessExpression(u.expression) && u.expression.name.text === 'entries') {
      const recv = this.shapeOf(u.expression.expression);
      const n = lenOf(recv, this.reg) ?? O1;
      return { elem: joinShapes({ val: n, len: O1 }, elemOf(recv)), len: O1 };
    }
    return elemOf(coll);
  }

  /** Values the counters of a for loop take (i in 0..n has value n). */
  private loopVarValues(node: TS.ForStatement): Array<[string, Shape]> {
    const out: Array<[string, Shape]> = [];
    const init = node.initializer;
    if (!init || !isVariableDeclarationList(init)) return out;
    for (const d of init.declarations) {
      if (!isIdentifier(d.name)) continue;
      const v = d.name.text;
      const start = d.initializer ? valOf(this.shapeOf(d.initializer), this.reg) ?? O1 : O1;
      let bound: Cost = O1;
      if (node.condition) {
        for (const c of this.comparisonsOf(node.condition, new Set([v]))) {
          if (c.bound) bound = add2(bound, c.form === 'square' ? sqrt(valOf(this.shapeOf(c.bound), this.reg) ?? O1) : valOf(this.shapeOf(c.bound), this.reg) ?? O1);
        }
      }
      out.push([v, { val: add2(start, bound), len: O1, kind: 'number' }]);
    }
    return out;
  }

  // ---- iteration counts

  private forOfInfo(node: TS.ForOfStatement | TS.ForInStatement): LoopInfo {
    const coll = this.shapeOf(node.expression);
    const exprText = this.text(node.expression, 30);
    // iterating the adjacency of one node inside a worklist or a visited-guarded recursion
    const amort = this.adjacencyAmortisation(node.expression);
    if (amort) return amort;
    const lvl = this.levelLoop(node);
    if (lvl) return lvl;
    // a queue that grows while being iterated is a worklist
    const wl = this.growingWorklist(node.expression, node.statement);
    if (wl) return wl;
    const n = lenOf(coll, this.reg);
    if (!n) return { iter: O1, reason: `iterates ${exprText} (size unknown)`, confident: false, kind: 'loop' };
    return { iter: n, reason: isForInStatement(node) ? `keys of ${exprText}` : `each element of ${exprText}`, confident: true, kind: 'loop' };
  }

  /** for (const v of g[u]) inside a worklist/visited recursion: sum of degrees = total edges. */
  private adjacencyAmortisation(expr: TS.Expression): LoopInfo | undefined {
    let u = unwrap(expr);
    // g.get(u) ?? [] / g.get(u) || []: a Map of adjacency lists
    if (isBinaryExpression(u) && (u.operatorToken.kind === SK.QuestionQuestionToken || u.operatorToken.kind === SK.BarBarToken)) u = unwrap(u.left);
    let g: TS.Expression;
    if (isElementAccessExpression(u)) g = u.expression;
    else if (isCallExpression(u) && isPropertyAccessExpression(u.expression) && u.expression.name.text === 'get' && u.arguments.length === 1) g = u.expression.expression;
    else return undefined;
    const wIndex = findLastIndex(this.frames, (f) => f.kind === 'worklist');
    const inMemo = !!this.memoState && wIndex < 0;
    if (wIndex < 0 && !inMemo) return undefined;
    // only when no ordinary loop sits between the worklist and this loop
    for (let i = wIndex + 1; i < this.frames.length; i++) if (!isConstant(this.frames[i].iter)) return undefined;
    const base = this.shapeOf(g);
    const total = base.total ?? (base.root ? lenOf(elemOf(base), this.reg) : undefined);
    if (!total) return undefined;
    return {
      iter: total,
      reason: `neighbours ${this.text(expr, 24)}`,
      confident: true,
      kind: 'loop',
      amortLevel: inMemo ? -1 : wIndex,
      amortReason: inMemo ? 'each node is expanded once (visited), so all adjacency lists are scanned once' : 'each node is dequeued once, so all adjacency lists are scanned once',
    };
  }

  private growingWorklist(expr: TS.Expression, body: TS.Statement): LoopInfo | undefined {
    const name = identName(expr);
    if (!name) return undefined;
    if (!bodyGrows(body, name)) return undefined;
    return this.worklistInfo(name, body);
  }

  /** Inside a worklist loop over q: `for (let k = q.length; k; --k)` drains one level; the worklist already counts it. */
  private levelLoop(node: TS.IterationStatement): LoopInfo | undefined {
    const wl = this.frames.filter((f) => f.kind === 'worklist' && f.worklist).map((f) => f.worklist!);
    if (!wl.length) return undefined;
    const refersTo = (e: TS.Node | undefined) => {
      if (!e) return undefined;
      let hit: string | undefined;
      forEachSelfAndDescendant(e, (n) => {
        if (isPropertyAccessExpression(n) && (n.name.text === 'length' || n.name.text === 'size')) {
          const nm = identName(n.expression) ?? dottedName(n.expression);
          if (nm && wl.includes(nm)) hit = nm;
        }
        if (isCallExpression(n) && isPropertyAccessExpression(n.expression) && /^(size|isEmpty)$/.test(n.expression.name.text)) {
          const nm = identName(n.expression.expression);
          if (nm && wl.includes(nm)) hit = nm;
        }
        return hit ? false : undefined;
      });
      return hit;
    };
    let q: string | undefined;
    if (isForStatement(node)) q = refersTo(node.initializer) ?? refersTo(node.condition);
    else if (isWhileStatement(node) || isDoStatement(node)) q = refersTo(node.expression);
    else if (isForOfStatement(node)) q = identName(node.expression) && wl.includes(identName(node.expression)!) ? identName(node.expression) : undefined;
    if (!q) return undefined;
    return { iter: O1, reason: `drains the current level of ${q} (counted by the worklist loop)`, confident: true, kind: 'loop' };
  }

  private forInfo(node: TS.ForStatement): LoopInfo {
    const lvl = this.levelLoop(node);
    if (lvl) return lvl;
    const cond = node.condition;
    if (!cond) return this.unboundedInfo(node, node.statement);
    // for (let i = 0; i < q.length; i++) with q.push inside: a worklist
    const wlName = worklistName(cond);
    if (wlName && bodyGrows(node.statement, wlName)) return this.worklistInfo(wlName, node.statement);
    const starts = new Map<string, { shape: Shape; expr?: TS.Expression }>();
    if (node.initializer && isVariableDeclarationList(node.initializer)) {
      for (const d of node.initializer.declarations) if (isIdentifier(d.name) && d.initializer) starts.set(d.name.text, { shape: this.shapeOf(d.initializer), expr: d.initializer });
    } else if (node.initializer && isBinaryExpression(node.initializer) && isIdentifier(node.initializer.left)) {
      starts.set(node.initializer.left.text, { shape: this.shapeOf(node.initializer.right), expr: node.initializer.right });
    }
    const updates = collectUpdates([node.incrementor, node.statement]);
    const span = this.spanExit(node, starts);
    if (span) return span;
    return this.boundedInfo(node, cond, updates, starts);
  }

  /**
   * for (let j = i + 1; j < n; j++) { if (j - i > d) break; ... }: the exit caps the distance
   * travelled from the start, so the loop runs at most d times whatever n is.
   */
  private spanExit(node: TS.ForStatement, starts: Map<string, { shape: Shape; expr?: TS.Expression }>): LoopInfo | undefined {
    if (starts.size !== 1) return undefined;
    const [[v, st]] = [...starts];
    if (!st.expr) return undefined;
    const se = unwrap(st.expr);
    const base = identName(se) ?? (isBinaryExpression(se) ? identName(se.left) : undefined);
    if (!base || base === v) return undefined;
    let bound: TS.Expression | undefined;
    const body = node.statement;
    const stmts = isBlock(body) ? body.statements : [body];
    for (const stmt of stmts) {
      if (!isIfStatement(stmt) || !containsExit(stmt.thenStatement)) continue;
      forEachSelfAndDescendant(stmt.expression, (c) => {
        if (bound || !isBinaryExpression(c)) return undefined;
        const k = c.operatorToken.kind;
        if (k !== SK.GreaterThanToken && k !== SK.GreaterThanEqualsToken) return undefined;
        const l = unwrap(c.left);
        if (isBinaryExpression(l) && l.operatorToken.kind === SK.MinusToken) {
          const a = identName(l.left), b = identName(l.right);
          if ((a === v && b === base) || (a === base && b === v)) bound = c.right;
        }
        return undefined;
      });
    }
    if (!bound) return undefined;
    const it = valOf(this.shapeOf(bound), this.reg) ?? O1;
    return { iter: it, reason: `${v} moves at most ${this.text(bound, 16)} away from ${base}`, confident: true, kind: 'loop', progressVars: [v] };
  }

  private whileInfo(node: TS.WhileStatement | TS.DoStatement): LoopInfo {
    const lvl = this.levelLoop(node);
    if (lvl) return lvl;
    const cond = unwrap(node.expression);
    if (cond.kind === SK.TrueKeyword || (isNumericLiteral(cond) && cond.text !== '0')) return this.unboundedInfo(node, node.statement);
    const wlName = worklistName(cond);
    if (wlName && (bodyTakes(node.statement, wlName) || bodyReassigns(node.statement, wlName))) return this.worklistInfo(wlName, node.statement);
    const passes = this.passesUntilStable(cond, node.statement);
    if (passes) return passes;
    const updates = collectUpdates([node.statement, node.expression]);
    return this.boundedInfo(node, cond, updates, new Map());
  }

  /**
   * do { swapped = false; for (...) if (...) { ...; swapped = true; } } while (swapped): passes
   * over a collection repeated until one changes nothing. Each pass that changes something
   * settles at least one more element (bubble sort, Bellman-Ford), so there are at most as many
   * passes as the pass has iterations.
   */
  private passesUntilStable(cond: TS.Expression, body: TS.Statement): LoopInfo | undefined {
    const negated = isPrefixUnaryExpression(cond) && cond.operator === SK.ExclamationToken;
    const flag = identName(negated ? (cond as TS.PrefixUnaryExpression).operand : cond);
    if (!flag || !isBlock(body)) return undefined;
    // keep going while the flag is `going`: reset to !going at the top, set to going inside an inner loop
    const going = !negated;
    const boolOf = (e: TS.Expression) => (e.kind === SK.TrueKeyword ? true : e.kind === SK.FalseKeyword ? false : undefined);
    const resetAt = body.statements.findIndex((st) => isExpressionStatement(st) && isBinaryExpression(st.expression) && st.expression.operatorToken.kind === SK.EqualsToken && identName(st.expression.left) === flag && boolOf(unwrap(st.expression.right)) === !going);
    if (resetAt < 0) return undefined;
    let pass: TS.IterationStatement | undefined;
    let other = false;
    for (const st of body.statements.slice(resetAt + 1)) {
      forEachDescendant(st, (n) => {
        if (isFunctionLike(n)) return false;
        if (isBinaryExpression(n) && isAssignmentOp(n.operatorToken.kind) && identName(n.left) === flag) {
          const v = boolOf(unwrap(n.right));
          if (v !== going) other = true;
          else {
            let loop: TS.Node | undefined = n.parent;
            while (loop && loop !== st.parent && !isIterationStatement(loop, false)) loop = loop.parent;
            if (loop && isIterationStatement(loop, false)) pass ??= loop;
            else other = true;
          }
        }
        return undefined;
      });
    }
    if (!pass || other) return undefined;
    const inner = isForStatement(pass) ? this.forInfo(pass) : isForOfStatement(pass) || isForInStatement(pass) ? this.forOfInfo(pass) : undefined;
    if (!inner || !inner.confident || isConstant(inner.iter) || inner.amortLevel !== undefined) return undefined;
    this.mediums.push('passes');
    return { iter: inner.iter, reason: `repeats passes until one changes nothing (${flag}): at most one pass per element`, confident: true, kind: 'loop' };
  }

  /** while (true) / for (;;): read the bound off the exits. */
  private unboundedInfo(node: TS.IterationStatement, body: TS.Statement): LoopInfo {
    const exits: TS.Expression[] = [];
    forEachDescendant(body, (n) => {
      if (isIterationStatement(n, false)) return false;
      if (isIfStatement(n) && containsExit(n.thenStatement)) exits.push(n.expression);
      return undefined;
    });
    if (exits.length) {
      const updates = collectUpdates([body]);
      const info = this.boundedInfo(node, undefined, updates, new Map(), exits);
      if (info.confident) return info;
    }
    return { iter: O1, reason: 'loop without a recognisable bound (counted once)', confident: false, kind: 'loop' };
  }

  comparisonsOf(cond: TS.Expression, vars: Set<string>): Array<{ v: string; bound?: TS.Expression; form: 'plain' | 'square' | 'exp'; truthy?: boolean; indirect?: boolean }> {
    const out: Array<{ v: string; bound?: TS.Expression; form: 'plain' | 'square' | 'exp'; truthy?: boolean; indirect?: boolean }> = [];
    const stack: TS.Expression[] = [cond];
    let guard = 0;
    while (stack.length && guard++ < 200) {
      const e = unwrap(stack.pop()!);
      if (isBinaryExpression(e)) {
        const k = e.operatorToken.kind;
        if (k === SK.AmpersandAmpersandToken || k === SK.BarBarToken) {
          stack.push(e.left, e.right);
          continue;
        }
        if (COMPARISONS.has(k)) {
          // i <= n / i  is  i * i <= n
          const ub = unwrap(e.right);
          const la = identName(e.left);
          if (la && vars.has(la) && isBinaryExpression(ub) && ub.operatorToken.kind === SK.SlashToken && identName(ub.right) === la) {
            out.push({ v: la, bound: ub.left, form: 'square' });
            continue;
          }
          const sides: Array<[TS.Expression, TS.Expression]> = [
            [e.left, e.right],
            [e.right, e.left],
          ];
          for (const [a, b] of sides) {
            const ua = unwrap(a);
            const an = updKey(ua);
            if (an && vars.has(an)) out.push({ v: an, bound: isNullish(b) ? undefined : b, form: 'plain' });
            else if (isBinaryExpression(ua) && ua.operatorToken.kind === SK.AsteriskToken && identName(ua.left) && identName(ua.left) === identName(ua.right) && vars.has(identName(ua.left)!)) out.push({ v: identName(ua.left)!, bound: b, form: 'square' });
            else if (isBinaryExpression(ua) && ua.operatorToken.kind === SK.AsteriskAsteriskToken && identName(ua.left) && vars.has(identName(ua.left)!) && isNumericLiteralLike(ua.right)) out.push({ v: identName(ua.left)!, bound: b, form: 'square' });
            else if (isBinaryExpression(ua) && ua.operatorToken.kind === SK.LessThanLessThanToken && identName(ua.right) && vars.has(identName(ua.right)!)) out.push({ v: identName(ua.right)!, bound: b, form: 'exp' });
            else if (isBinaryExpression(ua) && (ua.operatorToken.kind === SK.PlusToken || ua.operatorToken.kind === SK.MinusToken) && identName(ua.left) && vars.has(identName(ua.left)!) && !vars.has(identName(ua.right) ?? '')) out.push({ v: identName(ua.left)!, bound: b, form: 'plain' });
            else if (quotientBy(ua, vars) && !mentions(b, quotientBy(ua, vars)!.v)) {
              // Math.floor(max / exp) > 0: exp runs up to max
              const q = quotientBy(ua, vars)!;
              out.push({ v: q.v, bound: q.dividend, form: 'plain' });
            }
            else if (isBinaryExpression(ua) || isCallExpression(ua) || isElementAccessExpression(ua)) {
              // c % i === 0, nums[i] < x, f(i) > 0: the variable compared inside an expression
              const arithmetic = isBinaryExpression(ua);
              for (const v of vars) if (mentions(ua, v) && !mentions(b, v)) out.push({ v, bound: arithmetic && !isNullish(b) ? b : undefined, form: 'plain', truthy: true, indirect: true });
            }
          }
          continue;
        }
        // for (; j & bit; bit >>= 1): a bit test is truthy until the shifting variable runs out
        if (k === SK.AmpersandToken || k === SK.BarToken || k === SK.CaretToken) {
          for (const side of [e.left, e.right]) {
            const n = identName(side);
            if (n && vars.has(n)) out.push({ v: n, truthy: true, form: 'plain' });
          }
        }
        continue;
      }
      if (isPrefixUnaryExpression(e) && e.operator === SK.ExclamationToken) {
        stack.push(e.operand);
        continue;
      }
      // while (k--) / while (--k)
      if ((isPostfixUnaryExpression(e) || isPrefixUnaryExpression(e)) && (e.operator === SK.MinusMinusToken || e.operator === SK.PlusPlusToken)) {
        const v = identName(e.operand);
        if (v && vars.has(v)) out.push({ v, truthy: true, form: 'plain' });
        continue;
      }
      const n = identName(e);
      if (n && vars.has(n)) out.push({ v: n, truthy: true, form: 'plain' });
      // while (node.next) / while (cur && cur.next)
      if (isPropertyAccessExpression(e)) {
        const root = identName(e.expression);
        if (root && vars.has(root)) out.push({ v: root, truthy: true, form: 'plain' });
      }
    }
    return out;
  }

  private boundedInfo(node: TS.IterationStatement, cond: TS.Expression | undefined, updates: Map<string, Upd[]>, starts: Map<string, { shape: Shape; expr?: TS.Expression }>, exits?: TS.Expression[]): LoopInfo {
    const vars = new Set(updates.keys());
    const conds = cond ? [cond] : exits ?? [];
    // top-level conjuncts: the loop stops when any of them fails, so it runs min(...) times
    const conjuncts: TS.Expression[] = [];
    for (const c of conds) {
      const st: TS.Expression[] = [c];
      while (st.length) {
        const e = unwrap(st.pop()!);
        if (cond && isBinaryExpression(e) && e.operatorToken.kind === SK.AmpersandAmpersandToken) st.push(e.right, e.left);
        else conjuncts.push(e);
      }
    }
    const comps = conjuncts.flatMap((c, i) => this.comparisonsOf(c, vars).map((x) => ({ ...x, conj: i })));
    const startOf = (v: string): { shape: Shape; expr?: TS.Expression } => {
      const st = starts.get(v);
      if (st) return st;
      const m = /^([A-Za-z_$][\w$]*)\[/.exec(v);
      if (m) return { shape: elemOf(this.env.lookup(m[1])?.shape ?? rootShape(this.file.tag, m[1])) };
      return { shape: this.env.lookup(v)?.shape ?? {}, expr: this.env.lookup(v)?.init };
    };
    // u -= s where s grows each iteration: an arithmetic series (sqrt steps); s's own comparison with u is not a separate bound
    const seriesSteps = new Map<string, string>();
    for (const [u, ups] of updates) {
      for (const up of ups) {
        const stepName = up.kind === 'series' && up.rhs ? identName(up.rhs) : undefined;
        if (stepName && (updates.get(stepName) ?? []).some((x) => x.kind === 'inc')) seriesSteps.set(u, stepName);
      }
    }
    const parts: Cost[] = [];
    /** Variables driven up to a bound end the loop about as large as the bound (while (n < m) n <<= 1). */
    const finals: Array<[string, Cost]> = [];
    const partsByConj = new Map<number, Cost>();
    const pushPart = (c: { conj: number }, x: Cost) => {
      parts.push(x);
      partsByConj.set(c.conj, add2(partsByConj.get(c.conj) ?? O1, x));
    };
    const reasons: string[] = [];
    let stepDivisor: string | undefined;
    const progressVars: string[] = [];
    // binary search: any compared variable moved to a midpoint
    const midVars = comps.filter((c) => (updates.get(c.v) ?? []).some((u) => u.kind === 'mid')).map((c) => c.v);
    if (midVars.length) {
      let range: Cost = O1;
      for (const c of comps) {
        if (!midVars.includes(c.v)) continue;
        range = add2(range, valOf(startOf(c.v).shape, this.reg) ?? O1);
        if (c.bound) range = add2(range, valOf(this.shapeOf(c.bound), this.reg) ?? O1);
      }
      const it = log(range);
      return { iter: it, reason: 'binary search: the range halves each iteration', confident: true, kind: 'loop' };
    }
    // accumulators moved by data (sum -= a[i]) bound the loop only when nothing else does
    const dataOnly = (v: string) => {
      const ups = updates.get(v) ?? [];
      return ups.length > 0 && ups.every((u) => u.kind === 'data');
    };
    const counters = comps.filter((c) => !dataOnly(c.v) && (updates.get(c.v) ?? []).some((u) => u.kind !== 'reset'));
    const driving = counters.length ? counters : comps;
    const boxed = cond ? this.constantBoxed(conjuncts, updates) : undefined;
    for (const c of driving) {
      const ups = (updates.get(c.v) ?? []).map((u) => (u.kind === 'data' ? { ...u, kind: 'inc' as UpdKind } : u));
      const has = (k: UpdKind) => ups.some((u) => u.kind === k);
      if (boxed?.has(c.v)) {
        // 0 <= x && x < 8 with x += dx: x stays in a constant window, so the loop runs O(1) times
        pushPart(c, O1);
        reasons.push(`${c.v} stays between constant bounds`);
        progressVars.push(c.v);
        continue;
      }
      const st = startOf(c.v);
      const startVal = valOf(st.shape, this.reg) ?? O1;
      const boundVal = c.bound ? valOf(this.shapeOf(c.bound), this.reg) ?? O1 : O1;
      if (seriesSteps.has(c.v)) {
        // v -= step where step itself grows every iteration: an arithmetic series, sqrt(v) steps
        pushPart(c, sqrt(add2(startVal, boundVal)));
        reasons.push(`${c.v} decreases by a growing step (arithmetic series)`);
        progressVars.push(c.v);
        continue;
      }
      if (c.bound && [...seriesSteps].some(([u, st]) => st === c.v && mentions(c.bound!, u.replace(/\[.*$/, '')))) {
        // i <= c[j] while c[j] -= i: counted by the series above
        const u = [...seriesSteps].find(([uu, st]) => st === c.v && mentions(c.bound!, uu.replace(/\[.*$/, '')))![0];
        pushPart(c, sqrt(add2(valOf(startOf(u).shape, this.reg) ?? O1, boundVal)));
        reasons.push(`${c.v} grows while ${u} shrinks by it (arithmetic series)`);
        progressVars.push(c.v);
        continue;
      }
      if (has('series') && !has('inc') && !has('dec')) {
        pushPart(c, add2(startVal, boundVal));
        reasons.push(`${c.v} decreases`);
        progressVars.push(c.v);
        continue;
      }
      if ((has('mul') || has('inc')) && !has('div') && !has('dec') && c.bound && !isConstant(boundVal)) finals.push([c.v, boundVal]);
      if (has('div') || has('mul')) {
        // a heap descent compared only within its own family (m === i): the size its children are checked against
        const descent = ups.find((u) => u.childBounds);
        let top = boundVal;
        if (descent && (!c.bound || [...descent.family!].some((f) => mentions(c.bound!, f)))) {
          top = O1;
          for (const b of descent.childBounds!) top = add2(top, valOf(this.shapeOf(b), this.reg) ?? O1);
        }
        const r = has('mul') ? add2(top, has('div') ? startVal : O1) : add2(startVal, boundVal);
        pushPart(c, log(r));
        reasons.push(`${c.v} ${has('mul') ? 'grows' : 'shrinks'} geometrically`);
        progressVars.push(c.v);
      } else if (has('inc') || has('dec') || has('harmonic')) {
        let r: Cost;
        const up = (has('inc') || has('harmonic')) && !has('dec');
        const down = has('dec') && !has('inc') && !has('harmonic');
        if (c.bound && st.expr && boundIsStartPlus(c.bound, st.expr)) r = valOf(this.shapeOf(boundExtra(c.bound, st.expr)!), this.reg) ?? O1;
        // counting up runs to the bound, counting down from the start (whichever is a size)
        else if (up) r = isConstant(boundVal) ? startVal : boundVal;
        else if (down) r = isConstant(startVal) ? boundVal : startVal;
        else r = add2(startVal, boundVal);
        if (c.form === 'square') r = sqrt(r);
        if (c.form === 'exp') r = log(r);
        const stepName = has('harmonic') && !has('inc') ? identName(ups.find((u) => u.kind === 'harmonic')!.rhs!) : undefined;
        const outerCounter = stepName && this.frames.some((f) => f.loopVars.includes(stepName) && !isConstant(f.iter));
        const constStep = stepName && this.frames.some((f) => f.loopVars.includes(stepName) && isConstant(f.iter));
        if (stepName && outerCounter) {
          r = log(r);
          reasons.push(`${c.v} steps by the outer counter (harmonic sum)`);
        } else if (stepName && !constStep) {
          // i += k: n / k iterations; the caller divides the body's k-proportional work
          const sv = valOf(this.env.lookup(stepName)?.shape ?? rootShape(this.file.tag, stepName), this.reg);
          if (sv && variablesOf(sv).length === 1 && equals(sv, variable(variablesOf(sv)[0]))) stepDivisor = variablesOf(sv)[0];
          reasons.push(`${c.v} steps by ${stepName} towards ${c.bound ? this.text(c.bound, 20) : 'its bound'}`);
        } else reasons.push(c.form === 'square' ? `${c.v}*${c.v} reaches the bound` : `${c.v} steps towards ${c.bound ? this.text(c.bound, 20) : 'its bound'}`);
        pushPart(c, r);
        progressVars.push(c.v);
      } else if (has('chase')) {
        const viaIndex = ups.find((u) => u.kind === 'chase' && u.rhs && isElementAccessExpression(unwrap(u.rhs)));
        if (viaIndex) {
          // x = parent[x]: a parent-pointer walk; with path compression (parent[x] = ...) O(log n) amortised
          const base = (unwrap(viaIndex.rhs!) as TS.ElementAccessExpression).expression;
          const l = lenOf(this.shapeOf(base), this.reg) ?? O1;
          const bn = identName(base) ?? dottedName(base);
          const compresses = !!bn && writesIndexed(node, bn);
          pushPart(c, compresses ? log(l) : l);
          reasons.push(compresses ? `follows ${bn} links with path compression (amortised log n)` : `follows ${bn ?? 'parent'} links`);
          progressVars.push(c.v);
          continue;
        }
        // following links: the length of the chain (a list unless it is known to be a tree)
        const sh = st.shape;
        const chain: Shape = sh.root && sh.root.kind !== 'tree' ? { ...sh, root: rootWith(sh.root, { kind: 'list' }) } : sh;
        const l = lenOf(chain, this.reg) ?? O1;
        pushPart(c, l);
        reasons.push(`follows ${c.v} links`);
        progressVars.push(c.v);
      } else if (has('other') && c.truthy && !c.indirect) {
        // while (mask) { mask = (mask - 1) & x }: bounded by the start value
        pushPart(c, startVal);
        reasons.push(`${c.v} decreases`);
        progressVars.push(c.v);
      }
    }
    if (!parts.length) {
      // no progress on the compared variables: maybe the loop is driven by something else
      let guess: Cost = O1;
      for (const c of conds) {
        forEachDescendant(c, (n) => {
          if (isIdentifier(n) && isConstant(guess)) {
            const b = this.env.lookup(n.text);
            if (b && !b.fn) guess = valOf(b.shape, this.reg) ?? lenOf(b.shape, this.reg) ?? O1;
          }
        });
        if (isIdentifier(unwrap(c)) && isConstant(guess)) {
          const b = this.env.lookup((unwrap(c) as TS.Identifier).text);
          if (b) guess = valOf(b.shape, this.reg) ?? O1;
        }
      }
      return { iter: guess, reason: 'loop bound not recognised (estimated from the condition)', confident: false, kind: 'loop' };
    }
    let iter = add(...parts);
    if (partsByConj.size > 1) {
      // a && b: the smaller of the comparable bounds (i < 27 && i * k <= n runs at most 27 times)
      let best: Cost | undefined;
      for (const r of partsByConj.values()) {
        if (!best) best = r;
        else if (equals(add2(best, r), best)) best = r;
        else if (!equals(add2(best, r), r)) best = add2(best, r);
      }
      if (best) iter = best;
    }
    const uniq = [...new Set(progressVars)];
    const info: LoopInfo = { iter, reason: [...new Set(reasons)].slice(0, 3).join(', '), confident: true, kind: 'loop', progressVars: uniq, stepDivisor: parts.length === 1 ? stepDivisor : undefined, finals };
    // amortisation: a pointer declared outside the enclosing loop that never moves back
    if (!isForStatement(node) || !node.initializer) {
      const lvl = this.amortLevelFor(progressVars, node);
      if (lvl !== undefined) {
        info.amortLevel = lvl;
        info.amortReason = `${uniq.join(', ')} never moves back, so this is the total over all iterations of the enclosing loop`;
      }
    } else {
      const lvl = this.jumpAmortLevel(node);
      if (lvl !== undefined) {
        info.amortLevel = lvl;
        info.amortReason = 'the outer loop resumes where this loop stopped';
      }
    }
    if (info.amortLevel === undefined && !isForStatement(node)) {
      const lvl = this.whileJumpAmortLevel(progressVars);
      if (lvl !== undefined) {
        info.amortLevel = lvl;
        info.amortReason = 'the outer loop resumes where this loop stopped';
      }
    }
    return info;
  }

  /**
   * Variables the loop condition confines between a constant lower and a constant upper bound
   * (`x >= 0 && x < 8`) and that only move by additive steps: such a variable can take O(1)
   * values, so while it has to move the loop runs O(1) times whatever its start.
   */
  private constantBoxed(conjuncts: TS.Expression[], updates: Map<string, Upd[]>): Set<string> | undefined {
    if (conjuncts.length < 2) return undefined;
    let lo: Set<string> | undefined, hi: Set<string> | undefined;
    const isConst = (x: TS.Expression) => {
      const u = unwrap(x);
      if (identName(u) === 'Infinity' || /^Number\./.test(dottedName(u) ?? '')) return false;
      const v = valOf(this.shapeOf(u), this.reg);
      return !!v && isConstant(v);
    };
    for (const c of conjuncts) {
      if (!isBinaryExpression(c)) continue;
      const k = c.operatorToken.kind;
      const less = k === SK.LessThanToken || k === SK.LessThanEqualsToken;
      if (!less && k !== SK.GreaterThanToken && k !== SK.GreaterThanEqualsToken) continue;
      const l = identName(c.left), r = identName(c.right);
      let v: string | undefined, upper = false;
      if (l && updates.has(l) && isConst(c.right)) (v = l), (upper = less);
      else if (r && updates.has(r) && isConst(c.left)) (v = r), (upper = !less);
      if (!v) continue;
      if (upper) (hi ??= new Set()).add(v);
      else (lo ??= new Set()).add(v);
    }
    if (!lo || !hi) return undefined;
    let out: Set<string> | undefined;
    for (const v of lo) {
      if (!hi.has(v)) continue;
      const ups = updates.get(v)!;
      if (ups.every((u) => u.kind === 'inc' || u.kind === 'dec' || u.kind === 'harmonic')) (out ??= new Set()).add(v);
    }
    return out;
  }

  textCost(c: Cost): string {
    return variablesOf(c).length ? 'a bounded number of' : 'O(1)';
  }

  /** Level at which a loop driven by `vars` is amortised (vars declared outside the enclosing loops, never reset). */
  private amortLevelFor(vars: string[], _node: TS.Node): number | undefined {
    if (!vars.length || !this.frames.length) return undefined;
    let level = Infinity;
    for (const v of vars) {
      const b = this.env.lookup(v);
      if (!b || b.owner !== this.fn || b.level >= this.frames.length) return undefined;
      // reset inside the enclosing loop at b.level?
      const host = this.frames[b.level];
      const hostBody = isIterationStatement(host.node, false) ? (host.node as TS.IterationStatement).statement : host.node;
      if (resets(hostBody, v)) return undefined;
      level = Math.min(level, b.level);
    }
    return level === Infinity ? undefined : level;
  }

  /** let j = i + 1; while (j < n ...) j++; ... i = j: the outer loop resumes where this one stopped. */
  private whileJumpAmortLevel(vars: string[]): number | undefined {
    for (const j of vars) {
      const b = this.env.lookup(j);
      if (!b?.init) continue;
      for (let idx = this.frames.length - 1; idx >= 0; idx--) {
        const f = this.frames[idx];
        for (const i of f.loopVars) {
          if (i !== j && mentions(b.init, i) && assignsFrom(f.node, i, j)) return idx;
        }
      }
    }
    return undefined;
  }

  /** for (let j = i; ...; j++) inside a loop over i that then sets i = j: the two loops share one pass. */
  private jumpAmortLevel(node: TS.ForStatement): number | undefined {
    const init = node.initializer;
    if (!init || !isVariableDeclarationList(init) || init.declarations.length !== 1) return undefined;
    const d = init.declarations[0];
    if (!isIdentifier(d.name) || !d.initializer) return undefined;
    const j = d.name.text;
    const from = identName(d.initializer) ?? (isBinaryExpression(unwrap(d.initializer)) ? identName((unwrap(d.initializer) as TS.BinaryExpression).left) : undefined);
    if (!from) return undefined;
    const idx = findLastIndex(this.frames, (f) => f.loopVars.includes(from));
    if (idx < 0) return undefined;
    if (!assignsFrom(this.frames[idx].node, from, j)) return undefined;
    return idx;
  }

  private worklistInfo(name: string, body: TS.Statement): LoopInfo {
    const b = this.env.lookup(name);
    const initial = b ? lenOf(b.shape, this.reg) ?? O1 : O1;
    const pushes = findPushes(body, name);
    if (!pushes.length) {
      // a stack popped inside a loop that pushes to it once per iteration (monotonic stack):
      // over the whole enclosing loop it pops at most what was pushed
      if (b && b.owner === this.fn && b.level < this.frames.length) {
        const total = add2(initial, this.mult(b.level));
        return { iter: total, reason: `pops ${name}`, confident: true, kind: 'worklist', worklist: name, amortLevel: b.level, amortReason: `each element pushed to ${name} is popped at most once` };
      }
      return { iter: initial, reason: `drains ${name} (no pushes inside)`, confident: true, kind: 'worklist', worklist: name };
    }
    // each push guarded by a visited/seen structure bounds the total number of pushes
    let domain: Cost | undefined;
    let why = '';
    for (const p of pushes) {
      const d = this.guardDomain(p, body);
      if (d) {
        domain = domain ? add2(domain, d.cost) : d.cost;
        why = d.why;
      } else {
        const t = this.treePush(p, b);
        if (t) {
          domain = domain ? add2(domain, t) : t;
          why = 'each tree node is enqueued once';
        } else {
          domain = undefined;
          break;
        }
      }
    }
    if (domain) {
      const iter = add2(domain, initial);
      return { iter, reason: `worklist ${name}: ${why}`, confident: true, kind: 'worklist', worklist: name };
    }
    this.mediums.push('worklist');
    return { iter: add2(initial, this.mult(0)), reason: `worklist ${name} (pushes not bounded by a visited set; estimated)`, confident: false, kind: 'worklist', worklist: name };
  }

  private treePush(p: TS.CallExpression, b: Binding | undefined): Cost | undefined {
    const arg = p.arguments[0];
    if (!arg) return undefined;
    const u = unwrap(isSpreadElement(arg) ? arg.expression : arg);
    const structural = (e: TS.Expression): boolean => {
      const x = unwrap(e);
      if (isPropertyAccessExpression(x) && /^(left|right|next|children|child|prev|parent)$/.test(x.name.text)) return true;
      if (isArrayLiteralExpression(x) && x.elements.length) return structural(x.elements[0]);
      if (isIdentifier(x)) return /^(child|c|ch|kid|next|nxt|left|right)$/.test(x.text);
      return false;
    };
    if (!structural(u)) return undefined;
    // size of the tree the worklist started from
    const start = b ? elemOf(b.shape) : undefined;
    const st = start && start.root ? { ...start, root: rootWith(start.root, { kind: 'tree' }) } : start;
    return lenOf(st, this.reg) ?? (b ? lenOf(b.shape, this.reg) : undefined);
  }

  /** A push guarded by `if (!seen[x][y])`, `seen.has(k)`, `--indeg[v] === 0`, `dist[v] > d`: at most |structure| pushes. */
  private guardDomain(push: TS.CallExpression, body: TS.Node): { cost: Cost; why: string } | undefined {
    const candidates: Array<{ base: TS.Expression; depth: number; has?: boolean }> = [];
    const scan = (e: TS.Node) => {
      forEachSelfAndDescendant(e, (n) => {
        if (isElementAccessExpression(n)) {
          let depth = 0;
          let cur: TS.Expression = n;
          while (isElementAccessExpression(unwrap(cur))) {
            depth++;
            cur = (unwrap(cur) as TS.ElementAccessExpression).expression;
          }
          candidates.push({ base: cur, depth });
          return false;
        }
        if (isCallExpression(n) && isPropertyAccessExpression(n.expression) && /^(has|get)$/.test(n.expression.name.text)) candidates.push({ base: n.expression.expression, depth: 1, has: true });
        return undefined;
      });
      if (isElementAccessExpression(e)) scan(e.parent);
    };
    // enclosing ifs up to the loop body
    for (let p: TS.Node | undefined = push.parent; p && p !== body.parent; p = p.parent) {
      if (isIfStatement(p)) scan(p.expression);
      if (isConditionalExpression(p)) scan(p.condition);
      if (isBinaryExpression(p) && (p.operatorToken.kind === SK.AmpersandAmpersandToken || p.operatorToken.kind === SK.BarBarToken)) scan(p.left);
      if (isBlock(p)) {
        // guards before the push in the same block: `if (vis[x]) continue;` and marks `vis[x] = true`
        for (const st of p.statements) {
          if (st.pos >= push.pos) break;
          if (isIfStatement(st) && (containsExit(st.thenStatement) || isContinueStatement(st.thenStatement))) scan(st.expression);
        }
      }
      if (isFunctionLike(p)) break;
    }
    let best: Cost | undefined;
    let why = '';
    for (const c of candidates) {
      const s = this.shapeOf(c.base);
      let cells: Cost | undefined;
      if (c.has) {
        // a Set/Map of seen keys: bounded by what can be marked; use the structure it mirrors if any
        continue;
      } else cells = cellsOf(s, c.depth, this.reg);
      if (!cells || isConstant(cells)) continue;
      if (!best || variablesOf(cells).length > variablesOf(best).length) {
        best = cells;
        why = `each cell of ${this.text(c.base, 20)} is enqueued at most once`;
      }
    }
    if (!best) {
      // a Set of seen keys: bounded by the sizes its keys are drawn from (the other guards)
      const set = candidates.find((c) => c.has);
      if (set) {
        const s = this.shapeOf(set.base);
        const l = lenOf(s, this.reg);
        if (l && !isConstant(l)) return { cost: l, why: `each key of ${this.text(set.base, 20)} is enqueued once` };
        // for (const v of g[u]) if (!seen.has(v)) q.push(v): v is a node of the adjacency g
        const nodes = this.adjacencyNodes(push);
        if (nodes) return { cost: nodes, why: `each node is enqueued once (${this.text(set.base, 20)})` };
      }
      return undefined;
    }
    return { cost: best, why };
  }

  /** `q.push(v)` inside `for (const v of g[u])` (or `g.get(u)`): the number of nodes of the adjacency g. */
  private adjacencyNodes(push: TS.CallExpression): Cost | undefined {
    const v = push.arguments.length === 1 ? identName(push.arguments[0]) : undefined;
    if (!v) return undefined;
    for (let p: TS.Node | undefined = push.parent; p && !isFunctionLike(p); p = p.parent) {
      if (!isForOfStatement(p) || !isVariableDeclarationList(p.initializer)) continue;
      const d = p.initializer.declarations[0];
      if (!d || !isIdentifier(d.name) || d.name.text !== v) continue;
      let e = unwrap(p.expression);
      if (isBinaryExpression(e) && (e.operatorToken.kind === SK.QuestionQuestionToken || e.operatorToken.kind === SK.BarBarToken)) e = unwrap(e.left);
      let g: TS.Expression | undefined;
      if (isElementAccessExpression(e)) g = e.expression;
      else if (isCallExpression(e) && isPropertyAccessExpression(e.expression) && e.expression.name.text === 'get' && e.arguments.length === 1) g = e.expression.expression;
      const l = g ? lenOf(this.shapeOf(g), this.reg) : undefined;
      return l && !isConstant(l) ? l : undefined;
    }
    return undefined;
  }

  // ------------------------------------------------------------------ expressions

  expr(e: TS.Expression): Cost {
    if (!this.enter()) return O1;
    try {
      return this.exprInner(e);
    } finally {
      this.leave();
    }
  }

  private children(e: TS.Node): Cost {
    // one visitor per walker (no closure per call); the running sum of the enclosing call is
    // kept aside while the children are visited
    const outer = this.childSum;
    this.childSum = O1;
    forEachChild(e, this.childVisitor);
    const c = this.childSum;
    this.childSum = outer;
    return c;
  }

  private childSum: Cost = O1;
  private readonly childVisitor = (k: TS.Node): undefined => {
    if (isExpression(k) || isSpreadElement(k) || isSpreadAssignment(k) || isPropertyAssignment(k) || isShorthandPropertyAssignment(k) || isTemplateSpan(k)) {
      const kc = isExpression(k) ? this.expr(k) : this.children(k);
      if (!isConstant(kc)) this.childSum = add2(this.childSum, kc);
    }
    return undefined;
  };

  private exprInner(e: TS.Expression): Cost {
    switch (e.kind) {
      case SK.Identifier:
      case SK.NumericLiteral:
      case SK.StringLiteral:
      case SK.NoSubstitutionTemplateLiteral:
      case SK.TrueKeyword:
      case SK.FalseKeyword:
      case SK.NullKeyword:
      case SK.ThisKeyword:
      case SK.RegularExpressionLiteral:
        return O1;
      case SK.ArrowFunction:
      case SK.FunctionExpression:
      case SK.ClassExpression:
        return O1;
      case SK.CallExpression:
        return this.call(e as TS.CallExpression);
      case SK.NewExpression:
        return this.newExpr(e as TS.NewExpression);
      case SK.SpreadElement: {
        const s = e as TS.SpreadElement;
        const n = lenOf(this.shapeOf(s.expression), this.reg) ?? O1;
        if (!isConstant(n)) this.note(e, n, `spread of ${this.text(s.expression, 24)} copies it`);
        return add2(this.expr(s.expression), n);
      }
      case SK.ObjectLiteralExpression: {
        let c: Cost = O1;
        for (const p of (e as TS.ObjectLiteralExpression).properties) {
          if (isSpreadAssignment(p)) {
            const n = lenOf(this.shapeOf(p.expression), this.reg) ?? O1;
            c = add(c, this.expr(p.expression), n);
          } else if (isPropertyAssignment(p)) c = add2(c, this.expr(p.initializer));
        }
        return c;
      }
      case SK.BinaryExpression:
        return this.binary(e as TS.BinaryExpression);
      case SK.TaggedTemplateExpression:
        return this.children(e);
      default:
        return this.children(e);
    }
  }

  private binary(e: TS.BinaryExpression): Cost {
    const k = e.operatorToken.kind;
    if (isAssignmentOp(k)) {
      const c = add2(this.expr(e.right), this.lhsCost(e.left));
      this.assign(e.left, e.right, k);
      return c;
    }
    if (k === SK.InKeyword || k === SK.InstanceOfKeyword) return add2(this.expr(e.left), this.expr(e.right));
    return add2(this.expr(e.left), this.expr(e.right));
  }

  private lhsCost(l: TS.Expression): Cost {
    const u = unwrap(l);
    if (isIdentifier(u)) return O1;
    if (isArrayLiteralExpression(u) || isObjectLiteralExpression(u)) return O1;
    return this.children(u);
  }

  /** Track sizes through assignments: x = e, s += c, obj[k] = v (keys grow). */
  private assign(left: TS.Expression, right: TS.Expression, op: TS.SyntaxKind): void {
    const l = unwrap(left);
    if (isIdentifier(l)) {
      const b = this.env.lookup(l.text);
      if (!b || b.fn) return;
      if (op === SK.EqualsToken) {
        const r = unwrap(right);
        if (isFunctionLike(r)) return;
        const s = this.shapeOf(right);
        b.shape = b.owner === this.fn ? joinShapes(b.shape, s) : b.shape;
      } else if (op === SK.PlusEqualsToken && b.owner === this.fn && b.growable) {
        const inc = mul2(this.mult(b.level), lenOf(this.shapeOf(right), this.reg) ?? O1);
        b.shape = { ...b.shape, len: add2(lenOf(b.shape, this.reg) ?? O1, inc) };
      } else if (op === SK.BarEqualsToken && b.owner === this.fn) {
        // mask |= 1 << x in a loop: one more set bit per iteration; the mask's value is 2^bits
        const r = unwrap(right);
        if (isBinaryExpression(r) && r.operatorToken.kind === SK.LessThanLessThanToken && isNumericLiteralLike(r.left)) {
          const inc = this.multGrowth(b.level);
          if (!isConstant(inc)) {
            const bits = add2(b.shape.bits ?? O1, inc);
            b.shape = { ...b.shape, bits, val: exp(bits) };
          }
        }
      }
      return;
    }
    if (isArrayLiteralExpression(l) && isArrayLiteralExpression(unwrap(right))) {
      const r = unwrap(right) as TS.ArrayLiteralExpression;
      l.elements.forEach((el, i) => {
        const n = identName(el);
        const src = r.elements[i];
        if (n && src) {
          const b = this.env.lookup(n);
          if (b && b.owner === this.fn) b.shape = joinShapes(b.shape, this.shapeOf(src));
        }
      });
      return;
    }
    if (isElementAccessExpression(l)) {
      const base = identName(l.expression);
      if (!base) return;
      const b = this.env.lookup(base);
      if (!b || b.owner !== this.fn || !(b.keyed || b.growable)) return;
      const inc = this.mult(b.level);
      if (isConstant(inc)) return;
      const len = b.keyed ? this.keyCount(base, b, inc) : add2(lenOf(b.shape, this.reg) ?? O1, inc);
      b.shape = { ...b.shape, len };
    }
  }

  private newExpr(e: TS.NewExpression): Cost {
    const name = identName(e.expression) ?? '';
    const args = e.arguments ?? ts.factory.createNodeArray<TS.Expression>();
    let c = this.argsCost(args, -1);
    const spec = CONSTRUCTORS[name];
    if (spec) {
      const n = this.builtinCost(spec, undefined, args);
      if (!isConstant(n)) this.note(e, n, `new ${name}(${args.length ? this.text(args[0], 20) : ''})`);
      c = add2(c, n);
      if (spec.callback && args[spec.callback.arg]) c = add2(c, this.callback(args[spec.callback.arg], spec, undefined, e));
      return c;
    }
    if (CONTAINER_TYPES[name]) return c;
    // a class in this file: its constructor's cost
    const b = this.env.lookup(name) ?? this.file.fileEnv.lookup(name);
    const cls = b?.cls ?? this.file.classes.get(name);
    if (cls) {
      const ctor = cls.members.find((m) => isConstructorDeclaration(m)) as TS.ConstructorDeclaration | undefined;
      const info = ctor ? this.file.byNode.get(ctor) : undefined;
      if (info) c = add2(c, this.applyCallee(info, args, e, undefined, `new ${name}()`));
      return c;
    }
    if (name && !/^[A-Z]/.test(name)) return c;
    if (name && !/Error$/.test(name)) this.unresolved(e, `new ${name}()`);
    return c;
  }

  private argsCost(args: readonly TS.Expression[], skip: number): Cost {
    let c: Cost = O1;
    for (let i = 0; i < args.length; i++) if (i !== skip) c = add2(c, this.expr(args[i]));
    return c;
  }

  private unresolvedSeen?: Set<string>;

  /** An unresolved call: assumed O(1), named in the evidence (the first few dozen distinct ones), lowers confidence. */
  private unresolved(node: TS.Node, what: string | (() => string)): void {
    this.mediums.push('unresolved');
    const seen = (this.unresolvedSeen ??= new Set());
    if (seen.size >= 40) return;
    const label = typeof what === 'string' ? what : what();
    if (seen.has(label)) return;
    seen.add(label);
    this.note(node, O1, `assumes ${label} is O(1)`);
  }

  private call(e: TS.CallExpression): Cost {
    const callee = unwrap(e.expression);
    const args = e.arguments;
    // IIFE
    if (isFunctionLike(callee)) {
      const c = this.inlineFunction(callee as TS.FunctionLikeDeclaration, [], O1, 'callback');
      return add2(c, this.argsCost(args, -1));
    }
    if (isIdentifier(callee)) return this.callIdentifier(e, callee, args);
    if (isPropertyAccessExpression(callee) || isElementAccessExpression(callee)) {
      const mname = isPropertyAccessExpression(callee) ? callee.name.text : isStringLiteralLike(callee.argumentExpression) ? callee.argumentExpression.text : undefined;
      if (mname) return this.callMethod(e, callee.expression, mname, args);
    }
    // computed callee: f()()
    const c = add2(this.expr(callee), this.argsCost(args, -1));
    return c;
  }

  private callIdentifier(e: TS.CallExpression, id: TS.Identifier, args: TS.NodeArray<TS.Expression>): Cost {
    const name = id.text;
    const b = this.env.lookup(name);
    if (b?.fn) return add2(this.argsCost(args, -1), this.applyCallee(b.fn, args, e, undefined, `${name}()`));
    if (b?.shape.fn) return add2(this.argsCost(args, -1), this.applyCallee(b.shape.fn as FnInfo, args, e, undefined, `${name}()`));
    if (b?.imported) {
      const target = this.resolveImported(id);
      if (target) return add2(this.argsCost(args, -1), this.applyCallee(target, args, e, undefined, `${name}()`));
    }
    const spec = STATICS[name];
    if (spec && (!b || b.imported === undefined)) return this.builtin(e, spec, undefined, args, name);
    if (name === 'Array') {
      const spec2 = CONSTRUCTORS.Array;
      return add2(this.argsCost(args, -1), this.builtinCost(spec2, undefined, args));
    }
    // a parameter or local holding a function: unknown
    (this.unresolvedNames ??= new Set()).add(name);
    this.unresolved(e, `${name}()`);
    return this.argsCost(args, -1);
  }

  private resolveImported(id: TS.Identifier): FnInfo | undefined {
    // one checker question per imported name (or namespace member) per file
    const ns = isPropertyAccessExpression(id.parent) && id.parent.name === id ? identName(id.parent.expression) : undefined;
    const key = ns ? `${ns}.${id.text}` : id.text;
    const cache = (this.file.importAnswers ??= new Map());
    if (cache.has(key)) return cache.get(key) ?? undefined;
    const answer = this.askChecker(id);
    cache.set(key, answer ?? null);
    return answer;
  }

  private askChecker(id: TS.Identifier): FnInfo | undefined {
    const checker = this.file.program.getChecker?.();
    if (!checker) return undefined;
    try {
      let sym = checker.getSymbolAtLocation(id);
      if (sym && sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
      const decl = sym?.valueDeclaration ?? sym?.declarations?.[0];
      if (!decl) return undefined;
      let fnNode: TS.Node | undefined = decl;
      if (isVariableDeclaration(decl) && decl.initializer && isFunctionLike(unwrap(decl.initializer))) fnNode = unwrap(decl.initializer);
      if (!fnNode || !isFunctionLike(fnNode)) return undefined;
      const sf = fnNode.getSourceFile();
      let fa = this.file.program.files.get(sf);
      if (!fa) {
        fa = new FileAnalyzer(sf, this.file.program, `${sf.fileName}::`);
        this.file.program.files.set(sf, fa);
      }
      return fa.byNode.get(fnNode);
    } catch {
      return undefined;
    }
  }

  private callMethod(e: TS.CallExpression, recvExpr: TS.Expression, mname: string, args: TS.NodeArray<TS.Expression>): Cost {
    const recv = unwrap(recvExpr);
    const dotted = dottedName(recv);
    // this.method() -> a method of the enclosing class
    if (recv.kind === SK.ThisKeyword) {
      const cls = this.enclosingClass();
      const m = cls ? findMethod(this.file, cls, mname) : undefined;
      if (m) return add2(this.argsCost(args, -1), this.applyCallee(m, args, e, undefined, `this.${mname}()`));
    }
    // namespaces: Math.*, JSON.*, Object.*, Array.from ...
    if (dotted && !dotted.includes('.') && !this.env.lookup(dotted)) {
      const spec = STATICS[`${dotted}.${mname}`];
      if (spec) return this.builtin(e, spec, undefined, args, `${dotted}.${mname}`);
      if (CONSTANT_NAMESPACES.has(dotted)) return this.argsCost(args, -1);
    }
    const recvShape = this.shapeOf(recv);
    let recvCost = this.expr(recv);
    // instance of a class in this file
    if (recvShape.cls) {
      const cls = this.file.classes.get(recvShape.cls) ?? this.env.lookup(recvShape.cls)?.cls;
      const m = cls ? findMethod(this.file, cls, mname) : undefined;
      if (m) return add(recvCost, this.argsCost(args, -1), this.applyCallee(m, args, e, recvShape, `${this.text(recv, 20)}.${mname}()`));
    }
    // namespace import: utils.helper()
    if (isIdentifier(recv)) {
      const b = this.env.lookup(recv.text);
      if (b?.imported && isPropertyAccessExpression(unwrap(e.expression))) {
        const nm = (unwrap(e.expression) as TS.PropertyAccessExpression).name;
        const target = isIdentifier(nm) ? this.resolveImported(nm) : undefined;
        if (target) return add2(this.argsCost(args, -1), this.applyCallee(target, args, e, undefined, `${recv.text}.${mname}()`));
      }
    }
    const container = recvShape.cls && CONTAINER_TYPES[recvShape.cls] ? recvShape.cls : undefined;
    const spec = lookupMethod(mname, container);
    if (spec) {
      if (spec.needsCallback && !this.isFunctionArg(args[spec.callback?.arg ?? 0])) {
        this.unresolved(e, () => `${this.text(recv, 20)}.${mname}()`);
        return add2(recvCost, this.argsCost(args, -1));
      }
      let rs = recvShape;
      if (spec.grows && (mname !== 'splice' || (args.length > 2 && args[1] && isNumericLiteralLike(args[1]) && nodeText(unwrap(args[1])) === '0'))) {
        this.grow(recv, mname === 'splice' ? args.slice(2) : args);
        rs = this.shapeOf(recv);
      }
      return add2(recvCost, this.builtin(e, spec, rs, args, `${this.text(recv, 20)}.${mname}()`, recv));
    }
    // an object literal with methods defined here: obj.helper()
    recvCost = add2(recvCost, this.argsCost(args, -1));
    if (recv.kind === SK.ThisKeyword) (this.unresolvedNames ??= new Set()).add(mname);
    this.unresolved(e, () => `${this.text(recv, 24)}.${mname}()`);
    return recvCost;
  }

  private enclosingClass(): TS.ClassLikeDeclaration | undefined {
    for (let f: FnInfo | undefined = this.fn; f; f = f.parent) {
      if (f.classNode) return f.classNode;
      if (isArrowFunction(f.node)) continue;
      break;
    }
    return undefined;
  }

  private isFunctionArg(a: TS.Expression | undefined): boolean {
    if (!a) return false;
    const u = unwrap(a);
    if (isFunctionLike(u)) return true;
    const n = identName(u);
    if (n) {
      const b = this.env.lookup(n);
      return !!(b?.fn || b?.shape.fn) || !b || !!b.imported;
    }
    return isPropertyAccessExpression(u) || isCallExpression(u);
  }

  /** Collection growth: q.push(x) inside loops makes q as large as the loops' iterations. */
  /**
   * A Map/Set/object filled here has as many keys as distinct keys inserted: its own size
   * variable (`cnt.size`), at most the number of insertions.
   */
  private keyCount(name: string, b: Binding, inserts: Cost): Cost {
    if (b.shape.len && !isConstant(b.shape.len) && b.shape.root?.name === name) return b.shape.len;
    const kind: ShapeKind = b.shape.kind === 'set' ? 'set' : b.shape.kind === 'map' ? 'map' : 'object';
    const v = this.reg.mint({ scope: this.scope, name, depth: 0, kind }, 'len');
    b.shape = { ...b.shape, root: { scope: this.scope, name, depth: 0, kind }, upper: add2(b.shape.upper ?? O1, inserts) };
    return v;
  }

  /** `if (heap.size() > k) heap.pop()` in the loop that fills it: its size never exceeds k. */
  private sizeCap(name: string): Cost | undefined {
    const f = this.frames[this.frames.length - 1];
    if (!f) return undefined;
    let cap: Cost | undefined;
    forEachDescendant(f.node, (n) => {
      if (cap || !isIfStatement(n) || !bodyTakes(n.thenStatement, name)) return undefined;
      const c = unwrap(n.expression);
      if (!isBinaryExpression(c)) return undefined;
      const k = c.operatorToken.kind;
      const sizeOf = (e: TS.Expression) => {
        const x = unwrap(e);
        if (isPropertyAccessExpression(x) && /^(length|size)$/.test(x.name.text)) return identName(x.expression) === name;
        if (isCallExpression(x) && isPropertyAccessExpression(x.expression) && /^(size|length|count)$/.test(x.expression.name.text)) return identName(x.expression.expression) === name;
        return false;
      };
      let bound: TS.Expression | undefined;
      if ((k === SK.GreaterThanToken || k === SK.GreaterThanEqualsToken) && sizeOf(c.left)) bound = c.right;
      if ((k === SK.LessThanToken || k === SK.LessThanEqualsToken) && sizeOf(c.right)) bound = c.left;
      if (bound) cap = valOf(this.shapeOf(bound), this.reg);
      return undefined;
    });
    return cap;
  }

  private grow(recv: TS.Expression, args: readonly TS.Expression[]): void {
    const u = unwrap(recv);
    const nArgs = args.reduce<Cost>((acc, a) => add2(acc, isSpreadElement(a) ? lenOf(this.shapeOf(a.expression), this.reg) ?? O1 : O1), O1);
    if (isIdentifier(u)) {
      const b = this.env.lookup(u.text);
      if (!b || b.owner !== this.fn) return;
      const inc = mul2(this.multGrowth(b.level), nArgs);
      if (isConstant(inc)) {
        if (!b.shape.len && !b.shape.root) b.shape = { ...b.shape, len: O1 };
        return;
      }
      const cap = this.sizeCap(u.text);
      if (cap) b.shape = { ...b.shape, len: cap };
      else if (b.keyed && b.growable) {
        const k = this.keyCount(u.text, b, inc);
        b.shape = { ...b.shape, len: k };
      }
      else b.shape = { ...b.shape, len: add2(lenOf(b.shape, this.reg) ?? O1, inc) };
      if (args[0] && !b.shape.elem) b.shape = { ...b.shape, elem: this.shapeOf(isSpreadElement(args[0]) ? args[0].expression : args[0]) };
      return;
    }
    // g[k].push(x), g.get(k).push(x): one list of a collection of lists grows
    const inner = isElementAccessExpression(u) ? u.expression : isCallExpression(u) && isPropertyAccessExpression(u.expression) && u.expression.name.text === 'get' && u.arguments.length === 1 ? u.expression.expression : undefined;
    if (inner) {
      const base = identName(inner);
      if (!base) return;
      const b = this.env.lookup(base);
      if (!b || b.owner !== this.fn) return;
      const inc = mul2(this.multGrowth(b.level), nArgs);
      const el = elemOf(b.shape);
      const elNew: Shape = { ...el, len: add2(el.len ?? O1, inc) };
      b.shape = { ...b.shape, elem: elNew, total: add2(b.shape.total ?? O1, inc) };
    }
  }

  /** Cost of a catalogued call: receiver size x kind, plus its callback. */
  private builtin(e: TS.CallExpression, spec: BuiltinCost, recvShape: Shape | undefined, args: TS.NodeArray<TS.Expression>, label: string, recv?: TS.Expression): Cost {
    const cbIndex = spec.callback && this.isFunctionArg(args[spec.callback.arg]) ? spec.callback.arg : -1;
    let c = this.argsCost(args, cbIndex);
    const own = this.builtinCost(spec, recvShape, args);
    if (!isConstant(own) && cbIndex < 0) this.note(e, own, `${label}${spec.note ? ` (${spec.note})` : ''}`);
    c = add2(c, own);
    if (cbIndex >= 0) c = add2(c, this.callback(args[cbIndex], spec, recvShape, e, recv));
    return c;
  }

  builtinCost(spec: BuiltinCost, recvShape: Shape | undefined, args: readonly TS.Expression[]): Cost {
    const n = (): Cost => lenOf(recvShape, this.reg) ?? O1;
    const a0 = (): Cost => {
      const a = args[0];
      if (!a) return O1;
      const s = this.shapeOf(a);
      // new Array(n) / Array(n): the value; Object.keys(o): the size
      if (spec.result === 'lenArg0') return valOf(s, this.reg) ?? lenOf(s, this.reg) ?? O1;
      return lenOf(s, this.reg) ?? O1;
    };
    switch (spec.cost) {
      case 'const':
        return O1;
      case 'n':
        return n();
      case 'range':
        return this.rangeLen(args, lenOf(recvShape, this.reg));
      case 'padTo':
        return add2(n(), args[0] ? valOf(this.shapeOf(args[0]), this.reg) ?? O1 : O1);
      case 'nlogn': {
        const x = n();
        return mul2(x, log(x));
      }
      case 'log':
        return log(n());
      case 'arg0':
        return a0();
      case 'logArg0':
        return log(a0());
      case 'nlognArg0': {
        const x = a0();
        return mul2(x, log(x));
      }
      case 'args': {
        let acc = recvShape ? n() : O1;
        for (const a of args) acc = add2(acc, lenOf(this.shapeOf(isSpreadElement(a) ? a.expression : a), this.reg) ?? O1);
        return acc;
      }
    }
  }

  /**
   * Length of slice(a, b) / substring(a, b): b - a when visible, else the receiver's size. A part
   * is never longer than the whole: any range of a receiver of constant length is O(1).
   */
  rangeLen(args: readonly TS.Expression[], known: Cost | undefined): Cost {
    if (known && isConstant(known)) return O1;
    const whole = known ?? O1;
    const [a, b] = args;
    if (a && b) {
      const ub = unwrap(b);
      if (isBinaryExpression(ub) && ub.operatorToken.kind === SK.PlusToken && nodeText(unwrap(ub.left)) === nodeText(unwrap(a))) return valOf(this.shapeOf(ub.right), this.reg) ?? O1;
      if (isNumericLiteralLike(a) && !isNumericLiteralLike(b)) return valOf(this.shapeOf(b), this.reg) ?? whole;
      if (isNumericLiteralLike(a) && isNumericLiteralLike(b)) return O1;
    }
    return whole;
  }

  /** Run a callback argument `times` times with its parameters bound to elements of the receiver. */
  private callback(arg: TS.Expression, spec: BuiltinCost, recvShape: Shape | undefined, site: TS.Node, _recv?: TS.Expression): Cost {
    const cb = spec.callback!;
    let coll: Shape | undefined = recvShape;
    if (!coll && spec.cost === 'arg0') {
      // Array.from(xs, f) / Array.from({ length: n }, f)
      const a0 = (site as TS.CallExpression).arguments?.[0];
      coll = a0 ? this.shapeOf(a0) : undefined;
    }
    const n = lenOf(coll, this.reg) ?? O1;
    const times = cb.times === 'n' ? n : cb.times === 'nlogn' ? mul2(n, log(n)) : O1;
    const elem = elemOf(coll);
    const u = unwrap(arg);
    const roles: Shape[] = cb.params.map((r: ParamRole, i) => (r === 'elem' || r === 'elem2' ? elem : r === 'index' ? { val: n, len: O1 } : r === 'coll' ? coll ?? {} : r === 'acc' ? this.accShape(u, i, n) : {}));
    if (isFunctionLike(u)) {
      const label = cb.times === 'nlogn' ? 'comparator runs n log n times' : cb.times === 'n' ? `callback runs once per element of ${coll ? 'the receiver' : 'the input'}` : 'callback runs once';
      return this.inlineFunction(u as TS.FunctionLikeDeclaration, roles, times, 'callback', label);
    }
    const name = identName(u);
    const b = name ? this.env.lookup(name) : undefined;
    const target = b?.fn ?? (b?.shape.fn as FnInfo | undefined);
    if (target) {
      const per = this.applyCalleeShapes(target, roles, site, `${name}()`);
      return mul2(times, per);
    }
    return times;
  }

  /**
   * The accumulator of reduce((acc, x) => [...acc, x]) / ({ ...acc, [k]: v }): every step returns
   * a copy of the accumulator grown by an element, so it holds up to one entry per element and
   * each step's spread copies it (O(n^2) in total). Otherwise nothing is known about it.
   */
  private accShape(cb: TS.Expression, index: number, n: Cost): Shape {
    if (!isFunctionLike(cb)) return {};
    const fnNode = cb as TS.FunctionLikeDeclaration;
    const p = fnNode.parameters[index];
    const name = p && isIdentifier(p.name) ? p.name.text : undefined;
    if (!name || !fnNode.body) return {};
    const spreads = (e: TS.Expression | undefined): boolean => {
      const x = e && unwrap(e);
      if (!x) return false;
      if (isArrayLiteralExpression(x)) return x.elements.some((el) => isSpreadElement(el) && identName(el.expression) === name);
      if (isObjectLiteralExpression(x)) return x.properties.some((pr) => isSpreadAssignment(pr) && identName(pr.expression) === name);
      return false;
    };
    let copies = false;
    if (!isBlock(fnNode.body)) copies = spreads(fnNode.body);
    else
      forEachDescendant(fnNode.body, (k) => {
        if (isFunctionLike(k)) return false;
        if (isReturnStatement(k) && spreads(k.expression)) copies = true;
        return copies ? false : undefined;
      });
    return copies ? { len: n, kind: 'array' } : {};
  }

  /** Analyse a function expression in place (callbacks, IIFEs): its body under a new frame. */
  inlineFunction(fnNode: TS.FunctionLikeDeclaration, roles: Shape[], times: Cost, kind: 'callback', label = 'callback'): Cost {
    const outerEnv = this.env;
    this.env = new Env(outerEnv);
    const frame: Frame = { iter: times, node: fnNode, kind, amort: O1, loopVars: [] };
    this.frames.push(frame);
    try {
      fnNode.parameters.forEach((p, i) => {
        const s = roles[i] ?? {};
        if (isIdentifier(p.name)) this.env.vars.set(p.name.text, { shape: s, level: this.frames.length, owner: this.fn });
        else
          this.bindPattern(p.name, (_l, depth) => {
            let x = s;
            for (let k = 0; k < depth; k++) x = elemOf(x);
            return x;
          }, this.frames.length);
      });
      let body: Cost = O1;
      if (fnNode.body) {
        if (isBlock(fnNode.body)) {
          prebind(this.file, this.file.byNode.get(fnNode)?.hoisted ?? [], this.env, this.fn, this.frames.length);
          body = this.block(fnNode.body.statements);
        } else body = this.expr(fnNode.body);
      }
      if (!isConstant(times)) this.note(fnNode, times, label);
      return add2(mul2(times, body), frame.amort);
    } finally {
      this.frames.pop();
      this.env = outerEnv;
    }
  }

  /** Cost of calling `callee` with these argument expressions. */
  applyCallee(callee: FnInfo, args: readonly TS.Expression[], site: TS.Node, recvShape: Shape | undefined, label: string): Cost {
    // argument shapes are computed only for the parameters the callee's cost mentions
    const memo: Array<Shape | undefined> = [];
    const lazy = (i: number): Shape | undefined => {
      if (i >= args.length) return undefined;
      const a = args[i];
      return (memo[i] ??= this.shapeOf(isSpreadElement(a) ? a.expression : a));
    };
    return this.applyCalleeShapes(callee, lazy, site, label, recvShape, args);
  }

  applyCalleeShapes(callee: FnInfo, shapesArg: Shape[] | ((i: number) => Shape | undefined), site: TS.Node, label: string, recvShape?: Shape, args?: readonly TS.Expression[]): Cost {
    const shapesOf = () => shapesArg;
    // recursion: a call to the function being analysed, or to one on the analysis stack
    if (!callee.node.body) {
      // a declaration without a body (declare function, overload signature): cost unknown
      this.unresolved(site, label);
      (this.declaredDeps ??= new Set()).add(callee);
      return O1;
    }
    if (callee === this.fn || callee.running) {
      if (callee !== this.fn) (this.cycleDeps ??= new Set()).add(callee);
      if (this.fn) {
        this.recSites.push({ site: site as TS.CallExpression, args: args ?? [], frames: this.frames.map((f) => ({ iter: f.iter, node: f.node, kind: f.kind, loopVars: f.loopVars, count: f.count })), mutual: callee !== this.fn, callee });
      }
      return O1;
    }
    const res = callee.file.summary(callee);
    if (!res) {
      this.note(site, O1, `assumes ${label} is O(1) (call chain too deep)`);
      this.lows.push(label);
      return O1;
    }
    this.deps.add(callee);
    if (res.confidence === 'low') this.mediums.push(`${label} low`);
    if (isConstant(res.cost) && !res.amortized) return O1;
    const shapes = shapesOf();
    const mapped = this.mapCost(callee, res.cost, shapes, recvShape);
    if (res.amortized) {
      // persistent memo/visited state shared by all calls: charge the total once, where the state lives
      const total = this.mapCost(callee, res.amortized.cost, shapes, recvShape);
      const b = this.env.lookup(res.amortized.stateName);
      const lvl = b && b.owner === this.fn ? b.level : 0;
      if (lvl < this.frames.length) this.frames[lvl].amort = add2(this.frames[lvl].amort, total);
      else this.fnAmort = add2(this.fnAmort, total);
      if (!isConstant(total)) this.note(site, total, `${label}: ${this.textState(res.amortized.stateName)} is shared by all calls, so their total work is counted once`);
      return O1;
    }
    if (!isConstant(mapped)) this.note(site, mapped, `calls ${label}`);
    return mapped;
  }

  private textState(name: string): string {
    return `memo/visited state ${name}`;
  }

  /** Map a callee's cost to the caller: its parameter variables become the arguments' sizes. */
  mapCost(callee: FnInfo, cost: Cost, shapesArg: Shape[] | ((i: number) => Shape | undefined), recvShape?: Shape): Cost {
    const shapeAt = (i: number): Shape | undefined => (typeof shapesArg === 'function' ? shapesArg(i) : shapesArg[i]);
    if (isConstant(cost)) return cost;
    // nothing to map unless the cost mentions the callee's parameters or `this` (remembered per
    // callee cost: the same summary is mapped at every call site)
    const memo = callee.mapMemo;
    let relevant: boolean;
    if (memo && memo.cost === cost && memo.recv === !!recvShape) relevant = memo.relevant;
    else {
      relevant = this.mentionsCallee(callee, cost, recvShape);
      callee.mapMemo = { cost, recv: !!recvShape, relevant };
    }
    if (!relevant) return cost;
    return this.substituteArgs(callee, cost, shapeAt, recvShape);
  }

  private mentionsCallee(callee: FnInfo, cost: Cost, recvShape: Shape | undefined): boolean {
    let relevant = false;
    for (const t of cost.terms) {
      for (const k of termVariables(t)) {
        const i = this.reg.info(k);
        if (i && (i.scope === callee.scope || (recvShape && i.root.startsWith('this.')))) {
          relevant = true;
          break;
        }
      }
      if (relevant) break;
      for (const [b, e] of t.vexp) if (this.reg.info(b)?.scope === callee.scope || this.reg.info(e)?.scope === callee.scope) relevant = true;
      if (relevant) break;
    }
    return relevant;
  }

  private substituteArgs(callee: FnInfo, cost: Cost, shapeAt: (i: number) => Shape | undefined, recvShape: Shape | undefined): Cost {
    return substitute(cost, (key) => {
      const info = this.reg.info(key);
      if (!info) return undefined;
      if (info.scope === callee.scope) {
        const idx = callee.params.indexOf(info.root);
        if (idx < 0) {
          if (recvShape && info.root.startsWith('this.')) return lenOf(recvShape, this.reg) ?? undefined;
          return undefined;
        }
        let s: Shape | undefined = shapeAt(idx);
        if (!s) return O1;
        for (let d = 0; d < info.depth; d++) s = elemOf(s);
        const r = info.measure === 'len' ? lenOf(s, this.reg) : valOf(s, this.reg) ?? lenOf(s, this.reg);
        return r ?? O1;
      }
      if (recvShape && info.root.startsWith('this.') && info.scope.startsWith(callee.file.tag)) {
        const cls = callee.classNode;
        if (cls && (info.scope === callee.scope || isMethodScopeOf(callee.file, cls, info.scope))) return lenOf(recvShape, this.reg) ?? undefined;
      }
      return undefined;
    });
  }

  // ------------------------------------------------------------------ shapes

  shapeOf(e: TS.Expression | undefined): Shape {
    if (!e) return {};
    try {
      return this.shapeInner(unwrap(e), 0);
    } catch {
      return {};
    }
  }

  private shapeInner(e: TS.Expression, depth: number): Shape {
    if (depth > 40) return {};
    // a literal value range (hi = 1e9, i < 10 ** 6): a million iterations is not O(1) in any useful
    // sense, so large literal bounds get a named magnitude variable; small ones (26, 32, 1000) stay O(1)
    if (e.kind === SK.NumericLiteral || e.kind === SK.BinaryExpression || e.kind === SK.BigIntLiteral || e.kind === SK.PrefixUnaryExpression) {
      const v = constValue(e);
      if (v !== undefined) {
        if (Math.abs(v) < LARGE_LITERAL) return CONST_SHAPE;
        const name = magnitudeName(v);
        return { val: this.reg.mint({ scope: '', name, depth: 0, kind: 'number' }, 'val'), len: O1, kind: 'number' };
      }
    }
    const S = (x: TS.Expression) => this.shapeInner(unwrap(x), depth + 1);
    switch (e.kind) {
      case SK.NumericLiteral:
      case SK.BigIntLiteral:
      case SK.TrueKeyword:
      case SK.FalseKeyword:
      case SK.NullKeyword:
      case SK.UndefinedKeyword:
      case SK.RegularExpressionLiteral:
        return CONST_SHAPE;
      case SK.StringLiteral:
      case SK.NoSubstitutionTemplateLiteral:
        return { len: O1, val: O1, kind: 'string' };
      case SK.Identifier: {
        const name = (e as TS.Identifier).text;
        if (name === 'undefined' || name === 'NaN' || name === 'Infinity') return CONST_SHAPE;
        const b = this.env.lookup(name);
        if (b && this.depthKey && this.pathStacks.has(name) && b.owner !== this.fn) return { ...b.shape, len: variable(this.depthKey), root: undefined };
        if (b) return b.shape;
        return rootShape(this.file.tag, name);
      }
      case SK.ThisKeyword:
        return rootShape(this.scope, 'this');
      case SK.PropertyAccessExpression: {
        const p = e as TS.PropertyAccessExpression;
        const name = p.name.text;
        const base = S(p.expression);
        if (name === 'length' || name === 'size') return { val: lenOf(base, this.reg) ?? O1, len: O1, kind: 'number' };
        if ((name === 'left' || name === 'right' || name === 'next' || name === 'prev' || name === 'parent') && base.root) return { ...base, root: rootWith(base.root, { kind: base.root.kind === 'unknown' ? (name === 'next' || name === 'prev' ? 'list' : 'tree') : base.root.kind }) };
        if (name === 'children' && base.root) return { root: rootWith(base.root, { kind: 'tree' }), kind: 'tree' };
        if (name === 'val' || name === 'value' || name === 'key') return base.root ? { root: rootWith(base.root, { name: `${base.root.name}.${name}`, kind: 'number' }) } : {};
        // the dotted text matters only for this.x, Number.* and Math.* chains
        const r = chainRoot(p.expression);
        const d = r.kind === SK.ThisKeyword || (r.kind === SK.Identifier && ((r as TS.Identifier).text === 'Math' || (r as TS.Identifier).text === 'Number')) ? dottedName(p) : undefined;
        if (d && d.startsWith('this.')) {
          const cls = this.enclosingClass();
          return rootShape(cls ? this.classScope(cls) : this.scope, d);
        }
        if (d === 'Number.MAX_SAFE_INTEGER' || d === 'Number.MIN_SAFE_INTEGER' || d?.startsWith('Math.')) return CONST_SHAPE;
        return this.textRoot(base.root?.scope ?? this.file.tag, p);
      }
      case SK.ElementAccessExpression: {
        const p = e as TS.ElementAccessExpression;
        return elemOf(S(p.expression));
      }
      case SK.ArrayLiteralExpression: {
        const a = e as TS.ArrayLiteralExpression;
        let len: Cost = O1;
        let elem: Shape | undefined;
        for (const el of a.elements) {
          if (isSpreadElement(el)) {
            const s = S(el.expression);
            len = add2(len, lenOf(s, this.reg) ?? O1);
            elem = joinShapes(elem, elemOf(s));
          } else if (!elem) elem = S(el);
        }
        return { len, elem: elem ?? CONST_SHAPE, kind: 'array' };
      }
      case SK.ObjectLiteralExpression: {
        // { length: n } (Array.from's array-like)
        for (const p of (e as TS.ObjectLiteralExpression).properties) {
          if (p.name && isIdentifier(p.name) && p.name.text === 'length') {
            if (isPropertyAssignment(p)) return { len: valOf(S(p.initializer), this.reg) ?? O1, kind: 'object' };
            if (isShorthandPropertyAssignment(p)) return { len: valOf(S(p.name), this.reg) ?? O1, kind: 'object' };
          }
        }
        return { len: O1, kind: 'object' };
      }
      case SK.TemplateExpression: {
        let len: Cost = O1;
        for (const sp of (e as TS.TemplateExpression).templateSpans) len = add2(len, lenOf(S(sp.expression), this.reg) ?? O1);
        return { len, kind: 'string' };
      }
      case SK.ConditionalExpression: {
        const c = e as TS.ConditionalExpression;
        return joinShapes(S(c.whenTrue), S(c.whenFalse));
      }
      case SK.PrefixUnaryExpression: {
        const p = e as TS.PrefixUnaryExpression;
        if (p.operator === SK.ExclamationToken) return CONST_SHAPE;
        return S(p.operand);
      }
      case SK.PostfixUnaryExpression:
        return S((e as TS.PostfixUnaryExpression).operand);
      case SK.BinaryExpression:
        return this.binaryShape(e as TS.BinaryExpression, S);
      case SK.CallExpression:
        return this.callShape(e as TS.CallExpression, S);
      case SK.NewExpression: {
        const n = e as TS.NewExpression;
        const name = identName(n.expression) ?? '';
        const a0 = n.arguments?.[0];
        if (name === 'Array' || /Array$/.test(name)) {
          if (!a0) return { len: O1, kind: 'array' };
          const s = S(a0);
          return { len: n.arguments!.length > 1 ? O1 : valOf(s, this.reg) ?? O1, kind: 'array' };
        }
        if (name === 'Set' || name === 'Map') return a0 ? { len: lenOf(S(a0), this.reg) ?? O1, elem: elemOf(S(a0)), kind: name === 'Set' ? 'set' : 'map' } : { len: O1, kind: name === 'Set' ? 'set' : 'map' };
        if (CONTAINER_TYPES[name]) return { len: O1, cls: name, kind: CONTAINER_TYPES[name].kind as ShapeKind };
        if (this.file.classes.has(name) || this.env.lookup(name)?.cls) {
          // an instance: its size is the size of its constructor argument
          const s = a0 ? S(a0) : undefined;
          return { len: s ? valOf(s, this.reg) ?? lenOf(s, this.reg) : O1, cls: name, kind: 'object' };
        }
        return { len: O1, kind: 'object' };
      }
      default:
        return this.textRoot(this.file.tag, e);
    }
  }

  /** An unknown value named after its source text; the text is read only if a variable is minted. */
  private textRoot(scope: string, node: TS.Node): Shape {
    // one root per source range (and scope): the same expression met again names the same
    // variable, and its text is read once. Keyed by offsets, not by node: a node used as a key
    // gets an identity hash stored on it for as long as the tree lives.
    const at = node.pos * 0x1000000 + node.end;
    const known = node.pos >= 0 && node.end < 0x1000000 ? this.file.textRoots.get(at) : undefined;
    if (known && known.scope === scope) return { root: known, kind: 'unknown' };
    const root = new TextRoot(scope, this, node);
    if (node.pos >= 0 && node.end < 0x1000000) this.file.textRoots.set(at, root);
    return { root, kind: 'unknown' };
  }

  classScope(cls: TS.ClassLikeDeclaration): string {
    return `${this.file.tag}class:${cls.name?.text ?? cls.pos}`;
  }

  private binaryShape(b: TS.BinaryExpression, S: (x: TS.Expression) => Shape): Shape {
    const k = b.operatorToken.kind;
    const l = () => S(b.left);
    const r = () => S(b.right);
    const v = (s: Shape) => valOf(s, this.reg) ?? O1;
    switch (k) {
      case SK.PlusToken: {
        const a = l(), c = r();
        return { val: add2(v(a), v(c)), len: add2(lenOf(a, this.reg) ?? O1, lenOf(c, this.reg) ?? O1) };
      }
      case SK.MinusToken: {
        // 32 - Math.clz32(x): the bit length of x
        const r0 = unwrap(b.right);
        if (isNumericLiteralLike(b.left) && isCallExpression(r0) && dottedName(r0.expression) === 'Math.clz32' && r0.arguments[0]) return { val: log(v(S(r0.arguments[0]))), len: O1, kind: 'number' };
        return { val: v(l()), len: O1, kind: 'number' };
      }
      case SK.AsteriskToken:
        return { val: mul2(v(l()), v(r())), len: O1, kind: 'number' };
      case SK.AsteriskAsteriskToken: {
        if (isNumericLiteralLike(b.right)) return { val: pow(v(l()), Number(nodeText(unwrap(b.right))) || 1), len: O1 };
        if (isNumericLiteralLike(b.left)) return { val: exp(v(r()), Number(nodeText(unwrap(b.left))) || 2), len: O1 };
        return { val: exp(v(r())), len: O1 };
      }
      case SK.LessThanLessThanToken:
        if (isNumericLiteralLike(b.left)) return { val: exp(v(r())), len: O1, kind: 'number' };
        return { val: v(l()), len: O1, kind: 'number' };
      case SK.SlashToken:
      case SK.GreaterThanGreaterThanToken:
      case SK.GreaterThanGreaterThanGreaterThanToken:
        return { val: v(l()), len: O1, kind: 'number' };
      case SK.PercentToken:
        return { val: isNumericLiteralLike(b.right) ? O1 : v(r()), len: O1, kind: 'number' };
      case SK.BarToken:
      case SK.CaretToken:
        return { val: add2(v(l()), v(r())), len: O1, kind: 'number' };
      case SK.AmpersandToken:
        return { val: v(l()), len: O1, kind: 'number' };
      case SK.BarBarToken:
      case SK.QuestionQuestionToken:
        return joinShapes(l(), r());
      case SK.AmpersandAmpersandToken:
        return r();
      case SK.EqualsToken:
        return r();
      default:
        if (COMPARISONS.has(k)) return CONST_SHAPE;
        return { val: O1, len: O1 };
    }
  }

  private callShape(c: TS.CallExpression, S: (x: TS.Expression) => Shape): Shape {
    const callee = unwrap(c.expression);
    const args = c.arguments;
    const dotted = dottedName(callee);
    if (dotted) {
      if (dotted.startsWith('Math.')) {
        if (/^Math\.(floor|ceil|trunc|round|abs)$/.test(dotted) && args[0]) return { val: valOf(S(args[0]), this.reg) ?? O1, len: O1, kind: 'number' };
        if (dotted === 'Math.sqrt' && args[0]) return { val: sqrt(valOf(S(args[0]), this.reg) ?? O1), len: O1, kind: 'number' };
        if (/^Math\.(log2|log10|log|clz32)$/.test(dotted) && args[0]) return { val: log(valOf(S(args[0]), this.reg) ?? O1), len: O1, kind: 'number' };
        if (dotted === 'Math.pow' && args[1]) {
          if (isNumericLiteralLike(args[1])) return { val: pow(valOf(S(args[0]), this.reg) ?? O1, Number(nodeText(unwrap(args[1]))) || 1), len: O1 };
          return { val: exp(valOf(S(args[1]), this.reg) ?? O1), len: O1 };
        }
        if (dotted === 'Math.max' || dotted === 'Math.min') {
          let val: Cost = O1;
          for (const a of args) {
            if (isSpreadElement(a)) {
              const s = S(a.expression);
              const ev = valOf(elemOf(s), this.reg);
              if (ev) val = add2(val, ev);
            } else {
              const x = valOf(S(a), this.reg);
              if (x && !isConstant(x)) {
                val = add2(val, x);
                if (dotted === 'Math.min') break;
              }
            }
          }
          return { val, len: O1, kind: 'number' };
        }
        return CONST_SHAPE;
      }
      if ((dotted === 'parseInt' || dotted === 'Number' || dotted === 'parseFloat' || dotted === 'BigInt') && args[0]) return { val: S(args[0]).val ?? valOf(S(args[0]), this.reg) ?? O1, len: O1, kind: 'number' };
      if (dotted === 'String' && args[0]) {
        const s = S(args[0]);
        return { len: s.kind === 'string' ? lenOf(s, this.reg) ?? O1 : log(valOf(s, this.reg) ?? O1), kind: 'string' };
      }
      if ((dotted === 'Object.keys' || dotted === 'Object.values' || dotted === 'Object.entries') && args[0]) {
        const s = S(args[0]);
        return { len: lenOf(s, this.reg) ?? O1, elem: elemOf(s), kind: 'array' };
      }
      if (dotted === 'Array.from' && args[0]) {
        const a0 = unwrap(args[0]);
        let len: Cost | undefined;
        if (isObjectLiteralExpression(a0)) {
          const lp = a0.properties.find((p) => p.name && isIdentifier(p.name) && p.name.text === 'length');
          if (lp && isPropertyAssignment(lp)) len = valOf(S(lp.initializer), this.reg) ?? O1;
          else if (lp && isShorthandPropertyAssignment(lp)) len = valOf(S(lp.name), this.reg) ?? O1;
        }
        const src = S(args[0]);
        if (!len) len = lenOf(src, this.reg) ?? O1;
        let elem: Shape = isObjectLiteralExpression(a0) ? {} : elemOf(src);
        if (args[1]) elem = this.returnShape(args[1], [elemOf(src), { val: len, len: O1 }]) ?? elem;
        return { len, elem, kind: 'array' };
      }
      if (dotted === 'Array' && args[0]) return { len: args.length > 1 ? O1 : valOf(S(args[0]), this.reg) ?? O1, kind: 'array' };
      if (dotted === 'JSON.stringify' && args[0]) return { len: lenOf(S(args[0]), this.reg) ?? O1, kind: 'string' };
      if (dotted === 'structuredClone' && args[0]) return S(args[0]);
    }
    if (isPropertyAccessExpression(callee)) {
      const m = callee.name.text;
      const recv = S(callee.expression);
      const spec = lookupMethod(m, recv.cls);
      if (m === 'toString' || m === 'toFixed') return { len: recv.kind === 'string' ? lenOf(recv, this.reg) ?? O1 : log(valOf(recv, this.reg) ?? O1), kind: 'string' };
      if (m === 'fill' || m === 'sort' || m === 'reverse') {
        if (m === 'fill' && args[0]) return { ...recv, elem: S(args[0]) };
        return recv;
      }
      if (m === 'map' && args[0]) return { len: lenOf(recv, this.reg), elem: this.returnShape(args[0], [elemOf(recv), { val: lenOf(recv, this.reg), len: O1 }]) ?? {}, kind: 'array' };
      if (m === 'repeat' && args[0]) return { len: mul2(lenOf(recv, this.reg) ?? O1, valOf(S(args[0]), this.reg) ?? O1), kind: 'string' };
      if (m === 'concat') {
        let len = lenOf(recv, this.reg) ?? O1;
        for (const a of args) len = add2(len, lenOf(S(a), this.reg) ?? O1);
        return { len, elem: elemOf(recv), kind: recv.kind };
      }
      if ((m === 'slice' || m === 'substring') && args.length === 2) return { len: this.rangeLen(args, lenOf(recv, this.reg)), elem: elemOf(recv), kind: recv.kind };
      if ((m === 'padEnd' || m === 'padStart') && args[0]) return { len: add2(lenOf(recv, this.reg) ?? O1, valOf(S(args[0]), this.reg) ?? O1), kind: 'string' };
      if (m === 'split') {
        const n = lenOf(recv, this.reg) ?? O1;
        const sep = args[0] ? unwrap(args[0]) : undefined;
        const chars = sep && (isStringLiteral(sep) || isNoSubstitutionTemplateLiteral(sep)) && sep.text === '';
        return { len: n, elem: chars ? { len: O1, val: O1, kind: 'string' } : { len: n, kind: 'string' }, kind: 'array' };
      }
      if (m === 'charCodeAt' || m === 'codePointAt' || m === 'indexOf' || m === 'lastIndexOf' || m === 'findIndex' || m === 'search') return { val: lenOf(recv, this.reg) ?? O1, len: O1, kind: 'number' };
      if (spec) {
        switch (spec.result) {
          case 'same':
          case 'self':
          case 'mapped':
            return recv.len || recv.root ? { len: lenOf(recv, this.reg), elem: elemOf(recv), kind: recv.kind, cls: spec.result === 'self' ? recv.cls : undefined } : recv;
          case 'flat': {
            const l = lenOf(recv, this.reg) ?? O1;
            return { len: mul2(l, lenOf(elemOf(recv), this.reg) ?? O1), kind: 'array' };
          }
          case 'elem':
            return elemOf(recv);
          case 'count':
            return { val: lenOf(recv, this.reg) ?? O1, len: O1, kind: 'number' };
          case 'str':
            return { len: lenOf(recv, this.reg) ?? O1, kind: 'string' };
          case 'pieces':
            return { len: lenOf(recv, this.reg) ?? O1, kind: 'array' };
          case 'const':
          case 'none':
            return CONST_SHAPE;
          default:
            break;
        }
      }
    }
    // a recursive call returns something as large as the collection it is given (merge sort halves)
    if (isIdentifier(callee) && this.fn && callee.text === this.fn.name) {
      for (const a of args) {
        const sa = S(a);
        if (sa.kind === 'array' || sa.kind === 'string' || sa.len) {
          const l = lenOf(sa, this.reg);
          if (l && !isConstant(l)) return { len: l, elem: elemOf(sa), kind: sa.kind };
        }
      }
    }
    // a call to a function we know: its result size is unknown; name a variable after the call
    if (isIdentifier(callee) || (isPropertyAccessExpression(callee) && callee.expression.kind === SK.ThisKeyword)) {
      const name = isIdentifier(callee) ? callee.text : (callee as TS.PropertyAccessExpression).name.text;
      const b = isIdentifier(callee) ? this.env.lookup(name) : undefined;
      const cls = isIdentifier(callee) ? undefined : this.enclosingClass();
      const target = b?.fn ?? (cls ? findMethod(this.file, cls, name) : undefined);
      if (target && target !== this.fn && !target.running) {
        const res = target.file.summary(target);
        if (res?.returns) {
          // argument shapes only for the parameters the returned sizes mention
          const memo: Array<Shape | undefined> = [];
          const shapes = (i: number): Shape | undefined => (i < args.length ? (memo[i] ??= this.shapeOf(isSpreadElement(args[i]) ? (args[i] as TS.SpreadElement).expression : args[i])) : undefined);
          const out: Shape = { kind: 'unknown' };
          if (res.returns.len) out.len = this.mapCost(target, res.returns.len, shapes);
          if (res.returns.val) out.val = this.mapCost(target, res.returns.val, shapes);
          if (!out.len && !out.val) return out;
          return out.len ? out : { ...out, len: O1 };
        }
      }
      if (b?.fn) return { ...rootShape(this.scope, `${name}(…)`), kind: 'unknown' };
    }
    return this.textRoot(this.scope, c);
  }

  /** Shape of what a callback returns (for map / Array.from). */
  private returnShape(arg: TS.Expression, params: Shape[] = []): Shape | undefined {
    const u = unwrap(arg);
    if (!isFunctionLike(u)) return undefined;
    const fnNode = u as TS.FunctionLikeDeclaration;
    const body = fnNode.body;
    if (!body) return undefined;
    const outer = this.env;
    this.env = new Env(outer);
    try {
      fnNode.parameters.forEach((p, i) => {
        if (isIdentifier(p.name)) this.env.vars.set(p.name.text, { shape: params[i] ?? {}, level: this.frames.length, owner: this.fn });
      });
      if (!isBlock(body)) return this.shapeOf(body);
      const ret = body.statements.find((s) => isReturnStatement(s)) as TS.ReturnStatement | undefined;
      return ret?.expression ? this.shapeOf(ret.expression) : undefined;
    } finally {
      this.env = outer;
    }
  }
}

// ------------------------------------------------------------------ helpers

/** Literal bounds at least this large are value ranges (named magnitudes), not small constants. */
export const LARGE_LITERAL = 1e5;

/** Value of a numeric constant expression (literals, unary minus, + - * / ** << on constants). */
function constValue(e: TS.Expression, depth = 0): number | undefined {
  if (depth > 20) return undefined;
  const u = unwrap(e);
  if (isNumericLiteral(u)) {
    const v = Number(u.text);
    return Number.isFinite(v) ? v : undefined;
  }
  if (isBigIntLiteral(u)) {
    const v = Number(u.text.replace(/n$/, ''));
    return Number.isFinite(v) ? v : undefined;
  }
  if (isPrefixUnaryExpression(u) && (u.operator === SK.MinusToken || u.operator === SK.PlusToken)) {
    const v = constValue(u.operand, depth + 1);
    return v === undefined ? undefined : u.operator === SK.MinusToken ? -v : v;
  }
  if (isBinaryExpression(u)) {
    const a = constValue(u.left, depth + 1);
    if (a === undefined) return undefined;
    const b = constValue(u.right, depth + 1);
    if (b === undefined) return undefined;
    switch (u.operatorToken.kind) {
      case SK.PlusToken:
        return a + b;
      case SK.MinusToken:
        return a - b;
      case SK.AsteriskToken:
        return a * b;
      case SK.SlashToken:
        return b ? a / b : undefined;
      case SK.AsteriskAsteriskToken:
        return a ** b;
      case SK.LessThanLessThanToken:
        return b < 53 ? a * 2 ** b : undefined;
      default:
        return undefined;
    }
  }
  return undefined;
}

function magnitudeName(v: number): string {
  const a = Math.abs(v);
  const exp10 = Math.round(Math.log10(a));
  return Math.abs(a - 10 ** exp10) / a < 0.2 ? `1e${exp10}` : a.toExponential(0).replace('+', '');
}

/** c / v when every term of c has v with power >= 1 (used for range/step loops), else undefined. */
function divideBy(c: Cost, v: string): Cost | undefined {
  if (isConstant(c)) return undefined;
  const out: Cost[] = [];
  for (const t of c.terms) {
    const g = t.vars[v];
    if (!g || g.p < 1 - 1e-9) return undefined;
    const vars = { ...t.vars, [v]: { ...g, p: g.p - 1 } };
    out.push(mul(...Object.entries(vars).map(([k, gg]) => mul(pow(variable(k), gg.p || 0), gg.l ? pow(log(variable(k)), gg.l) : O1, gg.e ? exp(variable(k), 2 ** gg.e) : O1, gg.f ? costFactorialOf(k, gg.f) : O1))));
  }
  return add(...out);
}

function costFactorialOf(k: string, f: number): Cost {
  return pow(factorial(variable(k)), f);
}

/** The literal iteration count of a constant loop, when it is written down: k < 4, c of 'abc', d of dirs literal. */
function constantCount(node: TS.Node): number | undefined {
  if (isForOfStatement(node)) {
    const e = unwrap(node.expression);
    if (isStringLiteral(e) || isNoSubstitutionTemplateLiteral(e)) return e.text.length;
    if (isArrayLiteralExpression(e)) return e.elements.length;
    return undefined;
  }
  if (isForStatement(node) && node.condition && isBinaryExpression(node.condition)) {
    const c = node.condition;
    const init = node.initializer && isVariableDeclarationList(node.initializer) ? node.initializer.declarations[0]?.initializer : undefined;
    const start = init && isNumericLiteralLike(init) ? Number(nodeText(unwrap(init))) : 0;
    if (isNumericLiteralLike(c.right)) {
      const end = Number(nodeText(unwrap(c.right)));
      const k = c.operatorToken.kind;
      const n = k === SK.LessThanEqualsToken ? end - start + 1 : k === SK.LessThanToken ? end - start : undefined;
      return n !== undefined && n > 0 && n < 1000 ? n : undefined;
    }
  }
  return undefined;
}

export function evidenceAt(node: TS.Node, sf: TS.SourceFile, factor: Cost, reason: string): RawEvidence {
  const start = startOf(node, sf);
  return { start, end: Math.max(start, node.end), factor, reason };
}

function findLastIndex<T>(xs: T[], p: (x: T) => boolean): number {
  for (let i = xs.length - 1; i >= 0; i--) if (p(xs[i])) return i;
  return -1;
}

function isNullish(e: TS.Expression): boolean {
  const u = unwrap(e);
  return u.kind === SK.NullKeyword || (isIdentifier(u) && u.text === 'undefined');
}

function isEmptyCollection(e: TS.Expression): boolean {
  if (isArrayLiteralExpression(e)) return e.elements.length === 0;
  if (isObjectLiteralExpression(e)) return e.properties.length === 0;
  if (isStringLiteral(e) || isNoSubstitutionTemplateLiteral(e)) return e.text.length === 0;
  if (isNewExpression(e)) return (e.arguments?.length ?? 0) === 0;
  return false;
}

function isKeyedInit(e: TS.Expression): boolean {
  if (isObjectLiteralExpression(e)) return true;
  if (isNewExpression(e)) return /^(Map|Set|Object)$/.test(identName(e.expression) ?? '');
  if (isCallExpression(e) && dottedName(e.expression) === 'Object.create') return true;
  return false;
}

function containsExit(s: TS.Node): boolean {
  if (isBreakStatement(s) || isReturnStatement(s) || isThrowStatement(s)) return true;
  let found = false;
  forEachDescendant(s, (n) => {
    if (isIterationStatement(n, false)) return false;
    if (isBreakStatement(n) || isReturnStatement(n) || isThrowStatement(n)) found = true;
    return undefined;
  });
  return found;
}

/** `while (q.length)`, `while (q.length > 0)`, `while (!q.isEmpty())`, `while (q.size)`: the worklist name. */
function worklistName(cond: TS.Expression): string | undefined {
  let name: string | undefined;
  const stack: TS.Expression[] = [cond];
  while (stack.length && !name) {
    const e = unwrap(stack.pop()!);
    if (isBinaryExpression(e)) {
      const k = e.operatorToken.kind;
      if (k === SK.AmpersandAmpersandToken || k === SK.BarBarToken || COMPARISONS.has(k)) stack.push(e.left, e.right);
      continue;
    }
    if (isPrefixUnaryExpression(e) && e.operator === SK.ExclamationToken) {
      stack.push(e.operand);
      continue;
    }
    if (isPropertyAccessExpression(e) && (e.name.text === 'length' || e.name.text === 'size')) name = identName(e.expression) ?? dottedName(e.expression);
    if (isCallExpression(e) && isPropertyAccessExpression(e.expression) && /^(isEmpty|size|length|count)$/.test(e.expression.name.text)) name = identName(e.expression.expression) ?? dottedName(e.expression.expression);
  }
  return name;
}

function calleeIs(n: TS.Node, recv: string, methods: Set<string>): n is TS.CallExpression {
  if (!isCallExpression(n)) return false;
  const c = unwrap(n.expression);
  if (!isPropertyAccessExpression(c) || !methods.has(c.name.text)) return false;
  return (identName(c.expression) ?? dottedName(c.expression)) === recv;
}

function bodyTakes(body: TS.Node, name: string): boolean {
  let found = false;
  forEachDescendant(body, (n) => {
    if (calleeIs(n, name, TAKE_METHODS)) found = true;
    return found ? false : undefined;
  });
  if (!found && calleeIs(body, name, TAKE_METHODS)) found = true;
  return found;
}

function bodyGrows(body: TS.Node, name: string): boolean {
  let found = false;
  forEachDescendant(body, (n) => {
    if (calleeIs(n, name, GROW_METHODS)) found = true;
    return found ? false : undefined;
  });
  return found;
}

/** q = next (level-by-level BFS swaps in the next level). */
function bodyReassigns(body: TS.Node, name: string): boolean {
  let found = false;
  forEachDescendant(body, (n) => {
    if (isBinaryExpression(n) && n.operatorToken.kind === SK.EqualsToken && identName(n.left) === name) found = true;
    return found ? false : undefined;
  });
  return found;
}

function findPushes(body: TS.Node, name: string): TS.CallExpression[] {
  const out: TS.CallExpression[] = [];
  // pushes to the queue, or to the next-level array swapped into it
  const names = new Set([name]);
  forEachDescendant(body, (n) => {
    if (isBinaryExpression(n) && n.operatorToken.kind === SK.EqualsToken && identName(n.left) === name) {
      const r = identName(n.right);
      if (r) names.add(r);
    }
  });
  forEachDescendant(body, (n) => {
    for (const nm of names) if (calleeIs(n, nm, GROW_METHODS)) out.push(n as TS.CallExpression);
  });
  return out;
}

function collectUpdates(roots: Array<TS.Node | undefined>): Map<string, Upd[]> {
  const out = new Map<string, Upd[]>();
  const midVars = new Set<string>();
  /** Locals declared from a property of another variable: `const nxt = cur.next`. */
  let fields: Map<string, TS.PropertyAccessExpression> | undefined;
  /** Initializers of locals declared in the loop (read when checking heap-style descents). */
  let decls: Map<string, TS.Expression[]> | undefined;
  const put = (v: string, u: Upd) => {
    const l = out.get(v) ?? [];
    l.push(u);
    out.set(v, l);
  };
  // midpoints first: const mid = (l + r) >> 1
  for (const r of roots) {
    if (!r) continue;
    forEachDescendant(r, (n) => {
      if (isVariableDeclaration(n) && isIdentifier(n.name) && n.initializer) {
        if (HALVING(n.initializer)) midVars.add(n.name.text);
        const init = unwrap(n.initializer);
        if (isPropertyAccessExpression(init)) (fields ??= new Map()).set(n.name.text, init);
        decls ??= new Map();
        const l = decls.get(n.name.text);
        if (l) l.push(n.initializer);
        else decls.set(n.name.text, [n.initializer]);
      }
      if (isBinaryExpression(n) && n.operatorToken.kind === SK.EqualsToken && isIdentifier(n.left) && HALVING(n.right)) midVars.add(n.left.text);
    });
  }
  const classify = (v: string, rhs: TS.Expression): UpdKind => {
    const r = unwrap(rhs);
    const mentionsMid = [...midVars].some((m) => m !== v && mentions(r, m));
    if (mentionsMid) return 'mid';
    if (HALVING(r) && mentions(r, v)) {
      // v = (v + x) >> 1 with another variable: bisection; v = v >> 1: geometric
      const others = isBinaryExpression(r) && !isNumericLiteralLike(r.right) ? true : false;
      return others ? 'mid' : 'div';
    }
    if (HALVING(r)) return 'mid';
    if (isBinaryExpression(r)) {
      const k = r.operatorToken.kind;
      const lv = identName(r.left) === v, rv = identName(r.right) === v;
      // x + (x & -x) / x - (x & -x): Fenwick steps move the lowest set bit up or clear it
      if (k === SK.PlusToken && ((lv && isLowbit(r.right, v)) || (rv && isLowbit(r.left, v)))) return 'mul';
      if (k === SK.MinusToken && lv && isLowbit(r.right, v)) return 'div';
      if ((k === SK.PlusToken) && (lv || rv)) return 'inc';
      if (k === SK.MinusToken && lv) return 'dec';
      if ((k === SK.AsteriskToken || k === SK.LessThanLessThanToken) && (lv || rv)) return 'mul';
      if ((k === SK.SlashToken || k === SK.GreaterThanGreaterThanToken || k === SK.GreaterThanGreaterThanGreaterThanToken) && lv) return 'div';
      if (k === SK.AmpersandToken && mentions(r, v)) {
        // v & (v - 1): clears a bit -> at most log v steps; (v - 1) & mask: subset walk
        return lv || rv ? 'div' : 'other';
      }
      if (k === SK.PercentToken && (lv || rv)) return 'div';
      if (k === SK.BarToken && mentions(r.left, v) && HALVING(r.left)) return 'div';
    }
    if (isCallExpression(r)) {
      const d = dottedName(r.expression) ?? '';
      if (/^Math\.(floor|trunc|ceil|round)$/.test(d) && r.arguments[0]) return classify(v, r.arguments[0]);
      if (d === 'Math.max' && r.arguments.some((a) => identName(a) === v)) return 'inc';
      if (d === 'Math.min' && r.arguments.some((a) => identName(a) === v)) return 'dec';
      if (d === 'parseInt' || d === 'Number') return r.arguments[0] ? classify(v, r.arguments[0]) : 'other';
    }
    if (isPrefixUnaryExpression(r) && r.operator === SK.TildeToken && isPrefixUnaryExpression(unwrap(r.operand))) return classify(v, (unwrap(r.operand) as TS.PrefixUnaryExpression).operand);
    if (isConditionalExpression(r)) {
      const a = classify(v, r.whenTrue), b = classify(v, r.whenFalse);
      return a === b ? a : a === 'chase' || b === 'chase' ? 'chase' : 'other';
    }
    if (isPropertyAccessExpression(r) && identName(r.expression) === v) return 'chase';
    if (isElementAccessExpression(r) && identName(r.argumentExpression) === v) return 'chase';
    if (isPropertyAccessExpression(r) || isElementAccessExpression(r)) {
      if (mentions(r, v)) return 'chase';
    }
    if (mentions(r, v)) return 'other';
    // const nxt = cur.next; ...; cur = nxt: following a link through a local
    const via = isIdentifier(r) ? fields?.get(r.text) : undefined;
    if (via && identName(via.expression) === v) return 'chase';
    // v = u or v = u + 1 where u is another pointer: a forward jump if u only moves forward
    const u = identName(r) ?? (isBinaryExpression(r) && r.operatorToken.kind === SK.PlusToken ? identName(r.left) : undefined);
    if (u) jumps.push({ v, u });
    return 'reset';
  };
  const jumps: Array<{ v: string; u: string }> = [];
  for (const r of roots) {
    if (!r) continue;
    const visit = (n: TS.Node) => {
      if ((isPostfixUnaryExpression(n) || isPrefixUnaryExpression(n)) && (n.operator === SK.PlusPlusToken || n.operator === SK.MinusMinusToken)) {
        const v = updKey(n.operand);
        if (v) put(v, { kind: n.operator === SK.PlusPlusToken ? 'inc' : 'dec', node: n });
      } else if (isBinaryExpression(n) && isAssignmentOp(n.operatorToken.kind)) {
        const v = updKey(n.left);
        if (v) {
          const k = n.operatorToken.kind;
          const rightConst = isNumericLiteralLike(n.right);
          const dataStep = !rightConst && !isIdentifier(unwrap(n.right));
          if ((k === SK.PlusEqualsToken || k === SK.MinusEqualsToken) && isLowbit(n.right, v)) put(v, { kind: k === SK.PlusEqualsToken ? 'mul' : 'div', node: n });
          else if (k === SK.PlusEqualsToken) put(v, { kind: rightConst ? 'inc' : dataStep ? 'data' : 'harmonic', node: n, rhs: n.right });
          else if (k === SK.MinusEqualsToken) put(v, { kind: rightConst ? 'dec' : dataStep ? 'data' : 'series', node: n, rhs: n.right });
          else if (k === SK.AsteriskEqualsToken || k === SK.LessThanLessThanEqualsToken) put(v, { kind: 'mul', node: n });
          else if (k === SK.SlashEqualsToken || k === SK.GreaterThanGreaterThanEqualsToken || k === SK.GreaterThanGreaterThanGreaterThanEqualsToken || k === SK.PercentEqualsToken) put(v, { kind: 'div', node: n });
          else if (k === SK.AmpersandEqualsToken) put(v, { kind: mentions(n.right, v) ? 'div' : 'other', node: n });
          else if (k === SK.EqualsToken) put(v, { kind: classify(v, n.right), node: n, rhs: n.right });
          else put(v, { kind: 'other', node: n });
        } else if (isArrayLiteralExpression(unwrap(n.left)) && n.operatorToken.kind === SK.EqualsToken) {
          const l = unwrap(n.left) as TS.ArrayLiteralExpression;
          const rr = unwrap(n.right);
          l.elements.forEach((el, i) => {
            const v2 = identName(el);
            if (!v2) return;
            const src = isArrayLiteralExpression(rr) ? rr.elements[i] : undefined;
            put(v2, { kind: src ? classify(v2, src) : 'other', node: n, rhs: src });
          });
        }
      }
    };
    visit(r);
    forEachDescendant(r, (n) => {
      visit(n);
    });
  }
  for (const { v, u } of jumps) heapDescent(out, decls, roots, v, u);
  for (const { v, u } of jumps) {
    const uu = out.get(u) ?? [];
    if (uu.length && uu.every((x) => x.kind === 'inc')) {
      const vv = out.get(v) ?? [];
      const j = vv.find((x) => x.kind === 'reset');
      if (j) j.kind = 'inc';
    }
  }
  return out;
}

/**
 * Heap-style descent: `i = c` where every value the local `c` takes is a child index of i
 * (2i + 1, 2 * i + 2, (i << 1) | 1, a sibling c + 1, or i itself when no child qualifies). i at
 * least doubles each time it moves, so while the children are checked against a size (`c < n`)
 * the loop runs O(log n) times: sift-down in binary heaps.
 */
function heapDescent(out: Map<string, Upd[]>, decls: Map<string, TS.Expression[]> | undefined, roots: Array<TS.Node | undefined>, v: string, u: string): void {
  const vUps = out.get(v);
  if (!vUps || vUps.some((x) => x.kind !== 'reset' && x.kind !== 'mul')) return;
  const defsOf = (name: string): { exprs: TS.Expression[]; steps: number; other: number } => {
    const exprs = [...(decls?.get(name) ?? [])];
    let steps = 0, other = 0;
    for (const up of out.get(name) ?? []) {
      if (up.rhs && isBinaryExpression(up.node) && up.node.operatorToken.kind === SK.EqualsToken) exprs.push(up.rhs);
      else if (up.kind === 'inc' && !up.rhs) steps++;
      else if (up.kind === 'inc' && up.rhs && isNumericLiteralLike(up.rhs)) steps++;
      else other++;
    }
    return { exprs, steps, other };
  };
  const children = new Set<string>();
  const isChild = (e: TS.Expression, depth = 0): boolean => {
    if (depth > 6) return false;
    const x = unwrap(e);
    const id = identName(x);
    if (id) return children.has(id);
    if (!isBinaryExpression(x)) return false;
    const k = x.operatorToken.kind;
    const lit = (y: TS.Expression, min: number) => isNumericLiteralLike(y) && Number(nodeText(unwrap(y))) >= min;
    if (k === SK.AsteriskToken) return (identName(x.left) === v && lit(x.right, 2)) || (identName(x.right) === v && lit(x.left, 2));
    if (k === SK.LessThanLessThanToken) return identName(x.left) === v && lit(x.right, 1);
    if (k === SK.PlusToken || k === SK.BarToken) return (lit(x.right, 0) && isChild(x.left, depth + 1)) || (lit(x.left, 0) && isChild(x.right, depth + 1));
    return false;
  };
  // cheap rejection: u itself must be assigned child indices or other locals
  const ud = defsOf(u);
  if (ud.other || !ud.exprs.some((e) => isChild(e) || identName(unwrap(e)) !== undefined)) return;
  // locals whose every value is a child of v (or v itself), to a fixpoint
  const candidates = new Set<string>([u, ...(decls?.keys() ?? [])]);
  candidates.delete(v);
  for (let round = 0; round < 4; round++) {
    let grew = false;
    for (const name of candidates) {
      if (children.has(name)) continue;
      const d = defsOf(name);
      if (d.other || !d.exprs.length) continue;
      let child = 0, ok = true;
      for (const e of d.exprs) {
        if (isChild(e)) child++;
        else if (identName(unwrap(e)) !== v) {
          ok = false;
          break;
        }
      }
      if (ok && child) {
        children.add(name);
        grew = true;
      }
    }
    if (!grew) break;
  }
  if (!children.has(u)) return;
  // what the children are compared with: the heap's size
  const family = new Set<string>([v, ...children]);
  const childBounds: TS.Expression[] = [];
  for (const r of roots) {
    if (!r) continue;
    forEachSelfAndDescendant(r, (n) => {
      if (!isBinaryExpression(n)) return undefined;
      const k = n.operatorToken.kind;
      if (k !== SK.LessThanToken && k !== SK.LessThanEqualsToken && k !== SK.GreaterThanToken && k !== SK.GreaterThanEqualsToken) return undefined;
      const [c, b] = k === SK.LessThanToken || k === SK.LessThanEqualsToken ? [n.left, n.right] : [n.right, n.left];
      if (isChild(c) && ![...family].some((f) => mentions(b, f))) childBounds.push(b);
      return undefined;
    });
  }
  for (const name of family) {
    const ups = out.get(name);
    if (!ups) continue;
    for (const up of ups) {
      up.kind = 'mul';
      up.childBounds = childBounds;
      up.family = family;
    }
  }
}

/**
 * `x & -x` (either order): the lowest set bit of x. Adding it to x carries into a higher bit, so
 * the lowest set bit at least doubles; subtracting it clears a bit. Either way a loop driven by it
 * runs O(log) times (Fenwick / binary indexed tree walks).
 */
function isLowbit(e: TS.Expression, v: string): boolean {
  const u = unwrap(e);
  if (!isBinaryExpression(u) || u.operatorToken.kind !== SK.AmpersandToken) return false;
  const neg = (x: TS.Expression) => {
    const n = unwrap(x);
    return isPrefixUnaryExpression(n) && n.operator === SK.MinusToken && identName(n.operand) === v;
  };
  return (identName(u.left) === v && neg(u.right)) || (identName(u.right) === v && neg(u.left));
}

/** `x / v`, `Math.floor(x / v)`, `(x / v) | 0`, `~~(x / v)` with v one of `vars`: v and x. */
function quotientBy(e: TS.Expression, vars: Set<string>): { v: string; dividend: TS.Expression } | undefined {
  let x = unwrap(e);
  for (let i = 0; i < 4; i++) {
    if (isCallExpression(x) && /^Math\.(floor|trunc)$/.test(dottedName(x.expression) ?? '') && x.arguments.length === 1) x = unwrap(x.arguments[0]);
    else if (isPrefixUnaryExpression(x) && x.operator === SK.TildeToken && isPrefixUnaryExpression(unwrap(x.operand))) x = unwrap((unwrap(x.operand) as TS.PrefixUnaryExpression).operand);
    else if (isBinaryExpression(x) && x.operatorToken.kind === SK.BarToken && isNumericLiteralLike(x.right) && nodeText(unwrap(x.right)) === '0') x = unwrap(x.left);
    else break;
  }
  if (!isBinaryExpression(x) || x.operatorToken.kind !== SK.SlashToken) return undefined;
  const v = identName(x.right);
  return v && vars.has(v) && !mentions(x.left, v) ? { v, dividend: x.left } : undefined;
}

/** Identifier name, or `a[i]` text for element slots updated in place (c[j] -= i, nums[i] = nums[i] / 10). */
function updKey(e: TS.Expression): string | undefined {
  const u = unwrap(e);
  const id = identName(u);
  if (id) return id;
  if (isElementAccessExpression(u)) {
    const b = identName(u.expression);
    const ix = u.argumentExpression;
    if (b && (identName(ix) || isNumericLiteralLike(ix))) return `${b}[${nodeText(unwrap(ix))}]`;
  }
  return undefined;
}

function boundIsStartPlus(bound: TS.Expression, start: TS.Expression): boolean {
  return !!boundExtra(bound, start);
}
function boundExtra(bound: TS.Expression, start: TS.Expression): TS.Expression | undefined {
  const b = unwrap(bound);
  if (!isBinaryExpression(b) || b.operatorToken.kind !== SK.PlusToken) return undefined;
  const st = nodeText(unwrap(start)).replace(/\s+/g, '');
  if (nodeText(unwrap(b.left)).replace(/\s+/g, '') === st) return b.right;
  if (nodeText(unwrap(b.right)).replace(/\s+/g, '') === st) return b.left;
  // start `i + 1`, bound `i + k`
  const s = unwrap(start);
  if (isBinaryExpression(s) && s.operatorToken.kind === SK.PlusToken && nodeText(unwrap(s.left)) === nodeText(unwrap(b.left))) return b.right;
  return undefined;
}

/** Does `host` assign `name[...] = ...`? */
export function writesIndexed(host: TS.Node, name: string): boolean {
  let found = false;
  forEachDescendant(host, (n) => {
    if (isBinaryExpression(n) && isAssignmentOp(n.operatorToken.kind)) {
      const l = unwrap(n.left);
      if (isElementAccessExpression(l) && (identName(l.expression) ?? dottedName(l.expression)) === name) found = true;
    }
    return found ? false : undefined;
  });
  return found;
}

/** Is `v` reset (assigned something not derived from itself) inside `host`? */
function resets(host: TS.Node, v: string): boolean {
  let found = false;
  forEachDescendant(host, (n) => {
    if (isBinaryExpression(n) && n.operatorToken.kind === SK.EqualsToken && identName(n.left) === v && !mentions(n.right, v)) {
      // l = r + 1 style jumps forward keep amortisation only if the right side is another forward pointer
      const r = unwrap(n.right);
      const rn = identName(r) ?? (isBinaryExpression(r) ? identName(r.left) : undefined);
      if (!rn) found = true;
      else if (/^\d/.test(rn)) found = true;
      // assigning from the outer counter (l = i) is a forward jump: fine
    }
    if (isVariableDeclaration(n) && isIdentifier(n.name) && n.name.text === v) found = true;
    return found ? false : undefined;
  });
  return found;
}

/** The loop at `host` assigns `from = to` (or to ± c): it resumes where the inner loop stopped. */
function assignsFrom(host: TS.Node, from: string, to: string): boolean {
  let found = false;
  forEachDescendant(host, (n) => {
    if (isBinaryExpression(n) && n.operatorToken.kind === SK.EqualsToken && identName(n.left) === from && mentions(n.right, to)) found = true;
    return found ? false : undefined;
  });
  return found;
}

function findMethod(file: FileAnalyzer, cls: TS.ClassLikeDeclaration, name: string): FnInfo | undefined {
  for (const m of cls.members) {
    // declarations without a body (declare class, overload signatures) say nothing about cost
    if ((isMethodDeclaration(m) || isGetAccessorDeclaration(m)) && m.body && m.name && isIdentifier(m.name) && m.name.text === name) return file.byNode.get(m);
    if (isPropertyDeclaration(m) && m.name && isIdentifier(m.name) && m.name.text === name && m.initializer && isFunctionLike(unwrap(m.initializer))) return file.byNode.get(unwrap(m.initializer));
  }
  // inherited: extends a class in this file
  const h = cls.heritageClauses?.find((c) => c.token === SK.ExtendsKeyword);
  const base = h?.types[0] ? identName(h.types[0].expression) : undefined;
  const bc = base ? file.classes.get(base) : undefined;
  if (bc && bc !== cls) return findMethod(file, bc, name);
  return undefined;
}

function isMethodScopeOf(_file: FileAnalyzer, _cls: TS.ClassLikeDeclaration, scope: string): boolean {
  return scope.includes('class:');
}

/**
 * Memo / visited detection: an early `return` guarded by a read of a structure indexed by the
 * parameters (`if (memo[i][j] !== -1) return memo[i][j]`, `if (vis[i]) return`, `if (grid[i][j]
 * === 0) return`, `if (memo.has(key)) return ...`) where the function also writes that structure.
 */
function detectMemo(w: Walker, fn: TS.FunctionLikeDeclaration): { name: string; node: TS.Node } | undefined {
  const body = fn.body;
  if (!body || !isBlock(body)) return undefined;
  const params = new Set(fn.parameters.map((p) => (isIdentifier(p.name) ? p.name.text : '')).filter(Boolean));
  const reads: Array<{ name: string; node: TS.Node }> = [];
  const readBase = (e: TS.Node) => {
    forEachSelfAndDescendant(e, (n) => {
      if (isElementAccessExpression(n)) {
        let cur: TS.Expression = n;
        while (isElementAccessExpression(unwrap(cur))) cur = (unwrap(cur) as TS.ElementAccessExpression).expression;
        const name = identName(cur) ?? dottedName(cur);
        if (name && mentionsAny(n, params)) reads.push({ name, node: n });
        return false;
      }
      if (isCallExpression(n) && isPropertyAccessExpression(n.expression) && /^(has|get)$/.test(n.expression.name.text)) {
        const name = identName(n.expression.expression) ?? dottedName(n.expression.expression);
        if (name) reads.push({ name, node: n });
      }
      if (isBinaryExpression(n) && n.operatorToken.kind === SK.InKeyword) {
        const name = identName(n.right) ?? dottedName(n.right);
        if (name) reads.push({ name, node: n });
      }
      return undefined;
    });
  };
  for (const st of body.statements) {
    if (isIfStatement(st) && containsExit(st.thenStatement)) readBase(st.expression);
    if (isIfStatement(st) && !containsExit(st.thenStatement)) continue;
  }
  const callsSelf = (root: TS.Node): boolean => {
    let found = false;
    forEachSelfAndDescendant(root, (k) => {
      if (isCallExpression(k) && identName(k.expression) === w.fn?.name) found = true;
      return found ? false : undefined;
    });
    return found;
  };
  const guardReads = (cond: TS.Expression) =>
    forEachSelfAndDescendant(cond, (k) => {
      if (isElementAccessExpression(k)) {
        let cur: TS.Expression = k;
        while (isElementAccessExpression(unwrap(cur))) cur = (unwrap(cur) as TS.ElementAccessExpression).expression;
        const name = identName(cur);
        if (name) reads.push({ name, node: k });
        return false;
      }
      if (isCallExpression(k) && isPropertyAccessExpression(k.expression) && k.expression.name.text === 'has') {
        const name = identName(k.expression.expression);
        if (name) reads.push({ name, node: k });
      }
      return undefined;
    });
  // guards that skip the rest of a loop iteration before a recursive call:
  // for (...) { if (seen.has(v)) continue; ...; dfs(v); }
  forEachDescendant(body, (n) => {
    if (isFunctionLike(n)) return false;
    if (!isBlock(n) || !n.parent || !isIterationStatement(n.parent, false)) return undefined;
    const sts = n.statements;
    for (let i = 0; i < sts.length; i++) {
      const st = sts[i];
      if (!isIfStatement(st) || st.elseStatement) continue;
      const t = st.thenStatement;
      const skips = isContinueStatement(t) || (isBlock(t) && t.statements.length > 0 && isContinueStatement(t.statements[t.statements.length - 1]));
      if (skips && sts.slice(i + 1).some(callsSelf)) guardReads(st.expression);
    }
    return undefined;
  });
  // guards at the recursive call sites: if (!vis[j]) dfs(j)
  forEachDescendant(body, (n) => {
    if (isIfStatement(n) && !n.elseStatement) {
      let callsSelf = false;
      forEachDescendant(n.thenStatement, (k) => {
        if (isCallExpression(k) && identName(k.expression) === w.fn?.name) callsSelf = true;
      });
      if (isExpressionStatement(n.thenStatement) && isCallExpression(n.thenStatement.expression) && identName(n.thenStatement.expression.expression) === w.fn?.name) callsSelf = true;
      if (callsSelf) guardReads(n.expression);
    }
  });
  if (!reads.length) return treeWalk(w, fn, params);
  // the structure must be written in the function, indexed by the parameters
  for (const r of reads) {
    let written = false;
    forEachDescendant(body, (n) => {
      if (isBinaryExpression(n) && isAssignmentOp(n.operatorToken.kind)) {
        let cur: TS.Expression = n.left;
        let indexed = false;
        while (isElementAccessExpression(unwrap(cur))) {
          indexed = true;
          cur = (unwrap(cur) as TS.ElementAccessExpression).expression;
        }
        if (indexed && (identName(cur) ?? dottedName(cur)) === r.name) written = true;
      }
      if (isCallExpression(n) && isPropertyAccessExpression(n.expression) && /^(set|add)$/.test(n.expression.name.text) && (identName(n.expression.expression) ?? dottedName(n.expression.expression)) === r.name) written = true;
      return written ? false : undefined;
    });
    if (written && !restoredAfterRecursion(body, r.name, w.fn?.name)) return r;
  }
  return undefined;
}

/**
 * Tree walk over an adjacency structure: `for (const b of g[a]) if (b !== parent) dfs(b, a)`:
 * the current node is passed down as the parent and excluded, so every node is visited once.
 */
function treeWalk(w: Walker, fn: TS.FunctionLikeDeclaration, params: Set<string>): { name: string; node: TS.Node } | undefined {
  const self = w.fn?.name;
  if (!self || !fn.body) return undefined;
  let found: { name: string; node: TS.Node } | undefined;
  forEachDescendant(fn.body, (n) => {
    if (found || !isForOfStatement(n)) return undefined;
    const it = unwrap(n.expression);
    if (!isElementAccessExpression(it) || !params.has(identName(it.argumentExpression) ?? '')) return undefined;
    const p = identName(it.argumentExpression)!;
    const base = identName(it.expression) ?? dottedName(it.expression);
    const d = n.initializer;
    const lv = isVariableDeclarationList(d) && d.declarations[0] && isIdentifier(d.declarations[0].name) ? d.declarations[0].name.text : isVariableDeclarationList(d) && d.declarations[0] && isArrayBindingPattern(d.declarations[0].name) ? nodeText((d.declarations[0].name.elements[0] as TS.BindingElement)?.name) : undefined;
    if (!base || !lv) return undefined;
    forEachDescendant(n.statement, (k) => {
      if (found || !isCallExpression(k) || identName(k.expression) !== self) return undefined;
      const args = k.arguments.map((a) => identName(a));
      if (args.includes(lv) && args.includes(p)) found = { name: base, node: it };
      return undefined;
    });
    return undefined;
  });
  return found;
}

/** Backtracking: the structure is written again after a recursive call (vis[j] = false, board[i][j] = c). */
function restoredAfterRecursion(body: TS.Block, name: string, self: string | undefined): boolean {
  if (!self) return false;
  let firstCall = Infinity;
  forEachDescendant(body, (n) => {
    if (isCallExpression(n) && identName(n.expression) === self) firstCall = Math.min(firstCall, n.pos);
  });
  if (firstCall === Infinity) return false;
  let before = false, after = false;
  forEachDescendant(body, (n) => {
    let writes = false;
    if (isBinaryExpression(n) && n.operatorToken.kind === SK.EqualsToken) {
      let cur: TS.Expression = n.left;
      let indexed = false;
      while (isElementAccessExpression(unwrap(cur))) {
        indexed = true;
        cur = (unwrap(cur) as TS.ElementAccessExpression).expression;
      }
      if (indexed && identName(cur) === name) writes = true;
    }
    if (isCallExpression(n) && isPropertyAccessExpression(n.expression) && /^(delete|add|set)$/.test(n.expression.name.text) && identName(n.expression.expression) === name) writes = true;
    if (writes) {
      if (n.pos < firstCall) before = true;
      else after = true;
    }
    return undefined;
  });
  // set before recursing and undone after: backtracking, not memoisation
  return before && after;
}


function mentionsAny(n: TS.Node, names: Set<string>): boolean {
  for (const x of names) if (mentions(n, x)) return true;
  return false;
}

