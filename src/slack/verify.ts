/**
 * Slack's request signature (v0): HMAC-SHA256 of `v0:<timestamp>:<body>` with the signing
 * secret. A request is taken only when the signature matches and its timestamp is within five
 * minutes of now, past or future (Bolt accepts any future timestamp; a captured request replayed
 * with a forged future time would otherwise never go stale).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack's window for a request's age. */
export const SIGNATURE_WINDOW_S = 5 * 60;
/** How far ahead of our clock a timestamp may be (clock skew). */
export const FUTURE_SKEW_S = 60;

export type Verdict = { ok: true } | { ok: false; reason: 'missing' | 'stale' | 'future' | 'signature' };

export function verifySlackSignature(secret: string, headers: { signature: string | undefined; timestamp: string | undefined }, body: Buffer, nowMs: number): Verdict {
  const { signature, timestamp } = headers;
  if (!signature || !timestamp || !/^\d{1,12}$/.test(timestamp) || !/^v0=[0-9a-f]{64}$/.test(signature)) return { ok: false, reason: 'missing' };
  const now = Math.floor(nowMs / 1000);
  const ts = Number(timestamp);
  if (ts < now - SIGNATURE_WINDOW_S) return { ok: false, reason: 'stale' };
  if (ts > now + FUTURE_SKEW_S) return { ok: false, reason: 'future' };
  const expected = createHmac('sha256', secret).update(`v0:${timestamp}:`).update(body).digest();
  const given = Buffer.from(signature.slice(3), 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected) ? { ok: true } : { ok: false, reason: 'signature' };
}
