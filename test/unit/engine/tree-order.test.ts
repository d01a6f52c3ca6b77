// TreeOrder: a tree's nodes and child lists in walk order with their classes, and the move of
// everything after an edit (one loop per class). The splice tests check kept orders against
// fresh ones after real edits; these check the pieces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ts } from 'ts-morph';
import { TreeOrder, treeOrder, type OrderEntry } from '../../../server/src/analysis/project/treeOrder';

const code = `/** Sums. */
export function sum(xs: number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return s;
}
class A { m(a: string[]) { return a.map((v) => v.length); } }
`;
const parse = () => ts.createSourceFile('t.ts', code, ts.ScriptTarget.Latest, true);

test('an order lists every node (JSDoc included) and child list once, in pre-order, each with its class', () => {
  const sf = parse();
  const order = treeOrder(sf);
  const seen: OrderEntry[] = [];
  const visit = (n: ts.Node): void => {
    seen.push(n);
    for (const d of (n as { jsDoc?: ts.Node[] }).jsDoc ?? []) visit(d);
    ts.forEachChild(n, visit, (a) => {
      seen.push(a);
      a.forEach(visit);
    });
  };
  visit(sf);
  assert.equal(order.length, seen.length);
  for (let k = 0; k < seen.length; k++) {
    assert.equal(order.at(k), seen[k], `entry ${k}`);
    assert.equal(order.classAt(k), Array.isArray(seen[k]) ? 0 : 1 + (seen[k] as ts.Node).kind, `class of entry ${k}`);
    assert.equal(order.indexOf(seen[k]), k, `indexOf entry ${k}`);
  }
  assert.ok(order.items.some((o) => ts.isJSDoc(o as ts.Node)), 'the JSDoc comment is in the order');
});

test('shiftFrom moves exactly the entries from its index on, whatever their class', () => {
  const sf = parse();
  const order = treeOrder(sf);
  const before = order.items.map((o) => [o.pos, o.end]);
  const from = order.indexOf(sf.statements[1]);
  assert.ok(from > 0);
  order.shiftFrom(from, 7);
  order.items.forEach((o, k) => assert.deepEqual([o.pos, o.end], k < from ? before[k] : [before[k][0] + 7, before[k][1] + 7], `entry ${k}`));
  // and back, through the same (now compiled) per-class loops
  order.shiftFrom(from, -7);
  assert.deepEqual(order.items.map((o) => [o.pos, o.end]), before);
});

test('replaceRange puts another order in place of a range, classes included; set keeps the class right', () => {
  const sf = parse();
  const order = treeOrder(sf);
  const method = sf.statements[1] as ts.ClassDeclaration;
  const at = order.indexOf(method.members[0]);
  const oldLength = treeOrder(method.members[0]).length;
  const other = treeOrder(sf.statements[0]);
  const length = order.length;
  order.replaceRange(at, at + oldLength, other);
  assert.equal(order.length, length - oldLength + other.length);
  for (let k = 0; k < other.length; k++) {
    assert.equal(order.at(at + k), other.at(k));
    assert.equal(order.classAt(at + k), other.classAt(k));
  }
  // the entries after the range kept their classes as they moved
  const fresh = treeOrder(sf);
  const tail = fresh.indexOf(method.members[0]) + oldLength;
  for (let k = tail; k < fresh.length; k++) assert.equal(order.classAt(at + other.length + k - tail), fresh.classAt(k), `tail entry ${k}`);
  const list = sf.statements as unknown as OrderEntry;
  order.set(0, list);
  assert.equal(order.classAt(0), 0);
});

test('a move that fails part-way leaves nothing behind for the next one', () => {
  const broken = treeOrder(parse());
  const trap = { end: 0 } as OrderEntry;
  Object.defineProperty(trap, 'pos', { get: () => 0, set: () => { throw new Error('not movable'); }, enumerable: true });
  broken.set(broken.length - 1, trap);
  const movedBefore = broken.items.map((o) => o.pos);
  assert.throws(() => broken.shiftFrom(0, 3), /not movable/);
  // a later move of another tree touches its own entries only: the broken order's stay where the failed move left them
  const left = broken.items.map((o) => o.pos);
  const sf = parse();
  const order = treeOrder(sf);
  const before = order.items.map((o) => o.pos);
  order.shiftFrom(0, 5);
  assert.deepEqual(order.items.map((o) => o.pos), before.map((p) => p + 5));
  assert.deepEqual(broken.items.map((o) => o.pos), left);
  assert.notDeepEqual(left, movedBefore, 'the failed move had moved some entries');
});

test('after any sequence of replaceRange, set and shiftFrom, each class list is the order filtered by class, and a move moves exactly its entries', () => {
  let seed = 7;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) % n);
  // entries of a few kinds (classes 1 + kind) and child lists (class 0), at increasing positions
  let next = 0;
  const entry = (): OrderEntry => {
    const pos = (next += 1 + rand(3));
    if (rand(4) === 0) return Object.assign([], { pos, end: pos + 1 }) as unknown as OrderEntry;
    return { pos, end: pos + 1, kind: rand(5) } as OrderEntry;
  };
  const orderOf = (n: number) => {
    const o = new TreeOrder();
    for (let i = 0; i < n; i++) o.push(entry());
    return o;
  };
  const order = orderOf(400);
  const consistent = (step: string) => {
    const lists = (order as unknown as { byClass: Array<OrderEntry[] | undefined> }).byClass;
    for (let c = 0; c < lists.length; c++) {
      const expected = order.items.filter((_, k) => order.classAt(k) === c);
      assert.deepEqual((lists[c] ?? []).map((o) => order.items.indexOf(o)), expected.map((o) => order.items.indexOf(o)), `${step}: class ${c}`);
    }
  };
  for (let step = 0; step < 300; step++) {
    const op = rand(3);
    if (op === 0) {
      const from = rand(order.length + 1);
      const to = Math.min(order.length, from + rand(20));
      order.replaceRange(from, to, orderOf(rand(25)));
    } else if (op === 1 && order.length) {
      const k = rand(order.length);
      order.set(k, entry());
    } else {
      const from = rand(order.length + 1);
      const delta = rand(7) - 3;
      const before = order.items.map((o) => o.pos);
      order.shiftFrom(from, delta);
      order.items.forEach((o, k) => assert.equal(o.pos, k < from ? before[k] : before[k] + delta, `step ${step}: entry ${k}`));
    }
    consistent(`step ${step} (op ${op})`);
  }
});
