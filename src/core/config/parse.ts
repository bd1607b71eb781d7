import type { Finding } from '../common/findings.js';
import { didYouMean } from '../common/suggest.js';
import { positionOf } from '../common/yaml-positions.js';
import { thousands } from '../cards/quote.js';
import { RULE_IDS } from '../cards/rules.js';
import { HF_LICENSE_IDS, HF_LICENSE_SET } from '../cards/data/licenses.js';
import { requiredFieldProblem } from './fields.js';
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
  // Each error is placed on its line; past the cap they are only counted.
  const add = (path: Array<string | number>, rule: string, message: string, hint: string, key = false) => {
    if (errors.length >= MAX_CONFIG_ERRORS) {
      omitted++;
      return;
    }
    const pos = positionOf(parsed.doc, parsed.map, path, key);
    errors.push({ severity: 'error', rule, message, hint, line: pos.line, column: pos.column });
  };
  const known = new Set<string>(RULE_IDS);
  for (const rule of Object.keys(parsed.value.rules ?? {})) {
    if (known.has(rule)) continue;
    const suggestion = errors.length < MAX_CONFIG_ERRORS ? didYouMean(rule, RULE_IDS) : undefined;
    add(['rules', rule], 'config/unknown-rule', `Unknown rule \`${rule}\`.`, suggestion ? `Did you mean \`${suggestion}\`?` : 'The README lists every rule id.', true);
  }
  (parsed.value.licenses?.allow ?? []).forEach((license, i) => {
    const problem = allowedLicenseProblem(license);
    if (problem) add(['licenses', 'allow', i], 'config/unknown-license', problem.message, problem.hint);
  });
  (parsed.value.require?.fields ?? []).forEach((field, i) => {
    const problem = requiredFieldProblem(field);
    if (problem) add(['require', 'fields', i], 'config/unknown-field', problem.message, problem.hint);
  });
  if (omitted > 0) {
    const last = errors[errors.length - 1]!;
    errors.push({ severity: 'error', rule: 'config/too-many-errors', message: `…and ${thousands(omitted)} more errors in the config.`, hint: 'Fix the errors above and check the config again.', line: last.line, column: last.column });
  }
  if (errors.length) return { ok: false, errors };
  return { ok: true, config: resolveConfig(parsed.value) };
}

/** The prefix of an allowed custom license: `other:acme-internal` allows `license: other` with `license_name: acme-internal`. */
export const CUSTOM_LICENSE_PREFIX = 'other:';

/**
 * `licenses.allow` entries are Hub license ids, compared exactly as cards write them: `MIT`
 * would never match a card's `license: mit`, so it is an error with the id to write instead.
 */
function allowedLicenseProblem(license: string): { message: string; hint: string } | null {
  if (HF_LICENSE_SET.has(license)) return null;
  if (license.startsWith(CUSTOM_LICENSE_PREFIX) && license.length > CUSTOM_LICENSE_PREFIX.length) return null;
  const lower = license.toLowerCase();
  const exact = HF_LICENSE_IDS.find((id) => id === lower);
  const suggestion = exact ?? didYouMean(license, HF_LICENSE_IDS);
  return {
    message: `\`${license}\` in licenses.allow is not a Hugging Face Hub license id, so no card's \`license:\` would ever match it.`,
    hint: suggestion
      ? `Did you mean \`${suggestion}\`? Hub license ids are lowercase (https://huggingface.co/docs/hub/repositories-licenses).`
      : `Use a Hub license id (https://huggingface.co/docs/hub/repositories-licenses), or \`${CUSTOM_LICENSE_PREFIX}${license}\` to allow cards with \`license: other\` and \`license_name: ${license}\`.`,
  };
}
