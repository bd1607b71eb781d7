import type { IncomingMessage } from 'node:http';

export type CappedBody = { kind: 'body'; body: Buffer } | { kind: 'too-large'; read: number } | { kind: 'aborted'; read: number };

/**
 * Reads a request body up to `maxBytes`. Past the cap it stops reading at once (the request is
 * paused and its remaining bytes are never taken from the socket), so a hostile body costs at
 * most the cap in memory. `onBytes` sees each chunk's size (the metrics count bytes read).
 */
export function readCappedBody(req: IncomingMessage, maxBytes: number, onBytes: (n: number) => void = () => undefined): Promise<CappedBody> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let read = 0;
    let settled = false;
    const finish = (result: CappedBody) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('aborted', onAbort);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      read += chunk.length;
      onBytes(chunk.length);
      if (read > maxBytes) {
        req.pause();
        chunks.length = 0;
        finish({ kind: 'too-large', read });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => finish({ kind: 'body', body: Buffer.concat(chunks, read) });
    const onAbort = () => finish({ kind: 'aborted', read });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('aborted', onAbort);
  });
}
