import { hashBytes, type IdInterner } from '../store/dictionary.js';
import type { BlockPool } from './record-blocks.js';

/**
 * Decoded events handed to the count worker together with the bytes they came from, when
 * the main thread decodes files and the worker counts. Each chunk the main thread reads is
 * copied whole (one memcpy, no copy per id) and events point into it; ids from anywhere
 * else (a line that straddled two chunks, text the slow path decoded) are appended after it.
 *
 * The work is split so both threads are busy: this thread checks and hashes the ids while
 * it decodes, the worker interns them and counts. (This thread used to intern pages too:
 * 84 ns an event at 5M, two cache misses each, in a loop that reads 600 MB past its
 * cache. The worker interns them behind read-ahead passes, as it does users.)
 *
 * A block is those bytes, padded to 8, then per event: the timestamp (float64), the page's
 * offset, length and hash, the user's offset, length and hash (int32; a negative length
 * marks non-ASCII text, whose hash is unused; user length 0 = no user).
 */
const INDEX_BYTES = 32;
/** Where each id's offset, length and hash are in `EventPacker.staged`. */
const Field = { page: 0, user: 3 } as const;
type StagedField = (typeof Field)[keyof typeof Field];
const INDEX_INTS = INDEX_BYTES / 4;
/** Bytes of input per block: one 1 MiB read chunk (and ids from elsewhere). */
const RAW_BYTES_PER_BLOCK = 1 << 20;
/** Room for a block's input and its index: blocks are reused, so few are ever made. */
export const EVENT_BLOCK_BYTES = 3 << 19;
/** The index is written through typed arrays (native byte order) and read the same way. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

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
  // Private memory, copied into a shared block when handed over: V8 writes arrays over
  // shared memory slowly in hot loops.
  private raw = Buffer.allocUnsafe(RAW_BYTES_PER_BLOCK + (1 << 20));
  private rawUsed = 0;
  private index = new ArrayBuffer(1 << 20);
  private indexTimes = new Float64Array(this.index);
  private indexInts = new Int32Array(this.index);
  private events = 0;
  /** The chunk being split into lines, and where its copy starts in `raw`. */
  private chunk: Buffer | undefined;
  private chunkAt = 0;
  /** The event being decoded (no object per event): offset, length, hash per Field. */
  private readonly staged = new Int32Array(6);

  constructor(
    private readonly pool: BlockPool,
    private readonly onBlock: (block: SharedArrayBuffer, rawLength: number, events: number) => void,
  ) {}

  /** A chunk of input about to be split into lines: later ids in it are found by offset. */
  beginChunk(chunk: Buffer): void {
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
    const at = slot * INDEX_INTS + 2;
    for (let k = 0; k < 6; k++) ints[at + k] = staged[k];
  }

  /** Hands over the events so far (if any) with their bytes. */
  flush(): void {
    if (this.events > 0) {
      const indexAt = (this.rawUsed + 7) & ~7;
      const length = indexAt + this.events * INDEX_BYTES;
      const block = this.pool.take(length);
      const shared = new Uint8Array(block);
      shared.set(this.raw.subarray(0, this.rawUsed));
      shared.set(new Uint8Array(this.index, 0, this.events * INDEX_BYTES), indexAt);
      this.onBlock(block, this.rawUsed, this.events);
    }
    this.rawUsed = 0;
    this.events = 0;
    this.chunk = undefined; // its copy is gone: ids still to come from it are copied one by one
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

  /** Copies bytes into `raw` (growing it past the block size if it must); returns where. */
  private append(buf: Buffer, start: number, end: number): number {
    const at = this.rawUsed;
    if (at + end - start > this.raw.length) {
      const bigger = Buffer.allocUnsafe(Math.max(2 * this.raw.length, at + end - start));
      this.raw.copy(bigger, 0, 0, at);
      this.raw = bigger;
    }
    this.rawUsed += buf.copy(this.raw, at, start, end);
    return at;
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
  constructor(
    /** The block's input bytes: ids are at their offsets in it. */
    readonly bytes: Buffer,
    private readonly index: DataView,
    readonly length: number,
  ) {}

  timestampMs(i: number): number {
    return this.index.getFloat64(i * INDEX_BYTES, LITTLE_ENDIAN);
  }

  /** An int32 field of event i (an EventField). */
  int(i: number, field: number): number {
    return this.index.getInt32(i * INDEX_BYTES + field, LITTLE_ENDIAN);
  }
}

/**
 * The packed events of a block, read where they are in shared memory: the main thread
 * does not touch a block again before the worker's ack. (Copying each block out first,
 * as Kafka record blocks are, cost the worker ~55 ms per 5M events and gained nothing
 * measurable.)
 */
export function unpackEvents(block: SharedArrayBuffer, rawLength: number, events: number): PackedEvents {
  const indexAt = (rawLength + 7) & ~7;
  const bytes = Buffer.from(block, 0, indexAt + events * INDEX_BYTES);
  return new PackedEvents(bytes, new DataView(block, indexAt, events * INDEX_BYTES), events);
}
