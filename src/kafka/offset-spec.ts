import { UsageError } from '../errors.js';
import { parseIsoTimeMs } from '../util/time.js';

/**
 * Where a replay starts (`--from`) or stops (`--until`, exclusive), before it is resolved
 * against the partitions' watermarks.
 */
export type OffsetSpec =
  | { kind: 'earliest' }
  | { kind: 'latest' }
  | { kind: 'end' }
  | { kind: 'committed' }
  | { kind: 'offset'; offset: number }
  | { kind: 'last'; count: number }
  | { kind: 'time'; timestampMs: number };

/**
 * Epoch milliseconds have 13 digits from 2001-09-09 on; no partition holds 10^12 records.
 * So a whole number of 13+ digits is a time, a shorter one an offset; `@<ms>` forces a time.
 */
const MIN_EPOCH_MS_DIGITS = 13;

export function parseOffsetSpec(text: string, flag: '--from' | '--until'): OffsetSpec {
  const value = text.trim();
  const words: Record<string, OffsetSpec['kind'][]> = { '--from': ['earliest', 'latest', 'committed'], '--until': ['end'] };
  if ((words[flag] as string[]).includes(value)) return { kind: value } as OffsetSpec;
  if (flag === '--from' && /^-\d+$/.test(value)) return { kind: 'last', count: Number(value.slice(1)) };
  if (/^@\d+$/.test(value)) return { kind: 'time', timestampMs: Number(value.slice(1)) };
  if (/^\d+$/.test(value)) {
    const n = Number(value);
    if (!Number.isSafeInteger(n)) throw new UsageError(`'${value}' is too large`, flag);
    return value.length >= MIN_EPOCH_MS_DIGITS ? { kind: 'time', timestampMs: n } : { kind: 'offset', offset: n };
  }
  const ms = parseIsoTimeMs(value);
  if (ms !== undefined) return { kind: 'time', timestampMs: ms };
  const forms = flag === '--from' ? 'earliest, latest, committed, an offset, -N (last N), an ISO time or epoch ms' : 'end, an offset, an ISO time or epoch ms';
  throw new UsageError(`invalid ${flag} '${text}': use ${forms}`, flag);
}

/** `--partitions 0,2,5-7` -> [0, 2, 5, 6, 7]. */
export function parsePartitionList(text: string): number[] {
  const partitions = new Set<number>();
  for (const part of text.split(',').map((p) => p.trim())) {
    const range = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!range) throw new UsageError(`invalid partition list '${text}': use e.g. 0,2,5-7`, '--partitions');
    const from = Number(range[1]);
    const to = range[2] === undefined ? from : Number(range[2]);
    if (to < from) throw new UsageError(`invalid partition range '${part}'`, '--partitions');
    for (let p = from; p <= to; p++) partitions.add(p);
  }
  return [...partitions].sort((a, b) => a - b);
}
