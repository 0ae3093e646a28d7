import type { Formatter, RowLayout } from '../format/formatter.js';
import type { TextSink } from '../sink/text-sink.js';
import type { IdNames } from '../store/id-names.js';
import { SortScratch } from '../store/sort-scratch.js';
import { Ranks, sortedEntries, type SortedEntries } from '../store/sorted-entries.js';
import type { Aggregation, EngineListener, WindowEngine } from '../window/engine.js';
import { EncodedRowOutput } from './encoded-row-output.js';

const ROWS_PER_DRAIN = 4096;

/**
 * Takes the final rows of a line format to another thread, which encodes and writes them
 * (the count worker's main thread) while this one sorts the next. `pages` and `users` are
 * sealed: no id is added after the input ended. `encodeHere` encodes and writes rows
 * [from, to) on this thread, for the shipper to call when the other one has enough to do.
 */
export interface RowShipper {
  /**
   * `rowsAfter`: how many rows are shipped after these (later windows, or this window's
   * per-user-page rows after its per-page ones). Counted per user and page when both are
   * written: there is at most one per-page row per page, few beside them.
   */
  ship(pages: IdNames, users: IdNames, aggregation: Aggregation, startMs: number, endMs: number, entries: SortedEntries, rowsAfter: number, encodeHere: (from: number, to: number) => Promise<void>): Promise<void>;
}

/**
 * Writes the engine's rows through a formatter into a sink: every window at the end
 * (`final`), each window as it closes (`closed`), or each count change (`updates`).
 * Within a window, page rows come before user-page rows; each group is in key order.
 */
export class RowWriter implements EngineListener {
  rows = 0;
  private readonly closedWindows: number[] = [];
  private ranks: Ranks | undefined;
  private rankedSizes = '';
  private output: EncodedRowOutput | undefined;
  /** One window's rows are written (or shipped) before the next window is sorted. */
  private readonly scratch = new SortScratch();
  engine!: WindowEngine;
  /** Set in a count worker: the final rows of line formats are encoded by the main thread. */
  shipper: RowShipper | undefined;

  constructor(
    private readonly formatter: Formatter,
    private readonly sink: TextSink,
    private readonly pages: IdNames,
    private readonly users: IdNames,
  ) {}

  onUpdate(aggregation: Aggregation, startMs: number, pageId: number, userId: number, count: number): void {
    const endMs = startMs + this.engine.windows.sizeMs;
    this.sink.write(this.formatter.update(aggregation, startMs, endMs, this.pages.name(pageId), this.users.size > userId ? this.users.name(userId) : '', count));
    this.rows++;
  }

  onWindowClosed(windowStartMs: number): void {
    this.closedWindows.push(windowStartMs); // written by flushClosed, outside the hot loop
  }

  begin(): void {
    this.sink.write(this.formatter.begin());
  }

  /** Writes the windows closed since the last call and frees them. */
  async flushClosed(): Promise<void> {
    while (this.closedWindows.length > 0) {
      const startMs = this.closedWindows.shift()!;
      await this.writeWindow(startMs);
      this.engine.release(startMs);
    }
  }

  /** `--emit final`: every window, once the input is done (the dictionaries are sealed). */
  async writeAllWindows(): Promise<void> {
    const starts = this.engine.windowStarts();
    let rowsAfter = 0;
    for (const startMs of starts) rowsAfter += this.windowRows(startMs);
    for (const startMs of starts) {
      rowsAfter -= this.windowRows(startMs);
      await this.writeWindow(startMs, this.shipper, rowsAfter);
    }
  }

  end(): void {
    this.sink.write(this.formatter.end());
  }

  /** `rowsAfter`: rows in the windows after this one (with a shipper: see RowShipper.ship). */
  private async writeWindow(startMs: number, shipper?: RowShipper, rowsAfter = 0): Promise<void> {
    const endMs = startMs + this.engine.windows.sizeMs;
    for (const aggregation of ['page', 'user-page'] as const) {
      const table = this.engine.table(aggregation, startMs);
      if (!table || table.size === 0) continue;
      const entries = sortedEntries(table, this.currentRanks(aggregation), this.scratch);
      const layout = this.formatter.layout?.(aggregation, startMs, endMs);
      if (!layout) await this.formatRows(aggregation, startMs, endMs, entries);
      else if (shipper) await this.ship(shipper, aggregation, startMs, endMs, entries, layout, rowsAfter + (aggregation === 'page' ? this.userPageRows(startMs) : 0));
      else await this.encodedOutput().writeEntries(layout, entries);
      this.rows += entries.length;
    }
  }

  /** How many per-user-page rows the window has (written after its per-page ones). */
  private userPageRows(startMs: number): number {
    return this.engine.table('user-page', startMs)?.size ?? 0;
  }

  /**
   * The window's rows as RowShipper.ship counts them: per user and page when those are
   * counted (per-page totals of them would be summed for nothing here), else per page.
   */
  private windowRows(startMs: number): number {
    return this.engine.table('user-page', startMs)?.size ?? this.engine.table('page', startMs)?.size ?? 0;
  }

  /** Line formats in a count worker: the main thread encodes and writes, and this one when it has time. */
  private async ship(shipper: RowShipper, aggregation: Aggregation, startMs: number, endMs: number, entries: SortedEntries, layout: RowLayout, rowsAfter: number): Promise<void> {
    await this.sink.drain(true); // what this thread wrote before (the header) goes first
    await shipper.ship(this.pages, this.users, aggregation, startMs, endMs, entries, rowsAfter, (from, to) => this.encodedOutput().writeEntries(layout, entries, from, to));
  }

  private encodedOutput(): EncodedRowOutput {
    return (this.output ??= new EncodedRowOutput(this.pages, this.users, this.sink));
  }

  /** The table: rows as strings, through the formatter's group calls. */
  private async formatRows(aggregation: Aggregation, startMs: number, endMs: number, entries: SortedEntries): Promise<void> {
    const { formatter, sink } = this;
    sink.write(formatter.groupStart(aggregation, startMs, endMs, entries.length));
    for (let i = 0; i < entries.length; i++) {
      const userId = aggregation === 'page' ? '' : this.users.name(entries.userId(i));
      sink.write(formatter.row(aggregation, startMs, endMs, this.pages.name(entries.pageId(i)), userId, entries.count(i)));
      if (i % ROWS_PER_DRAIN === ROWS_PER_DRAIN - 1) await sink.drain();
    }
    sink.write(formatter.groupEnd());
    await sink.drain();
  }


  /** Ranks are recomputed only when a dictionary has grown since the last window. */
  private currentRanks(aggregation: Aggregation): Ranks {
    const sizes = `${this.pages.size}/${this.users.size}`;
    if (!this.ranks || sizes !== this.rankedSizes) {
      this.ranks = new Ranks(this.pages.ranks(), this.users.size > 0 ? this.users.ranks() : undefined);
      this.rankedSizes = sizes;
    }
    return aggregation === 'page' ? this.ranks.pagesOnly() : this.ranks;
  }
}
