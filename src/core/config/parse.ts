import { LineCounter, parseDocument } from 'yaml';
import type { Finding } from '../common/findings.js';
import { didYouMean } from '../common/suggest.js';
import { positionOf, SourceMap, type PathSegment } from '../common/yaml-positions.js';
import { RULE_IDS } from '../cards/rules.js';
import { ConfigSchema, resolveConfig, type Config } from './schema.js';

export const CONFIG_PATH = '.github/modelgate.yml';
const MAX_CONFIG_BYTES = 256 * 1024;

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
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true, prettyErrors: false });
  const map = new SourceMap(counter);
  if (doc.errors.length > 0) {
    return fail(
      doc.errors.map((e) => {
        const pos = map.at(e.pos[0]);
        const duplicate = e.code === 'DUPLICATE_KEY';
        return at(
          pos.line,
          pos.column,
          duplicate ? 'config/duplicate-key' : 'config/yaml-syntax',
          firstLine(e.message),
          duplicate ? 'Remove one of the two keys.' : 'Fix the YAML syntax; a YAML linter or your editor shows the exact problem.',
        );
      }),
    );
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
    for (const issue of parsed.error.issues) {
      const path = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys) {
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
    return fail(errors);
  }

  const errors: Finding[] = [];
  for (const rule of Object.keys(parsed.data.rules ?? {})) {
    if (!(RULE_IDS as readonly string[]).includes(rule)) {
      const pos = positionOf(doc, map, ['rules', rule], true);
      const suggestion = didYouMean(rule, RULE_IDS);
      errors.push(
        at(pos.line, pos.column, 'config/unknown-rule', `Unknown rule \`${rule}\`.`, suggestion ? `Did you mean \`${suggestion}\`?` : 'The README lists every rule id.'),
      );
    }
  }
  if (errors.length) return fail(errors);
  return { ok: true, config: resolveConfig(parsed.data) };
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
