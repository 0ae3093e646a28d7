import { ViewCache, copyBytes } from '../util/byte-words.js';
import { radixSortPairs } from './radix-order.js';
import { SortScratch } from './sort-scratch.js';

/** An IdNames' memory as another thread receives it: the same shared buffers, no copy. */
export interface SharedNames {
  readonly count: number;
  readonly arena: SharedArrayBuffer;
  readonly arenaUsed: number;
  readonly starts: SharedArrayBuffer;
  readonly plain: SharedArrayBuffer;
  readonly nonAscii: [number, string][];
}

/** Memory another thread can be given as it is (measured: no slower to intern into or read). */
const sharedBytes = (n: number) => Buffer.from(new SharedArrayBuffer(n));

/**
 * The text of ids 0..size-1 as UTF-8 bytes in one arena: all that output needs of a
 * dictionary (names, order, bytes to copy), which the row writer and encoder are typed
 * against. A Dictionary is one of these with a hash table for interning.
 */
export class IdNames {
  protected count = 0;
  protected arena: Buffer = sharedBytes(1 << 16);
  protected arenaView = new DataView(this.arena.buffer, this.arena.byteOffset, this.arena.length);
  /** The buffers ids come from and go to, read and written four bytes at a time. */
  protected readonly inputs = new ViewCache();
  private readonly targets = new ViewCache();
  private touched = 0;
  /** touch's text offsets, between its passes. */
  private touchNames = new Int32Array(0);
  protected arenaUsed = 0;
  private starts = new Int32Array(sharedBytes(4096).buffer); // arena offset per id; starts[id + 1] = its end
  /** 1 when the id is printable ASCII without `"` `\` `,`: its bytes go out as they are. */
  private plain = new Uint8Array(sharedBytes(1024).buffer);
  /** The text of ids with non-ASCII bytes (rare); ASCII ids are decoded from the arena. */
  protected readonly nonAscii = new Map<number, string>();

  /** A read-only view of names another thread shared (they must not change any more). */
  static fromShared(shared: SharedNames): IdNames {
    const names = new IdNames();
    names.adoptShared(shared);
    return names;
  }

  /** Becomes a view of names another thread shared, in place of its own. */
  protected adoptShared(shared: SharedNames): void {
    this.count = shared.count;
    this.arena = Buffer.from(shared.arena);
    this.arenaView = new DataView(shared.arena);
    this.arenaUsed = shared.arenaUsed;
    this.starts = new Int32Array(shared.starts);
    this.plain = new Uint8Array(shared.plain);
    this.nonAscii.clear();
    for (const [id, text] of shared.nonAscii) this.nonAscii.set(id, text);
  }

  /** These names for another thread (see fromShared); no id may be added after this. */
  share(): SharedNames {
    const buffer = (array: Uint8Array | Int32Array) => array.buffer as SharedArrayBuffer;
    return { count: this.count, arena: buffer(this.arena), arenaUsed: this.arenaUsed, starts: buffer(this.starts), plain: buffer(this.plain), nonAscii: [...this.nonAscii] };
  }

  get size(): number {
    return this.count;
  }

  /** The id's text. */
  name(id: number): string {
    return this.nonAscii.get(id) ?? this.arena.toString('latin1', this.starts[id], this.starts[id + 1]);
  }

  /** True when the id's bytes need no quoting or escaping in CSV or JSON. */
  isPlain(id: number): boolean {
    return this.plain[id] === 1;
  }

  /** Copies the id's UTF-8 bytes into `target` at `offset`; returns the new offset. */
  copyBytes(id: number, target: Buffer, offset: number): number {
    return copyBytes(this.arena, this.arenaView, this.starts[id], this.starts[id + 1], target, this.targets.of(target), offset);
  }

  /**
   * Reads, for ids[0, n), everything the encoder will read of them next: where each text
   * starts and ends, its plain flag, and its first and last bytes (an id may cross into a
   * second cache line). Each pass is a loop of independent loads and little else, so the
   * CPU has dozens of their cache misses in flight at once.
   */
  touch(ids: Int32Array, n: number): void {
    const { starts, arena, plain } = this;
    if (this.touchNames.length < 2 * n) this.touchNames = new Int32Array(2 * n);
    const at = this.touchNames;
    for (let i = 0; i < n; i++) {
      const id = ids[i];
      at[2 * i] = starts[id];
      at[2 * i + 1] = starts[id + 1];
    }
    let sum = 0;
    for (let i = 0; i < n; i++) sum += plain[ids[i]];
    for (let i = 0; i < 2 * n; i += 2) sum += arena[at[i]] + arena[at[i + 1] - 1];
    this.touched = sum; // kept, so that the compiler cannot drop the reads
  }

  lengthOf(id: number): number {
    return this.starts[id + 1] - this.starts[id];
  }

  /** Adds the next id, its UTF-8 at `buf[start, end)`; returns its arena offset. */
  protected add(buf: Uint8Array, start: number, end: number): number {
    const id = this.count++;
    const length = end - start;
    if (this.arenaUsed + length > this.arena.length) {
      const bigger = sharedBytes(Math.max(this.arena.length * 2, this.arenaUsed + length));
      this.arena.copy(bigger, 0, 0, this.arenaUsed);
      this.arena = bigger;
      this.arenaView = new DataView(bigger.buffer, bigger.byteOffset, bigger.length);
    }
    if (id + 1 >= this.starts.length) {
      const starts = new Int32Array(sharedBytes(this.starts.length * 8).buffer);
      starts.set(this.starts);
      this.starts = starts;
      const plain = new Uint8Array(sharedBytes(this.plain.length * 2).buffer);
      plain.set(this.plain);
      this.plain = plain;
    }
    const offset = this.arenaUsed;
    // Not a native copy: ids are short, and the call costs more than the bytes.
    copyBytes(buf, this.inputs.of(buf), start, end, this.arena, this.arenaView, offset);
    this.arenaUsed += length;
    this.starts[id] = offset;
    this.starts[id + 1] = this.arenaUsed;
    this.plain[id] = isPlain(buf, start, end) ? 1 : 0;
    return offset;
  }

  /**
   * rank[id] = position of the id's text in UTF-16 code-unit order (never localeCompare), so
   * that sorting rows becomes sorting numbers. A radix sort on a 48-bit prefix (six bytes
   * when every id is ASCII, else three code units) does nearly all the work; ids that share
   * it are ordered by full comparison: of their bytes when every id is ASCII (bytes are code
   * units then), with no string made (1M UUIDs, of which ~30k pairs share their first six
   * hex digits: 190-250 -> 108-129 ms, with the prefix read as two big-endian words).
   */
  ranks(): Uint32Array {
    const n = this.count;
    const scratch = new SortScratch();
    const keys = scratch.keys(0, n);
    const ids = scratch.values(0, n);
    const ascii = this.nonAscii.size === 0;
    for (let id = 0; id < n; id++) {
      keys[id] = ascii ? this.bytePrefix(id) : this.unitPrefix(id);
      ids[id] = id;
    }
    const sorted = radixSortPairs(keys, ids, n, scratch);
    const order = sorted.values;
    const sortedKeys = sorted.keys;
    for (let start = 0; start < n; ) {
      let end = start + 1;
      while (end < n && sortedKeys[end] === sortedKeys[start]) end++;
      if (end - start > 1) this.orderTies(order.subarray(start, end), ascii);
      start = end;
    }
    const rank = new Uint32Array(n);
    for (let r = 0; r < n; r++) rank[order[r]] = r;
    return rank;
  }

  /** Ids whose prefixes are equal, in full order: a pair by one comparison, more by a sort. */
  private orderTies(run: Float64Array, ascii: boolean): void {
    if (!ascii) {
      const named = Array.from(run, (id) => ({ id, name: this.name(id) }));
      named.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      run.set(named.map((r) => r.id));
    } else if (run.length === 2) {
      const a = run[0];
      const b = run[1];
      if (this.compareBytes(a, b) > 0) {
        run[0] = b;
        run[1] = a;
      }
    } else {
      run.sort((a, b) => this.compareBytes(a, b));
    }
  }

  /** The order of two ids' bytes (unsigned, a prefix first): code-unit order for ASCII. */
  private compareBytes(a: number, b: number): number {
    const { starts, arena } = this;
    const aEnd = starts[a + 1];
    const bEnd = starts[b + 1];
    for (let i = starts[a], j = starts[b]; i < aEnd && j < bEnd; i++, j++) {
      if (arena[i] !== arena[j]) return arena[i] - arena[j];
    }
    return aEnd - starts[a] - (bEnd - starts[b]);
  }

  /** The first six bytes as one number, missing ones as 0 (ASCII: bytes are code units). */
  private bytePrefix(id: number): number {
    const from = this.starts[id];
    const to = this.starts[id + 1];
    if (to - from >= 6) return this.arenaView.getUint32(from) * 65536 + this.arenaView.getUint16(from + 4); // big-endian: first byte highest
    let key = 0;
    for (let k = from; k < from + 6; k++) key = key * 256 + (k < to ? this.arena[k] : 0);
    return key;
  }

  /** The first three UTF-16 code units as one number (missing ones count as 0). */
  private unitPrefix(id: number): number {
    const text = this.name(id);
    return (text.charCodeAt(0) || 0) * 2 ** 32 + (text.charCodeAt(1) || 0) * 65536 + (text.charCodeAt(2) || 0);
  }
}

function isPlain(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if (b < 0x20 || b > 0x7e || b === 0x22 || b === 0x5c || b === 0x2c) return false;
  }
  return true;
}
