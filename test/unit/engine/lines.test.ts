// Lens and diagnostic positions taken from the syntax tree's line map must be the positions the
// TextDocument (LSP's line rules) gives, and files where the two disagree keep the TextDocument's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parse, SyntaxDocument } from '../../../server/src/analysis/project/document';
import { textFactStats } from '../../../server/src/analysis/textFacts';
import { withTreeLines } from '../../../server/src/lines';

test('positions from the tree equal the TextDocument positions (\\n, \\r\\n, lone \\r, astral characters)', () => {
  const text = 'const a = 1;\r\nfunction f(xs) {\r  for (const x of xs) g("😀", x);\n}\n\n// end \t😀\r\n';
  const doc = TextDocument.create('file:///a.js', 'javascript', 1, text);
  const view = withTreeLines(doc, parse('a.js', text));
  assert.notEqual(view, doc, 'the tree answers');
  for (let o = -2; o <= text.length + 2; o++) assert.deepEqual(view.positionAt(o), doc.positionAt(o), `offset ${o}`);
  assert.equal(view.uri, doc.uri);
  assert.equal(view.lineCount, doc.lineCount);
});

test('U+2028, a different text or no tree: the TextDocument answers', () => {
  const text = 'const s = "a\u2028b";\nfunction f() {}\n';
  const doc = TextDocument.create('file:///b.js', 'javascript', 1, text);
  assert.equal(withTreeLines(doc, parse('b.js', text)), doc);
  assert.equal(withTreeLines(doc, parse('b.js', text + ' ')), doc);
  assert.equal(withTreeLines(doc, undefined), doc);
});

test('U+2028 typed into a function body and deleted again: followed from the edit, without a search of the whole text', () => {
  const text = 'function f() {\n  return "ab";\n}\n' + 'function g(xs) {\n  return xs.length;\n}\n'.repeat(200);
  const tree = new SyntaxDocument('c.js', text);
  const doc = TextDocument.create('file:///c.js', 'javascript', 1, text);
  assert.notEqual(withTreeLines(doc, tree.sourceFile), doc, 'none yet: the tree answers positions');
  const steps = [text.replace('"ab"', '"a\u2028b"'), text.replace('"ab"', '"a\u2028\u2029b"'), text.replace('"ab"', '"a b"'), text];
  const agrees = [false, false, true, true];
  // (the step that deletes the only ones searches on after the edit: the rest of the text)
  const searches = [0, 0, 1, 0];
  const spliced = tree.spliced;
  for (let i = 0; i < steps.length; i++) {
    const searched = textFactStats.searched;
    tree.update(steps[i]);
    const d = TextDocument.create('file:///c.js', 'javascript', 1, steps[i]);
    const v = withTreeLines(d, tree.sourceFile);
    assert.equal(v !== d, agrees[i], `step ${i}: the tree answers positions`);
    for (let o = 0; o < 60; o++) assert.deepEqual(v.positionAt(o), d.positionAt(o), `step ${i}, offset ${o}`);
    assert.equal(textFactStats.searched - searched, searches[i], `step ${i}: searches of the text`);
  }
  assert.equal(tree.spliced - spliced, steps.length, 'every edit spliced into f');
});
