// Parent pointers set in one tight iterative walk (used by parse() and by the splice).
import { ts } from '../../ts';
import type { ts as TS } from 'ts-morph';

/** Sets `parent` on every node below `root` (children, JSDoc comments and their contents). */
export function setParents(root: TS.Node): void {
  const stack: TS.Node[] = [root];
  let parent: TS.Node = root;
  const bind = (c: TS.Node): void => {
    (c as { parent: TS.Node }).parent = parent;
    stack.push(c);
  };
  while (stack.length) {
    parent = stack.pop()!;
    forEachChild(parent, bind);
    const docs = (parent as { jsDoc?: TS.Node[] }).jsDoc;
    if (docs) {
      for (const d of docs) {
        (d as { parent: TS.Node }).parent = parent;
        stack.push(d);
      }
    }
  }
}


const forEachChild = ts.forEachChild;
