// The built-in cost catalog: ONE readable table of what standard-library calls cost.
//
// Each entry says how the call's cost grows with the size of its receiver (or argument),
// whether it runs a callback (and how many times), and what the result looks like (so that
// `nums.map(f).filter(g)` keeps knowing its size). To add a method, add a line.
//
//   cost      'const'      O(1)
//             'n'          linear in the receiver's size (elements, characters, keys)
//             'nlogn'      n log n in the receiver's size (sorting)
//             'arg0'       linear in the size of the first argument (new Set(xs), Object.keys(o))
//             'args'       linear in the total size of all arguments (concat, Math.max(...xs) via spread)
//             'log'        logarithmic in the receiver's size (priority-queue push/pop)
//             'logArg0'    logarithmic in the first argument's size (binary searches: _.sortedIndex)
//             'nlognArg0'  n log n in the first argument's size (_.sortBy)
//             'range'      linear in the requested range (slice(i, i + k) is k), else the receiver's size
//             'padTo'      the receiver's size plus the target length (padStart(k))
//   callback  { arg, times, params }: the function argument `arg` runs `times` times
//             ('n' = once per element, 'nlogn' = per comparison while sorting, 'once');
//             params says what the callback's parameters are bound to.
//   result    shape of the returned value: 'same' (size of the receiver), 'arg0' (size of the
//             first argument), 'elem' (an element), 'count' (a number up to the size),
//             'str' (a string of the receiver's size), 'pieces' (split: up to n pieces),
//             'const' (O(1)-sized), 'self' (returns the receiver: sort, reverse, fill).
//   note      extra explanation for the evidence.

export type CostKind = 'const' | 'n' | 'nlogn' | 'arg0' | 'args' | 'log' | 'logArg0' | 'nlognArg0' | 'range' | 'padTo';
export type ParamRole = 'elem' | 'index' | 'acc' | 'coll' | 'key' | 'elem2' | 'none';
export type ResultKind = 'same' | 'arg0' | 'elem' | 'count' | 'str' | 'pieces' | 'const' | 'self' | 'lenArg0' | 'mapped' | 'flat' | 'none';

export interface CallbackSpec {
  arg: number;
  times: 'n' | 'nlogn' | 'once';
  params: ParamRole[];
}

export interface BuiltinCost {
  cost: CostKind;
  callback?: CallbackSpec;
  result?: ResultKind;
  /** The call only matches when the callback argument is really a function (Array.find vs uf.find(x)). */
  needsCallback?: boolean;
  note?: string;
  /** The call grows the receiver (push/add/set): the analyzer tracks collection sizes with it. */
  grows?: boolean;
  /** The call removes from the receiver (pop/shift/dequeue): worklist loops look for it. */
  takes?: boolean;
}

const EACH = (params: ParamRole[] = ['elem', 'index', 'coll']): CallbackSpec => ({ arg: 0, times: 'n', params });

/** Instance methods, matched by name whatever the receiver (Array, String, Set, Map, typed arrays). */
export const METHODS: Record<string, BuiltinCost> = {
  // ---- Array: growing and shrinking at the end: O(1) amortised
  push: { cost: 'const', result: 'count', grows: true },
  pop: { cost: 'const', result: 'elem', takes: true },
  // V8 left-trims the backing store, so shift() on a queue is O(1) amortised in practice
  shift: { cost: 'const', result: 'elem', takes: true, note: 'shift() is amortised O(1) in V8 (left-trimmed backing store)' },
  unshift: { cost: 'n', result: 'count', grows: true },
  splice: { cost: 'n', result: 'same', grows: true, note: 'shifts the elements after the index' },
  // ---- Array: searching
  includes: { cost: 'n', result: 'const' },
  indexOf: { cost: 'n', result: 'count' },
  lastIndexOf: { cost: 'n', result: 'count' },
  find: { cost: 'n', callback: EACH(), result: 'elem', needsCallback: true },
  findIndex: { cost: 'n', callback: EACH(), result: 'count', needsCallback: true },
  findLast: { cost: 'n', callback: EACH(), result: 'elem', needsCallback: true },
  findLastIndex: { cost: 'n', callback: EACH(), result: 'count', needsCallback: true },
  some: { cost: 'n', callback: EACH(), result: 'const', needsCallback: true },
  every: { cost: 'n', callback: EACH(), result: 'const', needsCallback: true },
  // ---- Array: higher-order
  forEach: { cost: 'n', callback: EACH(['elem', 'index', 'coll']), result: 'none', needsCallback: true },
  map: { cost: 'n', callback: EACH(), result: 'mapped', needsCallback: true },
  filter: { cost: 'n', callback: EACH(), result: 'same', needsCallback: true },
  flatMap: { cost: 'n', callback: EACH(), result: 'flat', needsCallback: true },
  reduce: { cost: 'n', callback: { arg: 0, times: 'n', params: ['acc', 'elem', 'index', 'coll'] }, result: 'none', needsCallback: true },
  reduceRight: { cost: 'n', callback: { arg: 0, times: 'n', params: ['acc', 'elem', 'index', 'coll'] }, result: 'none', needsCallback: true },
  sort: { cost: 'nlogn', callback: { arg: 0, times: 'nlogn', params: ['elem', 'elem2'] }, result: 'self' },
  toSorted: { cost: 'nlogn', callback: { arg: 0, times: 'nlogn', params: ['elem', 'elem2'] }, result: 'same' },
  // ---- Array: copying and reshaping
  slice: { cost: 'range', result: 'same' },
  concat: { cost: 'args', result: 'same' },
  join: { cost: 'n', result: 'str' },
  reverse: { cost: 'n', result: 'self' },
  toReversed: { cost: 'n', result: 'same' },
  toSpliced: { cost: 'n', result: 'same' },
  with: { cost: 'n', result: 'same' },
  fill: { cost: 'n', result: 'self' },
  flat: { cost: 'n', result: 'flat' },
  copyWithin: { cost: 'n', result: 'self' },
  at: { cost: 'const', result: 'elem' },
  keys: { cost: 'const', result: 'same', note: 'an iterator; iterating it is linear' },
  values: { cost: 'const', result: 'same' },
  entries: { cost: 'const', result: 'same' },
  // ---- String
  split: { cost: 'n', result: 'pieces' },
  repeat: { cost: 'n', result: 'str', note: 'linear in the length of the result' },
  substring: { cost: 'range', result: 'str' },
  substr: { cost: 'n', result: 'str' },
  replace: { cost: 'n', result: 'str' },
  replaceAll: { cost: 'n', result: 'str' },
  toLowerCase: { cost: 'n', result: 'str' },
  toUpperCase: { cost: 'n', result: 'str' },
  trim: { cost: 'n', result: 'str' },
  trimStart: { cost: 'n', result: 'str' },
  trimEnd: { cost: 'n', result: 'str' },
  padStart: { cost: 'padTo', result: 'str' },
  padEnd: { cost: 'padTo', result: 'str' },
  startsWith: { cost: 'const', result: 'const', note: 'linear in the prefix, usually short' },
  endsWith: { cost: 'const', result: 'const' },
  charAt: { cost: 'const', result: 'const' },
  charCodeAt: { cost: 'const', result: 'const' },
  codePointAt: { cost: 'const', result: 'const' },
  localeCompare: { cost: 'const', result: 'const' },
  match: { cost: 'n', result: 'same' },
  matchAll: { cost: 'n', result: 'same' },
  search: { cost: 'n', result: 'count' },
  normalize: { cost: 'n', result: 'str' },
  // ---- RegExp: linear in the string argument
  test: { cost: 'arg0', result: 'const' },
  exec: { cost: 'arg0', result: 'same' },
  // ---- Set / Map: hashing, O(1)
  has: { cost: 'const', result: 'const' },
  get: { cost: 'const', result: 'elem' },
  set: { cost: 'const', result: 'self', grows: true },
  add: { cost: 'const', result: 'self', grows: true },
  delete: { cost: 'const', result: 'const' },
  clear: { cost: 'const', result: 'none' },
  toFixed: { cost: 'const', result: 'str' },
};
// (names that also exist on Object.prototype are added by assignment)
METHODS['toString'] = { cost: 'const', result: 'str' };
METHODS['valueOf'] = { cost: 'const', result: 'same' };

/** Free functions and static methods, by their dotted name. */
export const STATICS: Record<string, BuiltinCost> = {
  'Array.from': { cost: 'arg0', callback: { arg: 1, times: 'n', params: ['elem', 'index'] }, result: 'arg0' },
  'Array.of': { cost: 'args', result: 'const' },
  'Array.isArray': { cost: 'const', result: 'const' },
  'Object.keys': { cost: 'arg0', result: 'arg0' },
  'Object.values': { cost: 'arg0', result: 'arg0' },
  'Object.entries': { cost: 'arg0', result: 'arg0' },
  'Object.fromEntries': { cost: 'arg0', result: 'arg0' },
  'Object.assign': { cost: 'args', result: 'arg0' },
  'Object.groupBy': { cost: 'arg0', callback: { arg: 1, times: 'n', params: ['elem', 'index'] }, result: 'arg0' },
  'Map.groupBy': { cost: 'arg0', callback: { arg: 1, times: 'n', params: ['elem', 'index'] }, result: 'arg0' },
  'Object.freeze': { cost: 'const', result: 'arg0' },
  'JSON.parse': { cost: 'arg0', result: 'arg0' },
  'JSON.stringify': { cost: 'arg0', result: 'lenArg0' },
  structuredClone: { cost: 'arg0', result: 'arg0' },
  'Promise.all': { cost: 'arg0', result: 'arg0' },
  'Promise.allSettled': { cost: 'arg0', result: 'arg0' },
  'String.fromCharCode': { cost: 'args', result: 'const' },
  'String.fromCodePoint': { cost: 'args', result: 'const' },
  String: { cost: 'const', result: 'str' },
  Number: { cost: 'const', result: 'const' },
  Boolean: { cost: 'const', result: 'const' },
  BigInt: { cost: 'const', result: 'const' },
  parseInt: { cost: 'const', result: 'const' },
  parseFloat: { cost: 'const', result: 'const' },
  isNaN: { cost: 'const', result: 'const' },
  'Number.parseInt': { cost: 'const', result: 'const' },
  'Number.isInteger': { cost: 'const', result: 'const' },
  'console.log': { cost: 'const', result: 'none' },
  'console.error': { cost: 'const', result: 'none' },
  'console.warn': { cost: 'const', result: 'none' },
  setTimeout: { cost: 'const', result: 'const', note: 'the callback runs later' },
  queueMicrotask: { cost: 'const', result: 'const' },
  Symbol: { cost: 'const', result: 'const' },
};

// lodash / underscore (`_`): the common collection helpers
for (const name of ['sortedIndex', 'sortedIndexBy', 'sortedLastIndex', 'sortedLastIndexBy', 'sortedIndexOf', 'sortedLastIndexOf']) STATICS[`_.${name}`] = { cost: 'logArg0', result: 'count', note: 'binary search' };
for (const name of ['sortBy', 'orderBy']) STATICS[`_.${name}`] = { cost: 'nlognArg0', result: 'arg0' };
for (const name of ['uniq', 'uniqBy', 'sum', 'sumBy', 'max', 'maxBy', 'min', 'minBy', 'countBy', 'groupBy', 'keyBy', 'flatten', 'flattenDeep', 'cloneDeep', 'clone', 'difference', 'intersection', 'union', 'zip', 'chunk', 'range', 'times', 'shuffle', 'reverse', 'compact', 'isEqual'])
  STATICS[`_.${name}`] = { cost: 'arg0', result: 'arg0' };
for (const name of ['head', 'last', 'first', 'identity', 'noop', 'isNil', 'isEmpty']) STATICS[`_.${name}`] = { cost: 'const', result: 'elem' };

/** Every Math.* function is O(1) (Math.max(...xs) pays for the spread, not for max). */
export const CONSTANT_NAMESPACES = new Set(['Math', 'Number', 'Date', 'Symbol', 'Reflect', 'Atomics', 'crypto', 'performance', 'process']);

/** `new X(...)`. */
export const CONSTRUCTORS: Record<string, BuiltinCost> = {
  Array: { cost: 'arg0', result: 'lenArg0', note: 'allocates n slots' },
  Set: { cost: 'arg0', result: 'arg0' },
  Map: { cost: 'arg0', result: 'arg0' },
  WeakMap: { cost: 'const', result: 'const' },
  WeakSet: { cost: 'const', result: 'const' },
  Int8Array: { cost: 'arg0', result: 'lenArg0' },
  Uint8Array: { cost: 'arg0', result: 'lenArg0' },
  Int16Array: { cost: 'arg0', result: 'lenArg0' },
  Uint16Array: { cost: 'arg0', result: 'lenArg0' },
  Int32Array: { cost: 'arg0', result: 'lenArg0' },
  Uint32Array: { cost: 'arg0', result: 'lenArg0' },
  Float32Array: { cost: 'arg0', result: 'lenArg0' },
  Float64Array: { cost: 'arg0', result: 'lenArg0' },
  BigInt64Array: { cost: 'arg0', result: 'lenArg0' },
  BigUint64Array: { cost: 'arg0', result: 'lenArg0' },
  Date: { cost: 'const', result: 'const' },
  RegExp: { cost: 'const', result: 'const' },
  Error: { cost: 'const', result: 'const' },
  Promise: { cost: 'const', callback: { arg: 0, times: 'once', params: ['none', 'none'] }, result: 'const' },
};

/**
 * Library container types whose methods differ from the Array/Set/Map defaults, keyed by the
 * constructor name (`new MinPriorityQueue()`, from @datastructures-js/priority-queue and the
 * like). Methods not listed fall back to METHODS.
 */
export const CONTAINER_TYPES: Record<string, { kind: string; methods: Record<string, BuiltinCost> }> = {};
const heapMethods: Record<string, BuiltinCost> = {
  enqueue: { cost: 'log', result: 'self', grows: true, note: 'binary-heap insertion' },
  push: { cost: 'log', result: 'self', grows: true, note: 'binary-heap insertion' },
  dequeue: { cost: 'log', result: 'elem', takes: true, note: 'binary-heap removal' },
  pop: { cost: 'log', result: 'elem', takes: true, note: 'binary-heap removal' },
  front: { cost: 'const', result: 'elem' },
  back: { cost: 'const', result: 'elem' },
  top: { cost: 'const', result: 'elem' },
  peek: { cost: 'const', result: 'elem' },
  size: { cost: 'const', result: 'count' },
  isEmpty: { cost: 'const', result: 'const' },
  toArray: { cost: 'nlogn', result: 'same' },
  clear: { cost: 'const', result: 'none' },
};
for (const name of ['PriorityQueue', 'MinPriorityQueue', 'MaxPriorityQueue', 'Heap', 'MinHeap', 'MaxHeap']) {
  CONTAINER_TYPES[name] = { kind: 'heap', methods: heapMethods };
}
const dequeMethods: Record<string, BuiltinCost> = {
  enqueue: { cost: 'const', result: 'self', grows: true },
  dequeue: { cost: 'const', result: 'elem', takes: true },
  pushBack: { cost: 'const', result: 'self', grows: true },
  pushFront: { cost: 'const', result: 'self', grows: true },
  popBack: { cost: 'const', result: 'elem', takes: true },
  popFront: { cost: 'const', result: 'elem', takes: true },
  shift: { cost: 'const', result: 'elem', takes: true },
  unshift: { cost: 'const', result: 'self', grows: true },
  front: { cost: 'const', result: 'elem' },
  back: { cost: 'const', result: 'elem' },
  size: { cost: 'const', result: 'count' },
  isEmpty: { cost: 'const', result: 'const' },
};
for (const name of ['Queue', 'Deque']) CONTAINER_TYPES[name] = { kind: 'queue', methods: dequeMethods };

/** Methods that remove an item from a worklist (a loop that pops is a worklist loop). */
export const TAKE_METHODS = new Set(['pop', 'shift', 'dequeue', 'popFront', 'popBack', 'poll', 'extractMin', 'extractMax', 'removeMin']);
/** Methods that add to a collection. */
export const GROW_METHODS = new Set(['push', 'unshift', 'add', 'set', 'enqueue', 'pushBack', 'pushFront', 'offer', 'insert']);

export function lookupMethod(name: string, containerKind?: string): BuiltinCost | undefined {
  if (containerKind && CONTAINER_TYPES[containerKind]) {
    const m = CONTAINER_TYPES[containerKind].methods[name];
    if (m) return m;
  }
  return Object.prototype.hasOwnProperty.call(METHODS, name) ? METHODS[name] : undefined;
}
