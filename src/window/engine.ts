import type { PairCountTable } from '../store/pair-count-table.js';
import { WindowedCounts } from '../store/windowed-counts.js';
import { firstWindowStartMs, isWindowOpen, type TimeWindows } from './time-windows.js';

export type Aggregation = 'page' | 'user-page';
export type EmitMode = 'final' | 'updates' | 'closed';

export interface EngineListener {
  /** `--emit updates`: a count changed, in processing order (record cache off). */
  onUpdate(aggregation: Aggregation, windowStartMs: number, pageId: number, userId: number, count: number): void;
  /**
   * `--emit closed`: the window can no longer change. Its rows stay in the store until the
   * listener has written them and calls `engine.release(windowStartMs)`.
   */
  onWindowClosed(windowStartMs: number): void;
}

export interface EngineStats {
  /** Events applied to at least one window. */
  counted: number;
  /** Events dropped from every one of their windows (all were closed). */
  late: number;
  /** Events counted in some windows but dropped from others (hopping windows only). */
  partiallyLate: number;
  /** (event, window) pairs dropped as late; equals `late` for tumbling windows. */
  lateWindowUpdates: number;
}

/**
 * The window engine: Kafka Streams' windowed count (KStreamWindowAggregate) for one or
 * two aggregations at once.
 *
 * STREAM TIME is the largest timestamp seen so far, kept per input stream (a Kafka
 * partition, or all files of one run), and it is advanced BEFORE the event is applied.
 * An event at `t` updates each window of `windowsFor(t)` whose `end + grace > streamTime`;
 * the other (event, window) pairs are late, counted and dropped. Example, tumbling 7-day
 * windows, grace 0: events at Apr 22 then Apr 20 (same week, stream time Apr 22) both count;
 * an event at Apr 15 after them is late, since its window ended Apr 22 <= stream time.
 *
 * The engine never reads the clock and knows nothing about sources or formats.
 */
export class WindowEngine {
  readonly stats: EngineStats = { counted: 0, late: 0, partiallyLate: 0, lateWindowUpdates: 0 };
  private readonly pageCounts: WindowedCounts | undefined;
  private readonly userPageCounts: WindowedCounts | undefined;
  /**
   * Both aggregations, rows written per window (`final`, `closed`): the per-page counts
   * are summed from the per-user-page ones when a window is read. Every counted event has
   * a user and updates the same windows in both, so they are the same numbers, for one
   * table update per event instead of two.
   */
  private readonly pagesFromUserPages: boolean;
  /** Windows dropped by the last `process` call (for dead-letter reporting). */
  lastLateWindows = 0;
  private readonly streamTimes: number[] = [];
  private readonly openWindowStarts: number[] = []; // ascending; tracked for `closed` only
  private closeBoundMs = -1;
  private touchStarts = new Float64Array(0);

  constructor(
    readonly windows: TimeWindows,
    readonly aggregations: readonly Aggregation[],
    readonly emit: EmitMode,
    private readonly listener: EngineListener,
  ) {
    if (aggregations.includes('user-page')) this.userPageCounts = new WindowedCounts();
    this.pagesFromUserPages = aggregations.includes('page') && this.userPageCounts !== undefined && emit !== 'updates';
    if (aggregations.includes('page') && !this.pagesFromUserPages) this.pageCounts = new WindowedCounts();
  }

  /** A window's counts of one aggregation (undefined if it has none, or is not counted). */
  table(aggregation: Aggregation, windowStartMs: number): PairCountTable | undefined {
    if (aggregation === 'user-page') return this.userPageCounts?.table(windowStartMs);
    if (!this.pagesFromUserPages) return this.pageCounts?.table(windowStartMs);
    return this.userPageCounts!.table(windowStartMs)?.totalsByA();
  }

  /** Keys held in windows not yet released, over both aggregations. */
  get keyCount(): number {
    let n = this.userPageCounts?.keyCount ?? 0;
    if (!this.pagesFromUserPages) return n + (this.pageCounts?.keyCount ?? 0);
    for (const start of this.windowStarts()) n += this.table('page', start)?.size ?? 0;
    return n;
  }

  /**
   * Declares the streams (Kafka partitions) known to have events coming, so that, under
   * `--emit closed`, no window closes before each of them has been heard from: otherwise a
   * partition that starts late could update a window already written.
   */
  expectStreams(streams: readonly number[]): void {
    for (const stream of streams) this.streamTimes[stream] ??= -1;
  }

  /** Stream time of `stream`, or -1 before its first event. */
  streamTimeMs(stream: number): number {
    return this.streamTimes[stream] ?? -1;
  }

  /** Applies one valid event; returns how many windows it updated (0 = late). */
  process(stream: number, timestampMs: number, pageId: number, userId: number): number {
    let streamTimeMs = this.streamTimes[stream] ?? -1;
    if (timestampMs > streamTimeMs) {
      streamTimeMs = timestampMs;
      this.streamTimes[stream] = streamTimeMs;
      if (this.emit === 'closed') this.closeWindows();
    }
    const { advanceMs } = this.windows;
    let updated = 0;
    let late = 0;
    for (let start = firstWindowStartMs(this.windows, timestampMs); start <= timestampMs; start += advanceMs) {
      if (isWindowOpen(this.windows, start, streamTimeMs)) {
        this.apply(start, pageId, userId);
        updated++;
      } else {
        late++;
      }
    }
    this.lastLateWindows = late;
    this.stats.lateWindowUpdates += late;
    if (updated === 0) this.stats.late++;
    else {
      this.stats.counted++;
      if (late > 0) this.stats.partiallyLate++;
    }
    return updated;
  }

  /**
   * Reads ahead where `process` would count events i < n per user and page (each one's
   * first window's slot), so that counting them right after finds the slots in cache.
   * Changes nothing: no stream time, no count, no window.
   */
  touch(timestampsMs: Float64Array, pageIds: Int32Array, userIds: Int32Array, n: number): void {
    const counts = this.userPageCounts;
    if (counts === undefined) return;
    if (this.touchStarts.length < n) this.touchStarts = new Float64Array(n);
    const starts = this.touchStarts;
    for (let i = 0; i < n; i++) starts[i] = firstWindowStartMs(this.windows, timestampsMs[i]);
    counts.touch(starts, pageIds, userIds, n);
  }

  /** Frees a closed window once its rows were written. */
  release(windowStartMs: number): void {
    this.pageCounts?.delete(windowStartMs);
    this.userPageCounts?.delete(windowStartMs);
  }

  /** Every window start that holds counts, ascending. */
  windowStarts(): number[] {
    const starts = new Set([...(this.pageCounts?.windowStarts() ?? []), ...(this.userPageCounts?.windowStarts() ?? [])]);
    return [...starts].sort((x, y) => x - y);
  }

  private apply(startMs: number, pageId: number, userId: number): void {
    if (this.emit === 'closed') this.trackOpen(startMs);
    if (this.pageCounts) {
      const count = this.pageCounts.increment(startMs, pageId, 0);
      if (this.emit === 'updates') this.listener.onUpdate('page', startMs, pageId, userId, count);
    }
    if (this.userPageCounts) {
      const count = this.userPageCounts.increment(startMs, pageId, userId);
      if (this.emit === 'updates') this.listener.onUpdate('user-page', startMs, pageId, userId, count);
    }
  }

  private trackOpen(startMs: number): void {
    const open = this.openWindowStarts;
    if (open.length > 0 && open[open.length - 1] === startMs) return;
    let i = open.length;
    while (i > 0 && open[i - 1] > startMs) i--;
    if (open[i - 1] !== startMs) open.splice(i, 0, startMs);
  }

  /**
   * Suppress-until-close. With several streams a window closes when EVERY stream that has
   * seen events has passed its end + grace, so no row written here can change later.
   */
  private closeWindows(): void {
    let bound = Infinity;
    for (const t of this.streamTimes) if (t !== undefined && t < bound) bound = t;
    if (bound <= this.closeBoundMs) return;
    this.closeBoundMs = bound;
    const open = this.openWindowStarts;
    let closed = 0;
    while (closed < open.length && !isWindowOpen(this.windows, open[closed], bound)) {
      this.listener.onWindowClosed(open[closed]);
      closed++;
    }
    if (closed > 0) open.splice(0, closed);
  }
}
