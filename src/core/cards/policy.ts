import { isMap, isScalar, isSeq, type Pair, type YAMLMap } from 'yaml';
import type { Config } from '../config/schema.js';
import type { Position } from '../common/yaml-positions.js';
import { deref, keyOf, pairOf, scalarValue, valueAt, type Ctx } from './ast.js';
import { normalizeHeading } from './body.js';
import type { FindingCollector } from './collector.js';
import { finding } from './finding.js';
import { quote, show } from './quote.js';
import { didYouMean } from '../common/suggest.js';

/**
 * The repository's own rules from `.github/modelgate.yml`: required metadata fields, required
 * sections, and the allowed licenses.
 */

const CONFIG = '.github/modelgate.yml';

/**
 * A field is present when it is there and not empty (null, "", [] or {}). A dotted field
 * (`modelgate.version`) is looked up through nested mappings when no key has the dotted name.
 * A list on the way applies the rest of the path to every item (`model-index.results`: each
 * entry has results; an empty list has none); a number picks one item (`model-index.0.results`).
 */
export function fieldPresentInYaml(root: YAMLMap | null, field: string, ctx: Ctx): boolean {
  if (!root) return false;
  const direct = pairOf(root, field);
  if (direct) return nonEmpty(deref(direct.value, ctx));
  return yamlPathPresent(root, field.split('.'), ctx);
}

function yamlPathPresent(start: unknown, segments: readonly string[], ctx: Ctx): boolean {
  const node = deref(start, ctx);
  if (segments.length === 0) return nonEmpty(node);
  const [segment, ...rest] = segments as [string, ...string[]];
  if (isMap(node)) {
    const next = pairOf(node, segment)?.value;
    return next !== undefined && yamlPathPresent(next, rest, ctx);
  }
  if (isSeq(node)) {
    if (/^\d+$/.test(segment)) {
      const item: unknown = node.items[Number(segment)];
      return item !== undefined && yamlPathPresent(item, rest, ctx);
    }
    return node.items.length > 0 && node.items.every((item) => yamlPathPresent(item, segments, ctx));
  }
  return false;
}

function nonEmpty(node: unknown): boolean {
  if (node === null || node === undefined) return false;
  if (isScalar(node)) return node.value !== null && node.value !== '';
  if (isMap(node) || isSeq(node)) return node.items.length > 0;
  return true;
}

export function fieldPresentInData(data: unknown, field: string): boolean {
  const record = data as Record<string, unknown> | null;
  if (record && typeof record === 'object' && Object.prototype.hasOwnProperty.call(record, field)) return nonEmptyValue(record[field]);
  return dataPathPresent(data, field.split('.'));
}

function dataPathPresent(value: unknown, segments: readonly string[]): boolean {
  if (segments.length === 0) return nonEmptyValue(value);
  const [segment, ...rest] = segments as [string, ...string[]];
  if (Array.isArray(value)) {
    if (/^\d+$/.test(segment)) return Number(segment) < value.length && dataPathPresent(value[Number(segment)], rest);
    return value.length > 0 && value.every((item) => dataPathPresent(item, segments));
  }
  if (value === null || typeof value !== 'object' || !Object.prototype.hasOwnProperty.call(value, segment)) return false;
  return dataPathPresent((value as Record<string, unknown>)[segment], rest);
}

function nonEmptyValue(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return true;
}

/** The top-level keys of a card's metadata, for "did you mean" when a required field is missing. */
export function topLevelKeysOfYaml(root: YAMLMap | null): string[] {
  return root ? root.items.map((pair) => keyOf(pair)).filter((k): k is string => k !== null) : [];
}

export function topLevelKeysOfData(data: unknown): string[] {
  return data !== null && typeof data === 'object' && !Array.isArray(data) ? Object.keys(data) : [];
}

export function checkRequiredFields(
  config: Config,
  present: (field: string) => boolean,
  where: Position,
  findings: FindingCollector,
  keys: () => readonly string[] = () => [],
): void {
  for (const field of config.require.fields) {
    if (present(field)) continue;
    const first = field.split('.')[0]!;
    const near = keys().includes(first) ? undefined : didYouMean(first, keys());
    findings.push(
      finding(
        'policy/required-field',
        where,
        `The card has no ${quote(field)} (this repository requires it).`,
        near
          ? `The card has \`${near}\`: did you mean \`${first}\`? Rename it, or add \`${field}\`; required fields are listed in ${CONFIG} (require.fields).`
          : `Add \`${field}\` to the card's metadata${field.includes('.') ? ' (a dotted field is a nested key; a list on the way needs it in every item)' : ''}; the list of required fields is in ${CONFIG} (require.fields).`,
      ),
    );
  }
}

/**
 * Required sections, against the card's Markdown headings. Cards in YAML or JSON have no
 * headings; there a section counts as present when a key of the same name (any case, with
 * spaces, `-` or `_` between words) is in the top two levels of the card and not empty — so
 * "Intended use" is met by `intended_use:`, or by `considerations.intended_use` in a
 * Model Card Toolkit card. Requiring prose sections must not be dodged by switching format.
 */
export function checkRequiredSections(
  config: Config,
  available: () => ReadonlySet<string>,
  style: 'heading' | 'key',
  where: Position,
  findings: FindingCollector,
): void {
  if (config.require.sections.length === 0) return;
  const present = available();
  for (const section of config.require.sections) {
    const wanted = style === 'heading' ? normalizeHeading(section) : normalizeKey(section);
    if (present.has(wanted)) continue;
    findings.push(
      finding(
        'policy/required-section',
        where,
        `The card has no ${quote(section)} section (this repository requires it).`,
        style === 'heading'
          ? `Add a heading such as \`## ${section.replace(/[\r\n]+/g, ' ')}\` with its text; required sections are listed in ${CONFIG} (require.sections).`
          : `Add a \`${normalizeKey(section).replace(/ /g, '_')}\` key with its text; required sections are listed in ${CONFIG} (require.sections).`,
      ),
    );
  }
}

/** Words of a key or section name, for matching one against the other: `intendedUse`, `intended-use` and "Intended use" agree. */
export function normalizeKey(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .join(' ');
}

/** Normalised keys of the top two levels of a data card. */
export function keysOfData(data: unknown): Set<string> {
  const keys = new Set<string>();
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return keys;
  for (const [key, value] of Object.entries(data)) {
    if (nonEmptyValue(value)) keys.add(normalizeKey(key));
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [inner, v] of Object.entries(value)) if (nonEmptyValue(v)) keys.add(normalizeKey(inner));
    }
  }
  return keys;
}

export function keysOfYaml(root: YAMLMap | null, ctx: Ctx): Set<string> {
  const keys = new Set<string>();
  if (!root) return keys;
  for (const pair of root.items) {
    const key = keyOf(pair);
    const value = deref(pair.value, ctx);
    if (key !== null && nonEmpty(value)) keys.add(normalizeKey(key));
    if (isMap(value)) {
      for (const inner of value.items) {
        const k = keyOf(inner);
        if (k !== null && nonEmpty(deref(inner.value, ctx))) keys.add(normalizeKey(k));
      }
    }
  }
  return keys;
}

function allowedList(allow: readonly string[]): string {
  const shown = allow.slice(0, 10).join(', ');
  return allow.length > 10 ? `${shown}, …` : shown;
}

/**
 * The license of a Hugging Face-style card against `licenses.allow`. `license: other` passes
 * when its `license_name` is on the list (a repository can allow its own custom license).
 * A card without any license fails too, unless `license` is a required field (already reported).
 */
export function checkHfLicenseAllowed(config: Config, root: YAMLMap | null, where: Position, ctx: Ctx): void {
  const allow = config.licenses.allow;
  if (!allow) return;
  const license: Pair | undefined = root ? pairOf(root, 'license') : undefined;
  const value = license ? scalarValue(license.value, ctx) : null;
  if (value === undefined) return; // a list or mapping, not a license id: card/invalid-license says so
  if (value === null || value === '') {
    if (config.require.fields.includes('license')) return;
    ctx.findings.push(
      finding(
        'policy/license-not-allowed',
        license ? valueAt(license, ctx) : where,
        'The card declares no license; this repository allows only: ' + allowedList(allow) + '.',
        `Add \`license:\` with one of the allowed licenses (${CONFIG}, licenses.allow).`,
      ),
    );
    return;
  }
  if (typeof value !== 'string') return; // not a license id at all: card/invalid-license says so
  if (allow.includes(value)) return;
  const name = value === 'other' && root ? scalarValue(pairOf(root, 'license_name')?.value, ctx) : null;
  // A custom license is allowed as `other:<license_name>` (the config checks every other entry is a Hub id).
  if (typeof name === 'string' && allow.includes(`other:${name}`)) return;
  ctx.findings.push(
    finding(
      'policy/license-not-allowed',
      valueAt(license!, ctx),
      `License ${quote(typeof name === 'string' ? name : value)} is not allowed in this repository (allowed: ${allowedList(allow)}).`,
      `Use an allowed license, or ask the repository owners to add it to licenses.allow in ${CONFIG}.`,
    ),
  );
}

/**
 * The licenses of a Model Card Toolkit card (`model_details.licenses[].identifier`, SPDX ids,
 * compared case-insensitively with the allowed Hub ids); a custom license text never matches.
 */
export function checkMctLicensesAllowed(config: Config, data: unknown, at: (path: (string | number)[]) => Position, findings: FindingCollector): void {
  const allow = config.licenses.allow;
  if (!allow) return;
  const allowed = new Set(allow.map((a) => a.toLowerCase()));
  const details = (data as { model_details?: { licenses?: unknown } } | null)?.model_details;
  const licenses = Array.isArray(details?.licenses) ? (details.licenses as unknown[]) : [];
  if (licenses.length === 0) {
    if (config.require.fields.includes('model_details.licenses')) return;
    findings.push(
      finding(
        'policy/license-not-allowed',
        at(['model_details']),
        'The card declares no license; this repository allows only: ' + allowedList(allow) + '.',
        `Add \`model_details.licenses\` with an allowed license identifier (${CONFIG}, licenses.allow).`,
      ),
    );
    return;
  }
  licenses.forEach((license, i) => {
    const id = (license as { identifier?: unknown } | null)?.identifier;
    if (typeof id === 'string' && allowed.has(id.toLowerCase())) return;
    findings.push(
      finding(
        'policy/license-not-allowed',
        at(['model_details', 'licenses', i]),
        typeof id === 'string'
          ? `License ${quote(id)} is not allowed in this repository (allowed: ${allowedList(allow)}).`
          : `A custom license text (${show((license as { custom_text?: unknown } | null)?.custom_text ?? null)}) is not on this repository's allowed list (${allowedList(allow)}).`,
        `Use an allowed license identifier, or ask the repository owners to add it to licenses.allow in ${CONFIG}.`,
      ),
    );
  });
}
