import cliProgress from 'cli-progress';
import type { Writable } from 'node:stream';
import type { ProgressReporter } from '../run-count.js';

/**
 * A cli-progress bar on stderr: bytes read of the total for files (compressed bytes for
 * gzip), events so far for stdin. Only created when stderr is a terminal.
 */
export function progressBar(stderr: Writable): ProgressReporter {
  let bar: cliProgress.SingleBar | undefined;
  let known = false;
  return {
    start(totalBytes) {
      known = totalBytes !== undefined && totalBytes > 0;
      const format = known
        ? 'reading {bar} {percentage}% | {mb}/{totalMb} MB | {events} events | ETA {eta_formatted}'
        : 'reading | {events} events | {duration_formatted}';
      bar = new cliProgress.SingleBar(
        { stream: stderr as NodeJS.WriteStream, format, hideCursor: true, clearOnComplete: true, fps: 8, etaBuffer: 50 },
        cliProgress.Presets.shades_classic,
      );
      bar.start(known ? totalBytes! : 0, 0, { events: 0, mb: '0.0', totalMb: ((totalBytes ?? 0) / 1e6).toFixed(1) });
    },
    update(bytesRead, eventsRead) {
      bar?.update(known ? bytesRead : 0, { events: eventsRead.toLocaleString('en-US'), mb: (bytesRead / 1e6).toFixed(1) });
    },
    stop() {
      bar?.stop();
      bar = undefined;
    },
  };
}
