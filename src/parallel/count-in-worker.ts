import { isLive, type CountConfig, type CountSummary } from '../count/config.js';
import type { Feed, FeedTarget } from '../count/feed.js';
import type { ProgressReporter } from '../count/count-through.js';
import { RecordHandler } from '../count/record-handler.js';
import { PageViewDecoder } from '../decode/page-view-decoder.js';
import { Dictionary } from '../store/dictionary.js';
import type { SharedNames } from '../store/id-names.js';
import type { TextSink } from '../sink/text-sink.js';
import { EVENT_BLOCK_BYTES, EventPacker } from './event-blocks.js';
import { BlockPool, RecordPacker } from './record-blocks.js';
import { countWorkerThreads } from './worker-threads.js';
import { FinalRowsWriter } from './row-shipper.js';
import { errorFromWorker, type FromCountWorker, type ToCountWorker } from './worker-protocol.js';

/** Blocks handed over and not yet counted: bounds memory when the worker falls behind. */
const MAX_BLOCKS_IN_FLIGHT = 4;

/** How this thread feeds the worker: raw Kafka records, or events it decoded itself. */
interface Handover {
  readonly target: FeedTarget;
  flush(): void;
  /** What this thread counted itself (files: events read, invalid ones and their samples). */
  readonly summary: CountSummary | undefined;
  /** The names of the pages this thread interned, if it did, once the input is done. */
  pageNames(): SharedNames | undefined;
}

/**
 * Counts on two cores. Kafka: kafkajs consumes on this thread (and, for a long replay, on a
 * fetch worker too: see kafka-feed.ts) and records go in blocks to a count worker running
 * the same pipeline. Files: this thread reads and decodes (invalid records are reported
 * here, with their origin), the worker interns and counts (see fileHandover for the
 * pages). Output comes back here to the real sinks. Same rows, same order, same errors as
 * one thread.
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
  const worker = countWorkerThreads.take();
  worker.postMessage({ type: 'start', config: workerConfig, streams: [...feed.streams] } satisfies ToCountWorker);
  let writes = Promise.resolve();
  let failure: unknown;
  let finished = false;
  let eventsRead = 0;
  const acks: (() => void)[] = [];
  const pool = new BlockPool(config.kafka ? undefined : EVENT_BLOCK_BYTES);
  /** Per block handed over, in order: what to do with it once the worker acknowledged it. */
  const releases: (() => void)[] = [];
  // --emit final, CSV or NDJSON: the worker sorts, this thread (idle by then) encodes.
  const finalRows = new FinalRowsWriter(config, output);
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
      releases.shift()!();
      acks.shift()?.();
    } else if (message.type === 'write') {
      const sink = message.which === 'output' ? output : deadLetter!;
      // Handed to the sink in order, not waited for: this thread goes on encoding meanwhile.
      const written = (err: Error | undefined) => {
        if (err) fail(err);
        else worker.postMessage({ type: 'written' } satisfies ToCountWorker);
      };
      writes = writes
        .then(() => finalRows.handOver())
        .then(() => sink.writeBytesLater(Buffer.from(message.block, 0, message.length), written))
        .catch(fail);
    } else if (message.type === 'names') {
      writes = writes.then(() => finalRows.receiveNames(message)).catch(fail);
    } else if (message.type === 'rows') {
      writes = writes
        .then(() => finalRows.write(message))
        .then(() => worker.postMessage({ type: 'rowsWritten', block: message.block } satisfies ToCountWorker))
        .catch(fail);
    } else if (message.type === 'done') {
      finished = true;
      settle.resolve(message.summary);
    } else fail(errorFromWorker(message));
  });
  worker.on('error', fail);
  worker.on('exit', (code) => {
    if (!finished) fail(new Error(`the count worker stopped (exit code ${code})`));
  });
  const inFlight: Promise<void>[] = [];
  const send: Send = (message, release = () => pool.give(message.block)) => {
    inFlight.push(new Promise<void>((resolve) => acks.push(resolve)));
    releases.push(release);
    worker.postMessage(message);
  };
  const handover = config.kafka ? kafkaHandover(pool, send) : fileHandover(config, pool, send);
  const live = isLive(config);
  try {
    io.progress?.start(feed.total, feed.unit);
    await feed.run(handover.target, async (workDone) => {
      io.progress?.update(workDone, handover.summary?.read ?? eventsRead);
      if (live) handover.flush(); // --follow, or a pipe under --emit updates/closed: at once
      while (inFlight.length > MAX_BLOCKS_IN_FLIGHT) await inFlight.shift();
      if (failure) throw failure;
    });
    handover.flush();
    worker.postMessage({ type: 'end', pages: handover.pageNames() } satisfies ToCountWorker);
    const counted = await done;
    await writes;
    await finalRows.flush();
    if (failure) throw failure;
    io.progress?.stop();
    await deadLetter?.commit();
    await output.commit();
    await feed.afterOutput();
    return handover.summary ? { ...counted, read: handover.summary.read, invalid: handover.summary.invalid, invalidSamples: handover.summary.invalidSamples } : counted;
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

/** Hands a block to the worker; `release` (default: back to the pool) runs once it was counted. */
type Send = (message: Extract<ToCountWorker, { type: 'records' | 'events' }>, release?: () => void) => void;

function kafkaHandover(pool: BlockPool, send: Send): Handover {
  const packer = new RecordPacker(pool, (block, length) => send({ type: 'records', block, length }));
  const target: FeedTarget = {
    source: '',
    isTopic: true,
    stream: 0,
    onRecord: (value, partition, offset) => packer.add(value, partition, offset),
    // Packed by a fetch worker: other partitions than this thread's, so in any order with them.
    onRecordBlock: (block, length, release) => send({ type: 'records', block, length }, release),
    onLine: () => {},
    onOverlongLine: () => {},
    onDecodedEvents: () => {},
  };
  return { target, flush: () => packer.flush(), summary: undefined, pageNames: () => undefined };
}

/**
 * Decodes here; the handler's "engine" only packs each valid event for the worker. Per user
 * and page under --emit final, this thread interns the pages too (see EventPacker): per
 * page only, decoding is most of the work already, and under --emit updates or closed the
 * worker writes rows, with page names, while the input goes on.
 */
function fileHandover(config: CountConfig, pool: BlockPool, send: Send): Handover {
  const pages = config.emit === 'final' && config.aggregations.includes('user-page') ? new Dictionary() : undefined;
  const pagesInterned = pages !== undefined;
  const packer = new EventPacker(pool, (block, rawLength, events) => send({ type: 'events', block, rawLength, events, pagesInterned }), pages);
  const summary: CountSummary = { read: 0, counted: 0, late: 0, partiallyLate: 0, invalid: 0, rows: 0, openRowsNotWritten: 0, invalidSamples: [] };
  const decoder = new PageViewDecoder(config.decode, packer.pages, config.aggregations.includes('user-page') ? packer.users : undefined);
  const packing = {
    process: (_stream: number, timestampMs: number) => {
      packer.commit(timestampMs);
      return 1; // "windows updated": lateness is for the worker to decide
    },
    touch: () => {},
    lastLateWindows: 0,
    windows: config.windows,
    streamTimeMs: () => -1,
  };
  const handler = new RecordHandler(decoder, packing, summary, config.onInvalid, undefined);
  const target: FeedTarget = Object.assign(handler, { onChunk: (chunk: Buffer) => packer.beginChunk(chunk), readBuffers: packer.readBuffers });
  return { target, flush: () => packer.flush(), summary, pageNames: () => pages?.share() };
}
