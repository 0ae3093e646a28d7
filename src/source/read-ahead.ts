import { isGzipped, type ByteInput } from './byte-input.js';

/** An input whose first bytes were read ahead (see readAhead). */
export interface ReadAhead {
  /** Yields the bytes read ahead, then the rest of the input, as the input would have. */
  readonly input: ByteInput;
  /** True when the input ended within the bytes read ahead. */
  readonly ended: boolean;
  /** True when it starts as gzip does (its size then says little about the work). */
  readonly gzipped: boolean;
}

const TIMED_OUT = Symbol('timed out');

/**
 * Reads up to `bytes` of an input (a pipe) ahead, waiting at most `ms` for them, so that a
 * count can choose its threads knowing whether the input is small. The chunks are copied:
 * a reader's chunk is valid only until the next is asked for. Nothing is lost or read twice:
 * a read still pending when the time is up is the first chunk after them.
 */
export async function readAhead(input: ByteInput, signal: AbortSignal, bytes: number, ms: number): Promise<ReadAhead> {
  // Stops a read still pending when the count stops early (see heldThenRest).
  const cancel = new AbortController();
  const source = input.chunks(AbortSignal.any([signal, cancel.signal]));
  const held: Buffer[] = [];
  let heldBytes = 0;
  let pending: Promise<IteratorResult<Buffer>> | undefined;
  let timer: NodeJS.Timeout | undefined;
  const timeUp = new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(() => resolve(TIMED_OUT), ms)));
  let ended = false;
  try {
    while (heldBytes < bytes) {
      pending ??= source.next();
      const next = await Promise.race([pending, timeUp]);
      if (next === TIMED_OUT) break;
      pending = undefined;
      if (next.done) {
        ended = true;
        break;
      }
      held.push(input.reusesBuffers ? Buffer.from(next.value) : next.value);
      heldBytes += next.value.length;
    }
  } catch (err) {
    await source.return(undefined);
    throw err;
  } finally {
    clearTimeout(timer);
  }
  // The first two bytes, which may come in two chunks (only they are copied).
  const gzipped = isGzipped(Buffer.concat(held.slice(0, 2), Math.min(2, heldBytes)));
  return { ended, gzipped, input: { ...input, chunks: () => heldThenRest(held, pending, source, cancel) } };
}

async function* heldThenRest(held: Buffer[], pending: Promise<IteratorResult<Buffer>> | undefined, source: AsyncGenerator<Buffer>, cancel: AbortController): AsyncGenerator<Buffer> {
  try {
    yield* held.splice(0);
    const first = pending;
    pending = undefined;
    for (let next = await (first ?? source.next()); !next.done; next = await source.next()) yield next.value;
  } finally {
    // Stopped early (an error, a signal): the reader closes its pipe. A read still pending
    // (a writer that went quiet) would hold up return() until it ends: it is stopped first.
    if (pending) {
      pending.catch(() => {});
      cancel.abort();
    }
    await source.return(undefined);
  }
}
