// Lens and diagnostic positions taken from the syntax tree's line map must be the positions the
// TextDocument (LSP's line rules) gives, and files where the two disagree keep the TextDocument's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { parse } from '../../../server/src/analysis/project/document';
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
