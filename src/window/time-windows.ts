/**
 * A window specification with Kafka Streams' `TimeWindows` semantics.
 *
 * Windows are half-open `[start, end)` in epoch milliseconds, aligned to the epoch:
 * every start is a multiple of `advanceMs`, and `end = start + sizeMs`. With
 * `advanceMs === sizeMs` they tumble; with a smaller advance they hop, and one event
 * falls into `sizeMs / advanceMs` windows. Example, size 5000 and advance 3000:
 * [0;5000), [3000;8000), [6000;11000), ... and an event at 4000 is in the first two.
 *
 * 7-day windows run Thursday 00:00 UTC to Thursday 00:00 UTC, because 1970-01-01 was a
 * Thursday.
 */
export interface TimeWindows {
  readonly sizeMs: number;
  readonly advanceMs: number;
  /** `Infinity` means unbounded grace: nothing is ever late. */
  readonly graceMs: number;
}

export const DAY_MS = 86_400_000;
export const DEFAULT_SIZE_MS = 7 * DAY_MS;

/** Validating factory; throws RangeError (the CLI turns it into a usage error). */
export function timeWindows(sizeMs: number, advanceMs: number = sizeMs, graceMs = 0): TimeWindows {
  if (!Number.isSafeInteger(sizeMs) || sizeMs <= 0) {
    throw new RangeError(`window size must be a positive whole number of milliseconds, got ${sizeMs}`);
  }
  if (!Number.isSafeInteger(advanceMs) || advanceMs <= 0 || advanceMs > sizeMs) {
    throw new RangeError(`advance must be greater than 0 and at most the window size (${sizeMs} ms), got ${advanceMs}`);
  }
  if (!(graceMs === Infinity || (Number.isSafeInteger(graceMs) && graceMs >= 0))) {
    throw new RangeError(`grace must be 0 or more milliseconds, got ${graceMs}`);
  }
  return Object.freeze({ sizeMs, advanceMs, graceMs });
}

/** Start of the earliest window containing `timestampMs` (Kafka Streams' `windowsFor`). */
export function firstWindowStartMs(windows: TimeWindows, timestampMs: number): number {
  const { sizeMs, advanceMs } = windows;
  return Math.floor(Math.max(0, timestampMs - sizeMs + advanceMs) / advanceMs) * advanceMs;
}

/** Every window start containing `timestampMs`, ascending: exactly `TimeWindows.windowsFor(t)`. */
export function windowsFor(windows: TimeWindows, timestampMs: number): number[] {
  const starts: number[] = [];
  for (let start = firstWindowStartMs(windows, timestampMs); start <= timestampMs; start += windows.advanceMs) {
    starts.push(start);
  }
  return starts;
}

/** A (window, stream time) pair still accepts updates iff `end + grace > streamTime`. */
export function isWindowOpen(windows: TimeWindows, startMs: number, streamTimeMs: number): boolean {
  return startMs + windows.sizeMs + windows.graceMs > streamTimeMs;
}
