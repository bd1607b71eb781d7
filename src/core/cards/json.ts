import { LineCounter, Pair, Scalar, YAMLMap, YAMLSeq, type Node } from 'yaml';
import { decodeJsonString } from '../common/json-string.js';
import { SourceMap } from '../common/yaml-positions.js';
import type { FindingCollector } from './collector.js';
import { finding } from './finding.js';
import { COLLECTION_COST, MAX_DEPTH, MAX_METADATA_NODES } from './limits.js';
import { tooDeep, tooManyNodes } from './parse-yaml.js';
import { quote } from './quote.js';

/**
 * A strict JSON (RFC 8259) parser for JSON cards. It builds the same node tree as the YAML path
 * (so one set of checks serves both), plus the plain value (for the Model Card Toolkit schema),
 * with exact positions, duplicate-key findings (JSON.parse silently keeps the last one), and a
 * depth limit checked as it descends. Other tools read these files with JSON.parse, so anything
 * JSON.parse would reject (comments, trailing commas, single quotes) is an error here too.
 */
export interface ParsedJson {
  root: Node | null;
  value: unknown;
  map: SourceMap;
  /** The JSON does not parse (or nests too deep): nothing else can be checked. */
  fatal: boolean;
}

class JsonSyntaxError extends Error {
  constructor(
    readonly offset: number,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

class TooDeep extends Error {
  constructor(readonly offset: number) {
    super('too deep');
  }
}

class OverBudget extends Error {
  constructor(readonly offset: number) {
    super('over budget');
  }
}

interface Parsed {
  node: Node;
  value: unknown;
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?/y;

/** Parses a JSON card; syntax, depth and duplicate-key findings go to `findings`. */
export function parseJson(text: string, findings: FindingCollector): ParsedJson {
  const counter = new LineCounter();
  counter.addNewLine(0);
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) counter.addNewLine(i + 1);
  const map = new SourceMap(counter, 0);
  const parser = new JsonParser(text);
  try {
    const { node, value } = parser.parse();
    // Reported only when the whole file parses: a syntax error is then the one finding.
    parser.duplicates.forEach(({ key, offset }) => {
      const at = map.at(offset);
      if (findings.skip('card/duplicate-key', at)) return;
      findings.push(
        finding(
          'card/duplicate-key',
          at,
          `The key ${quote(key)} appears twice in the same object.`,
          'Remove one of them: JSON.parse keeps the last value silently, other parsers the first.',
        ),
      );
    });
    return { root: node, value, map, fatal: false };
  } catch (e) {
    if (e instanceof TooDeep) {
      findings.push(tooDeep(map.at(e.offset)));
      return { root: null, value: undefined, map, fatal: true };
    }
    if (e instanceof OverBudget) {
      findings.push(tooManyNodes(map.at(e.offset)));
      return { root: null, value: undefined, map, fatal: true };
    }
    if (e instanceof JsonSyntaxError) {
      findings.push(
        finding(
          'card/yaml-syntax',
          map.at(e.offset),
          `JSON syntax error: ${e.message}`,
          e.hint ?? 'Fix the JSON syntax; a JSON linter or your editor shows the exact problem.',
        ),
      );
      return { root: null, value: undefined, map, fatal: true };
    }
    throw e;
  }
}

class JsonParser {
  /** Keys that appear twice in an object, where the second one starts. */
  readonly duplicates: { key: string; offset: number }[] = [];
  private i = 0;
  /** Nodes built, against MAX_METADATA_NODES (see limits.ts). */
  private nodes = 0;

  constructor(private readonly text: string) {}

  parse(): Parsed {
    const result = this.value(0);
    this.ws();
    if (this.i < this.text.length) throw this.unexpected('after the end of the JSON value');
    return result;
  }

  private grow(n: number, offset: number): void {
    this.nodes += n;
    if (this.nodes > MAX_METADATA_NODES) throw new OverBudget(offset);
  }

  private ws(): void {
    const { text } = this;
    let i = this.i;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else break;
    }
    this.i = i;
  }

  private value(depth: number): Parsed {
    this.ws();
    const { text } = this;
    const start = this.i;
    const c = text[start];
    this.grow(c === '{' || c === '[' ? COLLECTION_COST : 1, start);
    switch (c) {
      case '{':
        if (depth >= MAX_DEPTH) throw new TooDeep(start);
        return this.object(depth + 1);
      case '[':
        if (depth >= MAX_DEPTH) throw new TooDeep(start);
        return this.array(depth + 1);
      case '"': {
        const value = this.string();
        return { node: scalar(value, Scalar.QUOTE_DOUBLE, start, this.i, value), value };
      }
      case 't':
      case 'f':
      case 'n': {
        const word = c === 't' ? 'true' : c === 'f' ? 'false' : 'null';
        if (!text.startsWith(word, start)) throw this.unexpected('where a value should be');
        this.i += word.length;
        const value = c === 't' ? true : c === 'f' ? false : null;
        return { node: scalar(value, Scalar.PLAIN, start, this.i, word), value };
      }
      default: {
        NUMBER.lastIndex = start;
        const m = NUMBER.exec(text);
        if (!m || m[0].length === 0 || m[0] === '-') throw this.unexpected('where a value should be');
        this.i = start + m[0].length;
        const value = Number(m[0]);
        return { node: scalar(value, Scalar.PLAIN, start, this.i, m[0]), value };
      }
    }
  }

  private object(depth: number): Parsed {
    const { text } = this;
    const start = this.i++;
    const node = new YAMLMap();
    node.flow = true;
    const value: Record<string, unknown> = {};
    const keys = new Set<string>();
    this.ws();
    if (text[this.i] === '}') {
      this.i++;
    } else {
      for (;;) {
        this.ws();
        const keyStart = this.i;
        if (text[keyStart] !== '"') {
          if (text[keyStart] === '}') throw new JsonSyntaxError(keyStart, 'a trailing comma before "}".', 'Remove the comma after the last property.');
          throw this.unexpected('where a property name should be', 'Property names must be in double quotes.');
        }
        this.grow(2, keyStart); // the pair and its key
        const key = this.string();
        const keyNode = scalar(key, Scalar.QUOTE_DOUBLE, keyStart, this.i, key);
        if (keys.has(key)) this.duplicates.push({ key, offset: keyStart });
        keys.add(key);
        this.ws();
        if (text[this.i] !== ':') throw this.unexpected('after a property name', 'Put a ":" between the property name and its value.');
        this.i++;
        const member = this.value(depth);
        node.items.push(new Pair(keyNode, member.node));
        if (key === '__proto__') Object.defineProperty(value, key, { value: member.value, enumerable: true, writable: true, configurable: true });
        else value[key] = member.value;
        this.ws();
        const next = text[this.i];
        if (next === ',') {
          this.i++;
          continue;
        }
        if (next === '}') {
          this.i++;
          break;
        }
        throw this.unexpected('after a property value', 'Separate properties with "," and close the object with "}".');
      }
    }
    node.range = [start, this.i, this.i];
    return { node, value };
  }

  private array(depth: number): Parsed {
    const { text } = this;
    const start = this.i++;
    const node = new YAMLSeq();
    node.flow = true;
    const value: unknown[] = [];
    this.ws();
    if (text[this.i] === ']') {
      this.i++;
    } else {
      for (;;) {
        this.ws();
        if (text[this.i] === ']') throw new JsonSyntaxError(this.i, 'a trailing comma before "]".', 'Remove the comma after the last item.');
        const item = this.value(depth);
        node.items.push(item.node);
        value.push(item.value);
        this.ws();
        const next = text[this.i];
        if (next === ',') {
          this.i++;
          continue;
        }
        if (next === ']') {
          this.i++;
          break;
        }
        throw this.unexpected('after an array item', 'Separate items with "," and close the array with "]".');
      }
    }
    node.range = [start, this.i, this.i];
    return { node, value };
  }

  /** Reads a string starting at the opening quote; leaves `i` after the closing quote. */
  private string(): string {
    const read = decodeJsonString(this.text, this.i);
    if (read.ok) {
      this.i = read.end;
      return read.value;
    }
    switch (read.kind) {
      case 'unterminated':
        throw new JsonSyntaxError(read.offset, 'a string that is never closed.', 'Close the string with a double quote.');
      case 'control-character':
        throw new JsonSyntaxError(read.offset, 'a raw control character (such as a line break or tab) inside a string.', 'Write it as an escape: \\n, \\t, \\u0000.');
      case 'bad-unicode-escape':
        throw new JsonSyntaxError(read.offset, 'a bad \\u escape in a string.', 'A \\u escape needs four hex digits, e.g. \\u00e9.');
      case 'bad-escape':
        throw new JsonSyntaxError(read.offset, `an invalid escape ${quote(read.escape)} in a string.`, 'Escape a backslash as \\\\.');
    }
  }

  private unexpected(where: string, hint?: string): JsonSyntaxError {
    const { text, i } = this;
    if (i >= text.length) return new JsonSyntaxError(i, `the file ends ${where}.`, 'The JSON is cut short: close every "{" and "[".');
    const ch = text.codePointAt(i)!;
    const shown = String.fromCodePoint(ch);
    if (shown === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) {
      return new JsonSyntaxError(i, 'a comment; JSON has no comments.', 'Remove the comment (or use a YAML card, which allows them).');
    }
    if (shown === "'") return new JsonSyntaxError(i, `a single quote ${where}.`, 'JSON strings and property names use double quotes.');
    return new JsonSyntaxError(i, `unexpected ${quote(shown)} ${where}.`, hint);
  }
}

function scalar(value: unknown, type: Scalar.Type, start: number, end: number, source: string): Scalar {
  const node = new Scalar(value);
  node.type = type;
  node.range = [start, end, end];
  node.source = source;
  return node;
}
