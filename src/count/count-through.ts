import type { TextSink } from '../sink/text-sink.js';
import { Dictionary } from '../store/dictionary.js';
import { WindowEngine } from '../window/engine.js';
import { PageViewDecoder } from '../decode/page-view-decoder.js';
import type { Formatter } from '../format/formatter.js';
import { createFormatter } from '../format/registry.js';
import { isLive, type CountConfig, type CountSummary } from './config.js';
import type { Feed } from './feed.js';
import { RecordHandler } from './record-handler.js';
import { RowWriter, type RowShipper } from './row-writer.js';

/** Progress as the run sees it; the CLI decides whether and how to draw it. */
export interface ProgressReporter {
  /** `total` is bytes of files or offsets of a replay; undefined when unknown. */
  start(total: number | undefined, unit: 'bytes' | 'offsets'): void;
  update(workDone: number, eventsRead: number): void;
  stop(): void;
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
  /** In a count worker: who encodes the final rows (see RowShipper). */
  shipper?: RowShipper,
): Promise<CountSummary> {
  const summary: CountSummary = { read: 0, counted: 0, late: 0, partiallyLate: 0, invalid: 0, rows: 0, openRowsNotWritten: 0, invalidSamples: [] };
  try {
    const pages = new Dictionary();
    const users = new Dictionary();
    const writer = new RowWriter(await formatterFor(config), output, pages, users);
    writer.shipper = shipper;
    const engine = new WindowEngine(config.windows, config.aggregations, config.emit, writer);
    writer.engine = engine;
    engine.expectStreams(feed.streams);
    const decoder = new PageViewDecoder(config.decode, pages, config.aggregations.includes('user-page') ? users : undefined);
    const handler = new RecordHandler(decoder, engine, summary, config.onInvalid, deadLetter);
    // Updates from a live topic or pipe should be seen as they happen, not when a buffer fills.
    const flushEveryChunk = isLive(config);

    writer.begin();
    progress?.start(feed.total, feed.unit);
    await feed.run(handler, async (workDone) => {
      progress?.update(workDone, summary.read);
      await writer.flushClosed();
      await output.drain(flushEveryChunk);
      await deadLetter?.drain(flushEveryChunk);
    });
    pages.seal();
    users.seal();
    await writer.flushClosed();
    if (config.emit === 'final') await writer.writeAllWindows();
    else if (config.emit === 'closed') summary.openRowsNotWritten = engine.keyCount;
    writer.end();
    progress?.stop();
    await deadLetter?.commit();
    await output.commit();
    await feed.afterOutput();
    summary.counted = engine.stats.counted;
    summary.late = engine.stats.late;
    summary.partiallyLate = engine.stats.partiallyLate;
    summary.rows = writer.rows;
    return summary;
  } catch (err) {
    progress?.stop();
    await deadLetter?.abort();
    await output.abort();
    throw err;
  }
}

/** The run's output format with its options (also built by the main thread of a two-core count). */
export function formatterFor(config: CountConfig): Promise<Formatter> {
  return createFormatter(config.format, { aggregations: config.aggregations, timeFormat: config.timeFormat, top: config.top, color: config.color });
}
