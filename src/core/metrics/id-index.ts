/**
 * Example ids → row, for the duplicate check while reading and for pairing base with head: an
 * open-addressing hash table of row numbers in an Int32Array over the ids array itself. At a
 * million ids this is two typed arrays (a few MB) instead of a Map of a million entries, which
 * costs more memory and, as it grows, rehashes through the garbage collector.
 */
export class IdIndex {
  /** Each id's hash (FNV-1a over its UTF-16 code units), by row. */
  private hashes: Int32Array;
  /** Row + 1 at each slot, 0 where empty; a power of two, kept at most half full. */
  private table: Int32Array;

  /** `capacity`: the ids expected, so that the arrays need not grow (they still can). */
  constructor(capacity = 1024) {
    this.hashes = new Int32Array(Math.max(16, capacity));
    let size = 32;
    while (size < capacity * 2) size *= 2;
    this.table = new Int32Array(size);
  }

  /** The ids by row (the index appends to it). */
  readonly ids: string[] = [];

  /** An index over ids that no reader indexed (built by hand): a repeated id finds its first row. */
  static over(ids: readonly string[]): IdIndex {
    const index = new IdIndex(ids.length);
    for (const id of ids) index.add(id, IdIndex.hash(id));
    return index;
  }

  static hash(id: string): number {
    let h = 0x811c9dc5;
    for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
    return h;
  }

  get size(): number {
    return this.ids.length;
  }

  /** The hash of row `row`'s id. */
  hashOf(row: number): number {
    return this.hashes[row]!;
  }

  /** The row of `id` (whose hash is `hash`), or −1. */
  find(id: string, hash: number): number {
    const mask = this.table.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const entry = this.table[slot]!;
      if (entry === 0) return -1;
      const row = entry - 1;
      if (this.hashes[row] === hash && this.ids[row] === id) return row;
    }
  }

  /** Appends `id` as the next row (the readers check first that it is new). */
  add(id: string, hash: number): void {
    const row = this.ids.length;
    this.ids.push(id);
    if (row >= this.hashes.length) {
      const grown = new Int32Array(this.hashes.length * 2);
      grown.set(this.hashes);
      this.hashes = grown;
    }
    this.hashes[row] = hash;
    if ((row + 1) * 2 > this.table.length) this.rehash(this.table.length * 2);
    else this.place(row);
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
