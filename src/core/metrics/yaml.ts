import { isAlias, isMap, isScalar, isSeq, parseDocument, Scalar, type Document, type Node } from 'yaml';
import { MAX_DEPTH, MAX_NODES, type Tree, type TreeEntry } from './tree.js';

export type YamlResult = { ok: true; tree: Tree | null } | { ok: false; offset: number; message: string };

/** Plain (unquoted) spellings of non-finite numbers that Python, NumPy and pandas write. */
const NON_FINITE_PLAIN = new Map<string, number>([
  ['nan', NaN],
  ['NaN', NaN],
  ['inf', Infinity],
  ['Infinity', Infinity],
  ['+inf', Infinity],
  ['-inf', -Infinity],
  ['-Infinity', -Infinity],
]);

class YamlTreeError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

/** Parses YAML (one document) into a Tree; `null` for an empty document. */
export function parseYamlTree(text: string): YamlResult {
  let doc: Document;
  try {
    doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, keepSourceTokens: false });
  } catch (e) {
    if (e instanceof RangeError) return { ok: false, offset: 0, message: `The YAML is nested too deeply to read (over ${MAX_DEPTH} levels).` };
    throw e;
  }
  const error = doc.errors[0];
  if (error) return { ok: false, offset: error.pos[0], message: firstLine(error.message) };
  if (doc.contents === null) return { ok: true, tree: null };
  const state = { nodes: 0, aliases: 0 };
  try {
    return { ok: true, tree: convert(doc, doc.contents, 0, state) };
  } catch (e) {
    if (e instanceof YamlTreeError) return { ok: false, offset: e.offset, message: e.message };
    throw e;
  }
}

/** Alias expansions allowed: enough for hand-written anchors, too few for a "billion laughs" file. */
const MAX_ALIAS_EXPANSIONS = 1_000;

function convert(doc: Document, node: unknown, depth: number, state: { nodes: number; aliases: number }): Tree {
  const offset = (node as Node | null)?.range?.[0] ?? 0;
  if (++state.nodes > MAX_NODES) throw new YamlTreeError(offset, `The document has over ${MAX_NODES.toLocaleString('en-US')} values (aliases included).`);
  if (depth > MAX_DEPTH) throw new YamlTreeError(offset, `Mappings and lists are nested more than ${MAX_DEPTH} levels deep.`);
  if (isAlias(node)) {
    if (++state.aliases > MAX_ALIAS_EXPANSIONS) throw new YamlTreeError(offset, `Aliases expand to over ${MAX_ALIAS_EXPANSIONS.toLocaleString('en-US')} copies.`);
    const target = node.resolve(doc);
    if (!target) throw new YamlTreeError(offset, `Unknown alias *${node.source}.`);
    return convert(doc, target, depth + 1, state);
  }
  if (isMap(node)) {
    const entries: TreeEntry[] = [];
    for (const pair of node.items) {
      const keyNode = pair.key;
      const keyOffset = (keyNode as Node | null)?.range?.[0] ?? offset;
      if (keyNode !== null && !isScalar(keyNode)) {
        throw new YamlTreeError(keyOffset, 'A mapping key is itself a mapping or list; metric names must be plain text.');
      }
      const key = keyNode === null || keyNode.value === null ? '' : String(keyNode.value);
      const value = pair.value === null ? { kind: 'null' as const, offset: keyOffset } : convert(doc, pair.value, depth + 1, state);
      entries.push({ key, value, offset: keyOffset });
    }
    return { kind: 'map', entries, offset };
  }
  if (isSeq(node)) {
    return { kind: 'list', items: node.items.map((item) => convert(doc, item, depth + 1, state)), offset };
  }
  if (isScalar(node)) {
    const v = node.value;
    if (typeof v === 'number') return { kind: 'number', value: v, offset };
    if (typeof v === 'boolean') return { kind: 'bool', value: v, offset };
    if (v === null || v === undefined) return { kind: 'null', offset };
    if (typeof v === 'string') {
      const nonFinite = node.type === Scalar.PLAIN ? NON_FINITE_PLAIN.get(v) : undefined;
      if (nonFinite !== undefined) return { kind: 'number', value: nonFinite, offset };
      return { kind: 'string', value: v, offset };
    }
    return { kind: 'string', value: String(v), offset };
  }
  return { kind: 'null', offset };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}
