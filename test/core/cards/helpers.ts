import { resolveConfig, type Config, type ConfigInput } from '../../../src/core/config/schema.js';
import type { Finding } from '../../../src/core/common/findings.js';
import type { CardReport } from '../../../src/core/cards/types.js';
import { validateCard } from '../../../src/core/cards/validate.js';

export const CORPUS = new URL('../../../../shared/corpus/model-cards/', import.meta.url);
export const FIXTURES = new URL('../../fixtures/cards/', import.meta.url);

export function config(input: ConfigInput = {}): Config {
  return resolveConfig(input);
}

/** Validates inline card text (a README.md in a model folder unless another path is given). */
export function check(text: string | Uint8Array, path = 'models/demo/README.md', cfg: Config = config()): CardReport {
  return validateCard(path, text, cfg);
}

/** Findings reduced to what the tests compare: severity, rule, line and column. */
export function brief(findings: readonly Finding[]): string[] {
  return findings.map((f) => `${f.line}:${f.column} ${f.severity} ${f.rule}`);
}

export function rules(report: CardReport, severity?: 'error' | 'warning'): string[] {
  return [...new Set(report.findings.filter((f) => !severity || f.severity === severity).map((f) => f.rule))].sort();
}

/** A Markdown card with the given front matter lines and body. */
export function card(frontMatter: string, body = '# Model\n\nText.\n'): string {
  return `---\n${frontMatter}${frontMatter.endsWith('\n') ? '' : '\n'}---\n${body}`;
}
