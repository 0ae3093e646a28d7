import type { SortScratch } from './sort-scratch.js';

/**
 * Stable LSD radix sort of indices by integer keys in [0, 2^48): three passes of 16-bit
 * digits over typed arrays. Sorting a million rows this way takes tens of milliseconds,
 * where a comparator sort takes over a second.
 */
export const MAX_RADIX_KEY = 2 ** 48;

export function radixOrder(keys: Float64Array, n: number, scratch?: SortScratch): Uint32Array {
  let order = scratch ? scratch.indexes(1, n) : new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let spare = scratch ? scratch.indexes(2, n) : new Uint32Array(n);
  const digits = scratch ? scratch.digits(n) : new Uint16Array(n);
  const counts = scratch ? scratch.counts : new Uint32Array(65536);
  for (let pass = 0; pass < 3; pass++) {
    const divisor = 2 ** (16 * pass);
    let first = -1;
    let varies = false;
    for (let i = 0; i < n; i++) {
      const digit = Math.floor(keys[i] / divisor) & 0xffff;
      digits[i] = digit;
      if (first < 0) first = digit;
      else if (digit !== first) varies = true;
    }
    if (!varies) continue; // every key has the same digit: this pass would change nothing
    counts.fill(0);
    for (let i = 0; i < n; i++) counts[digits[i]]++;
    let sum = 0;
    for (let d = 0; d < 65536; d++) {
      const c = counts[d];
      counts[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const index = order[i];
      spare[counts[digits[index]]++] = index;
    }
    [order, spare] = [spare, order];
  }
  return order;
}
