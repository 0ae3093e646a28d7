import { UsageError } from '../errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses `90m`, `7d`, `2h`, `500ms` or bare milliseconds (`604800000`) into milliseconds.
 * Only whole numbers: windows are integer milliseconds, like Kafka Streams' Duration.toMillis().
 */
export function parseDurationMs(text: string, flag: string): number {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) {
    throw new UsageError(`invalid duration '${text}': use a whole number with ms, s, m, h or d (e.g. 90m, 7d) or bare milliseconds`, flag);
  }
  const ms = Number(match[1]) * UNIT_MS[match[2] ?? 'ms'];
  if (!Number.isSafeInteger(ms)) throw new UsageError(`duration '${text}' is too large`, flag);
  return ms;
}

/** Formats milliseconds back into the largest exact unit: 604800000 -> `7d`. */
export function formatDurationMs(ms: number): string {
  if (ms === Infinity) return 'unbounded';
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    if (ms !== 0 && ms % UNIT_MS[unit] === 0) return `${ms / UNIT_MS[unit]}${unit}`;
  }
  return `${ms}ms`;
}
