import { didYouMean } from '../common/suggest.js';
import {
  DATASET_KEYS,
  ENTRY_KEYS,
  METRIC_KEYS,
  MODELGATE_KEYS,
  RESULT_KEYS,
  SOURCE_KEYS,
  TASK_KEYS,
  TOP_LEVEL_KEYS,
} from '../cards/data/hf-keys.js';
import { MCT_SCHEMA } from '../cards/data/mct-schema.js';

/**
 * `require.fields` entries are paths into a card's metadata: a key (`license`), or dotted keys
 * through mappings and lists (`modelgate.version`, `model-index.results`,
 * `model_details.licenses`). A list on the way applies the rest of the path to each of its
 * items (`model-index.results`: every model-index entry has results); a number picks one item
 * (`model-index.0.results`). Repositories may require keys of their own, so an unknown key is
 * fine — unless it is a near miss of a known one (`licence`), which would never be met.
 */

/** The known keys at each level, by the key that leads there (`''` for the top level). */
interface KeyTree {
  keys: ReadonlySet<string>;
  children: ReadonlyMap<string, KeyTree>;
}

const leaf = (keys: ReadonlySet<string>): KeyTree => ({ keys, children: new Map() });

const HF_TREE: KeyTree = {
  keys: new Set([...TOP_LEVEL_KEYS, 'modelgate']),
  children: new Map([
    ['modelgate', leaf(MODELGATE_KEYS)],
    [
      'model-index',
      {
        keys: ENTRY_KEYS,
        children: new Map([
          [
            'results',
            {
              keys: RESULT_KEYS,
              children: new Map([
                ['task', leaf(TASK_KEYS)],
                ['dataset', leaf(DATASET_KEYS)],
                ['metrics', leaf(METRIC_KEYS)],
                ['source', leaf(SOURCE_KEYS)],
              ]),
            },
          ],
        ]),
      },
    ],
  ]),
};

/** The Model Card Toolkit's keys, from its JSON Schema: objects' properties and arrays' items'. */
function schemaTree(schema: unknown, depth = 0): KeyTree {
  let node = schema as { properties?: Record<string, unknown>; items?: unknown } | null;
  if (node && node.items && !node.properties) node = node.items as typeof node;
  const properties = node?.properties ?? {};
  const children = new Map<string, KeyTree>();
  if (depth < 4) for (const [key, value] of Object.entries(properties)) children.set(key, schemaTree(value, depth + 1));
  return { keys: new Set(Object.keys(properties)), children };
}

let mctTree: KeyTree | undefined;

/** Splits a required field into its path segments. */
export function fieldSegments(field: string): string[] {
  return field.split('.');
}

/** A problem with a `require.fields` entry, or null when it can be met. */
export function requiredFieldProblem(field: string): { message: string; hint: string } | null {
  const segments = fieldSegments(field);
  if (segments.some((s) => s.trim() === '')) {
    return {
      message: `\`${field}\` in require.fields is not a field path: it has an empty part.`,
      hint: 'Write a key (`license`) or dotted keys (`modelgate.version`, `model-index.results`), without leading, trailing or doubled dots.',
    };
  }
  // Near misses are judged against both card vocabularies: a path known to either is fine.
  mctTree ??= schemaTree(MCT_SCHEMA);
  const hf = walk(segments, HF_TREE);
  const mct = walk(segments, mctTree);
  if (hf === 'known' || mct === 'known') return null;
  const miss = hf === 'custom' ? mct : mct === 'custom' ? hf : hf.index >= mct.index ? hf : mct;
  if (miss === 'custom') return null;
  const { index, suggestion } = miss;
  const fixed = [...segments.slice(0, index), suggestion, ...segments.slice(index + 1)].join('.');
  return {
    message: `\`${field}\` in require.fields names \`${segments[index]}\`, which is not a model card key, so no card would ever have it.`,
    hint: `Did you mean \`${fixed}\`? Fields are metadata keys, dotted for nested ones (see the README's configuration reference).`,
  };
}

/**
 * Walks the path through the known keys: `known` when every segment is known (or the path goes
 * below what the vocabulary describes), `custom` when it leaves the vocabulary without
 * resembling it (a key of the repository's own), else the first near miss and its fix.
 */
function walk(segments: readonly string[], tree: KeyTree): 'known' | 'custom' | { index: number; suggestion: string } {
  let level: KeyTree | undefined = tree;
  for (let i = 0; i < segments.length && level; i++) {
    const segment = segments[i]!;
    if (/^\d+$/.test(segment)) continue; // a list index stays on the same level
    if (level.keys.has(segment)) {
      level = level.children.get(segment);
      continue;
    }
    const suggestion = didYouMean(segment, level.keys);
    return suggestion ? { index: i, suggestion } : 'custom';
  }
  return 'known';
}
