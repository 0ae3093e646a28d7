import { describe, expect, it } from 'vitest';
import { Dictionary } from '../../src/store/dictionary.js';
import { PairCountTable } from '../../src/store/pair-count-table.js';
import { Ranks, sortedEntries } from '../../src/store/sorted-entries.js';

describe('PairCountTable', () => {
  it('counts pairs exactly across many resizes', () => {
    const table = new PairCountTable(16);
    const expected = new Map<string, number>();
    for (let i = 0; i < 50_000; i++) {
      const a = (i * 7919) % 3001;
      const b = (i * 104729) % 17;
      table.add(a, b);
      expected.set(`${a}/${b}`, (expected.get(`${a}/${b}`) ?? 0) + 1);
    }
    expect(table.size).toBe(expected.size);
    for (const [key, count] of expected) {
      const [a, b] = key.split('/').map(Number);
      expect(table.get(a, b)).toBe(count);
    }
    expect(table.get(99_999, 0)).toBe(0);
  });

  it('stays exact past 2^32 per key (the slot holds 32 bits), through resizes', () => {
    const table = new PairCountTable(16);
    expect(table.add(1, 2, 2 ** 32 - 1)).toBe(2 ** 32 - 1);
    expect(table.add(1, 2)).toBe(2 ** 32);
    expect(table.add(3, 4, 2 ** 40 + 7)).toBe(2 ** 40 + 7);
    for (let i = 0; i < 1000; i++) table.add(i + 10, i);
    expect(table.add(1, 2, 2 ** 33)).toBe(3 * 2 ** 32);
    expect([table.get(1, 2), table.get(3, 4), table.get(10, 0)]).toEqual([3 * 2 ** 32, 2 ** 40 + 7, 1]);
    const seen = new Map<string, number>();
    table.forEach((a, b, count) => seen.set(`${a},${b}`, count));
    expect([seen.get('1,2'), seen.get('3,4'), seen.size]).toEqual([3 * 2 ** 32, 2 ** 40 + 7, 1002]);
  });
});

describe('PairCountTable.totalsByA', () => {
  it('sums the counts of each a over every b, exactly past 2^32', () => {
    const table = new PairCountTable(16);
    for (let i = 0; i < 5000; i++) table.add(i % 7, i, 1 + (i % 3));
    table.add(3, 99_999, 2 ** 32 + 5);
    const totals = table.totalsByA();
    const expected = Array.from({ length: 7 }, (_, a) => {
      let sum = a === 3 ? 2 ** 32 + 5 : 0;
      for (let i = a; i < 5000; i += 7) sum += 1 + (i % 3);
      return sum;
    });
    expect(totals.size).toBe(7);
    expect(Array.from({ length: 7 }, (_, a) => totals.get(a, 0))).toEqual(expected);
  });
});

describe('sortedEntries', () => {
  it('orders by page then user, comparing code units (not locale)', () => {
    const pages = new Dictionary();
    const users = new Dictionary();
    const table = new PairCountTable();
    const rows: [string, string][] = [['b', 'Z'], ['a', 'z'], ['B', 'a'], ['é', 'a'], ['a', 'Z'], ['e', 'a']];
    rows.forEach(([p, u], i) => table.add(pages.intern(p), users.intern(u), i + 1));
    const sorted = sortedEntries(table, new Ranks(pages.ranks(), users.ranks()));
    const out = Array.from({ length: sorted.length }, (_, i) => `${pages.name(sorted.pageId(i))}/${users.name(sorted.userId(i))}=${sorted.count(i)}`);
    expect(out).toEqual(['B/a=3', 'a/Z=5', 'a/z=2', 'b/Z=1', 'e/a=6', 'é/a=4']);
  });
});
