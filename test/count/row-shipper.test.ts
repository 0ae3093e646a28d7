import { describe, expect, it } from 'vitest';
import { WorkerRowShipper } from '../../src/parallel/row-shipper.js';
import type { FromCountWorker } from '../../src/parallel/worker-protocol.js';
import { IdNames } from '../../src/store/id-names.js';
import { PairCountTable } from '../../src/store/pair-count-table.js';
import { Ranks, sortedEntries } from '../../src/store/sorted-entries.js';

const BLOCK_ROWS = 16_384;

/** One window of `rows` rows; row k is (page k / 1000, user k % 1000), so its output position is page * 1000 + user. */
function windowOf(rows: number) {
  const table = new PairCountTable();
  for (let i = 0; i < rows; i++) table.add(Math.floor(i / 1000), i % 1000, 1 + (i % 3));
  const ranks = new Ranks(Uint32Array.from({ length: Math.ceil(rows / 1000) }, (_, k) => k), Uint32Array.from({ length: 1000 }, (_, k) => k));
  return sortedEntries(table, ranks);
}

/**
 * Ships a window, `rowsAfter` rows following it; `mainThread` gets each shipped block to
 * release. Returns each block's rows and who encoded them.
 */
async function ship(rows: number, mainThread: (block: SharedArrayBuffer, shipper: WorkerRowShipper) => void, rowsAfter = 0) {
  const entries = windowOf(rows);
  const parts: { from: number; to: number; by: 'main' | 'worker' }[] = [];
  const shipper: WorkerRowShipper = new WorkerRowShipper((message: FromCountWorker) => {
    if (message.type !== 'rows') return;
    const pageIds = new Int32Array(message.block, 0, message.rows);
    const userIds = new Int32Array(message.block, 4 * BLOCK_ROWS, message.rows);
    const first = pageIds[0] * 1000 + userIds[0];
    parts.push({ from: first, to: first + message.rows, by: 'main' });
    mainThread(message.block, shipper);
  });
  await shipper.ship(new IdNames(), new IdNames(), 'user-page', 0, 1, entries, rowsAfter, async (from, to) => {
    parts.push({ from, to, by: 'worker' });
  });
  return parts;
}

describe('WorkerRowShipper: the final rows of a window, in blocks', () => {
  const rows = 5 * BLOCK_ROWS + 123;
  const inOrder = (parts: { from: number; to: number }[], total = rows) => parts.every((p, k) => p.from === (k === 0 ? 0 : parts[k - 1].to)) && parts.at(-1)!.to === total;
  const busyMainThread = (block: SharedArrayBuffer, shipper: WorkerRowShipper) => setTimeout(() => shipper.released(block), 50);

  it('go to the main thread to encode while it keeps up', async () => {
    const parts = await ship(rows, (block, shipper) => shipper.released(block));
    expect(parts.map((p) => p.by)).toEqual(Array(6).fill('main'));
    expect(inOrder(parts)).toBe(true);
  });

  it('are encoded by the worker itself while the main thread has two blocks to encode, to the last once it started', async () => {
    // The third block starts with 20 blocks left (327,680 rows): past the 300k at which the
    // worker starts encoding, and it goes on below them.
    const total = 22 * BLOCK_ROWS;
    const parts = await ship(total, busyMainThread);
    expect(parts.map((p) => p.by)).toEqual([...Array(2).fill('main'), ...Array(20).fill('worker')]);
    expect(inOrder(parts, total)).toBe(true);
  });

  it('all go to the main thread, however busy, when fewer than 300k rows are left: the worker would encode them cold', async () => {
    const parts = await ship(rows, busyMainThread);
    expect(parts.map((p) => p.by)).toEqual(Array(6).fill('main'));
    expect(inOrder(parts)).toBe(true);
  });

  it('go to the main thread at the end of a window when more windows follow, so it encodes while the next one sorts', async () => {
    const parts = await ship(rows, busyMainThread, 1_000_000);
    expect(parts.map((p) => p.by)).toEqual(Array(6).fill('main'));
    expect(inOrder(parts)).toBe(true);
  });

  it('of a long window, when more follow, are shared until its last fourteen blocks, which all go to the main thread', async () => {
    const total = 20 * BLOCK_ROWS;
    const parts = await ship(total, busyMainThread, 1_000_000);
    expect(parts.map((p) => p.by)).toEqual([...Array(2).fill('main'), ...Array(4).fill('worker'), ...Array(14).fill('main')]);
    expect(inOrder(parts, total)).toBe(true);
  });
});
