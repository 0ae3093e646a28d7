import { ViewCache, equalBytes } from '../util/byte-words.js';
import { IdNames, type SharedNames } from './id-names.js';

/** What the decoder hands ids to: a dictionary, or a packer that ships them to a worker. */
export interface IdInterner {
  internBytes(buf: Buffer, start: number, end: number, ascii: boolean): number;
  /** An ASCII id whose `hashBytes` the decoder computed while it checked the bytes. */
  internHashed(buf: Buffer, start: number, end: number, hash: number): number;
  intern(name: string): number;
}

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
export class Dictionary extends IdNames implements IdInterner {
  /** Open addressing, 4 ints a slot: hash, id + 1 (0 = empty), arena offset, length. One probe, one cache line. */
  private slots: Int32Array = new Int32Array(2048 * 4);
  private mask = 2047;
  private sealed = false;
  private touchedSlots = 0;
  /** touchSlots' arena offsets, between its two passes. */
  private touchAt = new Int32Array(0);

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

  /**
   * An id decoded elsewhere (by the thread that read it), at `buf[at, at + |length|)`: a
   * positive length is ASCII, hashed already; a negative one, UTF-8 text of the slow path
   * or with non-ASCII bytes, interned through its string.
   */
  internDecoded(buf: Buffer, at: number, length: number, hash: number): number {
    return length > 0 ? this.internHashed(buf, at, at + length, hash) : this.internBytes(buf, at, at - length, false);
  }

  /** An ASCII id whose `hashBytes` was computed elsewhere (by the thread that decoded it). */
  internHashed(buf: Buffer, start: number, end: number, hash: number): number {
    const length = end - start;
    const slots = this.slots;
    let slot = hash & this.mask;
    for (;;) {
      const at = slot << 2;
      const entry = slots[at + 1];
      if (entry === 0) break;
      if (slots[at] === hash && slots[at + 3] === length) {
        if (equalBytes(this.arena, this.arenaView, slots[at + 2], buf, this.inputs.of(buf), start, length)) return entry - 1;
      }
      slot = (slot + 1) & this.mask;
    }
    if (this.sealed) throw new Error('internal: an id interned after the dictionary was sealed');
    const id = this.count;
    const at = slot << 2;
    slots[at + 2] = this.add(buf, start, end);
    slots[at] = hash;
    slots[at + 1] = id + 1;
    slots[at + 3] = length;
    if (this.count * 4 > this.mask * 3) this.rehash(); // load <= 0.75
    return id;
  }

  /**
   * Reads the slots ids of these hashes are looked up in first, then the names they point
   * to, so that interning them right after finds them in cache. Two passes of nothing but
   * independent loads: the CPU keeps dozens of them in flight, where one pass reading a
   * slot and then its name kept only a few (see RecordHandler.onDecodedEvents). Changes
   * nothing.
   */
  touchSlots(hashes: Int32Array, n: number): void {
    const { slots, mask, arena } = this;
    if (this.touchAt.length < n) this.touchAt = new Int32Array(n);
    const at = this.touchAt;
    for (let i = 0; i < n; i++) at[i] = slots[((hashes[i] & mask) << 2) + 2];
    let sum = 0;
    for (let i = 0; i < n; i++) sum += arena[at[i]];
    this.touchedSlots = sum; // kept, so that the compiler cannot drop the reads
  }

  /**
   * No more ids will come (the input is done): frees the hash table, keeping the names
   * for output. A 400k-user dictionary holds 8 MB of it; interning again throws.
   */
  seal(): void {
    this.slots = new Int32Array(4); // one empty slot: every lookup ends at the insert below
    this.mask = 0;
    this.sealed = true;
  }

  /**
   * The ids were interned by another thread, which shared its names at the end of the
   * input: they become this dictionary's, sealed. It must not have interned any itself.
   */
  sealWith(shared: SharedNames): void {
    if (this.count > 0) throw new Error('internal: names adopted by a dictionary that interned ids itself');
    this.adoptShared(shared);
    this.seal();
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
}

/**
 * The dictionary's hash of an id's bytes. Two lanes of eight-byte steps, each four bytes
 * folded in with one multiply (`hashRound`), then murmur3's 32-bit finaliser over both
 * (`hashFinish`), which spreads every byte into the low bits a table uses. The lanes do
 * not wait for each other, so the CPU runs them side by side; murmur3's own rounds (three
 * multiplies, one chain) hashed and checked 2M 36-byte ids in ~78 ms, these in ~60 ms.
 * Equal bytes give equal hashes, so a weaker mix can only cost probes, never a wrong id.
 */
export function hashBytes(buf: Uint8Array, start: number, end: number): number {
  const view = hashed.of(buf);
  let h = LANE_SEEDS[0];
  let g = LANE_SEEDS[1];
  let i = start;
  for (; i + 8 <= end; i += 8) {
    h = hashRound(h, view.getInt32(i, true), LANE_MULTIPLIERS[0]);
    g = hashRound(g, view.getInt32(i + 4, true), LANE_MULTIPLIERS[1]);
  }
  if (i + 4 <= end) {
    h = hashRound(h, view.getInt32(i, true), LANE_MULTIPLIERS[0]);
    i += 4;
  }
  let tail = 0;
  for (let shift = 0; i < end; i++, shift += 8) tail |= buf[i] << shift;
  return hashFinish(h, g, tail, end - start);
}

/** Where hashBytes' two lanes start, and their odd multipliers (the fixed-offset check compiles them in). */
export const LANE_SEEDS: readonly [number, number] = [0x9747b28c, 0x1b873593];
export const LANE_MULTIPLIERS: readonly [number, number] = [0x27d4eb2d, 0x165667b1];

/** One four-byte step of a lane of hashBytes, with that lane's multiplier (the first lane also takes a last odd word and the tail). */
function hashRound(h: number, word: number, multiplier: number): number {
  return Math.imul(((h << 5) | (h >>> 27)) ^ word, multiplier);
}

/** hashBytes' end: the lanes joined, the 0-3 tail bytes (little-endian in `tail`), the length, murmur3's finaliser. */
export function hashFinish(h: number, g: number, tail: number, length: number): number {
  h ^= (g << 16) | (g >>> 16);
  if (length % 4 !== 0) h = hashRound(h, tail, LANE_MULTIPLIERS[0]);
  h ^= length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

const hashed = new ViewCache();
