import { Writable } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import type { CountConfig } from '../count/config.js';
import type { Feed } from '../count/feed.js';
import { PageviewsError } from '../errors.js';
import { countThrough } from '../run-count.js';
import { TextSink } from '../sink/text-sink.js';
import { unpackRecords } from './record-blocks.js';
import type { FromCountWorker, ToCountWorker } from './worker-protocol.js';

/**
 * The count worker: the whole pipeline after the source (decode, engine, store, format),
 * fed with blocks of Kafka records by the main thread, which keeps kafkajs busy on the
 * other core. Output goes back as byte chunks; the main thread owns the real sinks.
 */
const { config, streams } = workerData as { config: CountConfig; streams: number[] };
const post = (message: FromCountWorker, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(message, transfer);

/** A stream whose writes become messages to the main thread. */
function portStream(which: 'output' | 'deadLetter'): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      const bytes = new Uint8Array(chunk.length);
      bytes.set(chunk);
      post({ type: 'write', which, bytes }, [bytes.buffer]);
      done();
    },
  });
}

/** Events read so far, reported with each ack for the main thread's progress bar. */
let eventsRead = 0;
const summaryRead = () => eventsRead;
const progress = { start() {}, update: (_work: number, events: number) => void (eventsRead = events), stop() {} };

const messageFeed: Feed = {
  total: undefined,
  unit: 'offsets',
  streams,
  run(handler, afterChunk) {
    handler.source = config.kafka!.topic;
    handler.isTopic = true;
    return new Promise<void>((resolve, reject) => {
      parentPort!.on('message', (message: ToCountWorker) => {
        if (message.type === 'end') return resolve();
        try {
          unpackRecords(message.block, message.length, (bytes, start, end, isNull, partition, offset) => {
            if (isNull || end - start > 1 << 20) handler.onRecord(isNull ? null : bytes.subarray(start, end), partition, offset);
            else {
              handler.stream = partition;
              handler.onLine(bytes, start, end, offset);
            }
          });
          afterChunk(0).then(() => post({ type: 'ack', read: summaryRead() }), reject);
        } catch (err) {
          reject(err);
        }
      });
    });
  },
  afterOutput: async () => {},
  close: async () => {},
};

try {
  const output = new TextSink(portStream('output'), config.output ?? 'stdout');
  const deadLetter = config.deadLetter ? new TextSink(portStream('deadLetter'), config.deadLetter) : undefined;
  const summary = await countThrough(messageFeed, config, progress, output, deadLetter);
  post({ type: 'done', summary });
} catch (err) {
  const e = err as Error;
  const known = err instanceof PageviewsError;
  post({ type: 'error', message: e.message, exitCode: known ? err.exitCode : 1, where: known ? err.where : undefined, stack: e.stack });
}
