import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Readable, addAbortSignal } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { InvalidDataError, ioErrorFrom } from '../errors.js';

/** One input of a `count` run: a file, or standard input. */
export interface ByteInput {
  /** Used in origins (`name:line`): the path as given, or `<stdin>`. */
  readonly name: string;
  /** Bytes on disk, for the progress bar; undefined for stdin and pipes. */
  readonly sizeBytes: number | undefined;
  open(): Readable;
}

export const STDIN_NAME = '<stdin>';
const READ_CHUNK_BYTES = 1 << 20;

/**
 * Checks every file up front, so that a missing or unreadable file fails before any
 * output is written. `-` means standard input.
 */
export async function resolveInputs(paths: readonly string[], stdin: Readable, cwd: string): Promise<ByteInput[]> {
  if (paths.length === 0) paths = ['-'];
  const inputs: ByteInput[] = [];
  for (const path of paths) {
    if (path === '-') {
      inputs.push({ name: STDIN_NAME, sizeBytes: undefined, open: () => stdin });
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
    inputs.push({ name: path, sizeBytes: size, open: () => createReadStream(fullPath, { highWaterMark: READ_CHUNK_BYTES }) });
  }
  return inputs;
}

/**
 * The decompressed chunks of an input. Gzip is detected by its magic bytes (1f 8b), on
 * files and stdin alike; `onRawBytes` sees the bytes as read, for progress.
 */
export async function* readChunks(input: ByteInput, signal: AbortSignal, onRawBytes: (n: number) => void): AsyncGenerator<Buffer> {
  const raw = addAbortSignal(signal, input.open());
  const counted = countBytes(raw, input.name, onRawBytes);
  let first = await counted.next();
  while (!first.done && first.value.length < 2) {
    const more = await counted.next();
    if (more.done) break;
    first = { done: false, value: Buffer.concat([first.value, more.value]) };
  }
  if (first.done) return;
  const head = first.value;
  if (head[0] !== 0x1f || head[1] !== 0x8b) {
    yield head;
    yield* counted;
    return;
  }
  const gunzip = createGunzip({ chunkSize: READ_CHUNK_BYTES });
  const compressed = Readable.from(prepend(head, counted));
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

async function* countBytes(readable: Readable, name: string, onRawBytes: (n: number) => void): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of readable) {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
      onRawBytes(buf.length);
      yield buf;
    }
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw ioErrorFrom(err, name, 'read input');
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
