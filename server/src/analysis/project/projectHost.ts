// One long-lived ts-morph Project per workspace folder (plus one for loose files).
// Never build a Project per request: a discarded Project leaks its language service.
import { Project } from 'ts-morph';
import { ts } from '../../ts';
import type { ts as TS } from 'ts-morph';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { correspondingNode } from './document';

export interface ProjectHostOptions {
  /** Workspace folder roots (absolute paths). Files outside all roots go to a loose project. */
  roots: string[];
}

const compilerOptions: TS.CompilerOptions = {
  allowJs: true,
  checkJs: false,
  jsx: ts.JsxEmit.Preserve,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  esModuleInterop: true,
  skipLibCheck: true,
  strict: true,
  noEmit: true,
};

function makeProject(root: string | undefined): Project {
  const tsconfig = root ? path.join(root, 'tsconfig.json') : undefined;
  if (tsconfig && fs.existsSync(tsconfig)) {
    try {
      const p = new Project({
        tsConfigFilePath: tsconfig,
        skipAddingFilesFromTsConfig: true,
        skipFileDependencyResolution: true,
        compilerOptions: { allowJs: true, noEmit: true },
      });
      return p;
    } catch {
      // A broken tsconfig must not stop analysis: fall through to defaults.
    }
  }
  return new Project({ compilerOptions, skipAddingFilesFromTsConfig: true, skipFileDependencyResolution: true });
}

export class ProjectHost {
  private readonly projects = new Map<string, Project>();
  private roots: string[];

  constructor(options: ProjectHostOptions) {
    this.roots = options.roots.map((r) => path.resolve(r)).sort((a, b) => b.length - a.length);
  }

  setRoots(roots: string[]): void {
    this.roots = roots.map((r) => path.resolve(r)).sort((a, b) => b.length - a.length);
  }

  /** The project that owns a file: the deepest workspace root containing it. */
  projectFor(fileName: string): Project {
    const root = this.rootFor(fileName);
    let p = this.projects.get(root);
    if (!p) {
      p = makeProject(root || undefined);
      this.projects.set(root, p);
    }
    return p;
  }

  /** Adds or replaces a file's text; returns the compiler SourceFile. */
  setText(fileName: string, text: string): TS.SourceFile {
    const project = this.projectFor(fileName);
    const existing = project.getSourceFile(fileName);
    if (existing && existing.getFullText() === text) return existing.compilerNode;
    // Overwriting re-parses the text once; replaceWithText would also re-indent it through
    // ts-morph's code writer (slower by half again on a 5,000-line file).
    return project.createSourceFile(fileName, text, { overwrite: true }).compilerNode;
  }

  /** Adds a file from disk (CLI). */
  addFromDisk(fileName: string): TS.SourceFile {
    return this.setText(fileName, fs.readFileSync(fileName, 'utf8'));
  }

  /** The key of the project that owns a file (its workspace root, '' for loose files). */
  private rootFor(fileName: string): string {
    const abs = path.resolve(fileName);
    return this.roots.find((r) => abs === r || abs.startsWith(r + path.sep)) ?? '';
  }

  /**
   * Drops a closed file. A project left without files is released as a whole, as tsserver does
   * with inferred projects: otherwise its last program (every file that was open, bound, with
   * the default libraries) would stay in memory until the next type query.
   */
  remove(fileName: string): void {
    const root = this.rootFor(fileName);
    const project = this.projects.get(root);
    if (!project) return;
    const sf = project.getSourceFile(fileName);
    if (sf) project.removeSourceFile(sf);
    if (project.getSourceFiles().length === 0) this.projects.delete(root);
  }

  /** Source files held by all projects (for the server's memory statistics). */
  fileCount(): number {
    let n = 0;
    for (const p of this.projects.values()) n += p.getSourceFiles().length;
    return n;
  }

  /** The type checker, created only when a rule asks for it. */
  checkerFor(fileName: string): TS.TypeChecker | undefined {
    try {
      return this.projectFor(fileName).getTypeChecker().compilerObject;
    } catch {
      return undefined;
    }
  }

  /**
   * A type checker that answers about the nodes of `sf`, a syntax tree kept outside the project
   * (an open editor document). The project's copy of the file is brought up to `sf`'s text only
   * now, when a rule needs types; nodes of `sf` passed to the checker are mapped to the
   * project's nodes with the same kind and range.
   */
  checkerForTree(fileName: string, sf: TS.SourceFile): TS.TypeChecker | undefined {
    try {
      const programFile = this.setText(fileName, sf.text);
      const checker = this.projectFor(fileName).getTypeChecker().compilerObject;
      if (programFile === sf) return checker;
      return mapNodesProxy(checker, sf, programFile);
    } catch {
      return undefined;
    }
  }
}

function rootOf(node: TS.Node): TS.Node {
  let cur = node;
  while (cur.parent) cur = cur.parent;
  return cur;
}

function isNode(value: unknown): value is TS.Node {
  return typeof value === 'object' && value !== null && typeof (value as TS.Node).kind === 'number' && typeof (value as TS.Node).pos === 'number' && 'parent' in value;
}

function mapNodesProxy(checker: TS.TypeChecker, from: TS.SourceFile, to: TS.SourceFile): TS.TypeChecker {
  const map = (arg: unknown) => (isNode(arg) && rootOf(arg) === from ? correspondingNode(arg, to) ?? arg : arg);
  const cache = new Map<PropertyKey, unknown>();
  return new Proxy(checker, {
    get(target, prop) {
      const value = (target as unknown as Record<PropertyKey, unknown>)[prop];
      if (typeof value !== 'function') return value;
      let wrapped = cache.get(prop);
      if (!wrapped) {
        wrapped = (...args: unknown[]) => (value as (...a: unknown[]) => unknown).apply(target, args.map(map));
        cache.set(prop, wrapped);
      }
      return wrapped;
    },
  });
}
