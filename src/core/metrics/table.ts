import type { MetricEntry, MetricValue } from './types.js';

const NUMBER = 0;
const PERCENT = 1; // a number the file wrote as a percent string ("67.6%")
const INVALID = 2;
const TEXT = 3;

const FIRST_CAPACITY = 16;

/**
 * The metrics of one file, in file order, keyed by flattened name: read like a `Map<string,
 * MetricEntry>` (`get`, `has`, `size`, `keys`, `values`, iteration), stored as columns.
 *
 * Why columns (issue 12): a 100,000-metric file held as a Map of entry objects kept four
 * objects per metric alive (the entry, its value, the key, the map's slot) through the read,
 * so every young-generation collection copied them and the map's table outgrew the cache:
 * reading took 18× the time of a 10,000-metric file. Here a metric is its key string and a
 * row in typed arrays; entries are made when asked for, and die young. The key index is a Map
 * built on the first lookup by key: the comparison walks two files with the same keys in the
 * same order without one, and the JSON reader checks duplicates per object (see json.ts).
 */
export class MetricTable implements Iterable<[string, MetricEntry]> {
  private readonly names: string[] = [];
  private kinds = new Uint8Array(FIRST_CAPACITY);
  private numbers = new Float64Array(FIRST_CAPACITY);
  private lines = new Int32Array(FIRST_CAPACITY);
  private columns = new Int32Array(FIRST_CAPACITY);
  /** The text of rows that are text, and the raw spelling of invalid ones: few. */
  private readonly texts = new Map<number, string>();
  private index: Map<string, number> | null = null;

  /** A table of these entries; a key given twice keeps its first place and its last value, as a Map does. */
  static of(entries: Iterable<MetricEntry>): MetricTable {
    const table = new MetricTable();
    for (const e of entries) {
      const row = table.indexOf(e.key);
      if (row === -1) table.push(e.key, e.value, e.line, e.column);
      else table.replace(row, e.value, e.line, e.column);
    }
    return table;
  }

  get size(): number {
    return this.names.length;
  }

  /** The row of `key`, or -1. */
  indexOf(key: string): number {
    if (this.index === null) {
      this.index = new Map();
      for (let i = 0; i < this.names.length; i++) this.index.set(this.names[i]!, i);
    }
    return this.index.get(key) ?? -1;
  }

  has(key: string): boolean {
    return this.indexOf(key) !== -1;
  }

  get(key: string): MetricEntry | undefined {
    const row = this.indexOf(key);
    return row === -1 ? undefined : this.entryAt(row);
  }

  keyAt(row: number): string {
    return this.names[row]!;
  }

  /** 1-based line of row's value in the file. */
  lineAt(row: number): number {
    return this.lines[row]!;
  }

  valueAt(row: number): MetricValue {
    switch (this.kinds[row]) {
      case NUMBER:
        return { kind: 'number', value: this.numbers[row]! };
      case PERCENT:
        return { kind: 'number', value: this.numbers[row]!, percent: true };
      case INVALID:
        return { kind: 'invalid', raw: this.texts.get(row) as 'NaN' | 'Infinity' | '-Infinity' | 'null' };
      default:
        return { kind: 'text', value: this.texts.get(row)! };
    }
  }

  entryAt(row: number): MetricEntry {
    return { key: this.names[row]!, value: this.valueAt(row), line: this.lines[row]!, column: this.columns[row]! };
  }

  /** Adds a metric the caller knows is new; returns its row. */
  push(key: string, value: MetricValue, line: number, column: number): number {
    const row = this.names.length;
    if (row === this.kinds.length) this.grow();
    this.names.push(key);
    this.index?.set(key, row);
    this.write(row, value, line, column);
    return row;
  }

  /** `push` of a finite number, without a value object: the JSON reader's usual case. */
  pushNumber(key: string, value: number, line: number, column: number): number {
    const row = this.names.length;
    if (row === this.kinds.length) this.grow();
    this.names.push(key);
    this.index?.set(key, row);
    this.kinds[row] = NUMBER;
    this.numbers[row] = value;
    this.lines[row] = line;
    this.columns[row] = column;
    return row;
  }

  /** A later value of row's key: it takes the row's place (as a Map's `set` of a key it has). */
  replace(row: number, value: MetricValue, line: number, column: number): void {
    this.texts.delete(row);
    this.write(row, value, line, column);
  }

  keys(): IterableIterator<string> {
    return this.names.values();
  }

  *values(): IterableIterator<MetricEntry> {
    for (let row = 0; row < this.names.length; row++) yield this.entryAt(row);
  }

  *entries(): IterableIterator<[string, MetricEntry]> {
    for (let row = 0; row < this.names.length; row++) yield [this.names[row]!, this.entryAt(row)];
  }

  [Symbol.iterator](): IterableIterator<[string, MetricEntry]> {
    return this.entries();
  }

  private write(row: number, value: MetricValue, line: number, column: number): void {
    this.lines[row] = line;
    this.columns[row] = column;
    switch (value.kind) {
      case 'number':
        this.kinds[row] = value.percent ? PERCENT : NUMBER;
        this.numbers[row] = value.value;
        break;
      case 'invalid':
        this.kinds[row] = INVALID;
        this.texts.set(row, value.raw);
        break;
      case 'text':
        this.kinds[row] = TEXT;
        this.texts.set(row, value.value);
        break;
    }
  }

  private grow(): void {
    const capacity = this.kinds.length * 2;
    const kinds = new Uint8Array(capacity);
    kinds.set(this.kinds);
    this.kinds = kinds;
    const numbers = new Float64Array(capacity);
    numbers.set(this.numbers);
    this.numbers = numbers;
    const lines = new Int32Array(capacity);
    lines.set(this.lines);
    this.lines = lines;
    const columns = new Int32Array(capacity);
    columns.set(this.columns);
    this.columns = columns;
  }
}
