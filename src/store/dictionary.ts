import { radixOrder } from './radix-order.js';

/**
 * Interns ids (user ids, page ids) into dense integers. The count store keys on these
 * integers, never on strings: this is the project's one key encoding.
 *
 * The hot path interns straight from the input bytes: a hash table over an arena of
 * UTF-8 bytes, so a repeated id costs a hash and a byte compare, with no string created,
 * and an ASCII id is never held as a string at all (`name(id)` decodes it when needed).
 * Non-ASCII ids go through a string first, so that every spelling of the same text (raw
 * UTF-8, \u escapes) lands on one canonical UTF-8 key.
 */
/** What the decoder hands ids to: a dictionary, or a packer that ships them to a worker. */
export interface IdInterner {
  internBytes(buf: Buffer, start: number, end: number, ascii: boolean): number;
  intern(name: string): number;
}

export class Dictionary implements IdInterner {
  private count = 0;
  private arena: Buffer = Buffer.allocUnsafe(1 << 16);
  private arenaUsed = 0;
  private starts: Int32Array = new Int32Array(1024); // arena offset per id; starts[id + 1] = its end
  /** 1 when the id is printable ASCII without `"` `\` `,`: its bytes go out as they are. */
  private plain: Uint8Array = new Uint8Array(1024);
  /** The text of ids with non-ASCII bytes (rare); ASCII ids are decoded from the arena. */
  private readonly nonAscii = new Map<number, string>();
  /** Open addressing, 4 ints a slot: hash, id + 1 (0 = empty), arena offset, length. One probe, one cache line. */
  private slots: Int32Array = new Int32Array(2048 * 4);
  private mask = 2047;

  get size(): number {
    return this.count;
  }

  /** The id's text. */
  name(id: number): string {
    return this.nonAscii.get(id) ?? this.arena.toString('latin1', this.starts[id], this.starts[id + 1]);
  }

  intern(name: string): number {
    const bytes = Buffer.from(name, 'utf8');
    const ascii = bytes.length === name.length;
    const id = this.internAscii(bytes, 0, bytes.length);
    if (!ascii && !this.nonAscii.has(id)) this.nonAscii.set(id, name);
    return id;
  }

  /** `buf[start, end)` must be the UTF-8 of the id; pass `ascii` when every byte is < 0x80. */
  internBytes(buf: Buffer, start: number, end: number, ascii: boolean): number {
    return ascii ? this.internAscii(buf, start, end) : this.intern(buf.toString('utf8', start, end));
  }

  private internAscii(buf: Buffer, start: number, end: number): number {
    return this.internHashed(buf, start, end, hashBytes(buf, start, end));
  }

  /** An ASCII id whose `hashBytes` was computed elsewhere (by the thread that decoded it). */
  internHashed(buf: Buffer, start: number, end: number, hash: number): number {
    const length = end - start;
    const slots = this.slots;
    const arena = this.arena;
    let slot = hash & this.mask;
    for (;;) {
      const at = slot << 2;
      const entry = slots[at + 1];
      if (entry === 0) break;
      if (slots[at] === hash && slots[at + 3] === length) {
        const offset = slots[at + 2];
        let k = 0;
        while (k < length && arena[offset + k] === buf[start + k]) k++;
        if (k === length) return entry - 1;
      }
      slot = (slot + 1) & this.mask;
    }
    return this.insert(buf, start, end, hash, slot);
  }

  private insert(buf: Buffer, start: number, end: number, hash: number, slot: number): number {
    const id = this.count++;
    const length = end - start;
    if (this.arenaUsed + length > this.arena.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.arena.length * 2, this.arenaUsed + length));
      this.arena.copy(bigger, 0, 0, this.arenaUsed);
      this.arena = bigger;
    }
    if (id + 1 >= this.starts.length) {
      const starts = new Int32Array(this.starts.length * 2);
      starts.set(this.starts);
      this.starts = starts;
      const plain = new Uint8Array(this.plain.length * 2);
      plain.set(this.plain);
      this.plain = plain;
    }
    const offset = this.arenaUsed;
    const arena = this.arena;
    // A loop, not buf.copy(): ids are short, and the native call costs more than the bytes.
    for (let i = start, to = offset; i < end; i++, to++) arena[to] = buf[i];
    this.arenaUsed += length;
    this.starts[id] = offset;
    this.starts[id + 1] = this.arenaUsed;
    this.plain[id] = isPlain(buf, start, end) ? 1 : 0;
    const at = slot << 2;
    this.slots[at] = hash;
    this.slots[at + 1] = id + 1;
    this.slots[at + 2] = offset;
    this.slots[at + 3] = length;
    if (this.count * 4 > this.mask * 3) this.rehash(); // load <= 0.75
    return id;
  }

  private rehash(): void {
    const old = this.slots;
    const slots = (this.slots = new Int32Array(old.length * 2));
    const mask = (this.mask = slots.length / 4 - 1);
    for (let at = 0; at < old.length; at += 4) {
      if (old[at + 1] === 0) continue;
      let slot = old[at] & mask;
      while (slots[(slot << 2) + 1] !== 0) slot = (slot + 1) & mask;
      const to = slot << 2;
      slots[to] = old[at];
      slots[to + 1] = old[at + 1];
      slots[to + 2] = old[at + 2];
      slots[to + 3] = old[at + 3];
    }
  }

  /** True when the id's bytes need no quoting or escaping in CSV or JSON. */
  isPlain(id: number): boolean {
    return this.plain[id] === 1;
  }

  /** Copies the id's UTF-8 bytes into `target` at `offset`; returns the new offset. */
  copyBytes(id: number, target: Buffer, offset: number): number {
    const from = this.starts[id];
    const to = this.starts[id + 1];
    const arena = this.arena;
    for (let k = from; k < to; k++) target[offset++] = arena[k];
    return offset;
  }

  lengthOf(id: number): number {
    return this.starts[id + 1] - this.starts[id];
  }

  /**
   * rank[id] = position of the id's text in UTF-16 code-unit order (never localeCompare), so
   * that sorting rows becomes sorting numbers. A radix sort on a 48-bit prefix (six bytes
   * when every id is ASCII, else three code units) does nearly all the work; ids that share
   * it are ordered by full comparison.
   */
  ranks(): Uint32Array {
    const n = this.count;
    const keys = new Float64Array(n);
    const ascii = this.nonAscii.size === 0;
    for (let id = 0; id < n; id++) keys[id] = ascii ? this.bytePrefix(id) : this.unitPrefix(id);
    const order = radixOrder(keys, n);
    for (let start = 0; start < n; ) {
      let end = start + 1;
      while (end < n && keys[order[end]] === keys[order[start]]) end++;
      if (end - start > 1) {
        const run = Array.from(order.subarray(start, end), (id) => ({ id, name: this.name(id) }));
        run.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
        order.set(run.map((r) => r.id), start);
      }
      start = end;
    }
    const rank = new Uint32Array(n);
    for (let r = 0; r < n; r++) rank[order[r]] = r;
    return rank;
  }

  /** The first six bytes as one number, missing ones as 0 (ASCII: bytes are code units). */
  private bytePrefix(id: number): number {
    const from = this.starts[id];
    const to = Math.min(this.starts[id + 1], from + 6);
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

/**
 * The dictionary's hash of an id's bytes: MurmurHash3 (x86, 32-bit), four bytes a step,
 * which is 1.6x faster than byte-wise FNV-1a on 36-byte ids and mixes every byte into
 * the low bits the table uses.
 */
export function hashBytes(buf: Uint8Array, start: number, end: number): number {
  let h = 0x9747b28c;
  let i = start;
  for (; i + 4 <= end; i += 4) {
    h ^= murmurBlock(buf[i] | (buf[i + 1] << 8) | (buf[i + 2] << 16) | (buf[i + 3] << 24));
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  let tail = 0;
  for (let shift = 0; i < end; i++, shift += 8) tail |= buf[i] << shift;
  if (end - start > 0 && (end - start) % 4 !== 0) h ^= murmurBlock(tail);
  h ^= end - start;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

function murmurBlock(k: number): number {
  k = Math.imul(k, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  return Math.imul(k, 0x1b873593);
}

function isPlain(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if (b < 0x20 || b > 0x7e || b === 0x22 || b === 0x5c || b === 0x2c) return false;
  }
  return true;
}
