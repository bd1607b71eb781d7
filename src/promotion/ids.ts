import { randomBytes } from 'node:crypto';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';

/** A request id: `p-` and 12 base32 characters from 60 random bits: unguessable, and safe in Markdown, Slack and URLs. */
export function newPromotionId(): string {
  const bytes = randomBytes(12);
  let id = 'p-';
  for (let i = 0; i < 12; i++) id += ALPHABET[bytes[i]! & 31];
  return id;
}
