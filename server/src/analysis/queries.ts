// Recognising calls that reach a database, cache or remote service.
// Types first (when the checker can tell which library a receiver comes from), names as the fallback.
import { ts } from 'ts-morph';
import { chainNames, calleeText } from './syntax';

export interface QueryMatch {
  /** `db.user.findUnique`, `fetch`, `getAuthor` */
  callee: string;
  /** How it was recognised. */
  via: 'type' | 'name' | 'setting' | 'helper';
  /** Whether the call only reads (safe to run concurrently). */
  readOnly: boolean;
  /** For helpers: the chain down to the query (`getAuthor` -> `db.user.findUnique`). */
  chain?: string[];
}

/** Methods whose names are distinctive enough to be queries on any receiver. */
const DISTINCTIVE = new Set([
  'findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow', 'findByPk', 'findById', 'findByIdAndUpdate',
  'findByIdAndDelete', 'findOneBy', 'findOneByOrFail', 'findOneOrFail', 'findAndCountAll', 'findOrCreate',
  '$queryRaw', '$queryRawUnsafe', '$executeRaw', '$executeRawUnsafe', 'countDocuments',
]);

/** Methods that are queries when the receiver looks like a data-layer object. */
const DATA_METHODS = new Set([
  ...DISTINCTIVE, 'findMany', 'findOne', 'findAll', 'find', 'findBy', 'count', 'aggregate', 'groupBy', 'create', 'createMany',
  'update', 'updateMany', 'upsert', 'delete', 'deleteMany', 'destroy', 'insert', 'insertOne', 'insertMany', 'updateOne',
  'deleteOne', 'replaceOne', 'save', 'remove', 'query', 'execute', 'exec', 'raw', 'select', 'first', 'get', 'getOne',
  'getMany', 'getRawOne', 'getRawMany', 'all', 'run', 'set', 'hget', 'hgetall', 'mget', 'del', 'post', 'put', 'patch',
  'request', 'fetch', 'load',
]);

const READ_METHODS = /^(find|get|count|aggregate|groupBy|select|query|first|all|exec|fetch|hget|mget|load|raw|request|\$queryRaw)/i;
const WRITE_METHODS = /^(create|update|upsert|delete|destroy|insert|save|remove|set|del|post|put|patch|replace|\$executeRaw)/i;

/** Receiver names that suggest a database, ORM, cache or HTTP client. */
const DATA_RECEIVER = /^(db|database|prisma|knex|pool|client|conn|connection|repo|repository|\w+(Repository|Repo|Model|Collection|Client|Dao|DAO))$|^(sequelize|mongoose|mongo|redis|cache|em|entityManager|manager|dataSource|axios|http|api|sql|trx|tx|models?|collection|supabase|drizzle|orm|store)$/i;

/** Bare functions that always do I/O. */
const IO_FUNCTIONS = new Set(['fetch', 'axios', 'got', 'request', '$fetch', 'ofetch', 'ky']);

/** Modules whose values reach a database, cache or remote service. */
const DATA_MODULES = /node_modules\/(@prisma\/client|\.prisma|prisma|typeorm|sequelize|mongoose|mongodb|knex|drizzle-orm|pg|mysql2|better-sqlite3|ioredis|redis|@redis|axios|got|undici|node-fetch|@supabase)\//;

/** Receivers that batch or defer: calls on them are not round trips by themselves. */
const BATCHING_RECEIVER = /^(pipeline|multi|batch|bulk|loader|dataLoader|\w+Loader)$/i;

export function isReadOnlyMethod(method: string): boolean {
  return READ_METHODS.test(method) && !WRITE_METHODS.test(method);
}

function matchesSetting(callee: string, patterns: string[]): boolean {
  return patterns.some((p) => {
    const re = new RegExp('^' + p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[\\w$.]*') + '$');
    return re.test(callee);
  });
}

function declaredInDataModule(expr: ts.Expression, checker: ts.TypeChecker): boolean {
  const type = checker.getTypeAtLocation(expr);
  const symbol = type.getSymbol() ?? type.aliasSymbol;
  const decls = symbol?.getDeclarations() ?? [];
  return decls.some((d) => DATA_MODULES.test(d.getSourceFile().fileName.replace(/\\/g, '/')));
}

export interface QueryRecogniser {
  match(call: ts.CallExpression): QueryMatch | undefined;
}

/**
 * Builds a recogniser for one file. `helpers` maps local function names to the query they
 * perform (computed by `findQueryHelpers`), so a call to a helper counts as a query.
 */
export function createQueryRecogniser(
  sf: ts.SourceFile,
  options: { userPatterns: string[]; getChecker?: () => ts.TypeChecker | undefined; helpers?: Map<string, QueryMatch> },
): QueryRecogniser {
  const typeCache = new Map<ts.Node, boolean>();
  return {
    match(call) {
      const callee = calleeText(call, sf);
      const expr = call.expression;
      if (options.userPatterns.length && matchesSetting(callee, options.userPatterns)) {
        const method = ts.isPropertyAccessExpression(expr) ? expr.name.text : callee;
        return { callee, via: 'setting', readOnly: isReadOnlyMethod(method) };
      }
      if (ts.isIdentifier(expr)) {
        if (IO_FUNCTIONS.has(expr.text)) return { callee, via: 'name', readOnly: !hasWriteMethodOption(call) };
        const helper = options.helpers?.get(expr.text);
        if (helper) return { callee, via: 'helper', readOnly: helper.readOnly, chain: [expr.text, ...(helper.chain ?? [helper.callee])] };
        return undefined;
      }
      if (!ts.isPropertyAccessExpression(expr)) return undefined;
      const method = expr.name.text;
      const names = chainNames(expr.expression);
      if (names.some((n) => BATCHING_RECEIVER.test(n))) return undefined;
      if (names[0] === 'this' && names.length === 1) {
        const helper = options.helpers?.get(`this.${method}`);
        if (helper) return { callee, via: 'helper', readOnly: helper.readOnly, chain: [callee, ...(helper.chain ?? [helper.callee])] };
      }
      if (!DATA_METHODS.has(method)) return undefined;
      if (IO_FUNCTIONS.has(names[0]) && names.length === 1) return { callee, via: 'name', readOnly: isReadOnlyMethod(method) };
      const checker = options.getChecker?.();
      if (checker) {
        let typed = typeCache.get(expr.expression);
        if (typed === undefined) {
          try {
            typed = declaredInDataModule(expr.expression, checker);
          } catch {
            typed = false;
          }
          typeCache.set(expr.expression, typed);
        }
        if (typed) return { callee, via: 'type', readOnly: isReadOnlyMethod(method) };
      }
      if (DISTINCTIVE.has(method)) return { callee, via: 'name', readOnly: isReadOnlyMethod(method) };
      if (names.some((n) => DATA_RECEIVER.test(n))) return { callee, via: 'name', readOnly: isReadOnlyMethod(method) };
      return undefined;
    },
  };
}

function hasWriteMethodOption(call: ts.CallExpression): boolean {
  for (const arg of call.arguments) {
    if (!ts.isObjectLiteralExpression(arg)) continue;
    for (const p of arg.properties) {
      if (ts.isPropertyAssignment(p) && p.name.getText() === 'method' && ts.isStringLiteralLike(p.initializer)) {
        return p.initializer.text.toUpperCase() !== 'GET' && p.initializer.text.toUpperCase() !== 'HEAD';
      }
    }
  }
  return false;
}
