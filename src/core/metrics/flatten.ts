import { readStringValue, numberValue } from './scalars.js';
import type { Notes } from './notes.js';
import type { Locator } from './text.js';
import type { Tree } from './tree.js';
import type { MetricEntry, MetricValue } from './types.js';

/** Metrics in one file. Far above any real eval, low enough that rendering stays fast. */
export const MAX_METRICS = 100_000;

export class TooManyMetricsError extends Error {
  constructor(readonly offset: number) {
    super(`The file has over ${MAX_METRICS.toLocaleString('en-US')} metrics.`);
  }
}

/**
 * Adds metrics to an ordered map, noting a key seen twice (the later value wins in the
 * first one's place, as in JSON.parse) and refusing more than MAX_METRICS keys.
 */
export class MetricCollector {
  readonly metrics = new Map<string, MetricEntry>();

  constructor(
    private readonly locator: Locator,
    private readonly notes: Notes,
  ) {}

  add(key: string, value: MetricValue, offset: number): void {
    const { line, column } = this.locator.at(offset);
    const previous = this.metrics.get(key);
    if (previous) {
      this.notes.add(line, column, 'metrics/duplicate-key', `\`${key}\` appears twice (first on line ${previous.line}); the later value is used.`);
    } else if (this.metrics.size >= MAX_METRICS) {
      throw new TooManyMetricsError(offset);
    }
    this.metrics.set(key, { key, value, line, column });
  }

  /** A value from a string: percents become numbers, with a note either way it might surprise. */
  addString(key: string, text: string, offset: number): void {
    const reading = readStringValue(text);
    const { line, column } = this.locator.at(offset);
    if (reading.why === 'percent' && reading.value.kind === 'number') {
      this.notes.add(
        line,
        column,
        'metrics/percent',
        `\`${key}\`: the percent string ${JSON.stringify(text)} is read as the fraction ${reading.value.value}.`,
        'Write plain numbers to keep units unambiguous.',
      );
    } else if (reading.why === 'numeric-string') {
      this.notes.add(line, column, 'metrics/numeric-string', `\`${key}\`: ${JSON.stringify(text)} is a string, so it is shown but not compared.`, 'Write it as a number, without quotes.');
    }
    this.add(key, reading.value, offset);
  }
}

/**
 * Flattens nested maps to dotted keys (`{"eval": {"accuracy": 1}}` → `eval.accuracy`).
 * Lists are not metrics: each is skipped with a note. Booleans are shown as text; null is
 * an invalid value (an eval that produced no number is worth seeing, not hiding).
 */
export function flattenTree(tree: Tree & { kind: 'map' }, collector: MetricCollector, notes: Notes, locator: Locator): void {
  walk(tree, '', collector, notes, locator);
}

/**
 * The same string, stored contiguously. V8 keeps a concatenation as a pair of pointers to its
 * parts (a "cons string"); every metric key is looked up in a Map several times (duplicates
 * here, then base against head in the comparison), and hashing and comparing a cons string
 * walks its parts each time — at 100,000 keys that made lookups over 3× slower and the reading
 * superlinear (issue 12). Reading a character flattens it once, in place.
 */
function flat(key: string): string {
  key.charCodeAt(0);
  return key;
}

function walk(tree: Tree & { kind: 'map' }, prefix: string, collector: MetricCollector, notes: Notes, locator: Locator): void {
  for (const entry of tree.entries) {
    const key = prefix === '' ? entry.key : flat(`${prefix}.${entry.key}`);
    const value = entry.value;
    switch (value.kind) {
      case 'map':
        walk(value, key, collector, notes, locator);
        break;
      case 'list': {
        const { line, column } = locator.at(value.offset);
        notes.add(line, column, 'metrics/ignored-list', `\`${key}\` is a list (${value.items.length} items); lists are not metrics and are ignored.`, 'Give each value its own key to compare it.');
        break;
      }
      case 'number':
        collector.add(key, numberValue(value.value), value.offset);
        break;
      case 'string':
        collector.addString(key, value.value, value.offset);
        break;
      case 'bool':
        collector.add(key, { kind: 'text', value: String(value.value) }, value.offset);
        break;
      case 'null':
        collector.add(key, { kind: 'invalid', raw: 'null' }, value.offset);
        break;
    }
  }
}
