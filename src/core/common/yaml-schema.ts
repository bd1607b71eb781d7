import { LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import type { Finding } from './findings.js';
import { didYouMean } from './suggest.js';
import { positionOf, SourceMap, type PathSegment } from './yaml-positions.js';

/**
 * Reads a small YAML file that a zod schema describes (the config, the registry): every problem
 * is a finding at its exact line and column, with "did you mean" for misspelt keys and values.
 * Rule ids are `<prefix>/yaml-syntax`, `<prefix>/duplicate-key`, `<prefix>/unknown-key`,
 * `<prefix>/invalid`, `<prefix>/too-large`.
 */
export interface SchemaFileOptions {
  /** Rule id prefix, e.g. `config`. */
  prefix: string;
  /** What the file is, for messages: "The config", "The registry". */
  what: string;
  maxChars: number;
  /** Where to learn what each key accepts, for hints: e.g. `schema/modelgate.schema.json`. */
  schemaFile: string;
}

export type SchemaFileResult<T> =
  | { ok: true; value: T | null; doc: Document; map: SourceMap }
  | { ok: false; errors: Finding[] };

/** `value` is null for an empty file; the caller decides what that means. */
export function parseSchemaFile<S extends z.ZodType>(text: string, schema: S, options: SchemaFileOptions): SchemaFileResult<z.output<S>> {
  const { prefix } = options;
  if (text.length > options.maxChars) {
    return fail([at(1, 1, `${prefix}/too-large`, `${options.what} is over ${Math.round(options.maxChars / 1024)} KiB.`, `Keep ${options.what.toLowerCase()} under that size.`)]);
  }
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true, prettyErrors: false });
  const map = new SourceMap(counter);
  if (doc.errors.length > 0) {
    return fail(
      // The first errors say what is wrong; hundreds more of the same would only hide it.
      doc.errors.slice(0, 20).map((e) => {
        const pos = map.at(e.pos[0]);
        const duplicate = e.code === 'DUPLICATE_KEY';
        return at(
          pos.line,
          pos.column,
          duplicate ? `${prefix}/duplicate-key` : `${prefix}/yaml-syntax`,
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
    return fail([at(1, 1, `${prefix}/yaml-syntax`, `${options.what} cannot be read: ${(e as Error).message}`, 'Remove YAML aliases from the file.')]);
  }
  if (data === null || data === undefined) return { ok: true, value: null, doc, map };

  const parsed = schema.safeParse(data);
  if (parsed.success) return { ok: true, value: parsed.data as z.output<S>, doc, map };
  const errors: Finding[] = [];
  for (const issue of parsed.error.issues.slice(0, 50)) {
    const path = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        const known = knownKeysAt(schema, path);
        const suggestion = didYouMean(key, known);
        const pos = positionOf(doc, map, [...path, key], true);
        errors.push(
          at(
            pos.line,
            pos.column,
            `${prefix}/unknown-key`,
            `Unknown key \`${key}\`${path.length ? ` in \`${formatPath(path)}\`` : ''}.`,
            suggestion ? `Did you mean \`${suggestion}\`?` : `Known keys here: ${known.join(', ')}.`,
          ),
        );
      }
      continue;
    }
    // A record key that breaks its rule (a model name, a version) is pointed at itself.
    const pos = positionOf(doc, map, path, issue.code === 'invalid_key');
    const given = valueAt(data, path);
    const suggestion = issue.code === 'invalid_value' && typeof given === 'string' ? didYouMean(given, issue.values.map(String)) : undefined;
    errors.push(
      at(
        pos.line,
        pos.column,
        `${prefix}/invalid`,
        `\`${formatPath(path) || '(root)'}\`: ${issue.message}.`,
        suggestion ? `Did you mean \`${suggestion}\`?` : `See ${options.schemaFile} for what each key accepts.`,
      ),
    );
  }
  return fail(errors);
}

/** Walks the zod schema's shapes along the path to list the keys allowed there. */
function knownKeysAt(schema: unknown, path: readonly PathSegment[]): string[] {
  let s: unknown = schema;
  for (const segment of path) {
    s = unwrap(s);
    const def = (s as { def?: { type?: string; valueType?: unknown; element?: unknown } } | undefined)?.def;
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
  while (s?.def && ['optional', 'nullable', 'default', 'pipe'].includes(s.def.type ?? '')) {
    s = (s.def.type === 'pipe' ? s.def.in : s.def.innerType) as typeof s;
  }
  return s;
}

function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let v = data;
  for (const p of path) v = v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[p] : undefined;
  return v;
}

export function formatPath(path: readonly PathSegment[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

export function at(line: number, column: number, rule: string, message: string, hint: string): Finding {
  return { severity: 'error', rule, message, hint, line, column };
}

function fail<T>(errors: Finding[]): SchemaFileResult<T> {
  return { ok: false, errors };
}
