import type { Finding } from '../common/findings.js';

/** How a card is written; detected from content and extension. */
export type CardFormat =
  | 'markdown' // Hugging Face style: Markdown with YAML front matter
  | 'yaml' // model_card.yml|yaml: the same keys as front matter
  | 'json' // model_card.json: the same keys as front matter
  | 'mct'; // Model Card Toolkit JSON (schema_version 0.0.1 / 0.0.2)

/**
 * Which model a card describes. From the card's `modelgate:` mapping (`model`, `version`)
 * when present, else the name of the folder the card is in (version then unknown).
 */
export interface ModelIdentity {
  name: string;
  version: string | null;
  source: 'card' | 'folder';
}

export interface CardReport {
  /** Repository-relative path, with forward slashes. */
  path: string;
  /** Null when the file could not be read as any format (binary, too large, …). */
  format: CardFormat | null;
  /** Null when no safe name could be determined. */
  model: ModelIdentity | null;
  /**
   * Sorted by position; at most MAX_FINDINGS_PER_FILE (errors first), then, when more were found,
   * a last `card/too-many-findings` that says how many. `errors` and `warnings` count this list.
   */
  findings: Finding[];
  errors: number;
  warnings: number;
}

/** Whether a card passes, given the config's `fail_on`. */
export function cardPasses(report: Pick<CardReport, 'errors' | 'warnings'>, failOn: 'error' | 'warning'): boolean {
  return report.errors === 0 && (failOn === 'error' || report.warnings === 0);
}
