import { describe, expect, it } from 'vitest';
import { MAX_RADIX_KEY, radixSortPairs } from '../../src/store/radix-order.js';
import { SortScratch } from '../../src/store/sort-scratch.js';

/** Loads pairs into the scratch's first arrays, sorts them and returns them as [key, value] rows. */
function sortPairs(scratch: SortScratch, pairs: [number, number][]): [number, number][] {
  const keys = scratch.keys(0, pairs.length);
  const values = scratch.values(0, pairs.length);
  pairs.forEach(([key, value], i) => {
    keys[i] = key;
    values[i] = value;
  });
  const sorted = radixSortPairs(keys, values, pairs.length, scratch);
  return Array.from(sorted.keys, (key, i) => [key, sorted.values[i]]);
}

/** The reference: Array.prototype.sort is stable, so equal keys keep their input order. */
const stableSorted = (pairs: [number, number][]) => [...pairs].sort((x, y) => x[0] - y[0]);

describe('radixSortPairs', () => {
  it('sorts keys across every digit up to 2^53, equal keys in input order', () => {
    let seed = 7;
    const next = () => (seed = (seed * 48271) % 2147483647);
    const pairs: [number, number][] = [];
    for (let i = 0; i < 20_000; i++) {
      const key = i % 5 === 0 ? next() % 50 : (next() * 2 ** 22 + next()) % MAX_RADIX_KEY;
      pairs.push([key, i]);
    }
    pairs.push([MAX_RADIX_KEY - 1, -1], [0, -2]);
    expect(sortPairs(new SortScratch(), pairs)).toEqual(stableSorted(pairs));
  });

  it('sorts keys that share their low digits, whose passes are skipped', () => {
    const pairs: [number, number][] = [5, 3, 9, 3, 1, 0].map((high, i) => [high * 4096 ** 2 + 17, i]);
    expect(sortPairs(new SortScratch(), pairs)).toEqual(stableSorted(pairs));
  });

  it('reuses its scratch from a large sort to a smaller one, sorting only the first n', () => {
    const scratch = new SortScratch();
    const large: [number, number][] = Array.from({ length: 5000 }, (_, i) => [(i * 7919) % 5000, i]);
    expect(sortPairs(scratch, large)).toEqual(stableSorted(large));
    const small: [number, number][] = [[4097, 1], [2, 2], [4096, 3], [2, 4]];
    expect(sortPairs(scratch, small)).toEqual([[2, 2], [2, 4], [4096, 3], [4097, 1]]);
    expect(sortPairs(scratch, [])).toEqual([]);
  });
});
