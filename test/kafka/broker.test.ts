// Smoke test of the real broker from test/support/kafka-global-setup.mjs: if this fails, every
// other integration test will too, and this one says why in the fewest steps.
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { Kafka, logLevel, Partitioners, type SASLOptions } from 'kafkajs';
import { kafkaBrokers, kafkaSaslBrokers, SASL_PASSWORD, SASL_USER } from '../support/kafka.js';

// NOTHING: the refused login below would otherwise log an ERROR line from kafkajs.
const client = (brokers: string, sasl?: SASLOptions) =>
  new Kafka({ clientId: 'broker-smoke-test', brokers: [brokers], sasl, logLevel: logLevel.NOTHING, retry: { retries: 0 } });

describe('Kafka test broker', () => {
  const created: string[] = [];
  afterAll(async () => {
    if (created.length === 0) return;
    const admin = client(kafkaBrokers()).admin();
    await admin.connect();
    try {
      await admin.deleteTopics({ topics: created });
    } finally {
      await admin.disconnect();
    }
  });

  it('creates a 3-partition topic, takes 10 records, reports high watermarks summing to 10', async () => {
    const kafka = client(kafkaBrokers());
    const topic = `smoke-${randomUUID()}`;
    const admin = kafka.admin();
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
    await admin.connect();
    await producer.connect();
    try {
      // auto.create.topics.enable=false on the test broker: topics exist only if created.
      expect(await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true })).toBe(true);
      created.push(topic);
      const messages = Array.from({ length: 10 }, (_, i) => ({
        key: `user-${i}`,
        value: JSON.stringify({ userId: `user-${i}`, pageId: 'p001', timestamp: 1_617_159_755_012 + i }),
      }));
      await producer.send({ topic, messages, acks: -1 });

      const offsets = await admin.fetchTopicOffsets(topic);
      expect(offsets.map((o) => o.partition).sort()).toEqual([0, 1, 2]);
      expect(offsets.reduce((sum, o) => sum + Number(o.high), 0)).toBe(10);
      expect(offsets.every((o) => o.low === '0')).toBe(true);
    } finally {
      await producer.disconnect();
      await admin.disconnect();
    }
  });

  it.each(['scram-sha-256', 'scram-sha-512', 'plain'] as const)(
    'authenticates with %s on the SASL listener',
    async (mechanism) => {
      const admin = client(kafkaSaslBrokers(), { mechanism, username: SASL_USER, password: SASL_PASSWORD } as SASLOptions).admin();
      await admin.connect();
      try {
        expect(Array.isArray(await admin.listTopics())).toBe(true);
      } finally {
        await admin.disconnect();
      }
    },
  );

  it('refuses a wrong SCRAM-SHA-256 password', async () => {
    const admin = client(kafkaSaslBrokers(), {
      mechanism: 'scram-sha-256',
      username: SASL_USER,
      password: 'not-the-password',
    }).admin();
    try {
      await expect(admin.connect()).rejects.toMatchObject({
        name: 'KafkaJSSASLAuthenticationError',
        message: expect.stringMatching(/SASL SCRAM SHA256 authentication failed/i),
      });
    } finally {
      await admin.disconnect().catch(() => {});
    }
  });
});
