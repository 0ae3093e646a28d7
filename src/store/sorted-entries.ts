import type { PairCountTable } from './pair-count-table.js';
import { MAX_RADIX_KEY, radixOrder } from './radix-order.js';

/** Rank arrays (rank[id]) of the page and user dictionaries; users absent for `page`. */
export interface Ranks {
  readonly page: Uint32Array;
  readonly user: Uint32Array | undefined;
}

/** One window's entries in output order, as parallel arrays. */
export interface SortedEntries {
  readonly length: number;
  readonly a: Int32Array;
  readonly b: Int32Array;
  readonly counts: Float64Array;
}

/**
 * Sorts one window's entries into output order: page id, then user id, by code unit.
 * Each entry becomes one integer (pageRank * users + userRank) and a radix sort orders them,
 * instead of millions of string comparisons.
 */
export function sortedEntries(table: PairCountTable, ranks: Ranks): SortedEntries {
  const n = table.size;
  const users = ranks.user ? Math.max(ranks.user.length, 1) : 1;
  const out = { length: n, a: new Int32Array(n), b: new Int32Array(n), counts: new Float64Array(n) };
  if (ranks.page.length * users > MAX_RADIX_KEY) return sortedByComparator(table, ranks, out);
  const a = new Int32Array(n);
  const b = new Int32Array(n);
  const counts = new Float64Array(n);
  const keys = new Float64Array(n);
  const userRank = ranks.user;
  let i = 0;
  table.forEach((pageId, userId, count) => {
    a[i] = pageId;
    b[i] = userId;
    counts[i] = count;
    keys[i++] = ranks.page[pageId] * users + (userRank ? userRank[userId] : 0);
  });
  const order = radixOrder(keys, n);
  for (i = 0; i < n; i++) {
    const from = order[i];
    out.a[i] = a[from];
    out.b[i] = b[from];
    out.counts[i] = counts[from];
  }
  return out;
}

function sortedByComparator(table: PairCountTable, ranks: Ranks, out: SortedEntries): SortedEntries {
  const rows: [number, number, number][] = [];
  table.forEach((a, b, count) => rows.push([a, b, count]));
  const userRank = ranks.user;
  rows.sort((x, y) => ranks.page[x[0]] - ranks.page[y[0]] || (userRank ? userRank[x[1]] - userRank[y[1]] : 0));
  rows.forEach(([a, b, count], i) => ((out.a[i] = a), (out.b[i] = b), (out.counts[i] = count)));
  return out;
}

