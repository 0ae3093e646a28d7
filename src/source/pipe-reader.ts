import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { ioErrorFrom } from '../errors.js';
import { Control, SlotState, slotCell, type FromPipeReader, type PipeReaderData } from './pipe-reader-protocol.js';

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
 * otherwise wait, the bytes already read into the slot being filled. Each chunk is a copy
 * in one reused buffer (V8 reads shared memory slowly in hot loops), valid until the next
 * is requested. `fallback` reads the pipe the ordinary way when it cannot be reopened.
 * When the run stops early, a byte written into the pipe through a second opening ends a
 * read still waiting for an idle writer (`tail -f`), which would otherwise hold up the
 * process's exit.
 */
export async function* pipeReaderChunks(path: string, name: string, signal: AbortSignal, fallback: () => AsyncGenerator<Buffer>): AsyncGenerator<Buffer> {
  const shared: PipeReaderData = {
    path,
    slots: SLOTS,
    slotBytes: SLOT_BYTES,
    control: new SharedArrayBuffer(4 * slotCell(SLOTS, 'state')),
    data: new SharedArrayBuffer(SLOTS * SLOT_BYTES),
  };
  const control = new Int32Array(shared.control);
  const data = new Uint8Array(shared.data);
  const messages = new MessageQueue();
  const worker = new Worker(WORKER_URL, { workerData: shared });
  worker.unref(); // a read waiting on an idle writer must not keep the process alive
  worker.on('message', (m: FromPipeReader) => messages.push(m));
  worker.on('error', (err) => messages.push({ type: 'error', message: err.message, code: undefined }));
  worker.on('exit', () => messages.push({ type: 'error', message: 'the pipe reader stopped', code: undefined }));
  const chunk = Buffer.allocUnsafe(SLOT_BYTES);
  let ended = false;
  // The slot whose bytes come next, and how many of them were taken already.
  let slot = 0;
  let taken = 0;
  /** The bytes of `slot` from `taken` up to `filled`, as the next chunk (undefined: none). */
  const take = (filled: number): Buffer | undefined => {
    if (filled <= taken) return undefined;
    const from = slot * SLOT_BYTES;
    chunk.set(data.subarray(from + taken, from + filled));
    const length = filled - taken;
    taken = filled;
    return chunk.subarray(0, length);
  };
  /** While the reader still fills the next slot, what it has read into it so far. */
  const takeFilling = () => (Atomics.load(control, slotCell(slot, 'state')) === SlotState.filling ? take(Atomics.load(control, slotCell(slot, 'filled'))) : undefined);
  try {
    for (;;) {
      if (messages.isEmpty()) {
        let bytes = takeFilling();
        if (!bytes) {
          Atomics.store(control, Control.mainWaiting, 1);
          bytes = takeFilling(); // read in between: the reader may have seen no one waiting
          if (bytes) Atomics.store(control, Control.mainWaiting, 0);
        }
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
      const bytes = take(Atomics.load(control, slotCell(slot, 'filled'))); // message.type === 'full'
      // Taken (copied): the reader may fill the slot again.
      Atomics.store(control, slotCell(slot, 'state'), SlotState.free);
      Atomics.notify(control, slotCell(slot, 'state'));
      slot = (slot + 1) % SLOTS;
      taken = 0;
      if (bytes) yield bytes;
    }
  } finally {
    Atomics.store(control, Control.stop, 1);
    for (let cell = 0; cell < control.length; cell++) Atomics.notify(control, cell);
    if (!ended) await unblock(path);
    void worker.terminate();
  }
}

/** Ends a read that waits for an idle writer: one byte through a second, write-only opening. */
async function unblock(path: string): Promise<void> {
  try {
    const writer = await open(path, constants.O_WRONLY | constants.O_NONBLOCK);
    await writer.write(Buffer.from('\n')).finally(() => writer.close());
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
