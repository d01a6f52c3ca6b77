// n-plus-one details the fixture files cannot express: confidence, related information across
// files, user patterns, degraded input (syntax errors, `any`, dynamic access), and speed.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { ProjectHost } from '../../../server/src/analysis/project/projectHost';
import { analyzeFile } from '../../../server/src/engine';
import { defaultSettings as engineDefaults, type EngineSettings, type Finding } from '../../../server/src/analysis/types';

// These tests are about what is found, not about the per-file time budget (a cold type checker
// loading several libraries' declarations can exceed it on a slow machine).
const defaultSettings: EngineSettings = { ...engineDefaults, timeBudgetMs: 120_000 };
import { fixtures } from '../helpers';

const host = new ProjectHost({ roots: [fixtures('rules')] });

function onDisk(rel: string, settings: EngineSettings = defaultSettings): Finding[] {
  const file = fixtures('rules', 'n-plus-one', rel);
  const sf = host.addFromDisk(file);
  return analyzeFile({ fileName: file, sourceFile: sf, settings, getChecker: () => host.checkerFor(file) }).findings.filter((f) => f.rule === 'n-plus-one');
}

function inMemory(name: string, text: string, settings: EngineSettings = defaultSettings, withChecker = true) {
  const file = fixtures('rules', 'n-plus-one', 'virtual', name);
  const sf = host.setText(file, text);
  const errors: string[] = [];
  const analysis = analyzeFile({ fileName: file, sourceFile: sf, settings, getChecker: withChecker ? () => host.checkerFor(file) : undefined, onError: (m, e) => errors.push(`${m}: ${(e as Error)?.stack ?? e}`) });
  const lineOf = (f: Finding) => sf.getLineAndCharacterOfPosition(f.span.start).line + 1;
  return { findings: analysis.findings.filter((f) => f.rule === 'n-plus-one'), errors, lineOf };
}

describe('n-plus-one: how sure, and why', () => {
  test('types make it high confidence; names alone make it medium', () => {
    const typed = ['typed-sql.ts', 'typed-orm.ts', 'typed-documents.ts', 'typed-cache-http.ts'].flatMap((f) => onDisk(`invalid/${f}`));
    assert.ok(typed.length >= 10);
    assert.ok(typed.every((f) => f.confidence === 'high'), typed.filter((f) => f.confidence !== 'high').map((f) => f.message).join('\n'));
    const named = onDisk('invalid/untyped.js');
    assert.ok(named.length >= 6);
    // `fetch` is typed even in plain JS (the global from the DOM/undici types); the rest is by name.
    const byName = named.filter((f) => !f.message.startsWith('`fetch`'));
    assert.ok(byName.every((f) => f.confidence === 'medium'), named.map((f) => `${f.confidence} ${f.message}`).join('\n'));
  });

  test('an indirect query names the chain and points into the other file', () => {
    const [first] = onDisk('invalid/cross-file.ts');
    assert.match(first.message, /^`getAuthorName` → `loadUser` → `knex\('users'\)\.where\(…\)\.first` runs once per item of `posts` \(loop at line 6\): N\+1 round trips$/);
    const other = first.related!.filter((r) => r.fileName);
    assert.ok(other.length >= 2, JSON.stringify(first.related));
    assert.ok(other.every((r) => path.basename(r.fileName!) === 'authors.ts'));
    assert.ok(other.some((r) => /`getAuthorName` calls `loadUser` here/.test(r.message)));
    assert.ok(other.some((r) => /`loadUser` calls `knex\('users'\)/.test(r.message)));
    assert.ok(first.related!.some((r) => r.message === 'the loop' && !r.fileName));
  });

  test('the message format names the query and the loop (what the language server shows)', () => {
    const { findings } = inMemory('msg.ts', `declare const prisma: { user: { findUnique(a: { where: { id: number } }): Promise<unknown> } };
export async function f(posts: Array<{ authorId: number }>) {
  for (const post of posts) {
    await prisma.user.findUnique({ where: { id: post.authorId } });
  }
}
`);
    assert.equal(findings[0].message, '`prisma.user.findUnique` runs once per item of `posts` (loop at line 3): N+1 round trips');
    assert.equal(findings[0].severity, 'warning');
  });

  test('fan-out says it is N concurrent round trips', () => {
    const { findings } = inMemory('fan.ts', `declare const db: { get(id: string): Promise<unknown> };
export const all = (ids: string[]) => Promise.all(ids.map((id) => db.get(id)));
`);
    assert.match(findings[0].message, /`map` callback at line 2\): N concurrent round trips, not one$/);
  });

  test('recursion and GraphQL resolvers point at the recursive call and the resolver', () => {
    const rec = onDisk('invalid/recursion.ts');
    assert.ok(rec[0].related!.some((r) => /the recursive call to `loadTree`/.test(r.message)));
    const gql = onDisk('invalid/graphql.ts');
    assert.match(gql[0].message, /field resolver `Post\.author`/);
    assert.match(gql[0].noFixReason ?? '', /DataLoader/);
  });

  test('disabled by settings', () => {
    assert.equal(onDisk('invalid/orm-loops.ts', { ...defaultSettings, nPlusOneEnabled: false }).length, 0);
  });
});

describe('n-plus-one: user patterns (perflens.nPlusOne.queryFunctions)', () => {
  const text = `declare function loadThing(id: number): Promise<unknown>;
declare const billing: { charge(id: number): Promise<void>; ping(): void };
export async function f(ids: number[]) {
  for (const id of ids) {
    await loadThing(id);
    await billing.charge(id);
  }
}
`;
  test('unknown calls are quiet without patterns', () => {
    assert.equal(inMemory('p0.ts', text).findings.length, 0);
  });
  test('exact names and wildcards make them queries', () => {
    const { findings, lineOf } = inMemory('p1.ts', text, { ...defaultSettings, queryFunctions: ['loadThing', 'billing.*'] });
    assert.deepEqual(findings.map(lineOf), [5, 6]);
    assert.ok(findings.every((f) => f.confidence === 'high'));
  });
  test('a helper that calls a user-pattern function is itself a query', () => {
    const { findings } = inMemory('p2.ts', `declare function rpc(m: string, a: unknown): Promise<unknown>;
async function getUser(id: number) { return rpc('user.get', id); }
export async function f(ids: number[]) { for (const id of ids) await getUser(id); }
`, { ...defaultSettings, queryFunctions: ['rpc'] });
    assert.equal(findings.length, 1);
    assert.match(findings[0].message, /^`getUser` → `rpc` runs once per item of `ids`/);
  });
});

describe('n-plus-one: bad input degrades, never crashes', () => {
  test('syntax errors: the parts that parse are still analysed', () => {
    const { findings, errors } = inMemory('broken.ts', `declare const db: { query(s: string, p: unknown[]): Promise<unknown> };
export async function ok(ids: number[]) {
  for (const id of ids) await db.query('select', [id]);
}
export async function broken(ids: number[] {
  for (const id of ids) { await db.query('x', [id]
`);
    assert.deepEqual(errors, []);
    assert.ok(findings.length >= 1);
  });

  test('unresolved imports and any-typed receivers fall back to names, with lower confidence', () => {
    const { findings, errors } = inMemory('anyrecv.ts', `import { prisma } from './does-not-exist';
import knex from 'not-installed-anywhere';
export async function f(ids: number[], repo: any) {
  for (const id of ids) {
    await prisma.user.findUnique({ where: { id } });
    await repo.findOneBy({ id });
    await knex('users').where({ id }).first();
  }
}
`);
    assert.deepEqual(errors, []);
    assert.equal(findings.length, 3, findings.map((f) => f.message).join('\n'));
    assert.ok(findings.every((f) => f.confidence === 'medium'));
  });

  test('dynamic property access and computed callees do not crash', () => {
    const { errors } = inMemory('dynamic.ts', `declare const db: any;
export async function f(ids: number[], method: string, fns: Array<() => Promise<void>>) {
  for (const id of ids) {
    await db[method](id);
    await db['user'].findUnique({ where: { id } });
    await (fns[id] ?? fns[0])();
    await (await import('./x'))[method]?.(id);
    await new (db.Model as any)(id).save();
  }
}
`);
    assert.deepEqual(errors, []);
  });

  test('no checker at all (names only) still works', () => {
    const { findings, errors } = inMemory('nochecker.ts', `export async function f(ids: number[], db: any) {
  for (const id of ids) await db.user.findUnique({ where: { id } });
}
`, defaultSettings, false);
    assert.deepEqual(errors, []);
    assert.equal(findings.length, 1);
    // Without types there is no batch fix; Promise.all (which needs no types) may still be offered.
    assert.ok(!(findings[0].fixes ?? []).some((f) => /Batch/.test(f.title)));
    assert.ok((findings[0].fixes ?? []).some((f) => /Promise\.all/.test(f.title)) || /types are not available/.test(findings[0].noFixReason ?? ''));
  });

  test('deep and mutual recursion between helpers terminates', () => {
    const body = Array.from({ length: 40 }, (_, i) => `async function h${i}(x: number): Promise<unknown> { return ${i === 39 ? 'h0(x)' : `h${i + 1}(x)`}; }`).join('\n');
    const { errors, findings } = inMemory('cycle.ts', `${body}\nexport async function f(ids: number[]) { for (const id of ids) await h0(id); }\n`);
    assert.deepEqual(errors, []);
    assert.equal(findings.length, 0, 'a cycle with no query in it is not a query');
  });
});

describe('n-plus-one: fast enough for every keystroke', () => {
  test('a 3,000-line file with 300 loops is analysed quickly', () => {
    const parts: string[] = ['declare const db: { user: { findUnique(a: object): Promise<unknown> }; query(s: string, p?: unknown[]): Promise<unknown[]> };'];
    for (let i = 0; i < 300; i++) {
      parts.push(`export async function f${i}(ids: number[], cache: Map<number, string>) {
  const out: unknown[] = [];
  for (const id of ids) {
    if (cache.has(id)) { out.push(cache.get(id)); continue; }
    out.push(await db.user.findUnique({ where: { id } }), [1, 2, 3].map((x) => x * id));
  }
  return out;
}`);
    }
    const text = parts.join('\n');
    inMemory('warm.ts', 'export const x = 1;\n');
    const started = performance.now();
    const { findings } = inMemory('big.ts', text);
    const ms = performance.now() - started;
    assert.equal(findings.length, 300);
    assert.ok(ms < 8000, `took ${ms.toFixed(0)} ms`);
  });
});
