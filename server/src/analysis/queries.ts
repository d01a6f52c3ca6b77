// Recognising calls that reach a database, cache or remote service.
//
// Three sources, in order: the user's patterns (`perflens.nPlusOne.queryFunctions`); the type
// checker (which library declares the method that is called, or - for the project's own
// functions - whether their body performs a query, through any number of calls and files);
// and, where types are missing (plain JS, unresolved imports, `any`), receiver and method names,
// with lower confidence.
import { ts } from '../ts';
import type { ts as TS } from 'ts-morph';
import type { Confidence, Span } from './types';
import { treeCache } from './treeCaches';
import { chainLinks, chainNames, describeCallee, isFunctionBoundary, isInnerChainLink, isPromiseCombinator, iteratingCallOf, methodName, unwrap, valueParent } from './syntax';

export type QueryLibrary =
  | 'prisma' | 'typeorm' | 'sequelize' | 'mongoose' | 'mongodb' | 'knex' | 'drizzle' | 'pg' | 'mysql' | 'sqlite'
  | 'redis' | 'http' | 'supabase' | 'mikro-orm' | 'custom' | 'unknown';

/** One hop of an indirect query: where a helper performs the next call. */
export interface CallSite {
  fileName: string;
  span: Span;
  /** `getAuthor` calls `repo.findOneBy` here. */
  message: string;
}

export interface QueryMatch {
  /** The query as written at this call site: `db.user.findUnique`, `fetch`, `getAuthor`. */
  callee: string;
  /** How it was recognised. */
  via: 'type' | 'name' | 'setting' | 'helper';
  /** Whether every query involved only reads (safe to run concurrently, or to batch up front). */
  readOnly: boolean;
  /** For helpers: the chain down to the query (`getAuthor` → `repo.findOneBy`). */
  chain?: string[];
  /** For helpers: where each hop of the chain happens (possibly in other files). */
  sites?: CallSite[];
  library?: QueryLibrary;
  /** Lazy values (query builders, Prisma promises, Mongoose queries) only run when awaited or then'd. */
  lazy: boolean;
  confidence: Confidence;
  /** The executing method (`findUnique`), when known. */
  method?: string;
  /** The link of the chain that is the query (`prisma.user.findUnique(...)` in `....then(...)`). */
  call?: TS.CallExpression;
  /** Weak evidence (a bare function name): report only when its arguments vary per item. */
  needsDependence?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Libraries: which module declares a method, which of its methods run a query.

interface LibrarySpec {
  id: QueryLibrary;
  module: RegExp;
  lazy: boolean;
  /** Does calling this method (on a value of the library) run a query? */
  executes(method: string | undefined, bare: boolean): boolean;
}

const set = (s: string) => new Set(s.split(/\s+/).filter(Boolean));

const PRISMA = set(`findUnique findUniqueOrThrow findFirst findFirstOrThrow findMany create createMany createManyAndReturn update
  updateMany updateManyAndReturn upsert delete deleteMany count aggregate groupBy $queryRaw $queryRawUnsafe $executeRaw
  $executeRawUnsafe $runCommandRaw findRaw aggregateRaw`);
const TYPEORM = set(`find findBy findOne findOneBy findOneOrFail findOneByOrFail findAndCount findAndCountBy count countBy exist exists
  existsBy sum average minimum maximum save insert update upsert delete remove softDelete restore softRemove recover increment
  decrement query clear findByIds getOne getOneOrFail getMany getRawOne getRawMany getManyAndCount getCount getExists execute stream
  loadRelationCountAndMap getRawAndEntities`);
const SEQUELIZE = set(`findAll findOne findByPk findAndCountAll findOrCreate findCreateFind findOrBuild count max min sum create bulkCreate
  update destroy upsert increment decrement restore aggregate save reload query truncate`);
const MONGOOSE = set(`find findOne findById findByIdAndUpdate findByIdAndDelete findByIdAndRemove findOneAndUpdate findOneAndDelete
  findOneAndReplace findOneAndRemove countDocuments estimatedDocumentCount exists distinct aggregate create insertMany updateOne
  updateMany deleteOne deleteMany replaceOne bulkWrite bulkSave populate save exec remove`);
const MONGODB = set(`findOne insertOne insertMany updateOne updateMany deleteOne deleteMany replaceOne findOneAndUpdate findOneAndDelete
  findOneAndReplace countDocuments estimatedDocumentCount distinct bulkWrite toArray next hasNext tryNext forEach count explain command
  createIndex drop`);
const MIKRO = set(`find findOne findOneOrFail findAll findAndCount count nativeInsert nativeUpdate nativeDelete persistAndFlush flush
  removeAndFlush populate refresh execute findByCursor`);
const SQLITE = set('run get all iterate exec pragma each');
const HTTP = set('get post put patch delete head options request postForm putForm patchForm fetch stream paginate');
const REDIS_NOT = set(`pipeline multi batch on once off connect disconnect quit duplicate defineCommand subscribe psubscribe unsubscribe
  punsubscribe monitor createBuiltinCommand emit addListener removeListener setMaxListeners`);
const LAZY_NOT = set('transaction $transaction batch destroy on once emit toSQL toQuery toString clone $with with as');
const ASSOCIATION = /^(get|set|add|count|has|create|remove)[A-Z]\w*$/;

const LIBRARIES: LibrarySpec[] = [
  { id: 'prisma', module: /\/node_modules\/(@prisma\/client|\.prisma\/client|prisma)\//, lazy: true, executes: (m) => !!m && PRISMA.has(m) },
  { id: 'typeorm', module: /\/node_modules\/typeorm\//, lazy: false, executes: (m, bare) => !bare && !!m && TYPEORM.has(m) },
  { id: 'sequelize', module: /\/node_modules\/(sequelize|sequelize-typescript)\//, lazy: false, executes: (m, bare) => !bare && !!m && (SEQUELIZE.has(m) || ASSOCIATION.test(m)) },
  { id: 'mongoose', module: /\/node_modules\/mongoose\//, lazy: true, executes: (m, bare) => !bare && !!m && MONGOOSE.has(m) },
  { id: 'mongodb', module: /\/node_modules\/(mongodb|bson)\//, lazy: false, executes: (m, bare) => !bare && !!m && MONGODB.has(m) },
  { id: 'knex', module: /\/node_modules\/knex\//, lazy: true, executes: (m) => !m || !LAZY_NOT.has(m) },
  { id: 'drizzle', module: /\/node_modules\/drizzle-orm\//, lazy: true, executes: (m, bare) => !bare && !!m && !LAZY_NOT.has(m) },
  { id: 'supabase', module: /\/node_modules\/@supabase\//, lazy: true, executes: (m, bare) => !bare && !!m && !LAZY_NOT.has(m) },
  { id: 'mikro-orm', module: /\/node_modules\/@mikro-orm\//, lazy: false, executes: (m, bare) => !bare && !!m && MIKRO.has(m) },
  { id: 'pg', module: /\/node_modules\/(@types\/pg|pg|pg-pool|postgres|@neondatabase\/serverless|@vercel\/postgres)\//, lazy: false, executes: (m, bare) => bare || m === 'query' || m === 'unsafe' },
  { id: 'mysql', module: /\/node_modules\/(mysql2|mysql|@types\/mysql|mariadb)\//, lazy: false, executes: (m, bare) => !bare && (m === 'query' || m === 'execute') },
  { id: 'sqlite', module: /\/node_modules\/(better-sqlite3|@types\/better-sqlite3|sqlite3|sqlite)\//, lazy: false, executes: (m, bare) => !bare && !!m && SQLITE.has(m) },
  { id: 'redis', module: /\/node_modules\/(ioredis|redis|@redis\/[\w-]+|@upstash\/redis)\//, lazy: false, executes: (m, bare) => !bare && !!m && !REDIS_NOT.has(m) },
  { id: 'http', module: /\/node_modules\/(axios|got|undici|undici-types|node-fetch|ky|ofetch|superagent|graphql-request|cross-fetch|isomorphic-fetch)\//, lazy: false, executes: (m, bare) => bare || (!!m && HTTP.has(m)) },
];

/** Modules whose calls batch or defer work: never a round trip per call. */
const BATCHING_MODULES = /\/node_modules\/(dataloader|@graphql-tools\/batch-execute)\//;
/** Types from the language's own libraries (Array, Map, Promise, String...). */
const LIB_FILE = /\/typescript\/lib\/lib\.[\w.]+\.d\.ts$|\/node_modules\/@types\/node\/(?!globals|fetch|undici)/;

function libraryForFile(sf: TS.SourceFile, decl: TS.Node): LibrarySpec | 'batching' | 'builtin' | undefined {
  const file = sf.fileName.replace(/\\/g, '/');
  if (BATCHING_MODULES.test(file)) return 'batching';
  for (const lib of LIBRARIES) if (lib.module.test(file)) return lib;
  if (isPrismaGenerated(sf, decl)) return LIBRARIES[0];
  if (LIB_FILE.test(file)) return 'builtin';
  return undefined;
}

const prismaFiles = treeCache<boolean>();
/** Prisma 7's `prisma-client` generator writes the delegates into the project (`generated/prisma/models/User.ts`). */
function isPrismaGenerated(sf: TS.SourceFile, decl: TS.Node): boolean {
  let yes = prismaFiles.get(sf);
  if (yes === undefined) {
    yes = sf.text.includes('@prisma/client/runtime');
    prismaFiles.set(sf, yes);
  }
  if (!yes) return false;
  for (let p: TS.Node | undefined = decl.parent; p; p = p.parent) {
    if ((ts.isInterfaceDeclaration(p) || ts.isClassDeclaration(p)) && p.name && /(Delegate|PrismaClient|Client)$/.test(p.name.text)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Names, for when types are missing.

/** Methods whose names are distinctive enough to be queries on any receiver. */
const DISTINCTIVE = set(`findUnique findUniqueOrThrow findFirst findFirstOrThrow findByPk findById findByIdAndUpdate findByIdAndDelete
  findByIdAndRemove findOneBy findOneByOrFail findOneOrFail findAndCountAll findOrCreate findOneAndUpdate findOneAndDelete
  findOneAndReplace $queryRaw $queryRawUnsafe $executeRaw $executeRawUnsafe countDocuments estimatedDocumentCount getRawOne
  getRawMany getManyAndCount insertOne bulkCreate findAndCount createQueryRunner $relatedQuery $fetchGraph`);

/** Methods that are queries when the receiver looks like a data-layer object. */
const DATA_METHODS = new Set([
  ...DISTINCTIVE, ...set(`findMany findOne findAll find findBy count aggregate groupBy create createMany update updateMany upsert delete
  deleteMany destroy insert insertMany updateOne deleteOne replaceOne save remove query execute exec raw select first get getOne
  getMany all run set hget hgetall hset hmget mget mset del incr decr expire exists sadd smembers zadd zrange lpush rpush lrange
  post put patch request fetch load pluck where whereIn from scan send invoke rpc call getItem putItem batchGet list retrieve`),
]);

/** Redis commands, including node-redis's camelCase spellings (`hGetAll`, `zScore`). */
const REDIS_COMMAND = /^(get|set|setex|setnx|getdel|del|unlink|exists|expire|pexpire|ttl|incr|incrBy|incrby|decr|decrBy|decrby|append|getrange|strlen|mget|mset|mGet|mSet|h[A-Z]?[a-zA-Z]+|s(add|rem|members|ismember|card|pop|randmember)|s[A-Z][a-zA-Z]+|z(add|rem|score|rank|revrank|range|revrange|rangebyscore|card|incrby|count)|z[A-Z][a-zA-Z]+|l(push|pop|range|len|index|rem|set|trim)|r(push|pop)|l[A-Z][a-zA-Z]+|r[A-Z][a-zA-Z]+|json[A-Z.]?\w*|xadd|xAdd|xrange|xRange|publish|eval|evalsha|geoadd|geoAdd|pfadd|pfAdd|pfcount|pfCount|bitcount|bitCount|getbit|getBit|setbit|setBit)$/;
/** Read verbs that make a method on a data-layer receiver a query (`api.getUser(id)`, `db.findUserById(id)`). */
const READ_VERB = /^(get|find|fetch|load|list|search|query|count|lookup|retrieve|select|read)[A-Z]\w*$/;

const READ_METHODS = /^(find|get|count|aggregate|groupBy|select|query|first|all|exec|fetch|hget|hmget|mget|smembers|zrange|lrange|load|raw|request|exists|distinct|pluck|where|from|scan|\$queryRaw|toArray|next|iterate|sum|max|min|average|minimum|maximum|head|options|json|text|list|search|lookup|retrieve|read)/i;
const WRITE_METHODS = /^(create|update|upsert|delete|destroy|insert|save|remove|set|del|post|put|patch|replace|\$executeRaw|incr|decr|expire|sadd|zadd|lpush|rpush|bulk|increment|decrement|restore|truncate|clear|drop|send|invoke|execute|run|exec|mset|hset|add|push|write|persist|flush|softDelete|softRemove)/i;

/** Receiver names that suggest a database, ORM, cache or HTTP client. */
const DATA_RECEIVER = new RegExp(
  '^(db|database|prisma|knex|pool|client|conn|connection|repo|repository|sequelize|mongoose|mongo|mongodb|redis|cache|em|entityManager|manager|' +
    'dataSource|dataSources|datasource|axios|http|httpClient|api|apiClient|sql|trx|tx|models?|collection|supabase|drizzle|orm|store|pg|mysql|' +
    'sqlite|firestore|dynamo|dynamodb|docClient|ddb|ky|got|octokit|stripe|gql|graphqlClient|apollo|apolloClient|\\$http|request|superagent|' +
    'queryRunner|redisClient|kv|objection|bookshelf|mikro|typeorm|firebase|admin|s3|sqs|sns|ses|lambda|kinesis|dynamoDb|dynamoDB|' +
    'documentClient|cognito|secretsManager|ssm|elastic|elasticsearch|es|opensearch|algolia|meili|typesense|sanity|contentful|airtable)$|' +
    '^(db|prisma|knex|mongo|redis|sql|pg)[A-Z_]\\w*$|' +
    '^(getRepository|getCustomRepository|getMongoRepository|getTreeRepository|getManager|getMongoManager|getConnection|useRepository|getModel|getDb|getDB|getClient|getPool|getKnex|getCollection|useDb|useDatabase)$|' +
    '^\\w+(Repository|Repo|Model|Collection|Client|Dao|DAO|Db|DB|Database|Api|API|Pool|Connection|Conn|Table|Cache|Redis|Prisma|Knex|Http|Sdk|SDK)$',
);

/** Receivers of ORM model statics: `User.findAll()`, `Post.find({...})` (capitalised, not a global). */
const MODEL_METHODS = set(`find findOne findAll findById findByPk findOneAndUpdate findOneAndDelete findByIdAndUpdate findByIdAndDelete create
  update updateOne updateMany deleteOne deleteMany destroy count countDocuments aggregate exists bulkCreate insertMany upsert
  findAndCountAll distinct query findOrCreate findBy findOneBy increment decrement sum max min where all first firstOrFail
  findOrFail findMany findFirst`);
const GLOBALS = set(`Object Array Promise JSON Math Date Number String Boolean Symbol Reflect Proxy Map Set WeakMap WeakSet Intl Buffer
  URL URLSearchParams Error RegExp BigInt Atomics Function Infinity NaN ArrayBuffer DataView Uint8Array Int32Array Float64Array
  Blob File FormData Headers Response Request AbortController TextEncoder TextDecoder React Vue Ember Rx Observable Immutable
  Lodash Handlebars Mustache Handsontable CodeMirror Monaco THREE Cypress EventEmitter Readable Writable Stream`);

/** Methods on an entity (a row loaded by an ORM) that run a query: `user.save()`, `user.getPosts()`. */
const ENTITY_METHODS = set('save reload destroy update remove softRemove increment decrement populate deleteOne updateOne restore');

/** Active-record persistence on any item: `await user.save()` (awaited, so not `Map#delete`). */
const ITEM_PERSIST = set('save reload destroy softRemove restore populate');

/** SDK clients of remote services: every awaited method is an HTTP request (`stripe.customers.list(...)`). */
const SDK_RECEIVER = /^(octokit|github|gitlab|stripe|slack|twilio|sendgrid|mailgun|shopify|hubspot|notion|openai|anthropic|s3|sqs|sns|ses|dynamo\w*|firestore|supabase|airtable|contentful|sanity|algolia|auth0|cloudinary|paypal|braintree|salesforce|jira|linear|intercom|zendesk)$/i;

/** Receivers whose names say they wrap data access: `this.userService.findOne(id)`. */
const SERVICE_RECEIVER = /(Service|Api|API|Client|Dao|DAO|Gateway|Repository|Repo|Resource|DataSource|Provider|Fetcher|Loader)$/;
const SERVICE_METHOD = /^(get|find|fetch|load|query|search|list|count|retrieve|lookup|select|exists|create|update|upsert|delete|remove|save|insert)(?![a-z])/;

/** Bare functions that always do network I/O. */
const IO_FUNCTIONS = set('fetch axios got request $fetch ofetch ky superagent needle undiciRequest');
/** Bare function names that suggest a data fetch (weak: only counted when their arguments vary per item). */
const HELPER_NAME = /^(fetch|find|load|query|retrieve|lookup|get|select|search|count)[A-Z0-9_]\w*$/;
const HELPER_NAME_NOT = /(File|Files|Dir|Directory|Image|Font|Module|Plugin|Config|Script|Template|Assets?|Env|Setting|Settings|Options|Time|Date|Random|Element|Component|Style|Color|Path|Url|URL|Size|Width|Height|Position|Index|Key|Keys|Length|Type|Name|Value|Values|String|Text|Label|Icon|Locale|Translation|Message|Logger|Instance|State|Props|Context|Container)$/;

/** Receivers that batch or defer: calls on them are not round trips by themselves. */
const BATCHING_RECEIVER = /^(pipeline|multi|batch|bulk|bulkOp|loader|loaders|dataLoader|dataloader|dataLoaders|dataloaders|\w+Loaders?|\w*[bB]atch(er)?|\w*[pP]ipeline|\w*[bB]ulk(Op|Ops)?)$/i;
/** Methods that create a command buffer: values initialised from them are batching receivers. */
export const BATCH_FACTORIES = set('pipeline multi batch initializeOrderedBulkOp initializeUnorderedBulkOp createBatch');
/** Calls that take a list of deferred queries and run them together. */
export const BATCH_SINKS = set('$transaction batch bulkWrite multi pipeline exec execAsync mget all allSettled');

/** Calls that never reach a database: cheap rejects before asking the checker. */
const NON_QUERY_METHODS = set(`push pop shift unshift splice slice concat join split map filter reduce forEach some every includes indexOf
  lastIndexOf keys values entries has add toString toFixed toLowerCase toUpperCase trim replace replaceAll match matchAll test
  startsWith endsWith padStart padEnd log warn error info debug trace stringify parse max min floor ceil round abs assign freeze
  sort reverse flat fill at charAt charCodeAt substring substr localeCompare isArray from of resolve reject setTimeout
  clearTimeout setInterval next emit on once then catch finally bind apply toISOString getTime valueOf hasOwnProperty
  toJSON format sleep delay wait assert expect equal deepEqual ok`);
const NON_QUERY_FUNCTIONS = set(`parseInt parseFloat Number String Boolean BigInt Symbol require setTimeout setInterval setImmediate
  clearTimeout isNaN isFinite encodeURIComponent decodeURIComponent encodeURI decodeURI structuredClone queueMicrotask sleep delay
  wait assert expect describe it test console`);

export function isReadOnlyMethod(method: string): boolean {
  return READ_METHODS.test(method) && !WRITE_METHODS.test(method);
}

/** Methods that may read or write (raw SQL, commands): decided by the rest of the chain. */
const AMBIGUOUS = set('exec execute run query send invoke raw call request');
/** Builder links that shape a query without deciding read or write. */
const NEUTRAL = /^(where\w*|orWhere\w*|andWhere\w*|select|from|join|\w+Join|orderBy|limit|offset|skip|take|groupBy|having|first|lean|populate|sort|returning|as|with|distinct|pluck|columns|table|into|andWhere|eq|filter|single|maybeSingle|range|order|in|match|then|catch|finally|toArray|all|get|values|leftJoinAndSelect|innerJoinAndSelect|createQueryBuilder|getRepository|collection|db|model)$/;

/** A chain only reads when none of its links writes (`knex('t').where(...).orderBy(...)` reads). */
function chainReadOnly(links: TS.CallExpression[]): boolean {
  let sawRead = false;
  for (const l of links) {
    const m = methodName(l);
    if (!m) continue;
    if (WRITE_METHODS.test(m) && !AMBIGUOUS.has(m) && !NEUTRAL.test(m)) return false;
    if (READ_METHODS.test(m) || NEUTRAL.test(m)) sawRead = true;
  }
  return sawRead || links.length > 0;
}

function matchesSetting(callee: string, patterns: string[]): boolean {
  return patterns.some((p) => {
    if (!p) return false;
    const re = new RegExp('^' + p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[\\w$.]*') + '$');
    return re.test(callee);
  });
}

// ---------------------------------------------------------------------------------------------
// How the value of a call is used: a lazy query only runs when something consumes it.

export type Consumption = 'await' | 'return' | 'then' | 'combinator' | 'sink' | 'pushed' | 'stored' | 'discarded' | 'argument' | 'other';

const RX_AWAITERS = set('firstValueFrom lastValueFrom toPromise');

/** How the value of `expr` is used by its surroundings. */
export function consumptionOf(expr: TS.Node): { kind: Consumption; target?: TS.Node } {
  const { parent: p, child } = valueParent(expr);
  if (!p) return { kind: 'other' };
  if (ts.isAwaitExpression(p)) return { kind: 'await' };
  if (ts.isReturnStatement(p)) return { kind: 'return' };
  if (ts.isArrowFunction(p) && p.body === child) return { kind: 'return' };
  if (ts.isYieldExpression(p)) return { kind: 'await' };
  if (ts.isForOfStatement(p) && p.expression === child) return { kind: 'await' };
  if (ts.isPropertyAccessExpression(p) && p.expression === child && ['then', 'catch', 'finally', 'toPromise', 'subscribe'].includes(p.name.text)) return { kind: 'then' };
  if (ts.isSpreadElement(p) || ts.isArrayLiteralExpression(p)) {
    const outer = ts.isSpreadElement(p) ? p.parent : p;
    if (outer) {
      const c = consumptionOf(ts.isArrayLiteralExpression(outer) ? outer : p);
      if (c.kind === 'combinator' || c.kind === 'sink' || c.kind === 'return') return c;
      if (ts.isCallExpression(outer) && ts.isPropertyAccessExpression(outer.expression) && outer.expression.name.text === 'push') return { kind: 'pushed', target: outer.expression.expression };
    }
    return { kind: 'argument' };
  }
  if (ts.isCallExpression(p) && p.arguments.includes(child as TS.Expression)) {
    if (isPromiseCombinator(p)) return { kind: 'combinator' };
    const callee = unwrap(p.expression);
    const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : '';
    if (RX_AWAITERS.has(name)) return { kind: 'await' };
    if (BATCH_SINKS.has(name) && name !== 'all' && name !== 'allSettled') return { kind: 'sink' };
    if (name === 'push' || name === 'add' || name === 'set') return { kind: 'pushed', target: ts.isPropertyAccessExpression(callee) ? callee.expression : undefined };
    return { kind: 'argument', target: p };
  }
  if (ts.isVariableDeclaration(p) && p.initializer === child) return { kind: 'stored', target: p.name };
  if (ts.isBinaryExpression(p) && p.right === child && p.operatorToken.kind === ts.SyntaxKind.EqualsToken) return { kind: 'stored', target: p.left };
  if (ts.isExpressionStatement(p)) return { kind: 'discarded' };
  if (ts.isVoidExpression(p)) return { kind: 'discarded' };
  if (ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) return { kind: 'argument', target: p };
  return { kind: 'other' };
}

/** The declaration name node of `name` visible from `at` (nearest enclosing blocks), if any. */
function findDeclaration(name: string, at: TS.Node): TS.Node | undefined {
  for (let scope: TS.Node | undefined = at.parent; scope; scope = scope.parent) {
    if (ts.isBlock(scope) || ts.isSourceFile(scope)) {
      const found = variablesDeclaredIn(scope).get(name);
      if (found) return found;
    }
  }
  return undefined;
}

// Per block: its `var`/`let`/`const` names (first declaration wins), built once. A block's node is
// replaced by the incremental parser when its text changes, so the index never goes stale.
const blockVariables = new WeakMap<TS.Node, Map<string, TS.Identifier>>();
function variablesDeclaredIn(block: TS.Block | TS.SourceFile): Map<string, TS.Identifier> {
  let names = blockVariables.get(block);
  if (names) return names;
  names = new Map();
  for (const st of block.statements) {
    if (!ts.isVariableStatement(st)) continue;
    for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name) && !names.has(d.name.text)) names.set(d.name.text, d.name);
  }
  blockVariables.set(block, names);
  return names;
}

/** The uses of a local variable (`const q = ...`) inside `scope`. */
function usesOf(name: string, scope: TS.Node, declaredAt: TS.Node): TS.Identifier[] {
  const out: TS.Identifier[] = [];
  const visit = (n: TS.Node): void => {
    if (ts.isIdentifier(n) && n.text === name && n !== declaredAt && n.pos > declaredAt.pos) {
      const p = n.parent;
      if (!(p && ts.isPropertyAccessExpression(p) && p.name === n)) out.push(n);
    }
    n.forEachChild(visit);
  };
  visit(scope);
  return out;
}

/**
 * Is the (lazy) value of `expr` executed where it is created: awaited, returned, then'd, passed to
 * Promise.all, or stored/pushed somewhere that is. A list handed to `$transaction`/`batch` is one batch.
 */
export function isExecuted(expr: TS.Node, scope: TS.Node, depth = 0): boolean {
  // Node-style callback (`User.findById(id, (err, user) => ...)`): the call runs the query.
  if (ts.isCallExpression(expr)) {
    const last = expr.arguments[expr.arguments.length - 1];
    const lastFn = last && unwrap(last);
    if (lastFn && (ts.isArrowFunction(lastFn) || ts.isFunctionExpression(lastFn)) && lastFn.parameters.length >= 1 && /^(err|error|e|er)$/.test(lastFn.parameters[0].name.getText())) return true;
  }
  const c = consumptionOf(expr);
  switch (c.kind) {
    case 'return': {
      // Returned from `ids.map((id) => q)`: what happens to the mapped list decides.
      let fn: TS.Node | undefined = expr.parent;
      while (fn && !isFunctionBoundary(fn)) fn = fn.parent;
      const iter = fn ? iteratingCallOf(fn) : undefined;
      if (iter && depth <= 3) {
        const ic = consumptionOf(iter);
        if (ic.kind === 'sink') return false;
        if (ic.kind === 'stored' && ic.target && ts.isIdentifier(ic.target)) {
          const name = ic.target.text;
          let fnScope: TS.Node = iter;
          for (let p: TS.Node | undefined = iter.parent; p; p = p.parent) {
            fnScope = p;
            if (isFunctionBoundary(p)) break;
          }
          // The mapped list of lazy values runs only where it is awaited (Promise.all, await).
          const uses = usesOf(name, fnScope, ic.target).map((u) => consumptionOf(u).kind);
          return uses.some((k) => k === 'combinator' || k === 'await' || k === 'return');
        }
        return ic.kind === 'combinator' || ic.kind === 'await' || ic.kind === 'return' || ic.kind === 'then' || ic.kind === 'discarded';
      }
      return true;
    }
    case 'await':
    case 'then':
    case 'combinator':
      return true;
    case 'sink':
    case 'discarded':
    case 'argument':
      return false;
    case 'stored':
    case 'pushed': {
      if (depth > 3 || !c.target) return false;
      const target = unwrap(c.target as TS.Expression);
      if (!ts.isIdentifier(target)) return false;
      // The variable may be awaited after the loop: look in the whole function.
      let fnScope: TS.Node = scope;
      for (let p: TS.Node | undefined = expr.parent; p; p = p.parent) {
        fnScope = p;
        if (isFunctionBoundary(p) && !iteratingCallOf(p)) break;
      }
      const declaredAt = c.kind === 'stored' ? target : findDeclaration(target.text, expr) ?? target;
      return usesOf(target.text, fnScope, declaredAt).some((u) => u !== target && isExecuted(u, fnScope, depth + 1));
    }
    default:
      return false;
  }
}

// ---------------------------------------------------------------------------------------------
// The recogniser.

export interface RecogniserOptions {
  userPatterns: string[];
  getChecker?: () => TS.TypeChecker | undefined;
  /** Legacy: local function names known to perform a query. */
  helpers?: Map<string, QueryMatch>;
  /** Identifiers bound to rows loaded by an ORM (their methods and awaited relations are queries). */
  isEntity?: (name: string, at: TS.Node) => boolean;
  /** Identifiers bound to the current item of a loop or callback (`user.save()` on them is a write per item). */
  isItem?: (name: string) => boolean;
  /** Most functions whose bodies are summarised per file analysis (interprocedural budget). */
  maxSummaries?: number;
}

export interface QueryRecogniser {
  /** The query performed by an outermost chain call or tagged template, if any. */
  match(call: TS.CallExpression | TS.TaggedTemplateExpression): QueryMatch | undefined;
  /** Whether a function (declaration or expression) performs a query, directly or through calls. */
  summarize(fn: TS.FunctionLikeDeclaration): QueryMatch | undefined;
  /** A function passed by reference (`ids.map(fetchUser)`): the query it performs when called, if any. */
  matchReference(ref: TS.Expression): QueryMatch | undefined;
  /** The project function a call resolves to, when it has a body. */
  resolveFunction(call: TS.CallExpression): TS.FunctionLikeDeclaration | undefined;
  /** Whether any type information was used (false means names only). */
  usedTypes(): boolean;
}

type LinkVerdict = { kind: 'query'; match: QueryMatch } | { kind: 'not-query' } | { kind: 'batching' } | { kind: 'unknown'; declared?: boolean };

/** The outermost call of the chain that `link` belongs to. */
function outermost(link: TS.CallExpression): TS.CallExpression {
  let cur: TS.CallExpression = link;
  for (let guard = 0; guard < 64 && isInnerChainLink(cur); guard++) {
    const { parent } = valueParent(cur);
    cur = parent!.parent as TS.CallExpression;
  }
  return cur;
}

/** Callbacks that are registered, not run now: their bodies are not part of the caller's work. */
const DEFERRED_CALLBACKS = set(`on once addListener addEventListener setTimeout setInterval setImmediate nextTick subscribe watch
  use listen handle register defer onClick onChange useEffect useCallback useMemo computed it test describe specify suite
  beforeEach afterEach beforeAll afterAll before after bench context`);
const ROUTE_METHODS = /^(get|post|put|patch|delete|del|all|use|route|head|options)$/;
const ROUTER_RECEIVER = /^(app|router|server|api|fastify|route|routes|r|express|koa|hono)$/i;

/** The functions of a file by the name a call would use (`f`, `this.m`), and names declared without a body. */
export interface LocalFunctions {
  byName: Map<string, TS.FunctionLikeDeclaration[]>;
  /** Declared with a type but no body here (overloads, `declare`d or annotated variables): types are not missing for them. */
  declaredOnly: Set<string>;
}

const localFunctionsMemo = treeCache<LocalFunctions>();

export function newLocalFunctions(): LocalFunctions {
  return { byName: new Map(), declaredOnly: new Set() };
}

function addLocalFunction(into: LocalFunctions, k: string, f: TS.FunctionLikeDeclaration, log: LocalFunctionLog | undefined): void {
  const list = into.byName.get(k);
  if (list) list.push(f);
  else into.byName.set(k, [f]);
  if (log) log.push(k, f);
}

function addDeclaredOnly(into: LocalFunctions, k: string, log: LocalFunctionLog | undefined): void {
  into.declaredOnly.add(k);
  if (log) log.push(k, undefined);
}

/**
 * What indexLocalFunction added, in order, as pairs: a name and its function, or a name and
 * `undefined` for a name declared without a body. Replayed with replayLocalFunctions.
 */
export type LocalFunctionLog = Array<string | TS.FunctionLikeDeclaration | undefined>;

/** Adds the entries `log[from..to)` (pairs, see LocalFunctionLog) to `into` again, in their order. */
export function replayLocalFunctions(log: LocalFunctionLog, from: number, to: number, into: LocalFunctions, out?: LocalFunctionLog): void {
  for (let i = from; i < to; i += 2) {
    const f = log[i + 1] as TS.FunctionLikeDeclaration | undefined;
    if (f) addLocalFunction(into, log[i] as string, f, out);
    else addDeclaredOnly(into, log[i] as string, out);
  }
}

/**
 * Adds `n` to the index if it declares a function; one step of the walk, so other walks can build
 * the index on the way. With `log`, what is added is also recorded there.
 */
export function indexLocalFunction(n: TS.Node, into: LocalFunctions, log?: LocalFunctionLog): void {
  switch (n.kind) {
    case ts.SyntaxKind.FunctionDeclaration: {
      const f = n as TS.FunctionDeclaration;
      if (f.name) {
        if (f.body) addLocalFunction(into, f.name.text, f, log);
        else addDeclaredOnly(into, f.name.text, log);
      }
      return;
    }
    case ts.SyntaxKind.VariableDeclaration: {
      const d = n as TS.VariableDeclaration;
      if (!ts.isIdentifier(d.name)) return;
      if (d.initializer) {
        const init = unwrap(d.initializer);
        if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) addLocalFunction(into, d.name.text, init, log);
      }
      if (d.type) addDeclaredOnly(into, d.name.text, log);
      return;
    }
    case ts.SyntaxKind.MethodDeclaration: {
      const m = n as TS.MethodDeclaration;
      if ((ts.isIdentifier(m.name) || ts.isPrivateIdentifier(m.name)) && m.body) addLocalFunction(into, `this.${m.name.text}`, m, log);
      return;
    }
    case ts.SyntaxKind.PropertyDeclaration: {
      const p = n as TS.PropertyDeclaration;
      if (ts.isIdentifier(p.name) && p.initializer && (ts.isArrowFunction(p.initializer) || ts.isFunctionExpression(p.initializer))) addLocalFunction(into, `this.${p.name.text}`, p.initializer, log);
      return;
    }
  }
}

/** Records an index another walk of the whole tree has built (see indexLocalFunction). */
export function rememberLocalFunctions(sf: TS.SourceFile, index: LocalFunctions): void {
  localFunctionsMemo.set(sf, index);
}

/** The file's local function index: built once per syntax tree, by one walk. */
export function localFunctions(sf: TS.SourceFile): LocalFunctions {
  let idx = localFunctionsMemo.get(sf);
  if (idx) return idx;
  const built = newLocalFunctions();
  const visit = (n: TS.Node): void => {
    indexLocalFunction(n, built);
    n.forEachChild(visit);
  };
  visit(sf);
  localFunctionsMemo.set(sf, (idx = built));
  return idx;
}

export function createQueryRecogniser(sf: TS.SourceFile, options: RecogniserOptions): QueryRecogniser {
  const summaries = new Map<TS.Node, QueryMatch | null>();
  const inProgress = new Set<TS.Node>();
  const maxSummaries = options.maxSummaries ?? 400;
  let summarised = 0;
  let usedTypes = false;
  let checkerFailed = false;
  const checker = (): TS.TypeChecker | undefined => {
    if (checkerFailed) return undefined;
    try {
      const c = options.getChecker?.();
      if (!c) checkerFailed = true;
      return c;
    } catch {
      checkerFailed = true;
      return undefined;
    }
  };

  // Same-file index of functions by name, for when there is no checker.
  const local = (): Map<string, TS.FunctionLikeDeclaration[]> => localFunctions(sf).byName;
  const declaredOnly = {
    has: (name: string): boolean => localFunctions(sf).declaredOnly.has(name),
  };

  function resolveLocal(call: TS.CallExpression): TS.FunctionLikeDeclaration | undefined {
    const e = unwrap(call.expression);
    let key: string | undefined;
    if (ts.isIdentifier(e)) key = e.text;
    else if (ts.isPropertyAccessExpression(e) && e.expression.kind === ts.SyntaxKind.ThisKeyword) key = `this.${e.name.text}`;
    if (!key) return undefined;
    const cands = local().get(key);
    if (!cands?.length) return undefined;
    if (cands.length === 1 || !key.startsWith('this.')) return cands[0];
    // The method of the enclosing class.
    for (let p: TS.Node | undefined = call.parent; p; p = p.parent) {
      if (ts.isClassLike(p)) return cands.find((c) => c.parent === p || c.parent?.parent === p) ?? cands[0];
    }
    return cands[0];
  }

  function declarationWithBody(decl: TS.Declaration | undefined, c: TS.TypeChecker): TS.FunctionLikeDeclaration | undefined {
    if (!decl) return undefined;
    if (isFunctionBoundary(decl) && decl.body) return decl;
    if ((ts.isFunctionDeclaration(decl) || ts.isMethodDeclaration(decl)) && !decl.body) {
      // An overload signature: find the implementation.
      const sym = decl.name ? c.getSymbolAtLocation(decl.name) : undefined;
      const impl = sym?.declarations?.find((d) => isFunctionBoundary(d) && !!d.body);
      return impl as TS.FunctionLikeDeclaration | undefined;
    }
    if ((ts.isVariableDeclaration(decl) || ts.isPropertyDeclaration(decl) || ts.isPropertyAssignment(decl)) && decl.initializer) {
      const init = unwrap(decl.initializer);
      if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return init;
    }
    return undefined;
  }

  /** The declaration the callee's name resolves to (following import aliases). */
  function calleeDeclaration(call: TS.CallExpression, c: TS.TypeChecker): TS.Declaration | undefined {
    const e = unwrap(call.expression);
    const nameNode = ts.isPropertyAccessExpression(e) ? e.name : ts.isElementAccessExpression(e) ? e.argumentExpression : e;
    let sym = c.getSymbolAtLocation(nameNode);
    if (sym && sym.flags & ts.SymbolFlags.Alias) sym = c.getAliasedSymbol(sym);
    if (!sym) return undefined;
    const decls = sym.declarations ?? [];
    return decls.find((d) => isFunctionBoundary(d) && !!(d as TS.FunctionLikeDeclaration).body) ?? sym.valueDeclaration ?? decls[0];
  }

  function resolveFunction(call: TS.CallExpression): TS.FunctionLikeDeclaration | undefined {
    const c = checker();
    if (c) {
      try {
        usedTypes = true;
        return declarationWithBody(calleeDeclaration(call, c), c);
      } catch {
        return resolveLocal(call);
      }
    }
    return resolveLocal(call);
  }

  /**
   * Could the call's result be a round trip? False for plain values (primitives, arrays, void):
   * `cache.get(k): string | undefined` is a memory read. Objects stay possible (a Promise, a query
   * builder, an SDK request with `.promise()`).
   */
  function returnsThenable(call: TS.CallExpression, c: TS.TypeChecker): boolean | undefined {
    try {
      const t = c.getTypeAtLocation(call);
      if (t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return undefined;
      const parts = t.isUnion() ? t.types : [t];
      const plain = (p: TS.Type) => !!(p.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike | ts.TypeFlags.BigIntLike | ts.TypeFlags.Null | ts.TypeFlags.Undefined | ts.TypeFlags.Void | ts.TypeFlags.EnumLike | ts.TypeFlags.ESSymbolLike)) || c.isArrayType(p) || c.isTupleType(p);
      if (parts.every(plain)) return false;
      return true;
    } catch {
      return undefined;
    }
  }

  /** What the checker says about one link. */
  function typedVerdict(link: TS.CallExpression, depth: number): LinkVerdict {
    const c = checker();
    if (!c) return { kind: 'unknown' };
    let decl: TS.Declaration | undefined;
    try {
      // The callee's symbol (no overload resolution or argument checking: much cheaper per call).
      decl = calleeDeclaration(link, c);
      usedTypes = true;
      if (!decl) {
        // No declaration: an `any` callee (types missing), or a callable without one.
        const calleeType = c.getTypeAtLocation(link.expression);
        if (calleeType.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return { kind: 'unknown' };
        decl = calleeType.getSymbol()?.declarations?.[0];
      }
    } catch {
      return { kind: 'unknown' };
    }
    if (!decl) return { kind: 'unknown' };
    const declSf = decl.getSourceFile();
    const lib = libraryForFile(declSf, decl);
    const method = methodName(link);
    const e = unwrap(link.expression);
    const bare = !ts.isPropertyAccessExpression(e) && !ts.isElementAccessExpression(e);
    if (lib === 'batching') return { kind: 'batching' };
    if (lib === 'builtin') {
      if (bare && method === 'fetch') return { kind: 'query', match: { callee: 'fetch', via: 'type', readOnly: !hasWriteMethodOption(link), library: 'http', lazy: false, confidence: 'high', method: 'fetch', call: link } };
      return { kind: 'not-query' };
    }
    if (lib) {
      if (!lib.executes(method, bare)) return { kind: 'not-query' };
      let readOnly = method ? isReadOnlyMethod(method) && !(bare && hasWriteMethodOption(link)) : !hasWriteMethodOption(link);
      // Builders (knex, drizzle, supabase, mongoose queries): the whole chain decides.
      if (lib.lazy && lib.id !== 'prisma') readOnly = chainReadOnly(chainLinks(outermost(link)));
      return {
        kind: 'query',
        match: { callee: describeCallee(link, sf), via: 'type', readOnly, library: lib.id, lazy: lib.lazy, confidence: 'high', method, call: link },
      };
    }
    // The project's own function: look inside.
    const fn = declarationWithBody(decl, c);
    if (fn) {
      const s = summarizeAt(fn, depth + 1);
      if (!s) return { kind: 'not-query' };
      return { kind: 'query', match: helperMatch(link, fn, s) };
    }
    // Declared without a body (interface, `declare`, abstract): fall back to names, but a method
    // that returns a plain value (not a Promise or builder) cannot be a round trip.
    if (!declSf.fileName.includes('/node_modules/') || declSf.isDeclarationFile) {
      const thenable = returnsThenable(link, c);
      if (thenable === false) return { kind: 'not-query' };
    }
    // Declared (so types are not missing), just not by a library PerfLens knows.
    return { kind: 'unknown', declared: true };
  }

  function helperMatch(link: TS.CallExpression, fn: TS.FunctionLikeDeclaration, inner: QueryMatch): QueryMatch {
    const name = describeCallee(link, sf);
    const innerChain = inner.chain ?? [inner.callee];
    const fnSf = fn.getSourceFile();
    const site: CallSite = {
      fileName: fnSf.fileName,
      span: inner.call ? { start: inner.call.getStart(inner.call.getSourceFile()), end: inner.call.getEnd() } : { start: fn.getStart(fnSf), end: fn.getStart(fnSf) },
      message: `\`${shortName(name)}\` calls \`${innerChain[0]}\` here`,
    };
    return {
      callee: name,
      via: 'helper',
      readOnly: inner.readOnly,
      chain: [shortName(name), ...innerChain],
      sites: [site, ...(inner.sites ?? [])],
      library: inner.library,
      lazy: false,
      confidence: inner.confidence,
      method: inner.method,
      call: link,
    };
  }

  /** Names only. */
  function namedVerdict(link: TS.CallExpression, depth: number, declared: boolean): LinkVerdict {
    const e = unwrap(link.expression);
    const callee = describeCallee(link, sf);
    if (ts.isIdentifier(e)) {
      if (IO_FUNCTIONS.has(e.text)) {
        // supertest: `request(app).get('/x')` exercises your own app in-process, in tests.
        if ((e.text === 'request' || e.text === 'supertest') && link.arguments.length === 1 && ts.isIdentifier(unwrap(link.arguments[0])) && /^(app|server|api|handler|App|Server)$/.test((unwrap(link.arguments[0]) as TS.Identifier).text)) return { kind: 'not-query' };
        return { kind: 'query', match: { callee, via: 'name', readOnly: !hasWriteMethodOption(link), library: 'http', lazy: false, confidence: 'medium', method: e.text, call: link } };
      }
      if (NON_QUERY_FUNCTIONS.has(e.text)) return { kind: 'not-query' };
      if (/^(knex|trx|db|sql)$/.test(e.text) && link.arguments.length >= 1 && ts.isStringLiteralLike(link.arguments[0])) {
        return { kind: 'query', match: { callee, via: 'name', readOnly: true, library: 'knex', lazy: true, confidence: 'medium', call: link } };
      }
      const fn = resolveLocal(link);
      if (fn) {
        const s = summarizeAt(fn, depth + 1);
        return s ? { kind: 'query', match: helperMatch(link, fn, s) } : { kind: 'not-query' };
      }
      const legacy = options.helpers?.get(e.text);
      if (legacy) return { kind: 'query', match: { callee, via: 'helper', readOnly: legacy.readOnly, chain: [e.text, ...(legacy.chain ?? [legacy.callee])], lazy: false, confidence: legacy.confidence ?? 'medium', call: link } };
      if (!declared && !declaredOnly.has(e.text) && HELPER_NAME.test(e.text) && !HELPER_NAME_NOT.test(e.text)) {
        return { kind: 'query', match: { callee, via: 'name', readOnly: isReadOnlyMethod(e.text), lazy: false, confidence: 'low', call: link, needsDependence: true } };
      }
      return { kind: 'unknown' };
    }
    if (!ts.isPropertyAccessExpression(e) && !ts.isElementAccessExpression(e)) return { kind: 'unknown' };
    const method = methodName(link);
    if (!method) return { kind: 'unknown' };
    const recv = e.expression;
    const names = chainNames(recv);
    if (names.some((n) => BATCHING_RECEIVER.test(n))) return { kind: 'batching' };
    if (names[0] === 'this' && names.length === 1) {
      const fn = resolveLocal(link);
      if (fn) {
        const s = summarizeAt(fn, depth + 1);
        return s ? { kind: 'query', match: helperMatch(link, fn, s) } : { kind: 'not-query' };
      }
      const legacy = options.helpers?.get(`this.${method}`);
      if (legacy) return { kind: 'query', match: { callee, via: 'helper', readOnly: legacy.readOnly, chain: [callee, ...(legacy.chain ?? [legacy.callee])], lazy: false, confidence: 'medium', call: link } };
    }
    const readOnly = isReadOnlyMethod(method);
    const named = (confidence: Confidence, lazy = true, needsDependence = false): LinkVerdict => ({ kind: 'query', match: { callee, via: 'name', readOnly, lazy, confidence, method, call: link, needsDependence } });
    if (IO_FUNCTIONS.has(names[0]) && names.length === 1 && HTTP.has(method)) return named('medium', false);
    if ((names[0] === '$' || names[0] === 'jQuery') && names.length === 1 && /^(ajax|get|post|getJSON|getScript|load)$/.test(method)) return named('medium', false);
    const root = unwrap(recv);
    const rootName = names[0];
    if (options.isEntity && rootName && ts.isIdentifier(rootRef(root) ?? root) && options.isEntity(rootName, link) && names.length <= 2 && (ENTITY_METHODS.has(method) || ASSOCIATION.test(method))) return named('medium', false);
    if (options.isItem && rootName && names.length === 1 && ts.isIdentifier(root) && options.isItem(rootName) && ITEM_PERSIST.has(method)) return named('medium', false);
    if (DISTINCTIVE.has(method)) return named('medium');
    const dataReceiver = names.some((n) => DATA_RECEIVER.test(n));
    if (dataReceiver && (DATA_METHODS.has(method) || READ_VERB.test(method))) return named('medium');
    if (dataReceiver && names.some((n) => /redis|cache|kv/i.test(n) || n === 'client') && REDIS_COMMAND.test(method)) return named('medium', false);
    if (names.length === 1 && /^[A-Z][A-Za-z0-9]*$/.test(rootName ?? '') && !GLOBALS.has(rootName) && MODEL_METHODS.has(method) && ts.isIdentifier(root)) return named('medium');
    if (NON_QUERY_METHODS.has(method)) return { kind: 'not-query' };
    if (SDK_RECEIVER.test(rootName ?? '') && !/^(on|once|off|use|paginate|hook|request\w*Listener)$/.test(method)) return named('medium', true);
    const last = names[names.length - 1];
    if (!declared && !declaredOnly.has(rootName ?? '') && last && SERVICE_RECEIVER.test(last) && SERVICE_METHOD.test(method)) return named('low', false, true);
    return { kind: 'unknown' };
  }

  function rootRef(e: TS.Expression): TS.Expression | undefined {
    let cur = e;
    while (ts.isPropertyAccessExpression(cur) || ts.isElementAccessExpression(cur) || ts.isCallExpression(cur)) cur = ts.isCallExpression(cur) ? cur.expression : cur.expression;
    return cur;
  }

  /** `const p = redis.pipeline(); p.get(k)`: a command buffer, by its initializer (syntax only). */
  function isBatchingReceiverSyntax(recv: TS.Expression): boolean {
    let root: TS.Expression = unwrap(recv);
    while (ts.isPropertyAccessExpression(root) && root.expression.kind !== ts.SyntaxKind.ThisKeyword) root = unwrap(root.expression);
    if (ts.isCallExpression(root)) {
      const m = methodName(root);
      if (m && BATCH_FACTORIES.has(m)) return true;
    }
    if (ts.isIdentifier(root)) {
      const declName = findDeclaration(root.text, recv);
      const decl = declName?.parent;
      if (decl && ts.isVariableDeclaration(decl) && decl.initializer) {
        let init = unwrap(decl.initializer);
        if (ts.isAwaitExpression(init)) init = unwrap(init.expression);
        if (ts.isCallExpression(init)) {
          const m = methodName(init);
          if (m && BATCH_FACTORIES.has(m)) return true;
        }
      }
    }
    return false;
  }

  /** A command buffer by its type's name (ioredis `ChainableCommander`, MongoDB bulk operations). */
  function isBatchingReceiverType(recv: TS.Expression): boolean {
    const c = checker();
    if (!c) return false;
    try {
      const t = c.getTypeAtLocation(recv);
      const name = (t.aliasSymbol ?? t.getSymbol())?.name ?? '';
      return /^(ChainableCommander|Pipeline|Multi\w*|\w*BulkOperation|\w*Batch|RedisClientMultiCommand\w*)$/.test(name);
    } catch {
      return false;
    }
  }

  function linkVerdict(link: TS.CallExpression, depth: number): LinkVerdict {
    const e = unwrap(link.expression);
    // Cheap rejects first: common non-I/O methods on receivers that do not look like a data layer.
    const method = methodName(link);
    if (ts.isPropertyAccessExpression(e) && method && NON_QUERY_METHODS.has(method) && !DATA_METHODS.has(method)) return { kind: 'not-query' };
    if (ts.isIdentifier(e) && NON_QUERY_FUNCTIONS.has(e.text)) return { kind: 'not-query' };
    if (ts.isPropertyAccessExpression(e) && isBatchingReceiverSyntax(e.expression)) return { kind: 'batching' };
    const typed = typedVerdict(link, depth);
    if (typed.kind === 'query' && typed.match.via === 'type' && (typed.match.library === 'redis' || typed.match.library === 'mongodb') && ts.isPropertyAccessExpression(e) && isBatchingReceiverType(e.expression)) return { kind: 'batching' };
    if (typed.kind !== 'unknown') return typed;
    return namedVerdict(link, depth, !!typed.declared);
  }

  /** The query performed by an outermost chain call, if any. */
  function matchAt(node: TS.CallExpression | TS.TaggedTemplateExpression, depth: number): QueryMatch | undefined {
    if (ts.isTaggedTemplateExpression(node)) return matchTagged(node);
    const links = chainLinks(node);
    if (options.userPatterns.length) {
      for (const link of links) {
        const text = link.expression.getText(sf).replace(/\s+/g, '');
        const plain = describeCallee(link, sf);
        if (matchesSetting(text, options.userPatterns) || matchesSetting(plain, options.userPatterns)) {
          const m = methodName(link) ?? plain;
          return { callee: plain, via: 'setting', readOnly: isReadOnlyMethod(m), lazy: false, confidence: 'high', method: m, call: link, library: 'custom' };
        }
      }
    }
    for (const link of links) {
      const v = linkVerdict(link, depth);
      if (v.kind === 'query') {
        if (v.match.via === 'name' && v.match.lazy && links.length > 1) return { ...v.match, readOnly: chainReadOnly(links) };
        return v.match;
      }
      if (v.kind === 'batching') return undefined;
    }
    // Name-matched builder chains: the whole chain decides read or write.
    // A builder chain rooted at a data receiver: `await db.select().from(t).where(...)`.
    const names = chainNames(node.expression);
    if (links.length >= 2 && names.length && DATA_RECEIVER.test(names[0]) && !checker()) {
      const m = methodName(node);
      if (m && /^(where|whereIn|select|from|first|orderBy|limit|offset|returning|values|set|leftJoin|innerJoin|join|groupBy|having|pluck|count|sum|max|min|eq|single|maybeSingle|range|order|in|filter|match)$/.test(m)) {
        return { callee: describeCallee(node, sf), via: 'name', readOnly: isReadOnlyMethod(m), lazy: true, confidence: 'medium', method: m, call: node };
      }
    }
    return undefined;
  }

  function matchTagged(node: TS.TaggedTemplateExpression): QueryMatch | undefined {
    const tag = unwrap(node.tag);
    const text = tag.getText(sf).replace(/\s+/g, '');
    const name = ts.isPropertyAccessExpression(tag) ? tag.name.text : ts.isIdentifier(tag) ? tag.text : '';
    if (/^\$(queryRaw|executeRaw)/.test(name)) return { callee: text, via: 'name', readOnly: name.startsWith('$queryRaw'), library: 'prisma', lazy: true, confidence: 'high', method: name };
    // postgres.js / @vercel/postgres / slonik: `await sql\`...\`` (a fragment inside another template is not awaited).
    if (/^(sql|db|pg|query)$/.test(name)) {
      const upper = node.template.getText(sf).trimStart().replace(/^`\s*/, '').slice(0, 8).toUpperCase();
      return { callee: text, via: 'name', readOnly: !/^(INSERT|UPDATE|DELETE|UPSERT|MERGE)/.test(upper), library: 'pg', lazy: true, confidence: 'medium', method: name };
    }
    return undefined;
  }

  /** Does `fn` perform a query (directly or through calls)? The first one found, with the chain. */
  function summarizeAt(fn: TS.FunctionLikeDeclaration, depth: number): QueryMatch | undefined {
    const cached = summaries.get(fn);
    if (cached !== undefined) return cached ?? undefined;
    if (inProgress.has(fn) || depth > 8 || summarised >= maxSummaries || !fn.body) return undefined;
    inProgress.add(fn);
    summarised++;
    let first: QueryMatch | undefined;
    let readOnly = true;
    const visit = (n: TS.Node): void => {
      if (n !== fn && isFunctionBoundary(n) && isDeferredCallback(n)) return;
      if ((ts.isCallExpression(n) && !isInnerChainLink(n)) || ts.isTaggedTemplateExpression(n)) {
        const m = matchAt(n, depth);
        // Weak name-only guesses do not make a helper a query (they would snowball through callers).
        if (m && !m.needsDependence && (!m.lazy || isExecuted(n, fn.body!))) {
          if (!first) first = m;
          if (!m.readOnly) readOnly = false;
        }
      }
      n.forEachChild(visit);
    };
    visit(fn.body);
    inProgress.delete(fn);
    const result = first ? { ...first, readOnly } : undefined;
    summaries.set(fn, result ?? null);
    return result;
  }

  function matchReference(ref: TS.Expression): QueryMatch | undefined {
    const e = unwrap(ref);
    if (!ts.isIdentifier(e) && !ts.isPropertyAccessExpression(e)) return undefined;
    const text = describeRef(e);
    if (options.userPatterns.length && matchesSetting(text, options.userPatterns)) return { callee: text, via: 'setting', readOnly: isReadOnlyMethod(ts.isPropertyAccessExpression(e) ? e.name.text : text), lazy: false, confidence: 'high' };
    let fn: TS.FunctionLikeDeclaration | undefined;
    const c = checker();
    if (c) {
      try {
        const nameNode = ts.isPropertyAccessExpression(e) ? e.name : e;
        let sym = c.getSymbolAtLocation(nameNode);
        if (sym && sym.flags & ts.SymbolFlags.Alias) sym = c.getAliasedSymbol(sym);
        const decls = sym?.declarations ?? [];
        const lib = decls[0] ? libraryForFile(decls[0].getSourceFile(), decls[0]) : undefined;
        if (lib === 'builtin' && ts.isIdentifier(e) && e.text === 'fetch') return { callee: 'fetch', via: 'type', readOnly: true, library: 'http', lazy: false, confidence: 'high' };
        if (lib && typeof lib === 'object' && lib.executes(ts.isPropertyAccessExpression(e) ? e.name.text : undefined, ts.isIdentifier(e))) return { callee: text, via: 'type', readOnly: isReadOnlyMethod(ts.isPropertyAccessExpression(e) ? e.name.text : text), library: lib.id, lazy: false, confidence: 'high' };
        fn = declarationWithBody(decls.find((d) => isFunctionBoundary(d) && !!(d as TS.FunctionLikeDeclaration).body) ?? sym?.valueDeclaration, c);
      } catch {
        fn = undefined;
      }
    }
    if (!fn && ts.isIdentifier(e)) fn = local().get(e.text)?.[0];
    if (!fn && ts.isPropertyAccessExpression(e) && e.expression.kind === ts.SyntaxKind.ThisKeyword) fn = local().get(`this.${e.name.text}`)?.[0];
    if (fn) {
      const inner = summarizeAt(fn, 1);
      if (!inner) return undefined;
      const fnSf = fn.getSourceFile();
      const innerChain = inner.chain ?? [inner.callee];
      return {
        callee: text, via: 'helper', readOnly: inner.readOnly, chain: [text, ...innerChain], lazy: false, confidence: inner.confidence, library: inner.library,
        sites: [{ fileName: fnSf.fileName, span: inner.call ? { start: inner.call.getStart(inner.call.getSourceFile()), end: inner.call.getEnd() } : { start: fn.getStart(fnSf), end: fn.getStart(fnSf) }, message: `\`${text}\` calls \`${innerChain[0]}\` here` }, ...(inner.sites ?? [])],
      };
    }
    if (ts.isIdentifier(e) && IO_FUNCTIONS.has(e.text)) return { callee: text, via: 'name', readOnly: true, library: 'http', lazy: false, confidence: 'medium' };
    if (ts.isIdentifier(e) && !declaredOnly.has(e.text) && HELPER_NAME.test(e.text) && !HELPER_NAME_NOT.test(e.text)) return { callee: text, via: 'name', readOnly: isReadOnlyMethod(e.text), lazy: false, confidence: 'low' };
    return undefined;
  }

  function describeRef(e: TS.Expression): string {
    if (ts.isIdentifier(e)) return e.text;
    if (e.kind === ts.SyntaxKind.ThisKeyword) return 'this';
    if (ts.isPropertyAccessExpression(e)) return `${describeRef(unwrap(e.expression))}.${e.name.text}`;
    return e.getText(sf);
  }

  return {
    match: (call) => matchAt(call, 0),
    summarize: (fn) => summarizeAt(fn, 0),
    matchReference,
    resolveFunction,
    // (a method, not a getter: see TextRoot in complexity/analyzer.ts)
    usedTypes: () => usedTypes,
  };
}

/** Callbacks that are registered for later (event handlers, timers, routes) rather than run now. */
export function isDeferredCallback(fn: TS.Node): boolean {
  return !iteratingCallOf(fn) && isDeferredNonIterating(fn);
}

/** isDeferredCallback for a function known not to be an iterating call's callback (iteratingCallOf is undefined). */
export function isDeferredNonIterating(fn: TS.Node): boolean {
  const { parent: p, child } = valueParent(fn);
  if (!p) return false;
  if (ts.isCallExpression(p) && p.arguments.includes(child as TS.Expression)) {
    const name = methodName(p) ?? '';
    if (DEFERRED_CALLBACKS.has(name)) return true;
    // Routes: `app.get('/users', handler)`, `router.get(\`/${name}\`, handler)`.
    if (ROUTE_METHODS.test(name) && p.arguments.length >= 2 && p.arguments[p.arguments.length - 1] === child) {
      const first = p.arguments[0];
      const path = ts.isStringLiteralLike(first) ? first.text : ts.isTemplateExpression(first) ? first.head.text : undefined;
      if (path !== undefined && (path.startsWith('/') || path === '*')) return true;
      const callee = unwrap(p.expression);
      if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && ROUTER_RECEIVER.test(callee.expression.text)) return true;
    }
    return false;
  }
  // Function declarations and functions stored in variables run only when called.
  return ts.isFunctionDeclaration(fn) || ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p) || ts.isMethodDeclaration(fn);
}

function hasWriteMethodOption(call: TS.CallExpression): boolean {
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

/** `getAuthor` from `this.users.getAuthor` or `getAuthor`: the last segment, for chains in messages. */
export function shortName(callee: string): string {
  return callee;
}
