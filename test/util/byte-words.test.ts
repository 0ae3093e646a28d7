import { describe, expect, it } from 'vitest';
import { ViewCache, copyBytes, equalBytes } from '../../src/util/byte-words.js';

const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);
const bytes = (n: number, seed = 1) => Uint8Array.from({ length: n }, (_, i) => (i * 37 + seed * 11) & 0xff);

describe('byte-words: eight and four bytes at a time, the same result as one at a time', () => {
  it('copies every length 0-21 between every offset 0-4, touching nothing else', () => {
    for (let length = 0; length <= 21; length++) {
      for (let from = 0; from <= 4; from++) {
        for (let at = 0; at <= 4; at++) {
          const source = bytes(32);
          const target = new Uint8Array(32).fill(0xee);
          const expected = new Uint8Array(32).fill(0xee);
          expected.set(source.subarray(from, from + length), at);
          expect(copyBytes(source, view(source), from, from + length, target, view(target), at)).toBe(at + length);
          expect(Array.from(target)).toEqual(Array.from(expected));
        }
      }
    }
  });

  it('finds a single differing byte at every position of every length, at any offsets', () => {
    for (let length = 0; length <= 21; length++) {
      for (const [aAt, bAt] of [[0, 0], [1, 3], [3, 2]]) {
        const a = bytes(28);
        const b = new Uint8Array(28);
        b.set(a.subarray(aAt, aAt + length), bAt);
        expect(equalBytes(a, view(a), aAt, b, view(b), bAt, length)).toBe(true);
        for (let k = 0; k < length; k++) {
          b[bAt + k] ^= 0x80; // only the high bit: a sign that word compares are not byte compares
          expect(equalBytes(a, view(a), aAt, b, view(b), bAt, length)).toBe(false);
          b[bAt + k] ^= 0x80;
        }
      }
    }
  });

  it('ViewCache gives a view of the buffer asked for, also after another one', () => {
    const cache = new ViewCache();
    const one = Buffer.from('abcd');
    const two = Buffer.from('wxyz').subarray(1);
    expect(cache.of(one).getUint8(0)).toBe(0x61);
    expect([cache.of(two).byteLength, cache.of(two).getUint8(0)]).toEqual([3, 0x78]);
    expect(cache.of(one).getUint8(3)).toBe(0x64);
  });
});
