/** Shared between the main thread and the pipe reader's thread (see pipe-reader-worker.ts). */
export interface PipeReaderData {
  readonly path: string;
  readonly slotBytes: number;
  /** Int32 cells, indexed by `Control` and `slotCell`. */
  readonly control: SharedArrayBuffer;
  /** The memory of each slot at the start (`slotBytes` each), one per slot; see ToPipeReader for later. */
  readonly buffers: readonly SharedArrayBuffer[];
}

/**
 * Main thread -> reader: slot `slot` is read into `buffer` from now on (its last buffer
 * went, whole, with its chunk: see pipe-reader.ts). Sent before the slot is freed, and
 * taken by the reader (receiveMessageOnPort) once it sees the slot free.
 */
export interface ToPipeReader {
  readonly slot: number;
  readonly buffer: SharedArrayBuffer;
}

/**
 * Cells of the control array: a stop flag, "the main thread waits for bytes", "start
 * reading" (a reader can be started before it is needed), then two per slot.
 */
export const Control = { stop: 0, mainWaiting: 1, go: 2, firstSlot: 3 } as const;

/** A slot's cells: its state, and how many bytes the reader has put in it so far. */
export const slotCell = (slot: number, cell: 'state' | 'filled') => Control.firstSlot + 2 * slot + (cell === 'state' ? 0 : 1);

/**
 * A slot is free (the reader may fill it), filling (the main thread may take the bytes
 * already in it) or full (handed over whole; the main thread takes the rest, then frees it).
 */
export const SlotState = { free: 0, filling: 1, full: 2 } as const;

/**
 * Reader -> main thread: bytes came while the main thread waited (take them from the slot
 * being filled), that slot is full (slots fill in turn), the end of input, a read error, or no way to reopen the pipe.
 */
export type FromPipeReader =
  | { type: 'more' }
  | { type: 'full' }
  | { type: 'end' }
  | { type: 'error'; message: string; code: string | undefined }
  | { type: 'unavailable'; message: string };
