import type { PairCountTable } from './pair-count-table.js';
import { MAX_RADIX_KEY, radixOrder } from './radix-order.js';
import type { SortScratch } from './sort-scratch.js';

/** Rank arrays (rank[id]) of the page and user dictionaries; users absent for `page`. */
export interface Ranks {
  readonly page: Uint32Array;
  readonly user: Uint32Array | undefined;
}

/** One window's entries in output order, read from the table where they are (no copies). */
export class SortedEntries {
  constructor(
    private readonly table: PairCountTable,
    /** The table's slots in output order. */
    private readonly slots: Uint32Array,
  ) {}

  get length(): number {
    return this.slots.length;
  }

  pageId(i: number): number {
    return this.table.aAt(this.slots[i]);
  }

  userId(i: number): number {
    return this.table.bAt(this.slots[i]);
  }

  count(i: number): number {
    return this.table.countAt(this.slots[i]);
  }

  /** Copies entries [from, to) into the arrays, in tight loops whose cache misses overlap. */
  gather(from: number, to: number, pageIds: Int32Array, userIds: Int32Array, counts: Float64Array): void {
    const { table, slots } = this;
    for (let i = from; i < to; i++) pageIds[i - from] = table.aAt(slots[i]);
    for (let i = from; i < to; i++) userIds[i - from] = table.bAt(slots[i]);
    for (let i = from; i < to; i++) counts[i - from] = table.countAt(slots[i]);
  }
}

/**
 * Sorts one window's entries into output order: page id, then user id, by code unit.
 * Each entry becomes one integer (pageRank * users + userRank) and a radix sort orders them,
 * instead of millions of string comparisons. Only slot numbers are sorted: 22 bytes per
 * entry while sorting, where copying the entries out took 50. With `scratch`, the result
 * lives in its arrays: valid until the next sort with it.
 */
export function sortedEntries(table: PairCountTable, ranks: Ranks, scratch?: SortScratch): SortedEntries {
  const slots = table.usedSlots(scratch?.indexes(0, table.size));
  const n = slots.length;
  const users = ranks.user ? Math.max(ranks.user.length, 1) : 1;
  if (ranks.page.length * users > MAX_RADIX_KEY) return sortedByComparator(table, slots, ranks);
  const keys = scratch ? scratch.keys(n) : new Float64Array(n);
  const userRank = ranks.user;
  for (let i = 0; i < n; i++) {
    const slot = slots[i];
    keys[i] = ranks.page[table.aAt(slot)] * users + (userRank ? userRank[table.bAt(slot)] : 0);
  }
  const order = radixOrder(keys, n, scratch);
  for (let i = 0; i < n; i++) order[i] = slots[order[i]];
  return new SortedEntries(table, order);
}

function sortedByComparator(table: PairCountTable, slots: Uint32Array, ranks: Ranks): SortedEntries {
  const userRank = ranks.user;
  const sorted = Array.from(slots).sort(
    (x, y) => ranks.page[table.aAt(x)] - ranks.page[table.aAt(y)] || (userRank ? userRank[table.bAt(x)] - userRank[table.bAt(y)] : 0),
  );
  return new SortedEntries(table, Uint32Array.from(sorted));
}
