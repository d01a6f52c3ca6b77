// Paths to profile fixtures for the profile and heat unit tests. Tests are bundled to
// dist/test/unit/**, so paths are computed from the repository root, found by walking up.
import * as fs from 'node:fs';
import * as path from 'node:path';

export function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 12; i++) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      try {
        if (JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'perflens') return dir;
      } catch {
        // keep walking
      }
    }
    dir = path.dirname(dir);
  }
  throw new Error(`cannot find the PerfLens repository root above ${__dirname}`);
}

/** A copy under test/fixtures/profiles (see PROVENANCE.md there). */
export const localFixture = (name: string) => path.join(repoRoot(), 'test', 'fixtures', 'profiles', name);

/** A file of ../shared/fixtures/profiles (large fixtures are not copied). Fails loudly when missing. */
export function sharedFixture(rel: string): string {
  const p = path.join(repoRoot(), '..', 'shared', 'fixtures', 'profiles', rel);
  if (!fs.existsSync(p)) throw new Error(`shared fixture missing: ${p} (clone ../shared beside the repository)`);
  return p;
}

export const readText = (p: string) => fs.readFileSync(p, 'utf8');

/** Freezes a value and everything reachable from it (iteratively). */
export function deepFreeze<T>(value: T): T {
  const stack: unknown[] = [value];
  const seen = new Set<object>();
  while (stack.length) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null || seen.has(v)) continue;
    seen.add(v);
    Object.freeze(v);
    for (const k of Object.keys(v)) stack.push((v as Record<string, unknown>)[k]);
  }
  return value;
}
