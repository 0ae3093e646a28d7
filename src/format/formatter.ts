import type { Aggregation } from '../window/engine.js';

export type TimeFormat = 'iso' | 'epoch-ms';

export interface FormatOptions {
  readonly aggregations: readonly Aggregation[];
  readonly timeFormat: TimeFormat;
  /** table only: rows per window and aggregation; 0 = all. */
  readonly top: number;
  readonly color: boolean;
}

/**
 * Turns rows into text. For `final` and `closed` the runner calls groupStart, row (in key
 * order: pageId, then userId) and groupEnd for each window of each aggregation; for
 * `updates` it calls `update` once per count change. Every call returns the text to write.
 */
export interface Formatter {
  begin(): string;
  groupStart(aggregation: Aggregation, windowStartMs: number, windowEndMs: number, rowCount: number): string;
  row(aggregation: Aggregation, windowStartMs: number, windowEndMs: number, pageId: string, userId: string, count: number): string;
  groupEnd(): string;
  update(aggregation: Aggregation, windowStartMs: number, windowEndMs: number, pageId: string, userId: string, count: number): string;
  end(): string;
  /** Line formats only: the byte layout of a window's rows, for the fast output path. */
  layout?(aggregation: Aggregation, windowStartMs: number, windowEndMs: number): RowLayout;
}

/**
 * A row as literal text around its fields: parts[0] pageId parts[1] [userId parts[2]] count
 * parts[3]. Ids that are plain (printable ASCII without quotes, backslashes or commas) are
 * copied as bytes, in quotes when `quotePlain`; other ids go through `escape`.
 */
export interface RowLayout {
  readonly parts: readonly [string, string, string, string];
  readonly withUser: boolean;
  readonly quotePlain: boolean;
  readonly escape: (id: string) => string;
}

/** A format with one self-contained line per row (CSV, NDJSON). */
export interface LineFormat {
  header: string;
  line(aggregation: Aggregation, windowStart: string, windowEnd: string, pageId: string, userId: string, count: number): string;
  layout(aggregation: Aggregation, windowStart: string, windowEnd: string): RowLayout;
  time(ms: number): string;
}

/** Adapts a LineFormat: groups and updates are both plain lines; window times are cached. */
export function lineFormatter(format: LineFormat): Formatter {
  let cachedStartMs = NaN;
  let start = '';
  let end = '';
  const times = (startMs: number, endMs: number) => {
    if (startMs !== cachedStartMs) {
      cachedStartMs = startMs;
      start = format.time(startMs);
      end = format.time(endMs);
    }
  };
  const row = (aggregation: Aggregation, startMs: number, endMs: number, pageId: string, userId: string, count: number) => {
    times(startMs, endMs);
    return format.line(aggregation, start, end, pageId, userId, count);
  };
  const layout = (aggregation: Aggregation, startMs: number, endMs: number) => {
    times(startMs, endMs);
    return format.layout(aggregation, start, end);
  };
  return { begin: () => format.header, groupStart: () => '', row, groupEnd: () => '', update: row, end: () => '', layout };
}

/** `2021-04-08T00:00:00Z`: UTC, no fraction unless the time has milliseconds. */
export function isoTime(ms: number): string {
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? `${iso.slice(0, -5)}Z` : iso;
}

export function timeText(format: TimeFormat): (ms: number) => string {
  return format === 'iso' ? isoTime : String;
}
