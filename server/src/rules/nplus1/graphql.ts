// GraphQL field resolvers: a resolver on a type that appears in lists runs once per parent object.
// Recognised in resolver maps (`{ Query: {...}, Post: { author: (post) => ... } }`) and in
// decorator-based resolvers (`@ResolveField()` / `@FieldResolver()` in `@Resolver(() => Post)`).
import { ts } from '../../ts';
import type { ts as TS } from 'ts-morph';
import { unwrap } from '../../analysis/syntax';
import { textFact } from '../../analysis/textFacts';

// Cheap pre-checks: most files have no resolvers (see textFacts.ts).
const mentionsResolverMap = textFact(/\b(Query|Mutation|resolvers?|Resolvers)\b/);
const mentionsResolverDecorators = textFact(/@(ResolveField|FieldResolver|ResolveProperty|ResolveReference)\b/);

export interface FieldResolver {
  typeName: string;
  field: string;
  /** Whether the parent type is known to appear in a list (`[Post]`) or the schema is not visible. */
  listParent: boolean;
  /** Where to point: the field name. */
  nameNode: TS.Node;
}

const ROOT_TYPES = new Set(['Query', 'Mutation', 'Subscription']);
const META_FIELDS = new Set(['__resolveType', '__isTypeOf', '__parseValue', '__serialize', '__parseLiteral']);

function propName(p: TS.ObjectLiteralElementLike | TS.ClassElement): string | undefined {
  const n = p.name;
  if (!n) return undefined;
  if (ts.isIdentifier(n) || ts.isStringLiteral(n) || ts.isPrivateIdentifier(n)) return n.text;
  return undefined;
}

function functionOf(p: TS.ObjectLiteralElementLike): TS.FunctionLikeDeclaration | undefined {
  if (ts.isMethodDeclaration(p)) return p;
  if (ts.isPropertyAssignment(p)) {
    const v = unwrap(p.initializer);
    if (ts.isArrowFunction(v) || ts.isFunctionExpression(v)) return v;
    // `{ resolve: (parent) => ... }`
    if (ts.isObjectLiteralExpression(v)) {
      const r = v.properties.find((q) => propName(q) === 'resolve');
      if (r) return functionOf(r);
    }
  }
  return undefined;
}

function looksLikeResolverMap(obj: TS.ObjectLiteralExpression): boolean {
  const names = obj.properties.map((p) => propName(p)).filter((n): n is string => !!n);
  if (names.some((n) => ROOT_TYPES.has(n))) return true;
  let p: TS.Node | undefined = obj.parent;
  while (p && (ts.isParenthesizedExpression(p) || ts.isAsExpression(p) || ts.isSatisfiesExpression(p))) p = p.parent;
  if (p && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name) && /resolvers?$/i.test(p.name.text)) return true;
  if (p && ts.isVariableDeclaration(p) && p.type && /Resolvers?\b/.test(p.type.getText())) return true;
  if (p && ts.isPropertyAssignment(p) && /^resolvers$/i.test(propName(p) ?? '')) return true;
  if (p && ts.isExportAssignment(p)) return obj.properties.some((q) => /^[A-Z]/.test(propName(q) ?? '') && ts.isPropertyAssignment(q) && ts.isObjectLiteralExpression(unwrap(q.initializer)));
  return false;
}

/** The SDL visible in the file (template literals and strings that declare types), if any. */
function schemaText(sf: TS.SourceFile): string | undefined {
  let out = '';
  const visit = (n: TS.Node): void => {
    if (ts.isNoSubstitutionTemplateLiteral(n) || ts.isStringLiteral(n)) {
      if (/\btype\s+\w+\s*(implements\s+[\w&\s]+)?\{/.test(n.text)) out += n.text + '\n';
    } else if (ts.isTemplateExpression(n)) {
      const t = n.getText(sf);
      if (/\btype\s+\w+\s*(implements\s+[\w&\s]+)?\{/.test(t)) out += t + '\n';
    }
    n.forEachChild(visit);
  };
  visit(sf);
  return out || undefined;
}

function inList(schema: string | undefined, typeName: string): boolean {
  if (!schema) return true;
  return new RegExp(`\\[\\s*${typeName}\\s*!?\\s*\\]`).test(schema) || new RegExp(`\\bconnection|\\bedges\\b`, 'i').test(schema) && new RegExp(`\\b${typeName}Edge\\b|node\\s*:\\s*${typeName}\\b`).test(schema);
}

function decoratorName(d: TS.Decorator): string | undefined {
  const e = d.expression;
  if (ts.isCallExpression(e)) return ts.isIdentifier(e.expression) ? e.expression.text : ts.isPropertyAccessExpression(e.expression) ? e.expression.name.text : undefined;
  return ts.isIdentifier(e) ? e.text : undefined;
}

function resolverTypeOf(cls: TS.ClassLikeDeclaration): string | undefined {
  for (const d of ts.getDecorators(cls) ?? []) {
    if (decoratorName(d) !== 'Resolver' || !ts.isCallExpression(d.expression)) continue;
    const arg = d.expression.arguments[0];
    if (!arg) return undefined;
    if (ts.isStringLiteralLike(arg)) return arg.text;
    if (ts.isArrowFunction(arg) && !ts.isBlock(arg.body)) {
      const b = unwrap(arg.body);
      if (ts.isIdentifier(b)) return b.text;
      if (ts.isArrayLiteralExpression(b) && b.elements[0] && ts.isIdentifier(b.elements[0])) return b.elements[0].text;
    }
    if (ts.isIdentifier(arg)) return arg.text;
  }
  return undefined;
}

/**
 * Finds field resolvers node by node, so that a walk of the file in pre-order (a resolver map or
 * resolver class comes before the functions inside it) can find them on the way.
 */
export class FieldResolverFinder {
  /** Field resolvers found so far, keyed by their function node. */
  readonly found = new Map<TS.Node, FieldResolver>();
  private readonly hasMap: boolean;
  private readonly hasDecorators: boolean;
  private schema: string | undefined | null = null;

  constructor(private readonly sf: TS.SourceFile) {
    // Cheap pre-check: most files have no resolvers.
    this.hasMap = mentionsResolverMap(sf);
    this.hasDecorators = mentionsResolverDecorators(sf);
  }

  /** False when the file cannot have resolvers: visiting is then a no-op. */
  get active(): boolean {
    return this.hasMap || this.hasDecorators;
  }

  private getSchema(): string | undefined {
    if (this.schema === null) this.schema = schemaText(this.sf);
    return this.schema;
  }

  /** Records the resolvers that `n` declares (as a resolver map or a resolver class). */
  visit(n: TS.Node): void {
    const out = this.found;
    if (this.hasMap && n.kind === ts.SyntaxKind.ObjectLiteralExpression && looksLikeResolverMap(n as TS.ObjectLiteralExpression)) {
      for (const typeProp of (n as TS.ObjectLiteralExpression).properties) {
        const typeName = propName(typeProp);
        if (!typeName || ROOT_TYPES.has(typeName) || !/^[A-Z]/.test(typeName) || !ts.isPropertyAssignment(typeProp)) continue;
        const fields = unwrap(typeProp.initializer);
        if (!ts.isObjectLiteralExpression(fields)) continue;
        for (const f of fields.properties) {
          const field = propName(f);
          if (!field || META_FIELDS.has(field)) continue;
          const fn = functionOf(f);
          if (fn) out.set(fn, { typeName, field, listParent: field === '__resolveReference' || inList(this.getSchema(), typeName), nameNode: f.name ?? f });
        }
      }
    }
    if (this.hasDecorators && n.kind === ts.SyntaxKind.ClassDeclaration) {
      const cls = n as TS.ClassDeclaration;
      const typeName = resolverTypeOf(cls);
      for (const m of cls.members) {
        if (!ts.isMethodDeclaration(m) && !ts.isPropertyDeclaration(m)) continue;
        const ds = ts.getDecorators(m) ?? [];
        if (!ds.some((d) => /^(ResolveField|FieldResolver|ResolveProperty|ResolveReference)$/.test(decoratorName(d) ?? ''))) continue;
        const fn = ts.isMethodDeclaration(m) ? m : m.initializer && (ts.isArrowFunction(m.initializer) || ts.isFunctionExpression(m.initializer)) ? m.initializer : undefined;
        if (!fn) continue;
        const t = typeName ?? 'parent';
        out.set(fn, { typeName: t, field: propName(m) ?? 'field', listParent: inList(this.getSchema(), t), nameNode: m.name });
      }
    }
  }
}

/** Field resolvers of the file, keyed by their function node (one walk; the n-plus-one rule finds them during its own). */
export function findFieldResolvers(sf: TS.SourceFile): Map<TS.Node, FieldResolver> {
  const finder = new FieldResolverFinder(sf);
  if (!finder.active) return finder.found;
  const visit = (n: TS.Node): void => {
    finder.visit(n);
    n.forEachChild(visit);
  };
  visit(sf);
  return finder.found;
}
