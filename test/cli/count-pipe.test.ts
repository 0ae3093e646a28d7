import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { manyEvents } from '../support/events.js';
import { runPageviews } from '../support/run-cli.js';
import { BIN } from '../support/spawn.js';

const SAMPLE = readFileSync('fixtures/reference-sample.ndjson', 'utf8');
const tempDir = () => mkdtempSync(join(tmpdir(), 'pageviews-pipe-'));

describe('count from a real pipe (read by a thread of its own on Linux)', () => {
  /** Runs a shell pipeline; resolves with its output once stderr shows `exit N`. */
  const pipeline = (script: string, cwd: string) => {
    const child = spawn('bash', ['-c', script], { cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    const started = Date.now();
    const ended = new Promise<{ stdout: string; stderr: string; ms: number }>((resolve) => {
      child.stderr.on('data', (d) => {
        stderr += d;
        if (/exit \d+/.test(stderr)) resolve({ stdout, stderr, ms: Date.now() - started });
      });
    });
    return { ended, stdout: () => stdout, stop: () => process.kill(-child.pid!, 'SIGKILL') };
  };

  // ~5 MB: a hundred 64 KiB pipe reads, more 1 MiB slots than the reader has (it waits
  // for free ones), lines cut between reads and between slots; one and two threads. With
  // two, slots handed over whole go to the count worker as they are and are read into new
  // memory from then on: ~15 MB go round the slots often enough for that to show.
  it.each([
    ['page', '', 90_000],
    ['page', '--threads 2', 90_000], // a pipe counted per page only gets one thread by default
    ['both', '', 250_000],
  ])('gives the same rows as the file, over many pipe reads and lines cut between them (--by %s %s)', async (by, threads, events) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'events.ndjson'), manyEvents(events));
    const file = await runPageviews(['count', 'events.ndjson', '--by', by, '-f', 'csv', '-q'], { cwd: dir });
    // No read-ahead: a 5 MB pipe would be counted on one thread.
    const run = pipeline(`cat events.ndjson | PAGEVIEWS_SMALL_PIPE_BYTES=0 node "${BIN}" count --by ${by} ${threads} -f csv -q; echo "exit $?" >&2`, dir);
    const piped = await run.ended;
    expect(piped.stderr).toBe('exit 0\n');
    expect(piped.stdout).toBe(file.stdout);
  });

  // --threads auto reads a pipe ahead (16 MiB by default) and counts it on one thread when it
  // ended within that, else on two. The read-ahead chunks are copies of the reader's four
  // slots (11.5 MB go round them three times), and the rest of the input follows them,
  // whichever way the count goes.
  const summaryOf = (stderr: string) => stderr.replace(/ in [\d.]+ s \([\d,]+ events\/s\)/, '');
  it.each([
    ['ends within the read-ahead', 'cat events.ndjson', 20_000_000],
    ['goes on past the read-ahead', 'cat events.ndjson', 300_000],
    ['is not read ahead at all', 'cat events.ndjson', 0],
    // The read-ahead waits 150 ms at most: the read still pending then comes first after it.
    ['pauses within the read-ahead', '(head -c 2000000 events.ndjson; sleep 0.5; tail -c +2000001 events.ndjson)', 20_000_000],
  ])('gives the same rows and summary as the file when the pipe %s', async (_, writer, bytes) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'events.ndjson'), manyEvents(150_000)); // out of order: many late under 1h of grace
    const args = '--by both -f csv --grace 1h';
    const file = await runPageviews(['count', 'events.ndjson', ...args.split(' ')], { cwd: dir });
    const run = pipeline(`${writer} | PAGEVIEWS_SMALL_PIPE_BYTES=${bytes} node "${BIN}" count ${args}; echo "exit $?" >&2`, dir);
    const piped = await run.ended;
    expect(file.stderr).toMatch(/150,000 events read: [\d,]+ counted, [\d,]+ late, 0 invalid;/);
    expect(summaryOf(piped.stderr)).toBe(`${summaryOf(file.stderr)}exit 0\n`);
    expect(piped.stdout).toBe(file.stdout);
  });

  it('refuses a PAGEVIEWS_SMALL_PIPE_BYTES that is not a number of bytes (usage exit code)', async () => {
    const result = await runPageviews(['count'], { stdin: [SAMPLE], env: { PAGEVIEWS_SMALL_PIPE_BYTES: '16M' } });
    expect(result).toEqual({ code: 2, stdout: '', stderr: "pageviews: invalid PAGEVIEWS_SMALL_PIPE_BYTES '16M': use a whole number of bytes (PAGEVIEWS_SMALL_PIPE_BYTES)\n" });
  });

  // A slow writer: each piece is read while the main thread waits, and taken from the slot
  // the reader is still filling; pieces cut lines anywhere and run across slots.
  it('gives the same rows as the file when the input comes in small pieces with pauses between', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'events.ndjson'), manyEvents(40_000)); // 3.3 MB: four slots
    writeFileSync(
      join(dir, 'slow-cat.mjs'),
      `import { readFileSync, writeSync } from 'node:fs';
const bytes = readFileSync('events.ndjson');
for (let at = 0, k = 0; at < bytes.length; k++) {
  const n = Math.min(bytes.length - at, k % 3 === 0 ? 200_000 : 1_000 + ((k * 7_919) % 9_000));
  for (let done = 0; done < n; ) done += writeSync(1, bytes, at + done, n - done);
  at += n;
  await new Promise((resolve) => setTimeout(resolve, 3));
}`,
    );
    const file = await runPageviews(['count', 'events.ndjson', '--by', 'both', '-f', 'csv', '-q'], { cwd: dir });
    const run = pipeline(`node slow-cat.mjs | node "${BIN}" count --by both -f csv -q; echo "exit $?" >&2`, dir);
    const piped = await run.ended;
    expect(piped.stderr).toBe('exit 0\n');
    expect(piped.stdout).toBe(file.stdout);
  });

  // Lines 1-3 are in the pipe before the run waits for input, lines 4-6 come while it waits.
  it('--emit updates shows the rows of lines written so far while the writer is idle', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'events.ndjson'), SAMPLE);
    const script = `(head -3 events.ndjson; sleep 1; sed -n 4,6p events.ndjson; sleep 20) | node "${BIN}" count --emit updates --by both -f csv -q`;
    const run = pipeline(script, dir);
    const rowOf = (line: number) => (line === 3 ? 'user-page,p001,u001,2021-03-25T00:00:00Z,2021-04-01T00:00:00Z,3' : 'user-page,p002,u002,2021-04-22T00:00:00Z,2021-04-29T00:00:00Z,2');
    try {
      for (const line of [3, 6]) {
        const deadline = Date.now() + 5_000;
        while (!run.stdout().includes(rowOf(line)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
        expect(run.stdout()).toContain(rowOf(line));
      }
    } finally {
      run.stop();
    }
  });

  // Exit waits for the reader thread, which a read on an idle writer would hold: the second
  // Ctrl-C ends that read first. (Before, about one run in three hung until the writer
  // closed: when both signals came in one turn of the event loop. Three runs here.)
  it('a second Ctrl-C exits at once (130) while the writer is still open and idle', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'events.ndjson'), manyEvents(40_000));
    const once = `(head -c 2000000 events.ndjson; sleep 30) | { node "${BIN}" count -f csv > /dev/null 2>&1 & P=$!; sleep 1; kill -INT $P; kill -INT $P; wait $P; echo -n "$? " >&2; }`;
    const run = pipeline(`for i in 1 2 3; do ${once} & sleep 1.5; done; sleep 1; echo "exit 0" >&2`, dir);
    try {
      const result = await run.ended;
      expect(result.stderr).toBe('130 130 130 exit 0\n');
    } finally {
      run.stop();
    }
  });

  it('stops at a bad line while the writer is still open, without waiting for it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'events.ndjson'), SAMPLE);
    const run = pipeline(`(cat events.ndjson; echo oops; sleep 20) | { node "${BIN}" count -f csv; echo "exit $?" >&2; }`, dir);
    try {
      const result = await run.ended;
      expect(result.stderr).toBe('pageviews: invalid record: not valid JSON (<stdin>:12)\nexit 3\n');
      expect(result.ms).toBeLessThan(5_000);
    } finally {
      run.stop();
    }
  });
});
