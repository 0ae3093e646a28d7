import { hashBytes, type Dictionary, type IdInterner } from '../store/dictionary.js';
import type { BlockPool } from './record-blocks.js';

/**
 * Decoded events handed to the count worker together with the bytes they came from, when
 * the main thread decodes files and the worker counts. Files, and pipes a slot at a time,
 * are read straight into the blocks; other input (gzip, a slow pipe's pieces) is copied
 * in whole, a memcpy per chunk. Events point into the chunk's bytes; ids from anywhere
 * else (a line that straddled two chunks, text the slow path decoded) are appended after.
 *
 * The work is split so both threads are busy: this thread checks and hashes the ids while
 * it decodes, the worker interns them and counts. Per user and page under --emit final,
 * this thread also interns the pages (`pages`), a block at a time when it is handed over,
 * behind the same read-ahead passes as the worker's, leaving the worker the users and the
 * counts (5M events --by user-page, 7 alternating runs, 3.05 -> 2.72 s, with the input
 * copied once instead of twice; each page interned as decoded, without the passes, was
 * slower). Under --emit updates and closed the worker writes rows, with page names, during
 * the input, so there it interns the pages itself.
 *
 * A block is those bytes, padded to 8, then per event: the timestamp (float64), the page's
 * offset, length and hash (or its id, when the pages come interned), the user's offset,
 * length and hash (int32; a negative length marks non-ASCII text, whose hash is unused;
 * user length 0 = no user).
 */
const INDEX_BYTES = 32;
/** Where each id's offset, length and hash are in `EventPacker.staged`. */
const Field = { page: 0, user: 3 } as const;
type StagedField = (typeof Field)[keyof typeof Field];
const INDEX_INTS = INDEX_BYTES / 4;
/** Pages interned per read-ahead pass (see internPages), as the worker does users. */
const PAGE_BATCH = 256;
/** Bytes of input per block: one 1 MiB read chunk (and ids from elsewhere). */
const RAW_BYTES_PER_BLOCK = 1 << 20;
/** Room for a block's input and its index: blocks are reused, so few are ever made. */
export const EVENT_BLOCK_BYTES = 3 << 19;

/** Stands in for the dictionaries in the main thread's decoder. */
export class EventPacker {
  readonly pages: IdInterner = {
    internBytes: (b, s, e, a) => this.stage(Field.page, b, s, e, a),
    internHashed: (b, s, e, h) => this.stageAscii(Field.page, b, s, e, h),
    intern: (t) => this.stageText(Field.page, t),
  };
  readonly users: IdInterner = {
    internBytes: (b, s, e, a) => this.stage(Field.user, b, s, e, a),
    internHashed: (b, s, e, h) => this.stageAscii(Field.user, b, s, e, h),
    intern: (t) => this.stageText(Field.user, t),
  };
  /**
   * The block being filled, and a Buffer over it. Input is read straight into blocks
   * where it can be (`readBuffers`), so its chunks are handed over where they were read;
   * other chunks are copied in.
   */
  private block: SharedArrayBuffer | undefined;
  private raw: Buffer<ArrayBufferLike> = Buffer.alloc(0);
  private rawUsed = 0;
  // Private memory, copied into the block when handed over: V8 writes arrays over shared
  // memory slowly in hot loops, and the index is written an int at a time.
  private index = new ArrayBuffer(1 << 20);
  private indexTimes = new Float64Array(this.index);
  private indexInts = new Int32Array(this.index);
  private events = 0;
  /** The chunk being split into lines, and where its bytes start in `raw`. */
  private chunk: Buffer | undefined;
  private chunkAt = 0;
  /** The event being decoded (no object per event): offset, length, hash per Field. */
  private readonly staged = new Int32Array(6);
  private readonly batchHashes = new Int32Array(PAGE_BATCH);
  /** Blocks lent to the reader (file or pipe), adopted by beginChunk when their chunk comes. */
  private readonly lent = new WeakSet<SharedArrayBuffer>();

  constructor(
    private readonly pool: BlockPool,
    private readonly onBlock: (block: SharedArrayBuffer, rawLength: number, events: number) => void,
    /** Where this thread interns the pages, if it does: blocks then carry page ids. */
    private readonly pageDictionary?: Dictionary,
  ) {}

  /** Where the reader reads next (ReadBuffers): a block, adopted when its chunk comes. */
  readonly readBuffers = (bytes: number): Buffer => {
    const block = this.pool.take(Math.max(bytes, EVENT_BLOCK_BYTES));
    this.lent.add(block);
    return Buffer.from(block, 0, bytes);
  };

  /** A chunk of input about to be split into lines: later ids in it are found by offset. */
  beginChunk(chunk: Buffer): void {
    const block = chunk.buffer;
    if (block instanceof SharedArrayBuffer && chunk.byteOffset === 0 && this.lent.delete(block)) {
      this.flush();
      this.adopt(block, chunk);
      return;
    }
    if (this.rawUsed + chunk.length > RAW_BYTES_PER_BLOCK) this.flush();
    this.chunkAt = this.append(chunk, 0, chunk.length);
    this.chunk = chunk;
  }

  /** Ends the current event (its ids were staged by the decoder) with its timestamp. */
  commit(timestampMs: number): void {
    const slot = this.events++;
    if ((slot + 1) * INDEX_BYTES > this.index.byteLength) this.growIndex();
    this.indexTimes[slot * (INDEX_BYTES / 8)] = timestampMs;
    // Six stores, not indexInts.set(staged): a builtin call per event, ~460 samples of a
    // main-thread profile of 5M lines. Every event stages its page, and its user whenever
    // users are counted; without them the user's length stays 0.
    const { indexInts: ints, staged } = this;
    const at = slot * INDEX_INTS + EventField.pageAt / 4;
    for (let k = 0; k < 6; k++) ints[at + k] = staged[k];
  }

  /** Hands over the events so far (if any) with their bytes. */
  flush(): void {
    if (this.events > 0) {
      if (this.pageDictionary) this.internPages(this.pageDictionary);
      const indexAt = (this.rawUsed + 7) & ~7;
      const length = indexAt + this.events * INDEX_BYTES;
      if (length > this.raw.length) this.moveTo(length); // many short lines
      this.raw.set(new Uint8Array(this.index, 0, this.events * INDEX_BYTES), indexAt);
      this.onBlock(this.block!, this.rawUsed, this.events);
      this.block = undefined;
    }
    this.rawUsed = 0;
    this.events = 0;
    this.chunk = undefined; // its copy is gone: ids still to come from it are copied one by one
  }

  /**
   * Replaces each staged page by its id, in batches: the batch's dictionary slots are read
   * first, then its pages interned in order (see Dictionary.touchSlots).
   */
  private internPages(pages: Dictionary): void {
    const { indexInts: ints, raw, batchHashes: hashes } = this;
    const at = EventField.pageAt / 4;
    const length = EventField.pageLength / 4;
    const hash = EventField.pageHash / 4;
    for (let first = 0; first < this.events; first += PAGE_BATCH) {
      const n = Math.min(PAGE_BATCH, this.events - first);
      for (let k = 0; k < n; k++) hashes[k] = ints[(first + k) * INDEX_INTS + hash];
      pages.touchSlots(hashes, n);
      for (let k = 0; k < n; k++) {
        const event = (first + k) * INDEX_INTS;
        ints[event + at] = pages.internDecoded(raw, ints[event + at], ints[event + length], hashes[k]);
      }
    }
  }

  /** An id as the decoder found it: ASCII ids are hashed here, others go as text. */
  private stage(field: StagedField, buf: Buffer, start: number, end: number, ascii: boolean): number {
    if (!ascii) return this.stageText(field, buf.toString('utf8', start, end));
    return this.stageAscii(field, buf, start, end, hashBytes(buf, start, end));
  }

  private stageAscii(field: StagedField, buf: Buffer, start: number, end: number, hash: number): number {
    const staged = this.staged;
    staged[field] = this.locate(buf, start, end);
    staged[field + 1] = end - start;
    staged[field + 2] = hash;
    return 0;
  }

  /** Text the slow path decoded, or non-ASCII bytes, travel as text (negative length): the worker interns it as such. */
  private stageText(field: StagedField, text: string): number {
    const bytes = Buffer.from(text, 'utf8');
    this.staged[field] = this.append(bytes, 0, bytes.length);
    this.staged[field + 1] = -bytes.length;
    return 0;
  }

  /** Where the bytes are in `raw`: in the current chunk's copy, or appended. */
  private locate(buf: Buffer, start: number, end: number): number {
    return buf === this.chunk ? this.chunkAt + start : this.append(buf, start, end);
  }

  /** Copies bytes into the block (a bigger one if they do not fit); returns where. */
  private append(buf: Buffer, start: number, end: number): number {
    const at = this.rawUsed;
    if (this.block === undefined || at + end - start > this.raw.length) this.moveTo(at + end - start);
    this.rawUsed += buf.copy(this.raw, at, start, end);
    return at;
  }

  /** A lent block, its chunk read into its start, becomes the block being filled. */
  private adopt(block: SharedArrayBuffer, chunk: Buffer): void {
    if (this.block !== undefined) this.pool.give(this.block);
    this.block = block;
    this.raw = Buffer.from(block);
    this.rawUsed = chunk.length;
    this.chunk = chunk;
    this.chunkAt = 0;
  }

  /** Takes a block of at least `bytes` (twice the last one, when that is too small), the input so far copied in. */
  private moveTo(bytes: number): void {
    const old = this.block;
    const block = this.pool.take(old === undefined ? bytes : Math.max(bytes, 2 * old.byteLength));
    const raw = Buffer.from(block);
    this.raw.copy(raw, 0, 0, this.rawUsed);
    if (old !== undefined) this.pool.give(old);
    this.block = block;
    this.raw = raw;
  }

  private growIndex(): void {
    const bigger = new ArrayBuffer(2 * this.index.byteLength);
    new Uint8Array(bigger).set(new Uint8Array(this.index));
    this.index = bigger;
    this.indexTimes = new Float64Array(bigger);
    this.indexInts = new Int32Array(bigger);
  }
}

/** Where an event's int32 fields are in its index entry (see the block layout above). */
export const EventField = { pageAt: 8, pageLength: 12, pageHash: 16, userAt: 20, userLength: 24, userHash: 28 } as const;

/** The events of a block as the worker reads them: event i's fields, read where they were packed. */
export class PackedEvents {
  /** The index as int32s and float64s: it starts 8-aligned and was written through typed arrays too (native byte order). */
  private readonly ints: Int32Array;
  private readonly times: Float64Array;

  constructor(
    /** The block's input bytes: ids are at their offsets in it. */
    readonly bytes: Buffer,
    index: Uint8Array,
    readonly length: number,
    /** Pages come as ids (interned by the thread that decoded them) in the page's offset field. */
    readonly pagesInterned: boolean,
  ) {
    this.ints = new Int32Array(index.buffer, index.byteOffset, index.length / 4);
    this.times = new Float64Array(index.buffer, index.byteOffset, index.length / 8);
  }

  timestampMs(i: number): number {
    return this.times[i * (INDEX_BYTES / 8)];
  }

  /** An int32 field of event i (an EventField). */
  int(i: number, field: number): number {
    return this.ints[i * INDEX_INTS + field / 4];
  }
}

/**
 * The packed events of a block, read where they are in shared memory: the main thread
 * does not touch a block again before the worker's ack. (Copying each block out first,
 * as Kafka record blocks are, cost the worker ~55 ms per 5M events and gained nothing
 * measurable.)
 */
export function unpackEvents(block: SharedArrayBuffer, rawLength: number, events: number, pagesInterned: boolean): PackedEvents {
  const indexAt = (rawLength + 7) & ~7;
  const bytes = Buffer.from(block, 0, indexAt + events * INDEX_BYTES);
  return new PackedEvents(bytes, new Uint8Array(block, indexAt, events * INDEX_BYTES), events, pagesInterned);
}
