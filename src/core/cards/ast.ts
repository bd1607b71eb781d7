import { isAlias, isMap, isScalar, isSeq, type Alias, type Node, type Pair, type Scalar, type YAMLMap, type YAMLSeq } from 'yaml';
import type { Position, SourceMap } from '../common/yaml-positions.js';
import type { FindingCollector } from './collector.js';
import { finding } from './finding.js';
import { quote } from './quote.js';

/** What every check over parsed metadata needs: where things are, and where findings go. */
export interface Ctx {
  map: SourceMap;
  /** Each alias's target (see aliases.ts); null when the metadata has no aliases. */
  aliases: ReadonlyMap<Alias, Node> | null;
  findings: FindingCollector;
}

/** Follows an alias to the node it names (the parser already refused alias bombs). */
export function deref(node: unknown, ctx: Ctx): unknown {
  if (isAlias(node)) return ctx.aliases?.get(node) ?? null;
  return node;
}

export function asMap(node: unknown, ctx: Ctx): YAMLMap | null {
  const n = deref(node, ctx);
  return isMap(n) ? n : null;
}

export function asSeq(node: unknown, ctx: Ctx): YAMLSeq | null {
  const n = deref(node, ctx);
  return isSeq(n) ? n : null;
}

export function asScalar(node: unknown, ctx: Ctx): Scalar | null {
  const n = deref(node, ctx);
  return isScalar(n) ? n : null;
}

/** The value of a scalar node; `undefined` for collections, null for a missing node. */
export function scalarValue(node: unknown, ctx: Ctx): unknown {
  const n = deref(node, ctx);
  if (n === null || n === undefined) return null;
  return isScalar(n) ? n.value : undefined;
}

/** The key of a pair as a string (non-string keys such as `1` or `true` become null). */
export function keyOf(pair: Pair): string | null {
  return isScalar(pair.key) && typeof pair.key.value === 'string' ? pair.key.value : null;
}

/** The first pair with this key. */
export function pairOf(map: YAMLMap, key: string): Pair | undefined {
  for (const item of map.items) if (keyOf(item) === key) return item;
  return undefined;
}

export function has(map: YAMLMap, key: string): boolean {
  return pairOf(map, key) !== undefined;
}

export function at(node: unknown, ctx: Ctx, fallback?: Position): Position {
  const range = (node as Node | null | undefined)?.range;
  if (range) return ctx.map.at(range[0]);
  return fallback ?? ctx.map.start();
}

/** Position of a pair: its value when there is one, else its key. */
export function valueAt(pair: Pair, ctx: Ctx): Position {
  const value = pair.value as Node | null;
  const empty = isScalar(value) && value.value === null && !value.source;
  return value?.range && !empty ? at(value, ctx) : at(pair.key, ctx);
}

/** A non-empty string value, or null. */
export function stringValue(node: unknown, ctx: Ctx): string | null {
  const v = scalarValue(node, ctx);
  return typeof v === 'string' && v.trim() !== '' ? v : null;
}

/**
 * Flags an unknown key only when it is a near miss of a known one. Stricter than `didYouMean`
 * alone: at most one edit per four characters, so deliberate custom keys such as `model_type`
 * (three edits from `model_name`) pass, while `licence`, `pipline_tag` or `types` are caught.
 * (That is `didYouMean`'s suggestion when it is within this tighter limit too.)
 */
export function nearMiss(key: string, known: Iterable<string>): string | undefined {
  const lower = key.toLowerCase();
  const best = closest(lower, known, Math.max(1, Math.floor(key.length / 4)));
  if (best !== undefined && best !== key) return best;
  // Two swapped letters (`tpye`) are two edits, but the commonest typo of all.
  for (const c of lowered(known)) if (c.lower.length === lower.length && isTransposition(lower, c.lower)) return c.name;
  return undefined;
}

/**
 * `didYouMean` from suggest.ts, with the same answer — the first candidate at the least distance,
 * when that is within its limit — computed faster: candidates of an impossible length are not
 * compared, the others only within the distance still to beat, in a band. A card can ask this
 * for 100,000 keys (and the Hub's task ids are 150 candidates).
 */
export function closestKnown(input: string, known: Iterable<string>): string | undefined {
  return closest(input.toLowerCase(), known, Infinity);
}

function closest(needle: string, known: Iterable<string>, extraLimit: number): string | undefined {
  const limit = Math.min(extraLimit, 3, Math.max(1, Math.floor(needle.length / 3))); // didYouMean's limit
  let best: string | undefined;
  let bestDistance = limit + 1;
  for (const c of lowered(known)) {
    if (Math.abs(c.lower.length - needle.length) >= bestDistance) continue;
    const d = boundedDistance(needle, c.lower, bestDistance - 1);
    if (d < bestDistance) {
      best = c.name;
      bestDistance = d;
      if (d === 0) break;
    }
  }
  return best;
}

let row = new Int32Array(64);
let previous = new Int32Array(64);

/** Levenshtein distance if it is at most `limit`, else `limit + 1`: only the band |i - j| ≤ limit is computed. */
export function boundedDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  if (b.length + 1 > row.length) {
    row = new Int32Array(b.length + 1);
    previous = new Int32Array(b.length + 1);
  }
  const big = limit + 1;
  for (let j = 0; j <= b.length; j++) previous[j] = j <= limit ? j : big;
  for (let i = 1; i <= a.length; i++) {
    const from = Math.max(1, i - limit);
    const to = Math.min(b.length, i + limit);
    row[0] = i <= limit ? i : big;
    if (from > 1) row[from - 1] = big;
    let rowMin = row[0]!;
    for (let j = from; j <= to; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const v = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + cost, big);
      row[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (to < b.length) row[to + 1] = big;
    if (rowMin > limit) return big;
    [row, previous] = [previous, row];
  }
  return Math.min(previous[b.length]!, big);
}

const loweredSets = new WeakMap<Iterable<string>, { name: string; lower: string }[]>();

/** The known names with their lowercase forms, computed once per set. */
function lowered(known: Iterable<string>): { name: string; lower: string }[] {
  let list = loweredSets.get(known);
  if (!list) {
    list = [...known].map((name) => ({ name, lower: name.toLowerCase() }));
    loweredSets.set(known, list);
  }
  return list;
}

function isTransposition(a: string, b: string): boolean {
  if (a.length !== b.length || a === b) return false;
  let i = 0;
  while (a[i] === b[i]) i++;
  return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
}

/** Reports keys of `map` that look like typos of `known`. `where` names the mapping in messages. */
export function checkKeys(map: YAMLMap, known: ReadonlySet<string>, where: string, ctx: Ctx): void {
  for (const pair of map.items) {
    const key = keyOf(pair);
    if (key === null || known.has(key)) continue;
    const suggestion = nearMiss(key, known);
    if (suggestion) {
      ctx.findings.push(
        finding(
          'card/unknown-key',
          at(pair.key, ctx),
          `Unknown key ${quote(key)} in ${where}.`,
          `Did you mean \`${suggestion}\`? Tools ignore keys they do not know, so this value is lost to them.`,
        ),
      );
    }
  }
}
