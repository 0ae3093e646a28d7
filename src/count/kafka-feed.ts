import type { Writable } from 'node:stream';
import { KafkaError } from '../errors.js';
import { createKafka, kafkaErrorFrom } from '../kafka/client.js';
import { resolveRanges } from '../kafka/offsets.js';
import { TopicReplay } from '../kafka/replay.js';
import type { KafkaSourceConfig } from './config.js';
import type { Feed } from './feed.js';

/**
 * A topic replay as a feed: connects, checks the topic and resolves the offset ranges up
 * front (an unreachable broker or a missing topic fails before any output).
 */
export async function openKafkaFeed(config: KafkaSourceConfig, stderr: Writable, cwd: string, signal: AbortSignal): Promise<Feed> {
  const kafka = createKafka(config.connection, stderr, cwd);
  const admin = kafka.admin({ retry: { retries: 2, initialRetryTime: 250, maxRetryTime: 1_000 } });
  const where = config.connection.brokers.join(',');
  try {
    await withDeadline(admin.connect(), where);
  } catch (err) {
    void admin.disconnect().catch(() => {}); // may hang on a silent broker; do not wait for it
    throw kafkaErrorFrom(err, where, 'connect to Kafka');
  }
  let replay: TopicReplay;
  let total = 0;
  let streams: number[] = [];
  try {
    const request = { topic: config.topic, partitions: config.partitions, from: config.from, until: config.until, group: config.group };
    const { ranges, allPartitions } = await withDeadline(resolveRanges(admin, request), where);
    total = ranges.reduce((n, r) => n + (r.end - r.start), 0);
    streams = ranges.filter((r) => r.hasData).map((r) => r.partition);
    replay = new TopicReplay(kafka, admin, { topic: config.topic, ranges, allPartitions, group: config.group, maxMessages: config.maxMessages, signal });
  } catch (err) {
    await admin.disconnect().catch(() => {});
    throw err instanceof Error && err.name.startsWith('KafkaJS') ? kafkaErrorFrom(err, where, 'read the topic') : err;
  }
  return {
    total: Number.isFinite(total) ? total : undefined,
    unit: 'offsets',
    streams,
    async run(handler, afterChunk) {
      handler.source = config.topic;
      handler.isTopic = true;
      let consumed = 0;
      await replay.run({
        onRecord: (value, partition, offset) => handler.onRecord(value, partition, offset),
        afterBatch: (n) => afterChunk((consumed += n)),
      });
    },
    afterOutput: () => replay.commitPositions(),
    async close() {
      await replay.close();
      await admin.disconnect().catch(() => {});
    },
  };
}

/** A broker that accepts connections but never answers must not hang the run. */
const CONNECT_DEADLINE_MS = 15_000;

async function withDeadline<T>(work: Promise<T>, where: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new KafkaError(`no answer from the Kafka cluster within ${CONNECT_DEADLINE_MS / 1000} s`, where)), CONNECT_DEADLINE_MS);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
