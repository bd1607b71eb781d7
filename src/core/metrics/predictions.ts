import type { Finding } from '../common/findings.js';
import { cellOffsets, parseCsv, sniffDelimiter } from './csv.js';
import { parseJsonTree } from './json.js';
import { Notes } from './notes.js';
import { readCellValue } from './scalars.js';
import { decodeText, fail, Locator, MAX_PREDICTIONS_BYTES } from './text.js';
import type { Tree } from './tree.js';
import type { ReadResult } from './types.js';

/**
 * Per-example results: one record per example with an `id` and numeric values named like the
 * metric they average (`{"id": "q17", "accuracy": 1, "f1": 0.8}`). Used for significance.
 * JSON Lines (`.jsonl`, `.ndjson`) or CSV/TSV with an `id` column. Booleans count as 1 and 0;
 * a column with any text in it (a prediction, a label) is ignored with a note; a missing,
 * null, NaN or infinite value leaves that example out for that metric only.
 */
export interface PredictionSet {
  file: string;
  /** Example ids in file order (numbers are read as their decimal text). */
  ids: string[];
  /** Per-example values by name, aligned with `ids`; NaN where an example has no usable value. */
  columns: Map<string, Float64Array>;
  notes: Finding[];
}

export const MAX_PREDICTION_ROWS = 10_000_000;
export const MAX_PREDICTION_COLUMNS = 1_000;

export interface ReadPredictionsOptions {
  format?: 'jsonl' | 'csv' | 'tsv';
}

interface Column {
  values: number[];
  /** Line of the first text value: the column is not numeric. */
  textAt: { line: number; column: number } | null;
  nonFinite: number;
}

export function readPredictions(file: string, content: Uint8Array | string, options: ReadPredictionsOptions = {}): ReadResult<PredictionSet> {
  const decoded = decodeText(file, content, MAX_PREDICTIONS_BYTES);
  if (!decoded.ok) return decoded;
  const text = decoded.value;
  if (text.trim() === '') return fail(file, 1, 1, 'The per-example results file is empty.');
  const format = options.format ?? detect(file, text);
  return format === 'jsonl' ? readJsonLines(file, text) : readTable(file, text, format);
}

function detect(file: string, text: string): 'jsonl' | 'csv' | 'tsv' {
  const ext = /\.([a-z0-9]+)$/i.exec(file)?.[1]?.toLowerCase();
  if (ext === 'jsonl' || ext === 'ndjson' || ext === 'json') return 'jsonl';
  if (ext === 'csv') return 'csv';
  if (ext === 'tsv' || ext === 'tab') return 'tsv';
  if (text.trimStart().startsWith('{')) return 'jsonl';
  return sniffDelimiter(text) === '\t' ? 'tsv' : 'csv';
}

class Builder {
  readonly ids: string[] = [];
  private readonly idLines = new Map<string, number>();
  readonly columns = new Map<string, Column>();
  readonly notes = new Notes();

  constructor(private readonly file: string) {}

  /** Starts a row; returns an error when the id was already used. */
  row(id: string, line: number, column: number): ReadResult<never> | null {
    const first = this.idLines.get(id);
    if (first !== undefined) {
      return fail(this.file, line, column, `The id ${JSON.stringify(id)} appears twice (first on line ${first}).`, 'Each example needs a unique id to be paired.');
    }
    if (this.ids.length >= MAX_PREDICTION_ROWS) return fail(this.file, line, column, `Over ${MAX_PREDICTION_ROWS.toLocaleString('en-US')} examples.`);
    this.idLines.set(id, line);
    this.ids.push(id);
    return null;
  }

  column(name: string, line: number, col: number): Column | ReadResult<never> {
    let c = this.columns.get(name);
    if (!c) {
      if (this.columns.size >= MAX_PREDICTION_COLUMNS) {
        return fail(this.file, line, col, `Over ${MAX_PREDICTION_COLUMNS.toLocaleString('en-US')} different fields.`, 'Keep per-example metrics only.');
      }
      c = { values: [], textAt: null, nonFinite: 0 };
      this.columns.set(name, c);
    }
    return c;
  }

  /** Sets the current row's value; NaN and ±Infinity are counted, then left out. */
  set(c: Column, value: number): void {
    if (!Number.isFinite(value)) {
      c.nonFinite++;
      value = NaN;
    }
    this.put(c, value);
  }

  /** The current row has no value here (null or an empty cell). */
  missing(c: Column): void {
    this.put(c, NaN);
  }

  private put(c: Column, value: number): void {
    const row = this.ids.length - 1;
    while (c.values.length < row) c.values.push(NaN);
    c.values[row] = value;
  }

  done(): ReadResult<PredictionSet> {
    const columns = new Map<string, Float64Array>();
    for (const [name, c] of this.columns) {
      if (c.textAt) {
        this.notes.add(c.textAt.line, c.textAt.column, 'metrics/text-column', `\`${name}\` holds text, not numbers; it is not used for significance.`);
        continue;
      }
      const values = new Float64Array(this.ids.length).fill(NaN);
      values.set(c.values.slice(0, this.ids.length));
      if (c.nonFinite > 0) {
        this.notes.add(1, 1, 'metrics/non-finite-example', `\`${name}\`: ${c.nonFinite} ${c.nonFinite === 1 ? 'example has' : 'examples have'} NaN or an infinite value; ${c.nonFinite === 1 ? 'it is' : 'they are'} left out of the bootstrap for this metric.`);
      }
      columns.set(name, values);
    }
    if (this.ids.length === 0) return fail(this.file, 1, 1, 'The file has no examples.');
    return { ok: true, value: { file: this.file, ids: this.ids, columns, notes: this.notes.done() } };
  }
}

function readJsonLines(file: string, text: string): ReadResult<PredictionSet> {
  const b = new Builder(file);
  let lineNo = 0;
  let start = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    lineNo++;
    const line = text.slice(start, end);
    start = end + 1;
    if (line.trim() === '') {
      if (end === text.length) break;
      continue;
    }
    const record = parseRecord(line);
    if (!record.ok) {
      const at = new Locator(line).at(record.offset);
      return fail(file, lineNo, at.column, `Invalid JSON: ${record.message}`, 'Each line must be one JSON object.');
    }
    const idValue = record.fields.get('id');
    if (idValue === undefined || !(typeof idValue === 'string' || (typeof idValue === 'number' && Number.isFinite(idValue)))) {
      return fail(file, lineNo, 1, idValue === undefined ? 'This record has no `id`.' : 'The `id` must be a string or a number.', 'Give every example an `id` so base and head can be paired.');
    }
    const bad = b.row(String(idValue), lineNo, 1);
    if (bad) return bad;
    for (const [name, value] of record.fields) {
      if (name === 'id') continue;
      const c = b.column(name, lineNo, 1);
      if (!('values' in c)) return c;
      if (typeof value === 'number') b.set(c, value);
      else if (typeof value === 'boolean') b.set(c, value ? 1 : 0);
      else if (value === null) b.missing(c);
      else c.textAt ??= { line: lineNo, column: 1 };
    }
    if (end === text.length) break;
  }
  return b.done();
}

/** A field holding a list or an object: not a per-example value. */
const NESTED = Symbol('nested');
type Field = number | boolean | string | null | typeof NESTED;

/** One JSONL record as its top-level fields; JSON.parse first, our parser for NaN and errors. */
function parseRecord(line: string): { ok: true; fields: Map<string, Field> } | { ok: false; offset: number; message: string } {
  const fields = new Map<string, Field>();
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    const tree = parseJsonTree(line);
    if (!tree.ok) return tree;
    if (tree.tree.kind !== 'map') return { ok: false, offset: 0, message: 'Expected an object.' };
    for (const e of tree.tree.entries) fields.set(e.key, fieldOfTree(e.value));
    return { ok: true, fields };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { ok: false, offset: 0, message: 'Expected an object.' };
  for (const [k, v] of Object.entries(parsed)) {
    fields.set(k, v === null || typeof v === 'number' || typeof v === 'boolean' || typeof v === 'string' ? v : NESTED);
  }
  return { ok: true, fields };
}

function fieldOfTree(t: Tree): Field {
  switch (t.kind) {
    case 'number':
    case 'string':
    case 'bool':
      return t.value;
    case 'null':
      return null;
    default:
      return NESTED;
  }
}

function readTable(file: string, text: string, format: 'csv' | 'tsv'): ReadResult<PredictionSet> {
  const delimiter = format === 'tsv' ? '\t' : ',';
  const locator = new Locator(text);
  const parsed = parseCsv(text, delimiter, { maxRows: MAX_PREDICTION_ROWS + 1, maxColumns: MAX_PREDICTION_COLUMNS + 1 });
  if (!parsed.ok) {
    const at = locator.at(parsed.offset);
    return fail(file, at.line, at.column, `Invalid ${format.toUpperCase()}: ${parsed.message}`);
  }
  const { rows, offsets } = parsed.table;
  const header = rows[0]!.map((h) => h.trim());
  const idCol = header.findIndex((h) => h.toLowerCase() === 'id');
  if (idCol === -1) return fail(file, 1, 1, 'The header has no `id` column.', 'Name the column of example ids `id` so base and head can be paired.');
  const b = new Builder(file);
  const columns: (Column | null)[] = [];
  for (let c = 0; c < header.length; c++) {
    if (c === idCol) {
      columns.push(null);
      continue;
    }
    const col = b.column(header[c]!, 1, 1);
    if (!('values' in col)) return col;
    columns.push(col);
  }
  for (let r = 1; r < rows.length; r++) {
    const row = rows[r]!;
    const at = locator.at(offsets[r]!);
    if (row.length !== header.length) {
      return fail(file, at.line, at.column, `This row has ${row.length} columns but the header has ${header.length}.`, 'Quote values that contain the delimiter.');
    }
    const id = row[idCol]!.trim();
    if (id === '') {
      const cell = locator.at(cellOffsets(text, offsets[r]!, delimiter)[idCol]!);
      return fail(file, cell.line, cell.column, 'This row has an empty `id`.', 'Give every example an id.');
    }
    const bad = b.row(id, at.line, at.column);
    if (bad) return bad;
    for (let c = 0; c < row.length; c++) {
      const col = columns[c];
      if (!col) continue;
      const reading = readCellValue(row[c]!);
      if (reading === null) {
        b.missing(col);
      } else if (reading.value.kind === 'invalid') {
        b.set(col, NaN);
      } else if (reading.value.kind === 'number') {
        b.set(col, reading.value.value);
      } else if (/^(true|false)$/i.test(reading.value.value.trim())) {
        b.set(col, reading.value.value.trim().toLowerCase() === 'true' ? 1 : 0);
      } else if (!col.textAt) {
        col.textAt = locator.at(cellOffsets(text, offsets[r]!, delimiter)[c]!);
      }
    }
  }
  return b.done();
}
