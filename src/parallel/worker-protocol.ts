import type { CountConfig, CountSummary } from '../count/config.js';
import { PageviewsError } from '../errors.js';
import type { KafkaConnection } from '../kafka/connection.js';
import type { PartitionRange } from '../kafka/offsets.js';
import type { SharedNames } from '../store/id-names.js';
import type { Aggregation } from '../window/engine.js';

/** Main thread -> count worker. Each block (`records` from Kafka, decoded `events` from files) is answered by one `ack`. */
export type ToCountWorker =
  /** First, always: the worker may have been started before the run's config was known. */
  | { type: 'start'; config: CountConfig; streams: number[] }
  | { type: 'records'; block: SharedArrayBuffer; length: number }
  | { type: 'events'; block: SharedArrayBuffer; rawLength: number; events: number; pagesInterned: boolean }
  /** The input is done; `pages`: the names of the pages this thread interned for `events`. */
  | { type: 'end'; pages?: SharedNames }
  /** The oldest `write` chunk reached its sink: the worker may send more (output backpressure). */
  | { type: 'written' }
  /** A block of `rows` was encoded and written: the worker may fill it again. */
  | { type: 'rowsWritten'; block: SharedArrayBuffer };

/** Count worker -> main thread. */
export type FromCountWorker =
  | { type: 'ack'; read: number }
  /** Bytes to write, in shared memory the worker reuses once it is told `written`. */
  | { type: 'write'; which: 'output' | 'deadLetter'; block: SharedArrayBuffer; length: number }
  /** Final output of a line format: the names, once, then sorted rows for this thread to encode. */
  | { type: 'names'; pages: SharedNames; users: SharedNames }
  /** `rows` rows of one window and aggregation: page ids, user ids, counts (see RowShipper). */
  | { type: 'rows'; aggregation: Aggregation; startMs: number; endMs: number; block: SharedArrayBuffer; rows: number }
  | { type: 'done'; summary: CountSummary }
  | WorkerError;

/** A failure in a worker, rebuilt on the main thread as the same one-line error. */
export interface WorkerError {
  type: 'error';
  message: string;
  exitCode: number;
  where: string | undefined;
  stack: string | undefined;
}

export function workerErrorFrom(err: unknown): WorkerError {
  const e = err as Error;
  const known = err instanceof PageviewsError;
  return { type: 'error', message: e.message, exitCode: known ? err.exitCode : 1, where: known ? err.where : undefined, stack: e.stack };
}

export function errorFromWorker(message: WorkerError): PageviewsError {
  return new PageviewsError(message.message, message.exitCode, message.where);
}

/** What a fetch worker consumes: its share of a replay's partitions, in a throwaway group of its own. */
export interface FetchWorkerData {
  connection: KafkaConnection;
  cwd: string;
  topic: string;
  ranges: PartitionRange[];
  allPartitions: number[];
  group: string;
}

/** Main thread -> fetch worker. */
export type ToFetchWorker =
  /** First, always: the worker may have been started before its partitions were known. */
  | { type: 'start'; data: FetchWorkerData }
  /** A block was counted: the worker may fill it again. */
  | { type: 'release'; block: SharedArrayBuffer }
  /** Stop consuming (the run failed or was interrupted elsewhere) and leave the group. */
  | { type: 'stop' };

/** Fetch worker -> main thread. `consumed`: offsets consumed so far, for the progress bar. */
export type FromFetchWorker =
  /** Records packed as by RecordPacker, for the count worker. */
  | { type: 'records'; block: SharedArrayBuffer; length: number; consumed: number }
  /** Every record of the worker's ranges was handed over. */
  | { type: 'done'; consumed: number }
  /** The worker's consumer left its group: the group can be deleted. */
  | { type: 'closed' }
  /** A kafkajs log line, for the run's stderr. */
  | { type: 'log'; text: string }
  | WorkerError;
