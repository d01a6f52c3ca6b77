// The Promise.all fix keeps behaviour: original and fixed code, run against the same fake data
// layer, return the same results; the fixed code starts every query before the first resolves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { ts } from 'ts-morph';
import { fixtures } from '../helpers';

function load(file: string, db: unknown): (posts: unknown[]) => Promise<unknown> {
  const src = fs.readFileSync(file, 'utf8');
  const js = ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const mod = { exports: {} as Record<string, unknown> };
  new Function('module', 'exports', 'db', js)(mod, mod.exports, db);
  return mod.exports.loadAuthors as (posts: unknown[]) => Promise<unknown>;
}

function fakeDb() {
  const users = new Map([[1, { id: 1, name: 'ada' }], [2, { id: 2, name: 'bob' }]]);
  const stats = { calls: 0, inFlight: 0, maxInFlight: 0 };
  const db = {
    user: {
      async findUnique({ where }: { where: { id: number } }) {
        stats.calls++;
        stats.inFlight++;
        stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
        await new Promise((r) => setTimeout(r, 2 + (where.id % 3)));
        stats.inFlight--;
        return users.get(where.id) ?? null;
      },
    },
  };
  return { db, stats };
}

test('collect fix: same results (order, duplicates, missing rows) as the sequential loop', async () => {
  const posts = [{ id: 10, authorId: 2 }, { id: 11, authorId: 1 }, { id: 12, authorId: 2 }, { id: 13, authorId: 99 }];
  const a = fakeDb();
  const b = fakeDb();
  const before = await load(fixtures('rules/n-plus-one/fix/collect.before.ts'), a.db)(posts);
  const after = await load(fixtures('rules/n-plus-one/fix/collect.after.ts'), b.db)(posts);
  assert.deepEqual(after, before);
  assert.deepEqual((before as unknown[])[3], null);
  assert.equal(a.stats.maxInFlight, 1, 'the original runs one query at a time');
  assert.equal(b.stats.maxInFlight, posts.length, 'the fix runs the queries concurrently');
  assert.equal(b.stats.calls, a.stats.calls);
});

test('continue fix: `continue` becomes `return`; the same requests are made and the same lines logged', async () => {
  const run = async (file: string) => {
    const calls: string[] = [];
    const logged: number[] = [];
    const api = {
      async get(url: string) {
        calls.push(url);
        await new Promise((r) => setTimeout(r, url.length % 3));
        return { ok: !url.includes('bad'), body: url.repeat(2) };
      },
    };
    const src = fs.readFileSync(file, 'utf8');
    const js = ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
    const mod = { exports: {} as Record<string, unknown> };
    new Function('module', 'exports', 'api', 'console', js)(mod, mod.exports, api, { log: (n: number) => logged.push(n) });
    await (mod.exports.warm as (u: string[]) => Promise<void>)(['https://a', 'http://insecure', 'https://bad', 'https://ccc', 'https://a']);
    return { calls: calls.sort(), logged: logged.sort((a, b) => a - b) };
  };
  const before = await run(fixtures('rules/n-plus-one/fix/continue.before.ts'));
  const after = await run(fixtures('rules/n-plus-one/fix/continue.after.ts'));
  assert.deepEqual(after, before);
  assert.equal(before.calls.length, 4, 'the insecure URL is skipped by both');
});
