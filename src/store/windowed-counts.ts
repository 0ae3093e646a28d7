import { PairCountTable } from './pair-count-table.js';

/**
 * Counts per (window start, a, b), one hash table per window so that a closed window can
 * be written and freed on its own. For the `page` aggregation a = page id and b = 0; for
 * `user-page` a = page id and b = user id (the output sort order: page, then user).
 */
export class WindowedCounts {
  private readonly tables = new Map<number, PairCountTable>();
  private lastStartMs = NaN;
  private lastTable: PairCountTable | undefined;

  increment(windowStartMs: number, a: number, b: number): number {
    let table = this.lastTable;
    if (windowStartMs !== this.lastStartMs || table === undefined) {
      table = this.tables.get(windowStartMs);
      if (table === undefined) {
        // Sized for the keys of the window counted last: consecutive windows hold about as
        // many, and growing there step by step doubled the table ~10 times, with the old
        // and the new one alive at each step (5M events: peak RSS 220 -> 205 MB).
        table = this.lastTable ? PairCountTable.sizedFor(this.lastTable.size) : new PairCountTable();
        this.tables.set(windowStartMs, table);
      }
      this.lastStartMs = windowStartMs;
      this.lastTable = table;
    }
    return table.add(a, b);
  }

  /**
   * Reads the slots of (starts[i], as[i], bs[i]) for i < n in their windows' tables, where
   * there are tables (see WindowEngine.touch). Events come about in time order: each run of
   * one window is read in one go.
   */
  touch(starts: Float64Array, as: Int32Array, bs: Int32Array, n: number): void {
    for (let i = 0; i < n; ) {
      const start = starts[i];
      let end = i + 1;
      while (end < n && starts[end] === start) end++;
      const table = start === this.lastStartMs ? this.lastTable : this.tables.get(start);
      table?.touchRange(as, bs, i, end);
      i = end;
    }
  }

  /** Window starts that hold counts, ascending. */
  windowStarts(): number[] {
    return [...this.tables.keys()].sort((x, y) => x - y);
  }

  table(windowStartMs: number): PairCountTable | undefined {
    return this.tables.get(windowStartMs);
  }

  /** Frees a window once it has been written (suppress-until-close). */
  delete(windowStartMs: number): void {
    this.tables.delete(windowStartMs);
    if (windowStartMs === this.lastStartMs) this.lastTable = undefined;
  }

  get keyCount(): number {
    let n = 0;
    for (const t of this.tables.values()) n += t.size;
    return n;
  }
}
