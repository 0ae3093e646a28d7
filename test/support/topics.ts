// Unique, self-cleaning topics on the test broker for integration tests.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, Partitioners, type Admin, type Producer } from 'kafkajs';
import { kafkaBrokers } from './kafka.js';

export interface TestRecord {
  value: string;
  key?: string;
  partition?: number;
  timestamp?: number;
}

export class TestTopics {
  private readonly kafka: Kafka;
  private admin: Admin | undefined;
  private producer: Producer | undefined;
  private readonly created: string[] = [];

  constructor(brokers = kafkaBrokers()) {
    this.kafka = new Kafka({ clientId: 'pageviews-tests', brokers: [brokers], logLevel: logLevel.NOTHING });
  }

  async create(partitions: number, prefix = 'pv-test', configEntries?: { name: string; value: string }[]): Promise<string> {
    const topic = `${prefix}-${randomUUID()}`;
    const admin = await this.connectAdmin();
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions, configEntries }], waitForLeaders: true });
    this.created.push(topic);
    return topic;
  }

  /** A topic created elsewhere (e.g. by the CLI) that this helper should delete. */
  adopt(topic: string): void {
    this.created.push(topic);
  }

  async produce(topic: string, records: TestRecord[]): Promise<void> {
    if (!this.producer) {
      this.producer = this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
      await this.producer.connect();
    }
    for (let i = 0; i < records.length; i += 2000) {
      const messages = records.slice(i, i + 2000).map((r) => ({
        value: r.value,
        key: r.key ?? null,
        partition: r.partition,
        timestamp: r.timestamp === undefined ? undefined : String(r.timestamp),
      }));
      await this.producer.send({ topic, messages, acks: -1 });
    }
  }

  /** Records committed in a transaction: the partition then ends in a control record. */
  async produceTransactional(topic: string, records: TestRecord[]): Promise<void> {
    const producer = this.kafka.producer({ transactionalId: `tx-${randomUUID()}`, idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    try {
      const tx = await producer.transaction();
      await tx.send({ topic, messages: records.map((r) => ({ value: r.value, key: r.key ?? null, partition: r.partition })) });
      await tx.commit();
    } finally {
      await producer.disconnect();
    }
  }

  async connectAdmin(): Promise<Admin> {
    if (!this.admin) {
      this.admin = this.kafka.admin();
      await this.admin.connect();
    }
    return this.admin;
  }

  async cleanup({ keepTopics = false } = {}): Promise<void> {
    await this.producer?.disconnect();
    if (this.admin) {
      if (this.created.length > 0 && !keepTopics) await this.admin.deleteTopics({ topics: this.created }).catch(() => {});
      await this.admin.disconnect();
    }
  }
}

/** A page view line whose ids say where it came from. */
export function eventLine(userId: string, pageId: string, timestamp: number): string {
  return JSON.stringify({ userId, pageId, timestamp });
}
