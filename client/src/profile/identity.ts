// Function identities of large profiles, found without building a string key per frame: first by
// script and a numeric (line, column) key, then by name within that position (a short list, or a
// Map once a position gets crowded, e.g. thousands of functions reported at one spot). PURE.

interface Bucket {
  names: string[];
  ids: number[];
  map?: Map<string, number>;
}

export class PositionIndex {
  private readonly byScript = new Map<string, Map<number, Bucket>>();

  /** The id stored for (script, line, column, name), or `create()`'s new id, stored. */
  lookup(script: string, line: number, column: number, name: string, create: () => number): number {
    let byPos = this.byScript.get(script);
    if (!byPos) this.byScript.set(script, (byPos = new Map()));
    const pos = (line + 1) * 4294967296 + (column + 1);
    let bucket = byPos.get(pos);
    if (!bucket) byPos.set(pos, (bucket = { names: [], ids: [] }));
    if (bucket.map) {
      const hit = bucket.map.get(name);
      if (hit !== undefined) return hit;
    } else {
      for (let k = 0; k < bucket.names.length; k++) if (bucket.names[k] === name) return bucket.ids[k];
    }
    const id = create();
    bucket.names.push(name);
    bucket.ids.push(id);
    if (bucket.map) bucket.map.set(name, id);
    else if (bucket.names.length > 8) bucket.map = new Map(bucket.names.map((n, k) => [n, bucket!.ids[k]]));
    return id;
  }
}
