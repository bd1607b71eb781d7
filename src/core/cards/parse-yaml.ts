import { Composer, isMap, isScalar, isSeq, Lexer, LineCounter, Parser, type Alias, type Document, type Node, type Scalar, type YAMLError } from 'yaml';
import type { Finding } from '../common/findings.js';
import { SourceMap, type Position } from '../common/yaml-positions.js';
import { fastParse } from './fast-yaml.js';
import { checkAliases } from './aliases.js';
import { MAX_ALIAS_EXPANSION, MAX_DEPTH } from './limits.js';
import { finding } from './finding.js';
import { quote } from './quote.js';


export interface ParsedYaml {
  /** The top node, or null for an empty document. */
  root: Node | null;
  map: SourceMap;
  /** Syntax, duplicate-key, depth and alias findings. */
  findings: Finding[];
  /** The metadata cannot be trusted (syntax error, too deep, alias bomb): skip checks on its content. */
  fatal: boolean;
  /** Each alias's target node (only the `yaml` path produces aliases). */
  aliases: ReadonlyMap<Alias, Node> | null;
}

/**
 * Parses YAML metadata. `lineOffset` is how many lines of the file precede `text` (the front
 * matter's opening `---`), so every position is exact in the file. Never throws.
 */
export function parseYaml(text: string, lineOffset: number): ParsedYaml {
  const fast = fastParse(text);
  if (fast) {
    return { root: fast.root, map: new SourceMap(fast.counter, lineOffset), findings: [], fatal: false, aliases: null };
  }
  return slowParse(text, lineOffset);
}

function slowParse(text: string, lineOffset: number): ParsedYaml {
  const counter = new LineCounter();
  const map = new SourceMap(counter, lineOffset);
  const result = (findings: Finding[], fatal: boolean, root: Node | null = null, aliases: ReadonlyMap<Alias, Node> | null = null): ParsedYaml => ({
    root,
    map,
    findings,
    fatal,
    aliases,
  });

  // Drive the parser token by token so that nesting is measured before anything recursive
  // (the composer, later walks) sees it, and a hostile `[[[[…` stops at once instead of after seconds.
  counter.addNewLine(0);
  const parser = new Parser(counter.addNewLine);
  const tokens = [];
  try {
    for (const lexeme of new Lexer().lex(text)) {
      const offset = parser.offset;
      for (const token of parser.next(lexeme)) tokens.push(token);
      if (parser.stack.length > MAX_DEPTH && collectionDepth(parser.stack) > MAX_DEPTH) {
        return result([tooDeep(map.at(offset))], true);
      }
    }
    for (const token of parser.end()) tokens.push(token);
  } catch (e) {
    if (e instanceof RangeError) return result([tooDeep(map.start())], true);
    throw e;
  }

  let doc: Document | null = null;
  let secondDoc: number | null = null;
  try {
    // Duplicate keys are found below: `yaml`'s own check is quadratic in the size of a mapping.
    const composer = new Composer({ uniqueKeys: false, prettyErrors: false });
    for (const d of composer.compose(tokens, true, text.length)) {
      if (!doc) doc = d as Document;
      else {
        secondDoc = d.range?.[0] ?? text.length;
        break;
      }
    }
  } catch (e) {
    if (e instanceof RangeError) return result([tooDeep(map.start())], true);
    throw e;
  }
  if (!doc) return result([], false);

  const syntax = doc.errors[0];
  if (syntax) return result([syntaxError(map, syntax)], true);
  if (secondDoc !== null) {
    return result(
      [
        finding(
          'card/yaml-syntax',
          map.at(secondDoc),
          'YAML syntax error: the metadata holds more than one YAML document.',
          'Keep one YAML document: remove the extra `---` line.',
        ),
      ],
      true,
    );
  }

  const root = (doc.contents as Node | null) ?? null;
  const findings = duplicateKeys(root, map);
  if (!text.includes('*')) return result(findings, false, root);
  const aliases = checkAliases(root);
  if (aliases.ok) return result(findings, false, root, aliases.targets);
  const at = aliases.at.range ? map.at(aliases.at.range[0]) : map.start();
  if (aliases.problem === 'depth') return result([tooDeep(at)], true);
  return result(
    [
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
            `YAML aliases expand the metadata by more than ${MAX_ALIAS_EXPANSION.toLocaleString('en-US')} values (an alias bomb).`,
            'Write the values out instead of nesting aliases (*name) of aliases.',
          ),
    ],
    true,
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
function duplicateKeys(root: Node | null, map: SourceMap): Finding[] {
  const findings: Finding[] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const key = pair.key;
        if (isScalar(key)) {
          if (seen.has(key.value)) findings.push(duplicateKey(key, map));
          else seen.add(key.value);
        }
        stack.push(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    }
  }
  return findings;
}

function duplicateKey(key: Scalar, map: SourceMap): Finding {
  return finding(
    'card/duplicate-key',
    key.range ? map.at(key.range[0]) : map.start(),
    `The key ${quote(String(key.value))} appears twice in the same mapping.`,
    'Remove one of them: parsers disagree on which value wins (the Hub keeps the last, others the first).',
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
