import type { PairCountTable } from './pair-count-table.js';
import { MAX_RADIX_KEY, radixSortPairs } from './radix-order.js';
import { SortScratch } from './sort-scratch.js';

/**
 * rank[id] of the page and user dictionaries (users absent for `page`), and the other way
 * round: which id has each rank.
 */
export class Ranks {
  readonly pageByRank: Uint32Array;
  readonly userByRank: Uint32Array | undefined;

  constructor(
    readonly page: Uint32Array,
    readonly user: Uint32Array | undefined,
    inverses?: { pageByRank: Uint32Array; userByRank: Uint32Array | undefined },
  ) {
    this.pageByRank = inverses?.pageByRank ?? inverse(page);
    this.userByRank = user && (inverses?.userByRank ?? inverse(user));
  }

  /** The same page ranks without users: for the `page` aggregation. */
  pagesOnly(): Ranks {
    return new Ranks(this.page, undefined, { pageByRank: this.pageByRank, userByRank: undefined });
  }
}

function inverse(rank: Uint32Array): Uint32Array {
  const byRank = new Uint32Array(rank.length);
  for (let id = 0; id < rank.length; id++) byRank[rank[id]] = id;
  return byRank;
}

/** One window's entries of one aggregation, in output order. */
export interface SortedEntries {
  readonly length: number;
  pageId(i: number): number;
  userId(i: number): number;
  count(i: number): number;
  /** Copies entries [from, to) into the arrays. */
  gather(from: number, to: number, pageIds: Int32Array, userIds: Int32Array, counts: Float64Array): void;
}

/**
 * Sorts one window's entries into output order: page id, then user id, by code unit.
 * Each entry becomes one integer, pageRank * users + userRank, and a radix sort orders
 * these keys with the counts beside them, instead of millions of string comparisons. The
 * result lives in the scratch's arrays: valid until its next sort.
 */
export function sortedEntries(table: PairCountTable, ranks: Ranks, scratch = new SortScratch()): SortedEntries {
  const n = table.size;
  const users = ranks.user ? Math.max(ranks.user.length, 1) : 1;
  if (ranks.page.length * users > MAX_RADIX_KEY) return sortedByComparator(table, ranks);
  const keys = scratch.keys(0, n);
  const counts = scratch.values(0, n);
  table.packKeys(ranks.page, users, ranks.user, keys, counts);
  const sorted = radixSortPairs(keys, counts, n, scratch);
  return new RankKeyedEntries(sorted.keys, sorted.values, users, ranks);
}

/** Entries as sorted keys (pageRank * users + userRank) and their counts. */
class RankKeyedEntries implements SortedEntries {
  constructor(
    private readonly keys: Float64Array,
    private readonly counts: Float64Array,
    private readonly users: number,
    private readonly ranks: Ranks,
  ) {}

  get length(): number {
    return this.keys.length;
  }

  pageId(i: number): number {
    return this.ranks.pageByRank[Math.floor(this.keys[i] / this.users)];
  }

  userId(i: number): number {
    const { keys, users, ranks } = this;
    return ranks.userByRank ? ranks.userByRank[keys[i] - Math.floor(keys[i] / users) * users] : 0;
  }

  count(i: number): number {
    return this.counts[i];
  }

  gather(from: number, to: number, pageIds: Int32Array, userIds: Int32Array, counts: Float64Array): void {
    const { keys, users } = this;
    const { pageByRank, userByRank } = this.ranks;
    for (let i = from; i < to; i++) {
      const pageRank = Math.floor(keys[i] / users);
      pageIds[i - from] = pageByRank[pageRank];
      userIds[i - from] = userByRank ? userByRank[keys[i] - pageRank * users] : 0;
    }
    counts.set(this.counts.subarray(from, to));
  }
}

/** Dictionaries too large for one exact integer key per entry: a comparator sort of the table's slots. */
function sortedByComparator(table: PairCountTable, ranks: Ranks): SortedEntries {
  const userRank = ranks.user;
  const order = Array.from(table.usedSlots()).sort(
    (x, y) => ranks.page[table.aAt(x)] - ranks.page[table.aAt(y)] || (userRank ? userRank[table.bAt(x)] - userRank[table.bAt(y)] : 0),
  );
  return {
    length: order.length,
    pageId: (i) => table.aAt(order[i]),
    userId: (i) => table.bAt(order[i]),
    count: (i) => table.countAt(order[i]),
    gather(from, to, pageIds, userIds, counts) {
      for (let i = from; i < to; i++) {
        pageIds[i - from] = table.aAt(order[i]);
        userIds[i - from] = table.bAt(order[i]);
        counts[i - from] = table.countAt(order[i]);
      }
    },
  };
}
