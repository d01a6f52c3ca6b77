// The batching fix on the library-shaped fixtures that have no real database here (Sequelize- and
// Mongoose-shaped, Prisma fan-out and one-to-many): before and after, run against the same
// in-memory data layer, give the same results, and the fixed code makes one call instead of N.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { ts } from 'ts-morph';
import { fixtures } from '../helpers';

function load(file: string, globals: Record<string, unknown>): Record<string, (...a: never[]) => Promise<unknown>> {
  const js = ts.transpileModule(fs.readFileSync(file, 'utf8'), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const mod = { exports: {} as Record<string, (...a: never[]) => Promise<unknown>> };
  new Function('module', 'exports', ...Object.keys(globals), js)(mod, mod.exports, ...Object.values(globals));
  return mod.exports;
}

const pair = (name: string) => [fixtures('rules', 'n-plus-one', 'fix', `${name}.before.ts`), fixtures('rules', 'n-plus-one', 'fix', `${name}.after.ts`)];

test('Sequelize-shaped findByPk → findAll: same emails, one call', async () => {
  const customers = [{ id: 1, email: 'a@x' }, { id: 2, email: 'b@x' }];
  const make = () => {
    const stats = { calls: 0 };
    const Customer = {
      async findByPk(id: number) {
        stats.calls++;
        return customers.find((c) => c.id === id) ?? null;
      },
      async findAll({ where }: { where: { id: number[] } }) {
        stats.calls++;
        return customers.filter((c) => where.id.includes(c.id)).map((c) => ({ ...c }));
      },
    };
    return { stats, Customer };
  };
  const orders = [{ id: 1, customerId: 2, total: 5 }, { id: 2, customerId: 9, total: 1 }, { id: 3, customerId: 2, total: 0 }, { id: 4, customerId: 1, total: 3 }];
  const [b, a] = pair('batch-sequelize');
  const mb = make();
  const ma = make();
  const before = await load(b, { Customer: mb.Customer }).emails(orders as never);
  const after = await load(a, { Customer: ma.Customer }).emails(orders as never);
  assert.deepEqual(after, before);
  assert.equal(mb.stats.calls, 3);
  assert.equal(ma.stats.calls, 1);
});

test('Mongoose-shaped findById → find $in: ObjectId keys compared as strings', async () => {
  class ObjectId {
    constructor(readonly hex: string) {}
    toHexString() {
      return this.hex;
    }
    toString() {
      return this.hex;
    }
  }
  const users = [{ _id: new ObjectId('aa'), name: 'ada' }, { _id: new ObjectId('bb'), name: 'bob' }];
  const make = () => {
    const stats = { calls: 0 };
    const UserModel = {
      async findById(id: ObjectId | string) {
        stats.calls++;
        return users.find((u) => String(u._id) === String(id)) ?? null;
      },
      async find({ _id }: { _id: { $in: Array<ObjectId | string> } }) {
        stats.calls++;
        const wanted = new Set(_id.$in.map(String));
        return users.filter((u) => wanted.has(String(u._id)));
      },
    };
    return { stats, UserModel };
  };
  // Fresh ObjectId instances per comment: identity differs, the hex string does not.
  const comments = [{ author: new ObjectId('bb') }, { author: new ObjectId('zz') }, { author: new ObjectId('aa') }, { author: new ObjectId('bb') }];
  const [b, a] = pair('batch-mongoose');
  const mb = make();
  const ma = make();
  const before = await load(b, { UserModel: mb.UserModel }).names(comments as never);
  const after = await load(a, { UserModel: ma.UserModel }).names(comments as never);
  assert.deepEqual(after, before);
  assert.deepEqual(before, ['bob', 'deleted', 'ada', 'bob']);
  assert.equal(ma.stats.calls, 1);
});

test('Prisma-shaped fan-out and one-to-many: same results, one call, no call for an empty list', async () => {
  const users = [{ id: 'u1', name: 'ada' }, { id: 'u2', name: 'bob' }];
  const posts = [{ id: 1, authorId: 1 }, { id: 2, authorId: 2 }, { id: 3, authorId: 1 }];
  const make = () => {
    const stats = { calls: 0 };
    const prisma = {
      user: {
        async findUnique({ where }: { where: { id: string } }) {
          stats.calls++;
          return users.find((u) => u.id === where.id) ?? null;
        },
        async findMany({ where }: { where: { id: { in: string[] } } }) {
          stats.calls++;
          return users.filter((u) => where.id.in.includes(u.id));
        },
      },
      post: {
        async findMany({ where }: { where: { authorId: number | { in: number[] } } }) {
          stats.calls++;
          const w = where.authorId;
          return posts.filter((p) => (typeof w === 'number' ? p.authorId === w : w.in.includes(p.authorId)));
        },
      },
    };
    return { stats, prisma };
  };
  const [fb, fa] = pair('batch-fanout');
  for (const ids of [['u2', 'nope', 'u1', 'u2'], []]) {
    const mb = make();
    const ma = make();
    assert.deepEqual(await load(fa, { prisma: ma.prisma }).usersFor(ids as never), await load(fb, { prisma: mb.prisma }).usersFor(ids as never));
    assert.equal(ma.stats.calls, ids.length ? 1 : 0);
  }
  const [mb0, ma0] = pair('batch-many');
  const authors = [{ id: 1 }, { id: 2 }, { id: 3 }];
  const b = make();
  const a = make();
  const before = await load(mb0, { prisma: b.prisma }).postCounts(authors as never);
  const after = await load(ma0, { prisma: a.prisma }).postCounts(authors as never);
  assert.deepEqual([...(after as Map<number, number>)], [...(before as Map<number, number>)]);
  assert.equal(b.stats.calls, 3);
  assert.equal(a.stats.calls, 1);
});
