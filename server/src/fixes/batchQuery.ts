// Quick fix: a lookup by key once per item becomes one batched query before the loop and a Map
// lookup inside it. Prisma `findMany({ where: { id: { in: ids } } })`, TypeORM `findBy({ id: In(ids) })`,
// Sequelize `findAll({ where: { id: ids } })`, Mongoose `find({ _id: { $in: ids } })`, Knex `whereIn`,
// Drizzle `inArray`.
//
// Behaviour is kept: the loop still runs in the same order over the same items; a missing row gives
// what the original gave (null / undefined / []); duplicate keys share one row; an empty list runs no
// query. The fix is offered only when the checker can show the pieces fit (the receiver has the
// batch method, keys are non-null primitives of the row's key type) and the loop cannot change what
// the lookup reads (no writes in the loop, no changes to the items or the list).
import { ts } from '../ts';
import type { ts as TS } from 'ts-morph';
import type { Fix, TextEditSpan } from '../analysis/types';
import type { QueryLibrary, QueryMatch } from '../analysis/queries';
import { consumptionOf } from '../analysis/queries';
import {
  chainLinks, enclosingFunction, enclosingStatement, freshName, indentAt, isAssignmentOperator, isFunctionBoundary, methodName,
  needsParens, referencedNames, rootIdentifier, unwrap, valueParent,
} from '../analysis/syntax';

export type BatchResult = { fix: Fix } | { reason: string };

export interface BatchInput {
  /** The reported call (outermost link of its chain). */
  call: TS.CallExpression;
  match: QueryMatch;
  item: {
    kind: 'loop' | 'callback' | 'fan-out' | 'resolver';
    node: TS.Node;
    body: TS.Node;
    itemNames: Set<string>;
    varying: { has(name: string): boolean };
    collectionExpr?: TS.Expression;
  };
  sf: TS.SourceFile;
  checker: TS.TypeChecker | undefined;
  /** The other queries reported in the same loop or callback. */
  otherQueries: QueryMatch[];
}

type Dialect = 'prisma' | 'typeorm' | 'sequelize' | 'mongoose' | 'knex' | 'drizzle';

interface Lookup {
  dialect: Dialect;
  /** The key of the current item, as written. */
  keyExpr: TS.Expression;
  /** The row property that holds the key. */
  field: string;
  /** One row per key (`findUnique`) or all rows with that key (`findMany({ where: { authorId } })`). */
  cardinality: 'one' | 'many';
  /** What the original gives for a missing row. */
  missing: 'null' | 'undefined';
  /** Edits, relative to the reported call, that turn it into the batched call; KEYS is the keys variable. */
  edits: Array<{ start: number; end: number; text: (keys: string) => string }>;
  /** An import the batched call needs. */
  needsImport?: { name: string; module: string };
  /** Keys are compared as strings (ObjectIds). */
  stringKeys?: boolean;
  /** A readable model name for the new variables (`user`). */
  model: string;
}

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const plural = (s: string) => (/s$/.test(s) ? `${s}Rows` : `${s}s`);

function propName(p: TS.ObjectLiteralElementLike): string | undefined {
  if (!p.name) return undefined;
  if (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) return p.name.text;
  return undefined;
}

/** `{ F: K }` or `{ F }` with exactly one property: the field and the key. */
function singleField(obj: TS.Expression | undefined): { field: string; key: TS.Expression; prop: TS.ObjectLiteralElementLike } | undefined {
  if (!obj) return undefined;
  const o = unwrap(obj);
  if (!ts.isObjectLiteralExpression(o) || o.properties.length !== 1) return undefined;
  const p = o.properties[0];
  if (ts.isShorthandPropertyAssignment(p)) return { field: p.name.text, key: p.name, prop: p };
  if (ts.isPropertyAssignment(p)) {
    const f = propName(p);
    if (!f) return undefined;
    const v = unwrap(p.initializer);
    if (ts.isObjectLiteralExpression(v) || ts.isArrayLiteralExpression(v)) return undefined; // operators, not equality
    return { field: f, key: p.initializer, prop: p };
  }
  return undefined;
}

function prop(obj: TS.ObjectLiteralExpression, name: string): TS.PropertyAssignment | TS.ShorthandPropertyAssignment | undefined {
  return obj.properties.find((p) => propName(p) === name && (ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p))) as TS.PropertyAssignment | undefined;
}

/** Replace the value of a `{ F: K }` / `{ F }` property with `F: <text>`. */
function replaceFieldValue(p: TS.ObjectLiteralElementLike, field: string, text: (keys: string) => string, sf: TS.SourceFile): Lookup['edits'][number] {
  if (ts.isShorthandPropertyAssignment(p)) return { start: p.getStart(sf), end: p.getEnd(), text: (k) => `${field}: ${text(k)}` };
  const init = (p as TS.PropertyAssignment).initializer;
  return { start: init.getStart(sf), end: init.getEnd(), text };
}

function nameEdit(call: TS.CallExpression, to: string, sf: TS.SourceFile): Lookup['edits'][number] | undefined {
  const e = unwrap(call.expression);
  if (!ts.isPropertyAccessExpression(e)) return undefined;
  return { start: e.name.getStart(sf), end: e.name.getEnd(), text: () => to };
}

/** `prisma.user` -> `user`, `this.userRepository` -> `user`, `knex('users')` -> `user`, `User` -> `user`. */
function modelName(recv: TS.Expression | undefined, fallback: string): string {
  if (!recv) return fallback;
  let e = unwrap(recv);
  if (ts.isCallExpression(e) && e.arguments[0] && ts.isStringLiteralLike(e.arguments[0])) return singular(e.arguments[0].text);
  if (ts.isCallExpression(e) && e.arguments[0] && ts.isIdentifier(e.arguments[0])) return lowerFirst(e.arguments[0].text);
  while (ts.isCallExpression(e)) e = unwrap(e.expression);
  const name = ts.isPropertyAccessExpression(e) ? e.name.text : ts.isIdentifier(e) ? e.text : fallback;
  const stripped = name.replace(/(Repository|Repo|Model|Collection|Table|Delegate)$/, '') || fallback;
  return singular(lowerFirst(stripped));
}
const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
const singular = (s: string) => (/ies$/.test(s) ? s.slice(0, -3) + 'y' : /ses$/.test(s) ? s.slice(0, -2) : /s$/.test(s) && !/ss$/.test(s) ? s.slice(0, -1) : s).replace(/[^\w$]/g, '') || 'row';

function libraryOf(match: QueryMatch, method: string): Dialect | undefined {
  const lib: QueryLibrary | undefined = match.library;
  if (lib === 'prisma' || lib === 'typeorm' || lib === 'sequelize' || lib === 'mongoose' || lib === 'knex' || lib === 'drizzle') return lib;
  // Project-declared types (no library module): go by the method's shape.
  if (/^(findUnique|findFirst|findMany)$/.test(method)) return 'prisma';
  if (/^(findByPk)$/.test(method)) return 'sequelize';
  if (/^(findById)$/.test(method)) return 'mongoose';
  return undefined;
}

function hasProperty(checker: TS.TypeChecker, expr: TS.Expression, name: string): boolean {
  try {
    const t = checker.getTypeAtLocation(expr);
    return !!checker.getPropertyOfType(checker.getApparentType(t), name) || (t.isUnion() && t.types.every((u) => !!u.getProperty(name)));
  } catch {
    return false;
  }
}

/** Recognise the lookup in the query call. */
function recognise(outer: TS.CallExpression, match: QueryMatch, sf: TS.SourceFile, checker: TS.TypeChecker): Lookup | string {
  const link = match.call ?? outer;
  const method = methodName(link) ?? '';
  const links = chainLinks(outer); // outermost first
  const linkIdx = links.indexOf(link);
  const tail = linkIdx > 0 ? links.slice(0, linkIdx) : [];
  const recv = ts.isPropertyAccessExpression(unwrap(link.expression)) ? (unwrap(link.expression) as TS.PropertyAccessExpression).expression : undefined;
  const dialect = libraryOf(match, method) ?? (links.some((l) => methodName(l) === 'where') && ts.isCallExpression(links[links.length - 1]) ? 'knex' : undefined);
  if (!dialect) return `\`${method || match.callee}\` is not a lookup PerfLens knows how to batch (Prisma, TypeORM, Sequelize, Mongoose, Knex, Drizzle)`;
  const model = modelName(recv, 'row');
  const needs = (name: string) => (recv && !hasProperty(checker, recv, name) ? `the type of \`${recv.getText(sf)}\` has no \`${name}\`` : undefined);

  switch (dialect) {
    case 'prisma': {
      if (tail.length) return 'the query is chained (fluent API)';
      if (method !== 'findUnique' && method !== 'findMany' && method !== 'findFirst') return `\`${method}\` is not a lookup by key`;
      const args = link.arguments[0] && unwrap(link.arguments[0]);
      if (!args || !ts.isObjectLiteralExpression(args) || link.arguments.length !== 1) return 'the arguments are not an object literal';
      const where = prop(args, 'where');
      if (!where || !ts.isPropertyAssignment(where)) return 'there is no `where`';
      const sfield = singleField(where.initializer);
      if (!sfield) return 'the `where` is not a single equality';
      for (const p of args.properties) {
        const n = propName(p);
        if (n === 'where' || n === 'include') continue;
        if (n === 'select') {
          const sel = ts.isPropertyAssignment(p) ? unwrap(p.initializer) : undefined;
          const has = sel && ts.isObjectLiteralExpression(sel) && sel.properties.some((q) => propName(q) === sfield.field && ts.isPropertyAssignment(q) && q.initializer.kind === ts.SyntaxKind.TrueKeyword);
          if (!has) return `the \`select\` does not include \`${sfield.field}\`, which the lookup needs`;
          continue;
        }
        if (n === 'orderBy' && method === 'findMany') continue;
        return `the \`${n ?? p.getText(sf)}\` option changes which rows come back`;
      }
      if (method === 'findFirst') return '`findFirst` may match several rows; batch `findUnique` lookups';
      const missingMethod = needs('findMany');
      if (missingMethod) return missingMethod;
      const edits: Lookup['edits'] = [replaceFieldValue(sfield.prop, sfield.field, (k) => `{ in: ${k} }`, sf)];
      if (method !== 'findMany') edits.push(nameEdit(link, 'findMany', sf)!);
      return { dialect, keyExpr: sfield.key, field: sfield.field, cardinality: method === 'findMany' ? 'many' : 'one', missing: 'null', edits, model };
    }
    case 'typeorm': {
      if (tail.length) return 'the query is chained';
      let sfield: ReturnType<typeof singleField>;
      let to: string;
      if (method === 'findOneBy' || method === 'findBy') {
        if (link.arguments.length !== 1) return 'unexpected arguments';
        sfield = singleField(link.arguments[0]);
        to = 'findBy';
      } else if (method === 'findOne' || method === 'find') {
        const args = link.arguments[0] && unwrap(link.arguments[0]);
        if (!args || !ts.isObjectLiteralExpression(args) || link.arguments.length !== 1) return 'the arguments are not an object literal';
        const where = prop(args, 'where');
        if (!where || !ts.isPropertyAssignment(where)) return 'there is no `where`';
        for (const p of args.properties) {
          const n = propName(p);
          if (n === 'where' || n === 'relations' || (n === 'order' && method === 'find')) continue;
          return `the \`${n ?? p.getText(sf)}\` option changes which rows come back`;
        }
        sfield = singleField(where.initializer);
        to = 'find';
      } else return `\`${method}\` is not a lookup by key`;
      if (!sfield) return 'the condition is not a single equality';
      const cardinality = method === 'findBy' || method === 'find' ? 'many' : 'one';
      if (cardinality === 'one' && !isPrimaryField(sfield.field, outer, checker, 'typeorm')) return `\`${sfield.field}\` is not known to be the primary key, so one row per key is not guaranteed`;
      const missingMethod = needs(to);
      if (missingMethod) return missingMethod;
      const edits: Lookup['edits'] = [replaceFieldValue(sfield.prop, sfield.field, (k) => `In(${k})`, sf)];
      if (to !== method) edits.push(nameEdit(link, to, sf)!);
      return { dialect, keyExpr: sfield.key, field: sfield.field, cardinality, missing: 'null', edits, needsImport: { name: 'In', module: 'typeorm' }, model };
    }
    case 'sequelize': {
      if (tail.length) return 'the query is chained';
      if (method === 'findByPk') {
        if (link.arguments.length < 1 || link.arguments.length > 2) return 'unexpected arguments';
        const key = link.arguments[0];
        const opts = link.arguments[1] && unwrap(link.arguments[1]);
        if (opts && (!ts.isObjectLiteralExpression(opts) || opts.properties.some((p) => !['include', 'raw', 'paranoid'].includes(propName(p) ?? '')))) return 'the options change which rows come back';
        const field = primaryKeyOf(recv, checker) ?? 'id';
        const missingMethod = needs('findAll');
        if (missingMethod) return missingMethod;
        const extra = opts && ts.isObjectLiteralExpression(opts) ? opts.properties.map((p) => p.getText(sf)).join(', ') : '';
        const argsStart = link.arguments[0].getStart(sf);
        const argsEnd = link.arguments[link.arguments.length - 1].getEnd();
        const nameE = nameEdit(link, 'findAll', sf)!;
        return {
          dialect, keyExpr: key, field, cardinality: 'one', missing: 'null', model,
          edits: [nameE, { start: argsStart, end: argsEnd, text: (k) => `{ where: { ${field}: ${k} }${extra ? ', ' + extra : ''} }` }],
        };
      }
      if (method !== 'findOne' && method !== 'findAll') return `\`${method}\` is not a lookup by key`;
      const args = link.arguments[0] && unwrap(link.arguments[0]);
      if (!args || !ts.isObjectLiteralExpression(args) || link.arguments.length !== 1) return 'the arguments are not an object literal';
      const where = prop(args, 'where');
      if (!where || !ts.isPropertyAssignment(where)) return 'there is no `where`';
      for (const p of args.properties) {
        const n = propName(p);
        if (n === 'where' || n === 'include' || n === 'raw' || (n === 'order' && method === 'findAll')) continue;
        return `the \`${n ?? p.getText(sf)}\` option changes which rows come back`;
      }
      const sfield = singleField(where.initializer);
      if (!sfield) return 'the `where` is not a single equality';
      const cardinality = method === 'findAll' ? 'many' : 'one';
      if (cardinality === 'one' && sfield.field !== (primaryKeyOf(recv, checker) ?? 'id')) return `\`${sfield.field}\` is not known to be the primary key, so one row per key is not guaranteed`;
      const missingMethod = needs('findAll');
      if (missingMethod) return missingMethod;
      const edits: Lookup['edits'] = [replaceFieldValue(sfield.prop, sfield.field, (k) => k, sf)];
      if (method !== 'findAll') edits.push(nameEdit(link, 'findAll', sf)!);
      return { dialect, keyExpr: sfield.key, field: sfield.field, cardinality, missing: 'null', edits, model };
    }
    case 'mongoose': {
      const bad = tail.find((l) => !['lean', 'select', 'populate', 'exec'].includes(methodName(l) ?? ''));
      if (bad) return `\`.${methodName(bad)}()\` after the lookup changes which rows come back`;
      const missingMethod = needs('find');
      if (missingMethod) return missingMethod;
      if (method === 'findById') {
        if (link.arguments.length !== 1) return 'the projection/options arguments are not carried over';
        const key = link.arguments[0];
        return {
          dialect, keyExpr: key, field: '_id', cardinality: 'one', missing: 'null', stringKeys: true, model,
          edits: [nameEdit(link, 'find', sf)!, { start: key.getStart(sf), end: key.getEnd(), text: (k) => `{ _id: { $in: ${k} } }` }],
        };
      }
      if (method !== 'findOne' && method !== 'find') return `\`${method}\` is not a lookup by key`;
      if (link.arguments.length !== 1) return 'the projection/options arguments are not carried over';
      const sfield = singleField(link.arguments[0]);
      if (!sfield) return 'the filter is not a single equality';
      const cardinality = method === 'find' ? 'many' : 'one';
      if (cardinality === 'one' && sfield.field !== '_id') return `\`${sfield.field}\` is not the primary key, so one row per key is not guaranteed`;
      const edits: Lookup['edits'] = [replaceFieldValue(sfield.prop, sfield.field, (k) => `{ $in: ${k} }`, sf)];
      if (method !== 'find') edits.push(nameEdit(link, 'find', sf)!);
      return { dialect, keyExpr: sfield.key, field: sfield.field, cardinality, missing: 'null', stringKeys: true, edits, model };
    }
    case 'knex': {
      // knex('table') [.select(...)] .where(...) [.orderBy(...)] [.first()]
      const inner = [...links].reverse(); // innermost first
      const root = inner[0];
      if (!root || !ts.isIdentifier(unwrap(root.expression)) || !root.arguments[0] || !ts.isStringLiteralLike(root.arguments[0])) return 'the query does not start with `knex(\'table\')`';
      let where: TS.CallExpression | undefined;
      let first: TS.CallExpression | undefined;
      for (const l of inner.slice(1)) {
        const m = methodName(l);
        if (m === 'where' && !where) where = l;
        else if (m === 'first' && l === links[0] && l.arguments.length === 0) first = l;
        else if (m === 'select' && l.arguments.length === 0) continue;
        else if (m === 'orderBy' && !first) continue;
        else return `\`.${m}()\` in the query is not carried over`;
      }
      if (!where) return 'there is no `where`';
      let field: string | undefined;
      let key: TS.Expression | undefined;
      if (where.arguments.length === 1) {
        const s = singleField(where.arguments[0]);
        if (s) ({ field, key } = s);
      } else if (where.arguments.length === 2 && ts.isStringLiteralLike(where.arguments[0])) {
        field = where.arguments[0].text;
        key = where.arguments[1];
      } else if (where.arguments.length === 3 && ts.isStringLiteralLike(where.arguments[0]) && ts.isStringLiteralLike(where.arguments[1]) && where.arguments[1].text === '=') {
        field = where.arguments[0].text;
        key = where.arguments[2];
      }
      if (!field || !key || field.includes('.')) return 'the `where` is not a single equality';
      if (first && field !== 'id') return `\`${field}\` is not known to be unique, so \`.first()\` could pick a different row`;
      const fieldName = field;
      const whereName = unwrap(where.expression) as TS.PropertyAccessExpression;
      const edits: Lookup['edits'] = [{ start: whereName.name.getStart(sf), end: where.getEnd(), text: (k) => `whereIn(${JSON.stringify(fieldName).replace(/"/g, "'")}, ${k})` }];
      if (first) {
        const firstAccess = unwrap(first.expression) as TS.PropertyAccessExpression;
        edits.push({ start: firstAccess.expression.getEnd(), end: first.getEnd(), text: () => '' });
      }
      return { dialect, keyExpr: key, field, cardinality: first ? 'one' : 'many', missing: 'undefined', edits, model: singular((root.arguments[0] as TS.StringLiteral).text) };
    }
    case 'drizzle': {
      // db.select(...).from(T).where(eq(T.F, K)) [.orderBy(...)]  |  db.query.T.findFirst/findMany({ where: eq(T.F, K) })
      let whereExpr: TS.Expression | undefined;
      let cardinality: 'one' | 'many' = 'many';
      const edits: Lookup['edits'] = [];
      let model = 'row';
      if (method === 'findFirst' || method === 'findMany') {
        if (tail.length) return 'the query is chained';
        const args = link.arguments[0] && unwrap(link.arguments[0]);
        if (!args || !ts.isObjectLiteralExpression(args) || link.arguments.length !== 1) return 'the arguments are not an object literal';
        for (const p of args.properties) {
          const n = propName(p);
          if (n === 'where' || n === 'with' || n === 'columns' || (n === 'orderBy' && method === 'findMany')) continue;
          return `the \`${n ?? p.getText(sf)}\` option changes which rows come back`;
        }
        const w = prop(args, 'where');
        if (!w || !ts.isPropertyAssignment(w)) return 'there is no `where`';
        whereExpr = w.initializer;
        cardinality = method === 'findFirst' ? 'one' : 'many';
        if (method === 'findFirst') edits.push(nameEdit(link, 'findMany', sf)!);
        model = modelName(recv, 'row');
      } else {
        const inner = [...links].reverse();
        const sel = inner[0];
        if (!sel || methodName(sel) !== 'select') return 'the query does not start with `db.select()`';
        let from: TS.CallExpression | undefined;
        let where: TS.CallExpression | undefined;
        for (const l of inner.slice(1)) {
          const m = methodName(l);
          if (m === 'from' && !from) from = l;
          else if (m === 'where' && from && !where) where = l;
          else if (m === 'orderBy' && where) continue;
          else return `\`.${m}()\` in the query is not carried over`;
        }
        if (!from || !where || where.arguments.length !== 1) return 'there is no `.from(table).where(...)`';
        whereExpr = where.arguments[0];
        if (from.arguments[0]) model = singular(lowerFirst(from.arguments[0].getText(sf).replace(/\W/g, '')));
        if (sel.arguments.length) return 'a custom `select(...)` projection is not carried over';
      }
      const w = whereExpr && unwrap(whereExpr);
      if (!w || !ts.isCallExpression(w) || !ts.isIdentifier(w.expression) || w.expression.text !== 'eq' || w.arguments.length !== 2) return 'the `where` is not `eq(table.column, key)`';
      const col = unwrap(w.arguments[0]);
      if (!ts.isPropertyAccessExpression(col)) return 'the `where` is not `eq(table.column, key)`';
      const field = col.name.text;
      if (cardinality === 'one' && field !== 'id') return `\`${field}\` is not known to be unique, so \`findFirst\` could pick a different row`;
      const eqModule = importModuleOf('eq', sf) ?? 'drizzle-orm';
      edits.push({ start: w.expression.getStart(sf), end: w.expression.getEnd(), text: () => 'inArray' });
      edits.push({ start: w.arguments[1].getStart(sf), end: w.arguments[1].getEnd(), text: (k) => k });
      return { dialect, keyExpr: w.arguments[1], field, cardinality, missing: 'undefined', edits, needsImport: { name: 'inArray', module: eqModule }, model };
    }
  }
  return 'unsupported library';
}

/** TypeORM: is `field` the entity's primary column (`@PrimaryGeneratedColumn`/`@PrimaryColumn`, or `id` by convention)? */
function isPrimaryField(field: string, call: TS.CallExpression, checker: TS.TypeChecker, _lib: 'typeorm'): boolean {
  try {
    const t = awaitedRowType(call, checker);
    const p = t && checker.getPropertyOfType(t, field);
    const decl = p?.valueDeclaration;
    if (decl && ts.canHaveDecorators(decl)) {
      const ds = ts.getDecorators(decl) ?? [];
      if (ds.length) return ds.some((d) => /Primary(Generated)?Column|ObjectIdColumn/.test(d.expression.getText()));
    }
  } catch {
    /* fall through */
  }
  return field === 'id';
}

/** Sequelize: the model's primary key attribute (`primaryKey: true` in `init`, `@PrimaryKey`), else `id`. */
function primaryKeyOf(recv: TS.Expression | undefined, checker: TS.TypeChecker): string | undefined {
  if (!recv) return undefined;
  try {
    const sym = checker.getSymbolAtLocation(unwrap(recv));
    const target = sym && sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
    const decl = target?.valueDeclaration ?? target?.declarations?.[0];
    if (!decl) return undefined;
    const file = decl.getSourceFile();
    const className = target!.name;
    let found: string | undefined;
    const visit = (n: TS.Node): void => {
      if (found) return;
      // Model.init({ attr: { primaryKey: true } })
      if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === 'init' && n.expression.expression.getText(file) === className) {
        const attrs = n.arguments[0];
        if (attrs && ts.isObjectLiteralExpression(attrs)) {
          for (const a of attrs.properties) {
            if (ts.isPropertyAssignment(a) && ts.isObjectLiteralExpression(a.initializer) && a.initializer.properties.some((q) => propName(q) === 'primaryKey' && ts.isPropertyAssignment(q) && q.initializer.kind === ts.SyntaxKind.TrueKeyword)) found = propName(a);
          }
        }
      }
      // sequelize.define('User', { attr: { primaryKey: true } })
      if (ts.isPropertyDeclaration(n) && (ts.getDecorators(n) ?? []).some((d) => /PrimaryKey/.test(d.getText(file))) && n.parent && ts.isClassDeclaration(n.parent) && n.parent.name?.text === className) found = ts.isIdentifier(n.name) ? n.name.text : undefined;
      n.forEachChild(visit);
    };
    visit(file);
    return found;
  } catch {
    return undefined;
  }
}

function importModuleOf(name: string, sf: TS.SourceFile): string | undefined {
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) || !st.importClause?.namedBindings || !ts.isNamedImports(st.importClause.namedBindings)) continue;
    if (st.importClause.namedBindings.elements.some((e) => e.name.text === name) && ts.isStringLiteral(st.moduleSpecifier)) return st.moduleSpecifier.text;
  }
  return undefined;
}

/** The row type the original query resolves to (without null/undefined; the element type for arrays). */
function awaitedRowType(call: TS.CallExpression, checker: TS.TypeChecker): TS.Type | undefined {
  let t: TS.Type | undefined = checker.getTypeAtLocation(call);
  t = checker.getAwaitedType(t) ?? t;
  if (!t) return undefined;
  t = checker.getNonNullableType(t);
  if (checker.isArrayType(t)) t = checker.getTypeArguments(t as TS.TypeReference)[0];
  return t;
}

type KeyKind = 'number' | 'string' | 'bigint' | 'other' | 'nullable' | 'any';
function keyKind(t: TS.Type, checker: TS.TypeChecker): KeyKind {
  if (t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return 'any';
  const parts = t.isUnion() ? t.types : [t];
  let kind: KeyKind | undefined;
  for (const p of parts) {
    let k: KeyKind;
    if (p.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined | ts.TypeFlags.Void)) return 'nullable';
    else if (p.flags & ts.TypeFlags.NumberLike) k = 'number';
    else if (p.flags & ts.TypeFlags.StringLike) k = 'string';
    else if (p.flags & ts.TypeFlags.BigIntLike) k = 'bigint';
    else if (p.flags & ts.TypeFlags.BooleanLike) k = 'other';
    else k = 'other';
    if (kind && kind !== k) return 'other';
    kind = k;
  }
  void checker;
  return kind ?? 'other';
}

/** Is the key expression computable before the loop from the item alone? */
function keyIsHoistable(key: TS.Expression, item: BatchInput['item']): string | undefined {
  let ok = true;
  const visit = (n: TS.Node): void => {
    if (!ok) return;
    if (ts.isIdentifier(n) || ts.isPropertyAccessExpression(n) || ts.isNonNullExpression(n) || ts.isParenthesizedExpression(n) || ts.isAsExpression(n) || ts.isLiteralExpression(n) || n.kind === ts.SyntaxKind.QuestionDotToken) {
      n.forEachChild(visit);
      return;
    }
    if (ts.isElementAccessExpression(n) && (ts.isLiteralExpression(n.argumentExpression) || ts.isIdentifier(n.argumentExpression))) {
      n.forEachChild(visit);
      return;
    }
    if (ts.isTypeNode(n)) return;
    ok = false;
  };
  visit(key);
  if (!ok) return 'the key is computed by a call or an operator';
  const refs = referencedNames(key);
  if (![...refs].some((r) => item.itemNames.has(r))) return 'the key does not come from the item';
  for (const r of refs) if (!item.itemNames.has(r) && item.varying.has(r)) return `the key depends on \`${r}\`, which is computed inside the loop`;
  return undefined;
}

/** Does the loop change what the batched lookup would read or see? */
function loopInterference(item: BatchInput['item'], resultVar: string | undefined, sf: TS.SourceFile): string | undefined {
  const coll = item.collectionExpr ? rootIdentifier(item.collectionExpr) : undefined;
  let reason: string | undefined;
  const visit = (n: TS.Node): void => {
    if (reason) return;
    if (ts.isBinaryExpression(n) && isAssignmentOperator(n.operatorToken.kind)) {
      const target = unwrap(n.left as TS.Expression);
      const root = rootIdentifier(target);
      if (root && target !== root && item.itemNames.has(root.text)) reason = `it changes \`${target.getText(sf)}\` on the item`;
      else if (root && coll && root.text === coll.text) reason = `it changes \`${coll.text}\``;
      else if (root && resultVar && root.text === resultVar && target !== root) reason = `it changes the loaded row (\`${target.getText(sf)}\`), which duplicate keys would then share`;
    }
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && /^(push|pop|shift|unshift|splice|sort|reverse|fill|copyWithin|set|delete|add|clear)$/.test(n.expression.name.text)) {
      const root = rootIdentifier(n.expression.expression);
      if (root && coll && root.text === coll.text) reason = `it changes \`${coll.text}\` (${n.expression.name.text})`;
    }
    n.forEachChild(visit);
  };
  visit(item.body);
  return reason;
}

function addImportEdit(sf: TS.SourceFile, name: string, module: string): TextEditSpan | null | string {
  let lastImportEnd = -1;
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st)) continue;
    lastImportEnd = st.getEnd();
    if (!ts.isStringLiteral(st.moduleSpecifier) || st.moduleSpecifier.text !== module) continue;
    const clause = st.importClause;
    if (!clause || clause.isTypeOnly) continue;
    const nb = clause.namedBindings;
    if (nb && ts.isNamedImports(nb)) {
      const existing = nb.elements.find((e) => e.name.text === name);
      if (existing) return existing.isTypeOnly ? `\`${name}\` is imported as a type only` : null;
      const last = nb.elements[nb.elements.length - 1];
      if (last) return { span: { start: last.getEnd(), end: last.getEnd() }, newText: `, ${name}` };
      return { span: { start: nb.getStart(sf) + 1, end: nb.getStart(sf) + 1 }, newText: ` ${name} ` };
    }
  }
  // The name must not be taken by something else.
  let taken = false;
  const visit = (n: TS.Node): void => {
    if (taken) return;
    if (ts.isIdentifier(n) && n.text === name) taken = true;
    n.forEachChild(visit);
  };
  visit(sf);
  if (taken) return `\`${name}\` is already a name in this file`;
  const quote = sf.text.includes("from '") || !sf.text.includes('from "') ? "'" : '"';
  const semi = /from\s+['"][^'"]+['"]\s*;/.test(sf.text) || lastImportEnd < 0 ? ';' : '';
  const text = `import { ${name} } from ${quote}${module}${quote}${semi}`;
  if (lastImportEnd >= 0) return { span: { start: lastImportEnd, end: lastImportEnd }, newText: `\n${text}` };
  return { span: { start: 0, end: 0 }, newText: `${text}\n` };
}

function isAsync(fn: TS.Node): boolean {
  return isFunctionBoundary(fn) && !!ts.getModifiers(fn as TS.FunctionLikeDeclaration)?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
}

export function batchQueryFix(input: BatchInput): BatchResult {
  const { call, match, item, sf, checker } = input;
  if (!checker) return { reason: 'types are not available, so PerfLens cannot show that the batched query type-checks' };
  if (!match.readOnly) return { reason: 'the query writes; only reads are batched' };
  if (input.otherQueries.some((q) => !q.readOnly)) return { reason: 'the loop also writes to the data layer; reading every row up front could miss those writes' };
  if (match.via === 'helper') return { reason: `the query runs inside \`${match.chain?.[0] ?? match.callee}\`; batch it there or pass the rows in` };

  // The per-item shape: `for (const x of xs)` or `xs.map((x) => ...)`.
  let collection: TS.Expression | undefined;
  let bindingText: string;
  let anchor: TS.Node; // the statement to insert the batched query before
  if (item.kind === 'loop') {
    const loop = item.node;
    if (!ts.isForOfStatement(loop)) return { reason: 'only `for…of` loops and array callbacks are rewritten' };
    if (loop.awaitModifier) return { reason: '`for await` reads an async stream' };
    const init = loop.initializer;
    if (!ts.isVariableDeclarationList(init) || init.declarations.length !== 1) return { reason: 'the loop variable is not a fresh declaration' };
    collection = loop.expression;
    bindingText = init.declarations[0].name.getText(sf);
    anchor = ts.isLabeledStatement(loop.parent) ? loop.parent : loop;
  } else if (item.kind === 'callback' || item.kind === 'fan-out') {
    const iter = item.node as TS.CallExpression;
    const m = methodName(iter);
    if (!m || !['map', 'forEach', 'flatMap', 'filter'].includes(m) || !ts.isPropertyAccessExpression(unwrap(iter.expression))) return { reason: `\`${m ?? 'this'}\` callbacks are not rewritten` };
    const cb = item.body as TS.FunctionLikeDeclaration;
    if (!cb.parameters[0]) return { reason: 'the callback has no item parameter' };
    collection = (unwrap(iter.expression) as TS.PropertyAccessExpression).expression;
    bindingText = cb.parameters[0].name.getText(sf);
    if (cb.parameters[0].type) bindingText = `${bindingText}: ${cb.parameters[0].type.getText(sf)}`;
    const st = enclosingStatement(iter);
    if (!st) return { reason: 'the callback is not inside a statement' };
    anchor = st;
  } else return { reason: 'not a loop' };
  if (!anchor.parent || !(ts.isBlock(anchor.parent) || ts.isSourceFile(anchor.parent) || ts.isCaseClause(anchor.parent) || ts.isDefaultClause(anchor.parent))) return { reason: 'the loop is not a statement of a block' };
  const outerFn = enclosingFunction(anchor);
  if (ts.isSourceFile(outerFn) || !isAsync(outerFn)) return { reason: 'the enclosing function is not async, so the batched query cannot be awaited before the loop' };

  // The collection is read twice (keys, then the loop): it must be a plain, re-iterable value.
  const coll = unwrap(collection);
  if (!(ts.isIdentifier(coll) || (ts.isPropertyAccessExpression(coll) && !containsCall(coll)))) return { reason: `\`${collection.getText(sf)}\` is not a plain variable, so it cannot be read twice` };
  let isArray = false;
  try {
    const ct = checker.getTypeAtLocation(collection);
    isArray = checker.isArrayType(ct) || checker.isTupleType(ct) || (ct.isUnion() ? false : /^(ReadonlyArray|Set|ReadonlySet|Map)$/.test(ct.getSymbol()?.name ?? ''));
    if (!isArray) return { reason: `\`${collection.getText(sf)}\` is not an array or a Set, so it may not be iterable twice` };
    isArray = checker.isArrayType(ct) || checker.isTupleType(ct) || ct.getSymbol()?.name === 'ReadonlyArray';
  } catch {
    return { reason: 'the type of the list is unknown' };
  }

  // How the query's value is used: `await q` in the body, or returned from an async/fan-out callback.
  let replaceNode: TS.Node;
  const c = consumptionOf(call);
  if (c.kind === 'await') replaceNode = valueParent(call).parent!;
  else if (c.kind === 'return' && item.kind !== 'loop' && (item.kind === 'fan-out' || isAsync(item.body))) replaceNode = call;
  else return { reason: 'the query\'s promise is used directly rather than awaited' };
  if (!ts.isAwaitExpression(replaceNode) && replaceNode !== call) return { reason: 'the query is not awaited directly' };

  const lookup = recognise(call, match, sf, checker);
  if (typeof lookup === 'string') return { reason: lookup };
  const keyProblem = keyIsHoistable(lookup.keyExpr, item);
  if (keyProblem) return { reason: keyProblem };

  // Types: the key is a non-null primitive of the same kind as the row's key column.
  let rowKeyKind: KeyKind = 'any';
  let kk: KeyKind;
  try {
    // The declared type, not the type narrowed at the call: the keys are read before the loop.
    kk = keyKind(declaredType(lookup.keyExpr, collection, checker) ?? checker.getTypeAtLocation(lookup.keyExpr), checker);
    const row = awaitedRowType(call, checker);
    const p = row && checker.getPropertyOfType(row, lookup.field);
    if (p) rowKeyKind = keyKind(checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(p, call)), checker);
  } catch {
    return { reason: 'the key types could not be checked' };
  }
  if (kk === 'nullable') return { reason: 'the key may be null or undefined, which the batched query would treat differently' };
  if (lookup.stringKeys) {
    if (kk === 'any') return { reason: 'the key type is unknown' };
  } else {
    if (kk === 'any' || kk === 'other') return { reason: 'the key is not a string or number, so a Map lookup could not find it' };
    if (rowKeyKind === 'any') return { reason: `the row type has no typed \`${lookup.field}\`, so PerfLens cannot show rows map back to keys` };
    if (rowKeyKind !== kk) return { reason: `the key is a ${kk} but \`${lookup.field}\` is a ${rowKeyKind}` };
  }

  // The result variable (for the mutation check and for names).
  const decl = ts.isVariableDeclaration(valueParent(replaceNode).parent ?? replaceNode) ? (valueParent(replaceNode).parent as TS.VariableDeclaration) : undefined;
  const resultVar = decl && ts.isIdentifier(decl.name) ? decl.name.text : undefined;
  const interference = loopInterference(item, resultVar, sf);
  if (interference) return { reason: `the loop ${interference}` };

  let importEdit: TextEditSpan | null = null;
  if (lookup.needsImport) {
    const r = addImportEdit(sf, lookup.needsImport.name, lookup.needsImport.module);
    if (typeof r === 'string') return { reason: r };
    importEdit = r;
  }

  // Names.
  const taken = new Set<string>();
  const model = lookup.model && lookup.model !== 'row' ? lookup.model : resultVar ?? 'row';
  const fieldCap = lookup.field === '_id' ? 'Id' : cap(lookup.field);
  const keysName = freshName([`${model}${fieldCap}s`, `${model}Keys`], sf, taken);
  const rowsName = freshName([plural(model), `${model}Rows`, `loaded${cap(plural(model))}`], sf, taken);
  const mapName = freshName(`${lookup.cardinality === 'many' ? plural(model) : model}By${fieldCap}`, sf, taken);
  const rowName = freshName('row', sf, taken);

  // The batched call: the original call text with the lookup edits applied.
  const start = call.getStart(sf);
  let batched = call.getText(sf);
  for (const e of [...lookup.edits].sort((a, b) => b.start - a.start)) batched = batched.slice(0, e.start - start) + e.text(keysName) + batched.slice(e.end - start);

  const ts_ = /\.(ts|tsx|mts|cts)$/.test(sf.fileName);
  const indent = indentAt(sf.text, anchor.getStart(sf));
  const unit = indent.includes('\t') ? '\t' : '  ';
  const collText = collection.getText(sf);
  const keyText = lookup.keyExpr.getText(sf);
  const keyFn = `(${bindingText}) => ${keyText}`;
  const keysInit = isArray ? `${collText}.map(${keyFn})` : `Array.from(${collText}, ${keyFn})`;
  // `ids.map((id) => id)` is the list itself.
  const keysAreList = isArray && bindingText === keyText && /^[\w$]+$/.test(keyText) && !lookup.stringKeys;
  const rowKey = lookup.stringKeys ? `String(${rowName}.${lookup.field})` : `${rowName}.${lookup.field}`;
  const lookupKey = lookup.stringKeys ? `String(${keyText})` : keyText;
  const lines: string[] = [];
  if (keysAreList) {
    batched = batched.split(keysName).join(collText);
    lines.push(`const ${rowsName} = ${collText}.length ? await ${batched} : [];`);
  } else {
    lines.push(`const ${keysName} = ${keysInit};`);
    lines.push(`const ${rowsName} = ${keysName}.length ? await ${batched} : [];`);
  }
  if (lookup.cardinality === 'one') {
    lines.push(`const ${mapName} = new Map(${rowsName}.map((${rowName}) => [${rowKey}, ${rowName}]${ts_ ? ' as const' : ''}));`);
  } else {
    const keyType = lookup.stringKeys ? 'string' : `(typeof ${rowsName})[number]['${lookup.field}']`;
    lines.push(`const ${mapName} = new Map${ts_ ? `<${keyType}, typeof ${rowsName}>` : ''}();`);
    lines.push(`for (const ${rowName} of ${rowsName}) {`);
    lines.push(`${unit}const list = ${mapName}.get(${rowKey});`);
    lines.push(`${unit}if (list) list.push(${rowName});`);
    lines.push(`${unit}else ${mapName}.set(${rowKey}, [${rowName}]);`);
    lines.push('}');
  }
  const fallback = lookup.cardinality === 'many' ? ' ?? []' : lookup.missing === 'null' ? ' ?? null' : '';
  let replacement = `${mapName}.get(${lookupKey})${fallback}`;
  if (fallback && needsParens(replaceNode)) replacement = `(${replacement})`;

  const anchorStart = anchor.getStart(sf);
  const edits: TextEditSpan[] = [
    { span: { start: anchorStart, end: anchorStart }, newText: lines.join(`\n${indent}`) + `\n${indent}` },
    { span: { start: replaceNode.getStart(sf), end: replaceNode.getEnd() }, newText: replacement },
  ];
  if (importEdit) edits.push(importEdit);
  const what = { prisma: 'findMany … in', typeorm: 'findBy … In()', sequelize: 'findAll … [ids]', mongoose: 'find … $in', knex: 'whereIn', drizzle: 'inArray' }[lookup.dialect];
  return {
    fix: {
      title: `Batch into one query before the loop (${what}) and look rows up in a Map`,
      edits,
      isPreferred: true,
    },
  };
}

/** The declared (un-narrowed) type of `a.b.c`, read at `at` (outside the loop body). */
function declaredType(expr: TS.Expression, at: TS.Node, checker: TS.TypeChecker): TS.Type | undefined {
  const e = unwrap(expr);
  if (ts.isIdentifier(e)) {
    const sym = checker.getSymbolAtLocation(e);
    return sym ? checker.getTypeOfSymbolAtLocation(sym, at) : undefined;
  }
  if (ts.isPropertyAccessExpression(e)) {
    const base = declaredType(e.expression, at, checker);
    if (!base) return undefined;
    const prop = checker.getPropertyOfType(checker.getNonNullableType(base), e.name.text);
    if (!prop) return undefined;
    const t = checker.getTypeOfSymbolAtLocation(prop, at);
    // `a?.b` may be undefined when `a` is.
    // `a?.b` may be undefined when `a` is: report it as nullable.
    return e.questionDotToken || (base.isUnion() && base.types.some((x) => x.flags & (ts.TypeFlags.Null | ts.TypeFlags.Undefined))) ? checker.getUndefinedType() : t;
  }
  return undefined;
}

function containsCall(n: TS.Node): boolean {
  let found = false;
  const visit = (c: TS.Node): void => {
    if (found) return;
    if (ts.isCallExpression(c) || ts.isNewExpression(c) || ts.isAwaitExpression(c)) found = true;
    else c.forEachChild(visit);
  };
  visit(n);
  return found;
}

