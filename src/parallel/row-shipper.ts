import type { CountConfig } from '../count/config.js';
import { formatterFor } from '../count/count-through.js';
import { EncodedRowOutput } from '../count/encoded-row-output.js';
import type { RowShipper } from '../count/row-writer.js';
import type { Formatter } from '../format/formatter.js';
import { RowEncoder } from '../format/row-encoder.js';
import type { TextSink } from '../sink/text-sink.js';
import { IdNames } from '../store/id-names.js';
import type { SortedEntries } from '../store/sorted-entries.js';
import type { Aggregation } from '../window/engine.js';
import type { FromCountWorker } from './worker-protocol.js';

/** Rows per block shipped: 16 bytes each (page id, user id, count). */
const BLOCK_ROWS = 1 << 14;
/**
 * Blocks of rows filled and not yet written: the worker gathers this far ahead, so that
 * the main thread has rows to encode while the worker sorts the next window (16 blocks:
 * 4 MB, ~60 ms of encoding).
 */
const MAX_BLOCKS = 16;
/** Chunks of rows the worker encoded itself, in flight: 1 MiB or more each. */
const MAX_BYTE_BLOCKS = 4;
const BYTE_BLOCK_BYTES = 1 << 20;

/** A block's three columns. */
function rowColumns(block: SharedArrayBuffer): { pageIds: Int32Array; userIds: Int32Array; counts: Float64Array } {
  return { pageIds: new Int32Array(block, 0, BLOCK_ROWS), userIds: new Int32Array(block, 4 * BLOCK_ROWS, BLOCK_ROWS), counts: new Float64Array(block, 8 * BLOCK_ROWS, BLOCK_ROWS) };
}

/** Shared blocks of one kind, at most `max` of them, reused once the main thread is done with one. */
class SharedBlocks {
  private made = 0;
  private readonly free: SharedArrayBuffer[] = [];
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly max: number,
    private readonly bytes: number,
  ) {}

  released(block: SharedArrayBuffer): void {
    if (block.byteLength === this.bytes) this.free.push(block); // a larger one (a huge row) is not kept
    else this.made--;
    this.waiting.shift()?.();
  }

  /** A free block of at least `bytes`, or undefined when all are in flight. */
  takeNow(bytes = this.bytes): SharedArrayBuffer | undefined {
    if (bytes > this.bytes && this.made < this.max) return this.made++, new SharedArrayBuffer(bytes);
    if (this.free.length > 0) return this.free.pop();
    if (this.made < this.max) return this.made++, new SharedArrayBuffer(this.bytes);
    return undefined;
  }

  async take(bytes = this.bytes): Promise<SharedArrayBuffer> {
    for (;;) {
      const block = this.takeNow(bytes);
      if (block) return block;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }
}

/**
 * The count worker's side of the final output of line formats: the worker ranks, sorts
 * and gathers each window's rows into blocks of shared memory, and the main thread, idle
 * once the input is read, encodes and writes them. Sorting the next window overlaps with
 * encoding this one, and when the main thread falls behind (every row block is waiting to
 * be encoded), the worker encodes the next block itself and ships its bytes, so both
 * threads encode. Blocks are written in the order they were shipped, whichever thread
 * encoded them. The names go over once, as shared memory (no copy).
 */
export class WorkerRowShipper implements RowShipper {
  private namesSent = false;
  private readonly rowBlocks = new SharedBlocks(MAX_BLOCKS, 16 * BLOCK_ROWS);
  private readonly byteBlocks = new SharedBlocks(MAX_BYTE_BLOCKS, BYTE_BLOCK_BYTES);
  private formatter: Promise<Formatter> | undefined;
  private encoder: RowEncoder | undefined;
  // Gathered here first: V8 writes arrays over shared memory slowly in hot loops.
  private readonly pageIds = new Int32Array(BLOCK_ROWS);
  private readonly userIds = new Int32Array(BLOCK_ROWS);
  private readonly counts = new Float64Array(BLOCK_ROWS);

  constructor(
    private readonly config: CountConfig,
    private readonly post: (message: FromCountWorker) => void,
  ) {}

  /** The main thread wrote a block's rows: it can be filled again. */
  released(block: SharedArrayBuffer): void {
    this.rowBlocks.released(block);
  }

  /** The main thread wrote a chunk this worker encoded. */
  releasedBytes(block: SharedArrayBuffer): void {
    this.byteBlocks.released(block);
  }

  async ship(pages: IdNames, users: IdNames, aggregation: Aggregation, startMs: number, endMs: number, entries: SortedEntries): Promise<void> {
    if (!this.namesSent) {
      this.post({ type: 'names', pages: pages.share(), users: users.share() });
      this.namesSent = true;
    }
    for (let from = 0; from < entries.length; from += BLOCK_ROWS) {
      const rows = Math.min(BLOCK_ROWS, entries.length - from);
      entries.gather(from, from + rows, this.pageIds, this.userIds, this.counts);
      const block = this.rowBlocks.takeNow();
      if (block === undefined) {
        await this.encodeHere(pages, users, aggregation, startMs, endMs, rows);
        continue;
      }
      const columns = rowColumns(block);
      columns.pageIds.set(this.pageIds.subarray(0, rows));
      columns.userIds.set(this.userIds.subarray(0, rows));
      columns.counts.set(this.counts.subarray(0, rows));
      this.post({ type: 'rows', aggregation, startMs, endMs, block, rows });
    }
  }

  /** Encodes the gathered rows on this thread and ships the bytes, chunk by chunk. */
  private async encodeHere(pages: IdNames, users: IdNames, aggregation: Aggregation, startMs: number, endMs: number, rows: number): Promise<void> {
    const layout = (await (this.formatter ??= formatterFor(this.config))).layout!(aggregation, startMs, endMs);
    const encoder = (this.encoder ??= new RowEncoder(pages, users));
    encoder.setLayout(layout);
    if (layout.withUser) users.touch(this.userIds, rows);
    for (let i = 0; i < rows; i++) {
      encoder.row(this.pageIds[i], this.userIds[i], this.counts[i]);
      if (encoder.full) await this.shipBytes(encoder.take());
    }
    await this.shipBytes(encoder.take()); // the next block may go to the main thread: this one ends here
  }

  private async shipBytes(bytes: Buffer | undefined): Promise<void> {
    if (!bytes) return;
    const block = await this.byteBlocks.take(bytes.length);
    new Uint8Array(block).set(bytes);
    this.post({ type: 'encoded', block, length: bytes.length });
  }
}

/**
 * The main thread's side: views of the shared names, then each block encoded and written.
 * The formatter is made only when rows come (CSV and NDJSON, `--emit final`).
 */
export class FinalRowsWriter {
  private output: EncodedRowOutput | undefined;
  private formatter: Formatter | undefined;

  constructor(
    private readonly config: CountConfig,
    private readonly sink: TextSink,
  ) {}

  async receiveNames(message: Extract<FromCountWorker, { type: 'names' }>): Promise<void> {
    this.formatter = await formatterFor(this.config);
    this.output = new EncodedRowOutput(IdNames.fromShared(message.pages), IdNames.fromShared(message.users), this.sink);
  }

  /** Writes a chunk the worker encoded; the worker may refill it once this resolves. */
  async writeEncoded(message: Extract<FromCountWorker, { type: 'encoded' }>): Promise<void> {
    await this.sink.writeBytesNow(Buffer.from(message.block, 0, message.length));
  }

  /** Encodes and writes a block; the worker may refill it once this resolves. */
  async write(message: Extract<FromCountWorker, { type: 'rows' }>): Promise<void> {
    const { pageIds, userIds, counts } = rowColumns(message.block);
    const layout = this.formatter!.layout!(message.aggregation, message.startMs, message.endMs);
    await this.output!.writeGathered(layout, pageIds, userIds, counts, message.rows);
  }
}
