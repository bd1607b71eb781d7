import { createHmac, timingSafeEqual } from 'node:crypto';

/** Whether `header` (X-Hub-Signature-256: `sha256=<hex>`) is the HMAC of `body` under `secret`, compared in constant time. */
export function signatureMatches(secret: string, body: Buffer, header: string): boolean {
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  if (match === null) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  return timingSafeEqual(expected, Buffer.from(match[1]!, 'hex'));
}
