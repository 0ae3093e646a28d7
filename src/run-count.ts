import { availableParallelism } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import type { CountConfig, CountSummary } from './count/config.js';
import { openFileFeed, type Feed } from './count/feed.js';
import { RecordHandler } from './count/record-handler.js';
import { RowWriter } from './count/row-writer.js';
import { PageViewDecoder } from './decode/page-view-decoder.js';
import { createFormatter } from './format/registry.js';
import { AtomicFileSink, TextSink, assertDistinctOutputs } from './sink/text-sink.js';
import { Dictionary } from './store/dictionary.js';
import { countInWorker } from './parallel/count-in-worker.js';
import { WindowEngine } from './window/engine.js';

/** Progress as the run sees it; the CLI decides whether and how to draw it. */
export interface ProgressReporter {
  /** `total` is bytes of files or offsets of a replay; undefined when unknown. */
  start(total: number | undefined, unit: 'bytes' | 'offsets'): void;
  update(workDone: number, eventsRead: number): void;
  stop(): void;
}

export interface RunIo {
  readonly stdin: Readable;
  /** A path that reopens standard input when it is a pipe (Linux: /proc/self/fd/0). */
  readonly stdinPipePath?: string;
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly signal: AbortSignal;
  /** Relative input and output paths are resolved against this directory. */
  readonly cwd: string;
  readonly progress?: ProgressReporter;
}

/**
 * Wires source -> decode -> engine -> store -> format -> sink. Every check that can fail
 * on user input (files, brokers, topic, output paths) runs before the first row.
 */
export async function runCount(config: CountConfig, io: RunIo): Promise<CountSummary> {
  assertDistinctOutputs([config.output, config.deadLetter]);
  // kafkajs is loaded only for a replay: ~70 ms of every other run, in each thread.
  const feed = config.kafka
    ? await (await import('./count/kafka-feed.js')).openKafkaFeed(config.kafka, io.stderr, io.cwd, io.signal)
    : await openFileFeed(config.inputs, io.stdin, io.cwd, io.signal, io.stdinPipePath);
  try {
    const output = config.output ? await AtomicFileSink.open(config.output, io.cwd) : new TextSink(io.stdout, 'stdout');
    let deadLetter: AtomicFileSink | undefined;
    try {
      deadLetter = config.deadLetter ? await AtomicFileSink.open(config.deadLetter, io.cwd) : undefined;
    } catch (err) {
      await output.abort();
      throw err;
    }
    if (useWorker(config, feed.total)) return await countInWorker(feed, config, io, output, deadLetter);
    return await countThrough(feed, config, io.progress, output, deadLetter);
  } finally {
    await feed.close();
  }
}

/** Starting a worker costs tens of milliseconds: for files, worth it from a few MiB on. */
const WORKER_MIN_FILE_BYTES = 8 << 20;

/**
 * Two cores where they pay: Kafka (kafkajs keeps this thread busy while a worker counts)
 * and large files or pipes counted per user and page (this thread reads, decodes and
 * interns pages while a worker interns users and counts): 5M events 5.6 s -> 4.1 s, for
 * ~30 MB more peak memory. Per page only, the worker would have little to do: one thread
 * is faster (5M: 2.4 s vs 2.8 s). Late events can be dead-lettered with their line only
 * where they were decoded, so --dead-letter on files stays on one thread.
 *
 * A pipe on stdin is read like a file (in the thread pool) only on one thread: beside a
 * count worker, this thread has room to read it itself, and one more busy thread on two
 * cores slowed 5M events per user and page from 5.1 s to 5.8 s.
 */
function useWorker(config: CountConfig, totalBytes: number | undefined): boolean {
  if (config.threads === 1 || (!config.kafka && config.deadLetter !== undefined)) return false;
  if (config.threads === 2) return true;
  if (availableParallelism() < 2) return false;
  if (!config.kafka && !config.aggregations.includes('user-page')) return false;
  return config.kafka !== undefined || totalBytes === undefined || totalBytes >= WORKER_MIN_FILE_BYTES;
}

/**
 * The pipeline after the source: decode -> engine -> store -> format -> the given sinks,
 * which it commits (or aborts on failure). Runs on the main thread or in a count worker.
 */
export async function countThrough(
  feed: Feed,
  config: CountConfig,
  progress: ProgressReporter | undefined,
  output: TextSink,
  deadLetter: TextSink | undefined,
): Promise<CountSummary> {
  const io = { progress };
  const summary: CountSummary = { read: 0, counted: 0, late: 0, partiallyLate: 0, invalid: 0, rows: 0, openRowsNotWritten: 0, invalidSamples: [] };
  try {
    const pages = new Dictionary();
    const users = new Dictionary();
    const formatOptions = { aggregations: config.aggregations, timeFormat: config.timeFormat, top: config.top, color: config.color };
    const writer = new RowWriter(createFormatter(config.format, formatOptions), output, pages, users);
    const engine = new WindowEngine(config.windows, config.aggregations, config.emit, writer);
    writer.engine = engine;
    engine.expectStreams(feed.streams);
    const decoder = new PageViewDecoder(config.decode, pages, config.aggregations.includes('user-page') ? users : undefined);
    const handler = new RecordHandler(decoder, engine, summary, config.onInvalid, deadLetter);
    // Updates from a live topic should be seen as they happen, not when a buffer fills.
    const flushEveryChunk = config.kafka?.until === undefined && config.kafka !== undefined;

    writer.begin();
    io.progress?.start(feed.total, feed.unit);
    await feed.run(handler, async (workDone) => {
      io.progress?.update(workDone, summary.read);
      await writer.flushClosed();
      await output.drain(flushEveryChunk);
      await deadLetter?.drain(flushEveryChunk);
    });
    pages.seal();
    users.seal();
    await writer.flushClosed();
    if (config.emit === 'final') await writer.writeAllWindows();
    else if (config.emit === 'closed') summary.openRowsNotWritten = (engine.pageCounts?.keyCount ?? 0) + (engine.userPageCounts?.keyCount ?? 0);
    writer.end();
    io.progress?.stop();
    await deadLetter?.commit();
    await output.commit();
    await feed.afterOutput();
    summary.counted = engine.stats.counted;
    summary.late = engine.stats.late;
    summary.partiallyLate = engine.stats.partiallyLate;
    summary.rows = writer.rows;
    return summary;
  } catch (err) {
    io.progress?.stop();
    await deadLetter?.abort();
    await output.abort();
    throw err;
  }
}
