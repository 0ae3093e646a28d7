import { describe, expect, it } from 'vitest';
import { DEFAULT_SAMPLE_SPEC, SampleGenerator, sampleLine, type SampleEvent, type SampleSpec } from '../../src/sample/generator.js';

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const HOUR_MS = 3_600_000;

function generate(overrides: Partial<SampleSpec> = {}): SampleEvent[] {
  const generator = new SampleGenerator({ ...DEFAULT_SAMPLE_SPEC, ...overrides });
  const events: SampleEvent[] = [];
  for (let batch = generator.nextBatch(777); batch.length > 0; batch = generator.nextBatch(777)) events.push(...batch);
  return events;
}

function countBy(values: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

describe('SampleGenerator', () => {
  it('is deterministic: the same spec gives the same events, another seed other events', () => {
    const lines = (spec: Partial<SampleSpec>) => generate(spec).map(sampleLine).join('\n');
    expect(lines({ seed: 5 })).toBe(lines({ seed: 5 }));
    expect(lines({ seed: 5 })).not.toBe(lines({ seed: 6 }));
  });

  it('gives exactly --count events, in batches of at most the size asked for', () => {
    expect(generate({ count: 0 })).toEqual([]);
    expect(generate({ count: 2500 })).toHaveLength(2500);
    const generator = new SampleGenerator({ ...DEFAULT_SAMPLE_SPEC, count: 10 });
    expect(generator.nextBatch(4)).toHaveLength(4);
    expect(generator.nextBatch(100)).toHaveLength(6);
    expect(generator.nextBatch(100)).toHaveLength(0);
  });

  it('writes each event as {"userId","pageId","timestamp"} in that order, no spaces', () => {
    for (const event of generate({ count: 100 })) {
      expect(sampleLine(event)).toBe(JSON.stringify({ userId: event.userId, pageId: event.pageId, timestamp: event.timestamp }));
    }
  });

  it('makes v4 UUIDs by default, at most --users users and --pages pages', () => {
    const events = generate({ count: 5000, users: 40, pages: 7 });
    for (const e of events) {
      expect(e.userId).toMatch(UUID_V4);
      expect(e.pageId).toMatch(UUID_V4);
    }
    expect(new Set(events.map((e) => e.userId)).size).toBeLessThanOrEqual(40);
    expect(new Set(events.map((e) => e.pageId)).size).toBe(7);
  });

  it('makes short ids u001/p001..., zero-padded to the width of the count (at least 3 digits)', () => {
    const events = generate({ count: 3000, users: 1000, pages: 12, ids: 'short', skew: 0 });
    for (const e of events) {
      expect(e.userId).toMatch(/^u\d{4}$/);
      expect(e.pageId).toMatch(/^p\d{3}$/);
    }
    const pages = [...new Set(events.map((e) => e.pageId))].sort();
    expect(pages).toEqual(Array.from({ length: 12 }, (_, i) => `p${String(i + 1).padStart(3, '0')}`));
    const users = events.map((e) => Number(e.userId.slice(1)));
    expect(Math.min(...users)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...users)).toBeLessThanOrEqual(1000);
  });

  it('spreads times over [start, start + span) in order when nothing is late', () => {
    const startMs = Date.UTC(2021, 3, 1);
    const events = generate({ count: 3000, startMs, spanMs: 24 * HOUR_MS, lateFraction: 0 });
    const times = events.map((e) => e.timestamp);
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times[0]).toBeGreaterThanOrEqual(startMs);
    expect(times[0]).toBeLessThan(startMs + HOUR_MS); // spread, not bunched at one end
    expect(times.at(-1)).toBeLessThan(startMs + 24 * HOUR_MS);
    expect(times.at(-1)).toBeGreaterThanOrEqual(startMs + 23 * HOUR_MS);
  });

  it('moves --late-fraction of the events back by (0, late-by], leaving everything else as it was', () => {
    const spec = { count: 20_000, lateByMs: 2 * HOUR_MS };
    const onTime = generate({ ...spec, lateFraction: 0 });
    const some = generate({ ...spec, lateFraction: 0.1 });
    let moved = 0;
    for (let i = 0; i < onTime.length; i++) {
      expect(some[i].userId).toBe(onTime[i].userId);
      expect(some[i].pageId).toBe(onTime[i].pageId);
      const backBy = onTime[i].timestamp - some[i].timestamp;
      if (backBy !== 0) moved++;
      expect(backBy >= 0 && backBy <= 2 * HOUR_MS).toBe(true);
    }
    expect(moved / onTime.length).toBeGreaterThan(0.09);
    expect(moved / onTime.length).toBeLessThan(0.11);
    // and so they are out of order: earlier than an event before them
    let outOfOrder = 0;
    some.reduce((max, e) => (e.timestamp < max ? (outOfOrder++, max) : e.timestamp), 0);
    expect(outOfOrder).toBeGreaterThan(0.08 * some.length);
  });

  it('keeps all times within [start - late-by, start + span), and never below 0', () => {
    const spec = { count: 5000, startMs: DEFAULT_SAMPLE_SPEC.startMs, spanMs: HOUR_MS, lateFraction: 0.5, lateByMs: 10 * 60_000 };
    for (const e of generate(spec)) {
      expect(e.timestamp).toBeGreaterThanOrEqual(spec.startMs - spec.lateByMs);
      expect(e.timestamp).toBeLessThan(spec.startMs + spec.spanMs);
    }
    for (const e of generate({ count: 100, startMs: 0, spanMs: 1000, lateFraction: 1 })) expect(e.timestamp).toBeGreaterThanOrEqual(0);
  });

  it('skews popularity: with 1.1 the top user is far busier than the median one; with 0 all are alike', () => {
    const userCounts = (skew: number) => [...countBy(generate({ count: 20_000, users: 100, skew }).map((e) => e.userId)).values()].sort((a, b) => b - a);
    const skewed = userCounts(1.1);
    expect(skewed[0]).toBeGreaterThan(20 * skewed[50]); // Zipf says 50^1.1 = ~74
    const uniform = userCounts(0);
    expect(uniform).toHaveLength(100);
    expect(uniform[0] / uniform[99]).toBeLessThan(1.6); // ~200 each
  });

  it('shuffles which ids are popular: the busiest user is not always u001', () => {
    const busiest = (seed: number) => {
      const counts = countBy(generate({ count: 2000, users: 50, ids: 'short', seed }).map((e) => e.userId));
      return [...counts].sort((a, b) => b[1] - a[1])[0][0];
    };
    expect(new Set([1, 2, 3, 4, 5, 6].map(busiest)).size).toBeGreaterThanOrEqual(4);
  });
});
