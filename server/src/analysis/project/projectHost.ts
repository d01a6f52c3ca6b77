// One long-lived ts-morph Project per workspace folder (plus one for loose files).
// Never build a Project per request: a discarded Project leaks its language service.
import { Project, ts } from 'ts-morph';
import * as path from 'node:path';
import * as fs from 'node:fs';

export interface ProjectHostOptions {
  /** Workspace folder roots (absolute paths). Files outside all roots go to a loose project. */
  roots: string[];
}

const compilerOptions: ts.CompilerOptions = {
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
    const abs = path.resolve(fileName);
    const root = this.roots.find((r) => abs === r || abs.startsWith(r + path.sep)) ?? '';
    let p = this.projects.get(root);
    if (!p) {
      p = makeProject(root || undefined);
      this.projects.set(root, p);
    }
    return p;
  }

  /** Adds or replaces a file's text; returns the compiler SourceFile. */
  setText(fileName: string, text: string): ts.SourceFile {
    const project = this.projectFor(fileName);
    const existing = project.getSourceFile(fileName);
    if (existing) {
      if (existing.getFullText() !== text) existing.replaceWithText(text);
      return existing.compilerNode;
    }
    return project.createSourceFile(fileName, text, { overwrite: true }).compilerNode;
  }

  /** Adds a file from disk (CLI). */
  addFromDisk(fileName: string): ts.SourceFile {
    return this.setText(fileName, fs.readFileSync(fileName, 'utf8'));
  }

  remove(fileName: string): void {
    const project = this.projectFor(fileName);
    const sf = project.getSourceFile(fileName);
    if (sf) project.removeSourceFile(sf);
  }

  /** The type checker, created only when a rule asks for it. */
  checkerFor(fileName: string): ts.TypeChecker | undefined {
    try {
      return this.projectFor(fileName).getTypeChecker().compilerObject;
    } catch {
      return undefined;
    }
  }
}
