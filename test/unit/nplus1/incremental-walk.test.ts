// n-plus-one on an edited file (issue 6): a function outside every loop and callback whose part of
// the walk found nothing is skipped by the next walk (its local functions added again), and the
// findings after each edit are those of a fresh analysis.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SyntaxDocument } from '../../../server/src/analysis/project/document';
import { analyzeFile } from '../../../server/src/engine';
import { defaultSettings, type FileAnalysis } from '../../../server/src/analysis/types';
import { nPlusOneWalkCounters } from '../../../server/src/rules/n-plus-one';

const settings = { ...defaultSettings, timeBudgetMs: Infinity };
const FILE = '/virtual/incremental-walk.ts';

const SOURCE = `declare const db: { user: { findUnique(a: { where: { id: number } }): Promise<unknown> }; post: { findMany(a: unknown): Promise<unknown[]> } };

export async function outer(id: number) {
  // a quiet function with a local helper inside: the helper queries
  async function loadUser(userId: number) {
    return db.user.findUnique({ where: { id: userId } });
  }
  return loadUser(id);
}

const zed = async (k: number) => db.user.findUnique({ where: { id: k } });

export async function quietA(id: number) {
  const x = id + 1;
  return db.user.findUnique({ where: { id: x } });
}

export async function quietB(id: number) {
  const y = id * 2;
  return db.post.findMany({ where: { authorId: y } });
}

export async function perItem(ids: number[]) {
  const out: unknown[] = [];
  for (const id of ids) {
    out.push(await loadUserOuter(id));
    await zed(id);
  }
  return out;
}

async function loadUserOuter(userId: number) {
  return 1 + userId;
}
`;

const plain = (a: FileAnalysis) => JSON.stringify(a.findings.map((f) => ({ ...f, resolveFixes: undefined })));
const fresh = (text: string) => analyzeFile({ fileName: FILE, sourceFile: new SyntaxDocument(FILE, text).sourceFile, settings, lazyFixes: true });

describe('n-plus-one after edits (quiet functions skipped)', () => {
  test('findings equal a fresh analysis after each edit, quiet functions are skipped, and one that turns per-item is not', () => {
    let text = SOURCE;
    const doc = new SyntaxDocument(FILE, text);
    const analyse = () => analyzeFile({ fileName: FILE, sourceFile: doc.sourceFile, settings, lazyFixes: true });
    analyse();
    const edit = (after: string, insert: string, remove = 0) => {
      const at = text.indexOf(after) + after.length;
      assert.ok(at >= after.length, `${after} is in the text`);
      text = text.slice(0, at) + insert + text.slice(at + remove);
      doc.update(text);
      const before = nPlusOneWalkCounters.skipped;
      const got = analyse();
      const want = fresh(text);
      assert.equal(plain(got), plain(want), `after inserting ${JSON.stringify(insert)}`);
      return { got, skipped: nPlusOneWalkCounters.skipped - before };
    };
    const n1 = (a: FileAnalysis) => a.findings.filter((f) => f.rule === 'n-plus-one').map((f) => f.message);

    // 1. A space in quietA: the others that found nothing are skipped.
    let r = edit('const x = id', ' ');
    assert.ok(r.skipped >= 2, `quiet functions skipped (${r.skipped})`);
    assert.equal(n1(r.got).length, 1, 'zed (declared right after a skipped function) is called per item');

    // 2. The helper the loop calls starts querying: the loop's function is walked again and reports it.
    r = edit('async function loadUserOuter(userId: number) {\n  ', 'await db.user.findUnique({ where: { id: userId } });\n  ');
    assert.equal(n1(r.got).length, 2, 'the per-item helper call is reported');

    // 3. quietB turns per-item (its query now in a loop): reported at once ...
    r = edit('const y = id * 2;\n  ', 'for (const k of [y, y + 1, y + 2, y + 3, y + 4, y + 5]) await db.post.findMany({ where: { authorId: k } });\n  ');
    assert.equal(n1(r.got).length, 3, 'the new loop in quietB is reported');

    // 4. ... and still after an edit elsewhere (it found something: not skipped).
    r = edit('const x = id', ' ');
    assert.equal(n1(r.got).length, 3);
    assert.ok(r.skipped >= 1, 'outer is still skipped');

    // 5. A call to the helper declared inside the skipped `outer` (its local functions added again).
    r = edit('out.push(await loadUserOuter(id));\n', '    await loadUser(id);\n');
    assert.equal(n1(r.got).length, 4, 'the call of the helper declared inside a skipped function is reported');
    r = edit('const x = id', ' ');
    assert.equal(n1(r.got).length, 4);
    assert.ok(r.skipped >= 1);
  });
});
