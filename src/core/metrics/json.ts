import { decodeJsonString } from '../common/json-string.js';
import { addScalar, flatKey, noteList, TooManyMetricsError, type MetricCollector, type Scope } from './flatten.js';
import type { Notes } from './notes.js';
import type { Locator } from './text.js';
import { MAX_DEPTH, MAX_NODES, type Tree, type TreeEntry } from './tree.js';

/**
 * A JSON parser that keeps positions and accepts the bare `NaN`, `Infinity` and `-Infinity`
 * tokens Python's `json` module writes (they are not JSON, but eval scripts produce them and
 * we must report them, not choke on them or turn them into null). Everything else is strict
 * JSON, with errors that say what was expected where.
 */
export type JsonResult = { ok: true; tree: Tree } | { ok: false; offset: number; message: string };

class JsonSyntaxError extends Error {
  constructor(
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

export function parseJsonTree(text: string): JsonResult {
  const parser = new Parser(text);
  try {
    parser.skipSpace();
    const tree = parser.value(0);
    parser.skipSpace();
    if (parser.pos < text.length) parser.fail(`Unexpected ${parser.describe()} after the end of the JSON value.`);
    return { ok: true, tree };
  } catch (e) {
    if (e instanceof JsonSyntaxError) return { ok: false, offset: e.offset, message: e.message };
    throw e;
  }
}

/** Where a streamed read puts what it finds. */
interface FlatSink {
  collector: MetricCollector;
  notes: Notes;
  locator: Locator;
}

/** The top-level keys that make a JSON document a model card (see cards.ts), by the kind of their last value. */
const CARD_KEYS = new Set(['model-index', 'quantitative_analysis', 'model_details', 'schema_version']);

/**
 * Reads a JSON object of metrics straight into `collector`, as `flattenTree(parseJsonTree(text))`
 * would, without building the tree: at 100,000 metrics the tree was most of what the garbage
 * collector copied, and made reading superlinear (issue 12). This is only the fast path for
 * the common case. `null` means "read it the general way" — the text is not an object, is
 * invalid, too large or too deep (so the general way reports it, in its words), or is a model
 * card (`'card'`: the card readers need the tree). Either way, the collector and notes given
 * here must then be discarded.
 */
export function streamJsonMetrics(text: string, collector: MetricCollector, notes: Notes, locator: Locator): 'metrics' | 'card' | null {
  const parser = new Parser(text);
  try {
    parser.skipSpace();
    if (text[parser.pos] !== '{') return null;
    if (++parser.nodes > MAX_NODES) return null;
    const top = new Map<string, Tree['kind']>();
    parser.flatObject(1, '', { collector, notes, locator }, top);
    parser.skipSpace();
    if (parser.pos < text.length) return null;
    const kind = (key: string) => top.get(key);
    const card = kind('model-index') === 'list' || kind('quantitative_analysis') === 'map' || (kind('model_details') === 'map' && top.has('schema_version'));
    return card ? 'card' : 'metrics';
  } catch (e) {
    if (e instanceof JsonSyntaxError || e instanceof TooManyMetricsError) return null;
    throw e;
  }
}

const isDigit = (c: number) => c >= 0x30 && c <= 0x39;

/**
 * The end of the longest JSON number at `start` — the match of
 * `-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?` — or -1 when there is none. Scanned by hand:
 * a regex match allocates an array and a string for each of a file's 100,000 numbers (issue 12).
 */
function numberEnd(text: string, start: number): number {
  let i = start;
  if (text.charCodeAt(i) === 0x2d /* - */) i++;
  const first = text.charCodeAt(i);
  if (first === 0x30 /* 0 */) i++;
  else if (isDigit(first)) while (isDigit(text.charCodeAt(i))) i++;
  else return -1;
  if (text.charCodeAt(i) === 0x2e /* . */ && isDigit(text.charCodeAt(i + 1))) {
    i += 2;
    while (isDigit(text.charCodeAt(i))) i++;
  }
  const e = text.charCodeAt(i);
  if (e === 0x65 /* e */ || e === 0x45 /* E */) {
    let j = i + 1;
    const sign = text.charCodeAt(j);
    if (sign === 0x2b /* + */ || sign === 0x2d /* - */) j++;
    if (isDigit(text.charCodeAt(j))) {
      while (isDigit(text.charCodeAt(j))) j++;
      i = j;
    }
  }
  return i;
}

/** 10^0 … 10^22: the powers of ten a double holds exactly. */
const POW10 = Array.from({ length: 23 }, (_, k) => Number(`1e${k}`));

/**
 * The value of the JSON number in `text` from `start` to `end` (see numberEnd), as
 * `Number(text.slice(start, end))` gives it, without the slice for the usual metric (issue 12).
 * Digits without an exponent whose integer (the digits without the point) is at most 2^53 and
 * whose fraction has at most 22 digits are that integer divided by a power of ten: both are
 * exact doubles, so the one division rounds correctly — the fast path of Clinger, "How to Read
 * Floating Point Numbers Accurately" (PLDI 1990). Anything else goes to `Number`.
 */
export function decimalValue(text: string, start: number, end: number): number {
  let i = start;
  const negative = text.charCodeAt(i) === 0x2d; /* - */
  if (negative) i++;
  let integer = 0;
  let fraction = 0;
  let c = text.charCodeAt(i);
  while (i < end && isDigit(c)) {
    integer = integer * 10 + (c - 0x30);
    c = text.charCodeAt(++i);
  }
  if (i < end && c === 0x2e /* . */) {
    c = text.charCodeAt(++i);
    while (i < end && isDigit(c)) {
      integer = integer * 10 + (c - 0x30);
      fraction++;
      c = text.charCodeAt(++i);
    }
  }
  // An exponent, a fraction beyond 10^22, or more digits than a double holds: the slow way.
  // (The integer only grows, so one past 2^53 on the way stays past it.)
  if (i < end || fraction > 22 || integer > Number.MAX_SAFE_INTEGER) return Number(text.slice(start, end));
  const value = fraction === 0 ? integer : integer / POW10[fraction]!;
  return negative ? -value : value;
}

class Parser {
  pos = 0;
  nodes = 0;

  constructor(private readonly text: string) {}

  fail(message: string, offset = this.pos): never {
    throw new JsonSyntaxError(offset, message);
  }

  describe(): string {
    if (this.pos >= this.text.length) return 'end of file';
    const ch = this.text[this.pos]!;
    return /\s/.test(ch) ? 'whitespace' : `character ${JSON.stringify(ch)}`;
  }

  skipSpace(): void {
    const text = this.text;
    for (;;) {
      const c = text.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) this.pos++;
      else if (c === 0x2f && (text[this.pos + 1] === '/' || text[this.pos + 1] === '*')) this.fail('JSON does not allow comments.');
      else return;
    }
  }

  value(depth: number): Tree {
    if (++this.nodes > MAX_NODES) this.fail(`The document has over ${MAX_NODES.toLocaleString('en-US')} values.`);
    const text = this.text;
    const offset = this.pos;
    const c = text[offset];
    switch (c) {
      case '{':
        return this.object(depth + 1);
      case '[':
        return this.array(depth + 1);
      case '"':
        return { kind: 'string', value: this.string(), offset };
      case 't':
        return this.word('true', { kind: 'bool', value: true, offset });
      case 'f':
        return this.word('false', { kind: 'bool', value: false, offset });
      case 'n':
        return this.word('null', { kind: 'null', offset });
      case 'N':
        return this.word('NaN', { kind: 'number', value: NaN, offset });
      case 'I':
        return this.word('Infinity', { kind: 'number', value: Infinity, offset });
      case undefined:
        return this.fail('Unexpected end of file; expected a value.');
      default: {
        if (c === '-' && text.startsWith('-Infinity', offset)) {
          return this.word('-Infinity', { kind: 'number', value: -Infinity, offset });
        }
        const end = numberEnd(text, offset);
        if (end === -1) {
          if (c === "'") this.fail('JSON strings use double quotes, not single quotes.');
          return this.fail(`Unexpected ${this.describe()}; expected a value.`);
        }
        this.pos = end;
        return { kind: 'number', value: Number(text.slice(offset, end)), offset };
      }
    }
  }

  /**
   * `object(depth)` then `walk` in flatten.ts, in one pass: the same grammar, limits and order
   * of metrics and notes. Errors need no words (the caller reads the text again to report them).
   */
  flatObject(depth: number, prefix: string, sink: FlatSink, top: Map<string, Tree['kind']> | null): void {
    if (depth > MAX_DEPTH) this.fail('too deep');
    const text = this.text;
    const collector = sink.collector;
    this.pos++;
    this.skipSpace();
    if (text[this.pos] === '}') {
      this.pos++;
      return;
    }
    // Duplicates are checked within this object (see MetricCollector): its scalars' flat keys,
    // and the keys of its objects — an object's key given twice merges two objects' metrics.
    const scope: Scope | null = collector.scoped ? new Map() : null;
    let objects: Set<string> | null = null;
    for (;;) {
      if (text[this.pos] !== '"') this.fail('expected a key');
      const key = this.string();
      // `{"a.b": 1, "a": {"b": 2}}` and `{"": {"a": 1}, "a": 2}` flatten two paths to one name.
      if (collector.scoped && (key === '' || key.includes('.'))) collector.checkEverywhere();
      this.skipSpace();
      if (text[this.pos] !== ':') this.fail('expected ":"');
      this.pos++;
      this.skipSpace();
      const flat = flatKey(prefix, key);
      if (text[this.pos] === '{' && collector.scoped) {
        objects ??= new Set();
        if (objects.has(flat)) collector.checkEverywhere();
        else objects.add(flat);
      }
      const kind = this.flatValue(depth, flat, sink, scope);
      if (top !== null && CARD_KEYS.has(key)) top.set(key, kind);
      this.skipSpace();
      const next = text[this.pos];
      if (next === ',') {
        this.pos++;
        this.skipSpace();
      } else if (next === '}') {
        this.pos++;
        return;
      } else {
        this.fail('expected "," or "}"');
      }
    }
  }

  /** `value(depth)` for the value of `key`, into the sink; returns its kind. */
  private flatValue(depth: number, key: string, sink: FlatSink, scope: Scope | null): Tree['kind'] {
    const offset = this.pos;
    const c = this.text[offset];
    if (c === '{') {
      if (++this.nodes > MAX_NODES) this.fail('too many values');
      this.flatObject(depth + 1, key, sink, null);
      return 'map';
    }
    if (c === '[') {
      // Lists are not metrics, and rare: read one as a tree, to count its items.
      const list = this.value(depth);
      noteList(key, list.kind === 'list' ? list.items.length : 0, offset, sink.notes, sink.locator);
      return 'list';
    }
    const text = this.text;
    const code = text.charCodeAt(offset);
    if (isDigit(code) || (code === 0x2d /* - */ && isDigit(text.charCodeAt(offset + 1)))) {
      // The usual metric, read without a tree node (value() below reads the rest).
      if (++this.nodes > MAX_NODES) this.fail('too many values');
      const end = numberEnd(text, offset);
      this.pos = end;
      sink.collector.addNumber(key, decimalValue(text, offset, end), offset, scope);
      return 'number';
    }
    const value = this.value(depth);
    if (value.kind !== 'map' && value.kind !== 'list') addScalar(key, value, sink.collector, scope);
    return value.kind;
  }

  private word(word: string, tree: Tree): Tree {
    if (!this.text.startsWith(word, this.pos)) this.fail(`Unexpected ${this.describe()}; expected a value.`);
    this.pos += word.length;
    return tree;
  }

  private object(depth: number): Tree {
    const offset = this.pos;
    if (depth > MAX_DEPTH) this.fail(`Objects and arrays are nested more than ${MAX_DEPTH} levels deep.`);
    this.pos++;
    const entries: TreeEntry[] = [];
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return { kind: 'map', entries, offset };
    }
    for (;;) {
      if (this.text[this.pos] !== '"') {
        if (this.text[this.pos] === '}' && entries.length) this.fail('Trailing comma before "}"; JSON does not allow it.', this.pos);
        this.fail(`Unexpected ${this.describe()}; expected a key in double quotes.`);
      }
      const keyOffset = this.pos;
      const key = this.string();
      this.skipSpace();
      if (this.text[this.pos] !== ':') this.fail(`Unexpected ${this.describe()}; expected ":" after the key.`);
      this.pos++;
      this.skipSpace();
      entries.push({ key, value: this.value(depth), offset: keyOffset });
      this.skipSpace();
      const next = this.text[this.pos];
      if (next === ',') {
        this.pos++;
        this.skipSpace();
      } else if (next === '}') {
        this.pos++;
        return { kind: 'map', entries, offset };
      } else {
        this.fail(`Unexpected ${this.describe()}; expected "," or "}".`);
      }
    }
  }

  private array(depth: number): Tree {
    const offset = this.pos;
    if (depth > MAX_DEPTH) this.fail(`Objects and arrays are nested more than ${MAX_DEPTH} levels deep.`);
    this.pos++;
    const items: Tree[] = [];
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return { kind: 'list', items, offset };
    }
    for (;;) {
      if (this.text[this.pos] === ']' && items.length) this.fail('Trailing comma before "]"; JSON does not allow it.');
      items.push(this.value(depth));
      this.skipSpace();
      const next = this.text[this.pos];
      if (next === ',') {
        this.pos++;
        this.skipSpace();
      } else if (next === ']') {
        this.pos++;
        return { kind: 'list', items, offset };
      } else {
        this.fail(`Unexpected ${this.describe()}; expected "," or "]".`);
      }
    }
  }

  private string(): string {
    // Most strings (keys) have no escape: one scan, one slice, no result object (issue 12).
    const text = this.text;
    const start = this.pos + 1;
    for (let i = start; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 0x22 /* " */) {
        this.pos = i + 1;
        return text.slice(start, i);
      }
      if (c === 0x5c /* \ */ || c < 0x20) break;
    }
    const read = decodeJsonString(this.text, this.pos);
    if (read.ok) {
      this.pos = read.end;
      return read.value;
    }
    switch (read.kind) {
      case 'unterminated':
        return this.fail('Unterminated string.', read.offset);
      case 'control-character':
        return this.fail('Control character in a string; escape it (e.g. \\n).', read.offset);
      case 'bad-unicode-escape':
        return this.fail('Invalid \\u escape; expected four hex digits.', read.offset);
      case 'bad-escape':
        return this.fail(`Invalid escape "${read.escape}" in a string.`, read.offset);
    }
  }
}
