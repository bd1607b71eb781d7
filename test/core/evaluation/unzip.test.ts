import { constants, deflateRawSync } from 'node:zlib';
import { describe, expect, it } from '@jest/globals';
import { zipSync, strToU8 } from 'fflate';
import { DEFAULT_ZIP_LIMITS, readZip, unsafePathReason, type ZipLimits } from '../../../src/core/evaluation/unzip.js';

const MIB = 1024 * 1024;
const text = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);

function entriesOf(zip: Uint8Array, limits?: ZipLimits): Map<string, Uint8Array> {
  const result = readZip(zip, limits);
  if (!result.ok) throw new Error(`expected the zip to read: ${result.error}`);
  return result.entries;
}

function errorOf(zip: Uint8Array, limits?: ZipLimits): string {
  const result = readZip(zip, limits);
  if (result.ok) throw new Error('expected the zip to be rejected');
  return result.error;
}

/** Offset of the central directory record for `name` in a zip. */
function centralRecord(zip: Uint8Array, name: string): number {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const needle = strToU8(name);
  for (let at = 0; at + 46 <= zip.length; at++) {
    if (view.getUint32(at, true) !== 0x02014b50) continue;
    const length = view.getUint16(at + 28, true);
    if (length === needle.length && needle.every((b, i) => zip[at + 46 + i] === b)) return at;
  }
  throw new Error(`no central record for ${name}`);
}

/** Overwrites the uncompressed size the central directory declares for `name`. */
function declareSize(zip: Uint8Array, name: string, size: number): Uint8Array {
  const copy = zip.slice();
  new DataView(copy.buffer).setUint32(centralRecord(copy, name) + 24, size, true);
  return copy;
}

interface RawEntry {
  name: string;
  data: Uint8Array;
  method: 0 | 8;
  size: number;
  crc?: number;
  localName?: string;
}

/** A zip written by hand, for shapes no honest archiver produces. */
function rawZip(entries: RawEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = strToU8(e.name);
    const localName = strToU8(e.localName ?? e.name);
    const local = new Uint8Array(30 + localName.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(8, e.method, true);
    lv.setUint32(14, e.crc ?? 0, true);
    lv.setUint32(18, e.data.length, true);
    lv.setUint32(22, e.size, true);
    lv.setUint16(26, localName.length, true);
    local.set(localName, 30);
    const record = new Uint8Array(46 + name.length);
    const cv = new DataView(record.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(10, e.method, true);
    cv.setUint32(16, e.crc ?? 0, true);
    cv.setUint32(20, e.data.length, true);
    cv.setUint32(24, e.size, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    record.set(name, 46);
    parts.push(local, e.data);
    central.push(record);
    offset += local.length + e.data.length;
  }
  const cdSize = central.reduce((n, r) => n + r.length, 0);
  const eocd = new Uint8Array(22);
  const ev = new DataView(eocd.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, entries.length, true);
  ev.setUint16(10, entries.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);
  return Buffer.concat([...parts, ...central, eocd]);
}

describe('readZip', () => {
  it('reads the files of a real zip by their exact names and ignores directories', () => {
    const zip = zipSync({
      'modelgate-eval.json': strToU8('{"schema": 1}'),
      'metrics.json': [strToU8('{"accuracy": 0.91}'), { level: 0 }],
      reports: { 'per-class.csv': strToU8('class,f1\na,0.5\n') },
      empty: {},
    });
    const entries = entriesOf(zip);
    expect([...entries.keys()]).toEqual(['modelgate-eval.json', 'metrics.json', 'reports/per-class.csv']);
    expect(text(entries.get('modelgate-eval.json'))).toBe('{"schema": 1}');
    expect(text(entries.get('metrics.json'))).toBe('{"accuracy": 0.91}');
    expect(text(entries.get('reports/per-class.csv'))).toBe('class,f1\na,0.5\n');
  });

  it('reads a zip with no manifest: which files an artifact needs is not its concern', () => {
    const entries = entriesOf(zipSync({ 'metrics.json': strToU8('{}') }));
    expect([...entries.keys()]).toEqual(['metrics.json']);
    expect(entries.has('modelgate-eval.json')).toBe(false);
  });

  it('reads an empty file and an empty zip', () => {
    expect(text(entriesOf(zipSync({ 'empty.txt': new Uint8Array(0) })).get('empty.txt'))).toBe('');
    expect(entriesOf(zipSync({})).size).toBe(0);
  });

  it('rejects a zip-slip entry with a clear error', () => {
    const zip = zipSync({ 'metrics.json': strToU8('{}'), '../evil': strToU8('pwned') });
    expect(errorOf(zip)).toBe("Artifact zip entry '../evil' has an unsafe path (it climbs out of the artifact with ..).");
    expect(errorOf(zipSync({ '../../etc/passwd': strToU8('root') }))).toBe(
      "Artifact zip entry '../../etc/passwd' has an unsafe path (it climbs out of the artifact with ..).",
    );
  });

  it('rejects an absolute path, even as a directory', () => {
    expect(errorOf(zipSync({ '/etc': {} }))).toBe("Artifact zip entry '/etc/' has an unsafe path (it is absolute).");
  });

  it('rejects an entry over the per-file limit from the central directory', () => {
    const zip = zipSync({ 'big.bin': new Uint8Array(2 * MIB) });
    expect(errorOf(zip, { ...DEFAULT_ZIP_LIMITS, maxEntryBytes: MIB })).toBe(
      "Artifact zip entry 'big.bin' is 2 MiB uncompressed, over the 1 MiB limit per file.",
    );
  });

  let zeros: Uint8Array | undefined;
  /** 100 MiB of zeros, deflated to ~100 KiB (built once: it takes a second). */
  const zerosZip = () => (zeros ??= zipSync({ 'zeros.bin': new Uint8Array(100 * MIB) }, { level: 9 }));

  it('rejects a zip bomb of 100 MiB of zeros before inflating it', () => {
    const zip = zerosZip();
    expect(zip.length).toBeLessThan(200 * 1024);
    expect(errorOf(zip)).toBe("Artifact zip entry 'zeros.bin' is 100 MiB uncompressed, over the 20 MiB limit per file.");
  });

  it('stops inflating a zip bomb whose central directory lies about its size', () => {
    expect(errorOf(declareSize(zerosZip(), 'zeros.bin', 1024))).toBe(
      "Artifact zip entry 'zeros.bin' inflates to more than the 1024 bytes it declares; the zip is corrupt or malicious.",
    );
  });

  it('stops a 4 GiB deflate stream at its declared size, without inflating the rest', () => {
    // 4096 flushed blocks of 1 MiB of zeros, then an empty final block: a valid 4 GiB stream
    // in ~4 MiB. Inflating it all would need 4 GiB of memory; the guard stops after one step.
    const block = deflateRawSync(new Uint8Array(MIB), { level: 9, finishFlush: constants.Z_FULL_FLUSH });
    const stream = Buffer.concat([...Array.from({ length: 4096 }, () => block), deflateRawSync(new Uint8Array(0))]);
    const zip = rawZip([{ name: 'bomb.bin', data: stream, method: 8, size: 10 * MIB }]);
    expect(errorOf(zip)).toBe(
      `Artifact zip entry 'bomb.bin' inflates to more than the ${10 * MIB} bytes it declares; the zip is corrupt or malicious.`,
    );
  });

  it('caps the total uncompressed size across entries', () => {
    const files = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`part-${i}.bin`, new Uint8Array(10 * MIB)]));
    expect(errorOf(zipSync(files, { level: 1 }))).toBe('The artifact zip holds more than 50 MiB uncompressed, over the limit.');
  });

  it('rejects too many entries, directories included', () => {
    const files = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`f${i}.txt`, strToU8('x')]));
    expect(errorOf(zipSync(files))).toBe('The artifact zip has 101 entries, over the limit of 100.');
    const dirs = Object.fromEntries(Array.from({ length: 3 }, (_, i) => [`d${i}`, {}]));
    expect(errorOf(zipSync(dirs), { ...DEFAULT_ZIP_LIMITS, maxEntries: 2 })).toBe('The artifact zip has 3 entries, over the limit of 2.');
  });

  it('rejects bytes that are not a zip', () => {
    expect(errorOf(strToU8('PK but not really a zip file at all, just text'))).toBe(
      'The artifact is not a valid zip file (no end of central directory record).',
    );
    expect(errorOf(new Uint8Array(0))).toBe('The artifact is not a valid zip file (no end of central directory record).');
  });

  it('rejects a truncated zip', () => {
    const zip = zipSync({ 'metrics.json': strToU8('{"accuracy": 0.91}') });
    expect(errorOf(zip.subarray(0, zip.length - 30))).toBe('The artifact is not a valid zip file (no end of central directory record).');
  });

  it('rejects corrupt compressed data', () => {
    const zip = zipSync({ 'metrics.json': strToU8('{"accuracy": 0.91, "f1": 0.88, "loss": 0.25}'.repeat(20)) }, { level: 9 });
    const corrupt = zip.slice();
    corrupt[30 + 'metrics.json'.length] = 0xff; // the first deflate header byte: an invalid block type
    expect(errorOf(corrupt)).toMatch(/^Artifact zip entry 'metrics\.json' is corrupt \(.+\)\.$/);
  });

  it('rejects a checksum mismatch', () => {
    const zip = zipSync({ 'metrics.json': [strToU8('{"accuracy": 0.91}'), { level: 0 }] });
    const corrupt = zip.slice();
    const at = 30 + 'metrics.json'.length + 2; // a byte of the stored data
    corrupt[at] = corrupt[at]! ^ 0x01;
    expect(errorOf(corrupt)).toBe("Artifact zip entry 'metrics.json' is corrupt (checksum mismatch).");
  });

  it('rejects an entry that inflates to less than it declares', () => {
    const zip = zipSync({ 'metrics.json': strToU8('{"accuracy": 0.91}') });
    expect(errorOf(declareSize(zip, 'metrics.json', 100))).toBe(
      "Artifact zip entry 'metrics.json' is corrupt (it inflates to 18 bytes, not the 100 it declares).",
    );
  });

  it('rejects duplicate names, so there is no doubt which one is read', () => {
    const zip = rawZip([
      { name: 'metrics.json', data: strToU8('{}'), method: 0, size: 2 },
      { name: 'metrics.json', data: strToU8('[]'), method: 0, size: 2 },
    ]);
    expect(errorOf(zip)).toBe("Artifact zip entry 'metrics.json' appears twice.");
  });

  it('rejects a local header that names a different file than the central directory', () => {
    const zip = rawZip([{ name: 'metrics.json', localName: '../evil.json', data: strToU8('{}'), method: 0, size: 2 }]);
    expect(errorOf(zip)).toBe(
      "Artifact zip entry 'metrics.json' has a different name in its local header; the zip is corrupt or malicious.",
    );
  });

  it('rejects an entry whose data runs into the next entry (overlapping entries build the densest bombs)', () => {
    const zip = rawZip([
      { name: 'a.bin', data: new Uint8Array(64), method: 0, size: 64 },
      { name: 'b.bin', data: new Uint8Array(64), method: 0, size: 64 },
    ]);
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    const a = centralRecord(zip, 'a.bin');
    view.setUint32(a + 20, 128, true);
    view.setUint32(a + 24, 128, true);
    expect(errorOf(zip)).toBe("Artifact zip entry 'a.bin' overlaps another entry or the central directory; the zip is corrupt or malicious.");
  });

  it('rejects unsupported compression and encryption', () => {
    const lzma = rawZip([{ name: 'x.bin', data: new Uint8Array(4), method: 0, size: 4 }]);
    new DataView(lzma.buffer, lzma.byteOffset).setUint16(centralRecord(lzma, 'x.bin') + 10, 14, true);
    expect(errorOf(lzma)).toBe("Artifact zip entry 'x.bin' uses compression method 14; only stored and deflate are supported.");
    const encrypted = rawZip([{ name: 'x.bin', data: new Uint8Array(4), method: 0, size: 4 }]);
    new DataView(encrypted.buffer, encrypted.byteOffset).setUint16(centralRecord(encrypted, 'x.bin') + 8, 1, true);
    expect(errorOf(encrypted)).toBe("Artifact zip entry 'x.bin' is encrypted, which is not supported.");
  });

  it('escapes control characters in names it reports', () => {
    const zip = rawZip([{ name: 'evil\u0000.json', data: strToU8('{}'), method: 0, size: 2 }]);
    expect(errorOf(zip)).toBe("Artifact zip entry 'evil\\u0000.json' has an unsafe path (it contains a control character).");
  });
});

describe('unsafePathReason', () => {
  it.each([
    ['../evil', 'it climbs out of the artifact with ..'],
    ['a/../../evil', 'it climbs out of the artifact with ..'],
    ['a/..', 'it climbs out of the artifact with ..'],
    ['/etc/passwd', 'it is absolute'],
    ['C:/Windows/evil.dll', 'it starts with a drive letter'],
    ['c:evil', 'it starts with a drive letter'],
    ['a\\..\\evil', 'it contains a backslash'],
    ['metrics.json\u0000.txt', 'it contains a control character'],
    ['a//b', 'it has an empty or . segment'],
    ['./metrics.json', 'it has an empty or . segment'],
    ['', 'it is empty'],
  ])('%j is unsafe: %s', (name, reason) => {
    expect(unsafePathReason(name)).toBe(reason);
  });

  it.each(['metrics.json', 'reports/per-class.csv', 'dir/', 'a..b.json', '..hidden', 'ünïcode.json'])('%j is safe', (name) => {
    expect(unsafePathReason(name)).toBeNull();
  });
});
