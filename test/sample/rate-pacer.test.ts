import { describe, expect, it } from 'vitest';
import { RatePacer } from '../../src/sample/rate-pacer.js';

/** A fake clock whose sleeps just move time forward, recording how long each was. */
function fakeTime() {
  const clock = { nowMs: 1000, sleeps: [] as number[] };
  const pacer = (rate: number) =>
    new RatePacer(
      rate,
      () => clock.nowMs,
      async (ms) => {
        clock.sleeps.push(ms);
        clock.nowMs += ms;
      },
    );
  return { clock, pacer };
}

describe('RatePacer', () => {
  it('waits until n / rate seconds after the start', async () => {
    const { clock, pacer } = fakeTime();
    const p = pacer(500);
    p.start();
    await p.wait(50, new AbortController().signal); // due at 100 ms
    expect(clock.sleeps).toEqual([100]);
    clock.nowMs += 30; // the next batch took 30 ms to produce
    await p.wait(100, new AbortController().signal); // due at 200 ms: 70 ms left
    expect(clock.sleeps).toEqual([100, 70]);
  });

  it('does not wait when behind, and catches up on the average rate', async () => {
    const { clock, pacer } = fakeTime();
    const p = pacer(100);
    p.start();
    clock.nowMs += 500; // slow: 20 events took 500 ms instead of 200
    await p.wait(20, new AbortController().signal);
    expect(clock.sleeps).toEqual([]);
    await p.wait(60, new AbortController().signal); // due at 600 ms since start
    expect(clock.sleeps).toEqual([100]);
  });

  it('returns at once when aborted', async () => {
    const { clock, pacer } = fakeTime();
    const p = pacer(1);
    p.start();
    const controller = new AbortController();
    controller.abort('SIGINT');
    await p.wait(1000, controller.signal);
    expect(clock.sleeps).toEqual([]);
  });

  it('hands over about a tenth of a second of events at a time', () => {
    const { pacer } = fakeTime();
    expect(pacer(500).batchSize(8192)).toBe(50);
    expect(pacer(1_000_000).batchSize(8192)).toBe(8192);
    expect(pacer(0.5).batchSize(8192)).toBe(1);
  });

  it('really sleeps with the default clock, and wakes up on abort', async () => {
    const pacer = new RatePacer(10);
    pacer.start();
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort('SIGINT'), 50);
    await pacer.wait(100, controller.signal); // due in 10 s
    expect(performance.now() - started).toBeLessThan(2000);
    expect(performance.now() - started).toBeGreaterThanOrEqual(40);
  });
});
