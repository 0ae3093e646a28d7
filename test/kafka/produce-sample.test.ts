// produce-sample against the real test broker: topic creation, record layout, partitioning,
// and the same events as the file output.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, Partitioners, type KafkaMessage } from 'kafkajs';
import { kafkaBrokers } from '../support/kafka.js';
import { runPageviews } from '../support/run-cli.js';

const client = () => new Kafka({ clientId: 'produce-sample-test', brokers: [kafkaBrokers()], logLevel: logLevel.NOTHING });
const env = () => ({ KAFKA_BROKERS: kafkaBrokers() });

interface ReadRecord {
  partition: number;
  message: KafkaMessage;
}

/** Reads exactly `count` records from the start of every partition of `topic`. */
async function readTopic(topic: string, count: number): Promise<ReadRecord[]> {
  const consumer = client().consumer({ groupId: `produce-sample-test-${randomUUID()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    const records: ReadRecord[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${records.length} of ${count} records after 20 s`)), 20_000);
      void consumer.run({
        eachMessage: async ({ partition, message }) => {
          records.push({ partition, message });
          if (records.length === count) clearTimeout(timer), resolve();
        },
      });
    });
    return records;
  } finally {
    await consumer.disconnect();
  }
}

describe('produce-sample --topic', () => {
  const created: string[] = [];
  const newTopic = () => {
    const topic = `pv-sample-${randomUUID()}`;
    created.push(topic);
    return topic;
  };
  afterAll(async () => {
    if (created.length === 0) return;
    const admin = client().admin();
    await admin.connect();
    try {
      const existing = await admin.listTopics();
      await admin.deleteTopics({ topics: created.filter((t) => existing.includes(t)) });
    } finally {
      await admin.disconnect();
    }
  });

  it('creates a 3-partition topic holding the same events as -o FILE, keyed and timestamped by the event', async () => {
    const topic = newTopic();
    const args = ['--count', '500', '--users', '40', '--pages', '9', '--seed', '11'];
    const result = await runPageviews(['produce-sample', '--topic', topic, '--partitions', '3', ...args], { env: env() });
    expect(result.stderr).toBe(
      `pageviews: created topic ${topic} with 3 partitions, replication factor 1\n` +
        `pageviews: produced 500 events to topic ${topic} (3 partitions) in 0.00 s (500 events/s)\n`,
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');

    const admin = client().admin();
    await admin.connect();
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] }).finally(() => admin.disconnect());
    expect(metadata.topics[0].partitions).toHaveLength(3);

    const records = await readTopic(topic, 500);
    const partitionOf = Partitioners.DefaultPartitioner();
    const partitionMetadata = [0, 1, 2].map((partitionId) => ({ partitionId, leader: 1, partitionErrorCode: 0, replicas: [1], isr: [1] }));
    for (const { partition, message } of records) {
      const event = JSON.parse(message.value!.toString('utf8')) as { userId: string; pageId: string; timestamp: number };
      expect(message.key!.toString('utf8')).toBe(event.pageId);
      expect(message.timestamp).toBe(String(event.timestamp));
      // where a Java producer (murmur2 of the key) would have put it
      expect(partition).toBe(partitionOf({ topic, partitionMetadata, message: { key: event.pageId, value: null } }));
    }
    expect(new Set(records.map((r) => r.partition)).size).toBeGreaterThan(1);

    const dir = mkdtempSync(join(tmpdir(), 'pageviews-sample-'));
    expect((await runPageviews(['produce-sample', ...args, '-o', 'events.ndjson'], { cwd: dir })).code).toBe(0);
    const fromFile = readFileSync(join(dir, 'events.ndjson'), 'utf8').trimEnd().split('\n').sort();
    expect(records.map((r) => r.message.value!.toString('utf8')).sort()).toEqual(fromFile);
  });

  it('uses an existing topic as it is, and says so when --partitions differs', async () => {
    const topic = newTopic();
    const admin = client().admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true }).finally(() => admin.disconnect());
    const result = await runPageviews(['produce-sample', '--topic', topic, '--partitions', '4', '--count', '20'], { env: env() });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`pageviews: topic ${topic} already exists with 1 partition (not 4); producing to it as it is\n`);
    expect(result.stderr).toContain(`produced 20 events to topic ${topic} (1 partition)`);
    expect(await readTopic(topic, 20)).toHaveLength(20);
  });

  it('reports a refused topic creation (replication factor above the broker count) with its reason, exit 5', async () => {
    const topic = newTopic();
    const result = await runPageviews(['produce-sample', '--topic', topic, '--replication-factor', '3', '--count', '5'], { env: env() });
    expect(result.code).toBe(5);
    expect(result.stderr).toBe(`pageviews: cannot create or read the topic: Replication-factor is invalid (topic ${topic})\n`);
  });

  it('fails with exit 5 and one line when the broker is unreachable, within 15 s', async () => {
    const started = performance.now();
    const result = await runPageviews(['produce-sample', '--topic', 'never-created', '-b', '127.0.0.1:1', '--count', '10']);
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(result.code).toBe(5);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^pageviews: cannot connect to Kafka: [^\n]*ECONNREFUSED[^\n]* \(brokers 127\.0\.0\.1:1\)\n$/);
  });
});
