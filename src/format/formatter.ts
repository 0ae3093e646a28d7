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
 * parts[3], each id through `escape`. The byte encoder copies plain ids (printable ASCII
 * without quotes, backslashes or commas) as they are, in quotes when `quotePlain`: the
 * same bytes `escape` gives for them.
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
  layout(aggregation: Aggregation, windowStart: string, windowEnd: string): RowLayout;
  time(ms: number): string;
}

/**
 * Adapts a LineFormat: groups and updates are both plain lines. The layout is the one
 * description of a row: the byte encoder writes it, and the string path (updates) joins it.
 * Layouts are cached per window.
 */
export function lineFormatter(format: LineFormat): Formatter {
  let cachedStartMs = NaN;
  const cached = new Map<Aggregation, RowLayout>();
  const layout = (aggregation: Aggregation, startMs: number, endMs: number) => {
    if (startMs !== cachedStartMs) {
      cachedStartMs = startMs;
      cached.clear();
    }
    let rowLayout = cached.get(aggregation);
    if (!rowLayout) {
      rowLayout = format.layout(aggregation, format.time(startMs), format.time(endMs));
      cached.set(aggregation, rowLayout);
    }
    return rowLayout;
  };
  const row = (aggregation: Aggregation, startMs: number, endMs: number, pageId: string, userId: string, count: number) => {
    const { parts, withUser, escape } = layout(aggregation, startMs, endMs);
    return `${parts[0]}${escape(pageId)}${parts[1]}${withUser ? `${escape(userId)}${parts[2]}` : ''}${count}${parts[3]}`;
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

/** 1234567 -> "1,234,567", the same on every locale. */
export function groupDigits(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
