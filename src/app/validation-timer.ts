import { validateCard, type CardReport } from '../core/cards/index.js';
import type { Config } from '../core/config/index.js';

/** Told how long one card's validation took, and whether the card had errors (the server's /metrics records it). */
export type ObserveValidation = (seconds: number, outcome: 'valid' | 'invalid') => void;

/**
 * Validates one card as the core does, timed for `observe`: the App's one place that validates
 * cards, so the validation-duration metric covers the card check and the registration of merged
 * versions alike.
 */
export function validateCardTimed(observe: ObserveValidation | undefined, path: string, bytes: Uint8Array, config: Config): CardReport {
  const started = performance.now();
  const report = validateCard(path, bytes, config);
  observe?.((performance.now() - started) / 1000, report.errors > 0 ? 'invalid' : 'valid');
  return report;
}
