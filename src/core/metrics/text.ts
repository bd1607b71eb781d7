import type { MetricsInputError, ReadResult } from './types.js';

/** Size caps: a metrics file is small; per-example results can be large but not unbounded. */
export const MAX_METRICS_BYTES = 10 * 1024 * 1024;
export const MAX_PREDICTIONS_BYTES = 200 * 1024 * 1024;

const MIB = 1024 * 1024;

/**
 * Turns file bytes into text: UTF-8 (BOM stripped) or UTF-16 with a BOM. Binary files and
 * invalid UTF-8 are errors that say so, rather than garbage that fails to parse later.
 */
export function decodeText(file: string, content: Uint8Array | string, maxBytes: number): ReadResult<string> {
  const size = typeof content === 'string' ? content.length : content.byteLength;
  if (size > maxBytes) {
    return fail(file, 1, 1, `The file is ${(size / MIB).toFixed(1)} MiB, over the ${maxBytes / MIB} MiB limit.`, 'Write fewer values, or split the file.');
  }
  if (typeof content === 'string') return { ok: true, value: content.charCodeAt(0) === 0xfeff ? content.slice(1) : content };

  let text: string;
  if (content[0] === 0xff && content[1] === 0xfe) {
    text = new TextDecoder('utf-16le').decode(content.subarray(2));
  } else if (content[0] === 0xfe && content[1] === 0xff) {
    text = new TextDecoder('utf-16be').decode(content.subarray(2));
  } else {
    const nul = content.indexOf(0);
    if (nul !== -1) {
      const at = locateBytes(content, nul);
      return fail(file, at.line, at.column, 'The file is binary (it contains a NUL byte), not text.', 'Give a JSON, YAML, CSV or Markdown file.');
    }
    try {
      text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(content);
    } catch {
      return fail(file, 1, 1, 'The file is not valid UTF-8.', 'Save it as UTF-8.');
    }
  }
  return { ok: true, value: text };
}

/** Maps offsets in a text to 1-based line and column (columns count UTF-16 code units). */
export class Locator {
  private starts: number[] | null = null;
  /** The line (0-based) of the last lookup: readers ask in file order, so the next is nearly always it or the one after. */
  private last = 0;

  constructor(
    private readonly text: string,
    /** Lines before this text in the file (a card's front matter starts on line 2). */
    private readonly lineOffset = 0,
  ) {}

  at(offset: number): { line: number; column: number } {
    return { line: this.lineAt(offset), column: this.columnAt(offset) };
  }

  /** `at(offset).line`, without the object: readers ask for every metric (issue 12). */
  lineAt(offset: number): number {
    const starts = (this.starts ??= lineStarts(this.text));
    const line = this.lineOf(starts, offset);
    this.last = line;
    return line + 1 + this.lineOffset;
  }

  /** `at(offset).column`; right after `lineAt` of the same offset it costs one comparison. */
  columnAt(offset: number): number {
    const starts = (this.starts ??= lineStarts(this.text));
    const line = this.lineOf(starts, offset);
    this.last = line;
    return offset - starts[line]! + 1;
  }

  private lineOf(starts: number[], offset: number): number {
    // A 100,000-metric file asks 100,000 times; checking the last line and the next before
    // searching makes that linear rather than a binary search each time.
    const last = this.last;
    if (starts[last]! <= offset) {
      if (last + 1 === starts.length || offset < starts[last + 1]!) return last;
      if (last + 2 === starts.length || offset < starts[last + 2]!) return last + 1;
    }
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function locateBytes(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      start = i + 1;
    }
  }
  return { line, column: offset - start + 1 };
}

export function fail<T>(file: string, line: number, column: number, message: string, hint?: string): ReadResult<T> {
  const error: MetricsInputError = { file, line, column, message };
  if (hint) error.hint = hint;
  return { ok: false, error };
}
