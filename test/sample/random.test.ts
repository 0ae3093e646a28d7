import { describe, expect, it } from 'vitest';
import { Random, randomUuidV4, shuffle } from '../../src/sample/random.js';
import { ZipfSampler } from '../../src/sample/zipf.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const draws = (random: Random, n: number) => Array.from({ length: n }, () => random.nextUint32());

describe('Random (sfc32)', () => {
  it('gives the same sequence for the same seed and stream, another for another seed or stream', () => {
    expect(draws(new Random(42), 20)).toEqual(draws(new Random(42), 20));
    expect(draws(new Random(42), 20)).not.toEqual(draws(new Random(43), 20));
    expect(draws(new Random(42, 1), 20)).not.toEqual(draws(new Random(42, 2), 20));
    // seeds above 2^32 are not truncated into each other
    expect(draws(new Random(2 ** 32 + 7), 20)).not.toEqual(draws(new Random(7), 20));
  });

  it('pins its output, so a change of algorithm (and of every sample) cannot go unnoticed', () => {
    expect(draws(new Random(1), 3)).toEqual([3_926_060_855, 1_235_657_681, 1_651_910_709]);
  });

  it('draws floats in [0, 1) and ints in [0, n), roughly uniformly', () => {
    const random = new Random(7);
    const buckets = new Array<number>(10).fill(0);
    let [min, max] = [1, 0];
    for (let i = 0; i < 100_000; i++) {
      const f = random.float();
      [min, max] = [Math.min(min, f), Math.max(max, f)];
      buckets[random.int(10)]++;
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(min).toBeLessThan(0.001);
    expect(max).toBeLessThan(1);
    expect(max).toBeGreaterThan(0.999);
    for (const count of buckets) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });

  it('shuffles into a permutation', () => {
    const items = Array.from({ length: 1000 }, (_, i) => i);
    const shuffled = shuffle([...items], new Random(3));
    expect(shuffled).not.toEqual(items);
    expect([...shuffled].sort((a, b) => a - b)).toEqual(items);
  });

  it('makes version-4 UUIDs, all different, the same for the same seed', () => {
    const random = new Random(9);
    const ids = Array.from({ length: 10_000 }, () => randomUuidV4(random));
    for (const id of ids) expect(id).toMatch(UUID_V4);
    expect(new Set(ids).size).toBe(ids.length);
    expect(randomUuidV4(new Random(9))).toBe(ids[0]);
  });
});

describe('ZipfSampler', () => {
  const histogram = (sampler: ZipfSampler, draws: number, seed = 1) => {
    const random = new Random(seed);
    const counts = new Array<number>(sampler.n).fill(0);
    for (let i = 0; i < draws; i++) counts[sampler.sample(random)]++;
    return counts;
  };

  it('draws rank k with weight 1 / (k+1)^s: rank 0 is about 2^1.1 = 2.14 times as frequent as rank 1', () => {
    const counts = histogram(new ZipfSampler(1000, 1.1), 200_000);
    expect(counts[0] / counts[1]).toBeGreaterThan(2.0);
    expect(counts[0] / counts[1]).toBeLessThan(2.3);
    expect(counts[0]).toBe(Math.max(...counts));
  });

  it('is uniform with exponent 0', () => {
    const counts = histogram(new ZipfSampler(20, 0), 100_000);
    for (const count of counts) expect(Math.abs(count - 5000)).toBeLessThan(400);
  });

  it('stays within [0, n), also for a single rank', () => {
    expect(histogram(new ZipfSampler(1, 1.1), 100)).toEqual([100]);
    const counts = histogram(new ZipfSampler(5, 3), 10_000);
    expect(counts).toHaveLength(5);
    expect(counts.reduce((a, b) => a + b)).toBe(10_000);
  });

  it('rejects no ranks and negative exponents', () => {
    expect(() => new ZipfSampler(0, 1)).toThrow(RangeError);
    expect(() => new ZipfSampler(10, -1)).toThrow(RangeError);
  });
});
