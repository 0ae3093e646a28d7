import { describe, expect, it } from 'vitest';
import { WindowEngine, type Aggregation, type EmitMode, type EngineListener } from '../../src/window/engine.js';
import { timeWindows, type TimeWindows } from '../../src/window/time-windows.js';

type Event = [stream: number, t: number, page: number, user: number];

/** Runs events through an engine and records everything it emits. */
function run(windows: TimeWindows, events: Event[], emit: EmitMode = 'final', aggregations: Aggregation[] = ['page']) {
  const updates: string[] = [];
  const closed: number[] = [];
  const listener: EngineListener = {
    onUpdate: (agg, start, page, user, count) => updates.push(`${agg} ${start} p${page}${agg === 'user-page' ? ` u${user}` : ''} = ${count}`),
    onWindowClosed: (start) => {
      closed.push(start);
      engine.release(start);
    },
  };
  const engine = new WindowEngine(windows, aggregations, emit, listener);
  const applied = events.map(([stream, t, page, user]) => engine.process(stream, t, page, user));
  const final: string[] = [];
  for (const start of engine.windowStarts()) {
    engine.table('page', start)?.forEach((page, _b, count) => final.push(`${start} p${page} = ${count}`));
  }
  return { applied, updates, closed, final: final.sort(), stats: engine.stats };
}

describe('WindowEngine: stream time and grace', () => {
  const tumbling10 = timeWindows(10, 10, 0);

  it('advances stream time before applying the event: the event that moves it is never late itself', () => {
    const r = run(tumbling10, [[0, 5, 1, 0], [0, 25, 1, 0]]);
    expect(r.applied).toEqual([1, 1]);
    expect(r.final).toEqual(['0 p1 = 1', '20 p1 = 1']);
  });

  it('drops an event whose window has end + grace == stream time (the boundary)', () => {
    // window [0,10): end 10 + grace 0 == stream time 10 -> late
    const r = run(tumbling10, [[0, 10, 1, 0], [0, 9, 1, 0]]);
    expect(r.applied).toEqual([1, 0]);
    expect(r.stats).toMatchObject({ counted: 1, late: 1, lateWindowUpdates: 1 });
  });

  it('counts an out-of-order event while its window is within grace', () => {
    const r = run(timeWindows(10, 10, 5), [[0, 14, 1, 0], [0, 9, 1, 0], [0, 15, 1, 0], [0, 8, 1, 0]]);
    expect(r.applied).toEqual([1, 1, 1, 0]); // at stream time 15, [0,10) + 5 is closed
    expect(r.final).toEqual(['0 p1 = 1', '10 p1 = 2']);
  });

  it('never drops with unbounded grace', () => {
    const r = run(timeWindows(10, 10, Infinity), [[0, 1000, 1, 0], [0, 1, 1, 0]]);
    expect(r.applied).toEqual([1, 1]);
  });

  it('keeps stream time per stream (Kafka partition)', () => {
    const r = run(tumbling10, [[0, 100, 1, 0], [1, 5, 1, 0], [0, 5, 1, 0]]);
    expect(r.applied).toEqual([1, 1, 0]); // stream 1 has its own stream time; stream 0 is past 5
  });

  it('checks grace per window: a hopping event can be partly late', () => {
    // size 10 advance 5: event at 12 is in [5,15) and [10,20); at stream time 15, [5,15) is closed
    const r = run(timeWindows(10, 5, 0), [[0, 15, 1, 0], [0, 12, 1, 0]]);
    expect(r.applied).toEqual([2, 1]);
    expect(r.stats).toMatchObject({ counted: 2, late: 0, partiallyLate: 1, lateWindowUpdates: 1 });
  });
});

describe('WindowEngine: emit modes', () => {
  it('updates: every count change in processing order, page before user-page', () => {
    const r = run(timeWindows(10), [[0, 1, 1, 7], [0, 2, 1, 8], [0, 11, 2, 7]], 'updates', ['page', 'user-page']);
    expect(r.updates).toEqual([
      'page 0 p1 = 1',
      'user-page 0 p1 u7 = 1',
      'page 0 p1 = 2',
      'user-page 0 p1 u8 = 1',
      'page 10 p2 = 1',
      'user-page 10 p2 u7 = 1',
    ]);
  });

  it('closed: a window is emitted once stream time reaches end + grace, and not before', () => {
    const r = run(timeWindows(10, 10, 2), [[0, 1, 1, 0], [0, 11, 1, 0], [0, 12, 1, 0], [0, 31, 1, 0]], 'closed');
    expect(r.closed).toEqual([0, 10]); // [0,10) closes at 12; [10,20) at 22 (reached by 31); [30,40) open
  });

  it('closed with several streams: waits for every stream that has seen events', () => {
    const r = run(timeWindows(10), [[0, 1, 1, 0], [1, 2, 1, 0], [0, 50, 1, 0]], 'closed');
    expect(r.closed).toEqual([]); // stream 1 is still at 2
    const r2 = run(timeWindows(10), [[0, 1, 1, 0], [1, 2, 1, 0], [0, 50, 1, 0], [1, 45, 1, 0]], 'closed');
    expect(r2.closed).toEqual([0]);
  });

  it('closed with expected streams: waits for a stream that has not been heard from yet', () => {
    const listener: EngineListener = { onUpdate: () => {}, onWindowClosed: (start) => closed.push(start) };
    const closed: number[] = [];
    const engine = new WindowEngine(timeWindows(10), ['page'], 'closed', listener);
    engine.expectStreams([0, 1]);
    engine.process(0, 1, 1, 0);
    engine.process(0, 50, 1, 0);
    expect(closed).toEqual([]); // stream 1 may still bring events for [0,10)
    expect(engine.process(1, 3, 1, 0)).toBe(1); // and it does: counted, not lost
    engine.process(1, 60, 1, 0);
    expect(closed).toEqual([0]);
  });
});

describe('WindowEngine: the reference application sample', () => {
  // ids: p001=1 p002=2 p004=4; times from the Kafka Streams reference app
  const events: Event[] = [
    [0, 1617159755012, 1, 1], [0, 1617159755012, 1, 1], [0, 1617159755012, 1, 1], [0, 1617159755012, 2, 1],
    [0, 1619136000000, 2, 2], [0, 1619136000000, 2, 2], [0, 1618704000000, 1, 1], [0, 1618358400000, 1, 1],
    [0, 1618185600000, 4, 4], [0, 1618185600000, 4, 4], [0, 1618790400000, 4, 4],
  ];
  const week = 7 * 86_400_000;

  it('grace 0: the 5th event moves stream time to Apr 23 and the last five are late', () => {
    const r = run(timeWindows(week), events);
    expect(r.applied).toEqual([1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
    expect(r.final).toEqual(['1616630400000 p1 = 3', '1616630400000 p2 = 1', '1619049600000 p2 = 2']);
  });

  it('grace unbounded: all eleven count', () => {
    const r = run(timeWindows(week, week, Infinity), events);
    expect(r.stats.counted).toBe(11);
    expect(r.final).toHaveLength(7);
  });
});

describe('WindowEngine: both aggregations', () => {
  // Per-page counts are summed from the per-user-page ones when rows are written per
  // window: they must be the numbers a per-page engine counts, late events included.
  const events: Event[] = Array.from({ length: 3000 }, (_, i) => [i % 2, Math.floor(i / 8) + ((i * 37) % 11) - (i % 13 === 0 ? 20 : 0) - (i % 97 === 0 ? 60 : 0) + 60, (i * 13) % 11, (i * 7) % 17]);
  const pageRows = (engine: WindowEngine) => engine.windowStarts().flatMap((start) => {
    const rows: string[] = [];
    engine.table('page', start)?.forEach((page, _b, count) => rows.push(`${start} p${page} = ${count}`));
    return rows.sort();
  });
  const listener: EngineListener = { onUpdate: () => {}, onWindowClosed: () => {} };

  it.each(['final', 'closed'] as const)('gives the per-page counts of a per-page engine (--emit %s, hopping, grace, late events)', (emit) => {
    const windows = timeWindows(50, 20, 5);
    const both = new WindowEngine(windows, ['page', 'user-page'], emit, listener);
    const pagesOnly = new WindowEngine(windows, ['page'], emit, listener);
    for (const [stream, t, page, user] of events) expect(both.process(stream, t, page, user)).toBe(pagesOnly.process(stream, t, page, user));
    expect([both.stats.late > 0, both.stats.partiallyLate > 0]).toEqual([true, true]);
    expect(pageRows(both)).toEqual(pageRows(pagesOnly));
    expect(pageRows(both).length).toBeGreaterThan(100);
  });
});
