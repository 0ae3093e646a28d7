import type { Writable } from 'node:stream';
import type { Admin, ICustomPartitioner, Message, Producer } from 'kafkajs';
import { KafkaError } from '../errors.js';
import type { SampleEventSink } from '../sample/event-sink.js';
import { sampleLine, type SampleEvent } from '../sample/generator.js';
import { createKafka, kafkaErrorFrom } from './client.js';
import { kafkajs } from './kafkajs.js';
import type { KafkaConnection } from './connection.js';

export interface TopicRequest {
  readonly topic: string;
  /** Used when the topic is created; compared (with a notice) when it exists. */
  readonly partitions: number;
  /** True when --partitions was given, so a difference from an existing topic is worth a notice. */
  readonly partitionsExplicit: boolean;
  readonly replicationFactor: number;
}

export interface TopicInfo {
  readonly topic: string;
  readonly partitions: number;
  readonly created: boolean;
}

/**
 * Records per `send`: far under the broker's default message.max.bytes (1 MiB) per record
 * batch even with UUID ids. Not more, because kafkajs groups a send's messages by partition
 * in quadratic time.
 *
 * One send at a time: concurrent kafkajs sends may reach a partition out of call order
 * (seen: a 1-partition topic whose order differed from the file), and the order within a
 * partition is what stream time and grace are computed from, so a replay must see the
 * events in the order they were generated.
 */
const PRODUCE_BATCH_SIZE = 1000;
const MAX_IN_FLIGHT = 1;

/** Creates the topic if it is missing; an existing topic is used as it is. */
export async function ensureTopic(admin: Admin, request: TopicRequest, notice: (line: string) => void): Promise<TopicInfo> {
  const { topic } = request;
  const where = `topic ${topic}`;
  let created = false;
  try {
    if (!(await admin.listTopics()).includes(topic)) {
      // false (no error) when someone else created it meanwhile: fine, use theirs.
      created = await admin.createTopics({
        topics: [{ topic, numPartitions: request.partitions, replicationFactor: request.replicationFactor }],
        waitForLeaders: true,
      });
    }
    const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    const partitions = metadata.topics[0]?.partitions.length ?? 0;
    if (partitions === 0) throw new KafkaError('the topic has no partitions', where);
    if (created) notice(`created topic ${topic} with ${partitionCount(partitions)}, replication factor ${request.replicationFactor}`);
    else if (request.partitionsExplicit && partitions !== request.partitions) {
      notice(`topic ${topic} already exists with ${partitionCount(partitions)} (not ${request.partitions}); producing to it as it is`);
    }
    return { topic, partitions, created };
  } catch (err) {
    throw kafkaErrorFrom(firstOfAggregate(err), where, created ? 'read the new topic' : 'create or read the topic');
  }
}

/** kafkajs reports a refused creation as 'Topic creation errors' with the reasons inside. */
function firstOfAggregate(err: unknown): unknown {
  const inner = (err as { errors?: unknown }).errors;
  return Array.isArray(inner) && inner.length > 0 ? inner[0] : err;
}

/**
 * Produces sample events: key = pageId, value = the JSON line, record timestamp = event
 * time. Kafka's Java default partitioner (murmur2 of the key) puts each page where a Java
 * producer would. Batches go out in order (MAX_IN_FLIGHT); a failed batch fails the next
 * write or the commit.
 */
export class KafkaEventSink implements SampleEventSink {
  readonly batchSize = PRODUCE_BATCH_SIZE;
  private readonly inFlight: Promise<void>[] = [];
  private failure: unknown;

  private constructor(
    private readonly producer: Producer,
    readonly topic: TopicInfo,
  ) {}

  get description(): string {
    return `topic ${this.topic.topic} (${partitionCount(this.topic.partitions)})`;
  }

  static async open(connection: KafkaConnection, request: TopicRequest, io: { stderr: Writable; cwd: string; notice: (line: string) => void }): Promise<KafkaEventSink> {
    const kafka = createKafka(connection, io.stderr, io.cwd);
    const brokers = `brokers ${connection.brokers.join(',')}`;
    const admin = kafka.admin();
    let topic: TopicInfo;
    try {
      await admin.connect().catch((err: unknown) => Promise.reject(kafkaErrorFrom(err, brokers, 'connect to Kafka')));
      topic = await ensureTopic(admin, request, io.notice);
    } finally {
      await admin.disconnect().catch(() => {});
    }
    const producer = kafka.producer({ createPartitioner: cachedByKey(kafkajs.Partitioners.DefaultPartitioner), allowAutoTopicCreation: false });
    try {
      await producer.connect();
    } catch (err) {
      await producer.disconnect().catch(() => {});
      throw kafkaErrorFrom(err, brokers, 'connect the producer');
    }
    return new KafkaEventSink(producer, topic);
  }

  async write(events: readonly SampleEvent[]): Promise<void> {
    this.throwIfFailed();
    const messages: Message[] = events.map((e) => ({ key: e.pageId, value: sampleLine(e), timestamp: String(e.timestamp) }));
    const sent = this.producer.send({ topic: this.topic.topic, messages, acks: -1 }).then(
      () => {},
      (err: unknown) => {
        this.failure ??= err; // kept, and thrown by the next write or the commit
      },
    );
    this.inFlight.push(sent);
    while (this.inFlight.length >= MAX_IN_FLIGHT) await this.inFlight.shift();
    this.throwIfFailed();
  }

  async commit(): Promise<void> {
    await Promise.all(this.inFlight.splice(0));
    try {
      this.throwIfFailed();
    } finally {
      await this.producer.disconnect().catch(() => {});
    }
  }

  async abort(): Promise<void> {
    await Promise.all(this.inFlight.splice(0)); // never rejects: failures are caught above
    await this.producer.disconnect().catch(() => {});
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw kafkaErrorFrom(this.failure, `topic ${this.topic.topic}`, 'produce');
  }
}

function partitionCount(n: number): string {
  return n === 1 ? '1 partition' : `${n} partitions`;
}

/**
 * The default partitioner, remembering the partition of each key. Its murmur2 runs on
 * kafkajs's emulated 64-bit Longs: microseconds per record, a fifth of the CPU time of
 * producing (profiled). A keyed record's partition depends only on its key and the
 * partition count, and a sample has few distinct keys (pages), so each is hashed once.
 */
export function cachedByKey(createPartitioner: ICustomPartitioner): ICustomPartitioner {
  return () => {
    const partitioner = createPartitioner();
    const cache = new Map<string, number>();
    let cachedTopic = '';
    let cachedPartitions = 0;
    return (args) => {
      const { key, partition } = args.message;
      if (typeof key !== 'string' || (partition !== undefined && partition !== null)) return partitioner(args);
      if (args.topic !== cachedTopic || args.partitionMetadata.length !== cachedPartitions) {
        cache.clear();
        cachedTopic = args.topic;
        cachedPartitions = args.partitionMetadata.length;
      }
      let cached = cache.get(key);
      if (cached === undefined) {
        cached = partitioner(args);
        cache.set(key, cached);
      }
      return cached;
    };
  };
}
