// Real-database helpers for the fix tests: embedded SQLite through the libraries that run here
// (Knex, Drizzle, TypeORM and Prisma 7 on better-sqlite3; Sequelize on sqlite3), each opened with a
// statement log fed by SQLite itself (better-sqlite3's `verbose`, sqlite3's `trace`), so the tests
// count what the database executed rather than what a library says it sent.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Module from 'node:module';
import { spawnSync } from 'node:child_process';
import { Project, ts } from 'ts-morph';
import { ProjectHost } from '../../../server/src/analysis/project/projectHost';
import { analyzeFile } from '../../../server/src/engine';
import { defaultSettings as engineDefaults, type Finding } from '../../../server/src/analysis/types';

// About what is fixed, not the per-file time budget (a cold type checker can exceed it).
const defaultSettings = { ...engineDefaults, timeBudgetMs: 120_000 };
import { applyEdits, fixtures, repoRoot } from '../helpers';

export const dbFixtures = (...p: string[]) => fixtures('rules', 'n-plus-one', 'db', ...p);

export const USERS = [
  { id: 1, name: 'ada' },
  { id: 2, name: 'bob' },
  { id: 3, name: 'cy' },
  { id: 4, name: 'dee' },
];
/** Duplicate authors (1, 2), a missing one (99), and a user with no posts (4). */
export const POSTS = [
  { id: 10, authorId: 2, title: 'p10' },
  { id: 11, authorId: 1, title: 'p11' },
  { id: 12, authorId: 2, title: 'p12' },
  { id: 13, authorId: 99, title: 'p13' },
  { id: 14, authorId: 3, title: 'p14' },
  { id: 15, authorId: 1, title: 'p15' },
];

export const CREATE_SQL = [
  'CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL)',
  'CREATE TABLE posts (id INTEGER PRIMARY KEY, authorId INTEGER NOT NULL, title TEXT NOT NULL)',
];
/** Prisma maps models to tables named after them. */
export const CREATE_SQL_PRISMA = [
  'CREATE TABLE "User" (id INTEGER PRIMARY KEY, name TEXT NOT NULL)',
  'CREATE TABLE "Post" (id INTEGER PRIMARY KEY, authorId INTEGER NOT NULL, title TEXT NOT NULL)',
];
export const insertSql = (users = 'users', posts = 'posts') => [
  ...USERS.map((u) => `INSERT INTO "${users}" (id, name) VALUES (${u.id}, '${u.name}')`),
  ...POSTS.map((p) => `INSERT INTO "${posts}" (id, authorId, title) VALUES (${p.id}, ${p.authorId}, '${p.title}')`),
];
export const DELETE_ALL = (users = 'users', posts = 'posts') => [`DELETE FROM "${posts}"`, `DELETE FROM "${users}"`];

/** Statements SQLite executed, as reported by the driver's trace hook. */
export class StatementLog {
  readonly statements: string[] = [];
  private on = true;
  readonly record = (sql: unknown): void => {
    if (this.on) this.statements.push(String(sql));
  };
  reset(): void {
    this.statements.length = 0;
  }
  pause(): void {
    this.on = false;
  }
  resume(): void {
    this.on = true;
  }
  get count(): number {
    return this.statements.length;
  }
}

/** Bundles TS entry code (resolving the fixtures' relative imports) and loads it as a CommonJS module. */
export function loadBundle(entryCode: string, resolveDir: string): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  const out = esbuild.buildSync({
    stdin: { contents: entryCode, resolveDir, loader: 'ts', sourcefile: 'entry.ts' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    write: false,
    logLevel: 'silent',
  });
  const filename = path.join(resolveDir, '__bundle__.cjs');
  const m = new Module(filename);
  m.filename = filename;
  (m as unknown as { paths: string[] }).paths = (Module as unknown as { _nodeModulePaths(d: string): string[] })._nodeModulePaths(resolveDir);
  (m as unknown as { _compile(code: string, file: string): void })._compile(out.outputFiles[0].text, filename);
  return m.exports as Record<string, unknown>;
}

const host = new ProjectHost({ roots: [dbFixtures()] });

/** PerfLens's n-plus-one findings for a fixture, and the text after its preferred fix. */
export function engineFix(file: string): { findings: Finding[]; fixed?: string } {
  const sf = host.addFromDisk(file);
  const analysis = analyzeFile({ fileName: file, sourceFile: sf, settings: defaultSettings, getChecker: () => host.checkerFor(file) });
  const findings = analysis.findings.filter((f) => f.rule === 'n-plus-one');
  const fix = findings.flatMap((f) => f.fixes ?? []).find((f) => f.isPreferred);
  return { findings, fixed: fix ? applyEdits(sf.text, fix.edits) : undefined };
}

let realProject: Project | undefined;
/** Type-checks `text` as if it were `file`, against the real libraries in node_modules (strict). */
export function realTypeErrors(file: string, text: string): string[] {
  realProject ??= new Project({
    compilerOptions: {
      strict: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      esModuleInterop: true,
      skipLibCheck: true,
      noEmit: true,
      allowImportingTsExtensions: true,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      types: ['node'],
      typeRoots: [path.join(repoRoot(), 'node_modules', '@types')],
    },
    skipAddingFilesFromTsConfig: true,
  });
  const virtual = file.replace(/\.ts$/, `.__check__.ts`);
  const sf = realProject.createSourceFile(virtual, text, { overwrite: true });
  try {
    return sf.getPreEmitDiagnostics().map((d) => `${d.getLineNumber() ?? '?'}: ${ts.flattenDiagnosticMessageText(d.getMessageText() as string | ts.DiagnosticMessageChain, '\n')}`);
  } finally {
    realProject.removeSourceFile(sf);
  }
}

/** `prisma generate` into db/prisma/generated (offline: Prisma 7 generates with WASM; no engine download). */
export function generatePrismaClient(): void {
  const schema = dbFixtures('prisma', 'schema.prisma');
  const out = dbFixtures('prisma', 'generated', 'client.ts');
  const fresh = () => fs.existsSync(out) && fs.statSync(out).mtimeMs > fs.statSync(schema).mtimeMs;
  if (fresh()) return;
  // Test files run in parallel: one generates, the others wait (a mkdir lock, stale after 2 minutes).
  const lock = dbFixtures('prisma', '.generate.lock');
  const deadline = Date.now() + 150_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      if (fs.existsSync(lock) && Date.now() - fs.statSync(lock).mtimeMs > 120_000) fs.rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error('timed out waiting for another test to generate the Prisma client');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
  try {
    if (fresh()) return;
    const cli = path.join(repoRoot(), 'node_modules', 'prisma', 'build', 'index.js');
    const r = spawnSync(process.execPath, [cli, 'generate', '--schema', schema], {
      cwd: dbFixtures('prisma'),
      encoding: 'utf8',
      timeout: 90_000,
      env: {
        ...process.env,
        CHECKPOINT_DISABLE: '1',
        PRISMA_HIDE_UPDATE_MESSAGE: '1',
        PRISMA_DISABLE_WARNINGS: '1',
        // `generate` never runs the schema engine, but the CLI insists on locating one before it
        // starts (and would download it); point it at an existing file instead.
        PRISMA_SCHEMA_ENGINE_BINARY: process.execPath,
      },
    });
    if (r.status !== 0 || !fs.existsSync(out)) throw new Error(`prisma generate failed (${r.status ?? r.signal}): ${r.stderr || r.stdout}`);
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// One opener per library: a fresh in-memory database, seeded, with its statement log.

export interface Opened<H> {
  handle: H;
  log: StatementLog;
  /** Empties both tables (the empty-list case). */
  clear(): Promise<void>;
  /** Waits until the log has seen every statement run so far (sqlite3 reports them asynchronously). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

export async function openKnex(): Promise<Opened<import('knex').Knex>> {
  const log = new StatementLog();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const BetterSqlite3Client = require('knex/lib/dialects/better-sqlite3') as new (config: unknown) => object;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Database = require('better-sqlite3') as typeof import('better-sqlite3');
  class CountingClient extends (BetterSqlite3Client as unknown as new (config: unknown) => { _driver(): unknown }) {
    override _driver() {
      return function open(file: string, options: object) {
        return new Database(file, { ...options, verbose: log.record });
      };
    }
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const knexFactory = require('knex') as typeof import('knex').knex;
  const knex = knexFactory({ client: CountingClient as never, connection: { filename: ':memory:' }, useNullAsDefault: true, pool: { min: 1, max: 1 } });
  for (const sql of [...CREATE_SQL, ...insertSql()]) await knex.raw(sql);
  return { handle: knex, log, clear: async () => { for (const sql of DELETE_ALL()) await knex.raw(sql); }, close: () => knex.destroy(), settle: async () => {} };
}

export async function openDrizzle(): Promise<Opened<unknown>> {
  const log = new StatementLog();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Database = require('better-sqlite3') as typeof import('better-sqlite3');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { drizzle } = require('drizzle-orm/better-sqlite3') as typeof import('drizzle-orm/better-sqlite3');
  const sqlite = new Database(':memory:', { verbose: log.record });
  for (const sql of [...CREATE_SQL, ...insertSql()]) sqlite.exec(sql);
  const db = drizzle(sqlite);
  return { handle: db, log, clear: async () => { for (const sql of DELETE_ALL()) sqlite.exec(sql); }, close: async () => void sqlite.close(), settle: async () => {} };
}

export async function openTypeORM(entities: unknown[]): Promise<Opened<import('typeorm').DataSource>> {
  const log = new StatementLog();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { DataSource } = require('typeorm') as typeof import('typeorm');
  const ds = new DataSource({ type: 'better-sqlite3', database: ':memory:', entities: entities as never, synchronize: false, verbose: log.record });
  await ds.initialize();
  for (const sql of [...CREATE_SQL, ...insertSql()]) await ds.query(sql);
  return { handle: ds, log, clear: async () => { for (const sql of DELETE_ALL()) await ds.query(sql); }, close: () => ds.destroy(), settle: async () => {} };
}

export async function openSequelize(initModels: (s: import('sequelize').Sequelize) => void): Promise<Opened<import('sequelize').Sequelize>> {
  const log = new StatementLog();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sqlite3 = require('sqlite3') as typeof import('sqlite3');
  // Sequelize opens the connection itself; give it a sqlite3 whose databases report each statement.
  class TracingDatabase extends sqlite3.Database {
    constructor(...args: ConstructorParameters<typeof sqlite3.Database>) {
      super(...args);
      this.on('trace', log.record);
    }
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Sequelize } = require('sequelize') as typeof import('sequelize');
  const sequelize = new Sequelize({ dialect: 'sqlite', storage: ':memory:', logging: false, dialectModule: { ...sqlite3, Database: TracingDatabase } });
  initModels(sequelize);
  for (const sql of [...CREATE_SQL, ...insertSql()]) await sequelize.query(sql);
  return { handle: sequelize, log, clear: async () => { for (const sql of DELETE_ALL()) await sequelize.query(sql); }, close: () => sequelize.close(), settle: () => new Promise((r) => setTimeout(r, 25)) };
}

export async function openPrisma(PrismaClient: new (options: object) => unknown): Promise<Opened<unknown>> {
  const log = new StatementLog();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { PrismaBetterSqlite3 } = require('@prisma/adapter-better-sqlite3') as { PrismaBetterSqlite3: new (config: object) => unknown };
  const adapter = new PrismaBetterSqlite3({ url: ':memory:', verbose: log.record });
  const prisma = new PrismaClient({ adapter }) as { $executeRawUnsafe(sql: string): Promise<number>; $disconnect(): Promise<void> };
  for (const sql of [...CREATE_SQL_PRISMA, ...insertSql('User', 'Post')]) await prisma.$executeRawUnsafe(sql);
  return { handle: prisma, log, clear: async () => { for (const sql of DELETE_ALL('User', 'Post')) await prisma.$executeRawUnsafe(sql); }, close: () => prisma.$disconnect(), settle: async () => {} };
}
