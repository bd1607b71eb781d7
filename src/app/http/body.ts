import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/**
 * The process-wide budget of webhook body bytes held before their signature is checked. A
 * forged body (a signature header, a wrong HMAC) can only be told apart from a real one once
 * its last byte is in, so every body is held until then; without a bound, a few clients sending
 * bodies just under the cap at once would hold that many times the cap in memory. A body with
 * a Content-Length reserves all of it before a byte is read; a chunked one reserves each chunk
 * as it arrives. What does not fit is refused (503) without being read further.
 */
export class UnverifiedBytes {
  private held = 0;

  constructor(readonly limit: number) {}

  /** Bytes reserved now (bodies being read, not yet verified). */
  get inFlight(): number {
    return this.held;
  }

  /** Reserves `n` bytes if they fit; false (nothing reserved) otherwise. */
  reserve(n: number): boolean {
    if (this.held + n > this.limit) return false;
    this.held += n;
    return true;
  }

  release(n: number): void {
    this.held = Math.max(0, this.held - n);
  }
}

/** The 32-byte digest an `X-Hub-Signature-256` header (`sha256=<hex>`) names; null when it is not of that form. */
export function parseSignature(header: string): Buffer | null {
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header.trim());
  return match === null ? null : Buffer.from(match[1]!, 'hex');
}

export type SignedBody =
  | { kind: 'verified'; body: Buffer }
  | { kind: 'mismatch'; read: number }
  | { kind: 'too-large'; read: number }
  | { kind: 'over-budget'; read: number }
  | { kind: 'aborted'; read: number };

export interface SignedBodyOptions {
  secret: string;
  /** The digest the request's signature header names (parseSignature). */
  expected: Buffer;
  maxBytes: number;
  budget: UnverifiedBytes;
  /** Bytes the caller already reserved on `budget` for this body (its Content-Length), released here; 0 for a chunked body. */
  reserved: number;
  /** Sees each chunk's size (the metrics count bytes read). */
  onBytes?: (n: number) => void;
}

/**
 * Reads a request body up to `maxBytes`, computing its HMAC-SHA256 as the chunks arrive, and
 * says whether it matches the signature (compared in constant time). Past the cap, or when a
 * chunk of a body without a Content-Length does not fit in the budget, it stops reading at once:
 * the request is paused and its remaining bytes are never taken from the socket. The body's
 * reservation is released whatever the outcome, and its chunks are joined into one buffer only
 * once it is verified, so a forged body never costs more than its own bytes.
 */
export function readSignedBody(req: IncomingMessage, options: SignedBodyOptions): Promise<SignedBody> {
  const { budget, maxBytes } = options;
  return new Promise((resolve) => {
    const hmac = createHmac('sha256', options.secret);
    const chunks: Buffer[] = [];
    let read = 0;
    let reserved = options.reserved;
    let settled = false;
    const finish = (result: SignedBody) => {
      if (settled) return;
      settled = true;
      budget.release(reserved);
      reserved = 0;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('aborted', onAbort);
      if (result.kind !== 'verified') {
        chunks.length = 0;
        req.pause();
      }
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      read += chunk.length;
      options.onBytes?.(chunk.length);
      if (read > maxBytes) return finish({ kind: 'too-large', read });
      if (read > reserved) {
        // A chunked body (or one longer than it declared, which Node refuses anyway): reserve as it comes.
        const more = read - reserved;
        if (!budget.reserve(more)) return finish({ kind: 'over-budget', read });
        reserved += more;
      }
      hmac.update(chunk);
      chunks.push(chunk);
    };
    const onEnd = () => {
      const digest = hmac.digest();
      if (digest.length !== options.expected.length || !timingSafeEqual(digest, options.expected)) return finish({ kind: 'mismatch', read });
      const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, read);
      finish({ kind: 'verified', body });
    };
    const onAbort = () => finish({ kind: 'aborted', read });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('aborted', onAbort);
  });
}
