/**
 * An open-addressing hash table from an (a, b) pair of non-negative int32 ids to a count.
 * One flat buffer, 16 bytes a slot (a, b as int32, the count as float64, exact to 2^53),
 * so a probe touches one cache line, and an increment allocates nothing.
 */
const EMPTY = -1;
const MAX_LOAD = 0.75;

export class PairCountTable {
  private keys: Int32Array; // slot s: keys[4s] = a, keys[4s + 1] = b
  private counts: Float64Array; // slot s: counts[2s + 1], the same memory as keys[4s + 2..3]
  private mask: number;
  size = 0;

  constructor(initialCapacity = 1024) {
    let capacity = 16;
    while (capacity < initialCapacity) capacity *= 2;
    [this.keys, this.counts] = allocate(capacity);
    this.mask = capacity - 1;
  }

  /** Adds `delta` to the count of (a, b) and returns the new count. */
  add(a: number, b: number, delta = 1): number {
    const keys = this.keys;
    let slot = hashPair(a, b) & this.mask;
    for (;;) {
      const k = keys[slot << 2];
      if (k === EMPTY) break;
      if (k === a && keys[(slot << 2) + 1] === b) return (this.counts[(slot << 1) + 1] += delta);
      slot = (slot + 1) & this.mask;
    }
    keys[slot << 2] = a;
    keys[(slot << 2) + 1] = b;
    this.counts[(slot << 1) + 1] = delta;
    if (++this.size > this.mask * MAX_LOAD) this.grow();
    return delta;
  }

  get(a: number, b: number): number {
    const keys = this.keys;
    let slot = hashPair(a, b) & this.mask;
    for (;;) {
      const k = keys[slot << 2];
      if (k === EMPTY) return 0;
      if (k === a && keys[(slot << 2) + 1] === b) return this.counts[(slot << 1) + 1];
      slot = (slot + 1) & this.mask;
    }
  }

  /** Calls `visit` for every entry, in slot order (unordered). */
  forEach(visit: (a: number, b: number, count: number) => void): void {
    const { keys, counts } = this;
    const capacity = this.mask + 1;
    for (let slot = 0; slot < capacity; slot++) {
      if (keys[slot << 2] !== EMPTY) visit(keys[slot << 2], keys[(slot << 2) + 1], counts[(slot << 1) + 1]);
    }
  }

  private grow(): void {
    const { keys, counts } = this;
    const oldCapacity = this.mask + 1;
    [this.keys, this.counts] = allocate(oldCapacity * 2);
    this.mask = oldCapacity * 2 - 1;
    this.size = 0;
    for (let slot = 0; slot < oldCapacity; slot++) {
      if (keys[slot << 2] !== EMPTY) this.add(keys[slot << 2], keys[(slot << 2) + 1], counts[(slot << 1) + 1]);
    }
  }
}

function allocate(capacity: number): [Int32Array, Float64Array] {
  const memory = new ArrayBuffer(capacity * 16);
  const keys = new Int32Array(memory);
  for (let slot = 0; slot < capacity; slot++) keys[slot << 2] = EMPTY;
  return [keys, new Float64Array(memory)];
}

function hashPair(a: number, b: number): number {
  let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b + 0x7f4a7c15, 0x85ebca6b);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  return h ^ (h >>> 12);
}
