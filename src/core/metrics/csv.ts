/**
 * RFC 4180 CSV (and TSV with a tab delimiter): quoted fields with "" escapes, embedded
 * delimiters and line breaks, LF or CRLF. Blank lines are skipped. Rows keep the offset they
 * start at, so errors can name a line; a cell's column is recomputed only when needed.
 */
export interface CsvTable {
  rows: string[][];
  /** Offset of the first character of each row. */
  offsets: number[];
}

export type CsvResult = { ok: true; table: CsvTable } | { ok: false; offset: number; message: string };

class CsvSyntaxError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

export interface CsvLimits {
  maxRows: number;
  maxColumns: number;
}

export function parseCsv(text: string, delimiter: ',' | '\t', limits: CsvLimits): CsvResult {
  const rows: string[][] = [];
  const offsets: number[] = [];
  const read = forEachCsvRecord(text, delimiter, limits, (cells, offset) => {
    rows.push(cells);
    offsets.push(offset);
    return true;
  });
  return read.ok ? { ok: true, table: { rows, offsets } } : read;
}

/**
 * Calls `visit` with each record (blank lines skipped) and the offset it starts at, in file
 * order, keeping none: a per-example table of a million rows is read a row at a time instead of
 * held whole as rows of cell strings, which took many times the file's own size at the peak.
 * `visit` returns false to stop reading. Errors are parseCsv's, for the first bad record.
 */
export function forEachCsvRecord(
  text: string,
  delimiter: ',' | '\t',
  limits: CsvLimits,
  visit: (cells: string[], offset: number) => boolean,
): { ok: true } | { ok: false; offset: number; message: string } {
  let pos = 0;
  let records = 0;
  try {
    while (pos < text.length) {
      const start = pos;
      const record = readRecord(text, pos, delimiter, null);
      pos = record.next;
      if (record.cells.length === 1 && record.cells[0]!.trim() === '') continue;
      if (record.cells.length > limits.maxColumns) {
        throw new CsvSyntaxError(start, `A row has ${record.cells.length} columns, over the limit of ${limits.maxColumns.toLocaleString('en-US')}.`);
      }
      if (records >= limits.maxRows) {
        throw new CsvSyntaxError(start, `The file has over ${limits.maxRows.toLocaleString('en-US')} rows.`);
      }
      records++;
      if (!visit(record.cells, start)) break;
    }
  } catch (e) {
    if (e instanceof CsvSyntaxError) return { ok: false, offset: e.offset, message: e.message };
    throw e;
  }
  return { ok: true };
}

/** Offsets of the cells of the row starting at `rowOffset` (for positions in notes and errors). */
export function cellOffsets(text: string, rowOffset: number, delimiter: ',' | '\t'): number[] {
  const offsets: number[] = [];
  readRecord(text, rowOffset, delimiter, offsets);
  return offsets;
}

/** The delimiter a file most likely uses: tabs if its first line has any, else commas. */
export function sniffDelimiter(text: string): ',' | '\t' {
  const end = text.indexOf('\n');
  const first = end === -1 ? text : text.slice(0, end);
  return first.split('\t').length > first.split(',').length ? '\t' : ',';
}

function readRecord(text: string, pos: number, delimiter: string, offsets: number[] | null): { cells: string[]; next: number } {
  const cells: string[] = [];
  const delim = delimiter.charCodeAt(0);
  for (;;) {
    offsets?.push(pos);
    if (text.charCodeAt(pos) === 0x22) {
      const open = pos;
      let value = '';
      let chunk = pos + 1;
      pos++;
      for (;;) {
        const close = text.indexOf('"', pos);
        if (close === -1) throw new CsvSyntaxError(open, 'A quoted field is never closed (a " is missing).');
        if (text.charCodeAt(close + 1) === 0x22) {
          value += text.slice(chunk, close + 1);
          pos = close + 2;
          chunk = pos;
          continue;
        }
        value += text.slice(chunk, close);
        pos = close + 1;
        break;
      }
      cells.push(value);
      const c = text.charCodeAt(pos);
      if (c === delim) {
        pos++;
        continue;
      }
      if (Number.isNaN(c)) return { cells, next: pos };
      if (c === 0x0a) return { cells, next: pos + 1 };
      if (c === 0x0d && text.charCodeAt(pos + 1) === 0x0a) return { cells, next: pos + 2 };
      throw new CsvSyntaxError(pos, `Unexpected ${JSON.stringify(text[pos])} after a closing quote; expected a delimiter or the end of the line.`);
    }
    let end = pos;
    let c = text.charCodeAt(end);
    while (c === c && c !== delim && c !== 0x0a) c = text.charCodeAt(++end); // c !== c only for NaN: end of text
    const cellEnd = c === 0x0a && text.charCodeAt(end - 1) === 0x0d ? end - 1 : end;
    cells.push(text.slice(pos, Math.max(pos, cellEnd)));
    if (c === delim) {
      pos = end + 1;
      continue;
    }
    return { cells, next: Number.isNaN(c) ? end : end + 1 };
  }
}
