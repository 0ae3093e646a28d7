import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { manyEvents } from '../support/events.js';
import { runPageviews } from '../support/run-cli.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'pageviews-threads-'));

describe('count --threads 2 (this thread decodes, a worker counts) equals --threads 1', () => {
  const text = `${manyEvents(20000)}\n{"userId":"u\\u00e9","pageId":"p\\"q,1","timestamp":1617000000000}\n`;
  it.each([
    ['--by', 'both', '-f', 'csv', '--grace', '0'],
    ['--by', 'user-page', '-f', 'ndjson', '--grace', 'unbounded', '--time-format', 'epoch-ms'],
    ['--by', 'page', '-f', 'csv', '--emit', 'updates'],
    ['--by', 'page', '-f', 'ndjson', '--grace', 'unbounded'],
    ['--by', 'both', '-f', 'csv', '--emit', 'closed', '--grace', '2h'],
    ['--by', 'user-page', '--top', '5'],
  ])('%j', async (...args) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'events.ndjson'), text);
    const one = await runPageviews(['count', 'events.ndjson', '--threads', '1', ...args], { cwd: dir });
    const two = await runPageviews(['count', 'events.ndjson', '--threads', '2', ...args], { cwd: dir });
    const viaStdin = await runPageviews(['count', '--threads', '2', ...args], { stdin: [text] });
    expect(one.code).toBe(0);
    expect(two).toEqual(one);
    expect(viaStdin.stdout).toBe(one.stdout);
  });

  it('stays identical over several hand-over blocks, lines cut between reads, and every id spelling', async () => {
    // ~4.8 MB: more than one block of input; pages and users in raw UTF-8, \u escapes and quotes.
    const spellings = (i: number) => [`p${i}`, `pâge-${i}`, `p\\u00e2ge-${i}`, `q\\"${i}`][i % 4];
    const lines: string[] = [];
    for (let i = 0; i < 70_000; i++) {
      const page = spellings((i * 31) % 503);
      const user = i % 5 === 0 ? `usér-${i % 1009}` : `user-${i % 3001}`;
      lines.push(`{"userId":"${user}","pageId":"${page}","timestamp":${1617000000000 + ((i * 7919 * 104_729) % 3_000_000_000)}}`);
    }
    const text = `${lines.join('\n')}\n`;
    const dir = tempDir();
    writeFileSync(join(dir, 'events.ndjson'), text);
    const args = ['--by', 'both', '-f', 'csv', '--grace', '1h'];
    const one = await runPageviews(['count', 'events.ndjson', '--threads', '1', ...args], { cwd: dir });
    const two = await runPageviews(['count', 'events.ndjson', '--threads', '2', ...args], { cwd: dir });
    const bytes = Buffer.from(text);
    const chunks = Array.from({ length: Math.ceil(bytes.length / 65_537) }, (_, k) => bytes.subarray(k * 65_537, (k + 1) * 65_537));
    const viaStdin = await runPageviews(['count', '--threads', '2', ...args], { stdin: chunks });
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('pâge-');
    expect(two).toEqual(one);
    expect(viaStdin).toEqual(one);
    // A file is read straight into the worker's blocks (here in five reads), a gzip file's
    // bytes go to zlib and its output is copied in: both in one run.
    writeFileSync(join(dir, 'events.ndjson.gz'), gzipSync(bytes));
    const mixed = ['count', 'events.ndjson.gz', 'events.ndjson', ...args];
    const mixedOne = await runPageviews([...mixed, '--threads', '1'], { cwd: dir });
    expect(mixedOne.code).toBe(0);
    expect(await runPageviews([...mixed, '--threads', '2'], { cwd: dir })).toEqual(mixedOne);
  });

  // The worker sorts the final rows and ships them in blocks of 16,384 (up to 16 ahead) to
  // the main thread, which encodes them: 100k rows in one window take seven blocks.
  it.each(['csv', 'ndjson'])('ships a window of 100k final rows in blocks, in order (-f %s)', async (format) => {
    const lines = Array.from({ length: 100_000 }, (_, i) => `{"userId":"u${(i * 7919) % 100_000}","pageId":"p${i % 50}","timestamp":${1617300000000 + i}}`);
    const dir = tempDir();
    writeFileSync(join(dir, 'events.ndjson'), `${lines.join('\n')}\n{"userId":"usér","pageId":"p\\"q,1","timestamp":1617300000000}\n`);
    const args = ['--by', 'both', '-f', format, '--grace', 'unbounded', '-q'];
    await runPageviews(['count', 'events.ndjson', '--threads', '1', '-o', 'one.out', ...args], { cwd: dir });
    const two = await runPageviews(['count', 'events.ndjson', '--threads', '2', '-o', 'two.out', ...args], { cwd: dir });
    expect(two.code).toBe(0);
    const one = readFileSync(join(dir, 'one.out'), 'utf8');
    expect(one.split('\n').length).toBeGreaterThan(100_050);
    expect(one).toContain('usér');
    expect(readFileSync(join(dir, 'two.out'), 'utf8')).toBe(one);
  });

  it('reports invalid records the same way: samples, counts, and the first failure with its origin', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'events.ndjson'), `${manyEvents(500)}oops\n${manyEvents(10)}{"userId":5}\n`);
    for (const policy of ['skip', 'fail']) {
      const one = await runPageviews(['count', 'events.ndjson', '--threads', '1', '--on-invalid', policy, '-f', 'csv'], { cwd: dir });
      const two = await runPageviews(['count', 'events.ndjson', '--threads', '2', '--on-invalid', policy, '-f', 'csv'], { cwd: dir });
      expect(two).toEqual(one);
    }
    const failed = await runPageviews(['count', 'events.ndjson', '--threads', '2', '-f', 'csv', '-o', 'out.csv'], { cwd: dir });
    expect(failed).toMatchObject({ code: 3, stderr: 'pageviews: invalid record: not valid JSON (events.ndjson:501)\n' });
    expect(readdirSync(dir)).toEqual(['events.ndjson']);
  });
});
