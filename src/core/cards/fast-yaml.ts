import { Alias, isAlias, LineCounter, Pair, Scalar, YAMLMap, YAMLSeq, type Node } from 'yaml';
import { COLLECTION_COST, MAX_DEPTH, MAX_METADATA_NODES } from './limits.js';

/**
 * A fast parser for the plain subset of YAML that model card metadata is almost always written
 * in: block mappings and sequences, one-line plain and quoted scalars, one-line flow collections
 * (nested, of scalars), anchors and aliases with plain names, and comments. It builds the same
 * nodes (with the same values, types, anchors and start offsets) as the `yaml` package, which is
 * several times slower on large cards (a 60 KB `model-index` takes ~30 ms there) and has to stop
 * at a work budget (parse-yaml.ts).
 *
 * Anything outside the subset — and anything that might be a syntax error — makes it give up
 * (return null), and the caller parses with `yaml`, which then reports errors with its own
 * messages. So the fast path never decides that the syntax is wrong; duplicate keys, which `yaml`
 * keeps too, are reported by the caller for either parser. A differential test holds it to
 * `yaml`'s output.
 */
export interface FastParse {
  root: Node | null;
  counter: LineCounter;
  /**
   * Where the line starts on which the metadata passed MAX_METADATA_NODES nodes, if it did; the
   * rest is not read (and `root` is null). Building a node costs about a microsecond, and 1 MiB
   * holds up to a million of them (`[[[[]]]]`), so the work stops there.
   */
  overBudgetAt: number | null;
  /** Keys equal (by value) to an earlier key of the same mapping; `yaml` keeps them too. */
  duplicates: Scalar[];
}

interface MapFrame {
  kind: 'map';
  indent: number;
  node: YAMLMap;
  /** The last pair, while its value is still to come on the following lines. */
  pending: Pair | null;
  /** Offset after the pending pair's `:` and spaces, where `yaml` places an empty value. */
  pendingAt: number;
  /** `key: &name` at the end of the line: the anchor of the block collection that follows. */
  pendingAnchor: string | null;
  keys: Set<unknown>;
}

interface SeqFrame {
  kind: 'seq';
  indent: number;
  node: YAMLSeq;
  /** The last item was a bare `-`: its value is still to come. */
  pending: boolean;
  pendingAt: number;
  pendingAnchor: string | null;
}

type Frame = MapFrame | SeqFrame;

class GiveUp extends Error {}
const GIVE_UP = new GiveUp();
class OverBudget extends Error {}
const OVER_BUDGET = new OverBudget();

// Characters that cannot start a plain scalar (YAML 1.2 c-indicator), except `-?:`, which can
// when followed by a non-space.
const INDICATORS = new Set([',', '[', ']', '{', '}', '#', '&', '*', '!', '|', '>', "'", '"', '%', '@', '`']);
// eslint-disable-next-line no-control-regex
const AWKWARD_CHARS = /[\t\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff]|\r(?!\n)/;

const MAX_IMPLICIT_KEY = 1024;

export function fastParse(text: string): FastParse | null {
  if (AWKWARD_CHARS.test(text)) return null;
  const parser = new FastParser(text);
  try {
    return parser.parse();
  } catch (e) {
    if (e === GIVE_UP) return null;
    if (e === OVER_BUDGET) return parser.overBudget();
    throw e;
  }
}

class FastParser {
  private readonly counter = new LineCounter();
  private readonly stack: Frame[] = [];
  private root: Node | null = null;
  private rootSet = false;
  /** End (exclusive) of the current line's content, without its line break. */
  private eol = 0;
  private lineStart = 0;
  private nodes = 0;
  private readonly duplicates: Scalar[] = [];

  constructor(private readonly text: string) {}

  /** Counts `n` new nodes against MAX_METADATA_NODES. */
  private grow(n = 1): void {
    this.nodes += n;
    if (this.nodes > MAX_METADATA_NODES) throw OVER_BUDGET;
  }

  /** Notes `key` in its mapping's keys; a repeat is a duplicate (compared as parse-yaml's walk compares them). */
  private seen(keys: Set<unknown>, key: Scalar): void {
    if (keys.has(key.value)) this.duplicates.push(key);
    else keys.add(key.value);
  }

  overBudget(): FastParse {
    return { root: null, counter: this.counter, overBudgetAt: this.lineStart, duplicates: [] };
  }

  parse(): FastParse {
    const { text } = this;
    let pos = 0;
    for (;;) {
      this.counter.addNewLine(pos);
      let nl = text.indexOf('\n', pos);
      if (nl === -1) nl = text.length;
      let end = nl;
      if (end > pos && text.charCodeAt(end - 1) === 13) end--;
      this.lineStart = pos;
      this.eol = end;
      this.line(pos, end);
      if (nl >= text.length) break;
      pos = nl + 1;
    }
    while (this.stack.length > 0) this.close();
    return { root: this.root, counter: this.counter, overBudgetAt: null, duplicates: this.duplicates };
  }

  private push(frame: Frame): void {
    // Deep nesting is for the full parser to measure and report.
    if (this.stack.length >= MAX_DEPTH - 1) throw GIVE_UP;
    this.stack.push(frame);
  }

  private line(start: number, end: number): void {
    const { text } = this;
    let i = start;
    while (i < end && text.charCodeAt(i) === 32) i++;
    if (i === end || text[i] === '#') return; // blank or comment-only
    const col = i - start;
    if (col === 0 && (text.startsWith('---', i) || text.startsWith('...', i))) throw GIVE_UP;

    const seqItem = text[i] === '-' && (i + 1 === end || text[i + 1] === ' ');
    while (this.stack.length > 0 && this.top().indent > col) this.close();
    const top = this.stack[this.stack.length - 1];
    if (top && top.kind === 'seq' && top.indent === col && !seqItem) {
      // A sequence can sit at its parent key's indentation; a key line there ends it.
      const below = this.stack[this.stack.length - 2];
      if (!below || below.kind !== 'map' || below.indent !== col) throw GIVE_UP;
      this.close();
    }
    if (seqItem) this.seqItem(col, i);
    else this.keyLine(col, i);
  }

  private top(): Frame {
    return this.stack[this.stack.length - 1]!;
  }

  private seqItem(col: number, i: number): void {
    const { text, eol } = this;
    let frame = this.stack[this.stack.length - 1];
    if (frame && frame.kind === 'seq' && frame.indent === col) {
      if (frame.pending) this.fillPending(frame);
    } else {
      this.grow(COLLECTION_COST);
      const seq = new YAMLSeq();
      seq.range = [i, i, i];
      this.attach(seq, col);
      frame = { kind: 'seq', indent: col, node: seq, pending: false, pendingAt: 0, pendingAnchor: null };
      this.push(frame);
    }
    const seqFrame = frame as SeqFrame;
    let j = i + 1;
    while (j < eol && text.charCodeAt(j) === 32) j++;
    if (j === eol || text[j] === '#') {
      seqFrame.pending = true;
      seqFrame.pendingAt = j;
      return;
    }
    if (text[j] === '-' && (j + 1 === eol || text[j + 1] === ' ')) throw GIVE_UP; // `- - x`
    const anchor = this.anchor(j);
    if (anchor) {
      if (anchor.next === eol) {
        seqFrame.pending = true;
        seqFrame.pendingAt = anchor.next;
        seqFrame.pendingAnchor = anchor.name;
      } else {
        seqFrame.node.items.push(withAnchor(this.value(anchor.next), anchor.name));
      }
      return;
    }
    const key = this.key(j);
    if (key) {
      this.grow(COLLECTION_COST);
      const map = new YAMLMap();
      map.range = [j, j, j];
      seqFrame.node.items.push(map);
      const mapFrame: MapFrame = { kind: 'map', indent: j - this.lineStart, node: map, pending: null, pendingAt: 0, pendingAnchor: null, keys: new Set() };
      this.push(mapFrame);
      this.pair(mapFrame, key.node, key.valueStart);
    } else {
      seqFrame.node.items.push(this.value(j));
    }
  }

  private keyLine(col: number, i: number): void {
    const key = this.key(i);
    if (!key) throw GIVE_UP; // a bare scalar line: a root scalar, a continuation, or an error
    let frame = this.stack[this.stack.length - 1];
    if (frame && frame.kind === 'map' && frame.indent === col) {
      if (frame.pending) this.fillPending(frame);
    } else {
      this.grow(COLLECTION_COST);
      const map = new YAMLMap();
      map.range = [i, i, i];
      this.attach(map, col);
      frame = { kind: 'map', indent: col, node: map, pending: null, pendingAt: 0, pendingAnchor: null, keys: new Set() };
      this.push(frame);
    }
    this.pair(frame as MapFrame, key.node, key.valueStart);
  }

  /** Makes a new block collection the value of the open pair or item above it (or the root). */
  private attach(node: YAMLMap | YAMLSeq, col: number): void {
    const top = this.stack[this.stack.length - 1];
    if (!top) {
      if (this.rootSet) throw GIVE_UP;
      this.root = node;
      this.rootSet = true;
      return;
    }
    if (top.kind === 'map' && top.pending && (col > top.indent || (col === top.indent && node instanceof YAMLSeq))) {
      top.pending.value = withAnchor(node, top.pendingAnchor);
      top.pending = null;
      top.pendingAnchor = null;
      return;
    }
    if (top.kind === 'seq' && top.pending && col > top.indent) {
      top.node.items.push(withAnchor(node, top.pendingAnchor));
      top.pending = false;
      top.pendingAnchor = null;
      return;
    }
    throw GIVE_UP;
  }

  private pair(frame: MapFrame, key: Scalar, valueStart: number): void {
    // A duplicate key is kept, as `yaml` keeps it (with uniqueKeys off); the caller reports it.
    this.seen(frame.keys, key);
    this.grow();
    const pair = new Pair(key);
    frame.node.items.push(pair);
    const { text, eol } = this;
    let j = valueStart;
    while (j < eol && text.charCodeAt(j) === 32) j++;
    if (j === eol || text[j] === '#') {
      frame.pending = pair;
      frame.pendingAt = j;
      return;
    }
    const anchor = this.anchor(j);
    if (!anchor) {
      pair.value = this.value(j);
    } else if (anchor.next === eol) {
      frame.pending = pair;
      frame.pendingAt = anchor.next;
      frame.pendingAnchor = anchor.name;
    } else {
      pair.value = withAnchor(this.value(anchor.next), anchor.name);
    }
  }

  /**
   * An anchor `&name` at `j`, if there is one: its name and where its node starts (after spaces),
   * which is the end of the line when the node is a block collection on the lines below. Names
   * are held to a plain alphabet, and a comment after an anchor is left to `yaml`.
   */
  private anchor(j: number): { name: string; next: number } | null {
    const { text, eol } = this;
    if (text[j] !== '&') return null;
    const end = nameEnd(text, j + 1, eol);
    if (end === j + 1 || (end < eol && text[end] !== ' ')) throw GIVE_UP;
    const next = this.spaces(end);
    if (text[next] === '#' || text[next] === '&' || text[next] === '*') throw GIVE_UP;
    return { name: text.slice(j + 1, end), next };
  }

  /** An alias `*name` at `j`; in a flow collection a `,` or closing bracket may follow it directly. */
  private alias(j: number, inFlow: boolean): { node: Alias; end: number } {
    const { text, eol } = this;
    const end = nameEnd(text, j + 1, eol);
    const next = text[end];
    if (end === j + 1 || (end < eol && next !== ' ' && !(inFlow && (next === ',' || next === ']' || next === '}')))) throw GIVE_UP;
    this.grow();
    const node = new Alias(text.slice(j + 1, end));
    node.range = [j, end, end];
    return { node, end };
  }

  private fillPending(frame: Frame): void {
    if (frame.pendingAnchor !== null) throw GIVE_UP; // an anchored empty value
    this.grow();
    const empty = emptyScalar(frame.pendingAt);
    if (frame.kind === 'map') {
      frame.pending!.value = empty;
      frame.pending = null;
    } else {
      frame.node.items.push(empty);
      frame.pending = false;
    }
  }

  private close(): void {
    const frame = this.stack.pop()!;
    if (frame.pending) this.fillPending(frame);
    const range = frame.node.range!;
    range[1] = range[2] = this.lineStart;
  }

  /** An implicit key starting at `i` on the current line: its node and where its value starts. */
  private key(i: number): { node: Scalar; valueStart: number } | null {
    const { text, eol } = this;
    const ch = text[i]!;
    if (ch === '"' || ch === "'") {
      const q = ch === '"' ? this.doubleQuoted(i) : this.singleQuoted(i);
      if (text[q.end] !== ':' || (q.end + 1 < eol && text[q.end + 1] !== ' ')) return null;
      if (q.end - i > MAX_IMPLICIT_KEY) throw GIVE_UP;
      return { node: q.node, valueStart: q.end + 1 };
    }
    if (startsIndicator(text, i, eol)) return null;
    for (let k = i; k < eol; k++) {
      const c = text.charCodeAt(k);
      if (c === 35 /* # */ && text.charCodeAt(k - 1) === 32) return null; // a comment before any `: `
      if (c === 58 /* : */ && (k + 1 === eol || text.charCodeAt(k + 1) === 32)) {
        let keyEnd = k;
        while (text.charCodeAt(keyEnd - 1) === 32) keyEnd--;
        if (k - i > MAX_IMPLICIT_KEY) throw GIVE_UP;
        this.grow();
        return { node: plainScalar(text.slice(i, keyEnd), i, keyEnd), valueStart: k + 1 };
      }
    }
    return null;
  }

  /** The value node starting at `j` (not blank, not a comment) and running to the end of the line. */
  private value(j: number): Node {
    const { text, eol } = this;
    const ch = text[j]!;
    if (ch === '"' || ch === "'") {
      const q = ch === '"' ? this.doubleQuoted(j) : this.singleQuoted(j);
      this.expectLineEnd(q.end);
      return q.node;
    }
    if (ch === '[' || ch === '{') {
      const flow = this.flow(j, 0);
      this.expectLineEnd(flow.end);
      return flow.node;
    }
    if (ch === '*') {
      const alias = this.alias(j, false);
      this.expectLineEnd(alias.end);
      return alias.node;
    }
    if (startsIndicator(text, j, eol)) throw GIVE_UP;
    let end = eol;
    for (let k = j; k < eol; k++) {
      const c = text.charCodeAt(k);
      if (c === 35 /* # */ && text.charCodeAt(k - 1) === 32) {
        end = k;
        break;
      }
      if (c === 58 /* : */ && (k + 1 === eol || text.charCodeAt(k + 1) === 32)) throw GIVE_UP; // a nested mapping
    }
    while (text.charCodeAt(end - 1) === 32) end--;
    this.grow();
    return plainScalar(text.slice(j, end), j, end);
  }

  /**
   * A flow collection on one line, of scalars and flow collections: `[a, "b", 3]`,
   * `{type: accuracy, value: 0.91}`, `[{a: 1}, [b]]`. `j` is at its bracket; `depth` counts the flow
   * collections around it. Returns the node and the offset after its closing bracket.
   */
  private flow(j: number, depth: number): { node: YAMLSeq | YAMLMap; end: number } {
    // Up to MAX_DEPTH levels in all, as `yaml` counts them; deeper is for the full parser to report.
    if (this.stack.length + depth + 1 > MAX_DEPTH) throw GIVE_UP;
    const { text, eol } = this;
    const isMap = text[j] === '{';
    const close = isMap ? '}' : ']';
    this.grow(COLLECTION_COST);
    const map = isMap ? new YAMLMap() : null;
    const keys = isMap ? new Set<unknown>() : null;
    const seq = isMap ? null : new YAMLSeq();
    let k = j + 1;
    for (;;) {
      k = this.spaces(k);
      if (k >= eol) throw GIVE_UP; // continues on the next line
      if (text[k] === close) break;
      if (map) {
        const key = this.flowKey(k);
        const value = this.flowItem(this.spaces(key.end + 1), depth);
        this.grow();
        this.seen(keys!, key.node);
        map.items.push(new Pair(key.node, value.node));
        k = value.end;
      } else {
        const item = this.flowItem(k, depth);
        seq!.items.push(item.node);
        k = item.end;
      }
      k = this.spaces(k);
      if (text[k] === ',') {
        k++;
        continue;
      }
      if (text[k] === close) break;
      throw GIVE_UP;
    }
    const node = map ?? seq!;
    node.flow = true;
    node.range = [j, k + 1, k + 1];
    return { node, end: k + 1 };
  }

  private spaces(k: number): number {
    const { text, eol } = this;
    while (k < eol && text.charCodeAt(k) === 32) k++;
    return k;
  }

  /** A key in a flow mapping, followed by `: `; returns the node and the offset of the `:`. */
  private flowKey(k: number): { node: Scalar; end: number } {
    const { text, eol } = this;
    const ch = text[k]!;
    let node: Scalar;
    let end: number;
    if (ch === '"' || ch === "'") {
      const q = ch === '"' ? this.doubleQuoted(k) : this.singleQuoted(k);
      node = q.node;
      end = q.end;
    } else {
      if (startsIndicator(text, k, eol)) throw GIVE_UP;
      end = k;
      // A `:` not followed by a space, and anything that could be YAML syntax, is left to `yaml`.
      while (end < eol && !(text[end] === ':' && text[end + 1] === ' ')) {
        const c = text[end]!;
        if (c === ':' || c === ',' || c === '[' || c === ']' || c === '{' || c === '}' || (c === '#' && text[end - 1] === ' ')) throw GIVE_UP;
        end++;
      }
      let keyEnd = end;
      while (text.charCodeAt(keyEnd - 1) === 32) keyEnd--;
      this.grow();
      node = plainScalar(text.slice(k, keyEnd), k, keyEnd);
    }
    if (end - k > MAX_IMPLICIT_KEY || text[end] !== ':' || text[end + 1] !== ' ') throw GIVE_UP;
    return { node, end };
  }

  /** An item of a flow collection (or the value of a flow mapping's pair), starting at `k`. */
  private flowItem(k: number, depth: number): { node: Node; end: number } {
    const { text, eol } = this;
    if (k >= eol) throw GIVE_UP;
    const ch = text[k]!;
    if (ch === '[' || ch === '{') return this.flow(k, depth + 1);
    if (ch === '*') return this.alias(k, true);
    if (ch === '&') {
      const anchor = this.anchor(k);
      if (!anchor || anchor.next >= eol) throw GIVE_UP;
      const item = this.flowItem(anchor.next, depth);
      return { node: withAnchor(item.node, anchor.name), end: item.end };
    }
    if (ch === '"' || ch === "'") {
      const q = ch === '"' ? this.doubleQuoted(k) : this.singleQuoted(k);
      return { node: q.node, end: q.end };
    }
    if (ch === ',' || startsIndicator(text, k, eol)) throw GIVE_UP;
    let end = k;
    for (; end < eol; end++) {
      const c = text[end]!;
      if (c === ',' || c === ']' || c === '}') break;
      if (c === ':' || c === '[' || c === '{' || (c === '#' && text[end - 1] === ' ')) throw GIVE_UP;
    }
    const next = end;
    while (text.charCodeAt(end - 1) === 32) end--;
    this.grow();
    return { node: plainScalar(text.slice(k, end), k, end), end: next };
  }

  /** After a complete value, only spaces and a comment may follow on the line. */
  private expectLineEnd(k: number): void {
    const { text, eol } = this;
    let i = k;
    while (i < eol && text.charCodeAt(i) === 32) i++;
    if (i === eol) return;
    if (text[i] === '#' && i > k) return;
    throw GIVE_UP;
  }

  private singleQuoted(start: number): { node: Scalar; end: number } {
    const { text, eol } = this;
    let value = '';
    let from = start + 1;
    for (;;) {
      const q = text.indexOf("'", from);
      if (q === -1 || q >= eol) throw GIVE_UP; // spans lines
      if (text[q + 1] === "'") {
        value += text.slice(from, q + 1);
        from = q + 2;
        continue;
      }
      value += text.slice(from, q);
      this.grow();
      const node = new Scalar(value);
      node.type = Scalar.QUOTE_SINGLE;
      node.range = [start, q + 1, q + 1];
      node.source = value;
      return { node, end: q + 1 };
    }
  }

  private doubleQuoted(start: number): { node: Scalar; end: number } {
    const { text, eol } = this;
    let value = '';
    let from = start + 1;
    for (let i = from; i < eol; i++) {
      const ch = text[i];
      if (ch === '"') {
        value += text.slice(from, i);
        this.grow();
        const node = new Scalar(value);
        node.type = Scalar.QUOTE_DOUBLE;
        node.range = [start, i + 1, i + 1];
        node.source = value;
        return { node, end: i + 1 };
      }
      if (ch === '\\') {
        value += text.slice(from, i);
        const next = text[i + 1];
        if (next === undefined || i + 1 >= eol) throw GIVE_UP; // an escaped line break
        const simple = ESCAPES[next];
        if (simple !== undefined) {
          value += simple;
          i += 1;
        } else if (next === 'x' || next === 'u' || next === 'U') {
          const length = next === 'x' ? 2 : next === 'u' ? 4 : 8;
          const hex = text.slice(i + 2, i + 2 + length);
          if (hex.length !== length || i + 2 + length > eol || !/^[0-9a-fA-F]+$/.test(hex)) throw GIVE_UP;
          const code = parseInt(hex, 16);
          if (code > 0x10ffff) throw GIVE_UP;
          value += String.fromCodePoint(code);
          i += 1 + length;
        } else {
          throw GIVE_UP;
        }
        from = i + 1;
      }
    }
    throw GIVE_UP; // spans lines
  }
}

const ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
};

function startsIndicator(text: string, i: number, eol: number): boolean {
  const ch = text[i]!;
  if (ch === '-' || ch === '?' || ch === ':') return i + 1 >= eol || text[i + 1] === ' ';
  return INDICATORS.has(ch);
}

/** End of an anchor or alias name starting at `i`: ASCII letters, digits, `_`, `-` and `.` (YAML allows more; `yaml` reads the rest). */
function nameEnd(text: string, i: number, eol: number): number {
  let k = i;
  for (; k < eol; k++) {
    const c = text.charCodeAt(k);
    const ok = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45 || c === 46;
    if (!ok) break;
  }
  return k;
}

function withAnchor<T extends Node>(node: T, anchor: string | null): T {
  if (anchor === null) return node;
  if (isAlias(node)) throw GIVE_UP; // an alias cannot have an anchor
  node.anchor = anchor;
  return node;
}

function emptyScalar(at: number): Scalar {
  const node = new Scalar(null);
  node.type = Scalar.PLAIN;
  node.range = [at, at, at];
  node.source = '';
  return node;
}

/** A plain scalar, resolved with the YAML 1.2 core schema exactly as `yaml` resolves it. */
function plainScalar(source: string, start: number, end: number): Scalar {
  const node = new Scalar(resolvePlain(source));
  node.type = Scalar.PLAIN;
  node.range = [start, end, end];
  node.source = source;
  return node;
}

const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

export function resolvePlain(s: string): unknown {
  const c = s.charCodeAt(0);
  // Most values start with a letter other than those of null/true/false/.inf: strings, fast.
  const maybeSpecial = s.length === 0 || c < 65 || c === 78 || c === 84 || c === 70 || c === 110 || c === 116 || c === 102 || c === 126;
  if (!maybeSpecial) return s;
  if (NULL.test(s)) return null;
  if (BOOL.test(s)) return s[0] === 't' || s[0] === 'T';
  if (INT_OCT.test(s)) return parseInt(s.substring(2), 8);
  if (INT.test(s)) return parseInt(s, 10);
  if (INT_HEX.test(s)) return parseInt(s.substring(2), 16);
  if (FLOAT_NAN.test(s)) return s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? -Infinity : Infinity;
  if (FLOAT_EXP.test(s) || FLOAT.test(s)) return parseFloat(s);
  return s;
}
