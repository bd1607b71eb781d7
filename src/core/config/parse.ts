import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, type Node } from 'yaml';
import type { Finding } from '../findings.js';
import { didYouMean } from '../suggest.js';
import { positionOf, SourceMap, type PathSegment } from '../yaml-positions.js';
import { MAX_DEPTH } from '../cards/limits.js';
import { readYaml } from '../cards/parse-yaml.js';
import { thousands } from '../cards/quote.js';
import { RULE_IDS } from '../cards/rules.js';
import { ConfigSchema, resolveConfig, type Config } from './schema.js';

export const CONFIG_PATH = '.github/modelgate.yml';
const MAX_CONFIG_BYTES = 256 * 1024;
/**
 * Errors reported for one config, the last of them saying how many more there were: a config is
 * a few dozen lines, and a hostile one could otherwise make 50,000 (each with a suggestion).
 */
const MAX_CONFIG_ERRORS = 20;
/**
 * Most aliases a config may use: `yaml` resolves each alias by searching the whole document, so
 * 10,000 of them take seconds; a config needs a few at most.
 */
const MAX_CONFIG_ALIASES = 100;
/** Most YAML tokens read (see MAX_YAML_TOKENS for cards): some 3,000 lines, where real configs have 50. */
const MAX_CONFIG_TOKENS = 20_000;

export type ConfigResult = { ok: true; config: Config } | { ok: false; errors: Finding[] };

/**
 * Parses and validates the text of a config file. A bad config is an error the user must
 * see, never a silent fall back to defaults. An empty file means defaults.
 */
export function parseConfig(text: string): ConfigResult {
  if (text.length > MAX_CONFIG_BYTES) {
    return fail([at(1, 1, 'config/too-large', `The config is over ${MAX_CONFIG_BYTES / 1024} KiB.`, 'Keep the config small; it only holds settings.')]);
  }
  const counter = new LineCounter();
  const map = new SourceMap(counter);
  // The cards' bounded reader: at most MAX_CONFIG_TOKENS tokens and MAX_CONFIG_ERRORS error objects.
  const read = readYaml(text, counter, { maxErrors: MAX_CONFIG_ERRORS, maxTokens: MAX_CONFIG_TOKENS });
  if (read.kind === 'too-deep') {
    const pos = read.offset === null ? map.start() : map.at(read.offset);
    return fail([at(pos.line, pos.column, 'config/yaml-syntax', `The config nests deeper than ${MAX_DEPTH} levels.`, 'Flatten it: a config needs a few levels.')]);
  }
  const syntax: { offset: number; finding: Finding }[] = [];
  let more = 0;
  if (read.kind === 'document' && read.doc) {
    for (const e of read.doc.errors) {
      const pos = map.at(e.pos[0]);
      const f = at(pos.line, pos.column, 'config/yaml-syntax', firstLine(e.message), 'Fix the YAML syntax; a YAML linter or your editor shows the exact problem.');
      syntax.push({ offset: e.pos[0], finding: f });
    }
    more += read.droppedErrors;
    if (read.secondDoc !== null) {
      const pos = map.at(read.secondDoc);
      syntax.push({ offset: read.secondDoc, finding: at(pos.line, pos.column, 'config/yaml-syntax', 'The config holds more than one YAML document.', 'Keep one YAML document: remove the extra `---` line.') });
    }
  }
  if (read.kind === 'too-complex' || (read.kind === 'document' && read.stoppedAt !== null && syntax.length === 0)) {
    return fail([at(1, 1, 'config/too-large', `The config is too large to check: over ${thousands(MAX_CONFIG_TOKENS)} YAML tokens.`, 'Keep the config small; it only holds settings.')]);
  }
  const doc = read.kind === 'document' ? read.doc : null;
  // Duplicate keys, found here in linear time (`yaml`'s own check is quadratic in a mapping's size).
  if (doc && read.kind === 'document' && read.stoppedAt === null) {
    for (const key of duplicateKeys(doc.contents as Node | null)) {
      const pos = map.at(key);
      syntax.push({ offset: key, finding: at(pos.line, pos.column, 'config/duplicate-key', 'Map keys must be unique', 'Remove one of the two keys.') });
    }
  }
  if (syntax.length > 0) {
    syntax.sort((a, b) => a.offset - b.offset);
    return fail(capped(syntax.map((s) => s.finding), more));
  }
  if (!doc) return { ok: true, config: resolveConfig() };
  if (countAliases(doc.contents as Node | null) > MAX_CONFIG_ALIASES) {
    return fail([at(1, 1, 'config/yaml-syntax', `The config cannot be read: it uses more than ${MAX_CONFIG_ALIASES} YAML aliases.`, 'Remove YAML aliases from the config.')]);
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    return fail([at(1, 1, 'config/yaml-syntax', `The config cannot be read: ${(e as Error).message}`, 'Remove YAML aliases from the config.')]);
  }
  if (data === null || data === undefined) return { ok: true, config: resolveConfig() };

  const parsed = ConfigSchema.safeParse(data);
  if (!parsed.success) {
    const errors: Finding[] = [];
    let omitted = 0;
    for (const issue of parsed.error.issues) {
      const path = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
          // Past the cap only count: each error costs a lookup and a suggestion.
          if (errors.length >= MAX_CONFIG_ERRORS) {
            omitted++;
            continue;
          }
          const known = knownKeysAt(path);
          const suggestion = didYouMean(key, known);
          const pos = positionOf(doc, map, [...path, key], true);
          errors.push(
            at(
              pos.line,
              pos.column,
              'config/unknown-key',
              `Unknown key \`${key}\`${path.length ? ` in \`${formatPath(path)}\`` : ''}.`,
              suggestion ? `Did you mean \`${suggestion}\`?` : `Known keys here: ${known.join(', ')}.`,
            ),
          );
        }
        continue;
      }
      if (errors.length >= MAX_CONFIG_ERRORS) {
        omitted++;
        continue;
      }
      const pos = positionOf(doc, map, path);
      const given = valueAt(data, path);
      const suggestion =
        issue.code === 'invalid_value' && typeof given === 'string'
          ? didYouMean(given, issue.values.map(String))
          : undefined;
      errors.push(
        at(
          pos.line,
          pos.column,
          'config/invalid',
          `\`${formatPath(path) || '(root)'}\`: ${issue.message}.`,
          suggestion ? `Did you mean \`${suggestion}\`?` : 'See schema/modelgate.schema.json for what each key accepts.',
        ),
      );
    }
    return fail(capped(errors, omitted));
  }

  const errors: Finding[] = [];
  let omitted = 0;
  const known = new Set<string>(RULE_IDS);
  for (const rule of Object.keys(parsed.data.rules ?? {})) {
    if (!known.has(rule)) {
      if (errors.length >= MAX_CONFIG_ERRORS) {
        omitted++;
        continue;
      }
      const pos = positionOf(doc, map, ['rules', rule], true);
      const suggestion = didYouMean(rule, RULE_IDS);
      errors.push(
        at(pos.line, pos.column, 'config/unknown-rule', `Unknown rule \`${rule}\`.`, suggestion ? `Did you mean \`${suggestion}\`?` : 'The README lists every rule id.'),
      );
    }
  }
  if (errors.length) return fail(capped(errors, omitted));
  return { ok: true, config: resolveConfig(parsed.data) };
}

/** At most MAX_CONFIG_ERRORS errors, the last one saying how many more there were. */
function capped(errors: Finding[], more: number): Finding[] {
  const extra = more + Math.max(0, errors.length - MAX_CONFIG_ERRORS);
  if (extra === 0) return errors;
  const kept = errors.slice(0, MAX_CONFIG_ERRORS);
  const last = kept[kept.length - 1]!;
  kept.push(at(last.line, last.column, 'config/too-many-errors', `…and ${extra} more errors in the config.`, 'Fix the errors above and check the config again.'));
  return kept;
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

function knownKeysAt(path: readonly PathSegment[]): string[] {
  // Walk the zod schema's shapes along the path to list the keys allowed there.
  let schema: unknown = ConfigSchema;
  for (const segment of path) {
    schema = unwrap(schema);
    if (typeof segment === 'number') {
      schema = (schema as { element?: unknown }).element;
    } else {
      schema = (schema as { shape?: Record<string, unknown> }).shape?.[segment];
    }
  }
  const shape = (unwrap(schema) as { shape?: Record<string, unknown> } | undefined)?.shape;
  return shape ? Object.keys(shape) : [];
}

/** Strips optional/nullable/default wrappers (not arrays, which zod also lets you unwrap). */
function unwrap(schema: unknown): unknown {
  let s = schema as { def?: { type?: string; innerType?: unknown } } | undefined;
  while (s?.def && ['optional', 'nullable', 'default'].includes(s.def.type ?? '')) s = s.def.innerType as typeof s;
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

function at(line: number, column: number, rule: string, message: string, hint: string): Finding {
  return { severity: 'error', rule, message, hint, line, column };
}

function fail(errors: Finding[]): ConfigResult {
  return { ok: false, errors };
}
