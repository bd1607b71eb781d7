import { Composer, isMap, isScalar, isSeq, Lexer, LineCounter, Parser, type Alias, type CST, type Document, type ErrorCode, type Node, type Scalar, type YAMLError } from 'yaml';
import type { Finding } from '../common/findings.js';
import { SourceMap, type Position } from '../common/yaml-positions.js';
import { fastParse } from './fast-yaml.js';
import { checkAliases } from './aliases.js';
import type { FindingCollector } from './collector.js';
import { MAX_ALIAS_EXPANSION, MAX_DEPTH, MAX_METADATA_NODES, MAX_YAML_ERRORS, MAX_YAML_TOKENS } from './limits.js';
import { finding } from './finding.js';
import { quote, thousands } from './quote.js';

type Token = CST.Token;

export interface ParsedYaml {
  /** The top node, or null for an empty document. */
  root: Node | null;
  map: SourceMap;
  /** The metadata cannot be trusted (syntax error, too deep, alias bomb, too complex): skip checks on its content. */
  fatal: boolean;
  /** Each alias's target node; null when there are no aliases. */
  aliases: ReadonlyMap<Alias, Node> | null;
}

/**
 * Parses YAML metadata; syntax, duplicate-key, depth, alias and work-budget findings go to
 * `findings`. `lineOffset` is how many lines of the file precede `text` (the front matter's
 * opening `---`), so every position is exact in the file. Never throws.
 */
export function parseYaml(text: string, lineOffset: number, findings: FindingCollector): ParsedYaml {
  const fast = fastParse(text);
  if (fast) {
    const map = new SourceMap(fast.counter, lineOffset);
    if (fast.overBudgetAt !== null) {
      findings.push(tooManyNodes(map.at(fast.overBudgetAt)));
      return { root: null, map, fatal: true, aliases: null };
    }
    return checkTree(fast.root, map, text, findings, fast.duplicates);
  }
  return slowParse(text, lineOffset, findings);
}

function slowParse(text: string, lineOffset: number, findings: FindingCollector): ParsedYaml {
  const counter = new LineCounter();
  const map = new SourceMap(counter, lineOffset);
  const fatal = (f: Finding): ParsedYaml => {
    findings.push(f);
    return { root: null, map, fatal: true, aliases: null };
  };

  const read = readYaml(text, counter);
  if (read.kind === 'too-deep') return fatal(tooDeep(read.offset === null ? map.start() : map.at(read.offset)));
  if (read.kind === 'too-complex') return fatal(tooManyTokens(map.at(read.offset), false));
  const { doc, secondDoc, stoppedAt } = read;
  if (!doc) return { root: null, map, fatal: false, aliases: null };

  const syntax = doc.errors[0];
  if (syntax) return fatal(syntaxError(map, syntax));
  if (secondDoc !== null) {
    return fatal(
      finding(
        'card/yaml-syntax',
        map.at(secondDoc),
        'YAML syntax error: the metadata holds more than one YAML document.',
        'Keep one YAML document: remove the extra `---` line.',
      ),
    );
  }
  if (stoppedAt !== null) return fatal(tooManyTokens(map.at(stoppedAt), true));
  return checkTree((doc.contents as Node | null) ?? null, map, text, findings);
}

/**
 * A parsed tree (from either parser): its aliases measured, then its duplicate keys reported
 * (`duplicates` when the parser found them already, else found with a walk).
 */
function checkTree(root: Node | null, map: SourceMap, text: string, findings: FindingCollector, duplicates?: readonly Scalar[]): ParsedYaml {
  const reportDuplicates = (): void => {
    if (duplicates) for (const key of duplicates) duplicateKey(key, map, findings);
    else duplicateKeys(root, map, findings);
  };
  const fatal = (f: Finding): ParsedYaml => {
    findings.push(f);
    return { root: null, map, fatal: true, aliases: null };
  };
  if (!text.includes('*')) {
    reportDuplicates();
    return { root, map, fatal: false, aliases: null };
  }
  const aliases = checkAliases(root);
  if (aliases.ok) {
    reportDuplicates();
    return { root, map, fatal: false, aliases: aliases.targets };
  }
  const at = aliases.at.range ? map.at(aliases.at.range[0]) : map.start();
  if (aliases.problem === 'depth') return fatal(tooDeep(at));
  return fatal(
    aliases.problem === 'cycle'
      ? finding(
          'card/too-many-aliases',
          at,
          'A YAML alias refers to a node that contains it, so it expands forever.',
          'Remove the alias, or write the value out.',
        )
      : finding(
          'card/too-many-aliases',
          at,
          `YAML aliases expand the metadata by more than ${thousands(MAX_ALIAS_EXPANSION)} values (an alias bomb).`,
          'Write the values out instead of nesting aliases (*name) of aliases.',
        ),
  );
}

/** What `yaml` read of a text, within the work budget. */
export type YamlRead =
  | {
      kind: 'document';
      /** The first document (null for an empty stream). */
      doc: Document | null;
      /** Where a second document starts, if there is one. */
      secondDoc: number | null;
      /** Where reading stopped when the text is over MAX_YAML_TOKENS (the document is then what comes before). */
      stoppedAt: number | null;
      /** Syntax errors past `maxErrors`, counted but not built. */
      droppedErrors: number;
    }
  | { kind: 'too-deep'; offset: number | null }
  /** Over the budget with no place to stop where the text read so far is a document of its own. */
  | { kind: 'too-complex'; offset: number };

/**
 * After MAX_YAML_TOKENS, how many more tokens may pass while looking for a line start in block
 * context to stop at: a few lines' worth in block style; inside a flow collection that runs on,
 * there is none.
 */
const STOP_SEARCH_TOKENS = 5_000;

/**
 * Lexes, parses and composes `text` with `yaml` (registering line starts in `counter`), doing a
 * bounded amount of work: at most `maxTokens` (plus a few lines), and at most `maxErrors` error
 * objects. When the budget runs out, it stops at the start of a line in block context, and composes
 * what it read, so a syntax error there is still found. That prefix is parsed exactly as the same
 * lines are in the whole text: `yaml`'s parser is a push parser that never looks ahead, and no
 * token spans a line start in block context (a value that spans lines is one token).
 */
export function readYaml(text: string, counter: LineCounter, { maxErrors = MAX_YAML_ERRORS, maxTokens = MAX_YAML_TOKENS } = {}): YamlRead {
  // Drive the parser token by token so that nesting is measured before anything recursive
  // (the composer, later walks) sees it, and a hostile `[[[[…` stops at once instead of after seconds.
  counter.addNewLine(0);
  const parser = new Parser(counter.addNewLine);
  const tokens: Token[] = [];
  let count = 0;
  let stoppedAt: number | null = null;
  try {
    for (const lexeme of new Lexer().lex(text)) {
      // A long token counts once more per 8 characters: composing a quoted value that spans lines
      // costs `yaml` about 0.3 µs per character, a token about 2.5 µs. Runs of spaces and tabs are
      // cheap at any length, so they count once.
      const first = lexeme.charCodeAt(0);
      const weight = first === 32 || first === 9 ? 1 : 1 + (lexeme.length >> 3);
      if (count + weight > maxTokens) {
        if (text.charCodeAt(parser.offset - 1) === 10 && inBlockContext(parser.stack)) {
          stoppedAt = parser.offset;
          break;
        }
        if (count + weight > maxTokens + STOP_SEARCH_TOKENS) return { kind: 'too-complex', offset: lineStartBefore(text, parser.offset) };
      }
      const offset = parser.offset;
      for (const token of parser.next(lexeme)) tokens.push(token);
      count += weight;
      if (parser.stack.length > MAX_DEPTH && collectionDepth(parser.stack) > MAX_DEPTH) return { kind: 'too-deep', offset };
    }
    for (const token of parser.end()) tokens.push(token);
  } catch (e) {
    if (e instanceof RangeError) return { kind: 'too-deep', offset: null };
    throw e;
  }

  let doc: Document | null = null;
  let secondDoc: number | null = null;
  let dropped: () => number;
  const end = stoppedAt ?? text.length;
  try {
    // Duplicate keys are found below: `yaml`'s own check is quadratic in the size of a mapping.
    const composer = new Composer({ uniqueKeys: false, prettyErrors: false });
    dropped = boundErrors(composer, maxErrors);
    for (const d of composer.compose(tokens, true, end)) {
      if (!doc) doc = d as Document;
      else {
        secondDoc = d.range?.[0] ?? end;
        break;
      }
    }
  } catch (e) {
    if (e instanceof RangeError) return { kind: 'too-deep', offset: null };
    throw e;
  }
  return { kind: 'document', doc, secondDoc, stoppedAt, droppedErrors: dropped() };
}

type ErrorHandler = (source: unknown, code: ErrorCode, message: string, warning?: boolean) => void;

/**
 * Makes the composer build at most `max` error objects; returns how many more there were. Every
 * error of `yaml`'s composer goes through its `onError` (an instance property, undeclared in its
 * types); this wraps it so that the first errors are kept exactly as before (and in order), and
 * later ones and warnings (never reported) are dropped before an Error with its stack trace is
 * built. With a `yaml` that works otherwise, nothing changes but the speed.
 */
function boundErrors(composer: Composer, max: number): () => number {
  const original: unknown = Reflect.get(composer, 'onError');
  if (typeof original !== 'function') return () => 0;
  const keep = original as ErrorHandler;
  let kept = 0;
  let dropped = 0;
  const bounded: ErrorHandler = (source, code, message, warning) => {
    if (warning) return;
    if (kept >= max) {
      dropped++;
      return;
    }
    kept++;
    keep(source, code, message, warning);
  };
  Reflect.set(composer, 'onError', bounded);
  return () => dropped;
}

/** Only block collections are open: a line that starts here starts a new entry (or ends some). */
function inBlockContext(stack: readonly Token[]): boolean {
  for (const token of stack) if (token.type !== 'document' && token.type !== 'block-map' && token.type !== 'block-seq') return false;
  return true;
}

function lineStartBefore(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

const TOO_COMPLEX_HINT =
  'Keep bulky data (long result tables, logs) out of the metadata: put it in a separate file and link to it from the card.';

function tooManyTokens(at: Position, checkedBefore: boolean): Finding {
  return finding(
    'card/metadata-too-complex',
    at,
    `The metadata is too large to check: over ${thousands(MAX_YAML_TOKENS)} YAML tokens in a style only the general YAML parser reads${checkedBefore ? ' (the lines before this one have no syntax error)' : ''}.`,
    `${TOO_COMPLEX_HINT} Plain block style (\`key: value\` lines and \`- item\` lists, without tabs, block scalars or values that span lines) is read faster, up to ${thousands(MAX_METADATA_NODES)} values.`,
  );
}

/** The metadata has more than MAX_METADATA_NODES nodes; `at` is the line where that was passed. */
export function tooManyNodes(at: Position): Finding {
  return finding(
    'card/metadata-too-complex',
    at,
    `The metadata is too large to check: over ${thousands(MAX_METADATA_NODES)} values (keys, items, and lists and mappings, which count twice) by this line; the largest real cards have under 10,000.`,
    TOO_COMPLEX_HINT,
  );
}

const SYNTAX_HINT = 'Fix the YAML syntax; a YAML linter or your editor shows the exact problem.';

function syntaxError(map: SourceMap, error: YAMLError): Finding {
  const hint =
    error.code === 'MISSING_CHAR' && error.message.includes('quote')
      ? 'Close the quote. A quoted value that spans lines must indent its continuation lines more than its key.'
      : error.code === 'TAB_AS_INDENT'
        ? 'Indent with spaces: YAML does not allow tabs for indentation.'
        : SYNTAX_HINT;
  return finding('card/yaml-syntax', map.at(error.pos[0]), `YAML syntax error: ${firstLine(error.message)}`, hint);
}

/** Keys that appear twice in one mapping, compared by value as `yaml`'s `uniqueKeys` does; linear. */
function duplicateKeys(root: Node | null, map: SourceMap, findings: FindingCollector): void {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const key = pair.key;
        if (isScalar(key)) {
          if (seen.has(key.value)) duplicateKey(key, map, findings);
          else seen.add(key.value);
        }
        stack.push(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    }
  }
}

function duplicateKey(key: Scalar, map: SourceMap, findings: FindingCollector): void {
  const at = key.range ? map.at(key.range[0]) : map.start();
  if (findings.skip('card/duplicate-key', at)) return;
  findings.push(
    finding(
      'card/duplicate-key',
      at,
      `The key ${quote(String(key.value))} appears twice in the same mapping.`,
      'Remove one of them: parsers disagree on which value wins (the Hub keeps the last, others the first).',
    ),
  );
}

export function tooDeep(at: Position): Finding {
  return finding(
    'card/nesting-too-deep',
    at,
    `The metadata nests deeper than ${MAX_DEPTH} levels.`,
    'Flatten the structure: model card metadata needs only a few levels.',
  );
}

function collectionDepth(stack: readonly { type: string }[]): number {
  let depth = 0;
  for (const token of stack) {
    if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') depth++;
  }
  return depth;
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}
