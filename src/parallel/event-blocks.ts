import { hashBytes, type IdInterner } from '../store/dictionary.js';
import { privateCopy, type BlockPool } from './record-blocks.js';

/**
 * Decoded events packed into shared memory for the count worker, when the main thread
 * decodes files (it has nothing else to do) and the worker interns and counts. Per event:
 * timestamp (float64), page hash and length, user hash and length (int32; a negative length
 * marks non-ASCII text, 0 = no user), then the page and user bytes.
 */
const HEADER_BYTES = 24;
const EMPTY = Buffer.alloc(0);

/** Stands in for the dictionaries in the main thread's decoder: stages the ids' bytes. */
export class EventPacker {
  readonly pages: IdInterner = { internBytes: (b, s, e, a) => this.stage(0, b, s, e, a), intern: (t) => this.stageText(0, t) };
  readonly users: IdInterner = { internBytes: (b, s, e, a) => this.stage(1, b, s, e, a), intern: (t) => this.stageText(1, t) };
  private block: SharedArrayBuffer;
  /**
   * Events are packed in private memory and copied into the shared block in one go when
   * it is handed over: V8 writes arrays over shared memory slowly in hot loops.
   */
  private bytes: Buffer;
  private view: DataView;
  private used = 0;
  // The ids of the event being decoded (no object per event): page = 0, user = 1.
  private readonly stagedBuf: Buffer[] = [EMPTY, EMPTY];
  private readonly stagedStart = [0, 0];
  private readonly stagedEnd = [0, 0];
  private readonly stagedAscii = [true, true];

  constructor(
    private readonly pool: BlockPool,
    private readonly onBlock: (block: SharedArrayBuffer, length: number) => void,
  ) {
    this.block = pool.take(0);
    this.bytes = Buffer.allocUnsafe(this.block.byteLength);
    this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.length);
  }

  /** Ends the current event (its ids were staged by the decoder) with its timestamp. */
  commit(timestampMs: number): void {
    const pageLength = this.stagedEnd[0] - this.stagedStart[0];
    const userLength = this.stagedEnd[1] - this.stagedStart[1];
    if (this.used + HEADER_BYTES + pageLength + userLength > this.block.byteLength) this.flush(HEADER_BYTES + pageLength + userLength);
    const at = this.used;
    const view = this.view;
    view.setFloat64(at, timestampMs);
    view.setInt32(at + 8, this.put(0, at + HEADER_BYTES));
    view.setInt32(at + 12, this.stagedAscii[0] ? pageLength : -pageLength);
    view.setInt32(at + 16, userLength === 0 ? 0 : this.put(1, at + HEADER_BYTES + pageLength));
    view.setInt32(at + 20, this.stagedAscii[1] ? userLength : -userLength);
    this.used = at + HEADER_BYTES + pageLength + userLength;
    this.stagedStart[1] = this.stagedEnd[1] = 0;
  }

  flush(need = 0): void {
    if (this.used === 0 && this.block.byteLength >= need) return;
    if (this.used > 0) {
      new Uint8Array(this.block).set(this.bytes.subarray(0, this.used));
      this.onBlock(this.block, this.used);
    }
    this.block = this.pool.take(need);
    if (this.bytes.length < this.block.byteLength) {
      this.bytes = Buffer.allocUnsafe(this.block.byteLength);
      this.view = new DataView(this.bytes.buffer, this.bytes.byteOffset, this.bytes.length);
    }
    this.used = 0;
  }

  /** Copies a staged id into the block and returns its hash, for the worker's dictionary. */
  private put(which: number, to: number): number {
    const buf = this.stagedBuf[which];
    const start = this.stagedStart[which];
    const end = this.stagedEnd[which];
    const bytes = this.bytes;
    for (let i = start; i < end; i++) bytes[to++] = buf[i]; // ids are short: a loop beats a native copy
    return hashBytes(buf, start, end);
  }

  private stage(which: number, buf: Buffer, start: number, end: number, ascii: boolean): number {
    if (!ascii) return this.stageText(which, buf.toString('utf8', start, end));
    this.stagedBuf[which] = buf;
    this.stagedStart[which] = start;
    this.stagedEnd[which] = end;
    this.stagedAscii[which] = true;
    return 0;
  }

  private stageText(which: number, text: string): number {
    const bytes = Buffer.from(text, 'utf8');
    this.stagedBuf[which] = bytes;
    this.stagedStart[which] = 0;
    this.stagedEnd[which] = bytes.length;
    this.stagedAscii[which] = false;
    return 0;
  }
}

/** Calls `visit` for each packed event of a block, in order. */
export function unpackEvents(
  block: SharedArrayBuffer,
  length: number,
  visit: (bytes: Buffer, timestampMs: number, pageAt: number, pageLength: number, pageHash: number, userLength: number, userHash: number) => void,
): void {
  const bytes = privateCopy(block, length);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  for (let at = 0; at < length; ) {
    const pageLength = view.getInt32(at + 12);
    const userLength = view.getInt32(at + 20);
    visit(bytes, view.getFloat64(at), at + HEADER_BYTES, pageLength, view.getInt32(at + 8), userLength, view.getInt32(at + 16));
    at += HEADER_BYTES + Math.abs(pageLength) + Math.abs(userLength);
  }
}
