import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPageviews } from '../support/run-cli.js';

const tempDir = () => mkdtempSync(join(tmpdir(), 'pageviews-sample-'));
const EVENT_LINE = /^\{"userId":"[^"]+","pageId":"[^"]+","timestamp":\d+\}$/;

describe('produce-sample to stdout and files', () => {
  it('writes --count NDJSON events with short ids, and a summary on stderr', async () => {
    const result = await runPageviews(['produce-sample', '--count', '5', '--ids', 'short']);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(5);
    for (const line of lines) expect(line).toMatch(/^\{"userId":"u\d{3}","pageId":"p\d{3}","timestamp":\d{13}\}$/);
    expect(result.stderr).toMatch(/^pageviews: produced 5 events to stdout in \d+\.\d\d s \([\d,]+ events\/s\)\n$/);
  });

  it('gives the same bytes for the same seed and flags, other bytes for another seed', async () => {
    const args = ['produce-sample', '--count', '2000', '--users', '30', '-q'];
    const first = await runPageviews([...args, '--seed', '7']);
    const again = await runPageviews([...args, '--seed', '7']);
    const other = await runPageviews([...args, '--seed', '8']);
    expect(first.stdout.split('\n')).toHaveLength(2001);
    expect(again.stdout).toBe(first.stdout);
    expect(other.stdout).not.toBe(first.stdout);
    expect(first.stderr).toBe(''); // --quiet
  });

  it('-o writes the same bytes atomically to a file, nothing to stdout', async () => {
    const dir = tempDir();
    const toStdout = await runPageviews(['produce-sample', '--count', '300']);
    const toFile = await runPageviews(['produce-sample', '--count', '300', '-o', 'sample.ndjson'], { cwd: dir });
    expect(toFile.code).toBe(0);
    expect(toFile.stdout).toBe('');
    expect(readFileSync(join(dir, 'sample.ndjson'), 'utf8')).toBe(toStdout.stdout);
    expect(readdirSync(dir)).toEqual(['sample.ndjson']);
    expect(toFile.stderr).toMatch(/^pageviews: produced 300 events to sample\.ndjson in /);
  });

  it('takes --start as ISO time or epoch ms, and keeps times in [start - late-by, start + span)', async () => {
    const args = ['produce-sample', '--count', '500', '--span', '1h', '--late-by', '10m', '--late-fraction', '0.3'];
    const iso = await runPageviews([...args, '--start', '2021-04-01T00:00:00Z']);
    const epoch = await runPageviews([...args, '--start', String(Date.UTC(2021, 3, 1))]);
    expect(epoch.stdout).toBe(iso.stdout);
    const start = Date.UTC(2021, 3, 1);
    for (const line of iso.stdout.trimEnd().split('\n')) {
      expect(line).toMatch(EVENT_LINE);
      const { timestamp } = JSON.parse(line) as { timestamp: number };
      expect(timestamp).toBeGreaterThanOrEqual(start - 600_000);
      expect(timestamp).toBeLessThan(start + 3_600_000);
    }
  });

  it('--rate holds the run back: 30 events at 100/s take at least 0.2 s', async () => {
    const started = performance.now();
    const result = await runPageviews(['produce-sample', '--count', '30', '--rate', '100/s']);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')).toHaveLength(31);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('SIGINT stops a run with exit 130 and leaves no file behind', async () => {
    const dir = tempDir();
    const controller = new AbortController();
    setTimeout(() => controller.abort('SIGINT'), 300);
    const result = await runPageviews(['produce-sample', '--count', '1000', '--rate', '100/s', '-o', 'out.ndjson'], { cwd: dir, signal: controller.signal });
    expect(result.code).toBe(130);
    expect(result.stderr).toBe('pageviews: interrupted by SIGINT\n');
    expect(existsSync(join(dir, 'out.ndjson'))).toBe(false);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('produce-sample flag validation: exit 2, the flag named, no output', () => {
  it.each([
    [['--count', '-1'], '--count'],
    [['--count', '1.5'], '--count'],
    [['--users', '0'], '--users'],
    [['--pages', 'many'], '--pages'],
    [['--users', '10000001'], '--users'],
    [['--ids', 'guid'], '--ids'],
    [['--start', 'yesterday'], '--start'],
    [['--start', '2021-13-45'], '--start'],
    [['--span', '0'], '--span'],
    [['--span', 'a week'], '--span'],
    [['--skew', '-1'], '--skew'],
    [['--skew', 'high'], '--skew'],
    [['--late-fraction', '1.5'], '--late-fraction'],
    [['--late-by', '0'], '--late-by'],
    [['--late-by', '2 hours'], '--late-by'],
    [['--rate', '0'], '--rate'],
    [['--rate', 'fast'], '--rate'],
    [['--seed', '-3'], '--seed'],
    [['--partitions', '3'], '--partitions'],
    [['--replication-factor', '1'], '--replication-factor'],
    [['-b', '127.0.0.1:9092'], '--brokers'],
    [['--topic', 't', '-o', 'x.ndjson'], '--output'],
    [['--topic', 'no spaces please'], '--topic'],
    [['--topic', 't'], '--brokers'], // no -b and no KAFKA_BROKERS
    [['--topic', 't', '-b', 'localhost:9092', '--partitions', '0'], '--partitions'],
    [['--topic', 't', '-b', 'localhost:9092', '--replication-factor', 'two'], '--replication-factor'],
  ])('%j', async (args, flag) => {
    const result = await runPageviews(['produce-sample', ...args]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(flag);
    expect(result.stderr).toMatch(/^pageviews: [^\n]+\n$/);
  });

  it('--late-by 0 is fine when nothing is late', async () => {
    const result = await runPageviews(['produce-sample', '--count', '3', '--late-by', '0', '--late-fraction', '0']);
    expect(result.code).toBe(0);
  });
});
