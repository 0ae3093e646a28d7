/**
 * An open-addressing hash table from an (a, b) pair of non-negative int32 ids to a count.
 * One flat buffer of 12-byte slots (a, b as int32, the count as uint32), so a probe touches
 * one cache line (rarely two) and an increment allocates nothing. A count past 2^32 - 1
 * keeps its high part in a side map: exact to 2^53 like any JavaScript number, while the
 * millions of ordinary keys pay 4 bytes for their count instead of 8.
 */
const EMPTY = -1;
const MAX_LOAD = 0.75;
const SLOT_INTS = 3;
const LOW = 2 ** 32;

export class PairCountTable {
  private keys: Int32Array; // slot s: keys[3s] = a (EMPTY = free), keys[3s + 1] = b
  private counts: Uint32Array; // slot s: counts[3s + 2], the same memory
  private mask: number;
  /** Counts above 2^32 - 1: "a,b" -> how many times 2^32 to add. */
  private readonly high = new Map<string, number>();
  size = 0;
  private touched = 0;
  /** touchRange's slot offsets, between its two passes. */
  private touchAt = new Int32Array(0);

  constructor(initialCapacity = 1024) {
    let capacity = 16;
    while (capacity < initialCapacity) capacity *= 2;
    [this.keys, this.counts] = allocate(capacity);
    this.mask = capacity - 1;
  }

  /** A table that holds `keys` keys without growing. */
  static sizedFor(keys: number): PairCountTable {
    return new PairCountTable(Math.ceil(keys / MAX_LOAD) + 1);
  }

  /** Adds `delta` (a positive integer) to the count of (a, b) and returns the new count. */
  add(a: number, b: number, delta = 1): number {
    const keys = this.keys;
    let at = (hashPair(a, b) & this.mask) * SLOT_INTS;
    for (;;) {
      const k = keys[at];
      if (k === EMPTY) break;
      if (k === a && keys[at + 1] === b) {
        const count = this.counts[at + 2] + delta;
        if (count < LOW) return (this.counts[at + 2] = count) + (this.high.size === 0 ? 0 : this.highPart(a, b));
        return this.carry(a, b, at, count);
      }
      at = at + SLOT_INTS > this.mask * SLOT_INTS ? 0 : at + SLOT_INTS;
    }
    keys[at] = a;
    keys[at + 1] = b;
    this.counts[at + 2] = 0;
    const count = delta < LOW ? (this.counts[at + 2] = delta) : this.carry(a, b, at, delta);
    if (++this.size > this.mask * MAX_LOAD) this.grow();
    return count;
  }

  /**
   * Reads the slots (as[i], bs[i]) are looked up in first, for i in [from, to): changes
   * nothing, brings them into cache. The slots are found first and read in a loop of
   * their own, a load per step, so that many of the reads are in flight at once.
   */
  touchRange(as: Int32Array, bs: Int32Array, from: number, to: number): void {
    if (this.touchAt.length < to) this.touchAt = new Int32Array(to);
    const { keys, mask, touchAt } = this;
    for (let i = from; i < to; i++) touchAt[i] = (hashPair(as[i], bs[i]) & mask) * SLOT_INTS;
    let sum = 0;
    for (let i = from; i < to; i++) sum += keys[touchAt[i]];
    this.touched = sum; // kept, so that the compiler cannot drop the reads
  }

  get(a: number, b: number): number {
    const keys = this.keys;
    let at = (hashPair(a, b) & this.mask) * SLOT_INTS;
    for (;;) {
      const k = keys[at];
      if (k === EMPTY) return 0;
      if (k === a && keys[at + 1] === b) return this.countAt(at / SLOT_INTS);
      at = at + SLOT_INTS > this.mask * SLOT_INTS ? 0 : at + SLOT_INTS;
    }
  }

  /**
   * The counts summed per `a`, as (a, 0) entries: per page, from per user and page. The ids
   * are dense, so the sums go into an array, at a + 1: an empty slot (a = EMPTY = -1, count
   * 0) adds 0 to sums[0] instead of taking a branch that half the slots would mispredict
   * (a window of 500k entries: 7 -> 4 ms; with a hash table per entry, 15 ms).
   */
  totalsByA(): PairCountTable {
    const { keys, counts } = this;
    const end = (this.mask + 1) * SLOT_INTS;
    let maxA = -1;
    for (let at = 0; at < end; at += SLOT_INTS) maxA = Math.max(maxA, keys[at]);
    const sums = new Float64Array(maxA + 2);
    for (let at = 0; at < end; at += SLOT_INTS) sums[keys[at] + 1] += counts[at + 2];
    for (const [key, wraps] of this.high) sums[Number(key.slice(0, key.indexOf(','))) + 1] += wraps * LOW;
    const totals = new PairCountTable();
    for (let a = 0; a <= maxA; a++) if (sums[a + 1] > 0) totals.add(a, 0, sums[a + 1]);
    return totals;
  }

  /**
   * Writes each entry's sort key, rankA[a] * bs + (rankB ? rankB[b] : 0), and its count, in
   * slot order: one pass straight through the table (see sortedEntries).
   */
  packKeys(rankA: Uint32Array, bs: number, rankB: Uint32Array | undefined, keys: Float64Array, counts: Float64Array): void {
    const capacity = this.mask + 1;
    const table = this.keys;
    let i = 0;
    for (let slot = 0; slot < capacity; slot++) {
      const at = slot * SLOT_INTS;
      if (table[at] === EMPTY) continue;
      keys[i] = rankA[table[at]] * bs + (rankB ? rankB[table[at + 1]] : 0);
      counts[i++] = this.counts[at + 2] + (this.high.size === 0 ? 0 : this.highPart(table[at], table[at + 1]));
    }
  }

  /** Calls `visit` for every entry, in slot order (unordered). */
  forEach(visit: (a: number, b: number, count: number) => void): void {
    for (const slot of this.usedSlots()) visit(this.aAt(slot), this.bAt(slot), this.countAt(slot));
  }

  /** The slots in use, unordered (into `used` if given): with aAt/bAt/countAt, entries without copying them. */
  usedSlots(used: Uint32Array = new Uint32Array(this.size)): Uint32Array {
    const keys = this.keys;
    const capacity = this.mask + 1;
    for (let slot = 0, i = 0; slot < capacity; slot++) if (keys[slot * SLOT_INTS] !== EMPTY) used[i++] = slot;
    return used;
  }

  aAt(slot: number): number {
    return this.keys[slot * SLOT_INTS];
  }

  bAt(slot: number): number {
    return this.keys[slot * SLOT_INTS + 1];
  }

  countAt(slot: number): number {
    const at = slot * SLOT_INTS;
    return this.counts[at + 2] + (this.high.size === 0 ? 0 : this.highPart(this.keys[at], this.keys[at + 1]));
  }

  private highPart(a: number, b: number): number {
    return (this.high.get(`${a},${b}`) ?? 0) * LOW;
  }

  /** Stores a count of 2^32 or more: the low 32 bits in the slot, the rest in `high`. */
  private carry(a: number, b: number, at: number, count: number): number {
    const wraps = Math.floor(count / LOW);
    const key = `${a},${b}`;
    this.high.set(key, (this.high.get(key) ?? 0) + wraps);
    this.counts[at + 2] = count - wraps * LOW;
    return this.counts[at + 2] + this.highPart(a, b);
  }

  private grow(): void {
    const { keys, counts } = this;
    const end = (this.mask + 1) * SLOT_INTS;
    const capacity = (this.mask + 1) * 2;
    [this.keys, this.counts] = allocate(capacity);
    this.mask = capacity - 1;
    for (let from = 0; from < end; from += SLOT_INTS) {
      const a = keys[from];
      if (a === EMPTY) continue;
      const b = keys[from + 1];
      let at = (hashPair(a, b) & this.mask) * SLOT_INTS;
      while (this.keys[at] !== EMPTY) at = at + SLOT_INTS > this.mask * SLOT_INTS ? 0 : at + SLOT_INTS;
      this.keys[at] = a;
      this.keys[at + 1] = b;
      this.counts[at + 2] = counts[from + 2];
    }
  }
}

function allocate(capacity: number): [Int32Array, Uint32Array] {
  const memory = new ArrayBuffer(capacity * SLOT_INTS * 4);
  const keys = new Int32Array(memory);
  for (let at = 0; at < keys.length; at += SLOT_INTS) keys[at] = EMPTY;
  return [keys, new Uint32Array(memory)];
}

function hashPair(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 12);
}
