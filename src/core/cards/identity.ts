import { isScalar, type YAMLMap } from 'yaml';
import { asMap, at, deref, keyOf, nearMiss, pairOf, valueAt, type Ctx } from './ast.js';
import { MODELGATE_KEYS } from './data/hf-keys.js';
import { finding } from './finding.js';
import { quote, show } from './quote.js';
import type { ModelIdentity } from './types.js';

/**
 * Model names and versions become file paths and git refs (`/promote sentiment v3`), so only a
 * safe alphabet is allowed, without `..`, and without the endings git refuses (`.`, `.lock`).
 */
const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const VERSION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export function isSafeName(name: string): boolean {
  return NAME.test(name) && isRefSafe(name);
}

export function isSafeVersion(version: string): boolean {
  return VERSION.test(version) && isRefSafe(version);
}

function isRefSafe(s: string): boolean {
  return !s.includes('..') && !s.endsWith('.') && !s.endsWith('.lock');
}

/** The folder a card is in, lowercased, as a model name; null at the repository root or when unsafe. */
export function folderIdentity(path: string): ModelIdentity | null {
  const parts = path.split('/');
  if (parts.length < 2) return null;
  const name = parts[parts.length - 2]!.toLowerCase();
  return isSafeName(name) ? { name, version: null, source: 'folder' } : null;
}

const NAME_HINT = 'Use lowercase letters, digits, `.`, `_` and `-` (at most 64, starting with a letter or digit)';
const VERSION_HINT = 'Use letters, digits, `.`, `_` and `-` (at most 64, starting with a letter or digit), e.g. `v3` or `"1.2.0"`';

/**
 * The identity a Hugging Face-style card declares under `modelgate:` (`model`, `version`), with
 * the folder name as fallback for the name. An explicit but unsafe value is an error, and then
 * no identity is assumed (falling back could promote the wrong model).
 */
export function hfIdentity(root: YAMLMap, path: string, ctx: Ctx): ModelIdentity | null {
  const folder = folderIdentity(path);
  const pair = pairOf(root, 'modelgate');
  if (!pair) return folder;
  const map = asMap(pair.value, ctx);
  if (!map) {
    ctx.findings.push(
      finding(
        'modelgate/invalid-identity',
        valueAt(pair, ctx),
        `\`modelgate\` must be a mapping with \`model\` and \`version\`, not ${describe(pair.value, ctx)}.`,
        'Write it as `modelgate: {model: sentiment, version: v3}`.',
      ),
    );
    return null;
  }
  for (const item of map.items) {
    const key = keyOf(item);
    if (key !== null && MODELGATE_KEYS.has(key)) continue;
    const suggestion = key === null ? undefined : nearMiss(key, MODELGATE_KEYS);
    ctx.findings.push(
      finding(
        'card/unknown-key',
        at(item.key, ctx),
        `Unknown key ${key === null ? show(isScalar(item.key) ? item.key.value : null) : quote(key)} in \`modelgate\`.`,
        suggestion ? `Did you mean \`${suggestion}\`?` : '`modelgate` takes only `model` and `version`.',
      ),
    );
  }

  let name: string | null = folder?.name ?? null;
  let fromCard = false;
  let valid = true;
  const model = pairOf(map, 'model');
  if (model) {
    const value = identityValue(model.value, ctx);
    if (value !== null && isSafeName(value)) {
      name = value;
      fromCard = true;
    } else {
      valid = false;
      const slug = value === null ? null : slugify(value);
      ctx.findings.push(
        finding(
          'modelgate/invalid-identity',
          valueAt(model, ctx),
          `Model name ${describe(model.value, ctx)} cannot be used: names become file paths and git refs.`,
          `${NAME_HINT}${slug ? `, e.g. \`${slug}\`` : ''}.`,
        ),
      );
    }
  }

  let version: string | null = null;
  const declared = pairOf(map, 'version');
  if (declared) {
    const raw = rawValue(declared.value, ctx);
    const value = identityValue(declared.value, ctx);
    if (value !== null && isSafeVersion(value)) version = value;
    else {
      ctx.findings.push(
        finding(
          'modelgate/invalid-identity',
          valueAt(declared, ctx),
          typeof raw === 'number'
            ? `Version ${raw} is a number, so \`${String(raw)}\` is all that survives of it (1.10 reads as 1.1).`
            : `Version ${describe(declared.value, ctx)} cannot be used: versions become file paths and git refs.`,
          typeof raw === 'number' ? 'Quote the version, e.g. `version: "1.10"`.' : `${VERSION_HINT}.`,
        ),
      );
    }
  }
  if (!valid || name === null) return null;
  return { name, version, source: fromCard ? 'card' : 'folder' };
}

/** A Model Card Toolkit card names itself in `model_details`; used only when safe. */
export function mctIdentity(value: unknown, path: string): ModelIdentity | null {
  const folder = folderIdentity(path);
  const details = isRecord(value) ? value['model_details'] : undefined;
  const name = isRecord(details) && typeof details['name'] === 'string' && isSafeName(details['name']) ? details['name'] : null;
  const version = isRecord(details) && isRecord(details['version']) ? details['version']['name'] : undefined;
  const safeVersion = typeof version === 'string' && isSafeVersion(version) ? version : null;
  if (name !== null) return { name, version: safeVersion, source: 'card' };
  return folder ? { ...folder, version: safeVersion } : null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const COLLECTION = Symbol('collection');

function rawValue(node: unknown, ctx: Ctx): unknown {
  const n = deref(node, ctx);
  if (isScalar(n)) return n.value;
  return n === null || n === undefined ? null : COLLECTION;
}

/** A string, or an integer written plainly (`version: 3`); anything else is no usable value. */
function identityValue(node: unknown, ctx: Ctx): string | null {
  const v = rawValue(node, ctx);
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return String(v);
  return null;
}

function describe(node: unknown, ctx: Ctx): string {
  const v = rawValue(node, ctx);
  return v === COLLECTION ? 'a list or mapping' : show(v);
}

function slugify(value: string): string | null {
  const slug = value
    .slice(0, 200)
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 64)
    .replace(/[.-]+$/, '');
  return isSafeName(slug) ? slug : null;
}
