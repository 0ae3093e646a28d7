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
  private starts: Int32Array = new Int32Array(1024); // arena offset per id; starts[size] = end
  /** 1 when the id is printable ASCII without `"` `\\` `,`: its bytes go out as they are. */
  private plain: Uint8Array = new Uint8Array(1024);
  /** Open addressing, 4 ints a slot: hash, id + 1 (0 = empty), arena offset, length. One probe, one cache line. */
  private slots: Int32Array = new Int32Array(2048 * 4);
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
    const slots = this.slots;
    let slot = hash & this.mask;
    for (;;) {
      const at = slot << 2;
      const entry = slots[at + 1];
      if (entry === 0) break;
      if (slots[at] === hash && slots[at + 3] === length && this.equals(slots[at + 2], buf, start, length)) return entry - 1;
      slot = (slot + 1) & this.mask;
    }
    return this.insert(buf, start, end, hash, slot, name ?? buf.toString('latin1', start, end));
  }

  private equals(offset: number, buf: Buffer, start: number, length: number): boolean {
    const arena = this.arena;
    for (let k = 0; k < length; k++) if (arena[offset + k] !== buf[start + k]) return false;
    return true;
  }

  private insert(buf: Buffer, start: number, end: number, hash: number, slot: number, name: string): number {
    const id = this.names.length;
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
    this.arenaUsed += buf.copy(this.arena, offset, start, end);
    this.starts[id] = offset;
    this.starts[id + 1] = this.arenaUsed;
    this.plain[id] = isPlain(buf, start, end) ? 1 : 0;
    this.names.push(name);
    const at = slot << 2;
    this.slots[at] = hash;
    this.slots[at + 1] = id + 1;
    this.slots[at + 2] = offset;
    this.slots[at + 3] = length;
    if (this.names.length * 2 > this.mask) this.rehash();
    return id;
  }

  private rehash(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2);
    this.mask = this.slots.length / 4 - 1;
    for (let at = 0; at < old.length; at += 4) {
      if (old[at + 1] === 0) continue;
      let slot = old[at] & this.mask;
      while (this.slots[(slot << 2) + 1] !== 0) slot = (slot + 1) & this.mask;
      this.slots.set(old.subarray(at, at + 4), slot << 2);
    }
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
    return this.starts[id + 1] - this.starts[id];
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

