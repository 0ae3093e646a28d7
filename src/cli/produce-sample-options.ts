import { UsageError } from '../errors.js';
import { parseIsoTimeMs } from '../util/time.js';
import { kafkaConnectionFrom, type KafkaConnectionFlags } from '../kafka/connection.js';
import type { ProduceSampleConfig, SampleTarget } from '../run-produce-sample.js';
import { DEFAULT_SAMPLE_SPEC, type IdStyle, type SampleSpec } from '../sample/generator.js';
import { parseDurationMs } from '../util/duration.js';

/** The options of `produce-sample` as commander hands them over (strings until checked here). */
export interface ProduceSampleFlags extends KafkaConnectionFlags {
  topic?: string;
  partitions?: string;
  replicationFactor?: string;
  output?: string;
  count: string;
  users: string;
  pages: string;
  ids: IdStyle;
  start?: string;
  span: string;
  skew: string;
  lateFraction: string;
  lateBy: string;
  rate?: string;
  seed: string;
}

export const DEFAULT_PARTITIONS = 2;
/** Ids and their popularity table are kept in memory: ~100 bytes per UUID id. */
export const MAX_IDS = 10_000_000;

/** Flags -> a validated, typed config. Every usage error is raised here, before any I/O. */
export function produceSampleConfigFrom(flags: ProduceSampleFlags, env: Readonly<Record<string, string | undefined>>, cwd: string): ProduceSampleConfig {
  return { sample: sampleSpecFrom(flags), target: targetFrom(flags, env, cwd), ratePerSec: flags.rate === undefined ? undefined : parseRate(flags.rate) };
}

export function sampleSpecFrom(flags: ProduceSampleFlags): SampleSpec {
  const startMs = flags.start === undefined ? DEFAULT_SAMPLE_SPEC.startMs : parseInstantMs(flags.start, '--start');
  const spanMs = parseDurationMs(flags.span, '--span');
  if (spanMs < 1) throw new UsageError('--span must be at least 1 ms', '--span');
  if (!Number.isSafeInteger(startMs + spanMs)) throw new UsageError('--start plus --span is beyond the largest time', '--span');
  const lateFraction = parseNumber(flags.lateFraction, '--late-fraction', 0, 1, 'a number from 0 to 1');
  const lateByMs = parseDurationMs(flags.lateBy, '--late-by');
  if (lateByMs < 1 && lateFraction > 0) throw new UsageError('--late-by must be at least 1 ms (for no late events use --late-fraction 0)', '--late-by');
  if (lateByMs > 0xffff_ffff) throw new UsageError('--late-by must be under 49 days', '--late-by');
  return {
    count: parseWhole(flags.count, '--count', 0, Number.MAX_SAFE_INTEGER),
    users: parseWhole(flags.users, '--users', 1, MAX_IDS),
    pages: parseWhole(flags.pages, '--pages', 1, MAX_IDS),
    ids: flags.ids,
    startMs,
    spanMs,
    skew: parseNumber(flags.skew, '--skew', 0, 100, 'a number from 0 (uniform) to 100'),
    lateFraction,
    lateByMs,
    seed: parseWhole(flags.seed, '--seed', 0, Number.MAX_SAFE_INTEGER),
  };
}

function targetFrom(flags: ProduceSampleFlags, env: Readonly<Record<string, string | undefined>>, cwd: string): SampleTarget {
  if (flags.topic === undefined) {
    for (const [given, flag] of [[flags.partitions, '--partitions'], [flags.replicationFactor, '--replication-factor'], [flags.brokers, '--brokers']] as const) {
      if (given !== undefined) throw new UsageError(`${flag} applies to --topic only`, flag);
    }
    return flags.output === undefined ? { kind: 'stdout' } : { kind: 'file', path: flags.output };
  }
  if (flags.output !== undefined) throw new UsageError('give either --topic or -o/--output, not both', '--output');
  checkTopicName(flags.topic);
  return {
    kind: 'kafka',
    connection: kafkaConnectionFrom(flags, env, cwd),
    topic: flags.topic,
    partitions: flags.partitions === undefined ? DEFAULT_PARTITIONS : parseWhole(flags.partitions, '--partitions', 1, 100_000),
    partitionsExplicit: flags.partitions !== undefined,
    replicationFactor: flags.replicationFactor === undefined ? 1 : parseWhole(flags.replicationFactor, '--replication-factor', 1, 32_767),
  };
}

/** Kafka's own rule (Topic.validate): 1-249 of [a-zA-Z0-9._-], and not `.` or `..`. */
function checkTopicName(topic: string): void {
  if (!/^[a-zA-Z0-9._-]{1,249}$/.test(topic) || topic === '.' || topic === '..') {
    throw new UsageError(`invalid topic name '${topic}': use 1 to 249 letters, digits, '.', '_' or '-'`, '--topic');
  }
}

/** `500/s` or `500` (events per second); fractions allowed (`0.5/s` = one event every 2 s). */
export function parseRate(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(?:\/s)?$/.exec(text.trim());
  const rate = match ? Number(match[1]) : NaN;
  if (!(rate > 0) || !Number.isFinite(rate)) throw new UsageError(`invalid rate '${text}': use events per second, e.g. 500/s or 500`, '--rate');
  return rate;
}

/** An ISO-8601 time (a date alone is midnight UTC; no zone means UTC) or epoch milliseconds. */
export function parseInstantMs(text: string, flag: string): number {
  const value = text.trim();
  if (/^\d+$/.test(value)) {
    const ms = Number(value);
    if (Number.isSafeInteger(ms)) return ms;
  } else {
    const ms = parseIsoTimeMs(value);
    if (ms !== undefined) return ms;
  }
  throw new UsageError(`invalid time '${text}': use an ISO time (2021-03-25T00:00:00Z) or epoch milliseconds, from 1970 on`, flag);
}

function parseWhole(text: string, flag: string, min: number, max: number): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max.toLocaleString('en-US')}`;
    throw new UsageError(`invalid ${flag} '${text}': use a whole number ${range}`, flag);
  }
  return n;
}

function parseNumber(text: string, flag: string, min: number, max: number, expected: string): number {
  const n = /^\d+(\.\d+)?$|^\.\d+$/.test(text.trim()) ? Number(text.trim()) : NaN;
  if (!(n >= min && n <= max)) throw new UsageError(`invalid ${flag} '${text}': use ${expected}`, flag);
  return n;
}
