import { describe, expect, it } from 'vitest';
import { DAY_MS, isWindowOpen, timeWindows, windowsFor } from '../../src/window/time-windows.js';

describe('windowsFor (Kafka Streams TimeWindows.windowsFor)', () => {
  it.each([
    // size, advance, timestamp -> window starts
    { size: 12, advance: 5, t: 21, starts: [10, 15, 20] }, // Kafka Streams docs: [10,22) [15,27) [20,32)
    { size: 6, advance: 5, t: 7, starts: [5] }, // advance does not divide size: [5,11) only
    { size: 5000, advance: 3000, t: 4000, starts: [0, 3000] },
    { size: 10, advance: 10, t: 0, starts: [0] },
    { size: 10, advance: 10, t: 9, starts: [0] },
    { size: 10, advance: 10, t: 10, starts: [10] }, // half-open: 10 is not in [0,10)
    { size: 10, advance: 2, t: 3, starts: [0, 2] }, // near the epoch: no negative starts
    { size: 7 * DAY_MS, advance: 7 * DAY_MS, t: 1617159755012, starts: [1616630400000] }, // Thu 2021-03-25
    { size: 7 * DAY_MS, advance: DAY_MS, t: 7 * DAY_MS, starts: [1, 2, 3, 4, 5, 6, 7].map((d) => d * DAY_MS) },
  ])('size $size advance $advance, event at $t', ({ size, advance, t, starts }) => {
    expect(windowsFor(timeWindows(size, advance), t)).toEqual(starts);
  });

  it('7-day windows start on Thursdays 00:00 UTC', () => {
    const start = windowsFor(timeWindows(7 * DAY_MS), Date.UTC(2026, 10, 22, 13))[0];
    expect(new Date(start).toISOString()).toBe('2026-11-19T00:00:00.000Z');
    expect(new Date(start).getUTCDay()).toBe(4);
  });
});

describe('timeWindows validation', () => {
  it.each([
    [0, 0, 0],
    [-5, -5, 0],
    [10, 0, 0],
    [10, 11, 0],
    [10, 10, -1],
    [1.5, 1.5, 0],
  ])('rejects size %d advance %d grace %d', (size, advance, grace) => {
    expect(() => timeWindows(size, advance, grace)).toThrow(RangeError);
  });

  it('accepts unbounded grace and defaults to tumbling with grace 0', () => {
    expect(timeWindows(10)).toEqual({ sizeMs: 10, advanceMs: 10, graceMs: 0 });
    expect(timeWindows(10, 5, Infinity).graceMs).toBe(Infinity);
  });
});

describe('grace boundary', () => {
  const w = timeWindows(10, 10, 5);
  it.each([
    { start: 0, streamTime: 14, open: true },
    { start: 0, streamTime: 15, open: false }, // end + grace == stream time: closed
    { start: 0, streamTime: 16, open: false },
  ])('window [0,10) grace 5 at stream time $streamTime is open: $open', ({ start, streamTime, open }) => {
    expect(isWindowOpen(w, start, streamTime)).toBe(open);
  });
});
