import { Worker } from 'node:worker_threads';
import type { CountConfig, CountSummary } from '../count/config.js';
import type { Feed, FeedTarget } from '../count/feed.js';
import { PageviewsError } from '../errors.js';
import type { ProgressReporter } from '../run-count.js';
import type { TextSink } from '../sink/text-sink.js';
import { RecordPacker } from './record-blocks.js';
import type { FromCountWorker, ToCountWorker } from './worker-protocol.js';

/** The compiled worker; also right when this module runs from src/ under the test runner. */
const WORKER_URL = new URL('../../dist/parallel/count-worker.js', import.meta.url);
/** Blocks handed over and not yet counted: bounds memory when the worker falls behind. */
const MAX_BLOCKS_IN_FLIGHT = 4;

/**
 * Runs a Kafka replay on two cores: kafkajs consumes and parses on this thread, records go
 * in blocks to a count worker running the same pipeline, and its output comes back here to
 * the real sinks. Same rows, same order, same errors as the one-thread run.
 */
export async function countInWorker(
  feed: Feed,
  config: CountConfig,
  io: { progress?: ProgressReporter },
  output: TextSink,
  deadLetter: TextSink | undefined,
): Promise<CountSummary> {
  // The worker needs no credentials: it never talks to Kafka.
  const workerConfig: CountConfig = { ...config, kafka: config.kafka && { ...config.kafka, connection: { ...config.kafka.connection, sasl: undefined } } };
  const worker = new Worker(WORKER_URL, { workerData: { config: workerConfig, streams: feed.streams } });
  let writes = Promise.resolve();
  let failure: unknown;
  let finished = false;
  let eventsRead = 0;
  const acks: (() => void)[] = [];
  let settle!: { resolve: (s: CountSummary) => void; reject: (e: unknown) => void };
  const done = new Promise<CountSummary>((resolve, reject) => (settle = { resolve, reject }));
  done.catch(() => {});
  const fail = (err: unknown) => {
    failure ??= err;
    settle.reject(err);
    for (const ack of acks.splice(0)) ack();
  };
  worker.on('message', (message: FromCountWorker) => {
    if (message.type === 'ack') {
      eventsRead = message.read;
      acks.shift()?.();
    }
    else if (message.type === 'write') {
      const sink = message.which === 'output' ? output : deadLetter!;
      writes = writes.then(() => sink.writeBytes(Buffer.from(message.bytes.buffer, message.bytes.byteOffset, message.bytes.length))).catch(fail);
    } else if (message.type === 'done') settle.resolve(message.summary);
    else fail(new PageviewsError(message.message, message.exitCode, message.where));
  });
  worker.on('error', fail);
  worker.on('exit', (code) => finished || fail(new Error(`the count worker stopped (exit code ${code})`)));
  const send = (message: ToCountWorker) => worker.postMessage(message);
  const inFlight: Promise<void>[] = [];
  const packer = new RecordPacker((block, length) => {
    inFlight.push(new Promise<void>((resolve) => acks.push(resolve)));
    send({ type: 'records', block, length });
  });
  const target: FeedTarget = {
    source: '',
    isTopic: true,
    stream: 0,
    onRecord: (value, partition, offset) => packer.add(value, partition, offset),
    onLine: () => {},
    onOverlongLine: () => {},
  };
  try {
    io.progress?.start(feed.total, feed.unit);
    await feed.run(target, async (workDone) => {
      io.progress?.update(workDone, eventsRead);
      if (config.kafka?.until === undefined) packer.flush(); // --follow: hand over every batch at once
      while (inFlight.length > MAX_BLOCKS_IN_FLIGHT) await inFlight.shift();
      if (failure) throw failure;
    });
    packer.flush();
    send({ type: 'end' });
    const summary = await done;
    await writes;
    if (failure) throw failure;
    io.progress?.stop();
    await deadLetter?.commit();
    await output.commit();
    await feed.afterOutput();
    return summary;
  } catch (err) {
    io.progress?.stop();
    await deadLetter?.abort();
    await output.abort();
    throw failure ?? err;
  } finally {
    worker.removeAllListeners('exit');
    await worker.terminate();
  }
}
