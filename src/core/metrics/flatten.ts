import { readStringValue, numberValue } from './scalars.js';
import type { Notes } from './notes.js';
import type { Locator } from './text.js';
import type { Tree } from './tree.js';
import { MetricTable } from './table.js';
import type { MetricValue } from './types.js';

/** Metrics in one file. Far above any real eval, low enough that rendering stays fast. */
export const MAX_METRICS = 100_000;

export class TooManyMetricsError extends Error {
  constructor(readonly offset: number) {
    super(`The file has over ${MAX_METRICS.toLocaleString('en-US')} metrics.`);
  }
}

/**
 * The metrics of one object being read (a JSON object's own keys), when the reader checks
 * duplicates per object: the flat key of each of its scalars, with its row.
 */
export type Scope = Map<string, number>;

/**
 * Adds metrics to an ordered table, noting a key seen twice (the later value wins in the
 * first one's place, as in JSON.parse) and refusing more than MAX_METRICS keys.
 *
 * A duplicate is looked for in the whole table, unless the caller gives a scope: the JSON
 * reader gives each object one, for as long as no key could make two paths flatten to one
 * name (see `checkEverywhere`). A 100,000-key index in one Map was the largest cost of
 * reading a large file (issue 12); a hundred keys per object fit in the cache, and die young.
 */
export class MetricCollector {
  readonly metrics = new MetricTable();
  private everywhere: boolean;

  constructor(
    private readonly locator: Locator,
    private readonly notes: Notes,
    options: { scoped?: boolean } = {},
  ) {
    this.everywhere = !options.scoped;
  }

  /**
   * From now on a duplicate is looked for in the whole table: a key was read that could give
   * two paths the same flat name (`{"a.b": 1, "a": {"b": 2}}`), which a per-object scope
   * cannot see.
   */
  checkEverywhere(): void {
    this.everywhere = true;
  }

  /** Whether scopes are still used (the reader can then skip keeping them). */
  get scoped(): boolean {
    return !this.everywhere;
  }

  /** `add` of a number, as `numberValue(value)`; a finite one new to its scope needs no value object. */
  addNumber(key: string, value: number, offset: number, scope: Scope | null): void {
    if (this.everywhere || scope === null || !Number.isFinite(value) || scope.has(key) || this.metrics.size >= MAX_METRICS) {
      this.add(key, numberValue(value), offset, scope);
      return;
    }
    const line = this.locator.lineAt(offset);
    scope.set(key, this.metrics.pushNumber(key, value, line, this.locator.columnAt(offset)));
  }

  add(key: string, value: MetricValue, offset: number, scope: Scope | null = null): void {
    const line = this.locator.lineAt(offset);
    const column = this.locator.columnAt(offset);
    const table = this.metrics;
    const previous = this.everywhere || scope === null ? table.indexOf(key) : (scope.get(key) ?? -1);
    if (previous !== -1) {
      this.notes.add(line, column, 'metrics/duplicate-key', `\`${key}\` appears twice (first on line ${table.lineAt(previous)}); the later value is used.`);
      table.replace(previous, value, line, column);
      return;
    }
    if (table.size >= MAX_METRICS) throw new TooManyMetricsError(offset);
    const row = table.push(key, value, line, column);
    if (!this.everywhere && scope !== null) scope.set(key, row);
  }

  /** A value from a string: percents become numbers, with a note either way it might surprise. */
  addString(key: string, text: string, offset: number, scope: Scope | null = null): void {
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
    this.add(key, reading.value, offset, scope);
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
 * `prefix.key`, stored contiguously. V8 keeps `a + b` as a pair of pointers to its parts (a
 * "cons string"); every metric key is looked up in a Map several times (duplicates here, then
 * base against head in the comparison), and hashing and comparing a cons string walks its
 * parts each time — at 100,000 keys lookups were over 3× slower, and reading superlinear
 * (issue 12). `join` writes one flat string, and leaves no pair behind for the collector.
 */
function joinKey(prefix: string, key: string): string {
  return [prefix, key].join('.');
}

function walk(tree: Tree & { kind: 'map' }, prefix: string, collector: MetricCollector, notes: Notes, locator: Locator): void {
  for (const entry of tree.entries) {
    const key = flatKey(prefix, entry.key);
    const value = entry.value;
    switch (value.kind) {
      case 'map':
        walk(value, key, collector, notes, locator);
        break;
      case 'list':
        noteList(key, value.items.length, value.offset, notes, locator);
        break;
      default:
        addScalar(key, value, collector);
    }
  }
}

/** The flattened key of `key` inside the map at `prefix` ('' at the top level). */
export function flatKey(prefix: string, key: string): string {
  return prefix === '' ? key : joinKey(prefix, key);
}

/** A list where a metric could be: skipped, with a note. */
export function noteList(key: string, items: number, offset: number, notes: Notes, locator: Locator): void {
  const { line, column } = locator.at(offset);
  notes.add(line, column, 'metrics/ignored-list', `\`${key}\` is a list (${items} items); lists are not metrics and are ignored.`, 'Give each value its own key to compare it.');
}

/** A scalar as a metric: numbers (NaN and ±Infinity as invalid), strings (see addString), booleans as text, null as invalid. */
export function addScalar(key: string, value: Tree & { kind: 'number' | 'string' | 'bool' | 'null' }, collector: MetricCollector, scope: Scope | null = null): void {
  switch (value.kind) {
    case 'number':
      collector.add(key, numberValue(value.value), value.offset, scope);
      break;
    case 'string':
      collector.addString(key, value.value, value.offset, scope);
      break;
    case 'bool':
      collector.add(key, { kind: 'text', value: String(value.value) }, value.offset, scope);
      break;
    case 'null':
      collector.add(key, { kind: 'invalid', raw: 'null' }, value.offset, scope);
      break;
  }
}
