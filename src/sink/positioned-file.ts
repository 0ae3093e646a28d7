import { writeSync } from 'node:fs';
import { Writable } from 'node:stream';
import { ioErrorFrom } from '../errors.js';

/**
 * A run's temporary output file as the count worker writes it: at known offsets, while the
 * main thread writes the ranges reserved for it (see WorkerRowShipper). The descriptor is
 * the main thread's (AtomicFileSink.positionedFd), which closes it once this thread has
 * stopped. Writes are synchronous: the worker has nothing else to do meanwhile, and a
 * write is done when it returns, so the next chunk may reuse a buffer.
 */
export class PositionedFile {
  /** Where the next bytes go: everything before is written, or reserved for the main thread. */
  private offset = 0;

  /** `where` names the output in errors. */
  constructor(
    private readonly fd: number,
    private readonly where: string,
  ) {}

  /** Writes at the current offset and moves past the bytes. */
  append(bytes: Uint8Array): void {
    const t0 = performance.now();
    writeFullyAt(this.fd, bytes, this.offset, this.where);
    this.offset += bytes.length;
    (globalThis as any).WT = ((globalThis as any).WT ?? 0) + performance.now() - t0;
    if (bytes.length < 1e6) process.stderr.write(`worker write total ${((globalThis as any).WT).toFixed(0)} at ${performance.now().toFixed(0)}\n`);
  }

  /** Leaves `length` bytes for another thread to fill; returns where they start. */
  reserve(length: number): number {
    const at = this.offset;
    this.offset += length;
    return at;
  }

  /** A stream over `append`, for the worker's TextSink (header, table, updates). */
  stream(): Writable {
    return new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        try {
          this.append(chunk);
          done();
        } catch (err) {
          done(err as Error);
        }
      },
    });
  }
}

function writeFullyAt(fd: number, bytes: Uint8Array, position: number, where: string): void {
  try {
    for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done, position + done);
  } catch (err) {
    throw ioErrorFrom(err, where, 'write output');
  }
}
