/**
 * An open-addressing hash table from an (a, b) pair of non-negative int32 ids to a count.
 * Flat typed arrays instead of a Map of string keys: about 24 bytes per slot and no
 * allocation per increment, which keeps the hot path fast and memory proportional to
 * the number of distinct keys.
 */
const EMPTY = -1;
const MAX_LOAD = 0.6;

export class PairCountTable {
  private keysA: Int32Array;
  private keysB: Int32Array;
  private counts: Float64Array; // float64 keeps counts exact up to 2^53
  private mask: number;
  size = 0;

  constructor(initialCapacity = 1024) {
    let capacity = 16;
    while (capacity < initialCapacity) capacity *= 2;
    this.keysA = new Int32Array(capacity).fill(EMPTY);
    this.keysB = new Int32Array(capacity);
    this.counts = new Float64Array(capacity);
    this.mask = capacity - 1;
  }

  /** Adds `delta` to the count of (a, b) and returns the new count. */
  add(a: number, b: number, delta = 1): number {
    let slot = hashPair(a, b) & this.mask;
    const keysA = this.keysA;
    for (;;) {
      const k = keysA[slot];
      if (k === EMPTY) break;
      if (k === a && this.keysB[slot] === b) return (this.counts[slot] += delta);
      slot = (slot + 1) & this.mask;
    }
    keysA[slot] = a;
    this.keysB[slot] = b;
    this.counts[slot] = delta;
    if (++this.size > this.mask * MAX_LOAD) this.grow();
    return delta;
  }

  get(a: number, b: number): number {
    let slot = hashPair(a, b) & this.mask;
    for (;;) {
      const k = this.keysA[slot];
      if (k === EMPTY) return 0;
      if (k === a && this.keysB[slot] === b) return this.counts[slot];
      slot = (slot + 1) & this.mask;
    }
  }

  /** Calls `visit` for every entry, in slot order (unordered). */
  forEach(visit: (a: number, b: number, count: number) => void): void {
    const { keysA, keysB, counts } = this;
    for (let slot = 0; slot < keysA.length; slot++) {
      if (keysA[slot] !== EMPTY) visit(keysA[slot], keysB[slot], counts[slot]);
    }
  }

  private grow(): void {
    const { keysA, keysB, counts } = this;
    const capacity = keysA.length * 2;
    this.keysA = new Int32Array(capacity).fill(EMPTY);
    this.keysB = new Int32Array(capacity);
    this.counts = new Float64Array(capacity);
    this.mask = capacity - 1;
    this.size = 0;
    for (let slot = 0; slot < keysA.length; slot++) {
      if (keysA[slot] !== EMPTY) this.add(keysA[slot], keysB[slot], counts[slot]);
    }
  }
}

function hashPair(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 12);
}
