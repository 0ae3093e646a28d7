import type { Readable } from 'node:stream';
import { InterruptedError } from '../errors.js';
import { readChunks, resolveInputs, type ByteInput, type ReadBuffers } from '../source/byte-input.js';
import { LineSplitter } from '../source/line-splitter.js';
import { readAhead } from '../source/read-ahead.js';
import type { LineHandler } from '../source/line-splitter.js';
import type { PackedEvents } from '../parallel/event-blocks.js';
import type { SharedNames } from '../store/id-names.js';

/** What a feed hands its records to: the record handler, or the packer for a count worker. */
export interface FeedTarget extends LineHandler {
  source: string;
  isTopic: boolean;
  stream: number;
  onRecord(bytes: Buffer | null, partition: number, offset: number, start?: number, end?: number): void;
  /** Events another thread decoded (files on two cores). */
  onDecodedEvents(events: PackedEvents): void;
  /**
   * Kafka records another thread packed (see record-blocks.ts), offered only to a target
   * that has this: `release` once they were counted, so the block can be filled again.
   */
  onRecordBlock?(block: SharedArrayBuffer, length: number, release: () => void): void;
  /** A chunk of input about to be split into lines (files and stdin). */
  onChunk?(chunk: Buffer): void;
  /** Where to read regular files into, if not the reader's own buffers (see ReadBuffers). */
  readBuffers?: ReadBuffers;
  /** The names of the pages another thread interned for onDecodedEvents, once all events came. */
  adoptPageNames?(names: SharedNames): void;
}

/**
 * Where a count's records come from. `open…Feed` checks everything a user can get wrong
 * (files, brokers, topics, offsets) before any output is opened.
 */
export interface Feed {
  /** Work to do for the progress bar, or undefined when unknown (stdin, --follow). */
  readonly total: number | undefined;
  readonly unit: 'bytes' | 'offsets';
  /** Streams (partitions) known at the start to have events coming; files: none needed. */
  readonly streams: readonly number[];
  /** Feeds every record to the handler; `afterChunk` lets output drain between chunks. */
  run(handler: FeedTarget, afterChunk: (workDone: number) => Promise<void>): Promise<void>;
  /**
   * Files and stdin: when the input is one pipe, reads up to `bytes` of it ahead, waiting
   * at most `ms` (run() starts with them); true when that was all of it. A gzip pipe's
   * size says little about the work: false.
   */
  readAhead?(bytes: number, ms: number): Promise<boolean>;
  /** Runs after the output was committed (Kafka: --group offsets). */
  afterOutput(): Promise<void>;
  close(): Promise<void>;
}

/** Files and stdin, read in order as ONE stream (stream 0), like `cat a b |`. */
export async function openFileFeed(paths: readonly string[], stdin: Readable, cwd: string, signal: AbortSignal, stdinPipePath?: string): Promise<Feed> {
  const inputs: ByteInput[] = await resolveInputs(paths, stdin, cwd, stdinPipePath);
  const sized = inputs.every((i) => i.sizeBytes !== undefined);
  const interrupted = () => new InterruptedError(String(signal.reason ?? 'SIGINT'));
  /** A read that failed because the run was interrupted is reported as the interruption. */
  const asInterruption = (err: unknown) => (signal.aborted && !(err instanceof InterruptedError) ? interrupted() : err);
  return {
    total: sized ? inputs.reduce((n, i) => n + i.sizeBytes!, 0) : undefined,
    unit: 'bytes',
    streams: [],
    async readAhead(bytes, ms) {
      if (inputs.length !== 1 || sized) return false;
      try {
        const ahead = await readAhead(inputs[0], signal, bytes, ms);
        inputs[0] = ahead.input;
        return ahead.ended && !ahead.gzipped;
      } catch (err) {
        throw asInterruption(err);
      }
    },
    async run(handler, afterChunk) {
      let bytesRead = 0;
      try {
        for (const input of inputs) {
          handler.source = input.name;
          const splitter = new LineSplitter(handler);
          for await (const chunk of readChunks(input, signal, (n) => (bytesRead += n), handler.readBuffers)) {
            handler.onChunk?.(chunk);
            splitter.push(chunk);
            if (signal.aborted) throw interrupted();
            await afterChunk(bytesRead);
          }
          splitter.end();
        }
      } catch (err) {
        throw asInterruption(err);
      }
      if (signal.aborted) throw interrupted();
    },
    afterOutput: async () => {},
    close: async () => {},
  };
}
