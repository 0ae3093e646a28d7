import type { KafkaConnection } from '../kafka/connection.js';
import type { OffsetSpec } from '../kafka/offset-spec.js';
import type { DecodeOptions } from '../decode/page-view-decoder.js';
import type { FormatName } from '../format/registry.js';
import type { TimeFormat } from '../format/formatter.js';
import type { Aggregation, EmitMode } from '../window/engine.js';
import type { TimeWindows } from '../window/time-windows.js';

export type InvalidPolicy = 'fail' | 'skip';

/** `count --from-topic`: a replay of a topic's offset ranges (DESIGN.md section 5). */
export interface KafkaSourceConfig {
  readonly connection: KafkaConnection;
  readonly topic: string;
  readonly partitions: readonly number[] | undefined;
  readonly from: OffsetSpec;
  /** undefined with --follow: no end. */
  readonly until: OffsetSpec | undefined;
  readonly maxMessages: number | undefined;
  readonly group: string | undefined;
}

/** Everything a `count` run needs, already validated; no commander types past this point. */
export interface CountConfig {
  /** File paths in reading order; `-` is stdin; empty means stdin. */
  readonly inputs: readonly string[];
  /** Set for --from-topic; then `inputs` is empty. */
  readonly kafka: KafkaSourceConfig | undefined;
  readonly aggregations: readonly Aggregation[];
  readonly windows: TimeWindows;
  readonly emit: EmitMode;
  readonly decode: DecodeOptions;
  readonly format: FormatName;
  readonly timeFormat: TimeFormat;
  readonly top: number;
  readonly output: string | undefined;
  readonly onInvalid: InvalidPolicy;
  readonly deadLetter: string | undefined;
  readonly color: boolean;
  /** Kafka: 1 = all on the main thread; 2 = a worker counts while kafkajs consumes; undefined = by cores. */
  readonly threads: number | undefined;
  /**
   * --threads auto: a pipe that ends within this many bytes is counted on one thread (see
   * run-count.ts); undefined: the default. From PAGEVIEWS_SMALL_PIPE_BYTES.
   */
  readonly smallPipeBytes: number | undefined;
}

/**
 * True when rows should reach the output as the input arrives, not a megabyte at a time: a
 * topic followed with no end, or stdin (it may be `tail -f`) under --emit updates or
 * closed. Input is then handed on, and output flushed, after every chunk read.
 */
export function isLive(config: CountConfig): boolean {
  if (config.kafka) return config.kafka.until === undefined;
  return config.emit !== 'final' && (config.inputs.length === 0 || config.inputs.includes('-'));
}

/** How many skipped invalid records are shown with their origin. */
export const INVALID_SAMPLES = 5;

export interface CountSummary {
  /** Non-blank lines (or records) read: always counted + late + invalid. */
  read: number;
  counted: number;
  late: number;
  partiallyLate: number;
  invalid: number;
  rows: number;
  /** Rows of windows still open at the end, not written under `--emit closed`. */
  openRowsNotWritten: number;
  invalidSamples: string[];
}
