// count --from-topic against the real broker: one unique topic per test.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaBrokers, kafkaSaslBrokers, SASL_PASSWORD, SASL_USER } from '../support/kafka.js';
import { runPageviews } from '../support/run-cli.js';
import { eventLine, TestTopics } from '../support/topics.js';

const SAMPLE_LINES = readFileSync('fixtures/reference-sample.ndjson', 'utf8').trim().split('\n');
const T0 = Date.UTC(2021, 2, 25);
let topics: TestTopics;
const env = () => ({ KAFKA_BROKERS: kafkaBrokers() });
const count = (args: string[], stdin?: string[]) => runPageviews(['count', ...args], { env: env(), stdin });

/** Deterministic events over five weeks, many out of order; key = pageId like the reference app. */
function events(n: number): { value: string; key: string }[] {
  return Array.from({ length: n }, (_, i) => {
    const pageId = `p${(i * 31) % 17}`;
    return { value: eventLine(`u${(i * 7) % 23}`, pageId, T0 + ((i * 7919 * 104_729) % (35 * 86_400_000))), key: pageId };
  });
}

beforeAll(() => {
  topics = new TestTopics();
});
afterAll(async () => {
  await topics.cleanup();
});

describe('count --from-topic gives the same rows as counting the file', () => {
  it('the reference sample on one partition, grace 0 (stream time as in one stream)', async () => {
    const topic = await topics.create(1);
    await topics.produce(topic, SAMPLE_LINES.map((value) => ({ value, key: JSON.parse(value).pageId })));
    for (const by of ['page', 'user-page', 'both']) {
      const fromFile = await count(['fixtures/reference-sample.ndjson', '--by', by, '-f', 'csv']);
      const fromTopic = await count(['--from-topic', topic, '--by', by, '-f', 'csv']);
      expect(fromTopic.code).toBe(0);
      expect(fromTopic.stdout).toBe(fromFile.stdout);
    }
    const page = await count(['--from-topic', topic, '-f', 'csv']);
    expect(page.stdout).toBe(
      'pageId,windowStart,windowEnd,count\np001,2021-03-25T00:00:00Z,2021-04-01T00:00:00Z,3\np002,2021-03-25T00:00:00Z,2021-04-01T00:00:00Z,1\np002,2021-04-22T00:00:00Z,2021-04-29T00:00:00Z,2\n',
    );
    expect(page.stderr).toContain('11 events read: 6 counted, 5 late, 0 invalid');
  });

  it.each([1, 2, 4])('%i partition(s), grace unbounded, both aggregations', async (partitions) => {
    const records = events(3000);
    const topic = await topics.create(partitions);
    await topics.produce(topic, records);
    const fromFile = await count(['-', '--by', 'both', '-f', 'ndjson', '--grace', 'unbounded'], [records.map((r) => `${r.value}\n`).join('')]);
    const fromTopic = await count(['--from-topic', topic, '--by', 'both', '-f', 'ndjson', '--grace', 'unbounded']);
    expect(fromTopic.code).toBe(0);
    expect(fromTopic.stdout).toBe(fromFile.stdout);
    expect(fromTopic.stderr).toContain('3,000 events read: 3,000 counted');
  });
});

describe('produce-sample --topic then count --from-topic equals produce-sample -o then count FILE', () => {
  const sample = ['--count', '4000', '--users', '300', '--pages', '40', '--span', '21d', '--seed', '7'];
  const cases = [
    { partitions: 1, grace: 'unbounded' },
    { partitions: 2, grace: 'unbounded' },
    { partitions: 4, grace: 'unbounded' },
    { partitions: 1, grace: '0' }, // one partition = one stream: the same late events as the file
  ];
  it.each(cases)('$partitions partition(s), grace $grace', async ({ partitions, grace }) => {
    const dir = mkdtempSync(join(tmpdir(), 'pageviews-sample-'));
    const topic = `pv-sample-${randomUUID()}`;
    const produced = await runPageviews(['produce-sample', ...sample, '--topic', topic, '--partitions', String(partitions), '-q'], { env: env() });
    expect(produced.code).toBe(0);
    topics.adopt(topic);
    expect((await runPageviews(['produce-sample', ...sample, '-o', 'events.ndjson', '-q'], { cwd: dir })).code).toBe(0);
    const args = ['--by', 'both', '-f', 'csv', '--grace', grace];
    const fromFile = await runPageviews(['count', 'events.ndjson', ...args], { cwd: dir });
    const fromTopic = await count(['--from-topic', topic, ...args]);
    expect(fromTopic.code).toBe(0);
    expect(fromTopic.stdout).toBe(fromFile.stdout);
    expect(fromTopic.stdout.split('\n').length).toBeGreaterThan(100);
    const summary = (stderr: string) => /events read: .*?;/.exec(stderr)?.[0];
    expect(summary(fromTopic.stderr)).toBe(summary(fromFile.stderr));
    if (grace === '0') expect(fromFile.stderr).toMatch(/[1-9][\d,]* late events dropped/);
  });
});

describe('count --from-topic --threads 1 and 2 (a count worker) agree', () => {
  // Rows in processing order (updates) interleave partitions as batches arrive: one partition there.
  it.each([
    { partitions: 3, args: ['--by', 'both', '-f', 'csv', '--grace', '0'] },
    { partitions: 1, args: ['--by', 'user-page', '-f', 'ndjson', '--emit', 'updates'] },
    { partitions: 3, args: ['--by', 'page', '-f', 'csv', '--emit', 'closed', '--grace', '1h'] },
    { partitions: 3, args: ['--by', 'page', '--top', '3'] },
  ])('$partitions partition(s) $args', async ({ partitions, args }) => {
    const topic = await topics.create(partitions);
    await topics.produce(topic, events(5000));
    const one = await count(['--from-topic', topic, '--threads', '1', ...args]);
    const two = await count(['--from-topic', topic, '--threads', '2', ...args]);
    expect(one.code).toBe(0);
    expect(two).toEqual({ ...one, stderr: two.stderr });
    expect(two.stderr.replace(/in .*$/m, '')).toBe(one.stderr.replace(/in .*$/m, ''));
  });

  it('invalid records: the same error, exit code and dead letters', async () => {
    const topic = await topics.create(1);
    await topics.produce(topic, [...events(300), { value: 'not json', key: 'x' }, ...events(10)]);
    for (const threads of ['1', '2']) {
      const failed = await count(['--from-topic', topic, '--threads', threads, '-f', 'csv']);
      expect(failed).toMatchObject({ code: 3, stdout: '' });
      expect(failed.stderr).toBe(`pageviews: invalid record: not valid JSON (${topic}[0]@300)\n`);
    }
    const dir = mkdtempSync(join(tmpdir(), 'pageviews-dead-'));
    const dead = async (threads: string) => {
      const r = await runPageviews(['count', '--from-topic', topic, '--threads', threads, '--dead-letter', `dead-${threads}.ndjson`, '-o', `out-${threads}.csv`, '-f', 'csv'], { env: env(), cwd: dir });
      expect(r.code).toBe(0);
      return [readFileSync(join(dir, `dead-${threads}.ndjson`), 'utf8'), readFileSync(join(dir, `out-${threads}.csv`), 'utf8')];
    };
    const [dead1, out1] = await dead('1');
    expect(dead1).toContain(`"origin":"${topic}[0]@300","reason":"invalid: not valid JSON"`);
    expect(await dead('2')).toEqual([dead1, out1]);
  });
});

describe('a long replay is shared by two consumers (a fetch worker), with the same results', () => {
  it('120,000 records over 4 partitions, one invalid: rows, skipped record and error as on one thread', async () => {
    const topic = await topics.create(4);
    const records = events(120_000).map((r, i) => ({ ...r, partition: i % 4 }));
    records.splice(4 * 20_000 + 3, 0, { value: 'not json', key: 'x', partition: 3 }); // partition 3, offset 20,000
    await topics.produce(topic, records);
    const args = ['--from-topic', topic, '--by', 'both', '-f', 'csv', '--grace', 'unbounded', '--on-invalid', 'skip'];
    const one = await count([...args, '--threads', '1', '--verbose']);
    const two = await count([...args, '--threads', '2', '--verbose']);
    expect(one.code).toBe(0);
    expect(two.stdout).toBe(one.stdout);
    const joins = (stderr: string) => stderr.split('\n').filter((line) => line.includes('Consumer has joined the group')).length;
    expect([joins(one.stderr), joins(two.stderr)]).toEqual([1, 2]);
    const notes = (stderr: string) => stderr.split('\n').filter((line) => !line.includes('kafka info')).join('\n').replace(/ in .*/, '');
    expect(notes(two.stderr)).toBe(notes(one.stderr));
    expect(two.stderr).toContain(`skipped invalid record: not valid JSON (${topic}[3]@20000)`);
    expect(two.stderr).toContain('120,001 events read: 120,000 counted, 0 late, 1 invalid;');
    // The fetch worker's record fails the run while this thread's consumer still runs: both stop, no partial file.
    const dir = mkdtempSync(join(tmpdir(), 'pageviews-split-'));
    const failed = await runPageviews(['count', '--from-topic', topic, '-f', 'csv', '--threads', '2', '-o', 'out.csv'], { env: env(), cwd: dir });
    expect(failed).toMatchObject({ code: 3, stdout: '' });
    expect(failed.stderr).toBe(`pageviews: invalid record: not valid JSON (${topic}[3]@20000)\n`);
    expect(readdirSync(dir)).toEqual([]);
  }, 60_000);
});

describe('count --from-topic selects exactly the requested records', () => {
  let topic: string;
  // partition 0: pages a0..a9 at offsets 0..9; partition 1: b0..b4; record timestamp = T0 + offset hours
  beforeAll(async () => {
    topic = await topics.create(3);
    const hour = 3_600_000;
    await topics.produce(topic, [
      ...Array.from({ length: 10 }, (_, i) => ({ value: eventLine('u', `a${i}`, T0 + i * hour), partition: 0, timestamp: T0 + i * hour })),
      ...Array.from({ length: 5 }, (_, i) => ({ value: eventLine('u', `b${i}`, T0 + i * hour), partition: 1, timestamp: T0 + i * hour })),
    ]);
  });
  const pagesOf = (csv: string) => csv.trim().split('\n').slice(1).map((row) => row.split(',')[0]).sort();

  it.each([
    { args: [], pages: ['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'a8', 'a9', 'b0', 'b1', 'b2', 'b3', 'b4'] },
    { args: ['--partitions', '0', '--from', '2', '--until', '5'], pages: ['a2', 'a3', 'a4'] },
    { args: ['--partitions', '1,2', '--from', '-2'], pages: ['b3', 'b4'] },
    { args: ['--from', 'latest'], pages: [] },
    { args: ['--from', '8'], pages: ['a8', 'a9'] },
    { args: ['--partitions', '0', '--from', '2021-03-25T03:00:00Z', '--until', '2021-03-25T05:00:00Z'], pages: ['a3', 'a4'] },
    { args: ['--from', String(T0 + 4 * 3_600_000)], pages: ['a4', 'a5', 'a6', 'a7', 'a8', 'a9', 'b4'] },
    { args: ['--partitions', '0', '--max-messages', '3'], pages: ['a0', 'a1', 'a2'] },
  ])('$args', async ({ args, pages }) => {
    const result = await count(['--from-topic', topic, '-f', 'csv', '--grace', 'unbounded', ...args]);
    expect(result.code).toBe(0);
    expect(pagesOf(result.stdout)).toEqual(pages);
  });

  it('an unknown partition is a usage error', async () => {
    const result = await count(['--from-topic', topic, '--partitions', '7']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("has no partition 7 (it has 3: 0-2)");
  });
});

describe('count --from-topic ends by itself', () => {
  it('on an empty topic and on empty partitions', async () => {
    const empty = await topics.create(4);
    const result = await count(['--from-topic', empty, '-f', 'csv']);
    expect(result).toMatchObject({ code: 0, stdout: 'pageId,windowStart,windowEnd,count\n' });
    const partly = await topics.create(4);
    await topics.produce(partly, SAMPLE_LINES.map((value) => ({ value, partition: 2 })));
    const r = await count(['--from-topic', partly, '-f', 'csv']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('11 events read');
  });

  it('when a partition ends in a transaction marker (a control record)', async () => {
    const topic = await topics.create(2);
    await topics.produceTransactional(topic, SAMPLE_LINES.map((value) => ({ value, partition: 0 })));
    const admin = await topics.connectAdmin();
    // The coordinator writes the commit marker just after EndTxn answers: wait for it.
    await expect.poll(async () => Number((await admin.fetchTopicOffsets(topic)).find((p) => p.partition === 0)!.high), { timeout: 10_000 }).toBe(12);
    const result = await count(['--from-topic', topic, '-f', 'csv', '--grace', 'unbounded']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('11 events read: 11 counted');
  });

  it('past a record batch bigger than what it fetches of a partition at a time (1 MiB)', async () => {
    // One send is one batch: two events of 600 KB make it 1.2 MB, which the topic allows.
    const topic = await topics.create(1, 'pv-test', [{ name: 'max.message.bytes', value: '3000000' }]);
    const big = (userId: string) => JSON.stringify({ userId, pageId: 'p1', timestamp: T0, note: 'x'.repeat(600_000) });
    await topics.produce(topic, [{ value: eventLine('u1', 'p1', T0) }, { value: big('u2') }, { value: big('u3') }, { value: eventLine('u4', 'p1', T0 + 1) }]);
    const result = await count(['--from-topic', topic, '-f', 'csv']);
    expect(result).toMatchObject({ code: 0, stdout: 'pageId,windowStart,windowEnd,count\np1,2021-03-25T00:00:00Z,2021-04-01T00:00:00Z,4\n' });
    expect(result.stderr).toContain('4 events read: 4 counted');
  });
});

describe('count --from-topic --group', () => {
  it('commits nothing without --group, and the end offsets with it, after the output', async () => {
    const topic = await topics.create(2);
    await topics.produce(topic, SAMPLE_LINES.map((value, i) => ({ value, partition: i % 2 })));
    const admin = await topics.connectAdmin();
    const groupsBefore = (await admin.listGroups()).groups.map((g) => g.groupId);
    expect((await count(['--from-topic', topic, '-q'])).code).toBe(0);
    const groupsAfter = (await admin.listGroups()).groups.map((g) => g.groupId);
    expect(groupsAfter.filter((g) => !groupsBefore.includes(g) && g.startsWith('pageviews'))).toEqual([]);

    const group = `pv-group-${Date.now()}`;
    // An invalid record fails the run: nothing may be committed.
    await topics.produce(topic, [{ value: 'not json', partition: 0 }]);
    expect((await count(['--from-topic', topic, '--group', group, '-q'])).code).toBe(3);
    const [none] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    expect(none.partitions.map((p) => p.offset)).toEqual(['-1', '-1']);

    expect((await count(['--from-topic', topic, '--group', group, '--on-invalid', 'skip', '-q'])).code).toBe(0);
    const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    expect(committed.partitions.sort((a, b) => a.partition - b.partition).map((p) => p.offset)).toEqual(['7', '5']);
    // --from committed continues from there: nothing new to read
    const again = await count(['--from-topic', topic, '--group', group, '--from', 'committed', '-f', 'csv']);
    expect(again.stderr).toContain('0 events read');
  });
});

describe('count --from-topic errors', () => {
  it('a missing topic is a Kafka error, never auto-created', async () => {
    const result = await count(['--from-topic', 'pv-no-such-topic']);
    expect(result).toMatchObject({ code: 5, stdout: '' });
    expect(result.stderr).toBe("pageviews: topic 'pv-no-such-topic' does not exist (count never creates topics) (topic pv-no-such-topic)\n");
    const admin = await topics.connectAdmin();
    expect(await admin.listTopics()).not.toContain('pv-no-such-topic');
  });

  it('an unreachable broker is one line and exit 5', async () => {
    const result = await runPageviews(['count', '--from-topic', 'x', '-b', '127.0.0.1:1']);
    expect(result.code).toBe(5);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^pageviews: cannot connect to Kafka: .*ECONNREFUSED.*\(127\.0\.0\.1:1\)$/m);
  });

  it.each([
    [['--from', 'yesterday'], '--from'],
    [['--until', '-5'], '--until'],
    [['--partitions', 'a'], '--partitions'],
    [['--max-messages', '0'], '--max-messages'],
    [['--follow', '--until', '5'], '--until'],
  ])('%j is a usage error naming %s', async (args, flag) => {
    const result = await count(['--from-topic', 'x', ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`(${flag})`);
  });

  it('Kafka flags without --from-topic, and files with it, are usage errors', async () => {
    expect((await count(['--from', '5', 'x.ndjson'])).code).toBe(2);
    expect((await count(['--from-topic', 't', 'x.ndjson'])).code).toBe(2);
  });
});

describe('count --from-topic with SASL', () => {
  it('authenticates with SCRAM-SHA-256, and a wrong password is refused', async () => {
    const topic = await topics.create(1);
    await topics.produce(topic, SAMPLE_LINES.map((value) => ({ value })));
    const args = ['count', '--from-topic', topic, '-b', kafkaSaslBrokers(), '--sasl-mechanism', 'scram-sha-256', '--sasl-username', SASL_USER, '-f', 'csv'];
    const ok = await runPageviews(args, { env: { KAFKA_SASL_PASSWORD: SASL_PASSWORD } });
    expect(ok.code).toBe(0);
    expect(ok.stdout.split('\n')).toHaveLength(5);
    const refused = await runPageviews(args, { env: { KAFKA_SASL_PASSWORD: 'wrong' } });
    expect(refused.code).toBe(5);
    expect(refused.stderr).toMatch(/authentication failed.*check the user, password and mechanism/i);
  });

  it('refuses PLAIN without TLS unless allowed, and never takes a password from argv', async () => {
    const plain = await runPageviews(['count', '--from-topic', 't', '--sasl-mechanism', 'plain', '--sasl-username', 'u'], { env: { ...env(), KAFKA_SASL_PASSWORD: 'p' } });
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain('--allow-insecure-plain');
    const argv = await runPageviews(['count', '--from-topic', 't', '--sasl-password', 'secret'], { env: env() });
    expect(argv.code).toBe(2);
  });
});
