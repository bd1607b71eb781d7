import type { Finding } from '../common/findings.js';
import { didYouMean } from '../common/suggest.js';
import { at, parseSchemaFile } from '../common/yaml-schema.js';
import { positionOf } from '../common/yaml-positions.js';
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
  const parsed = parseSchemaFile(text, ConfigSchema, { prefix: 'config', what: 'The config', maxChars: MAX_CONFIG_BYTES, schemaFile: 'schema/modelgate.schema.json' });
  if (!parsed.ok) return parsed;
  if (parsed.value === null) return { ok: true, config: resolveConfig() };

  const errors: Finding[] = [];
  for (const rule of Object.keys(parsed.value.rules ?? {})) {
    if (!(RULE_IDS as readonly string[]).includes(rule)) {
      const pos = positionOf(parsed.doc, parsed.map, ['rules', rule], true);
      const suggestion = didYouMean(rule, RULE_IDS);
      errors.push(
        at(pos.line, pos.column, 'config/unknown-rule', `Unknown rule \`${rule}\`.`, suggestion ? `Did you mean \`${suggestion}\`?` : 'The README lists every rule id.'),
      );
    }
  }
  if (errors.length) return { ok: false, errors };
  return { ok: true, config: resolveConfig(parsed.value) };
}
