import type { Finding } from '../common/findings.js';
import { cellOffsets, forEachCsvRecord, sniffDelimiter } from './csv.js';
import { IdIndex, type IdList } from './id-index.js';
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
  /**
   * Example ids in file order (numbers are read as their decimal text). The readers give an
   * IdArena (the ids' bytes, a string made only when asked for); an array of strings will do.
   */
  ids: IdList;
  /** Per-example values by name, aligned with `ids`; NaN where an example has no usable value. */
  columns: Map<string, Float64Array>;
  notes: Finding[];
  /** The ids' index, when the reader built one (pairing builds it otherwise). */
  idIndex?: IdIndex;
}

export const MAX_PREDICTION_ROWS = 10_000_000;
export const MAX_PREDICTION_COLUMNS = 1_000;

export interface ReadPredictionsOptions {
  format?: 'jsonl' | 'csv' | 'tsv';
}

interface Column {
  /** Values by row, NaN where a row has none; grown by doubling, `length` rows used. */
  values: Float64Array;
  /** Line of the first text value: the column is not numeric. */
  textAt: { line: number; column: number } | null;
  nonFinite: number;
}

export function readPredictions(file: string, content: Uint8Array | string, options: ReadPredictionsOptions = {}): ReadResult<PredictionSet> {
  if (typeof content !== 'string') {
    const start = jsonLinesBytesStart(file, content, options);
    if (start !== -1) return readJsonLinesBytes(file, content, start, true);
  }
  const decoded = decodeText(file, content, MAX_PREDICTIONS_BYTES);
  if (!decoded.ok) return decoded;
  const text = decoded.value;
  if (text.trim() === '') return fail(file, 1, 1, 'The per-example results file is empty.');
  const format = options.format ?? detect(file, text);
  return format === 'jsonl' ? readJsonLines(file, text) : readTable(file, text, format);
}

/** The format the file's extension names, if it names one. */
function detectByName(file: string): 'jsonl' | 'csv' | 'tsv' | null {
  const ext = /\.([a-z0-9]+)$/i.exec(file)?.[1]?.toLowerCase();
  if (ext === 'jsonl' || ext === 'ndjson' || ext === 'json') return 'jsonl';
  if (ext === 'csv') return 'csv';
  if (ext === 'tsv' || ext === 'tab') return 'tsv';
  return null;
}

function detect(file: string, text: string): 'jsonl' | 'csv' | 'tsv' {
  const byName = detectByName(file);
  if (byName) return byName;
  if (text.trimStart().startsWith('{')) return 'jsonl';
  return sniffDelimiter(text) === '\t' ? 'tsv' : 'csv';
}

/** Rows allocated up front at most (a file of blank lines must not allocate for 10M rows); past it, arrays grow. */
const PRESIZE_MAX = 2_000_000;

class Builder {
  private readonly index: IdIndex;
  /**
   * The line of each row, for the error about a repeated id; null while every row's line is its
   * row + `lineShift` (JSON Lines without blank lines), which spares 4 MB at a million rows.
   */
  private lines: Int32Array | null = null;
  private lineShift = 0;
  readonly columns = new Map<string, Column>();
  readonly notes = new Notes();

  /**
   * `rows`: how many rows there will be at most (the file's lines), so that the typed arrays are
   * allocated once at their size instead of grown by doubling, which at a million rows held the
   * old and the new copies at once: tens of MB more at the peak.
   */
  constructor(
    readonly file: string,
    private readonly rows: number,
  ) {
    this.index = new IdIndex(Math.max(16, Math.min(rows, PRESIZE_MAX)));
  }

  /** Starts a row with the id that is bytes[start, end) (UTF-8); returns an error when the id was already used. */
  rowBytes(bytes: Uint8Array, start: number, end: number, line: number, column: number): ReadResult<never> | null {
    this.index.ids.stageBytes(bytes, start, end);
    return this.addStaged(line, column);
  }

  /** Starts a row with the id `id`; returns an error when the id was already used. */
  row(id: string, line: number, column: number): ReadResult<never> | null {
    this.index.ids.stageString(id);
    return this.addStaged(line, column);
  }

  private addStaged(line: number, column: number): ReadResult<never> | null {
    const hash = this.index.hashStaged();
    const first = this.index.findStaged(hash);
    if (first !== -1) {
      const firstLine = this.lines ? this.lines[first]! : first + this.lineShift;
      return fail(this.file, line, column, `The id ${JSON.stringify(this.index.ids.stagedString())} appears twice (first on line ${firstLine}).`, 'Each example needs a unique id to be paired.');
    }
    const row = this.index.size;
    if (row >= MAX_PREDICTION_ROWS) return fail(this.file, line, column, `Over ${MAX_PREDICTION_ROWS.toLocaleString('en-US')} examples.`);
    if (row === 0) this.lineShift = line;
    if (!this.lines && line !== row + this.lineShift) {
      this.lines = new Int32Array(Math.max(16, Math.min(this.rows, PRESIZE_MAX), row + 1));
      for (let r = 0; r < row; r++) this.lines[r] = r + this.lineShift;
    }
    if (this.lines) {
      if (row >= this.lines.length) {
        const grown = new Int32Array(this.lines.length * 2);
        grown.set(this.lines);
        this.lines = grown;
      }
      this.lines[row] = line;
    }
    this.index.addStaged(hash);
    return null;
  }

  column(name: string, line: number, col: number): Column | ReadResult<never> {
    let c = this.columns.get(name);
    if (!c) {
      if (this.columns.size >= MAX_PREDICTION_COLUMNS) {
        return fail(this.file, line, col, `Over ${MAX_PREDICTION_COLUMNS.toLocaleString('en-US')} different fields.`, 'Keep per-example metrics only.');
      }
      c = { values: new Float64Array(0), textAt: null, nonFinite: 0 };
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
    const row = this.index.size - 1;
    if (row >= c.values.length) {
      // Typed and doubling: a million rows take 8 MB per column, not a boxed array and its copies.
      const grown = new Float64Array(Math.max(Math.min(this.rows, PRESIZE_MAX), c.values.length * 2, row + 1)).fill(NaN);
      grown.set(c.values);
      c.values = grown;
    }
    c.values[row] = value;
  }

  done(): ReadResult<PredictionSet> {
    const columns = new Map<string, Float64Array>();
    for (const [name, c] of this.columns) {
      if (c.textAt) {
        this.notes.add(c.textAt.line, c.textAt.column, 'metrics/text-column', `\`${name}\` holds text, not numbers; it is not used for significance.`);
        continue;
      }
      // Exactly the rows' length: the column as allocated when the row estimate was exact (JSONL
      // without blank lines), else a copy without the spare end.
      const rows = this.index.size;
      const values = c.values.length === rows ? c.values : new Float64Array(rows).fill(NaN);
      if (values !== c.values) values.set(c.values.subarray(0, Math.min(c.values.length, rows)));
      if (c.nonFinite > 0) {
        this.notes.add(1, 1, 'metrics/non-finite-example', `\`${name}\`: ${c.nonFinite} ${c.nonFinite === 1 ? 'example has' : 'examples have'} NaN or an infinite value; ${c.nonFinite === 1 ? 'it is' : 'they are'} left out of the bootstrap for this metric.`);
      }
      columns.set(name, values);
    }
    if (this.index.size === 0) return fail(this.file, 1, 1, 'The file has no examples.');
    this.index.trim();
    return { ok: true, value: { file: this.file, ids: this.index.ids, columns, notes: this.notes.done(), idIndex: this.index } };
  }
}

/**
 * Where the JSON Lines of `bytes` start (after a UTF-8 BOM) when they can be read as bytes, in
 * place, without decoding the whole file into a string first (at a million lines that string
 * and the bytes were both held, 2 × 44 MB): UTF-8 (no UTF-16 BOM), no NUL byte, valid, not
 * blank, and JSON Lines by the name or the first character. −1 sends the file the usual way
 * (decodeText, which also gives every error), so results and errors do not change.
 */
function jsonLinesBytesStart(file: string, bytes: Uint8Array, options: ReadPredictionsOptions): number {
  if (bytes.byteLength > MAX_PREDICTIONS_BYTES) return -1;
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return -1;
  if (bytes.indexOf(0) !== -1) return -1;
  const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  let first = start;
  while (first < bytes.length && isSpace(bytes[first]!)) first++;
  // Blank, or starting with a character that trim() might also strip: the usual way.
  if (first === bytes.length || bytes[first]! >= 0x80) return -1;
  const format = options.format ?? detectByName(file) ?? (bytes[first] === 0x7b ? 'jsonl' : null);
  if (format !== 'jsonl') return -1;
  return validUtf8(bytes) ? start : -1;
}

/** Whether bytes are UTF-8 (ASCII checked in a loop; anything else by a fatal decoder, in chunks so no file-sized string is made). */
function validUtf8(bytes: Uint8Array): boolean {
  let i = 0;
  while (i < bytes.length && bytes[i]! < 0x80) i++;
  if (i === bytes.length) return true;
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  try {
    for (let at = 0; at < bytes.length; at += 1 << 18) decoder.decode(bytes.subarray(at, at + (1 << 18)), { stream: true });
    decoder.decode();
    return true;
  } catch {
    return false;
  }
}

/**
 * A file's bytes, read piece by piece by the adapter that owns the I/O: `read` fills `into` from
 * file position `position` and returns how many bytes it wrote, 0 only at the end of the file.
 */
export interface ByteSource {
  read(into: Uint8Array, position: number): number;
}

/** The piece read at a time; a longer line grows the buffer. */
const CHUNK_BYTES = 1 << 20;

/**
 * Reads JSON Lines from a source a chunk at a time, so that the file is never held whole: at a
 * million lines the 44 MB buffer of the file was alive (not yet collected) next to the ids and
 * columns read from it, and the same again for the second file (issue 12). A first pass makes
 * the checks jsonLinesBytesStart makes on a whole buffer (size, BOMs, NUL, UTF-8, JSON Lines)
 * and counts the lines; the second reads the lines exactly as readJsonLinesBytes does. null when
 * the file must be read the usual way (whole, through readPredictions), which then gives the
 * same result or error as before; also when the file changed size between the passes.
 */
export function readPredictionsChunked(file: string, source: ByteSource, options: ReadPredictionsOptions = {}): ReadResult<PredictionSet> | null {
  const scan = prescan(file, source, options);
  if (!scan) return null;
  let buf = new Uint8Array(Math.min(CHUNK_BYTES, Math.max(16, scan.size)));
  let view = buf.subarray(0, 0);
  let fileAt = scan.start;
  let eof = false;
  let lineStart = 0;
  /** Where the search for the line's end goes on: the partial line before it has no newline (a long line read in short pieces must not be searched again and again). */
  let searchFrom = 0;
  const b = new Builder(file, scan.lines);
  const record = new FlatRecord();
  let lineNo = 0;
  for (;;) {
    let end = view.indexOf(0x0a, Math.max(lineStart, searchFrom));
    if (end === -1 && !eof) {
      // Keep the partial line, at the front (in a buffer twice as large when it fills half of it).
      const rest = view.length - lineStart;
      if (rest * 2 > buf.length) {
        const grown = new Uint8Array(buf.length * 2);
        grown.set(view.subarray(lineStart));
        buf = grown;
      } else {
        buf.copyWithin(0, lineStart, view.length);
      }
      lineStart = 0;
      searchFrom = rest;
      const n = source.read(buf.subarray(rest), fileAt);
      if (n === 0) eof = true;
      fileAt += n;
      if (fileAt > scan.size) return null;
      view = buf.subarray(0, rest + n);
      continue;
    }
    // The last line (no newline after it): at the end, as in the whole file.
    if (end === -1) end = view.length;
    lineNo++;
    const start = lineStart;
    lineStart = end + 1;
    if (view[start] !== 0x7b && UTF8.decode(view.subarray(start, end)).trim() === '') {
      if (end === view.length) break;
      continue;
    }
    const bad = (scanFlatRecord(view, start, end, record) ? null : slowRecord(b, record, UTF8.decode(view.subarray(start, end)), lineNo)) ?? addRecord(b, record, lineNo);
    if (bad) return bad;
    if (end === view.length) break;
  }
  if (fileAt !== scan.size) return null;
  return b.done();
}

/**
 * The first pass of readPredictionsChunked: jsonLinesBytesStart's checks, a chunk at a time (the
 * UTF-8 decoder streams, so a sequence split between chunks is still one), and the line count
 * readJsonLinesBytes makes. null sends the file the usual way.
 */
function prescan(file: string, source: ByteSource, options: ReadPredictionsOptions): { start: number; lines: number; size: number } | null {
  const buf = new Uint8Array(CHUNK_BYTES);
  let size = 0;
  let start = 0;
  let newlines = 0;
  let last = -1;
  /** The first byte that is not a space (after a BOM), −1 until found. */
  let firstByte = -1;
  let decoder: InstanceType<typeof TextDecoder> | null = null;
  for (;;) {
    // A full chunk (reads may be short), so that the first holds the BOM's 3 bytes.
    let n = 0;
    for (let got = -1; got !== 0 && n < buf.length; n += got) got = source.read(buf.subarray(n), size + n);
    if (n === 0) break;
    const chunk = buf.subarray(0, n);
    if (size === 0) {
      if ((chunk[0] === 0xff && chunk[1] === 0xfe) || (chunk[0] === 0xfe && chunk[1] === 0xff)) return null;
      start = chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf ? 3 : 0;
    }
    if (size + n > MAX_PREDICTIONS_BYTES) return null;
    if (chunk.indexOf(0) !== -1) return null;
    for (let i = chunk.indexOf(0x0a); i !== -1; i = chunk.indexOf(0x0a, i + 1)) newlines++;
    if (firstByte === -1) {
      for (let i = Math.max(0, start - size); i < n; i++) {
        if (!isSpace(chunk[i]!)) {
          firstByte = chunk[i]!;
          break;
        }
      }
    }
    let i = 0;
    if (!decoder) {
      while (i < n && chunk[i]! < 0x80) i++;
      if (i < n) decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
    }
    if (decoder) {
      try {
        decoder.decode(chunk.subarray(i), { stream: true });
      } catch {
        return null;
      }
    }
    last = chunk[n - 1]!;
    size += n;
  }
  if (decoder) {
    try {
      decoder.decode();
    } catch {
      return null;
    }
  }
  // Blank, or starting with a character that trim() might also strip: the usual way.
  if (firstByte === -1 || firstByte >= 0x80) return null;
  const format = options.format ?? detectByName(file) ?? (firstByte === 0x7b ? 'jsonl' : null);
  if (format !== 'jsonl') return null;
  return { start, lines: 1 + newlines - (last === 0x0a ? 1 : 0), size };
}

// ignoreBOM: a BOM inside the file is a character of its line, as in the decoded text (decodeText strips only the file's first).
const UTF8 = new TextDecoder('utf-8', { ignoreBOM: true });
/** With the u flag a pair is one code point, so this matches only a lone surrogate. */
const LONE_SURROGATE = /\p{Cs}/u;

/**
 * Reads JSON Lines. A string is read as its UTF-8 bytes (when well-formed: a lone surrogate
 * has no UTF-8, so such a text goes line by line through JSON.parse). `fast` false reads every
 * line the slow way (the tests compare the two).
 */
export function readJsonLines(file: string, text: string, fast = true): ReadResult<PredictionSet> {
  if (fast && !LONE_SURROGATE.test(text)) return readJsonLinesBytes(file, new TextEncoder().encode(text), 0, true);
  let lines = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < text.length - 1; i = text.indexOf('\n', i + 1)) lines++;
  const b = new Builder(file, lines);
  const record = new FlatRecord();
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
    const bad = slowRecord(b, record, line, lineNo) ?? addRecord(b, record, lineNo);
    if (bad) return bad;
    if (end === text.length) break;
  }
  return b.done();
}

/**
 * Reads JSON Lines from valid UTF-8 bytes, from `start`. Most lines are flat objects of short
 * keys, numbers and plain ASCII strings: scanFlatRecord reads those in place, without a string
 * of the line or a JSON.parse of it; every other line is decoded and goes through parseRecord,
 * and both give their fields to the same code. Lines split at byte 0x0A exactly where the text
 * splits at '\n' (no UTF-8 sequence holds that byte), so line numbers and columns are the same.
 */
function readJsonLinesBytes(file: string, bytes: Uint8Array, from: number, fast: boolean): ReadResult<PredictionSet> {
  let lines = 1;
  for (let i = bytes.indexOf(0x0a, from); i !== -1 && i < bytes.length - 1; i = bytes.indexOf(0x0a, i + 1)) lines++;
  const b = new Builder(file, lines);
  const record = new FlatRecord();
  let lineNo = 0;
  let start = from;
  while (start <= bytes.length) {
    let end = bytes.indexOf(0x0a, start);
    if (end === -1) end = bytes.length;
    lineNo++;
    const lineStart = start;
    start = end + 1;
    // A line starting with `{` is not blank; only others pay for the string that trim() needs.
    if (bytes[lineStart] !== 0x7b && UTF8.decode(bytes.subarray(lineStart, end)).trim() === '') {
      if (end === bytes.length) break;
      continue;
    }
    const bad = (fast && scanFlatRecord(bytes, lineStart, end, record) ? null : slowRecord(b, record, UTF8.decode(bytes.subarray(lineStart, end)), lineNo)) ?? addRecord(b, record, lineNo);
    if (bad) return bad;
    if (end === bytes.length) break;
  }
  return b.done();
}

/** A line through JSON.parse (and our parser for errors) into `record`; the error, if any. */
function slowRecord(b: Builder, record: FlatRecord, line: string, lineNo: number): ReadResult<never> | null {
  const parsed = parseRecord(line);
  if (!parsed.ok) {
    const at = new Locator(line).at(parsed.offset);
    return fail(b.file, lineNo, at.column, `Invalid JSON: ${parsed.message}`, 'Each line must be one JSON object.');
  }
  record.count = 0;
  for (const [name, value] of parsed.fields) record.push(name, value);
  return null;
}

/** One line's top-level fields in order, reused from line to line (so are its key strings). */
export class FlatRecord {
  count = 0;
  readonly names: string[] = [];
  readonly values: Field[] = [];
  /** Where a value ID_BYTES is: the id's bytes are idBytes[idStart, idEnd), not copied into a string. */
  idBytes: Uint8Array | null = null;
  idStart = 0;
  idEnd = 0;

  push(name: string, value: Field): void {
    this.names[this.count] = name;
    this.values[this.count] = value;
    this.count++;
  }
}

function addRecord(b: Builder, record: FlatRecord, lineNo: number): ReadResult<never> | null {
  let idValue: Field | undefined;
  for (let j = 0; j < record.count; j++) if (record.names[j] === 'id') idValue = record.values[j];
  if (idValue === undefined || !(idValue === ID_BYTES || typeof idValue === 'string' || (typeof idValue === 'number' && Number.isFinite(idValue)))) {
    return fail(b.file, lineNo, 1, idValue === undefined ? 'This record has no `id`.' : 'The `id` must be a string or a number.', 'Give every example an `id` so base and head can be paired.');
  }
  const bad = idValue === ID_BYTES ? b.rowBytes(record.idBytes!, record.idStart, record.idEnd, lineNo, 1) : b.row(String(idValue), lineNo, 1);
  if (bad) return bad;
  for (let j = 0; j < record.count; j++) {
    const name = record.names[j]!;
    if (name === 'id') continue;
    const value = record.values[j]!;
    const c = b.column(name, lineNo, 1);
    if (!('values' in c)) return c;
    if (typeof value === 'number') b.set(c, value);
    else if (typeof value === 'boolean') b.set(c, value ? 1 : 0);
    else if (value === null) b.missing(c);
    else c.textAt ??= { line: lineNo, column: 1 };
  }
  return null;
}

/** A string value other than the id: only its being text matters, so it is not copied out. */
const TEXT = '';

/** 10^k, exact as doubles for k ≤ 22. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

const isSpace = (c: number) => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;

/** The byte at i, or −1 past the end (where a string's charCodeAt gives NaN). */
const at = (bytes: Uint8Array, i: number) => (i < bytes.length ? bytes[i]! : -1);

/** Whether bytes[start, end) are the ASCII string s. */
function sameAscii(s: string, bytes: Uint8Array, start: number, end: number): boolean {
  if (end - start !== s.length || end > bytes.length) return false;
  for (let i = 0; i < s.length; i++) if (bytes[start + i] !== s.charCodeAt(i)) return false;
  return true;
}

/** bytes[start, end), all ASCII, as a string (short ones by char codes: a decoder call costs more). */
function ascii(bytes: Uint8Array, start: number, end: number): string {
  return end - start <= 64 ? String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]) : UTF8.decode(bytes.subarray(start, end));
}

/**
 * Reads text[start, end) into `record` when it is a flat JSON object this scanner knows to read
 * exactly as JSON.parse does, and returns false (leaving the line to parseRecord) for anything
 * else: nested values, backslashes, control characters, keys that start with a digit (JSON.parse
 * orders integer-like keys first), repeated keys (it keeps the last value at the first place),
 * numbers with an exponent or over 15 digits (left to Number()), and every error. A number of at
 * most 15 digits with k after the point is the digits as an integer m < 2^53 divided by 10^k:
 * both exact doubles, so one correctly rounded division gives the correctly rounded decimal, as
 * JSON.parse does (Clinger 1990, "How to read floating point numbers accurately", PLDI, its
 * fast path).
 */
export function scanFlatRecord(text: Uint8Array, start: number, end: number, record: FlatRecord): boolean {
  let i = start;
  while (i < end && isSpace(at(text, i))) i++;
  if (at(text, i) !== 0x7b) return false;
  i++;
  while (i < end && isSpace(at(text, i))) i++;
  let count = 0;
  if (at(text, i) === 0x7d) {
    i++;
  } else {
    for (;;) {
      // The key.
      if (at(text, i) !== 0x22) return false;
      const keyStart = i + 1;
      let k = keyStart;
      for (; k < end; k++) {
        const c = at(text, k);
        if (c === 0x22) break;
        if (c === 0x5c || c < 0x20 || c >= 0x80) return false;
      }
      if (k >= end) return false;
      const first = at(text, keyStart);
      if (first >= 0x30 && first <= 0x39) return false;
      // The same key as the previous line's at this place (the usual case) reuses its string.
      let name = count < record.names.length ? record.names[count]! : null;
      if (name === null || !sameAscii(name, text, keyStart, k)) name = ascii(text, keyStart, k);
      for (let j = 0; j < count; j++) if (record.names[j] === name) return false;
      i = k + 1;
      while (i < end && isSpace(at(text, i))) i++;
      if (at(text, i) !== 0x3a) return false;
      i++;
      while (i < end && isSpace(at(text, i))) i++;
      // The value.
      const c = at(text, i);
      let value: Field;
      if (c === 0x22) {
        let v = i + 1;
        for (; v < end; v++) {
          const d = at(text, v);
          if (d === 0x22) break;
          if (d === 0x5c || d < 0x20 || d >= 0x80) return false;
        }
        if (v >= end) return false;
        if (name === 'id') {
          // Its bytes go to the ids' arena as they are (plain ASCII here): no string is made.
          record.idBytes = text;
          record.idStart = i + 1;
          record.idEnd = v;
          value = ID_BYTES;
        } else {
          value = TEXT;
        }
        i = v + 1;
      } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
        const negative = c === 0x2d;
        let v = negative ? i + 1 : i;
        let m = 0;
        let digits = 0;
        let fraction = 0;
        const intStart = v;
        for (; v < end; v++) {
          const d = at(text, v) - 0x30;
          if (d < 0 || d > 9) break;
          m = m * 10 + d;
          digits++;
        }
        if (digits === 0 || (at(text, intStart) === 0x30 && digits > 1)) return false;
        if (at(text, v) === 0x2e) {
          v++;
          const fracStart = v;
          for (; v < end; v++) {
            const d = at(text, v) - 0x30;
            if (d < 0 || d > 9) break;
            m = m * 10 + d;
            digits++;
          }
          fraction = v - fracStart;
          if (fraction === 0) return false;
        }
        const e = at(text, v);
        if (e === 0x65 || e === 0x45 || digits > 15) return false;
        const magnitude = fraction === 0 ? m : m / POW10[fraction]!;
        value = negative ? -magnitude : magnitude;
        i = v;
      } else if (c === 0x74 && sameAscii('true', text, i, i + 4)) {
        value = true;
        i += 4;
      } else if (c === 0x66 && sameAscii('false', text, i, i + 5)) {
        value = false;
        i += 5;
      } else if (c === 0x6e && sameAscii('null', text, i, i + 4)) {
        value = null;
        i += 4;
      } else {
        return false;
      }
      record.names[count] = name;
      record.values[count] = value;
      count++;
      while (i < end && isSpace(at(text, i))) i++;
      const next = at(text, i);
      i++;
      if (next === 0x7d) break;
      if (next !== 0x2c) return false;
      while (i < end && isSpace(at(text, i))) i++;
    }
  }
  while (i < end && isSpace(at(text, i))) i++;
  if (i !== end) return false;
  record.count = count;
  return true;
}

/** A field holding a list or an object: not a per-example value. */
const NESTED = Symbol('nested');
/** The id, a string that scanFlatRecord left in the line's bytes (FlatRecord.idBytes). */
const ID_BYTES = Symbol('id bytes');
type Field = number | boolean | string | null | typeof NESTED | typeof ID_BYTES;

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
  const table = new TableReader(file, text, delimiter);
  const parsed = forEachCsvRecord(text, delimiter, { maxRows: MAX_PREDICTION_ROWS + 1, maxColumns: MAX_PREDICTION_COLUMNS + 1 }, table.visit);
  if (!parsed.ok) {
    const at = table.locator.at(parsed.offset);
    return fail(file, at.line, at.column, `Invalid ${format.toUpperCase()}: ${parsed.message}`);
  }
  return table.done();
}

/**
 * A CSV/TSV table read a record at a time (forEachCsvRecord): the header, then each row into the
 * Builder, so that the rows are never held as a table of cell strings (at a million rows that
 * table, not the file, was most of the peak memory).
 */
class TableReader {
  readonly locator: Locator;
  private builder: Builder | null = null;
  private width = 0;
  private idCol = -1;
  private readonly columns: (Column | null)[] = [];
  private failure: ReadResult<never> | null = null;

  constructor(
    private readonly file: string,
    private readonly text: string,
    private readonly delimiter: ',' | '\t',
  ) {
    this.locator = new Locator(text);
  }

  /** forEachCsvRecord's visitor (an arrow function: it is passed detached); false stops at the first error. */
  readonly visit = (cells: string[], offset: number): boolean => {
    this.failure = this.builder ? this.row(this.builder, cells, offset) : this.header(cells);
    return this.failure === null;
  };

  done(): ReadResult<PredictionSet> {
    if (this.failure) return this.failure;
    return this.builder ? this.builder.done() : fail(this.file, 1, 1, 'The per-example results file is empty.');
  }

  private header(cells: string[]): ReadResult<never> | null {
    const header = cells.map((h) => h.trim());
    this.width = header.length;
    this.idCol = header.findIndex((h) => h.toLowerCase() === 'id');
    if (this.idCol === -1) return fail(this.file, 1, 1, 'The header has no `id` column.', 'Name the column of example ids `id` so base and head can be paired.');
    // At most a row per line after the header: the columns are allocated once at their size.
    const b = new Builder(this.file, Math.max(0, lineCount(this.text) - 1));
    for (let c = 0; c < header.length; c++) {
      if (c === this.idCol) {
        this.columns.push(null);
        continue;
      }
      const col = b.column(header[c]!, 1, 1);
      if (!('values' in col)) return col;
      this.columns.push(col);
    }
    this.builder = b;
    return null;
  }

  private row(b: Builder, row: string[], offset: number): ReadResult<never> | null {
    const { file, locator } = this;
    const at = locator.at(offset);
    if (row.length !== this.width) {
      return fail(file, at.line, at.column, `This row has ${row.length} columns but the header has ${this.width}.`, 'Quote values that contain the delimiter.');
    }
    const id = row[this.idCol]!.trim();
    if (id === '') {
      const cell = locator.at(this.cellOffset(offset, this.idCol));
      return fail(file, cell.line, cell.column, 'This row has an empty `id`.', 'Give every example an id.');
    }
    const bad = b.row(id, at.line, at.column);
    if (bad) return bad;
    for (let c = 0; c < row.length; c++) {
      const col = this.columns[c];
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
        col.textAt = locator.at(this.cellOffset(offset, c));
      }
    }
    return null;
  }

  private cellOffset(rowOffset: number, cell: number): number {
    return cellOffsets(this.text, rowOffset, this.delimiter)[cell]!;
  }
}

/** Lines in text (the last one need not end with a newline). */
function lineCount(text: string): number {
  let lines = text.length > 0 && !text.endsWith('\n') ? 1 : 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines++;
  return lines;
}
