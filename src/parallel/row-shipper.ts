import type { CountConfig } from '../count/config.js';
import { formatterFor } from '../count/count-through.js';
import { EncodedRowOutput } from '../count/encoded-row-output.js';
import type { RowShipper } from '../count/row-writer.js';
import type { Formatter } from '../format/formatter.js';
import type { TextSink } from '../sink/text-sink.js';
import { IdNames } from '../store/id-names.js';
import type { SortedEntries } from '../store/sorted-entries.js';
import type { Aggregation } from '../window/engine.js';
import type { FromCountWorker } from './worker-protocol.js';

/** Rows per block shipped: 16 bytes each (page id, user id, count). */
const BLOCK_ROWS = 1 << 14;
/** Blocks filled and not yet written: the worker sorts and gathers at most this far ahead. */
const MAX_BLOCKS = 16;
/**
 * Blocks the main thread has yet to encode at which the worker encodes the next block
 * itself (sent as bytes through its output stream, in order with the shipped blocks):
 * encoding is the longer half of the output phase.
 */
const ENCODE_HERE_AT = 2;
/**
 * Rows left in a window, when more follow, below which every block is shipped however
 * many the main thread has queued: it encodes them while this thread sorts the next
 * window (~50 ms at 5M events), instead of waiting idle for the first block of it.
 */
const SHIP_ALL_BELOW = (MAX_BLOCKS - ENCODE_HERE_AT) * BLOCK_ROWS;
/**
 * Rows left to write (this window's and those after it) below which this thread does not
 * start encoding: its encoder runs cold at first (its code not yet compiled), ~45 ms for
 * its first two blocks against ~5 ms once warm, time in which the main thread encodes
 * some 300k rows. Once it has encoded, it goes on as above.
 */
const WARM_UP_ROWS = 300_000;

/** A block's three columns. */
function rowColumns(block: SharedArrayBuffer): { pageIds: Int32Array; userIds: Int32Array; counts: Float64Array } {
  return { pageIds: new Int32Array(block, 0, BLOCK_ROWS), userIds: new Int32Array(block, 4 * BLOCK_ROWS, BLOCK_ROWS), counts: new Float64Array(block, 8 * BLOCK_ROWS, BLOCK_ROWS) };
}

/**
 * The count worker's side of the final output of line formats: the worker ranks, sorts
 * and gathers each window's rows into blocks of shared memory, and the main thread, idle
 * once the input is read, encodes and writes them. Sorting the next block overlaps with
 * encoding this one. The names go over once, as shared memory (no copy).
 */
export class WorkerRowShipper implements RowShipper {
  private namesSent = false;
  private encodedHere = false;
  private made = 0;
  private readonly free: SharedArrayBuffer[] = [];
  private readonly waiting: (() => void)[] = [];
  // Gathered here first: V8 writes arrays over shared memory slowly in hot loops.
  private readonly pageIds = new Int32Array(BLOCK_ROWS);
  private readonly userIds = new Int32Array(BLOCK_ROWS);
  private readonly counts = new Float64Array(BLOCK_ROWS);

  constructor(private readonly post: (message: FromCountWorker) => void) {}

  /** The main thread wrote a block's rows: it can be filled again. */
  released(block: SharedArrayBuffer): void {
    this.free.push(block);
    this.waiting.shift()?.();
  }

  async ship(pages: IdNames, users: IdNames, aggregation: Aggregation, startMs: number, endMs: number, entries: SortedEntries, rowsAfter: number, encodeHere: (from: number, to: number) => Promise<void>): Promise<void> {
    if (!this.namesSent) {
      this.post({ type: 'names', pages: pages.share(), users: users.share() });
      this.namesSent = true;
    }
    for (let from = 0; from < entries.length; from += BLOCK_ROWS) {
      const rows = Math.min(BLOCK_ROWS, entries.length - from);
      const tail = rowsAfter > 0 && entries.length - from <= SHIP_ALL_BELOW;
      const paysHere = this.encodedHere || entries.length - from + rowsAfter >= WARM_UP_ROWS;
      if (!tail && paysHere && this.made - this.free.length >= ENCODE_HERE_AT) {
        this.encodedHere = true;
        await encodeHere(from, from + rows);
        continue;
      }
      entries.gather(from, from + rows, this.pageIds, this.userIds, this.counts);
      const block = await this.take();
      const columns = rowColumns(block);
      columns.pageIds.set(this.pageIds.subarray(0, rows));
      columns.userIds.set(this.userIds.subarray(0, rows));
      columns.counts.set(this.counts.subarray(0, rows));
      this.post({ type: 'rows', aggregation, startMs, endMs, block, rows });
    }
  }

  private async take(): Promise<SharedArrayBuffer> {
    if (this.free.length === 0 && this.made < MAX_BLOCKS) {
      this.made++;
      return new SharedArrayBuffer(16 * BLOCK_ROWS);
    }
    while (this.free.length === 0) await new Promise<void>((resolve) => this.waiting.push(resolve));
    return this.free.pop()!;
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

  /**
   * Encodes a block; the worker may refill it once this resolves. Its last bytes may wait
   * in the encoder for the next block's: `flush` writes them.
   */
  async write(message: Extract<FromCountWorker, { type: 'rows' }>): Promise<void> {
    const { pageIds, userIds, counts } = rowColumns(message.block);
    const layout = this.formatter!.layout!(message.aggregation, message.startMs, message.endMs);
    await this.output!.writeGathered(layout, pageIds, userIds, counts, message.rows);
  }

  /** Hands every row encoded so far to the sink, before other output goes to it. */
  async handOver(): Promise<void> {
    await this.output?.handOff();
  }

  /** Writes every row encoded so far and waits for it: at the end. */
  async flush(): Promise<void> {
    await this.output?.flush();
  }
}
