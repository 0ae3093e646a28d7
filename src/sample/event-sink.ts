import type { TextSink } from '../sink/text-sink.js';
import { sampleLine, type SampleEvent } from './generator.js';

/** Where produce-sample puts its events: a Kafka topic, a file or stdout. */
export interface SampleEventSink {
  /** Says where the events went, for the summary: `topic T (3 partitions)`, a path, `stdout`. */
  readonly description: string;
  /** Events per `write` at most. */
  readonly batchSize: number;
  /** Takes a batch; may return before it is durable, but throws a failure of an earlier batch. */
  write(events: readonly SampleEvent[]): Promise<void>;
  /** Waits until every event is durable (flushed and renamed, or acknowledged). */
  commit(): Promise<void>;
  /** Gives up: waits for what is in flight, removes a temporary file, disconnects. */
  abort(): Promise<void>;
}

/** NDJSON lines into a TextSink (stdout, or an atomic file). */
export class NdjsonEventSink implements SampleEventSink {
  /** ~1 MB of UUID lines, one string handed to the sink. */
  readonly batchSize = 8192;

  constructor(
    private readonly text: TextSink,
    readonly description: string,
    /** Hand every batch to the stream at once (rate-limited runs), not when the buffer is full. */
    private readonly flushEveryBatch: boolean,
  ) {}

  async write(events: readonly SampleEvent[]): Promise<void> {
    let chunk = '';
    for (const event of events) chunk += sampleLine(event) + '\n';
    this.text.write(chunk);
    await this.text.drain(this.flushEveryBatch);
  }

  commit(): Promise<void> {
    return this.text.commit();
  }

  abort(): Promise<void> {
    return this.text.abort();
  }
}
