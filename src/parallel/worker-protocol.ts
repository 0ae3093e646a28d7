import type { CountSummary } from '../count/config.js';

/** Main thread -> count worker. Each block (`records` from Kafka, decoded `events` from files) is answered by one `ack`. */
export type ToCountWorker =
  | { type: 'records'; block: SharedArrayBuffer; length: number }
  | { type: 'events'; block: SharedArrayBuffer; rawLength: number; events: number }
  | { type: 'end' }
  /** The oldest `write` chunk reached its sink: the worker may send more (output backpressure). */
  | { type: 'written' };

/** Count worker -> main thread. */
export type FromCountWorker =
  | { type: 'ack'; read: number }
  /** Bytes to write, in shared memory the worker reuses once it is told `written`. */
  | { type: 'write'; which: 'output' | 'deadLetter'; block: SharedArrayBuffer; length: number }
  | { type: 'done'; summary: CountSummary }
  | { type: 'error'; message: string; exitCode: number; where: string | undefined; stack: string | undefined };
