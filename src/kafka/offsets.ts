import type { Admin } from 'kafkajs';
import { KafkaError, UsageError } from '../errors.js';
import type { OffsetSpec } from './offset-spec.js';

/** The offsets one partition is replayed over: [start, end); end is Infinity with --follow. */
export interface PartitionRange {
  readonly partition: number;
  readonly start: number;
  readonly end: number;
  /** Records exist at or after `start` right now (with --follow, end is Infinity). */
  readonly hasData: boolean;
}

export interface RangeRequest {
  readonly topic: string;
  readonly partitions: readonly number[] | undefined;
  readonly from: OffsetSpec;
  /** undefined: keep going (--follow). */
  readonly until: OffsetSpec | undefined;
  readonly group: string | undefined;
}

/**
 * Resolves --from/--until against the topic as it is now: the watermarks read here are
 * the `end` of a replay, so records produced later are not waited for.
 */
export async function resolveRanges(admin: Admin, request: RangeRequest): Promise<{ ranges: PartitionRange[]; allPartitions: number[] }> {
  const { topic } = request;
  const topics = await admin.listTopics();
  if (!topics.includes(topic)) throw new KafkaError(`topic '${topic}' does not exist (count never creates topics)`, `topic ${topic}`);
  const watermarks = (await admin.fetchTopicOffsets(topic)).map((w) => ({ partition: w.partition, low: Number(w.low), high: Number(w.high) }));
  watermarks.sort((a, b) => a.partition - b.partition);
  const selected = request.partitions ?? watermarks.map((w) => w.partition);
  const missing = selected.filter((p) => !watermarks.some((w) => w.partition === p));
  if (missing.length > 0) {
    throw new UsageError(`topic '${topic}' has no partition ${missing.join(', ')} (it has ${watermarks.length}: 0-${watermarks.length - 1})`, '--partitions');
  }
  const chosen = watermarks.filter((w) => selected.includes(w.partition));
  const starts = await offsetsFor(admin, request, request.from, chosen);
  const ends = request.until === undefined ? chosen.map(() => Infinity) : await offsetsFor(admin, request, request.until, chosen);
  const ranges = chosen.map((w, i) => {
    const end = Math.max(starts[i], ends[i]);
    return { partition: w.partition, start: starts[i], end, hasData: starts[i] < Math.min(end, w.high) };
  });
  return { ranges, allPartitions: watermarks.map((w) => w.partition) };
}

type Watermarks = { partition: number; low: number; high: number };

async function offsetsFor(admin: Admin, request: RangeRequest, spec: OffsetSpec, partitions: Watermarks[]): Promise<number[]> {
  const clamp = (offset: number, w: Watermarks) => Math.min(Math.max(offset, w.low), w.high);
  switch (spec.kind) {
    case 'earliest':
      return partitions.map((w) => w.low);
    case 'latest':
    case 'end':
      return partitions.map((w) => w.high);
    case 'offset':
      return partitions.map((w) => clamp(spec.offset, w));
    case 'last':
      return partitions.map((w) => clamp(w.high - spec.count, w));
    case 'time': {
      // ListOffsets by timestamp: the first offset whose record timestamp is >= the time,
      // or the high watermark when there is none.
      const found = await admin.fetchTopicOffsetsByTimestamp(request.topic, spec.timestampMs);
      return partitions.map((w) => clamp(Number(found.find((f) => f.partition === w.partition)?.offset ?? w.high), w));
    }
    case 'committed': {
      if (!request.group) throw new UsageError('--from committed needs --group ID', '--from');
      const [committed] = await admin.fetchOffsets({ groupId: request.group, topics: [request.topic] });
      return partitions.map((w) => {
        const offset = Number(committed?.partitions.find((p) => p.partition === w.partition)?.offset ?? -1);
        return offset < 0 ? w.low : clamp(offset, w); // nothing committed yet: from the beginning
      });
    }
  }
}
