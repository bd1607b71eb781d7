import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/**
 * Reads at most `limit` bytes of a file. Size caps are enforced by whoever reads the bytes;
 * reading a prefix keeps a huge (or endless, like /dev/zero) file from exhausting memory.
 *
 * A regular file is read into a buffer of its stat size (unpooled and not zero-filled: only
 * the bytes the read wrote are returned), then probed with a one-byte read past that size to
 * tell whether it grew since stat; only then is the rest of the limit read. Allocating and
 * zero-filling the whole remaining limit (~1 MiB) for every file, just to find out, was most of
 * the CLI's time on thousands of small cards (issue 12).
 *
 * The reads are synchronous: its callers (the CLI, the actions, the pre-commit hook) read one
 * file after another, and a file handle's promise API cost about 190 µs of CPU per small file
 * (open, stat, read, close, each a round trip through libuv's thread pool) against ~10 µs here.
 * The function stays async so that its callers need not change if that ever does.
 */
export async function readUpTo(path: string, limit: number): Promise<Uint8Array> {
  return readUpToSync(path, limit);
}

function readUpToSync(path: string, limit: number): Uint8Array {
  const fd = openSync(path, 'r');
  try {
    const stats = fstatSync(fd);
    if (stats.isDirectory()) {
      throw Object.assign(new Error(`EISDIR: ${path}`), { code: 'EISDIR' });
    }
    // Special files report size 0 but may still have content, so read until EOF or the limit.
    const expected = stats.isFile() ? Math.min(stats.size, limit) : limit;
    const first = Buffer.allocUnsafeSlow(expected);
    let filled = fill(fd, first, 0);
    if (filled < first.length || filled === limit) return view(first, filled);
    // The file may have grown since stat: a one-byte probe tells whether there is more.
    const probe = Buffer.allocUnsafeSlow(1);
    if (readSync(fd, probe, 0, 1, filled) === 0) return view(first, filled);
    const rest = Buffer.allocUnsafeSlow(limit - filled - 1);
    const more = fill(fd, rest, filled + 1);
    filled += 1 + more;
    return new Uint8Array(Buffer.concat([first, probe, rest.subarray(0, more)], filled));
  } finally {
    closeSync(fd);
  }
}

/** Reads into `buffer` from file position `position` until it is full or the file ends; the bytes read. */
function fill(fd: number, buffer: Buffer, position: number): number {
  let filled = 0;
  while (filled < buffer.length) {
    const bytesRead = readSync(fd, buffer, filled, buffer.length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled;
}

function view(buffer: Buffer, length: number): Uint8Array {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, length);
}
