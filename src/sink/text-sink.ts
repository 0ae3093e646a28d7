import { randomBytes } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { access, constants, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { Writable } from 'node:stream';
import { IoError, ioErrorFrom } from '../errors.js';

/** Thrown when the reader of stdout went away (`| head`): the run ends quietly. */
export class OutputClosed extends Error {}

const FLUSH_AT_CHARS = 1 << 20;

/**
 * Buffered text output. `write` is synchronous and cheap (the hot path calls it per row);
 * `drain` hands the buffer to the stream and waits when the stream pushes back.
 */
export class TextSink {
  private parts: string[] = [];
  private pending = 0;
  private failure: Error | undefined;

  constructor(
    protected readonly stream: Writable,
    readonly where: string,
  ) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      this.failure = this.failureFrom(err);
    });
  }

  private failureFrom(err: NodeJS.ErrnoException): Error {
    return err.code === 'EPIPE' ? new OutputClosed() : ioErrorFrom(err, this.where, 'write output');
  }

  write(text: string): void {
    if (text.length === 0) return;
    this.parts.push(text);
    this.pending += text.length;
  }

  /** Hands over a buffer of encoded rows (the fast path of line formats); it is not copied. */
  async writeBytes(bytes: Buffer): Promise<void> {
    await this.drain(true);
    await this.send(bytes);
  }

  /**
   * Writes bytes the caller will reuse: resolves only once the stream has handed them to
   * the operating system, not merely buffered them.
   */
  async writeBytesNow(bytes: Buffer): Promise<void> {
    await this.drain(true);
    if (this.failure) throw this.failure;
    await new Promise<void>((resolve, reject) => {
      this.stream.write(bytes, (err) => (err ? reject(this.failure ?? this.failureFrom(err)) : resolve()));
    });
  }

  /**
   * Hands over bytes to be written after everything before them, without waiting for the
   * write: `onWritten` runs once the stream is done with them (then the caller may reuse
   * them), with the error if the write failed. Waits only while the stream is full.
   */
  async writeBytesLater(bytes: Buffer, onWritten: (failure: Error | undefined) => void): Promise<void> {
    await this.drain(true);
    await this.send(bytes, onWritten);
  }

  /** Writes buffered text if there is enough of it; waits for the stream if it is full. */
  async drain(force = false): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.pending === 0 || (!force && this.pending < FLUSH_AT_CHARS)) return;
    const text = this.parts.length === 1 ? this.parts[0] : this.parts.join('');
    this.parts = [];
    this.pending = 0;
    await this.send(text);
  }

  private async send(chunk: string | Buffer, onWritten?: (failure: Error | undefined) => void): Promise<void> {
    if (this.failure) throw this.failure;
    const written = (err: Error | null | undefined) => onWritten?.(err ? (this.failure ?? this.failureFrom(err)) : undefined);
    if (!this.stream.write(chunk, written)) {
      await new Promise<void>((resolve) => {
        const done = () => {
          this.stream.off('drain', done).off('error', done).off('close', done);
          resolve();
        };
        this.stream.on('drain', done).on('error', done).on('close', done);
      });
    }
    if (this.failure) throw this.failure;
  }

  /** Flushes everything; for a file, makes it appear under its final name. */
  async commit(): Promise<void> {
    await this.drain(true);
  }

  /** Called when the run fails: a file sink removes its temporary file. */
  async abort(): Promise<void> {
    this.parts = [];
  }
}

/**
 * Writes to `path` atomically: into a temporary file beside it, renamed over `path` only
 * after everything was written and flushed. A failed or interrupted run leaves no partial
 * file, and an existing file keeps its old content.
 */
export class AtomicFileSink extends TextSink {
  private constructor(
    stream: WriteStream,
    private readonly path: string,
    private readonly tempPath: string,
  ) {
    super(stream, path);
  }

  static async open(givenPath: string, cwd: string): Promise<AtomicFileSink> {
    const path = resolve(cwd, givenPath);
    const dir = dirname(path);
    try {
      const info = await stat(path).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? undefined : Promise.reject(err)));
      if (info?.isDirectory()) throw Object.assign(new Error('is a directory'), { code: 'EISDIR' });
      await access(dir, constants.W_OK);
    } catch (err) {
      throw ioErrorFrom(err, givenPath, 'write output');
    }
    const tempPath = join(dir, `.${basename(path)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
    const stream = createWriteStream(tempPath, { flags: 'wx', mode: 0o644, highWaterMark: 4 << 20 });
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', (err) => reject(ioErrorFrom(err, givenPath, 'write output')));
    });
    return new AtomicFileSink(stream, path, tempPath);
  }

  override async commit(): Promise<void> {
    await this.drain(true);
    const stream = this.stream as WriteStream;
    await new Promise<void>((resolve, reject) => {
      stream.end((err?: Error | null) => (err ? reject(ioErrorFrom(err, this.path, 'write output')) : resolve()));
    });
    try {
      await rename(this.tempPath, this.path);
    } catch (err) {
      await unlink(this.tempPath).catch(() => {});
      throw ioErrorFrom(err, this.path, 'write output');
    }
  }

  override async abort(): Promise<void> {
    await super.abort();
    const stream = this.stream as WriteStream;
    await new Promise<void>((resolve) => {
      if (stream.closed) return resolve();
      stream.once('close', () => resolve());
      stream.destroy();
    });
    await unlink(this.tempPath).catch(() => {});
  }
}

export function assertDistinctOutputs(paths: (string | undefined)[]): void {
  const given = paths.filter((p): p is string => p !== undefined);
  if (new Set(given).size !== given.length) throw new IoError('the same file is named for two outputs', given.join(', '));
}
