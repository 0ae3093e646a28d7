import { closeSync, constants, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { Control, SlotState, type FromPipeReader, type PipeReaderData } from './pipe-reader-protocol.js';

/**
 * The pipe reader's thread: reads standard input (reopened by path) with blocking reads,
 * into slots of shared memory, one after another, and tells the main thread each time a
 * slot is ready. Reading in a loop of its own, it drains the pipe as fast as the writer
 * fills it, whatever the main thread is busy with: the pipe's 64 KiB stop being the unit
 * of work, and `cat` is never kept waiting for the main thread's event loop.
 *
 * A slot is handed over when it is full, at the end of input, or when the main thread is
 * waiting and the pipe has nothing more right now: a slow writer (`tail -f`) gets its lines
 * through at once, a fast one fills whole slots.
 */
const { path, slotBytes, slots, control: controlMemory, data: dataMemory } = workerData as PipeReaderData;
const control = new Int32Array(controlMemory);
const data = new Uint8Array(dataMemory);
const post = (message: FromPipeReader) => parentPort!.postMessage(message);
const stopped = () => Atomics.load(control, Control.stop) === 1;

function run(): void {
  let blocking: number;
  let nonBlocking: number;
  try {
    blocking = openSync(path, constants.O_RDONLY);
  } catch (err) {
    post({ type: 'unavailable', message: (err as Error).message });
    return;
  }
  try {
    nonBlocking = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    closeSync(blocking);
    post({ type: 'unavailable', message: (err as Error).message });
    return;
  }
  try {
    for (let n = 0; !stopped(); n++) {
      const slot = n % slots;
      while (Atomics.load(control, Control.slotState + slot) !== SlotState.free && !stopped()) {
        Atomics.wait(control, Control.slotState + slot, SlotState.full);
      }
      if (stopped()) return;
      const length = fill(slot, blocking, nonBlocking);
      if (length === 0) {
        post({ type: 'end' });
        return;
      }
      Atomics.store(control, Control.slotState + slot, SlotState.full);
      post({ type: 'chunk', slot, length });
    }
  } catch (err) {
    post({ type: 'error', message: (err as Error).message, code: (err as NodeJS.ErrnoException).code });
  } finally {
    closeSync(blocking);
    closeSync(nonBlocking);
  }
}

/** Fills one slot: waits for the first bytes, then takes what comes without waiting. */
function fill(slot: number, blocking: number, nonBlocking: number): number {
  const start = slot * slotBytes;
  let got = readSync(blocking, data, start, slotBytes, null);
  if (got === 0) return 0;
  while (got < slotBytes && !stopped()) {
    let n: number;
    try {
      n = readSync(nonBlocking, data, start + got, slotBytes - got, null);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
      // Nothing right now: hand over what there is if the main thread waits for it,
      // else give the writer a moment (or until the main thread starts waiting).
      if (Atomics.load(control, Control.mainWaiting) === 1) break;
      Atomics.wait(control, Control.mainWaiting, 0, 0.05);
      continue;
    }
    if (n === 0) break; // the end: the next fill reads 0 and says so
    got += n;
  }
  return got;
}

run();
