// Where the keystroke benchmarks type: inside function bodies of a real file.
import { ts } from 'ts-morph';

/** The inside of every block-bodied function, method and arrow (between its braces). */
export function functionBodies(fileName: string, text: string): Array<{ start: number; end: number }> {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const bodies: Array<{ start: number; end: number }> = [];
  const visit = (n: ts.Node): void => {
    if ((ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isMethodDeclaration(n) || ts.isArrowFunction(n)) && n.body && ts.isBlock(n.body)) bodies.push({ start: n.body.getStart(sf) + 1, end: n.body.end - 1 });
    n.forEachChild(visit);
  };
  visit(sf);
  return bodies;
}

/** A random place in a random body; with `afterSpace`, moved to just after a nearby space (the code keeps parsing). */
export function editOffset(text: string, bodies: Array<{ start: number; end: number }>, rand: () => number, afterSpace: boolean): number {
  const body = bodies[Math.floor(rand() * bodies.length)];
  // Offsets come from the original text; earlier insertions move them by a few characters at most.
  const offset = body.start + Math.floor(rand() * (body.end - body.start));
  if (!afterSpace) return offset;
  const space = text.indexOf(' ', offset);
  return space >= 0 && space < body.end + 200 ? space + 1 : text.lastIndexOf(' ', offset) + 1;
}

/** A seeded pseudo-random sequence in [0, 1) (a linear congruential generator): the same edits on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed;
  return () => ((state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
}
