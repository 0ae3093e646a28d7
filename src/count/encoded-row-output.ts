import type { RowLayout } from '../format/formatter.js';
import { RowEncoder } from '../format/row-encoder.js';
import type { TextSink } from '../sink/text-sink.js';
import type { IdNames } from '../store/id-names.js';
import type { SortedEntries } from '../store/sorted-entries.js';

/** Rows encoded per step: their table slots and user names are read ahead in tight loops. */
export const ROW_BLOCK = 2048;

/**
 * Rows of a line format (CSV, NDJSON), encoded straight to bytes and written to a sink in
 * 1 MiB chunks, one written while the next is encoded. Rows go in blocks of ROW_BLOCK: the
 * block's entries are copied out of the table and its user names touched in tight loops,
 * whose cache misses overlap (at 5M events the output took 1.1-1.3 -> 0.9-1.0 s).
 *
 * The row writer uses it on the thread that counted; with a count worker, the main thread
 * uses it for the final output, on rows the worker sorted and shipped (RowShipper).
 */
export class EncodedRowOutput {
  private readonly encoder: RowEncoder;
  private lastWrite = Promise.resolve();
  private readonly pageIds = new Int32Array(ROW_BLOCK);
  private readonly userIds = new Int32Array(ROW_BLOCK);
  private readonly counts = new Float64Array(ROW_BLOCK);

  constructor(
    pages: IdNames,
    private readonly users: IdNames,
    private readonly sink: TextSink,
  ) {
    this.encoder = new RowEncoder(pages, users);
  }

  /** One window's rows of one aggregation (those in [from, to)), read from its table in output order; all written when this resolves. */
  async writeEntries(layout: RowLayout, entries: SortedEntries, from = 0, to = entries.length): Promise<void> {
    this.encoder.setLayout(layout);
    for (let at = from; at < to; at += ROW_BLOCK) {
      const n = Math.min(ROW_BLOCK, to - at);
      entries.gather(at, at + n, this.pageIds, this.userIds, this.counts);
      await this.encode(layout.withUser, this.pageIds, this.userIds, this.counts, n);
    }
    await this.flush();
  }

  /**
   * Rows already gathered, in output order (`n` of each array). Their bytes may stay in
   * the encoder's chunk until more rows fill it, or `flush`: a block of rows shipped by
   * the count worker (~2 MB of CSV) is not a chunk's worth of bytes, and waiting for its
   * last write before encoding the next block had the two take turns.
   */
  async writeGathered(layout: RowLayout, pageIds: Int32Array, userIds: Int32Array, counts: Float64Array, n: number): Promise<void> {
    this.encoder.setLayout(layout);
    for (let from = 0; from < n; from += ROW_BLOCK) {
      const to = Math.min(n, from + ROW_BLOCK);
      await this.encode(layout.withUser, pageIds.subarray(from, to), userIds.subarray(from, to), counts.subarray(from, to), to - from);
    }
  }

  /** Writes what is encoded and waits for it. */
  async flush(): Promise<void> {
    await this.handOff();
    await this.lastWrite;
  }

  private async encode(withUser: boolean, pageIds: Int32Array, userIds: Int32Array, counts: Float64Array, n: number): Promise<void> {
    const encoder = this.encoder;
    if (withUser) this.users.touch(userIds, n);
    for (let i = 0; i < n; i++) {
      encoder.row(pageIds[i], userIds[i], counts[i]);
      if (encoder.full) await this.handOff();
    }
  }

  /**
   * Writes the encoder's chunk while it encodes into its other buffer, once that one is
   * written. Also called from outside, before other output goes to the sink.
   */
  async handOff(): Promise<void> {
    const bytes = this.encoder.take();
    await this.lastWrite;
    if (!bytes) return;
    this.lastWrite = this.sink.writeBytesNow(bytes);
    this.lastWrite.catch(() => {}); // awaited at the next hand-off
  }
}
