import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import type { Finding } from '../common/findings.js';
import { didYouMean } from '../common/suggest.js';
import { positionOf, SourceMap, type PathSegment } from '../common/yaml-positions.js';
import { MAX_DEPTH } from '../cards/limits.js';
import { readYaml } from '../cards/parse-yaml.js';
import { thousands } from '../cards/quote.js';

/**
 * Reads a YAML file that a zod schema describes (the config, the registry) with a bounded amount
 * of work, whatever the text: at most `maxTokens` YAML tokens, `maxErrors` errors (the last one
 * saying how many more), `maxAliases` aliases. Every problem is a finding at its line and column,
 * with "did you mean" for misspelt keys and values. Rule ids: `<prefix>/yaml-syntax`,
 * `<prefix>/duplicate-key`, `<prefix>/unknown-key`, `<prefix>/invalid`, `<prefix>/too-large`,
 * `<prefix>/too-many-errors`.
 */
export interface SchemaFileOptions {
  /** Rule id prefix, e.g. `config`. */
  prefix: string;
  /** What the file is, in a sentence: "The config", "The registry". */
  what: string;
  maxChars: number;
  maxTokens: number;
  maxErrors: number;
  maxAliases: number;
  /** Where to learn what each key accepts, for hints: e.g. `schema/modelgate.schema.json`. */
  schemaFile: string;
}

export type SchemaFileResult<T> =
  | { ok: true; value: T | null; doc: Document; map: SourceMap }
  | { ok: false; errors: Finding[] };

/** `value` is null for an empty file; the caller decides what that means. */
export function parseSchemaFile<S extends z.ZodType>(text: string, schema: S, options: SchemaFileOptions): SchemaFileResult<z.output<S>> {
  const { prefix, what } = options;
  const at = (line: number, column: number, rule: string, message: string, hint: string): Finding => ({ severity: 'error', rule: `${prefix}/${rule}`, message, hint, line, column });
  const capped = (errors: Finding[], more: number): Finding[] => {
    const extra = more + Math.max(0, errors.length - options.maxErrors);
    if (extra === 0) return errors;
    const kept = errors.slice(0, options.maxErrors);
    const last = kept[kept.length - 1]!;
    kept.push(at(last.line, last.column, 'too-many-errors', `…and ${thousands(extra)} more errors in ${what.toLowerCase()}.`, 'Fix the errors above and check again.'));
    return kept;
  };
  if (text.length > options.maxChars) {
    return { ok: false, errors: [at(1, 1, 'too-large', `${what} is over ${Math.round(options.maxChars / 1024)} KiB.`, `Keep ${what.toLowerCase()} smaller.`)] };
  }
  const counter = new LineCounter();
  const map = new SourceMap(counter);
  // The cards' bounded reader: at most maxTokens tokens and maxErrors error objects.
  const read = readYaml(text, counter, { maxErrors: options.maxErrors, maxTokens: options.maxTokens });
  if (read.kind === 'too-deep') {
    const pos = read.offset === null ? map.start() : map.at(read.offset);
    return { ok: false, errors: [at(pos.line, pos.column, 'yaml-syntax', `${what} nests deeper than ${MAX_DEPTH} levels.`, 'Flatten it.')] };
  }
  const syntax: { offset: number; finding: Finding }[] = [];
  let more = 0;
  if (read.kind === 'document' && read.doc) {
    for (const e of read.doc.errors) {
      const pos = map.at(e.pos[0]);
      syntax.push({ offset: e.pos[0], finding: at(pos.line, pos.column, 'yaml-syntax', firstLine(e.message), 'Fix the YAML syntax; a YAML linter or your editor shows the exact problem.') });
    }
    more += read.droppedErrors;
    if (read.secondDoc !== null) {
      const pos = map.at(read.secondDoc);
      syntax.push({ offset: read.secondDoc, finding: at(pos.line, pos.column, 'yaml-syntax', `${what} holds more than one YAML document.`, 'Keep one YAML document: remove the extra `---` line.') });
    }
  }
  if (read.kind === 'too-complex' || (read.kind === 'document' && read.stoppedAt !== null && syntax.length === 0)) {
    return { ok: false, errors: [at(1, 1, 'too-large', `${what} is too large to check: over ${thousands(options.maxTokens)} YAML tokens.`, `Keep ${what.toLowerCase()} smaller.`)] };
  }
  const doc = read.kind === 'document' ? read.doc : null;
  // Duplicate keys, found here in linear time (`yaml`'s own check is quadratic in a mapping's size).
  if (doc && read.kind === 'document' && read.stoppedAt === null) {
    for (const key of duplicateKeys(doc.contents as Node | null)) {
      const pos = map.at(key);
      syntax.push({ offset: key, finding: at(pos.line, pos.column, 'duplicate-key', 'Map keys must be unique', 'Remove one of the two keys.') });
    }
  }
  if (syntax.length > 0) {
    syntax.sort((a, b) => a.offset - b.offset);
    return { ok: false, errors: capped(syntax.map((s) => s.finding), more) };
  }
  // Nothing in the file: an empty document, ready to edit.
  if (!doc) return { ok: true, value: null, doc: parseDocument(''), map };
  if (countAliases(doc.contents as Node | null) > options.maxAliases) {
    return { ok: false, errors: [at(1, 1, 'yaml-syntax', `${what} cannot be read: it uses more than ${options.maxAliases} YAML aliases.`, 'Remove YAML aliases.')] };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: options.maxAliases });
  } catch (e) {
    return { ok: false, errors: [at(1, 1, 'yaml-syntax', `${what} cannot be read: ${(e as Error).message}`, 'Remove YAML aliases.')] };
  }
  if (data === null || data === undefined) return { ok: true, value: null, doc, map };

  const parsed = schema.safeParse(data);
  if (parsed.success) return { ok: true, value: parsed.data as z.output<S>, doc, map };
  const errors: Finding[] = [];
  let omitted = 0;
  for (const issue of parsed.error.issues) {
    const path = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        // Past the cap only count: each error costs a lookup and a suggestion.
        if (errors.length >= options.maxErrors) {
          omitted++;
          continue;
        }
        const known = knownKeysAt(schema, path);
        const suggestion = didYouMean(key, known);
        const pos = positionOf(doc, map, [...path, key], true);
        errors.push(
          at(pos.line, pos.column, 'unknown-key', `Unknown key \`${key}\`${path.length ? ` in \`${formatPath(path)}\`` : ''}.`, suggestion ? `Did you mean \`${suggestion}\`?` : `Known keys here: ${known.join(', ')}.`),
        );
      }
      continue;
    }
    if (errors.length >= options.maxErrors) {
      omitted++;
      continue;
    }
    // A record key that breaks its rule (a model name, a version) is pointed at itself.
    const pos = positionOf(doc, map, path, issue.code === 'invalid_key');
    const given = valueAt(data, path);
    const suggestion = issue.code === 'invalid_value' && typeof given === 'string' ? didYouMean(given, issue.values.map(String)) : undefined;
    errors.push(at(pos.line, pos.column, 'invalid', `\`${formatPath(path) || '(root)'}\`: ${issue.message}.`, suggestion ? `Did you mean \`${suggestion}\`?` : `See ${options.schemaFile} for what each key accepts.`));
  }
  return { ok: false, errors: capped(errors, omitted) };
}

/** Offsets of keys that repeat one before them in the same mapping (as `yaml`'s uniqueKeys compares them). */
function duplicateKeys(root: Node | null): number[] {
  const out: number[] = [];
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      const seen = new Set<unknown>();
      for (const pair of node.items) {
        const key = pair.key;
        // NaN keys never equal each other there; a Set would say they do.
        if (isScalar(key) && !Number.isNaN(key.value)) {
          if (seen.has(key.value)) out.push(key.range?.[0] ?? 0);
          else seen.add(key.value);
        }
        stack.push(pair.value, pair.key);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) stack.push(item);
    }
  }
  return out;
}

function countAliases(root: Node | null): number {
  let n = 0;
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isAlias(node)) n++;
    else if (isMap(node) || isSeq(node)) for (const item of node.items) stack.push(item);
    else if (isPair(node)) stack.push(node.key, node.value);
  }
  return n;
}

/** Walks the zod schema's shapes along the path to list the keys allowed there (records included). */
function knownKeysAt(schema: unknown, path: readonly PathSegment[]): string[] {
  let s: unknown = schema;
  for (const segment of path) {
    s = unwrap(s);
    const def = (s as { def?: { type?: string; valueType?: unknown } } | undefined)?.def;
    if (typeof segment === 'number') s = (s as { element?: unknown }).element;
    else if (def?.type === 'record') s = def.valueType;
    else s = (s as { shape?: Record<string, unknown> }).shape?.[segment];
  }
  const shape = (unwrap(s) as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
}

/** Strips optional/nullable/default wrappers (not arrays, which zod also lets you unwrap). */
function unwrap(schema: unknown): unknown {
  let s = schema as { def?: { type?: string; innerType?: unknown; in?: unknown } } | undefined;
  while (s?.def && ['optional', 'nullable', 'default', 'pipe'].includes(s.def.type ?? '')) s = (s.def.type === 'pipe' ? s.def.in : s.def.innerType) as typeof s;
  return s;
}

function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let v = data;
  for (const p of path) v = v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[p] : undefined;
  return v;
}

function formatPath(path: readonly PathSegment[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}
