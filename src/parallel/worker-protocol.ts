import type { CountSummary } from '../count/config.js';

/** Main thread -> count worker. Each `records` block is answered by one `ack`. */
export type ToCountWorker = { type: 'records'; block: SharedArrayBuffer; length: number } | { type: 'end' };

/** Count worker -> main thread. */
export type FromCountWorker =
  | { type: 'ack'; read: number }
  | { type: 'write'; which: 'output' | 'deadLetter'; bytes: Uint8Array }
  | { type: 'done'; summary: CountSummary }
  | { type: 'error'; message: string; exitCode: number; where: string | undefined; stack: string | undefined };
