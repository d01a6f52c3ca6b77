// The batching fix, proven on a real database: for each library that runs here, PerfLens's fix of
// `<lib>.before.ts` must be exactly `<lib>.after.ts`, type-check against the library's published
// types, and - run side by side against embedded SQLite - return the same results while the
// database executes N+1 statements before and at most 2 after. Mongoose (no MongoDB server here)
// is type-checked only.
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import {
  dbFixtures, engineFix, generatePrismaClient, loadBundle, openDrizzle, openKnex, openPrisma, openSequelize, openTypeORM, POSTS, realTypeErrors,
  USERS, type Opened,
} from '../db/harness';

type Run = (handle?: unknown) => Promise<unknown>;

interface Case {
  name: string;
  /** Rows the loop walks (posts, or users for the one-to-many cases). */
  items: number;
  open?: (mod: Record<string, unknown>) => Promise<Opened<unknown>>;
  /** Extra exports the bundle needs (models, client class). */
  extra?: string;
  /** Passes the handle to `run` (Sequelize's models are global instead). */
  passHandle?: boolean;
}

const CASES: Case[] = [
  { name: 'knex', items: POSTS.length, open: () => openKnex() as Promise<Opened<unknown>>, passHandle: true },
  { name: 'knex-many', items: USERS.length, open: () => openKnex() as Promise<Opened<unknown>>, passHandle: true },
  { name: 'drizzle', items: POSTS.length, open: () => openDrizzle(), passHandle: true },
  { name: 'typeorm', items: POSTS.length, extra: `export { UserEntity, PostEntity } from './typeorm-entities';`, open: (m) => openTypeORM([m.UserEntity, m.PostEntity]) as Promise<Opened<unknown>>, passHandle: true },
  { name: 'sequelize', items: POSTS.length, extra: `export { initModels } from './sequelize-models';`, open: (m) => openSequelize(m.initModels as never) as Promise<Opened<unknown>>, passHandle: false },
  { name: 'prisma', items: POSTS.length, extra: `export { PrismaClient } from './prisma/generated/client';`, open: (m) => openPrisma(m.PrismaClient as never), passHandle: true },
  { name: 'prisma-many', items: USERS.length, extra: `export { PrismaClient } from './prisma/generated/client';`, open: (m) => openPrisma(m.PrismaClient as never), passHandle: true },
  { name: 'mongoose', items: POSTS.length },
];

before(() => generatePrismaClient());

for (const c of CASES) {
  describe(`batch fix on a real ${c.name.replace(/-many$/, ' (one-to-many)')} database`, () => {
    const beforeFile = dbFixtures(`${c.name}.before.ts`);
    const afterFile = dbFixtures(`${c.name}.after.ts`);

    test('PerfLens reports the loop and its preferred fix gives exactly the .after.ts fixture', { timeout: 60_000 }, () => {
      const { findings, fixed } = engineFix(beforeFile);
      assert.equal(findings.length, 1, findings.map((f) => f.message).join('\n'));
      assert.ok(fixed, `no fix: ${findings[0].noFixReason}`);
      assert.equal(fixed, fs.readFileSync(afterFile, 'utf8'));
    });

    test('before and after type-check against the published library types', { timeout: 60_000 }, () => {
      assert.deepEqual(realTypeErrors(beforeFile, fs.readFileSync(beforeFile, 'utf8')), []);
      assert.deepEqual(realTypeErrors(afterFile, fs.readFileSync(afterFile, 'utf8')), []);
    });

    const open = c.open;
    if (!open) return;
    test('same results; the database executes N+1 statements before and at most 2 after', { timeout: 60_000 }, async (t) => {
      const mod = loadBundle(`export { run as before } from './${c.name}.before';\nexport { run as after } from './${c.name}.after';\n${c.extra ?? ''}`, dbFixtures());
      const runs = { before: mod.before as Run, after: mod.after as Run };
      const measure = async (which: 'before' | 'after', empty = false) => {
        const db = await open(mod);
        try {
          if (empty) await db.clear();
          await db.settle();
          db.log.reset();
          const result = await runs[which](c.passHandle ? db.handle : undefined);
          await db.settle();
          // Sequelize's sqlite dialect also runs `PRAGMA table_info` before each query (to read
          // column types): real statements, but not data round trips; counted apart.
          const sql = [...db.log.statements];
          return { result, statements: sql.filter((q) => !/^\s*PRAGMA\b/i.test(q)).length, pragmas: sql.filter((q) => /^\s*PRAGMA\b/i.test(q)).length, sql };
        } finally {
          await db.close();
        }
      };
      const b = await measure('before');
      const a = await measure('after');
      assert.deepEqual(a.result, b.result, 'the fixed code returns what the original returned');
      assert.equal(b.statements, c.items + 1, `before: one statement for the list and one per item\n${b.sql.join('\n')}`);
      assert.ok(a.statements <= 2, `after: at most 2 statements, got ${a.statements}\n${a.sql.join('\n')}`);
      // No items: the original runs no lookup, and neither does the fix.
      const be = await measure('before', true);
      const ae = await measure('after', true);
      assert.deepEqual(ae.result, be.result);
      assert.equal(ae.statements, be.statements, 'an empty list runs no batched query');
      const pragmas = b.pragmas || a.pragmas ? ` (+ ${b.pragmas} / ${a.pragmas} PRAGMA table_info lookups)` : '';
      const line = `${c.name}: ${b.statements} statements before, ${a.statements} after for ${c.items} items${pragmas}`;
      t.diagnostic(line); // shown in the test report
    });
  });
}
