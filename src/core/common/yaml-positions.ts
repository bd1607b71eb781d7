import { isMap, isScalar, isSeq, LineCounter, type Document, type Node } from 'yaml';

export type PathSegment = string | number;

export interface Position {
  line: number;
  column: number;
}

/**
 * Maps offsets in a parsed YAML text back to positions in the original file.
 * `lineOffset` is how many lines precede the YAML text in the file (front matter),
 * so positions are exact in the file the user opens.
 */
export class SourceMap {
  constructor(
    private readonly counter: LineCounter,
    private readonly lineOffset = 0,
  ) {}

  at(offset: number): Position {
    const { line, col } = this.counter.linePos(offset);
    return { line: line + this.lineOffset, column: col };
  }

  /** Position of the start of the first line of the YAML text. */
  start(): Position {
    return { line: 1 + this.lineOffset, column: 1 };
  }
}

/**
 * Finds the node at `path` (keys and indices). When `key` is true, returns the key node
 * of the last segment instead of its value — a finding about an unknown key points there.
 * Falls back to the deepest ancestor that exists.
 */
export function nodeAt(doc: Document, path: readonly PathSegment[], key = false): Node | null {
  let node: unknown = doc.contents;
  let last: Node | null = isNodeLike(node) ? node : null;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    const isLast = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === String(segment));
      if (!pair) return last;
      if (isLast && key && isNodeLike(pair.key)) return pair.key;
      node = pair.value;
      if (isNodeLike(node)) last = node;
      else if (isNodeLike(pair.key)) last = pair.key;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
      if (!isNodeLike(node)) return last;
      last = node;
    } else {
      return last;
    }
  }
  return last;
}

/** Position of the node at `path`, or of its closest existing ancestor, or of the document start. */
export function positionOf(doc: Document, map: SourceMap, path: readonly PathSegment[], key = false): Position {
  const node = nodeAt(doc, path, key);
  return node?.range ? map.at(node.range[0]) : map.start();
}

function isNodeLike(v: unknown): v is Node {
  return typeof v === 'object' && v !== null && 'range' in v;
}
