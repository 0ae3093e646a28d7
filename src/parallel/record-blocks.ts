/**
 * Kafka records packed into blocks of shared memory for the count worker: per record the
 * partition (uint32), the offset (float64), the value length (int32, -1 = null) and the
 * value bytes. One copy per record instead of one message per record.
 */
const HEADER_BYTES = 16;
const BLOCK_BYTES = 4 << 20;

/**
 * Blocks of shared memory, reused once the worker has acknowledged them: a fresh block per
 * hand-over would leave megabytes of shared memory to a lazy garbage collector.
 */
export class BlockPool {
  private readonly free: SharedArrayBuffer[] = [];

  constructor(private readonly blockBytes = BLOCK_BYTES) {}

  take(minBytes: number): SharedArrayBuffer {
    const index = this.free.findIndex((b) => b.byteLength >= minBytes);
    return index >= 0 ? this.free.splice(index, 1)[0] : new SharedArrayBuffer(Math.max(this.blockBytes, minBytes));
  }

  give(block: SharedArrayBuffer): void {
    this.free.push(block);
  }
}

export class RecordPacker {
  private block: SharedArrayBuffer;
  private view: DataView;
  private bytes: Uint8Array;
  private used = 0;
  private records = 0;

  constructor(
    private readonly pool: BlockPool,
    private readonly onBlock: (block: SharedArrayBuffer, length: number, records: number) => void,
  ) {
    this.block = pool.take(0);
    this.view = new DataView(this.block);
    this.bytes = new Uint8Array(this.block);
  }

  add(value: Buffer | null, partition: number, offset: number): void {
    const length = value === null ? 0 : value.length;
    if (this.used + HEADER_BYTES + length > this.block.byteLength) this.flush(HEADER_BYTES + length);
    this.view.setUint32(this.used, partition);
    this.view.setFloat64(this.used + 4, offset);
    this.view.setInt32(this.used + 12, value === null ? -1 : length);
    if (value !== null) this.bytes.set(value, this.used + HEADER_BYTES);
    this.used += HEADER_BYTES + length;
    this.records++;
  }

  /** Hands over the current block (if any) and starts a new one, big enough for `need`. */
  flush(need = 0): void {
    if (this.records === 0 && this.block.byteLength >= need) return;
    if (this.records > 0) this.onBlock(this.block, this.used, this.records);
    this.block = this.pool.take(need);
    this.view = new DataView(this.block);
    this.bytes = new Uint8Array(this.block);
    this.used = 0;
    this.records = 0;
  }
}

/** Calls `visit` for each record of a block, in order; `value` is null for a null record. */
export function unpackRecords(
  block: SharedArrayBuffer,
  length: number,
  visit: (bytes: Buffer, start: number, end: number, isNull: boolean, partition: number, offset: number) => void,
): void {
  const bytes = privateCopy(block, length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  for (let at = 0; at < length; ) {
    const partition = view.getUint32(at);
    const offset = view.getFloat64(at + 4);
    const size = view.getInt32(at + 12);
    const start = at + HEADER_BYTES;
    visit(bytes, start, start + Math.max(size, 0), size < 0, partition, offset);
    at = start + Math.max(size, 0);
  }
}

let scratch = Buffer.alloc(0);

/**
 * A private copy of a block, in memory reused from block to block: V8 reads arrays over
 * shared memory more slowly in hot loops, and a fresh copy per block would leave
 * megabytes of garbage outside the heap for every block.
 */
export function privateCopy(block: SharedArrayBuffer, length: number): Buffer {
  if (scratch.length < length) scratch = Buffer.alloc(Math.max(length, 2 * scratch.length));
  scratch.set(new Uint8Array(block, 0, length));
  return scratch.subarray(0, length);
}
