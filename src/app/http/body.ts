import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
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
  | { kind: 'aborted'; read: number }
  | { kind: 'spill-failed'; read: number; message: string };

/** Where the part of an unverified body past its first `memoryBytes` goes until the signature is known. */
export interface SpillOptions {
  /** A directory for the private temp files (WEBHOOK_SPILL_DIR, by default os.tmpdir()). */
  dir: string;
  /** Bytes of each body kept in memory; the rest is written to a temp file. */
  memoryBytes: number;
}

export interface SignedBodyOptions {
  secret: string;
  /** The digest the request's signature header names (parseSignature). */
  expected: Buffer;
  maxBytes: number;
  budget: UnverifiedBytes;
  /** Bytes the caller already reserved on `budget` for this body (its Content-Length), released here; 0 for a chunked body. */
  reserved: number;
  spill: SpillOptions;
  /** Sees each chunk's size (the metrics count bytes read). */
  onBytes?: (n: number) => void;
}

/** 256 KiB: deliveries are tens of KB, so nearly all of them never touch the disk; the less each body keeps, the less forged ones hold at once. */
export const DEFAULT_SPILL_MEMORY_BYTES = 256 * 1024;

/**
 * A body's bytes past the in-memory part, in a temp file only this process can read (0600,
 * created exclusively under a random name). Node frees a chunk's memory only once V8 collects
 * its Buffer, and chunks held until a body's last byte live long enough to reach the old
 * generation, which is collected rarely: forged bodies held whole left about twice the budget
 * of unverified bytes in the RSS. Written out, a chunk is garbage as soon as the write is done
 * and goes in the next scavenge.
 */
class Spill {
  readonly path: string;
  private readonly stream: WriteStream;
  private failure: Error | null = null;

  constructor(dir: string, onDrain: () => void, onError: (error: Error) => void) {
    this.path = join(dir, `modelgate-webhook-${randomUUID()}.part`);
    this.stream = createWriteStream(this.path, { flags: 'wx', mode: 0o600 });
    this.stream.on('drain', onDrain);
    this.stream.on('error', (error) => {
      this.failure = error;
      onError(error);
    });
  }

  /** False when the file's buffer is full: the caller pauses the request until onDrain. */
  write(chunk: Buffer): boolean {
    return this.stream.write(chunk);
  }

  /** The spilled bytes, once all of them are on disk; the file is deleted either way. */
  async readBack(): Promise<Buffer> {
    try {
      await new Promise<void>((resolve, reject) => {
        if (this.failure !== null) return reject(this.failure);
        this.stream.once('error', reject);
        this.stream.end(() => resolve());
      });
      return await readFile(this.path);
    } finally {
      await this.remove();
    }
  }

  /** Deletes the file (an open descriptor is closed first); never throws: a refusal must not turn into a crash. */
  async remove(): Promise<void> {
    if (!this.stream.destroyed) {
      await new Promise<void>((resolve) => {
        this.stream.once('close', () => resolve());
        this.stream.destroy();
      });
    }
    await rm(this.path, { force: true }).catch(() => undefined);
  }
}

/**
 * Reads a request body up to `maxBytes`, computing its HMAC-SHA256 as the chunks arrive, and
 * says whether it matches the signature (compared in constant time). Past the cap, or when a
 * chunk of a body without a Content-Length does not fit in the budget, it stops reading at once:
 * the request is paused and its remaining bytes are never taken from the socket. The first
 * `spill.memoryBytes` are kept in memory and the rest goes to a private temp file (see Spill),
 * read back only once the signature matches and deleted whatever the outcome. The body's
 * reservation is released whatever the outcome too.
 */
export function readSignedBody(req: IncomingMessage, options: SignedBodyOptions): Promise<SignedBody> {
  const { budget, maxBytes, spill: where } = options;
  return new Promise((resolve) => {
    const hmac = createHmac('sha256', options.secret);
    const chunks: Buffer[] = [];
    let inMemory = 0;
    let spill: Spill | null = null;
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
      chunks.length = 0;
      if (result.kind !== 'verified') req.pause();
      const file = spill;
      spill = null;
      if (file === null) return resolve(result);
      // Answered only once the file is gone, so no refused body outlives its request on disk.
      void file.remove().then(() => resolve(result));
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
      if (inMemory + chunk.length <= where.memoryBytes) {
        chunks.push(chunk);
        inMemory += chunk.length;
        return;
      }
      spill ??= new Spill(where.dir, () => req.resume(), (error) => finish({ kind: 'spill-failed', read, message: error.message }));
      // The disk is slower than loopback: no more bytes are taken from the socket than it has written.
      if (!spill.write(chunk)) req.pause();
    };
    const onEnd = () => {
      const digest = hmac.digest();
      if (digest.length !== options.expected.length || !timingSafeEqual(digest, options.expected)) return finish({ kind: 'mismatch', read });
      const head = chunks.splice(0);
      const file = spill;
      if (file === null) return finish({ kind: 'verified', body: head.length === 1 ? head[0]! : Buffer.concat(head, read) });
      // Verified: the file is read back once (and deleted by readBack); no handler of finish's must touch it.
      spill = null;
      file.readBack().then(
        (rest) => finish({ kind: 'verified', body: Buffer.concat([...head, rest], read) }),
        (error: Error) => finish({ kind: 'spill-failed', read, message: error.message }),
      );
    };
    const onAbort = () => finish({ kind: 'aborted', read });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('aborted', onAbort);
  });
}
