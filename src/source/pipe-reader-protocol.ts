/** Shared between the main thread and the pipe reader's thread (see pipe-reader-worker.ts). */
export interface PipeReaderData {
  readonly path: string;
  readonly slots: number;
  readonly slotBytes: number;
  /** Int32 cells, indexed by `Control`. */
  readonly control: SharedArrayBuffer;
  /** `slots` slots of `slotBytes` each. */
  readonly data: SharedArrayBuffer;
}

/** Cells of the control array: a stop flag, "the main thread waits for bytes", each slot's state. */
export const Control = { stop: 0, mainWaiting: 1, slotState: 2 } as const;

/** A slot is free (the reader may fill it) or full (the main thread is to take it). */
export const SlotState = { free: 0, full: 1 } as const;

/** Reader -> main thread: a full slot, the end of input, a read error, or no way to reopen the pipe. */
export type FromPipeReader =
  | { type: 'chunk'; slot: number; length: number }
  | { type: 'end' }
  | { type: 'error'; message: string; code: string | undefined }
  | { type: 'unavailable'; message: string };
