import type { Readable, Writable } from 'node:stream';
import type { CountConfig, CountSummary } from './count/config.js';
import { RecordHandler } from './count/record-handler.js';
import { RowWriter } from './count/row-writer.js';
import { PageViewDecoder } from './decode/page-view-decoder.js';
import { InterruptedError } from './errors.js';
import { createFormatter } from './format/registry.js';
import { AtomicFileSink, TextSink, assertDistinctOutputs } from './sink/text-sink.js';
import { readChunks, resolveInputs } from './source/byte-input.js';
import { LineSplitter } from './source/line-splitter.js';
import { Dictionary } from './store/dictionary.js';
import { WindowEngine } from './window/engine.js';

/** Progress as the run sees it; the CLI decides whether and how to draw it. */
export interface ProgressReporter {
  /** `totalBytes` is known for regular files; undefined for stdin and pipes. */
  start(totalBytes: number | undefined): void;
  update(bytesRead: number, eventsRead: number): void;
  stop(): void;
}

export interface RunIo {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly signal: AbortSignal;
  /** Relative input and output paths are resolved against this directory. */
  readonly cwd: string;
  readonly progress?: ProgressReporter;
}

/**
 * Wires source -> decode -> engine -> store -> format -> sink for files and stdin. Every
 * check that can fail on user input (files, output paths) runs before the first row.
 */
export async function runCount(config: CountConfig, io: RunIo): Promise<CountSummary> {
  assertDistinctOutputs([config.output, config.deadLetter]);
  const inputs = await resolveInputs(config.inputs, io.stdin, io.cwd);
  const output = config.output ? await AtomicFileSink.open(config.output, io.cwd) : new TextSink(io.stdout, 'stdout');
  let deadLetter: AtomicFileSink | undefined;
  const summary: CountSummary = { read: 0, counted: 0, late: 0, partiallyLate: 0, invalid: 0, rows: 0, openRowsNotWritten: 0, invalidSamples: [] };
  try {
    deadLetter = config.deadLetter ? await AtomicFileSink.open(config.deadLetter, io.cwd) : undefined;
    const pages = new Dictionary();
    const users = new Dictionary();
    const needUsers = config.aggregations.includes('user-page');
    const formatter = createFormatter(config.format, { aggregations: config.aggregations, timeFormat: config.timeFormat, top: config.top, color: config.color });
    const writer = new RowWriter(formatter, output, pages, users);
    const engine = new WindowEngine(config.windows, config.aggregations, config.emit, writer);
    writer.engine = engine;
    const decoder = new PageViewDecoder(config.decode, pages, needUsers ? users : undefined);
    const handler = new RecordHandler(decoder, engine, summary, config.onInvalid, deadLetter);

    writer.begin();
    let bytesRead = 0;
    io.progress?.start(inputs.every((i) => i.sizeBytes !== undefined) ? inputs.reduce((n, i) => n + i.sizeBytes!, 0) : undefined);
    for (const input of inputs) {
      handler.source = input.name; // all inputs of one run are ONE stream (stream 0), like `cat a b |`
      const splitter = new LineSplitter(handler);
      for await (const chunk of readChunks(input, io.signal, (n) => (bytesRead += n))) {
        splitter.push(chunk);
        if (io.signal.aborted) throw new InterruptedError(String(io.signal.reason ?? 'SIGINT'));
        io.progress?.update(bytesRead, summary.read);
        await writer.flushClosed();
        await output.drain();
        await deadLetter?.drain();
      }
      splitter.end();
    }
    await writer.flushClosed();
    if (config.emit === 'final') await writer.writeAllWindows();
    else if (config.emit === 'closed') summary.openRowsNotWritten = (engine.pageCounts?.keyCount ?? 0) + (engine.userPageCounts?.keyCount ?? 0);
    writer.end();
    io.progress?.stop();
    if (io.signal.aborted) throw new InterruptedError(String(io.signal.reason ?? 'SIGINT'));
    await deadLetter?.commit();
    await output.commit();
    summary.counted = engine.stats.counted;
    summary.late = engine.stats.late;
    summary.partiallyLate = engine.stats.partiallyLate;
    summary.rows = writer.rows;
    return summary;
  } catch (err) {
    io.progress?.stop();
    if (io.signal.aborted && !(err instanceof InterruptedError)) err = new InterruptedError(String(io.signal.reason ?? 'SIGINT'));
    await deadLetter?.abort();
    await output.abort();
    throw err;
  }
}
