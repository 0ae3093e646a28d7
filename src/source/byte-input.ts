import { createReadStream } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Readable, addAbortSignal } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InvalidDataError, ioErrorFrom } from '../errors.js';
import { pipeReaderChunks } from './pipe-reader.js';

/** One input of a `count` run: a file, or standard input. */
export interface ByteInput {
  /** Used in origins (`name:line`): the path as given, or `<stdin>`. */
  readonly name: string;
  /** Bytes on disk, for the progress bar; undefined for stdin and pipes. */
  readonly sizeBytes: number | undefined;
  /**
   * The raw chunks. A regular file is read into two alternating buffers (one read ahead
   * while the other is processed), a pipe on stdin by a reader thread (pipe-reader.ts):
   * either way each chunk is valid only until the next is requested, and no megabyte of
   * garbage is left behind per chunk. A regular file, or a pipe through the reader thread,
   * is read into `lend`'s buffers instead, when given (see ReadBuffers).
   */
  chunks(signal: AbortSignal, lend?: ReadBuffers): AsyncGenerator<Buffer>;
  /** True when `chunks` reuses its buffers. */
  readonly reusesBuffers: boolean;
}

/**
 * Where a regular file (or a pipe, by its reader thread) is read into, when the reader's
 * own buffers are not the place: a buffer per read, which the reader never touches again
 * once its chunk is yielded whole (the count worker's blocks: the chunk is handed over
 * where it was read, not copied).
 */
export type ReadBuffers = (bytes: number) => Buffer;

export const STDIN_NAME = '<stdin>';
const READ_CHUNK_BYTES = 1 << 20;

/**
 * Checks every file up front, so that a missing or unreadable file fails before any
 * output is written. `-` means standard input.
 */
export async function resolveInputs(paths: readonly string[], stdin: Readable, cwd: string, stdinPipePath?: string): Promise<ByteInput[]> {
  if (paths.length === 0) paths = ['-'];
  const inputs: ByteInput[] = [];
  for (const path of paths) {
    if (path === '-') {
      const stream = (signal: AbortSignal) => streamChunks(addAbortSignal(signal, stdin), STDIN_NAME);
      inputs.push(
        stdinPipePath
          ? { name: STDIN_NAME, sizeBytes: undefined, chunks: (signal, lend) => pipeReaderChunks(stdinPipePath, STDIN_NAME, signal, () => stream(signal), lend), reusesBuffers: true }
          : { name: STDIN_NAME, sizeBytes: undefined, chunks: stream, reusesBuffers: false },
      );
      continue;
    }
    let size: number | undefined;
    const fullPath = resolve(cwd, path);
    try {
      const info = await stat(fullPath);
      if (info.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      size = info.isFile() ? info.size : undefined;
      // Opening proves readability now (permissions), not halfway through the run.
      await new Promise<void>((resolve, reject) => {
        const probe = createReadStream(fullPath, { start: 0, end: 0 });
        probe.once('open', () => (probe.destroy(), resolve()));
        probe.once('error', reject);
      });
    } catch (err) {
      throw ioErrorFrom(err, path, 'read input');
    }
    inputs.push(
      size === undefined // a FIFO or device: a stream
        ? { name: path, sizeBytes: size, chunks: (signal) => streamChunks(addAbortSignal(signal, createReadStream(fullPath, { highWaterMark: READ_CHUNK_BYTES })), path), reusesBuffers: false }
        : { name: path, sizeBytes: size, chunks: (signal, lend) => fileChunks(fullPath, path, signal, lend), reusesBuffers: true },
    );
  }
  return inputs;
}

/**
 * The decompressed chunks of an input. Gzip is detected by its magic bytes (1f 8b), on
 * files and stdin alike; `onRawBytes` sees the bytes as read, for progress. `lend`: see
 * ReadBuffers; a gzip file's bytes go to zlib instead, so it is read into the reader's own
 * buffers from the third read on.
 */
export async function* readChunks(input: ByteInput, signal: AbortSignal, onRawBytes: (n: number) => void, lend?: ReadBuffers): AsyncGenerator<Buffer> {
  let buffers = lend;
  const counted = countBytes(input.chunks(signal, lend && ((bytes) => buffers!(bytes))), onRawBytes);
  const onGzip = () => {
    if (buffers) buffers = alternating();
  };
  try {
    yield* decompressed(input, counted, onGzip);
  } finally {
    // Stopped early (an error, a signal), the reader must still close its file or pipe.
    await counted.return(undefined);
  }
}

async function* decompressed(input: ByteInput, counted: AsyncGenerator<Buffer>, onGzip: () => void): AsyncGenerator<Buffer> {
  let first = await counted.next();
  while (!first.done && first.value.length < 2) {
    const more = await counted.next();
    if (more.done) break;
    first = { done: false, value: Buffer.concat([first.value, more.value]) };
  }
  if (first.done) return;
  const head = first.value;
  if (!isGzipped(head)) {
    yield head;
    yield* counted;
    return;
  }
  onGzip();
  const gunzip = createGunzip({ chunkSize: READ_CHUNK_BYTES });
  // zlib may hold on to its input: give it copies when the reader reuses its buffers.
  const own = (chunk: Buffer) => (input.reusesBuffers ? Buffer.from(chunk) : chunk);
  const compressed = Readable.from(prepend(own(head), mapChunks(counted, own)));
  compressed.on('error', (err) => gunzip.destroy(err));
  compressed.pipe(gunzip);
  try {
    yield* gunzip as AsyncIterable<Buffer>;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code?.startsWith('Z_')) {
      throw new InvalidDataError(`corrupt gzip data: ${(err as Error).message}`, input.name);
    }
    throw err;
  } finally {
    compressed.destroy();
  }
}

/** True when these first bytes of an input are gzip's magic (1f 8b). */
export function isGzipped(head: Buffer): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

async function* countBytes(chunks: AsyncGenerator<Buffer>, onRawBytes: (n: number) => void): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) {
    onRawBytes(chunk.length);
    yield chunk;
  }
}

async function* mapChunks(chunks: AsyncIterator<Buffer>, map: (chunk: Buffer) => Buffer): AsyncGenerator<Buffer> {
  for (;;) {
    const next = await chunks.next();
    if (next.done) return;
    yield map(next.value);
  }
}

async function* streamChunks(readable: Readable, name: string): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of readable) yield typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw ioErrorFrom(err, name, 'read input');
  }
}

async function* fileChunks(fullPath: string, name: string, signal: AbortSignal, lend: ReadBuffers | undefined): AsyncGenerator<Buffer> {
  let handle: FileHandle;
  try {
    handle = await open(fullPath, 'r');
  } catch (err) {
    throw ioErrorFrom(err, name, 'read input');
  }
  try {
    yield* handleChunks(handle, name, signal, lend ?? alternating());
  } finally {
    await handle.close();
  }
}

/** Two buffers in turn, one read ahead while the other is processed: no garbage is left per chunk. */
function alternating(): ReadBuffers {
  const buffers = [Buffer.allocUnsafe(READ_CHUNK_BYTES), Buffer.allocUnsafe(READ_CHUNK_BYTES)];
  let which = 0;
  return () => buffers[(which ^= 1)];
}

/** Reads chunk after chunk into `buffers`, one read ahead while the last chunk is processed. */
async function* handleChunks(handle: FileHandle, name: string, signal: AbortSignal, buffers: ReadBuffers): AsyncGenerator<Buffer> {
  const readInto = (buffer: Buffer) => handle.read(buffer, 0, buffer.length, null).then((r) => r.bytesRead);
  let reading = buffers(READ_CHUNK_BYTES);
  let pending = readInto(reading);
  try {
    for (;;) {
      let bytesRead: number;
      try {
        bytesRead = await pending;
      } catch (err) {
        throw ioErrorFrom(err, name, 'read input');
      }
      if (bytesRead === 0) return;
      if (signal.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
      const current = reading;
      reading = buffers(READ_CHUNK_BYTES);
      pending = readInto(reading); // read ahead
      yield current.subarray(0, bytesRead);
    }
  } finally {
    await pending.catch(() => {});
  }
}

async function* prepend(head: Buffer, rest: AsyncIterator<Buffer>): AsyncGenerator<Buffer> {
  yield head;
  for (;;) {
    const next = await rest.next();
    if (next.done) return;
    yield next.value;
  }
}
