// --follow against the real broker, as a real process: produce, see the update, produce
// more, see the next, then stop it with a signal.
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker } from '../../scripts/kafka-broker.mjs';
import { kafkaBrokers } from '../support/kafka.js';
import { spawnPageviews } from '../support/spawn.js';
import { eventLine, TestTopics } from '../support/topics.js';

const T0 = Date.UTC(2021, 2, 25); // a Thursday: a window start
const DAY = 86_400_000;
let topics: TestTopics;

beforeAll(() => {
  topics = new TestTopics();
});
afterAll(async () => {
  await topics.cleanup();
});

function follow(args: string[], brokers = kafkaBrokers(), cwd = process.cwd()) {
  return spawnPageviews(['count', '--follow', ...args], { cwd, env: { KAFKA_BROKERS: brokers }, stdin: 'ignore' });
}

describe('count --follow', () => {
  it('--emit updates prints each count change as it happens; SIGINT stops it cleanly', async () => {
    const topic = await topics.create(2);
    const run = follow(['--from-topic', topic, '--emit', 'updates', '-f', 'csv', '--grace', 'unbounded']);
    await topics.produce(topic, [{ value: eventLine('u1', 'p004', T0 + DAY), key: 'p004' }]);
    await expect.poll(run.stdout, { timeout: 15_000 }).toContain('p004,2021-03-25T00:00:00Z,2021-04-01T00:00:00Z,1\n');
    await topics.produce(topic, [{ value: eventLine('u2', 'p004', T0 + 2 * DAY), key: 'p004' }]);
    await expect.poll(run.stdout, { timeout: 15_000 }).toContain('p004,2021-03-25T00:00:00Z,2021-04-01T00:00:00Z,2\n');
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toBe('pageId,windowStart,windowEnd,count\np004,2021-03-25T00:00:00Z,2021-04-01T00:00:00Z,1\np004,2021-03-25T00:00:00Z,2021-04-01T00:00:00Z,2\n');
    expect(run.stderr()).toContain('2 events read: 2 counted');
  });

  it('--emit closed prints a window once stream time passes its end; final rows at SIGTERM for final', async () => {
    const topic = await topics.create(1);
    const closed = follow(['--from-topic', topic, '--emit', 'closed', '-f', 'csv']);
    const final = follow(['--from-topic', topic, '-f', 'csv']);
    await topics.produce(topic, [{ value: eventLine('u1', 'p1', T0 + DAY) }, { value: eventLine('u1', 'p1', T0 + 2 * DAY) }]);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(closed.stdout()).toBe('pageId,windowStart,windowEnd,count\n'); // the week is still open
    await topics.produce(topic, [{ value: eventLine('u1', 'p2', T0 + 8 * DAY) }]);
    await expect.poll(closed.stdout, { timeout: 15_000 }).toBe('pageId,windowStart,windowEnd,count\np1,2021-03-25T00:00:00Z,2021-04-01T00:00:00Z,2\n');
    closed.child.kill('SIGINT');
    final.child.kill('SIGTERM');
    expect(await closed.exited).toBe(0);
    expect(await final.exited).toBe(0);
    expect(final.stdout()).toBe(
      'pageId,windowStart,windowEnd,count\np1,2021-03-25T00:00:00Z,2021-04-01T00:00:00Z,2\np2,2021-04-01T00:00:00Z,2021-04-08T00:00:00Z,1\n',
    );
  });
});

describe('stdout holds only data rows', () => {
  it('even with --verbose, kafkajs logs go to stderr', async () => {
    const topic = await topics.create(2);
    await topics.produce(topic, [{ value: eventLine('u1', 'p1', T0) }, { value: eventLine('u2', 'p2', T0 + DAY) }]);
    const run = spawnPageviews(['count', '--from-topic', topic, '-f', 'csv', '--verbose'], { env: { KAFKA_BROKERS: kafkaBrokers() }, stdin: 'ignore' });
    expect(await run.exited).toBe(0);
    expect(run.stdout()).toBe('pageId,windowStart,windowEnd,count\np1,2021-03-25T00:00:00Z,2021-04-01T00:00:00Z,1\np2,2021-03-25T00:00:00Z,2021-04-01T00:00:00Z,1\n');
    expect(run.stderr()).toMatch(/^pageviews: kafka info \[Consumer\]: Starting$/m);
  });
});

describe('a broker lost mid-replay', () => {
  it('fails with the Kafka exit code and leaves no partial -o file', async () => {
    const broker = await startBroker({ sasl: false });
    try {
      const own = new TestTopics(broker.brokers);
      const topic = await own.create(1);
      await own.produce(topic, [{ value: eventLine('u1', 'p1', T0) }]);
      await own.cleanup({ keepTopics: true });
      const dir = mkdtempSync(join(tmpdir(), 'pageviews-lost-'));
      const run = follow(['--from-topic', topic, '-f', 'csv', '-o', 'out.csv'], broker.brokers, dir);
      await expect.poll(() => run.stderr() + readdirSync(dir).join(','), { timeout: 15_000 }).toContain('.tmp-');
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await broker.stop();
      expect(await run.exited).toBe(5);
      expect(run.stderr()).toMatch(/^pageviews: .*\(topic .*\)$/m);
      expect(readdirSync(dir)).toEqual([]);
      expect(existsSync(join(dir, 'out.csv'))).toBe(false);
    } finally {
      await broker.stop();
    }
  }, 120_000);
});
