import type { CountConfig, InvalidPolicy } from '../count/config.js';
import { DEFAULT_DECODE_OPTIONS } from '../decode/page-view-decoder.js';
import type { TimeFormat } from '../format/formatter.js';
import type { FormatName } from '../format/registry.js';
import type { KafkaSourceConfig } from '../count/config.js';
import { UsageError } from '../errors.js';
import { kafkaConnectionFrom, type KafkaConnectionFlags } from '../kafka/connection.js';
import { parseOffsetSpec, parsePartitionList } from '../kafka/offset-spec.js';
import { parseDurationMs } from '../util/duration.js';
import type { Aggregation, EmitMode } from '../window/engine.js';
import { DEFAULT_SIZE_MS, timeWindows } from '../window/time-windows.js';

/** The options of `count` as commander hands them over (all strings until checked here). */
export interface CountFlags {
  by: string;
  format: FormatName;
  output?: string;
  window: string;
  advance?: string;
  grace: string;
  emit: EmitMode;
  userField: string;
  pageField: string;
  timeField: string;
  timeUnit: 'ms' | 's';
  timeFormat: TimeFormat;
  top?: string;
  onInvalid?: InvalidPolicy;
  deadLetter?: string;
  color: boolean;
  fromTopic?: string;
  partitions?: string;
  from?: string;
  until?: string;
  maxMessages?: string;
  follow?: boolean;
  group?: string;
  threads?: string;
}

export const DEFAULT_TABLE_TOP = 20;

export function parseAggregations(text: string): Aggregation[] {
  const names = text === 'both' ? ['page', 'user-page'] : text.split(',').map((s) => s.trim());
  const aggregations = new Set<Aggregation>();
  for (const name of names) {
    if (name !== 'page' && name !== 'user-page') {
      throw new UsageError(`unknown aggregation '${name}': use page, user-page or both`, '--by');
    }
    aggregations.add(name);
  }
  // A fixed order, whatever the order given: page rows first.
  return (['page', 'user-page'] as const).filter((a) => aggregations.has(a));
}

export function parseGraceMs(text: string): number {
  return text === 'unbounded' ? Infinity : parseDurationMs(text, '--grace');
}

export function parseTop(text: string | undefined): number {
  if (text === undefined) return DEFAULT_TABLE_TOP;
  if (text === 'all') return 0;
  if (!/^\d+$/.test(text)) throw new UsageError(`invalid --top '${text}': use a whole number (0 or all = every row)`, '--top');
  return Number(text);
}

function parseThreads(text: string | undefined): number | undefined {
  if (text === undefined || text === 'auto') return undefined;
  if (text !== '1' && text !== '2') throw new UsageError(`invalid --threads '${text}': use auto, 1 or 2`, '--threads');
  return Number(text);
}

function parseByteCount(text: string | undefined, name: string): number | undefined {
  if (text === undefined || text === '') return undefined;
  if (!/^\d+$/.test(text)) throw new UsageError(`invalid ${name} '${text}': use a whole number of bytes`, name);
  return Number(text);
}

function checkFieldName(name: string, flag: string): string {
  if (name === '') throw new UsageError('field name must not be empty', flag);
  return name;
}

const KAFKA_ONLY_FLAGS = ['partitions', 'from', 'until', 'maxMessages', 'follow', 'group'] as const;

function kafkaSourceFrom(files: string[], flags: CountFlags & KafkaConnectionFlags, env: Env, cwd: string): KafkaSourceConfig | undefined {
  if (flags.fromTopic === undefined) {
    const given = KAFKA_ONLY_FLAGS.find((f) => flags[f] !== undefined);
    if (given) throw new UsageError('this flag needs --from-topic', `--${given.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`);
    return undefined;
  }
  if (files.length > 0) throw new UsageError('give input files or --from-topic, not both', '--from-topic');
  if (flags.fromTopic.trim() === '') throw new UsageError('topic name must not be empty', '--from-topic');
  if (flags.follow && flags.until !== undefined) throw new UsageError('--follow never stops by itself; drop --until or --follow', '--until');
  let maxMessages: number | undefined;
  if (flags.maxMessages !== undefined) {
    if (!/^\d+$/.test(flags.maxMessages) || Number(flags.maxMessages) === 0) {
      throw new UsageError(`invalid --max-messages '${flags.maxMessages}': use a whole number above 0`, '--max-messages');
    }
    maxMessages = Number(flags.maxMessages);
  }
  return {
    connection: kafkaConnectionFrom(flags, env, cwd),
    topic: flags.fromTopic,
    partitions: flags.partitions === undefined ? undefined : parsePartitionList(flags.partitions),
    from: parseOffsetSpec(flags.from ?? 'earliest', '--from'),
    until: flags.follow ? undefined : parseOffsetSpec(flags.until ?? 'end', '--until'),
    maxMessages,
    group: flags.group,
  };
}

type Env = Readonly<Record<string, string | undefined>>;

/** Flags -> a validated, typed config. Every usage error is raised here, before any I/O. */
export function countConfigFrom(files: string[], flags: CountFlags & KafkaConnectionFlags, colorAllowed: boolean, env: Env = {}, cwd = '.'): CountConfig {
  const sizeMs = flags.window === '7d' ? DEFAULT_SIZE_MS : parseDurationMs(flags.window, '--window');
  const advanceMs = flags.advance === undefined ? sizeMs : parseDurationMs(flags.advance, '--advance');
  let windows;
  try {
    windows = timeWindows(sizeMs, advanceMs, parseGraceMs(flags.grace));
  } catch (err) {
    if (err instanceof RangeError) {
      const flag = err.message.startsWith('advance') ? '--advance' : err.message.startsWith('grace') ? '--grace' : '--window';
      throw new UsageError(err.message, flag);
    }
    throw err;
  }
  if (flags.top !== undefined && flags.format !== 'table') {
    throw new UsageError('--top applies to the table format only; CSV and NDJSON always hold every row', '--top');
  }
  const decode = {
    userField: checkFieldName(flags.userField, '--user-field'),
    pageField: checkFieldName(flags.pageField, '--page-field'),
    timeField: checkFieldName(flags.timeField, '--time-field'),
    timeUnit: flags.timeUnit,
  };
  return {
    inputs: files,
    kafka: kafkaSourceFrom(files, flags, env, cwd),
    aggregations: parseAggregations(flags.by),
    windows,
    emit: flags.emit,
    decode: { ...DEFAULT_DECODE_OPTIONS, ...decode },
    format: flags.format,
    timeFormat: flags.timeFormat,
    top: parseTop(flags.top),
    output: flags.output,
    // --dead-letter means "keep going and keep them": it implies skip unless fail is explicit.
    onInvalid: flags.onInvalid ?? (flags.deadLetter ? 'skip' : 'fail'),
    deadLetter: flags.deadLetter,
    color: colorAllowed && flags.color,
    threads: parseThreads(flags.threads),
    smallPipeBytes: parseByteCount(env.PAGEVIEWS_SMALL_PIPE_BYTES, 'PAGEVIEWS_SMALL_PIPE_BYTES'),
  };
}
