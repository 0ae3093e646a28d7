import { Writable } from 'node:stream';
import { parentPort } from 'node:worker_threads';
import type { CountConfig } from '../count/config.js';
import type { Feed } from '../count/feed.js';
import { countThrough } from '../count/count-through.js';
import { TextSink } from '../sink/text-sink.js';
import { unpackEvents } from './event-blocks.js';
import { unpackRecords } from './record-blocks.js';
import { WorkerRowShipper } from './row-shipper.js';
import { workerErrorFrom, type FromCountWorker, type ToCountWorker } from './worker-protocol.js';

/**
 * The count worker: the pipeline after the source (decode, engine, store, format), fed by
 * the main thread with blocks of Kafka records (kafkajs keeps the main thread busy) or of
 * events the main thread decoded from files. Output goes back as byte chunks; the main
 * thread owns the real sinks.
 */
const post = (message: FromCountWorker, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(message, transfer);

/** Writes not yet on their sink, oldest first: each is settled when the main thread says `written`. */
const unwritten: (() => void)[] = [];
/** Chunks a stream may have on their way to the main thread at once: it writes one while the worker encodes the next. */
const CHUNKS_IN_FLIGHT = 4;

/**
 * A stream whose writes become messages to the main thread, one chunk at a time, through
 * a few blocks of shared memory per stream: the main thread writes straight from them and
 * says `written`, so output leaves no garbage behind in either thread. A write is done
 * once its chunk is copied, while fewer than CHUNKS_IN_FLIGHT are out.
 */
function portStream(which: 'output' | 'deadLetter'): Writable {
  const free: SharedArrayBuffer[] = [];
  let out = 0;
  let waiting: (() => void) | undefined;
  return new Writable({
    highWaterMark: 1,
    write(chunk: Buffer, _encoding, done) {
      let block = free.pop();
      if (block === undefined || block.byteLength < chunk.length) block = new SharedArrayBuffer(Math.max(1 << 20, chunk.length));
      new Uint8Array(block).set(chunk);
      out++;
      unwritten.push(() => {
        out--;
        free.push(block);
        const next = waiting;
        waiting = undefined;
        next?.();
      });
      post({ type: 'write', which, block, length: chunk.length });
      if (out < CHUNKS_IN_FLIGHT) done();
      else waiting = done;
    },
  });
}

/**
 * The main thread's messages, held until the feed runs. The first is `start`, with the
 * config: the thread may have been started before the config was known.
 */
let handle: ((message: ToCountWorker) => void) | undefined;
const early: ToCountWorker[] = [];
const started = new Promise<Extract<ToCountWorker, { type: 'start' }>>((resolve) => {
  parentPort!.on('message', (message: ToCountWorker) => {
    if (message.type === 'start') resolve(message);
    else if (handle) handle(message);
    else early.push(message);
  });
});
const { config, streams } = await started;

/** Events read so far, reported with each ack for the main thread's progress bar. */
let eventsRead = 0;
const summaryRead = () => eventsRead;
const progress = { start() {}, update: (_work: number, events: number) => void (eventsRead = events), stop() {} };

/** `--emit final`: the main thread encodes and writes the final rows of line formats. */
const shipper = config.emit === 'final' ? new WorkerRowShipper(post) : undefined;

const messageFeed: Feed = {
  total: undefined,
  unit: 'offsets',
  streams,
  run(handler, afterChunk) {
    if (config.kafka) {
      handler.source = config.kafka.topic;
      handler.isTopic = true;
    }
    return new Promise<void>((resolve, reject) => {
      // Blocks are counted strictly one after another, each with its afterChunk (which may
      // write closed windows) finished before the next: as on one thread.
      let queue = Promise.resolve();
      const enqueue = (work: () => Promise<void> | void) => {
        queue = queue.then(work).catch(reject);
      };
      handle = (message: ToCountWorker) => {
        if (message.type === 'start') return;
        if (message.type === 'written') return unwritten.shift()?.();
        if (message.type === 'rowsWritten') return shipper?.released(message.block);
        if (message.type === 'end') {
          const pages = message.pages;
          return enqueue(() => {
            if (pages) handler.adoptPageNames?.(pages);
            resolve();
          });
        }
        enqueue(async () => {
          if (message.type === 'events') handler.onDecodedEvents(unpackEvents(message.block, message.rawLength, message.events, message.pagesInterned));
          else unpackRecords(message.block, message.length, (bytes, start, end, isNull, partition, offset) => handler.onRecord(isNull ? null : bytes, partition, offset, start, end));
          await afterChunk(0);
          post({ type: 'ack', read: summaryRead() });
        });
      };
      for (const message of early.splice(0)) handle(message);
    });
  },
  afterOutput: async () => {},
  close: async () => {},
};

try {
  const output = new TextSink(portStream('output'), config.output ?? 'stdout');
  const deadLetter = config.deadLetter ? new TextSink(portStream('deadLetter'), config.deadLetter) : undefined;
  const summary = await countThrough(messageFeed, config, progress, output, deadLetter, shipper);
  post({ type: 'done', summary });
} catch (err) {
  post(workerErrorFrom(err));
}
