import { describe, expect, it } from 'vitest';
import { splitRanges } from '../../src/count/kafka-feed.js';
import type { PartitionRange } from '../../src/kafka/offsets.js';

const range = (partition: number, start: number, end: number): PartitionRange => ({ partition, start, end, hasData: end > start });
const offsets = (ranges: PartitionRange[]) => ranges.reduce((n, r) => n + r.end - r.start, 0);

describe('splitRanges shares a replay between two consumers', () => {
  it('balances offsets, largest partition first; this thread takes the lighter side and the empty ranges', () => {
    const ranges = [range(0, 0, 166_587), range(1, 0, 223_897), range(2, 0, 420_670), range(3, 0, 188_846), range(4, 7, 7)];
    const split = splitRanges(ranges)!;
    expect(split.here.map((r) => r.partition)).toEqual([2, 4]);
    expect(split.there.map((r) => r.partition).sort()).toEqual([0, 1, 3]);
    expect(offsets(split.here)).toBeLessThanOrEqual(offsets(split.there));
  });

  it('counts offsets from each range start, not from 0', () => {
    const split = splitRanges([range(0, 900, 1_000), range(1, 0, 150), range(2, 0, 60)])!;
    // 150 | 100 + 60: partition 0 holds 100 offsets, not 1,000.
    expect(split.here.map((r) => r.partition)).toEqual([1]);
    expect(split.there.map((r) => r.partition)).toEqual([0, 2]);
  });

  it('needs two partitions with records', () => {
    expect(splitRanges([range(0, 0, 500_000)])).toBeUndefined();
    expect(splitRanges([range(0, 0, 500_000), range(1, 3, 3)])).toBeUndefined();
  });
});
