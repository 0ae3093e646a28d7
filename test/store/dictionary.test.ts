import { describe, expect, it } from 'vitest';
import { Dictionary, hashBytes } from '../../src/store/dictionary.js';

/** The ids in rank order, as the output sorts them. */
function inRankOrder(dictionary: Dictionary): string[] {
  const ranks = dictionary.ranks();
  const names: string[] = [];
  for (let id = 0; id < dictionary.size; id++) names[ranks[id]] = dictionary.name(id);
  return names;
}

describe('Dictionary', () => {
  it('gives each distinct id one number, from bytes or text alike', () => {
    const ids = new Dictionary();
    const bytes = Buffer.from('xx page-1 xx');
    const first = ids.internBytes(bytes, 3, 9, true);
    expect(ids.intern('page-1')).toBe(first);
    expect(ids.intern('page-2')).not.toBe(first);
    expect(ids.intern('pâge')).toBe(ids.internBytes(Buffer.from('pâge'), 0, 5, false));
    expect([ids.size, ids.name(first)]).toEqual([3, 'page-1']);
  });

  it('ranks ids that share a long prefix, or are prefixes of each other, by code unit', () => {
    const ids = new Dictionary();
    // A run of six share their first six bytes ("user-0"), a pair ("pairs-"), two more ("ab\u0000" pads as "ab").
    const names = ['user-000010', 'user-000002', 'user-00001', 'user-0000', 'user-000001', 'user', 'User', 'u', 'user-000001x', 'pairs-b', 'pairs-a', 'ab\u0000', 'ab'];
    names.forEach((n) => ids.intern(n));
    expect(inRankOrder(ids)).toEqual([...names].sort());
  });

  it('ranks non-ASCII ids by UTF-16 code unit, beside ASCII ones (not by UTF-8 byte)', () => {
    const ids = new Dictionary();
    // In code units U+1F600 (a surrogate pair, 0xD83D...) sorts before U+FF5E; in UTF-8 bytes after it.
    const names = ['\u{1F600}a', '\uFF5Eb', 'zz', 'é', 'e\u0301', 'ab'];
    names.forEach((n) => ids.intern(n));
    expect(inRankOrder(ids)).toEqual([...names].sort());
  });

  it('stays exact over many ids and resizes (50,000 ids, each interned twice)', () => {
    const ids = new Dictionary();
    let wrong = 0;
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 50_000; i++) if (ids.intern(`id-${i}`) !== i) wrong++;
    }
    expect([wrong, ids.size]).toEqual([0, 50_000]);
  });
});

describe('hashBytes', () => {
  it('hashes the bytes in range only, and every length of tail', () => {
    const text = Buffer.from('__abcdefghij__');
    for (let length = 0; length <= 10; length++) {
      const alone = Buffer.from(text.subarray(2, 2 + length));
      expect(hashBytes(text, 2, 2 + length)).toBe(hashBytes(alone, 0, length));
    }
    expect(new Set(Array.from({ length: 11 }, (_, n) => hashBytes(text, 2, 2 + n))).size).toBe(11);
  });

  it('spreads ids that differ in one byte over the low bits a table uses', () => {
    const buckets = new Set<number>();
    for (let i = 0; i < 4096; i++) buckets.add(hashBytes(Buffer.from(`user-${String(i).padStart(6, '0')}`), 0, 11) & 4095);
    expect(buckets.size).toBeGreaterThan(2400); // uniform hashing fills ~63%: 2,589
  });
});

describe('Dictionary.seal', () => {
  it('keeps every name for output, and refuses new ids instead of losing them', () => {
    const ids = new Dictionary();
    ['b', 'a', 'c'].forEach((n) => ids.intern(n));
    ids.seal();
    expect([ids.size, ids.name(0), Array.from(ids.ranks())]).toEqual([3, 'b', [1, 0, 2]]);
    expect(() => ids.intern('d')).toThrow(/sealed/);
  });
});
