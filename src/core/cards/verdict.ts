import type { Finding } from '../common/findings.js';
import { plural } from '../common/text.js';
import { cardPasses, type CardReport } from './types.js';

export type CardsConclusion = 'success' | 'failure' | 'neutral';

/** What was searched: a change's files (the App) or a whole checkout (the action, the CLI). */
export type CardsScope = 'change' | 'repository';

/**
 * The verdict over a set of validated cards, in neutral terms: every output (a check run, a job
 * summary, a terminal, JSON) renders it its own way.
 */
export interface CardsVerdict {
  conclusion: CardsConclusion;
  /** One line of plain text, e.g. "2 model cards failed: 3 errors, 1 warning". */
  title: string;
  scope: CardsScope;
  failOn: 'error' | 'warning';
  cards: number;
  /** The cards that fail under `failOn`. */
  failing: number;
  errors: number;
  warnings: number;
}

export function cardsVerdict(reports: readonly CardReport[], failOn: 'error' | 'warning', scope: CardsScope = 'change'): CardsVerdict {
  const errors = reports.reduce((n, r) => n + r.errors, 0);
  const warnings = reports.reduce((n, r) => n + r.warnings, 0);
  const base = { scope, failOn, cards: reports.length, errors, warnings };
  if (reports.length === 0) {
    return { ...base, conclusion: 'neutral', failing: 0, title: scope === 'change' ? 'No model cards changed' : 'No model cards found' };
  }
  const failing = reports.filter((r) => !cardPasses(r, failOn)).length;
  const counts = `${plural(errors, 'error')}, ${plural(warnings, 'warning')}`;
  const title =
    failing > 0
      ? `${plural(failing, 'model card')} failed: ${counts}`
      : errors + warnings === 0
        ? `${plural(reports.length, 'model card')} valid`
        : `${plural(reports.length, 'model card')} passed with ${plural(warnings, 'warning')}`;
  return { ...base, conclusion: failing > 0 ? 'failure' : 'success', failing, title };
}

/** The verdict when the config itself is invalid: nothing else can be trusted. */
export interface ConfigVerdict {
  conclusion: 'failure';
  title: string;
  configPath: string;
  errors: readonly Finding[];
}

export function configVerdict(configPath: string, errors: readonly Finding[]): ConfigVerdict {
  return { conclusion: 'failure', title: `Invalid configuration: ${plural(errors.length, 'error')} in ${configPath}`, configPath, errors };
}
