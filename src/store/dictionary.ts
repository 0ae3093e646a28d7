import { radixOrder } from './radix-order.js';

/**
 * Interns ids (user ids, page ids) into dense integers. The count store keys on these
 * integers, never on strings: this is the project's one key encoding.
 *
 * The hot path interns straight from the input bytes: a hash table over an arena of
 * UTF-8 bytes, so a repeated id costs a hash and a byte compare, with no string created.
 * Only a new id becomes a string (`names`). Non-ASCII ids go through a string first, so that
 * every spelling of the same text (raw UTF-8, \\u escapes) lands on one canonical UTF-8 key.
 */
export class Dictionary {
  readonly names: string[] = [];
  private arena: Buffer = Buffer.allocUnsafe(1 << 16);
  private arenaUsed = 0;
  private starts: Int32Array = new Int32Array(1024);
  private hashes: Int32Array = new Int32Array(1024);
  /** 1 when the id is printable ASCII without `"` `\\` `,`: its bytes go out as they are. */
  private plain: Uint8Array = new Uint8Array(1024);
  private slots: Int32Array = new Int32Array(2048); // id + 1; 0 = empty
  private mask = 2047;

  get size(): number {
    return this.names.length;
  }

  intern(name: string): number {
    const bytes = Buffer.from(name, 'utf8');
    return this.internAscii(bytes, 0, bytes.length, name);
  }

  /** `buf[start, end)` must be the UTF-8 of the id; pass `ascii` when every byte is < 0x80. */
  internBytes(buf: Buffer, start: number, end: number, ascii: boolean): number {
    return ascii ? this.internAscii(buf, start, end, undefined) : this.intern(buf.toString('utf8', start, end));
  }

  private internAscii(buf: Buffer, start: number, end: number, name: string | undefined): number {
    let hash = 0x811c9dc5;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ buf[i], 0x01000193);
    const length = end - start;
    let slot = hash & this.mask;
    for (;;) {
      const entry = this.slots[slot];
      if (entry === 0) break;
      const id = entry - 1;
      if (this.hashes[id] === hash && this.lengthOf(id) === length && this.equals(id, buf, start, length)) return id;
      slot = (slot + 1) & this.mask;
    }
    return this.insert(buf, start, end, hash, slot, name ?? buf.toString('latin1', start, end));
  }

  /** True when the id's bytes need no quoting or escaping in CSV or JSON. */
  isPlain(id: number): boolean {
    return this.plain[id] === 1;
  }

  /** Copies the id's UTF-8 bytes into `target` at `offset`; returns the new offset. */
  copyBytes(id: number, target: Buffer, offset: number): number {
    const from = this.starts[id];
    const length = this.lengthOf(id);
    const arena = this.arena;
    for (let k = 0; k < length; k++) target[offset + k] = arena[from + k];
    return offset + length;
  }

  lengthOf(id: number): number {
    return (id + 1 < this.names.length ? this.starts[id + 1] : this.arenaUsed) - this.starts[id];
  }

  private equals(id: number, buf: Buffer, start: number, length: number): boolean {
    const arena = this.arena;
    const offset = this.starts[id];
    for (let k = 0; k < length; k++) if (arena[offset + k] !== buf[start + k]) return false;
    return true;
  }

  private insert(buf: Buffer, start: number, end: number, hash: number, slot: number, name: string): number {
    const id = this.names.length;
    if (this.arenaUsed + (end - start) > this.arena.length) {
      const bigger = Buffer.allocUnsafe(Math.max(this.arena.length * 2, this.arenaUsed + (end - start)));
      this.arena.copy(bigger, 0, 0, this.arenaUsed);
      this.arena = bigger;
    }
    if (id === this.starts.length) {
      this.starts = grow(this.starts);
      this.hashes = grow(this.hashes);
      const plain = new Uint8Array(this.plain.length * 2);
      plain.set(this.plain);
      this.plain = plain;
    }
    this.starts[id] = this.arenaUsed;
    this.arenaUsed += buf.copy(this.arena, this.arenaUsed, start, end);
    this.plain[id] = isPlain(buf, start, end) ? 1 : 0;
    this.hashes[id] = hash;
    this.names.push(name);
    this.slots[slot] = id + 1;
    if (this.names.length * 2 > this.mask) this.rehash();
    return id;
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    this.mask = this.slots.length - 1;
    for (let id = 0; id < this.names.length; id++) {
      let slot = this.hashes[id] & this.mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = id + 1;
    }
  }

  /**
   * rank[id] = position of names[id] in UTF-16 code-unit order (never localeCompare), so that
   * sorting rows becomes sorting numbers. A radix sort on the first three code units (48
   * bits) does nearly all the work; names that share those are ordered by full comparison.
   */
  ranks(): Uint32Array {
    const names = this.names;
    const n = names.length;
    const keys = new Float64Array(n);
    for (let id = 0; id < n; id++) {
      const name = names[id];
      keys[id] = (name.charCodeAt(0) || 0) * 2 ** 32 + (name.charCodeAt(1) || 0) * 65536 + (name.charCodeAt(2) || 0);
    }
    const order = radixOrder(keys, n);
    for (let start = 0; start < n; ) {
      let end = start + 1;
      while (end < n && keys[order[end]] === keys[order[start]]) end++;
      if (end - start > 1) {
        const run = Array.from(order.subarray(start, end)).sort((a, b) => (names[a] < names[b] ? -1 : names[a] > names[b] ? 1 : 0));
        order.set(run, start);
      }
      start = end;
    }
    const rank = new Uint32Array(n);
    for (let r = 0; r < n; r++) rank[order[r]] = r;
    return rank;
  }
}

function isPlain(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const b = buf[i];
    if (b < 0x20 || b > 0x7e || b === 0x22 || b === 0x5c || b === 0x2c) return false;
  }
  return true;
}

function grow(array: Int32Array): Int32Array {
  const bigger = new Int32Array(array.length * 2);
  bigger.set(array);
  return bigger;
}
