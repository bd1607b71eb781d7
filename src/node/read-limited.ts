import { open } from 'node:fs/promises';

/**
 * Reads at most `limit` bytes of a file. Size caps are enforced by whoever reads the bytes;
 * reading a prefix keeps a huge (or endless, like /dev/zero) file from exhausting memory.
 */
export async function readUpTo(path: string, limit: number): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const stats = await handle.stat();
    if (stats.isDirectory()) {
      throw Object.assign(new Error(`EISDIR: ${path}`), { code: 'EISDIR' });
    }
    // Special files report size 0 but may still have content, so read until EOF or the limit.
    const buffer = Buffer.alloc(stats.isFile() ? Math.min(stats.size, limit) : limit);
    let filled = 0;
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    // The file may have grown since stat; one more read tells whether it is over the limit.
    if (filled === buffer.length && filled < limit) {
      const extra = Buffer.alloc(limit - filled);
      const { bytesRead } = await handle.read(extra, 0, extra.length, filled);
      return new Uint8Array(Buffer.concat([buffer, extra.subarray(0, bytesRead)]));
    }
    return new Uint8Array(buffer.buffer, buffer.byteOffset, filled);
  } finally {
    await handle.close();
  }
}
