import type { Random } from './random.js';

/**
 * Draws popularity ranks 0..n-1 with Zipf's law: rank k has weight 1 / (k + 1)^exponent.
 * Exponent 0 is uniform; around 1 is what web traffic looks like: with 1.1 and 100 users,
 * the most popular user is drawn 50^1.1 = ~74 times as often as the median one.
 *
 * The cumulative weights are computed once (8 bytes per rank); a draw is one random number
 * and a binary search, so a million ranks cost ~20 comparisons per draw.
 */
export class ZipfSampler {
  private readonly cumulative: Float64Array | undefined;
  private readonly total: number;

  constructor(
    readonly n: number,
    readonly exponent: number,
  ) {
    if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`Zipf needs at least one rank, got ${n}`);
    if (!(exponent >= 0) || !Number.isFinite(exponent)) throw new RangeError(`Zipf exponent must be >= 0, got ${exponent}`);
    if (exponent === 0) {
      this.cumulative = undefined;
      this.total = n;
      return;
    }
    const cumulative = new Float64Array(n);
    let sum = 0;
    for (let k = 0; k < n; k++) {
      sum += Math.pow(k + 1, -exponent);
      cumulative[k] = sum;
    }
    this.cumulative = cumulative;
    this.total = sum;
  }

  /** A rank in [0, n): the first k whose cumulative weight exceeds a uniform draw. */
  sample(random: Random): number {
    const target = random.float() * this.total;
    const cumulative = this.cumulative;
    if (cumulative === undefined) return Math.floor(target);
    let low = 0;
    let high = this.n - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (cumulative[mid] > target) high = mid;
      else low = mid + 1;
    }
    return low;
  }
}
