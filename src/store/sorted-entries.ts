import type { PairCountTable } from './pair-count-table.js';

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
 * Each entry becomes one number (pageRank * users + userRank), so the sort is a native
 * typed-array sort instead of millions of string comparisons.
 */
export function sortedEntries(table: PairCountTable, ranks: Ranks): SortedEntries {
  const n = table.size;
  const users = ranks.user ? Math.max(ranks.user.length, 1) : 1;
  const out = { length: n, a: new Int32Array(n), b: new Int32Array(n), counts: new Float64Array(n) };
  if (ranks.page.length * users > Number.MAX_SAFE_INTEGER) return sortedByComparator(table, ranks, out);
  const userRank = ranks.user;
  const keys = new Float64Array(n);
  let i = 0;
  table.forEach((a, b) => {
    keys[i++] = ranks.page[a] * users + (userRank ? userRank[b] : 0);
  });
  keys.sort();
  const pageByRank = invert(ranks.page);
  const userByRank = userRank ? invert(userRank) : undefined;
  for (i = 0; i < n; i++) {
    const key = keys[i];
    const a = pageByRank[Math.floor(key / users)];
    const b = userByRank ? userByRank[key % users] : 0;
    out.a[i] = a;
    out.b[i] = b;
    out.counts[i] = table.get(a, b);
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

function invert(rank: Uint32Array): Uint32Array {
  const byRank = new Uint32Array(rank.length);
  for (let id = 0; id < rank.length; id++) byRank[rank[id]] = id;
  return byRank;
}
