/** Presentation shared by the promotion's renderers (Markdown, Slack): state and requirement labels. */
import type { Check, PromotionState } from '../core/promotion/index.js';

export const STATE_LABEL: Record<PromotionState, string> = {
  requested: '⏳ Waiting for approval',
  approved: '🔄 Approved, executing',
  executing: '🔄 Executing',
  done: '✅ Done',
  failed: '❌ Failed',
  rejected: '🚫 Rejected',
  expired: '⌛ Expired',
  void: '⚠️ Void',
};

export const CHECK_LABEL: Record<Check['id'], string> = {
  registered: 'Registered',
  'not-in-stage': 'Not already there',
  emergency: 'Emergency',
  'stage-order': 'Stage order',
  soak: 'Soak',
  card_valid: 'Card valid',
  gates_passed: 'Gates passed',
  pr_approved: 'PR approved',
};

/** An expiry for people: `2026-12-02 12:00 UTC`. */
export function expiryText(iso: string): string {
  return iso.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC');
}
