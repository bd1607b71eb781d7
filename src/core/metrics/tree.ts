/**
 * A parsed JSON or YAML document with the offset of every value, so notes and errors can
 * point at the line the user wrote. Numbers may be NaN or ±Infinity: the readers keep them
 * so they are reported as invalid rather than lost.
 */
export type Tree =
  | { kind: 'map'; entries: TreeEntry[]; offset: number }
  | { kind: 'list'; items: Tree[]; offset: number }
  | { kind: 'number'; value: number; offset: number }
  | { kind: 'string'; value: string; offset: number }
  | { kind: 'bool'; value: boolean; offset: number }
  | { kind: 'null'; offset: number };

export interface TreeEntry {
  key: string;
  value: Tree;
  /** Offset of the key. */
  offset: number;
}

/** Deeper documents are refused: metrics are a few levels deep, and recursion must stay bounded. */
export const MAX_DEPTH = 64;
/** Values in one document (every map, list and scalar counts). */
export const MAX_NODES = 2_000_000;

export function child(tree: Tree | undefined, key: string): Tree | undefined {
  if (tree?.kind !== 'map') return undefined;
  // The last duplicate wins, as in JSON.parse and most YAML loaders.
  for (let i = tree.entries.length - 1; i >= 0; i--) if (tree.entries[i]!.key === key) return tree.entries[i]!.value;
  return undefined;
}

/** A scalar as a string (numbers as written by JavaScript), or undefined for maps, lists and null. */
export function scalarText(tree: Tree | undefined): string | undefined {
  if (!tree) return undefined;
  switch (tree.kind) {
    case 'string':
      return tree.value;
    case 'number':
    case 'bool':
      return String(tree.value);
    default:
      return undefined;
  }
}
