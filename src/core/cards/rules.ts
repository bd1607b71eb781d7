import type { Severity } from '../common/findings.js';

export interface RuleInfo {
  id: string;
  severity: Severity;
  description: string;
}

/**
 * Every rule the card validator can report, with its default severity. Ids are stable:
 * users set severities by them in `.github/modelgate.yml` (`rules:`), and the README lists them.
 */
export const RULES = [
  // Reading the file at all
  { id: 'card/file-too-large', severity: 'error', description: 'The file is over the size cap (1 MiB).' },
  { id: 'card/empty-file', severity: 'error', description: 'The file is empty.' },
  { id: 'card/binary-content', severity: 'error', description: 'The file holds binary data (NUL bytes).' },
  { id: 'card/invalid-encoding', severity: 'error', description: 'The file is not valid UTF-8.' },
  { id: 'card/nesting-too-deep', severity: 'error', description: 'The metadata nests deeper than 100 levels.' },
  { id: 'card/too-many-aliases', severity: 'error', description: 'The YAML expands too many aliases (an alias bomb).' },
  { id: 'card/metadata-too-complex', severity: 'error', description: 'The metadata is over the work budget: more than 100,000 values, or 50,000 YAML tokens in styles only the general YAML parser reads.' },
  { id: 'card/validator-error', severity: 'error', description: 'modelgate failed while checking the card (a bug in modelgate, not the card).' },
  { id: 'card/too-many-findings', severity: 'warning', description: 'More than 200 findings in one file: the first 200 are kept (errors first), and this last one counts the rest.' },
  // Syntax and structure
  { id: 'card/yaml-syntax', severity: 'error', description: 'The YAML (or JSON) does not parse.' },
  { id: 'card/duplicate-key', severity: 'error', description: 'A mapping has the same key twice.' },
  { id: 'card/not-a-mapping', severity: 'error', description: 'The metadata is not a mapping of keys to values.' },
  { id: 'card/unclosed-front-matter', severity: 'error', description: 'The front matter starts with `---` but never ends.' },
  // Hugging Face metadata
  { id: 'card/model-index-not-list', severity: 'error', description: '`model-index` is not a list.' },
  { id: 'card/model-index-missing-field', severity: 'error', description: 'A `model-index` entry lacks `name` or `results`.' },
  { id: 'card/result-missing-field', severity: 'error', description: 'A result lacks `task.type`, `dataset.type`, `dataset.name` or `metrics`.' },
  { id: 'card/metrics-not-list', severity: 'error', description: 'A result\'s `metrics` is not a list.' },
  { id: 'card/metric-missing-field', severity: 'error', description: 'A metric lacks `type` or `value`, or has a null or empty one.' },
  { id: 'card/source-missing-url', severity: 'error', description: 'A `source` lacks `url`.' },
  { id: 'card/invalid-license', severity: 'error', description: '`license` is not one of the Hub\'s license ids.' },
  { id: 'card/license-name-missing', severity: 'error', description: '`license: other` without `license_name`.' },
  { id: 'card/non-string-item', severity: 'error', description: 'A non-string item in `datasets`, `tags` or `metrics`.' },
  { id: 'card/dataset-config-not-string', severity: 'error', description: '`dataset.config` is not a string.' },
  { id: 'card/mct-schema', severity: 'error', description: 'A Model Card Toolkit card breaks the toolkit\'s JSON Schema.' },
  { id: 'card/mct-format', severity: 'warning', description: 'A Model Card Toolkit date or URI is not in the format its schema declares.' },
  { id: 'card/no-metadata', severity: 'warning', description: 'No front matter, or no metadata at all.' },
  { id: 'card/unknown-pipeline-tag', severity: 'warning', description: '`pipeline_tag` is not a Hub task.' },
  { id: 'card/unknown-task-type', severity: 'warning', description: '`task.type` is not a Hub task id.' },
  { id: 'card/non-numeric-metric', severity: 'warning', description: 'A metric value is not a number.' },
  { id: 'card/self-verified', severity: 'warning', description: 'A metric claims `verified: true`, which only the Hub may set.' },
  { id: 'card/empty-results', severity: 'warning', description: 'A `model-index` entry has no results.' },
  { id: 'card/invalid-language', severity: 'warning', description: 'A language code is not ISO 639.' },
  { id: 'card/unknown-library', severity: 'warning', description: '`library_name` is not a library the Hub knows.' },
  { id: 'card/legacy-model-index', severity: 'warning', description: 'The legacy `model_index` key is used.' },
  { id: 'card/tab-indentation', severity: 'warning', description: 'Tabs in the metadata break other YAML parsers.' },
  { id: 'card/yaml11-boolean', severity: 'warning', description: 'A YAML 1.1 boolean (`yes`, `NO`, `on`…) means a string here and a boolean elsewhere.' },
  { id: 'card/unfilled-template', severity: 'warning', description: 'A template placeholder such as "More information needed" is left in.' },
  { id: 'card/unknown-key', severity: 'warning', description: 'An unknown key that is close to a known one (likely a typo).' },
  // modelgate's own identity keys
  { id: 'modelgate/invalid-identity', severity: 'error', description: 'The `modelgate` key is malformed, or the model name or version is unsafe.' },
  // Repository policy (.github/modelgate.yml)
  { id: 'policy/required-field', severity: 'error', description: 'A field the repository requires is missing.' },
  { id: 'policy/required-section', severity: 'error', description: 'A Markdown section the repository requires is missing.' },
  { id: 'policy/license-not-allowed', severity: 'error', description: 'The license is not in the repository\'s allowed list.' },
] as const satisfies readonly RuleInfo[];

export type RuleId = (typeof RULES)[number]['id'];

export const RULE_IDS: readonly RuleId[] = RULES.map((r) => r.id);

const DEFAULTS = new Map<string, Severity>(RULES.map((r) => [r.id, r.severity]));

export function defaultSeverity(rule: RuleId): Severity {
  return DEFAULTS.get(rule)!;
}
