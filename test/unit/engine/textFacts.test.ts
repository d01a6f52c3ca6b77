// Whole-text pre-checks carried across edits (server/src/analysis/textFacts.ts): after every edit,
// spliced or not, each fact must say what the pattern says of the new text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SyntaxDocument } from '../../../server/src/analysis/project/document';
import { textFact, textFactStats } from '../../../server/src/analysis/textFacts';

const PATTERNS = [/\bQuery\b/, /\.(includes|indexOf)\(/, /@ResolveField\b/, /perflens-disable-next-line/];
const facts = PATTERNS.map((re) => textFact(re));

const SOURCE = `// header comment
import { db } from './db';
export function first(items) {
  const out = [];
  for (const x of items) {
    out.push(x * 2);
  }
  return out;
}
export class Service {
  find(ids) {
    let n = 0;
    for (const id of ids) n += id;
    return n;
  }
  other(xs) {
    return xs.map((x) => {
      const y = x + 1;
      return y;
    });
  }
}
export function last(a, b) {
  const c = a + b;
  return c;
}
`;

// Words typed into function bodies (each can start or end a match), and what breaks the file.
const WORDS = ['Query', ' Query ', '.includes(', '.indexOf(', '@ResolveField', '// perflens-disable-next-line', 'Q', 'x', ' ', '\n'];

test('text facts equal a search of the whole new text after spliced and other edits, and are carried', () => {
  let seed = 5;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const doc = new SyntaxDocument('facts.js', SOURCE);
  let text = SOURCE;
  const carriedBefore = textFactStats.carried;
  let splices = 0;
  for (let i = 0; i < 400; i++) {
    // every fact asked of every tree, as the rules do
    facts.forEach((f, k) => assert.equal(f(doc.sourceFile), PATTERNS[k].test(text), `edit ${i}, ${PATTERNS[k]} before`));
    const r = rand();
    let next: string;
    const typed = WORDS.slice(0, 6).map((w) => text.indexOf(w, Math.floor(rand() * text.length))).filter((p) => p >= 0);
    if (r < 0.1 && text !== SOURCE) next = SOURCE;
    else if (r < 0.3 && typed.length) {
      // take back a word typed earlier (a match goes, the code still parses)
      const p = typed[0];
      const w = WORDS.slice(0, 6).find((x) => text.startsWith(x, p))!;
      next = text.slice(0, p) + text.slice(p + w.length);
    } else if (r < 0.45) {
      // delete a few characters somewhere (removes matches, sometimes breaks the code)
      const at = Math.floor(rand() * text.length);
      next = text.slice(0, at) + text.slice(at + 1 + Math.floor(rand() * 12));
    } else {
      // type a word right after a space inside the text (mostly inside function bodies)
      const at = text.indexOf(' ', Math.floor(rand() * text.length));
      const p = at < 0 ? text.length : at + 1;
      next = text.slice(0, p) + WORDS[Math.floor(rand() * WORDS.length)] + text.slice(p);
    }
    const before = doc.spliced;
    doc.update(next);
    text = next;
    if (doc.spliced > before) splices++;
    facts.forEach((f, k) => assert.equal(f.first(doc.sourceFile), text.search(PATTERNS[k]), `edit ${i}, ${PATTERNS[k]}: ${JSON.stringify(text)}`));
  }
  // (the seed is fixed: 39 of the 400 edits are spliced; the others carry the facts through the
  // edited lines)
  assert.ok(splices >= 30, `spliced ${splices} of 400 edits`);
  assert.ok(textFactStats.carried - carriedBefore >= 390 * PATTERNS.length, `carried ${textFactStats.carried - carriedBefore} facts over 400 edits`);
});

test('a fact is carried without searching the whole text when its first match is before the edited body', () => {
  const text = `const q = 'Query';\nfunction f(a) {\n  return a + 1;\n}\n`;
  const doc = new SyntaxDocument('q.js', text);
  assert.equal(facts[0](doc.sourceFile), true);
  const searched = textFactStats.searched;
  const at = text.indexOf('a + 1');
  doc.update(text.slice(0, at) + ' ' + text.slice(at));
  assert.equal(doc.spliced, 1);
  assert.equal(facts[0](doc.sourceFile), true);
  assert.equal(textFactStats.searched, searched, 'the whole text was searched again');
});

test('when the edit removes the first match from the body, the next one after the body is found', () => {
  const text = `function f(a) {\n  return a + ' Query';\n}\nfunction g(b) {\n  return b + ' Query';\n}\n`;
  const doc = new SyntaxDocument('r.js', text);
  assert.equal(facts[0].first(doc.sourceFile), text.indexOf('Query'));
  const at = text.indexOf('Query');
  const next = text.slice(0, at) + text.slice(at + 'Query'.length);
  doc.update(next);
  assert.equal(doc.spliced, 1);
  assert.equal(facts[0].first(doc.sourceFile), next.indexOf('Query'));
  assert.ok(next.indexOf('Query') > 0);
});

test('an edit outside every body (a header, a comment) carries the facts through its lines', () => {
  const text = `// not a match here\nfunction f(a) {\n  return a + 1;\n}\nclass C {\n  m(x) {\n    return x;\n  }\n}\n// a Query and .includes( here\n`;
  const doc = new SyntaxDocument('h.js', text);
  facts.forEach((f, k) => assert.equal(f.first(doc.sourceFile), text.search(PATTERNS[k])));
  const searched = textFactStats.searched;
  // a parameter typed into a function's header and into a method's (re-parsed alone), then a
  // word into the first comment
  let next = text.replace('f(a)', 'f(a, b)');
  doc.update(next);
  const spliced = doc.spliced;
  next = next.replace('m(x)', 'm(x, y)');
  doc.update(next);
  assert.equal(doc.spliced, spliced + 1, 'the method was re-parsed alone');
  facts.forEach((f, k) => assert.equal(f.first(doc.sourceFile), next.search(PATTERNS[k]), `${PATTERNS[k]}`));
  next = next.replace('not a', 'not quite a');
  doc.update(next);
  facts.forEach((f, k) => assert.equal(f.first(doc.sourceFile), next.search(PATTERNS[k]), `${PATTERNS[k]}`));
  assert.equal(textFactStats.searched, searched, 'the whole text was searched again');
  assert.ok(facts[0](doc.sourceFile) && facts[1](doc.sourceFile));
});

test('when an edit removes the first match from its line, the next one after it is found', () => {
  const text = `// Query one\nconst a = 1;\n// Query two\n`;
  const doc = new SyntaxDocument('n.js', text);
  assert.equal(facts[0].first(doc.sourceFile), 3);
  const next = text.replace('// Query one', '// one');
  doc.update(next);
  assert.equal(facts[0].first(doc.sourceFile), next.indexOf('Query'));
  assert.ok(next.indexOf('Query') > 0);
  // and a word that completes a match across the edit: `Que` + `ry`
  const typed = next.replace('// one', '// Que') ;
  doc.update(typed);
  const done = typed.replace('// Que', '// Query');
  doc.update(done);
  assert.equal(facts[0].first(doc.sourceFile), 3);
});

test('a pattern that could match a line break is refused', () => {
  assert.throws(() => textFact(/a\sb/), /line break/);
  assert.throws(() => textFact(/a[^x]b/), /line break/);
});
