import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { ioErrorFrom } from '../errors.js';
import type { ReadBuffers } from './byte-input.js';
import { Control, SlotState, slotCell, type FromPipeReader, type PipeReaderData, type ToPipeReader } from './pipe-reader-protocol.js';

/** The compiled reader; also right when this module runs from src/ under the test runner. */
const WORKER_URL = new URL('../../dist/source/pipe-reader-worker.js', import.meta.url);
const SLOTS = 4;
const SLOT_BYTES = 1 << 20;

/**
 * Standard input when it is a pipe, reopened by path (Linux: /proc/self/fd/0) and read by
 * a thread of its own into 1 MiB slots (pipe-reader-worker.ts). Through the event loop,
 * every 64 KiB of pipe was a round trip to the thread pool and back, and `cat` waited for
 * it: reading 620 MB took 0.85 s where `cat | cat` takes 0.65 s, and counting it per page
 * took 1.2x the time of the same file.
 *
 * Chunks come in order: the rest of each full slot, and, whenever this thread would
 * otherwise wait, the bytes already read into the slot being filled. Each chunk is a view
 * of the shared memory, valid until the next is requested (copying each into a private
 * buffer cost a memcpy of the whole input and gained nothing measurable). With `lend`
 * (see ReadBuffers), a slot handed over whole keeps its memory: the slot is read into a
 * buffer of `lend`'s from then on, so the count worker gets the chunk where it was read.
 * `fallback` reads the pipe the ordinary way when it cannot be reopened.
 * When the run stops early, a byte written into the pipe through a second opening ends a
 * read still waiting for an idle writer (`tail -f`), which would otherwise hold up the
 * process's exit.
 */
export function pipeReaderChunks(path: string, name: string, signal: AbortSignal, fallback: () => AsyncGenerator<Buffer>, lend?: ReadBuffers): AsyncGenerator<Buffer> {
  const reader = prestarted?.path === path ? prestarted : new PipeReader(path);
  prestarted = undefined;
  return reader.chunks(name, signal, fallback, lend);
}

let prestarted: PipeReader | undefined;

/**
 * Starts the reader thread for `path` ahead of need, so that its boot (~40 ms) overlaps the
 * loading of the CLI's modules: for `cat 1M-events | pageviews count` the first bytes come
 * ~50 ms sooner. It reads nothing until pipeReaderChunks takes it; unused, it only waits.
 */
export function prestartPipeReader(path: string): void {
  prestarted ??= new PipeReader(path);
}

/** Readers whose thread may be in a read (their chunks are being read). */
const reading = new Set<PipeReader>();

/**
 * Ends every reader's read, for a process.exit that cannot wait for the run to stop (a
 * second Ctrl-C): exit joins the reader thread, which a read on an idle writer would
 * hold forever.
 */
export function endPipeReadsNow(): void {
  for (const reader of reading) {
    reader.stop();
    unblock(reader.path);
  }
  reading.clear();
}

/** Stops a prestarted reader that was never taken (the run read no stdin), so the process can exit. */
export function discardPrestartedPipeReader(): void {
  prestarted?.stop();
  prestarted = undefined;
}

/** A reader thread and its shared memory; it starts reading when `chunks` is first asked for. */
class PipeReader {
  private readonly shared: PipeReaderData;
  private readonly control: Int32Array;
  /** Each slot's memory: replaced when a slot went whole with its chunk (see `lend`). */
  private readonly slotMemory: SharedArrayBuffer[];
  private lend: ReadBuffers | undefined;
  private readonly messages = new MessageQueue();
  private readonly worker: Worker;
  // The slot whose bytes come next, and how many of them were taken already.
  private slot = 0;
  private taken = 0;
  /** A full slot whose last chunk was yielded, freed when the next chunk is asked for (-1: none). */
  private usedSlot = -1;
  /** True when that chunk was the whole slot: its memory went with it. */
  private usedWhole = false;

  constructor(readonly path: string) {
    this.slotMemory = Array.from({ length: SLOTS }, () => new SharedArrayBuffer(SLOT_BYTES));
    this.shared = { path, slotBytes: SLOT_BYTES, control: new SharedArrayBuffer(4 * slotCell(SLOTS, 'state')), buffers: [...this.slotMemory] };
    this.control = new Int32Array(this.shared.control);
    const messages = this.messages;
    this.worker = new Worker(WORKER_URL, { workerData: this.shared });
    this.worker.unref(); // a read waiting on an idle writer (or for `go`) must not keep the process alive
    this.worker.on('message', (m: FromPipeReader) => messages.push(m));
    this.worker.on('error', (err) => messages.push({ type: 'error', message: err.message, code: undefined }));
    this.worker.on('exit', () => messages.push({ type: 'error', message: 'the pipe reader stopped', code: undefined }));
  }

  async *chunks(name: string, signal: AbortSignal, fallback: () => AsyncGenerator<Buffer>, lend: ReadBuffers | undefined): AsyncGenerator<Buffer> {
    this.lend = lend;
    reading.add(this);
    const { control, messages } = this;
    Atomics.store(control, Control.go, 1);
    Atomics.notify(control, Control.go);
    let ended = false;
    try {
      for (;;) {
        this.freeTakenSlot(); // the chunk yielded from it was used: the reader may refill it
        if (messages.isEmpty()) {
          const bytes = this.takeBeforeWaiting();
          if (bytes) {
            yield bytes;
            continue;
          }
        }
        const message = await messages.next(signal);
        Atomics.store(control, Control.mainWaiting, 0);
        if (message.type === 'more') continue;
        if (message.type === 'unavailable') {
          ended = true;
          yield* fallback();
          return;
        }
        if (message.type === 'end') {
          ended = true;
          return;
        }
        if (message.type === 'error') throw ioErrorFrom(Object.assign(new Error(message.message), { code: message.code }), name, 'read input');
        const bytes = this.takeFullSlot();
        if (bytes) yield bytes;
      }
    } finally {
      this.stop();
      if (!ended && reading.has(this)) unblock(this.path);
      reading.delete(this);
    }
  }

  /** Tells the thread to stop (it may still be in a read: see `unblock`) and ends it. */
  stop(): void {
    Atomics.store(this.control, Control.stop, 1);
    for (let cell = 0; cell < this.control.length; cell++) Atomics.notify(this.control, cell);
    void this.worker.terminate();
  }

  /**
   * With nothing else to do: the bytes already read into the slot being filled, if any;
   * else says it waits, so that the reader posts `more` after its next read.
   */
  private takeBeforeWaiting(): Buffer | undefined {
    const bytes = this.takeFilling();
    if (bytes) return bytes;
    Atomics.store(this.control, Control.mainWaiting, 1);
    const late = this.takeFilling(); // read in between: the reader may have seen no one waiting
    if (late) Atomics.store(this.control, Control.mainWaiting, 0);
    return late;
  }

  /**
   * While the reader still fills the next slot, what it has read into it so far. Copied
   * when it starts the slot and buffers are lent: the reader goes on writing after it, so
   * it must not look like a lent buffer's chunk. (This thread gets here only when it would
   * otherwise wait: the copy costs it nothing.)
   */
  private takeFilling(): Buffer | undefined {
    const filling = Atomics.load(this.control, slotCell(this.slot, 'state')) === SlotState.filling;
    const bytes = filling ? this.take(Atomics.load(this.control, slotCell(this.slot, 'filled'))) : undefined;
    return bytes && this.lend && bytes.byteOffset === 0 ? Buffer.from(bytes) : bytes;
  }

  /**
   * The rest of the slot the reader handed over (`full`). The slot is freed for the reader
   * once the chunk was used (freeTakenSlot, when the next chunk is asked for).
   */
  private takeFullSlot(): Buffer | undefined {
    this.usedWhole = this.taken === 0;
    const bytes = this.take(Atomics.load(this.control, slotCell(this.slot, 'filled')));
    this.usedSlot = this.slot;
    this.slot = (this.slot + 1) % SLOTS;
    this.taken = 0;
    return bytes;
  }

  private freeTakenSlot(): void {
    if (this.usedSlot < 0) return;
    if (this.usedWhole && this.lend) this.renewSlot(this.usedSlot, this.lend);
    Atomics.store(this.control, slotCell(this.usedSlot, 'state'), SlotState.free);
    Atomics.notify(this.control, slotCell(this.usedSlot, 'state'));
    this.usedSlot = -1;
  }

  /** Slot `slot` is read into a lent buffer from now on (the reader is told before the slot is freed). */
  private renewSlot(slot: number, lend: ReadBuffers): void {
    const fresh = lend(SLOT_BYTES);
    // After a gzip header the buffers are the reader's own, not shared: the slot keeps its memory (zlib's input is copied).
    if (!(fresh.buffer instanceof SharedArrayBuffer) || fresh.byteOffset !== 0) return;
    this.slotMemory[slot] = fresh.buffer;
    this.worker.postMessage({ slot, buffer: fresh.buffer } satisfies ToPipeReader);
  }

  /**
   * The bytes of the next slot from `taken` up to `filled`, as the next chunk (undefined:
   * none): a view of the shared memory, which the reader leaves alone until the slot is
   * freed (it only appends past `filled` to the slot being filled).
   */
  private take(filled: number): Buffer | undefined {
    if (filled <= this.taken) return undefined;
    const bytes = Buffer.from(this.slotMemory[this.slot], this.taken, filled - this.taken);
    this.taken = filled;
    return bytes;
  }
}

/** Ends a read that waits for an idle writer: one byte through a second, write-only opening. */
function unblock(path: string): void {
  // Synchronous (the pipe is opened non-blocking): an exit right after it still finds the pipe closed again.
  try {
    const writer = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
    try {
      writeSync(writer, '\n');
    } finally {
      closeSync(writer);
    }
  } catch {
    // no reader left, the pipe is full (so no read waits), or the writer closed: nothing to end
  }
}

/** The reader's messages, in order, awaited one at a time. */
class MessageQueue {
  private readonly queued: FromPipeReader[] = [];
  private waiter: ((m: FromPipeReader) => void) | undefined;

  push(message: FromPipeReader): void {
    if (this.waiter) {
      const resolve = this.waiter;
      this.waiter = undefined;
      resolve(message);
    } else this.queued.push(message);
  }

  isEmpty(): boolean {
    return this.queued.length === 0;
  }

  next(signal: AbortSignal): Promise<FromPipeReader> {
    if (this.queued.length > 0) return Promise.resolve(this.queued.shift()!);
    if (signal.aborted) return Promise.reject(abortError());
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        this.waiter = undefined;
        reject(abortError());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiter = (m) => {
        signal.removeEventListener('abort', onAbort);
        resolve(m);
      };
    });
  }
}

const abortError = () => Object.assign(new Error('aborted'), { name: 'AbortError' });
