import type { DecodeOptions } from './page-view-decoder.js';

/** The largest timestamp a JavaScript Date (and ISO-8601 output) can represent. */
export const MAX_TIMESTAMP_MS = 8.64e15;

/** A line as JSON.parse reads it: the three fields, why it is not an event, or blank. */
export type ParsedRecord = { user: string; page: string; timestampMs: number } | { reason: string } | 'blank';

/**
 * The decoder's slow path, for every line its scanner does not decide (escapes, nesting,
 * floats, odd literals, malformed input): JSON.parse, then the fields checked in the order
 * user, page, time, the first problem named. `timeScale`: milliseconds per time unit.
 */
export function parseRecord(text: string, options: DecodeOptions, timeScale: number): ParsedRecord {
  if (text.trim() === '') return 'blank';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { reason: 'not valid JSON' };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { reason: 'not a JSON object' };
  const record = value as Record<string, unknown>;
  const user = stringField(record, options.userField);
  if (typeof user !== 'string') return user;
  const page = stringField(record, options.pageField);
  if (typeof page !== 'string') return page;
  const timestampMs = timeFieldMs(record, options.timeField, timeScale);
  if (typeof timestampMs !== 'number') return timestampMs;
  return { user, page, timestampMs };
}

function stringField(record: Record<string, unknown>, name: string): string | { reason: string } {
  if (!Object.hasOwn(record, name)) return { reason: `missing field "${name}"` };
  const value = record[name];
  if (typeof value !== 'string') return { reason: `field "${name}" is ${describe(value)}, not a string` };
  if (value === '') return { reason: `field "${name}" is empty` };
  return value;
}

function timeFieldMs(record: Record<string, unknown>, name: string, scale: number): number | { reason: string } {
  if (!Object.hasOwn(record, name)) return { reason: `missing field "${name}"` };
  const value = record[name];
  if (typeof value !== 'number') return { reason: `field "${name}" is ${describe(value)}, not a number` };
  if (value < 0) return { reason: `field "${name}" is negative (${value})` };
  // Seconds may carry a fraction (1617159755.012); they are rounded to whole milliseconds.
  const ms = scale === 1 ? value : Math.round(value * scale);
  if (!Number.isInteger(ms)) return { reason: `field "${name}" is not a whole number of milliseconds (${value})` };
  if (ms > MAX_TIMESTAMP_MS) return { reason: `field "${name}" is out of range (${value})` };
  return ms;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
