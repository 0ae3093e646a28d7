import type { CountConfig, CountSummary } from '../count/config.js';
import type { SharedNames } from '../store/id-names.js';
import type { Aggregation } from '../window/engine.js';

/** Main thread -> count worker. Each block (`records` from Kafka, decoded `events` from files) is answered by one `ack`. */
export type ToCountWorker =
  /** First, always: the worker may have been started before the run's config was known. */
  | { type: 'start'; config: CountConfig; streams: number[] }
  | { type: 'records'; block: SharedArrayBuffer; length: number }
  | { type: 'events'; block: SharedArrayBuffer; rawLength: number; events: number }
  | { type: 'end' }
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
  | { type: 'error'; message: string; exitCode: number; where: string | undefined; stack: string | undefined };
