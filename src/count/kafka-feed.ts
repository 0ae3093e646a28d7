import type { Writable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { KafkaError } from '../errors.js';
import { createKafka, kafkaErrorFrom } from '../kafka/client.js';
import { resolveRanges } from '../kafka/offsets.js';
import type { PartitionRange } from '../kafka/offsets.js';
import { TopicReplay, throwawayGroupId } from '../kafka/replay.js';
import { FetchWorker } from '../parallel/fetch-in-worker.js';
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
  const request = { topic: config.topic, partitions: config.partitions, from: config.from, until: config.until, group: config.group };
  let resolved: Awaited<ReturnType<typeof resolveRanges>>;
  try {
    resolved = await withDeadline(resolveRanges(admin, request), where);
  } catch (err) {
    await admin.disconnect().catch(() => {});
    throw err instanceof Error && err.name.startsWith('KafkaJS') ? kafkaErrorFrom(err, where, 'read the topic') : err;
  }
  const { ranges, allPartitions } = resolved;
  const total = ranges.reduce((n, r) => n + (r.end - r.start), 0);
  const streams = ranges.filter((r) => r.hasData).map((r) => r.partition);
  const split = splittable(config, total) ? splitRanges(ranges) : undefined;
  const { topic, group, maxMessages } = config;
  const makeReplay = (some = ranges) => new TopicReplay(kafka, admin, { topic, ranges: some, allPartitions, group, maxMessages, signal });
  let replay: TopicReplay | undefined;
  let fetcher: FetchWorker | undefined;
  return {
    total: Number.isFinite(total) ? total : undefined,
    unit: 'offsets',
    streams,
    async run(handler, afterChunk) {
      handler.source = config.topic;
      handler.isTopic = true;
      let consumed = 0;
      const onRecord = (value: Buffer | null, partition: number, offset: number) => handler.onRecord(value, partition, offset);
      if (!split || !handler.onRecordBlock) {
        replay = makeReplay();
        await replay.run({ onRecord, afterBatch: (n) => afterChunk((consumed += n)) });
        return;
      }
      // Part of the partitions to a second consumer on its own thread (the target counts
      // elsewhere, so this thread only consumes and hands blocks on).
      scavengeOnOneThread();
      const data = { connection: config.connection, cwd, topic: config.topic, ranges: split.there, allPartitions, group: throwawayGroupId() };
      const other = (fetcher = new FetchWorker(data, stderr, handler.onRecordBlock.bind(handler)));
      const mine = (replay = makeReplay(split.here));
      other.done.catch((err) => mine.fail(err));
      try {
        const progress = () => afterChunk(consumed + other.consumed);
        await mine.run({
          onRecord,
          afterBatch: (n) => {
            consumed += n;
            return progress();
          },
        });
        // The other half may take longer (partitions differ in size): the progress goes on.
        while (!(await Promise.race([other.done.then(() => true), other.nextBlock().then(() => false)]))) await progress();
      } catch (err) {
        other.stop();
        throw err;
      }
    },
    afterOutput: async () => replay?.commitPositions(),
    async close() {
      await Promise.all([replay?.close(), fetcher?.close()]);
      if (fetcher) await admin.deleteGroups([fetcher.group]).catch(() => {});
      await admin.disconnect().catch(() => {});
    },
  };
}

/**
 * kafkajs decodes each fetched batch into objects that live until the batch is through, so
 * every young-generation collection copies megabytes, on ~4 helper threads by default. With
 * two consumers and a count worker on two cores, the helpers only take turns with them:
 * scavenging on the collecting thread alone, 1M records replay in 2.39 s instead of 2.64
 * (medians of 5). With one consumer it costs (2.77 -> 2.95 s), so only a shared replay sets
 * it; V8 reads the flag at each collection, in every thread.
 */
function scavengeOnOneThread(): void {
  setFlagsFromString('--no-parallel-scavenge');
}

/** Below this many offsets, a second consumer's start costs more than it saves. */
const SPLIT_MIN_OFFSETS = 100_000;

/**
 * A bounded replay that commits nothing and has no global message limit can be shared
 * between two consumers: partitions are independent streams, in any order with each other.
 */
function splittable(config: KafkaSourceConfig, total: number): boolean {
  return config.group === undefined && config.maxMessages === undefined && config.until !== undefined && total >= SPLIT_MIN_OFFSETS;
}

/**
 * The partitions with records, shared into two sets of about the same number of offsets
 * (largest first, each to the lighter side); `here` also keeps the empty ranges.
 */
export function splitRanges(ranges: readonly PartitionRange[]): { here: PartitionRange[]; there: PartitionRange[] } | undefined {
  const size = (r: PartitionRange) => r.end - r.start;
  const withData = ranges.filter((r) => r.hasData && size(r) > 0).sort((a, b) => size(b) - size(a));
  if (withData.length < 2) return undefined;
  const sides = [
    { ranges: [] as PartitionRange[], offsets: 0 },
    { ranges: [] as PartitionRange[], offsets: 0 },
  ];
  for (const range of withData) {
    const lighter = sides[0].offsets <= sides[1].offsets ? sides[0] : sides[1];
    lighter.ranges.push(range);
    lighter.offsets += size(range);
  }
  // This thread also hands the other's blocks on: it takes the lighter side.
  const [light, heavy] = sides[0].offsets <= sides[1].offsets ? sides : [sides[1], sides[0]];
  return { here: [...light.ranges, ...ranges.filter((r) => !withData.includes(r))], there: heavy.ranges };
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
