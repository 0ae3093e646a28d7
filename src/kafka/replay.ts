import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { InterruptedError } from '../errors.js';
import { kafkaErrorFrom } from './client.js';
import type { PartitionRange } from './offsets.js';

/** A group of our own, joined to be assigned the partitions, committing nothing, deleted after. */
export function throwawayGroupId(): string {
  return `pageviews-replay-${randomUUID()}`;
}

/** Receives the records of a replay; `onRecord` is synchronous, `afterBatch` may wait. */
export interface RecordReceiver {
  onRecord(value: Buffer | null, partition: number, offset: number): void;
  afterBatch(offsetsConsumed: number): Promise<void>;
}

export interface ReplayOptions {
  readonly topic: string;
  readonly ranges: readonly PartitionRange[];
  /** Every partition of the topic: those outside `ranges` are assigned to us but paused. */
  readonly allPartitions: readonly number[];
  /** Commit here after the output was written; otherwise a throwaway group commits nothing. */
  readonly group: string | undefined;
  readonly maxMessages: number | undefined;
  readonly signal: AbortSignal;
  /** The throwaway group's id, when the caller deletes it (a replay without an admin). */
  readonly throwawayGroup?: string;
}

/**
 * Consumes each partition over its [start, end) range and stops by itself when every
 * partition reached its end, including empty ranges and partitions whose last offsets are
 * control records (transaction markers), which kafkajs never hands to eachBatch: those are
 * seen through the END_BATCH_PROCESS event's lastOffset. With end = Infinity (--follow) it
 * runs until the signal aborts.
 */
export class TopicReplay {
  private readonly consumer: Consumer;
  private readonly groupId: string;
  private readonly rangeOf = new Map<number, PartitionRange>();
  private readonly done = new Set<number>();
  /** Next offset to consume per partition, for --group commits. */
  readonly position = new Map<number, number>();
  private consumed = 0;
  private started = false;
  /** The batch being handed to the receiver: the run ends only after it is through. */
  private batchInProgress: Promise<void> = Promise.resolve();
  /** Settles the running replay; until run() starts, nothing to settle. */
  private settle: { resolve: () => void; reject: (err: unknown) => void } = { resolve: () => {}, reject: () => {} };
  private closing: Promise<void> | undefined;

  constructor(
    kafka: Kafka,
    /** Deletes a throwaway group after the run; without one, the caller deletes it. */
    private readonly admin: Admin | undefined,
    private readonly options: ReplayOptions,
  ) {
    this.groupId = options.group ?? options.throwawayGroup ?? throwawayGroupId();
    this.consumer = kafka.consumer({
      groupId: this.groupId,
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 250, // an idle partition answers quickly, so the end is seen promptly
      // kafkajs decodes a whole fetch response into objects that live until its batches are
      // through, and every young-generation collection meanwhile copies them: 4 MiB per
      // partition spent ~1 CPU-s collecting per 1M records. Smaller fetches collect less but
      // wait more: kafkajs fetches again only once a response is processed, a round trip
      // each. 1M records over 4 partitions, a fetch worker with a 48 MB young generation
      // (worker-threads.ts), medians of 3 through a proxy adding 0 / 2 / 5 / 10 ms of round
      // trip: 512 KiB 1.64 / 1.70 / 2.20 / 2.86 s, 1 MiB 1.73 / 1.70 / 1.82 / 2.06 s, 4 MiB
      // 2.20 / 1.90 / 1.88 / 1.89 s. 1 MiB (kafkajs's own default) is never far from the best.
      maxBytesPerPartition: 1 << 20,
      maxBytes: 32 << 20,
      retry: { retries: 3, initialRetryTime: 250, maxRetryTime: 2_000, restartOnFailure: async () => false },
    });
    for (const range of options.ranges) {
      this.rangeOf.set(range.partition, range);
      this.position.set(range.partition, range.start);
    }
  }

  async run(receiver: RecordReceiver): Promise<void> {
    const { topic, signal } = this.options;
    const finished = new Promise<void>((resolve, reject) => (this.settle = { resolve, reject }));
    const onAbort = () => (this.isFollow() ? this.settle.resolve() : this.settle.reject(new InterruptedError(String(signal.reason ?? 'SIGINT'))));
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      for (const range of this.options.ranges) if (range.start >= range.end) this.done.add(range.partition);
      if (this.done.size === this.rangeOf.size && !this.isFollow()) return;
      this.consumer.on(this.consumer.events.CRASH, (e) => this.settle.reject(kafkaErrorFrom(e.payload.error, `topic ${topic}`, 'consume')));
      this.consumer.on(this.consumer.events.END_BATCH_PROCESS, (e) => this.reached(e.payload.partition, Number(e.payload.lastOffset)));
      this.started = true;
      await this.consumer.connect();
      await this.consumer.subscribe({ topics: [topic], fromBeginning: true });
      await this.consumer.run({ autoCommit: false, eachBatch: (payload) => this.onBatch(payload, receiver) });
      for (const range of this.options.ranges) this.consumer.seek({ topic, partition: range.partition, offset: String(range.start) });
      this.pauseAllBut([...this.rangeOf.keys()].filter((p) => !this.done.has(p)));
      if (signal.aborted) onAbort();
      await finished;
      // The end can be seen while the last batch is still being written (the receiver awaits
      // its output): finish it first, or the caller would write the final rows in between.
      await this.batchInProgress;
      // Every record is handed over: a throwaway group can go while the output is written.
      if (!this.options.group) this.closing = this.leave();
    } catch (err) {
      throw err instanceof Error && err.name.startsWith('KafkaJS') ? kafkaErrorFrom(err, `topic ${topic}`, 'consume') : err;
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** Ends a running replay with `err`: the run failed elsewhere (another consumer of it). */
  fail(err: unknown): void {
    this.settle.reject(err);
  }

  /** Leaves the group; a throwaway group is deleted so that nothing is left on the broker. */
  async close(): Promise<void> {
    await (this.closing ??= this.leave());
  }

  private async leave(): Promise<void> {
    await this.consumer.disconnect().catch(() => {});
    if (!this.options.group) await this.admin?.deleteGroups([this.groupId]).catch(() => {});
  }

  /** --group: commit the positions reached, only after the output was written. */
  async commitPositions(): Promise<void> {
    if (!this.options.group) return;
    const offsets = [...this.position].map(([partition, offset]) => ({ topic: this.options.topic, partition, offset: String(offset) }));
    try {
      if (this.started) {
        await this.consumer.commitOffsets(offsets); // still the group's only member, holding every partition
      } else {
        // Every range was empty, so no consumer joined: set the offsets from outside the group.
        await this.admin!.setOffsets({ groupId: this.options.group, topic: this.options.topic, partitions: offsets });
      }
    } catch (err) {
      throw kafkaErrorFrom(err, `group ${this.options.group}`, 'commit offsets');
    }
  }

  private isFollow(): boolean {
    return this.options.ranges.some((r) => r.end === Infinity);
  }

  private onBatch(payload: EachBatchPayload, receiver: RecordReceiver): Promise<void> {
    this.batchInProgress = this.processBatch(payload, receiver);
    return this.batchInProgress;
  }

  private async processBatch({ batch, isRunning, isStale }: EachBatchPayload, receiver: RecordReceiver): Promise<void> {
    const partition = batch.partition;
    const range = this.rangeOf.get(partition);
    if (!range || this.done.has(partition)) return;
    try {
      let consumed = 0;
      let next = -1;
      if (!isRunning() || isStale()) return; // per batch: isStale() builds a string key per call
      for (const message of batch.messages) {
        const offset = Number(message.offset);
        if (offset < range.start) continue;
        if (offset >= range.end) break;
        receiver.onRecord(message.value, partition, offset);
        next = offset + 1;
        consumed++;
        if (++this.consumed === this.options.maxMessages) {
          for (const p of this.rangeOf.keys()) this.markDone(p);
          break;
        }
      }
      if (next >= 0) this.position.set(partition, next);
      this.reached(partition, Number(batch.lastOffset()));
      await receiver.afterBatch(consumed);
    } catch (err) {
      this.settle.reject(err); // never let kafkajs retry our own errors (invalid data, I/O)
    }
  }

  private reached(partition: number, lastOffset: number): void {
    const range = this.rangeOf.get(partition);
    if (range && lastOffset >= range.end - 1) {
      if (this.position.get(partition)! < range.end) this.position.set(partition, range.end);
      this.markDone(partition);
    }
  }

  private markDone(partition: number): void {
    if (this.done.has(partition)) return;
    this.done.add(partition);
    this.consumer.pause([{ topic: this.options.topic, partitions: [partition] }]);
    if (this.done.size === this.rangeOf.size && !this.isFollow()) this.settle.resolve();
  }

  private pauseAllBut(active: number[]): void {
    const idle = this.options.allPartitions.filter((p) => !active.includes(p));
    if (idle.length > 0) this.consumer.pause([{ topic: this.options.topic, partitions: idle }]);
  }
}
