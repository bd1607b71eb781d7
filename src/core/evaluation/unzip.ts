import { Inflate } from 'fflate';

/**
 * Reads an artifact zip in memory, safely: artifacts from fork PRs are untrusted, so every
 * size is capped, declared sizes are checked against the central directory AND enforced
 * while inflating (a lying header cannot make us inflate more), and unsafe names are
 * rejected outright. Entries are only ever looked up by name; nothing is written to disk.
 */

export interface ZipLimits {
  /** Sum of all entries' uncompressed sizes. */
  maxTotalBytes: number;
  /** One entry's uncompressed size. */
  maxEntryBytes: number;
  /** Central directory records, directories included. */
  maxEntries: number;
}

const MIB = 1024 * 1024;

export const DEFAULT_ZIP_LIMITS: ZipLimits = { maxTotalBytes: 50 * MIB, maxEntryBytes: 20 * MIB, maxEntries: 100 };

export type ZipReadResult = { ok: true; entries: Map<string, Uint8Array> } | { ok: false; error: string };

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_SIZE = 22;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;
const MAX_COMMENT = 0xffff;
const STORED = 0;
const DEFLATED = 8;
const FLAG_ENCRYPTED = 0x1;
/**
 * Compressed bytes fed to the inflater per step. Deflate expands at most ~1032:1, so one
 * step overshoots a cap by at most ~8 MiB before the guard sees it and stops.
 */
const INFLATE_STEP = 8 * 1024;

interface CentralEntry {
  name: string;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
  /** Raw name bytes, to compare with the local header's. */
  nameBytes: Uint8Array;
  /** Where the compressed data starts, past the local header. */
  dataOffset: number;
}

class ZipError extends Error {}

/** The files of a zip, by exact name (directories left out), or the first reason it is refused. Never throws on bad input. */
export function readZip(bytes: Uint8Array, limits: ZipLimits = DEFAULT_ZIP_LIMITS): ZipReadResult {
  try {
    const central = readCentralDirectory(bytes, limits);
    const entries = new Map<string, Uint8Array>();
    for (const entry of central) entries.set(entry.name, extract(bytes, entry));
    return { ok: true, entries };
  } catch (error) {
    if (error instanceof ZipError) return { ok: false, error: error.message };
    throw error;
  }
}

/** The files (not directories) the central directory lists, each checked against the limits. */
function readCentralDirectory(bytes: Uint8Array, limits: ZipLimits): CentralEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const eocd = findEndOfCentralDirectory(view);
  if (eocd === -1) throw new ZipError('The artifact is not a valid zip file (no end of central directory record).');
  const disk = view.getUint16(eocd + 4, true);
  const cdDisk = view.getUint16(eocd + 6, true);
  const diskCount = view.getUint16(eocd + 8, true);
  const count = view.getUint16(eocd + 10, true);
  const cdSize = view.getUint32(eocd + 12, true);
  const cdOffset = view.getUint32(eocd + 16, true);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    throw new ZipError('The artifact zip uses ZIP64, which is not supported (an evaluation artifact is never that large).');
  }
  if (disk !== 0 || cdDisk !== 0 || diskCount !== count) throw new ZipError('The artifact zip spans several disks, which is not supported.');
  if (count > limits.maxEntries) {
    throw new ZipError(`The artifact zip has ${count} entries, over the limit of ${limits.maxEntries}.`);
  }
  if (cdOffset + cdSize > eocd) throw new ZipError('The artifact zip is corrupt (its central directory is out of bounds).');

  const entries: CentralEntry[] = [];
  const names = new Set<string>();
  let total = 0;
  let at = cdOffset;
  for (let i = 0; i < count; i++) {
    if (at + CENTRAL_SIZE > cdOffset + cdSize || view.getUint32(at, true) !== CENTRAL_SIGNATURE) {
      throw new ZipError('The artifact zip is corrupt (a central directory record is malformed).');
    }
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const end = at + CENTRAL_SIZE + nameLength + extraLength + commentLength;
    if (end > cdOffset + cdSize) throw new ZipError('The artifact zip is corrupt (a central directory record is out of bounds).');
    const nameBytes = bytes.subarray(at + CENTRAL_SIZE, at + CENTRAL_SIZE + nameLength);
    const name = decodeName(nameBytes);
    const entry: CentralEntry = {
      name,
      flags: view.getUint16(at + 8, true),
      method: view.getUint16(at + 10, true),
      crc: view.getUint32(at + 16, true),
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      localOffset: view.getUint32(at + 42, true),
      nameBytes,
      dataOffset: 0,
    };
    at = end;

    const unsafe = unsafePathReason(name);
    if (unsafe) throw new ZipError(`Artifact zip entry ${quote(name)} has an unsafe path (${unsafe}).`);
    if (names.has(name)) throw new ZipError(`Artifact zip entry ${quote(name)} appears twice.`);
    names.add(name);
    if (name.endsWith('/')) continue;

    if (entry.flags & FLAG_ENCRYPTED) throw new ZipError(`Artifact zip entry ${quote(name)} is encrypted, which is not supported.`);
    if (entry.method !== STORED && entry.method !== DEFLATED) {
      throw new ZipError(`Artifact zip entry ${quote(name)} uses compression method ${entry.method}; only stored and deflate are supported.`);
    }
    if (entry.size === 0xffffffff || entry.compressedSize === 0xffffffff || entry.localOffset === 0xffffffff) {
      throw new ZipError(`Artifact zip entry ${quote(name)} uses ZIP64 sizes, which are not supported (an evaluation artifact is never that large).`);
    }
    if (entry.size > limits.maxEntryBytes) {
      throw new ZipError(`Artifact zip entry ${quote(name)} is ${formatSize(entry.size)} uncompressed, over the ${formatSize(limits.maxEntryBytes)} limit per file.`);
    }
    total += entry.size;
    if (total > limits.maxTotalBytes) {
      throw new ZipError(`The artifact zip holds more than ${formatSize(limits.maxTotalBytes)} uncompressed, over the limit.`);
    }
    if (entry.method === STORED && entry.compressedSize !== entry.size) {
      throw new ZipError(`Artifact zip entry ${quote(name)} is corrupt (stored, but its sizes differ).`);
    }
    entry.dataOffset = locateData(bytes, view, entry);
    entries.push(entry);
  }
  checkNoOverlap(entries, cdOffset);
  return entries;
}

/** The end of central directory record: the last signature whose comment ends inside the file. */
function findEndOfCentralDirectory(view: DataView): number {
  const last = view.byteLength - EOCD_SIZE;
  for (let at = last; at >= 0 && at >= last - MAX_COMMENT; at--) {
    if (view.getUint32(at, true) !== EOCD_SIGNATURE) continue;
    if (at + EOCD_SIZE + view.getUint16(at + 20, true) <= view.byteLength) return at;
  }
  return -1;
}

/**
 * Entries sharing compressed data are how the densest zip bombs are built (and never how a
 * real archiver writes), so each entry's data must end before the next one starts.
 */
function checkNoOverlap(entries: CentralEntry[], cdOffset: number): void {
  const sorted = [...entries].sort((a, b) => a.localOffset - b.localOffset);
  for (let i = 0; i < sorted.length; i++) {
    const entry = sorted[i]!;
    const limit = sorted[i + 1]?.localOffset ?? cdOffset;
    if (entry.dataOffset + entry.compressedSize > limit) {
      throw new ZipError(`Artifact zip entry ${quote(entry.name)} overlaps another entry or the central directory; the zip is corrupt or malicious.`);
    }
  }
}

/** Reads the local header: where the data starts, after checking it names the same file. */
function locateData(bytes: Uint8Array, view: DataView, entry: CentralEntry): number {
  const at = entry.localOffset;
  if (at + LOCAL_SIZE > bytes.length || view.getUint32(at, true) !== LOCAL_SIGNATURE) {
    throw new ZipError(`Artifact zip entry ${quote(entry.name)} is corrupt (its local header is missing).`);
  }
  const nameLength = view.getUint16(at + 26, true);
  const extraLength = view.getUint16(at + 28, true);
  const localName = bytes.subarray(at + LOCAL_SIZE, at + LOCAL_SIZE + nameLength);
  // Tools that read local headers and tools that read the central directory must see the same file.
  if (!sameBytes(localName, entry.nameBytes)) {
    throw new ZipError(`Artifact zip entry ${quote(entry.name)} has a different name in its local header; the zip is corrupt or malicious.`);
  }
  return at + LOCAL_SIZE + nameLength + extraLength;
}

function extract(bytes: Uint8Array, entry: CentralEntry): Uint8Array {
  const data = bytes.subarray(entry.dataOffset, entry.dataOffset + entry.compressedSize);
  const content = entry.method === STORED ? data.slice() : inflateBounded(data, entry);
  if (content.length !== entry.size) {
    throw new ZipError(`Artifact zip entry ${quote(entry.name)} is corrupt (it inflates to ${content.length} bytes, not the ${entry.size} it declares).`);
  }
  if (crc32(content) !== entry.crc) throw new ZipError(`Artifact zip entry ${quote(entry.name)} is corrupt (checksum mismatch).`);
  return content;
}

/**
 * Inflates step by step and stops as soon as the output passes the declared size, which the
 * central directory check already held under the caps. So a header that lies about the size
 * costs at most one step of output, never the whole bomb.
 */
function inflateBounded(data: Uint8Array, entry: CentralEntry): Uint8Array {
  const chunks: Uint8Array[] = [];
  let produced = 0;
  const inflater = new Inflate((chunk) => {
    produced += chunk.length;
    if (produced > entry.size) {
      throw new ZipError(`Artifact zip entry ${quote(entry.name)} inflates to more than the ${entry.size} bytes it declares; the zip is corrupt or malicious.`);
    }
    if (chunk.length) chunks.push(chunk);
  });
  try {
    for (let offset = 0; offset < data.length; offset += INFLATE_STEP) {
      const end = Math.min(offset + INFLATE_STEP, data.length);
      inflater.push(data.subarray(offset, end), end === data.length);
    }
    if (data.length === 0) inflater.push(new Uint8Array(0), true);
  } catch (error) {
    if (error instanceof ZipError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new ZipError(`Artifact zip entry ${quote(entry.name)} is corrupt (${reason}).`);
  }
  const out = new Uint8Array(produced);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.length;
  }
  return out;
}

/** Why an entry name is unsafe to use as a path, or null. Names are relative, forward-slashed. */
export function unsafePathReason(name: string): string | null {
  if (name === '') return 'it is empty';
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'it contains a control character';
  if (name.includes('\\')) return 'it contains a backslash';
  if (name.startsWith('/')) return 'it is absolute';
  if (/^[a-zA-Z]:/.test(name)) return 'it starts with a drive letter';
  const segments = name.replace(/\/$/, '').split('/');
  if (segments.some((s) => s === '..')) return 'it climbs out of the artifact with ..';
  if (segments.some((s) => s === '.' || s === '')) return 'it has an empty or . segment';
  return null;
}

function decodeName(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new ZipError(`An artifact zip entry name is not valid UTF-8 (${quote(new TextDecoder('latin1').decode(bytes))}).`);
  }
}

/** A name for messages: quoted, control characters escaped, and never unboundedly long. */
function quote(name: string): string {
  // eslint-disable-next-line no-control-regex
  const escaped = name.replace(/[\u0000-\u001f\u007f']/g, (c) => (c === "'" ? "\\'" : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  return `'${escaped.length > 200 ? `${escaped.slice(0, 200)}…` : escaped}'`;
}

function formatSize(bytes: number): string {
  if (bytes >= MIB) return `${Number.isInteger(bytes / MIB) ? bytes / MIB : (bytes / MIB).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const CRC_TABLE = (() => {
  const table = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[i] = c;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = -1;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
