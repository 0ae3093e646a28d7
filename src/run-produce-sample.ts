import type { Writable } from 'node:stream';
import { InterruptedError } from './errors.js';
import type { KafkaConnection } from './kafka/connection.js';
import type { TopicRequest } from './kafka/producer.js';
import { NdjsonEventSink, type SampleEventSink } from './sample/event-sink.js';
import { SampleGenerator, type SampleSpec } from './sample/generator.js';
import { RatePacer } from './sample/rate-pacer.js';
import { AtomicFileSink, TextSink } from './sink/text-sink.js';

export type SampleTarget =
  | { readonly kind: 'stdout' }
  | { readonly kind: 'file'; readonly path: string }
  | ({ readonly kind: 'kafka'; readonly connection: KafkaConnection } & TopicRequest);

/** Everything a produce-sample run needs, already validated; no commander types past this point. */
export interface ProduceSampleConfig {
  readonly sample: SampleSpec;
  readonly target: SampleTarget;
  /** Events per second, averaged from the start; undefined = as fast as possible. */
  readonly ratePerSec: number | undefined;
}

export interface ProduceSummary {
  readonly produced: number;
  /** `topic T (3 partitions)`, the output path as given, or `stdout`. */
  readonly destination: string;
}

export interface SampleProgress {
  start(total: number): void;
  update(produced: number): void;
  stop(): void;
}

export interface ProduceIo {
  readonly stdout: Writable;
  /** kafkajs logs go here. */
  readonly stderr: Writable;
  readonly cwd: string;
  readonly signal: AbortSignal;
  readonly progress?: SampleProgress;
  /** One-line notices for stderr (a topic created, an existing topic's partition count). */
  notice(line: string): void;
}


/**
 * Generates `config.sample` and writes it to the target, at `config.ratePerSec` if given.
 * SIGINT (io.signal) stops between batches: what is in flight is awaited, a file output
 * is removed (never left partial), the producer disconnects, and InterruptedError is thrown.
 */
export async function runProduceSample(config: ProduceSampleConfig, io: ProduceIo): Promise<ProduceSummary> {
  // Before any output is opened: a million ids take a moment, and nothing is left half-open.
  const generator = new SampleGenerator(config.sample);
  const sink = await openSink(config, io);
  const pacer = config.ratePerSec === undefined ? undefined : new RatePacer(config.ratePerSec);
  const batchSize = pacer?.batchSize(sink.batchSize) ?? sink.batchSize;
  try {
    io.progress?.start(config.sample.count);
    pacer?.start();
    while (generator.remaining > 0) {
      throwIfAborted(io.signal);
      await sink.write(generator.nextBatch(batchSize));
      io.progress?.update(generator.produced);
      if (generator.remaining > 0) await pacer?.wait(generator.produced, io.signal);
    }
    throwIfAborted(io.signal);
    await sink.commit();
    io.progress?.stop();
    return { produced: generator.produced, destination: sink.description };
  } catch (err) {
    io.progress?.stop();
    await sink.abort();
    if (io.signal.aborted && !(err instanceof InterruptedError)) throw new InterruptedError(signalName(io.signal));
    throw err;
  }
}

async function openSink(config: ProduceSampleConfig, io: ProduceIo): Promise<SampleEventSink> {
  const { target } = config;
  const paced = config.ratePerSec !== undefined;
  switch (target.kind) {
    case 'stdout':
      return new NdjsonEventSink(new TextSink(io.stdout, 'stdout'), 'stdout', paced);
    case 'file':
      return new NdjsonEventSink(await AtomicFileSink.open(target.path, io.cwd), target.path, paced);
    case 'kafka': {
      const { KafkaEventSink } = await import('./kafka/producer.js'); // kafkajs only when needed
      const sink = await KafkaEventSink.open(target.connection, target, io);
      if (io.signal.aborted) {
        await sink.abort();
        throw new InterruptedError(signalName(io.signal));
      }
      return sink;
    }
  }
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new InterruptedError(signalName(signal));
}

function signalName(signal: AbortSignal): string {
  return String(signal.reason ?? 'SIGINT');
}
