import type { Finding } from '../common/findings.js';
import { didYouMean } from '../common/suggest.js';
import { positionOf } from '../common/yaml-positions.js';
import { thousands } from '../cards/quote.js';
import { RULE_IDS } from '../cards/rules.js';
import { parseSchemaFile } from './schema-file.js';
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
  const parsed = parseSchemaFile(text, ConfigSchema, {
    prefix: 'config',
    what: 'The config',
    maxChars: MAX_CONFIG_BYTES,
    maxTokens: MAX_CONFIG_TOKENS,
    maxErrors: MAX_CONFIG_ERRORS,
    maxAliases: MAX_CONFIG_ALIASES,
    schemaFile: 'schema/modelgate.schema.json',
  });
  if (!parsed.ok) return parsed;
  if (parsed.value === null) return { ok: true, config: resolveConfig() };

  const errors: Finding[] = [];
  let omitted = 0;
  const known = new Set<string>(RULE_IDS);
  for (const rule of Object.keys(parsed.value.rules ?? {})) {
    if (known.has(rule)) continue;
    if (errors.length >= MAX_CONFIG_ERRORS) {
      omitted++;
      continue;
    }
    const pos = positionOf(parsed.doc, parsed.map, ['rules', rule], true);
    const suggestion = didYouMean(rule, RULE_IDS);
    errors.push({ severity: 'error', rule: 'config/unknown-rule', message: `Unknown rule \`${rule}\`.`, hint: suggestion ? `Did you mean \`${suggestion}\`?` : 'The README lists every rule id.', line: pos.line, column: pos.column });
  }
  if (omitted > 0) {
    const last = errors[errors.length - 1]!;
    errors.push({ severity: 'error', rule: 'config/too-many-errors', message: `…and ${thousands(omitted)} more errors in the config.`, hint: 'Fix the errors above and check the config again.', line: last.line, column: last.column });
  }
  if (errors.length) return { ok: false, errors };
  return { ok: true, config: resolveConfig(parsed.value) };
}
