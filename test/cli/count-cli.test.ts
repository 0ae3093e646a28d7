import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runPageviews } from '../support/run-cli.js';
import { spawnPageviews } from '../support/spawn.js';
import { manyEvents } from '../support/events.js';

const SAMPLE = readFileSync('fixtures/reference-sample.ndjson', 'utf8');
const tempDir = () => mkdtempSync(join(tmpdir(), 'pageviews-cli-'));

describe('count: output is the same whatever the chunking and source', () => {
  it('stdin in 1..N-byte chunks, gzip or not, equals the file run, byte for byte', async () => {
    const dir = tempDir();
    const text = manyEvents(3000);
    writeFileSync(join(dir, 'events.ndjson'), text);
    const args = ['count', '--by', 'both', '-f', 'csv', '--grace', '2h'];
    const fromFile = await runPageviews([...args, 'events.ndjson'], { cwd: dir });
    expect(fromFile.code).toBe(0);
    const bytes = Buffer.from(text);
    for (const size of [1, 7, 4096]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      const fromStdin = await runPageviews(args, { stdin: chunks });
      expect(fromStdin.stdout).toBe(fromFile.stdout);
    }
    const gz = gzipSync(bytes);
    const gzChunks = [gz.subarray(0, 1), gz.subarray(1, 10), gz.subarray(10)];
    expect((await runPageviews(args, { stdin: gzChunks })).stdout).toBe(fromFile.stdout);
  });

  it('accounts for every event: read = counted + late + invalid', async () => {
    const text = `${manyEvents(2000)}garbage\n{"userId":"u"}\n`;
    const result = await runPageviews(['count', '--on-invalid', 'skip', '-f', 'csv'], { stdin: [text] });
    const m = /(\d[\d,]*) events read: (\d[\d,]*) counted, (\d[\d,]*) late, (\d[\d,]*) invalid/.exec(result.stderr);
    const [read, counted, late, invalid] = m!.slice(1).map((s) => Number(s.replaceAll(',', '')));
    expect(read).toBe(2002);
    expect(invalid).toBe(2);
    expect(late).toBeGreaterThan(0);
    expect(counted + late + invalid).toBe(read);
  });
});

describe('count -o: atomic file output', () => {
  it('writes the file and leaves no temporary file behind; stdout stays empty', async () => {
    const dir = tempDir();
    const result = await runPageviews(['count', '-', '-f', 'ndjson', '-o', 'out.ndjson'], { stdin: [SAMPLE], cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(readFileSync(join(dir, 'out.ndjson'), 'utf8').split('\n')).toHaveLength(4);
    expect(readdirSync(dir)).toEqual(['out.ndjson']);
  });

  it('an invalid record keeps the old file intact and leaves no partial one', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'out.csv'), 'old content\n');
    const result = await runPageviews(['count', '-f', 'csv', '-o', 'out.csv'], { stdin: [SAMPLE, '{oops\n'], cwd: dir });
    expect(result.code).toBe(3);
    expect(result.stderr).toBe('pageviews: invalid record: not valid JSON (<stdin>:12)\n');
    expect(readFileSync(join(dir, 'out.csv'), 'utf8')).toBe('old content\n');
    expect(readdirSync(dir)).toEqual(['out.csv']);
  });

  it('an unwritable output directory fails before reading any input (I/O exit code 4)', async () => {
    const result = await runPageviews(['count', '-o', '/no/such/dir/out.csv'], { stdin: [SAMPLE] });
    expect(result).toEqual({ code: 4, stdout: '', stderr: 'pageviews: cannot write output: no such file or directory (/no/such/dir/out.csv)\n' });
  });

  it('the output file and the dead-letter file cannot be the same', async () => {
    const result = await runPageviews(['count', '-o', 'x.csv', '--dead-letter', 'x.csv'], { stdin: [SAMPLE], cwd: tempDir() });
    expect(result.code).toBe(4);
  });
});

describe('count --dead-letter', () => {
  it('writes invalid lines and late events with their origin, and implies --on-invalid skip', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'events.ndjson'), `${SAMPLE}not json\n`);
    const result = await runPageviews(['count', 'events.ndjson', '-f', 'csv', '--dead-letter', 'dead.ndjson'], { cwd: dir });
    expect(result.code).toBe(0);
    const dead = readFileSync(join(dir, 'dead.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(dead).toHaveLength(6);
    expect(dead[0]).toEqual({
      origin: 'events.ndjson:7',
      reason: 'late: its window closed at stream time 2021-04-23T00:00:00Z (grace 0ms)',
      record: '{"userId":"u001","pageId":"p001","timestamp":1618704000000}',
    });
    expect(dead[5]).toEqual({ origin: 'events.ndjson:12', reason: 'invalid: not valid JSON', record: 'not json' });
    expect(result.stderr).toContain('skipped invalid record: not valid JSON (events.ndjson:12)');
  });
});

describe('count: terminal behaviour', () => {
  it('colours the table only on a TTY, and never with NO_COLOR or --no-color', async () => {
    const tty = await runPageviews(['count', '-'], { stdin: [SAMPLE], stdoutIsTTY: true });
    expect(tty.stdout).toContain('\u001b[');
    for (const run of [
      runPageviews(['count', '-'], { stdin: [SAMPLE], stdoutIsTTY: true, env: { NO_COLOR: '1' } }),
      runPageviews(['count', '-', '--no-color'], { stdin: [SAMPLE], stdoutIsTTY: true }),
      runPageviews(['count', '-'], { stdin: [SAMPLE], stdoutIsTTY: false }),
    ]) {
      expect((await run).stdout).not.toContain('\u001b[');
    }
  });

  it('--quiet leaves stderr empty on success', async () => {
    expect((await runPageviews(['count', '-q', '-f', 'csv'], { stdin: [SAMPLE] })).stderr).toBe('');
  });

  it('--help and --version work and exit 0', async () => {
    const help = await runPageviews(['count', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Thursday 00:00 UTC');
    expect(help.stdout).toContain('--dead-letter <file>');
    const version = await runPageviews(['--version']);
    expect(version).toMatchObject({ code: 0, stdout: `${JSON.parse(readFileSync('package.json', 'utf8')).version}\n` });
  });

  it('no command prints help on stderr with the usage exit code', async () => {
    const result = await runPageviews([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Usage: pageviews');
  });
});

describe('count as a real process', () => {
  const spawnCount = (args: string[], cwd: string) => spawnPageviews(['count', ...args], { cwd });

  it('piping into head ends quietly: exit 0, no EPIPE error', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'events.ndjson'), manyEvents(20000));
    const run = spawnCount(['events.ndjson', '--by', 'user-page', '-f', 'csv', '--grace', 'unbounded'], dir);
    run.child.stdin.end();
    await new Promise<void>((resolve) => run.child.stdout.once('data', () => resolve()));
    run.child.stdout.destroy(); // what `| head -1` does once it has its line
    expect(await run.exited).toBe(0);
    expect(run.stderr()).not.toMatch(/EPIPE|Error/);
  });

  it('piping into head ends quietly on two threads too, while the worker sends encoded rows', async () => {
    // 200k final rows: the worker encodes blocks itself while this thread has some queued.
    const lines = Array.from({ length: 200_000 }, (_, i) => `{"userId":"u${i}","pageId":"p${i % 50}","timestamp":${1617300000000 + i}}`);
    const dir = tempDir();
    writeFileSync(join(dir, 'events.ndjson'), `${lines.join('\n')}\n`);
    const run = spawnCount(['events.ndjson', '--by', 'user-page', '-f', 'csv', '--grace', 'unbounded', '--threads', '2'], dir);
    run.child.stdin.end();
    await new Promise<void>((resolve) => run.child.stdout.once('data', () => resolve()));
    run.child.stdout.destroy();
    expect(await run.exited).toBe(0);
    expect(run.stderr()).not.toMatch(/EPIPE|Error/);
  });

  // `tail -f events | pageviews count --emit updates`: rows show while stdin is still open.
  it.each(['1', '2'])('--emit updates from a pipe writes each update as its lines arrive (--threads %s)', async (threads) => {
    const dir = tempDir();
    const args = ['-', '--emit', 'updates', '--by', 'both', '-f', 'csv', '-q', '--threads', threads];
    const file = await runPageviews(['count', ...args], { stdin: [SAMPLE] });
    const run = spawnCount(args, dir);
    const lines = SAMPLE.split('\n');
    run.child.stdin.write(`${lines.slice(0, 3).join('\n')}\n`); // stdin stays open
    const deadline = Date.now() + 5_000;
    while (!run.stdout().includes('user-page,p001,u001,2021-03-25T00:00:00Z,2021-04-01T00:00:00Z,3') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(run.stdout()).toContain('user-page,p001,u001,2021-03-25T00:00:00Z,2021-04-01T00:00:00Z,3');
    expect(run.stdout()).not.toContain('p002');
    run.child.stdin.end(lines.slice(3).join('\n'));
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toBe(file.stdout);
  });

  it('Ctrl-C (SIGINT) exits 130 and leaves no partial -o file', async () => {
    const dir = tempDir();
    const run = spawnCount(['-', '-f', 'csv', '-o', 'out.csv'], dir);
    run.child.stdin.write(SAMPLE); // stdin stays open: the run is mid-way
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(readdirSync(dir).some((f) => f.includes('.tmp-'))).toBe(true);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(run.stderr()).toBe('pageviews: interrupted by SIGINT\n');
    expect(readdirSync(dir)).toEqual([]);
    expect(existsSync(join(dir, 'out.csv'))).toBe(false);
  });
});
