import cliProgress from 'cli-progress';
import type { Writable } from 'node:stream';
import { groupDigits } from '../format/formatter.js';
import type { ProgressReporter } from '../count/count-through.js';
import type { SampleProgress } from '../run-produce-sample.js';

/**
 * A cli-progress bar on stderr: bytes read of the total for files (compressed bytes for
 * gzip), offsets consumed of the total for a replay, events so far for stdin and --follow. Only created when stderr is a terminal.
 */
export function progressBar(stderr: Writable): ProgressReporter {
  let bar: cliProgress.SingleBar | undefined;
  let known = false;
  return {
    start(total, unit) {
      known = total !== undefined && total > 0;
      const amount = unit === 'bytes' ? '{mb}/{totalMb} MB' : '{value}/{total} offsets';
      const format = known
        ? `reading {bar} {percentage}% | ${amount} | {events} events | ETA {eta_formatted}`
        : 'reading | {events} events | {duration_formatted}';
      const totalBytes = unit === 'bytes' ? total : 0;
      bar = new cliProgress.SingleBar(
        { stream: stderr as NodeJS.WriteStream, format, hideCursor: true, clearOnComplete: true, fps: 8, etaBuffer: 50 },
        cliProgress.Presets.shades_classic,
      );
      bar.start(known ? total! : 0, 0, { events: 0, mb: '0.0', totalMb: ((totalBytes ?? 0) / 1e6).toFixed(1) });
    },
    update(workDone, eventsRead) {
      bar?.update(known ? workDone : 0, { events: eventsRead.toLocaleString('en-US'), mb: (workDone / 1e6).toFixed(1) });
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}

/** produce-sample's bar: events produced of the total. */
export function sampleProgressBar(stderr: Writable): SampleProgress {
  let bar: cliProgress.SingleBar | undefined;
  return {
    start(total) {
      bar = new cliProgress.SingleBar(
        {
          stream: stderr as NodeJS.WriteStream,
          format: 'producing {bar} {percentage}% | {done}/{all} events | ETA {eta_formatted}',
          hideCursor: true,
          clearOnComplete: true,
          fps: 8,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      );
      bar.start(total, 0, { done: '0', all: groupDigits(total) });
    },
    update(produced) {
      bar?.update(produced, { done: groupDigits(produced) });
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
