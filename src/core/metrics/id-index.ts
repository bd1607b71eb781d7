/**
 * Example ids as a reader returns them: anything with a length and `at` (an array of strings, as
 * sets built by hand have, or an IdArena, as the readers build).
 */
export interface IdList extends Iterable<string> {
  readonly length: number;
  at(row: number): string | undefined;
}

/**
 * Example ids as the bytes of all of them in one buffer, with each id's end offset: at a million
 * ids that is their bytes (about 9 MB for `ex-123456`) and 4 MB of offsets, where an array of a
 * million strings held about 50 MB of heap per file (measured: each string's header and
 * characters, the array's slots and its spare room) and set the peak memory of pairing two such
 * files (issue 12). A string is made only for an id a message names (`at`).
 *
 * The bytes are WTF-8: UTF-8, except that a lone surrogate (which JSON.parse can give, from
 * `"\ud800"`) is written as its 3-byte sequence instead of U+FFFD, so that two ids are the same
 * bytes exactly when they are the same string, and `at` gives back the very string read.
 */
export class IdArena implements IdList {
  private buffer: Uint8Array;
  /** Each id's end in `buffer`, by row; id `row` starts where row − 1 ends (0 for row 0). */
  private offsets: Uint32Array;
  private count = 0;
  /** Bytes used by the ids added; a staged id is written from here on. */
  private used = 0;
  /** The staged id's end: written after the ids, not yet one of them (see stageBytes). */
  private stagedEnd = 0;
  /** False once an id holds a code point above U+FFFF or a lone surrogate: then the bytes do not sort as the strings do. */
  private sortable = true;
  /** The rows expected: growing the buffer extrapolates its size to them from the ids so far. */
  private readonly expected: number;

  /** `rows`: the ids expected, so that the arrays need not grow (they still can). */
  constructor(rows = 1024) {
    this.expected = Math.max(16, rows);
    this.offsets = new Uint32Array(this.expected);
    // Room for ids of up to 12 bytes (`ex-1234567` and shorter), the usual case; longer ones grow
    // the buffer by extrapolation. A first guess too short left the whole guess as garbage at
    // the peak (a million ids of 9 bytes: 8 MB).
    this.buffer = new Uint8Array(Math.min(this.expected * 12, 1 << 24));
  }

  /** An arena of the given strings, in order (repeats kept). */
  static of(ids: Iterable<string>): IdArena {
    const list = [...ids];
    const arena = new IdArena(list.length);
    for (const id of list) {
      arena.stageString(id);
      arena.commit();
    }
    return arena;
  }

  get length(): number {
    return this.count;
  }

  /** The buffer the ids' bytes are in (replaced when it grows: read it again after adding). */
  get bytes(): Uint8Array {
    return this.buffer;
  }

  /** Each id's end in `bytes`, by row (replaced when it grows, as `bytes`); id `row` starts where row − 1 ends, 0 for row 0. */
  get ends(): Uint32Array {
    return this.offsets;
  }

  start(row: number): number {
    return row === 0 ? 0 : this.offsets[row - 1]!;
  }

  end(row: number): number {
    return this.offsets[row]!;
  }

  /** The id of `row` as a string; counted from the end when negative and undefined outside the rows, as an array's `at`. */
  at(row: number): string | undefined {
    if (row < 0) row += this.count;
    if (!Number.isInteger(row) || row < 0 || row >= this.count) return undefined;
    return decodeWtf8(this.buffer, this.start(row), this.offsets[row]!);
  }

  *[Symbol.iterator](): IterableIterator<string> {
    for (let row = 0; row < this.count; row++) yield this.at(row)!;
  }

  /**
   * Whether the ids' bytes sort as their strings do (JavaScript's `<`, by UTF-16 code units): so
   * when no id holds a code point above U+FFFF or a lone surrogate, as UTF-8's byte order is the
   * code points' order.
   */
  get bytesSortAsStrings(): boolean {
    return this.sortable;
  }

  /** Compares two rows' ids by their bytes (the strings' order when bytesSortAsStrings). */
  compareBytes(a: number, b: number): number {
    const bytes = this.buffer;
    const aEnd = this.offsets[a]!;
    const bEnd = this.offsets[b]!;
    let i = this.start(a);
    let j = this.start(b);
    for (; i < aEnd && j < bEnd; i++, j++) if (bytes[i] !== bytes[j]) return bytes[i]! - bytes[j]!;
    return aEnd - i - (bEnd - j);
  }

  /** Writes bytes[start, end) (an id's UTF-8, from a file read as bytes) after the ids, as the staged id. */
  stageBytes(bytes: Uint8Array, start: number, end: number): void {
    this.room(end - start);
    this.buffer.set(bytes.subarray(start, end), this.used);
    this.stagedEnd = this.used + (end - start);
  }

  /** Writes an id's WTF-8 after the ids, as the staged id. */
  stageString(id: string): void {
    this.room(id.length * 3);
    const out = this.buffer;
    let k = this.used;
    for (let i = 0; i < id.length; i++) {
      const c = id.charCodeAt(i);
      if (c < 0x80) {
        out[k++] = c;
      } else if (c < 0x800) {
        out[k++] = 0xc0 | (c >> 6);
        out[k++] = 0x80 | (c & 0x3f);
      } else {
        if (c >= 0xd800 && c <= 0xdfff) {
          this.sortable = false;
          const d = c <= 0xdbff && i + 1 < id.length ? id.charCodeAt(i + 1) : 0;
          if (d >= 0xdc00 && d <= 0xdfff) {
            const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
            out[k++] = 0xf0 | (cp >> 18);
            out[k++] = 0x80 | ((cp >> 12) & 0x3f);
            out[k++] = 0x80 | ((cp >> 6) & 0x3f);
            out[k++] = 0x80 | (cp & 0x3f);
            i++;
            continue;
          }
        }
        out[k++] = 0xe0 | (c >> 12);
        out[k++] = 0x80 | ((c >> 6) & 0x3f);
        out[k++] = 0x80 | (c & 0x3f);
      }
    }
    this.stagedEnd = k;
  }

  /** The staged id's bytes: [stagedStart, stagedEnd) of `bytes`. */
  get stagedStart(): number {
    return this.used;
  }

  get staged(): number {
    return this.stagedEnd;
  }

  /** The staged id as a string (for a message). */
  stagedString(): string {
    return decodeWtf8(this.buffer, this.used, this.stagedEnd);
  }

  /** Makes the staged id the next row. */
  commit(): void {
    if (this.count >= this.offsets.length) {
      const grown = new Uint32Array(Math.max(16, this.offsets.length * 2));
      grown.set(this.offsets);
      this.offsets = grown;
    }
    this.offsets[this.count++] = this.stagedEnd;
    this.used = this.stagedEnd;
  }

  /**
   * Drops the spare room of the arrays when it is over half what is used (the buffer's size was
   * a guess), so that a set that is kept holds about its ids' bytes; less is kept, as the copy
   * would be on the peak next to the original until it is collected.
   */
  trim(): void {
    if (this.buffer.length - this.used > (this.used >> 1) + 4096) this.buffer = this.buffer.slice(0, this.used);
    if (this.offsets.length - this.count > (this.count >> 1) + 1024) this.offsets = this.offsets.slice(0, this.count);
  }

  /** Room for `n` more bytes after the ids. */
  private room(n: number): void {
    const need = this.used + n;
    if (need <= this.buffer.length) return;
    // The bytes per id so far, times the ids expected, with an eighth to spare: one or two copies at most for ids of similar lengths.
    const rows = Math.max(this.expected, this.count + 1);
    const estimate = this.count > 0 ? Math.ceil((this.used / this.count) * rows * 1.125) : 0;
    const grown = new Uint8Array(Math.max(need + 64, estimate, Math.ceil(this.buffer.length * 1.25)));
    grown.set(this.buffer.subarray(0, this.used));
    this.buffer = grown;
  }
}

/** WTF-8 bytes[start, end) as a string (each lone surrogate as itself). */
function decodeWtf8(bytes: Uint8Array, start: number, end: number): string {
  const units: number[] = [];
  let out = '';
  for (let i = start; i < end; ) {
    const b = bytes[i]!;
    if (b < 0x80) {
      units.push(b);
      i++;
    } else if (b < 0xe0) {
      units.push(((b & 0x1f) << 6) | (bytes[i + 1]! & 0x3f));
      i += 2;
    } else if (b < 0xf0) {
      units.push(((b & 0x0f) << 12) | ((bytes[i + 1]! & 0x3f) << 6) | (bytes[i + 2]! & 0x3f));
      i += 3;
    } else {
      const cp = (((b & 0x07) << 18) | ((bytes[i + 1]! & 0x3f) << 12) | ((bytes[i + 2]! & 0x3f) << 6) | (bytes[i + 3]! & 0x3f)) - 0x10000;
      units.push(0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
      i += 4;
    }
    // In pieces: fromCharCode takes its arguments on the stack.
    if (units.length >= 4096) {
      out += String.fromCharCode(...units);
      units.length = 0;
    }
  }
  return out + String.fromCharCode(...units);
}

/** The rows findRowsOf takes at most at a time. */
export const PAIR_BATCH = 32;

/**
 * Example ids → row, for the duplicate check while reading and for pairing base with head: an
 * open-addressing hash table of row numbers in an Int32Array over an IdArena, comparing ids as
 * bytes. At a million ids this is two typed arrays (a few MB) instead of a Map of a million
 * entries, which costs more memory and, as it grows, rehashes through the garbage collector.
 */
export class IdIndex {
  /** Each id's hash (FNV-1a over its bytes), by row. */
  private hashes: Int32Array;
  /** Row + 1 at each slot, 0 where empty; a power of two, kept at most half full. */
  private table: Int32Array;
  /** The ids by row (the index adds the staged one). */
  readonly ids: IdArena;
  /** Whether every id is in it once (the readers check; an index built over ids by hand need not hold). */
  private unique = true;
  /** findRowsOf's table entries, by row of its batch. */
  private readonly entries = new Int32Array(PAIR_BATCH);
  /** findRowsOf's warming reads, xored: a field anyone may read, so that the compiler keeps them. */
  warmed = 0;

  /** `capacity`: the ids expected, so that the arrays need not grow (they still can). */
  constructor(capacity = 1024) {
    this.ids = new IdArena(capacity);
    this.hashes = new Int32Array(Math.max(16, capacity));
    let size = 32;
    while (size < capacity * 2) size *= 2;
    this.table = new Int32Array(size);
  }

  /** An index over ids that no reader indexed (built by hand): a repeated id finds its first row. */
  static over(ids: IdList): IdIndex {
    const index = new IdIndex(ids.length);
    index.unique = false;
    for (let row = 0; row < ids.length; row++) {
      index.ids.stageString(ids.at(row)!);
      index.addStaged(index.hashStaged());
    }
    return index;
  }

  static hash(bytes: Uint8Array, start: number, end: number): number {
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
    // As an int32, as the hashes are kept: the empty id's is the basis itself, above 2^31, and
    // unconverted it never matched its stored self (a repeated empty id went unnoticed).
    return h | 0;
  }

  get size(): number {
    return this.ids.length;
  }

  /** The hash of row `row`'s id. */
  hashOf(row: number): number {
    return this.hashes[row]!;
  }

  /** The hash of the arena's staged id. */
  hashStaged(): number {
    return IdIndex.hash(this.ids.bytes, this.ids.stagedStart, this.ids.staged);
  }

  /** The row of the id that is bytes[start, end) (whose hash is `hash`), or −1. */
  find(bytes: Uint8Array, start: number, end: number, hash: number): number {
    // Locals, not the arena's getters, in the loop that pairs a million ids.
    const table = this.table;
    const hashes = this.hashes;
    const own = this.ids.bytes;
    const ends = this.ids.ends;
    const mask = table.length - 1;
    const length = end - start;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = table[slot]!;
      if (entry === 0) return -1;
      const row = entry - 1;
      if (hashes[row] !== hash) continue;
      const at = row === 0 ? 0 : ends[row - 1]!;
      if (ends[row]! - at !== length) continue;
      let i = 0;
      while (i < length && own[at + i] === bytes[start + i]) i++;
      if (i === length) return row;
    }
  }

  /** The row of the arena's staged id, or −1. */
  findStaged(hash: number): number {
    return this.find(this.ids.bytes, this.ids.stagedStart, this.ids.staged, hash);
  }

  /**
   * The rows in this index of rows [from, to) of `other` (hashed alike), into out[0, to − from),
   * −1 where absent; at most PAIR_BATCH rows at a time. Row `row` here is tried first: base and
   * head usually list the same examples in the same order, and comparing the two rows (next to
   * the previous rows in memory) spares a probe of the table at a random place, a cache miss per
   * id at a million ids. That is the row find() gives only when the ids here are unique.
   *
   * The others are looked up after their table slots, rows and bytes were read once in passes
   * over the batch: loads that do not wait on one another, which the processor overlaps, where
   * one find after another waits for each of its misses in turn (measured twice as fast on a
   * million shuffled ids, and as fast as the array of strings this replaced).
   */
  findRowsOf(other: IdIndex, from: number, to: number, out: Int32Array): void {
    const own = this.ids.bytes;
    const ownEnds = this.ids.ends;
    const bytes = other.ids.bytes;
    const ends = other.ids.ends;
    const hashes = this.hashes;
    let misses = 0;
    for (let row = from; row < to; row++) {
      const start = row === 0 ? 0 : ends[row - 1]!;
      const end = ends[row]!;
      let found = -1;
      if (this.unique && row < this.ids.length && hashes[row] === other.hashes[row]) {
        const d = (row === 0 ? 0 : ownEnds[row - 1]!) - start;
        if (ownEnds[row]! - d === end) {
          let i = start;
          while (i < end && own[i + d] === bytes[i]) i++;
          if (i === end) found = row;
        }
      }
      out[row - from] = found;
      if (found === -1) misses++;
    }
    if (misses === 0) return;
    const table = this.table;
    const mask = table.length - 1;
    const entries = this.entries;
    let sink = 0;
    for (let row = from; row < to; row++) if (out[row - from] === -1) entries[row - from] = table[other.hashes[row]! & mask]!;
    for (let row = from; row < to; row++) {
      const entry = out[row - from] === -1 ? entries[row - from]! : 0;
      if (entry !== 0) sink ^= hashes[entry - 1]! ^ ownEnds[entry - 1]!;
    }
    for (let row = from; row < to; row++) {
      const entry = out[row - from] === -1 ? entries[row - from]! : 0;
      if (entry !== 0) sink ^= own[ownEnds[entry - 1]! - 1]!;
    }
    // Kept, so that the reads above are not left out as unused.
    this.warmed = sink;
    for (let row = from; row < to; row++) {
      if (out[row - from] === -1) out[row - from] = this.find(bytes, row === 0 ? 0 : ends[row - 1]!, ends[row]!, other.hashes[row]!);
    }
  }

  /** Adds the arena's staged id as the next row (the readers check first that it is new). */
  addStaged(hash: number): void {
    const row = this.ids.length;
    this.ids.commit();
    if (row >= this.hashes.length) {
      const grown = new Int32Array(Math.max(16, this.hashes.length * 2));
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[row] = hash;
    if ((row + 1) * 2 > this.table.length) this.rehash(this.table.length * 2);
    else this.place(row);
  }

  /** Drops spare room once no more ids come (see IdArena.trim). */
  trim(): void {
    this.ids.trim();
    if (this.hashes.length - this.ids.length > (this.ids.length >> 1) + 1024) this.hashes = this.hashes.slice(0, this.ids.length);
  }

  private rehash(size: number): void {
    this.table = new Int32Array(size);
    for (let row = 0; row < this.ids.length; row++) this.place(row);
  }

  private place(row: number): void {
    const mask = this.table.length - 1;
    let slot = this.hashes[row]! & mask;
    while (this.table[slot] !== 0) slot = (slot + 1) & mask;
    this.table[slot] = row + 1;
  }
}
