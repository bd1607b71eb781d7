import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Document, type Node } from 'yaml';
import type { Finding } from '../common/findings.js';
import type { FindingCollector } from './collector.js';
import { didYouMean } from '../common/suggest.js';
import { positionOf, type PathSegment, type Position, type SourceMap } from '../common/yaml-positions.js';
import { MCT_SCHEMA } from './data/mct-schema.js';
import { finding } from './finding.js';
import { quote, show } from './quote.js';

/** Model Card Toolkit schema versions modelgate knows. */
export const MCT_VERSIONS: readonly string[] = ['0.0.1', '0.0.2'];
/** A badly broken card can break the schema thousands of times; the first ones are enough. */
const MAX_SCHEMA_FINDINGS = 50;

let validator: ValidateFunction | undefined;

/** Compiled on first use: most repositories never see a toolkit card. */
function mctValidator(): ValidateFunction {
  validator ??= new Ajv({ allErrors: true, strict: true, strictRequired: false, logger: false, formats: { date: isDate, uri: isUri } }).compile(MCT_SCHEMA);
  return validator;
}

/** Whether parsed metadata is a Model Card Toolkit card rather than Hugging Face metadata. */
export function isMctData(data: unknown): boolean {
  return typeof data === 'object' && data !== null && !Array.isArray(data) && ('schema_version' in data || 'model_details' in data);
}

/** A locator for positions in the card, from a path of keys and indices. */
export function pathLocator(root: Node | null, map: SourceMap): (path: PathSegment[], key?: boolean) => Position {
  let doc: Document | undefined;
  return (path, key = false) => {
    if (!doc) {
      doc = new Document();
      doc.contents = root;
    }
    return positionOf(doc, map, path, key);
  };
}

/**
 * Validates a toolkit card against the toolkit's JSON Schema, each violation pinned to the value
 * (or key) it is about. Format violations (dates, URIs) are `card/mct-format` warnings: the schema
 * declares the formats, but the toolkit's own validator does not enforce them.
 */
export function checkMct(data: unknown, locate: (path: PathSegment[], key?: boolean) => Position, findings: FindingCollector): void {
  const version = (data as { schema_version?: unknown }).schema_version;
  if (typeof version === 'string' && !MCT_VERSIONS.includes(version)) {
    findings.push(
      finding(
        'card/mct-schema',
        locate(['schema_version']),
        `schema_version ${quote(version)} is not a Model Card Toolkit schema version modelgate knows (${MCT_VERSIONS.join(', ')}).`,
        'Use "0.0.2", the toolkit\'s current schema version.',
      ),
    );
  }
  const validate = mctValidator();
  if (validate(data)) return;
  const errors = relevantErrors(validate.errors ?? []);
  for (const error of errors.slice(0, MAX_SCHEMA_FINDINGS)) findings.push(toFinding(error, data, locate));
  if (errors.length > MAX_SCHEMA_FINDINGS) {
    findings.push(
      finding(
        'card/mct-schema',
        locate([]),
        `…and ${errors.length - MAX_SCHEMA_FINDINGS} more Model Card Toolkit schema violations.`,
        'Fix the ones above first; validate the card with the toolkit to see them all.',
      ),
    );
  }
}

/**
 * Drops the per-branch errors under a failed `oneOf`: the `oneOf` error itself says it better.
 * The `oneOf` errors are looked up by instance path: a card with 20,000 bad licenses has 20,000
 * of them and 40,000 branch errors.
 */
function relevantErrors(errors: ErrorObject[]): ErrorObject[] {
  const oneOfs = new Map<string, string[]>();
  for (const e of errors) {
    if (e.keyword !== 'oneOf') continue;
    const prefix = `${e.schemaPath}/`;
    const prefixes = oneOfs.get(e.instancePath);
    if (prefixes) prefixes.push(prefix);
    else oneOfs.set(e.instancePath, [prefix]);
  }
  if (oneOfs.size === 0) return errors;
  return errors.filter((e) => {
    if (e.keyword === 'oneOf') return true;
    const prefixes = oneOfs.get(e.instancePath);
    return prefixes === undefined || !prefixes.some((prefix) => e.schemaPath.startsWith(prefix));
  });
}

const TOP_LEVEL = Object.keys((MCT_SCHEMA as { properties: Record<string, unknown> }).properties);

function toFinding(error: ErrorObject, data: unknown, locate: (path: PathSegment[], key?: boolean) => Position): Finding {
  const path = pointerToPath(error.instancePath);
  const where = displayPath(path);
  const value = valueAt(data, path);
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String((error.params as { additionalProperty: string }).additionalProperty);
      const suggestion = didYouMean(key, TOP_LEVEL);
      return finding(
        'card/mct-schema',
        locate([...path, key], true),
        `Unknown key ${quote(key)}${path.length ? ` in ${where}` : ''}: the Model Card Toolkit schema does not allow it.`,
        suggestion ? `Did you mean \`${suggestion}\`?` : `The top-level keys are ${TOP_LEVEL.join(', ')}.`,
      );
    }
    case 'type':
      return finding(
        'card/mct-schema',
        locate(path),
        `${where} must be ${article((error.params as { type: string }).type)}, not ${show(value)}.`,
        (error.params as { type: string }).type === 'string' && typeof value === 'number'
          ? `Quote it: the toolkit stores this as text ("${String(value)}").`
          : 'Fix the value\'s type to match the Model Card Toolkit schema.',
      );
    case 'oneOf':
      if (error.schemaPath.startsWith('#/definitions/license/')) {
        return finding(
          'card/mct-schema',
          locate(path),
          `${where} must have exactly one of \`identifier\` (an SPDX license id) or \`custom_text\`.`,
          'Give a standard license as `identifier` (e.g. "Apache-2.0"), or the full text of a custom one as `custom_text`.',
        );
      }
      break;
    case 'format': {
      const format = (error.params as { format: string }).format;
      return finding(
        'card/mct-format',
        locate(path),
        `${where} is not a valid ${format === 'date' ? 'date' : format.toUpperCase()}: ${show(value)}.`,
        format === 'date'
          ? 'Write dates as YYYY-MM-DD (ISO 8601), e.g. 2020-08-28: 08/09/2020 reads differently in different countries.'
          : 'Write a complete URI with its scheme, e.g. https://example.com/paper.',
      );
    }
  }
  return finding('card/mct-schema', locate(path), `${where} ${error.message ?? 'breaks the schema'}.`, 'Fix it to match the Model Card Toolkit schema.');
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function pointerToPath(pointer: string): PathSegment[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}

function displayPath(path: readonly PathSegment[]): string {
  if (path.length === 0) return 'The card';
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += /^[A-Za-z_][A-Za-z0-9_]*$/.test(segment) ? `${out ? '.' : ''}${segment}` : `[${quote(segment)}]`;
  }
  return `\`${out}\``;
}

function valueAt(data: unknown, path: readonly PathSegment[]): unknown {
  let value = data;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value;
}

/** RFC 3339 full-date: YYYY-MM-DD, a real day of a real month. */
export function isDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  return day <= days;
}

/** An absolute URI (RFC 3986): a scheme, then no spaces, controls or characters URIs exclude. */
export function isUri(value: string): boolean {
  // eslint-disable-next-line no-control-regex
  return /^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|\\^`\u0000-\u001f\u007f]*$/.test(value) && !/%(?![0-9A-Fa-f]{2})/.test(value);
}
