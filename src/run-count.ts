import { availableParallelism } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import type { CountConfig, CountSummary } from './count/config.js';
import { openFileFeed, type Feed } from './count/feed.js';
import { countThrough, type ProgressReporter } from './count/count-through.js';
import { AtomicFileSink, TextSink, assertDistinctOutputs } from './sink/text-sink.js';
import { countInWorker } from './parallel/count-in-worker.js';
import { PIPE_READ_AHEAD_MS, SMALL_PIPE_BYTES, inputPaysForWorker } from './parallel/worker-threads.js';

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
    if (useWorker(config, feed.total) && !(await smallPipe(config, feed))) return await countInWorker(feed, config, io, output, deadLetter);
    return await countThrough(feed, config, io.progress, output, deadLetter);
  } finally {
    await feed.close();
  }
}

/**
 * Two cores where they pay: Kafka (kafkajs keeps this thread busy while a worker counts),
 * pipes counted per user and page, and large files (this thread reads and decodes while a
 * worker interns and counts, then sorts while this thread encodes): 5M events per user and
 * page 5.5 s -> 3.5 s for ~35 MB more peak memory; per page only see inputPaysForWorker.
 * Late events can be dead-lettered with their line only where they were decoded, so
 * --dead-letter on files stays on one thread.
 */
function useWorker(config: CountConfig, totalBytes: number | undefined): boolean {
  if (config.threads === 1 || (!config.kafka && config.deadLetter !== undefined)) return false;
  if (config.threads === 2) return true;
  if (availableParallelism() < 2) return false;
  return config.kafka !== undefined || inputPaysForWorker(config.aggregations.includes('user-page'), totalBytes);
}

/**
 * --threads auto, stdin a pipe: whether it ends within SMALL_PIPE_BYTES (read ahead), so
 * that one thread counts it, faster than two: 100k events (12 MB) per user and page
 * through a pipe, 0.50 s on two threads, 0.41 on one.
 */
async function smallPipe(config: CountConfig, feed: Feed): Promise<boolean> {
  if (config.threads !== undefined || !feed.readAhead) return false; // the feed knows whether it is one pipe
  return feed.readAhead(config.smallPipeBytes ?? SMALL_PIPE_BYTES, PIPE_READ_AHEAD_MS);
}
