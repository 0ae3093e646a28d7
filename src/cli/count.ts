import { Command, Option } from 'commander';
import type { CountSummary } from '../count/config.js';
import { FORMAT_NAMES } from '../format/registry.js';
import { groupDigits } from '../format/formatter.js';
import { runCount } from '../run-count.js';
import { countConfigFrom, DEFAULT_TABLE_TOP, type CountFlags } from './count-options.js';
import type { KafkaConnectionFlags } from '../kafka/connection.js';
import type { CliIo } from './io.js';
import { addKafkaConnectionOptions } from './kafka-options.js';

const WINDOW_HELP = `
Windows are Kafka Streams' TimeWindows: half-open [start, end), aligned to the epoch, so
7-day windows run Thursday 00:00 UTC to Thursday 00:00 UTC. Stream time is the largest
event time seen so far; an event is late for a window when end + grace <= stream time,
and late events are counted and reported, never silently lost. Default grace is 0, like a
7-day TimeWindows.of() in Kafka Streams; --grace unbounded counts everything.

Examples:
  pageviews count events.ndjson
  cat events.ndjson | pageviews count --by user-page -f csv
  pageviews count day1.ndjson day2.ndjson.gz -f ndjson -o counts.ndjson
  pageviews count events.ndjson --window 7d --advance 1d --grace 2h --emit updates`;

export function countCommand(io: CliIo, onDone: (summary: CountSummary) => void): Command {
  const command = new Command('count')
    .description('count page views per window from NDJSON files, stdin (gzip detected) or a Kafka topic')
    .argument('[files...]', "NDJSON files, read in order as one stream; '-' or none = stdin")
    .addOption(new Option('--by <aggregations>', 'page, user-page, or both (= page,user-page)').default('page'))
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMAT_NAMES).default('table'))
    .option('-o, --output <file>', 'write to FILE atomically instead of stdout')
    .option('--window <duration>', 'window size: 90m, 12h, 7d or bare ms', '7d')
    .option('--advance <duration>', 'hop by this much (default: the window size = tumbling)')
    .option('--grace <duration>', "how long after a window's end late events still count, or 'unbounded'", '0')
    .addOption(new Option('--emit <mode>', 'final: rows at the end; updates: every change; closed: rows as windows close').choices(['final', 'updates', 'closed']).default('final'))
    .option('--user-field <name>', 'JSON field holding the user id', 'userId')
    .option('--page-field <name>', 'JSON field holding the page id', 'pageId')
    .option('--time-field <name>', 'JSON field holding the event time', 'timestamp')
    .addOption(new Option('--time-unit <unit>', 'unit of the time field').choices(['ms', 's']).default('ms'))
    .addOption(new Option('--time-format <format>', 'how window times are written').choices(['iso', 'epoch-ms']).default('iso'))
    .option('--top <n>', `table: rows per window (default ${DEFAULT_TABLE_TOP}; 0 or all = every row)`)
    .addOption(new Option('--on-invalid <policy>', 'fail: stop at the first invalid record; skip: count and report them (default: fail, skip with --dead-letter)').choices(['fail', 'skip']))
    .option('--dead-letter <file>', 'write invalid records and late events, with their origin, to FILE (NDJSON)')
    .option('--from-topic <topic>', 'replay a Kafka topic instead of reading files')
    .option('--partitions <list>', 'only these partitions, e.g. 0,2,5-7 (default: all)')
    .option('--from <position>', 'earliest, latest, committed, an offset, -N (last N), an ISO time or epoch ms (default: earliest)')
    .option('--until <position>', 'stop before: end (the end offsets when the run starts), an offset, an ISO time or epoch ms (default: end)')
    .option('--max-messages <n>', 'stop after N records in all')
    .option('--follow', 'keep consuming past the end; Ctrl-C stops and writes the final rows')
    .option('--group <id>', 'consumer group: commit the offsets reached, only after the output was written')
    .option('--threads <n>', '2: a worker thread counts while this one reads and decodes or consumes Kafka; 1: one thread; auto: 2 for Kafka, and counted per user and page for pipes past 16 MiB (read ahead) and files from 48 MiB, per page only for files from 256 MiB', 'auto')
    .option('--no-color', 'no colour in the table (also NO_COLOR=1)')
    .option('-q, --quiet', 'no progress bar, summary or warnings on stderr')
    .option('-v, --verbose', 'stack traces with errors')
    .addHelpText('after', WINDOW_HELP);
  return addKafkaConnectionOptions(command)
    .action(async (files: string[], flags: CountFlags & KafkaConnectionFlags & { quiet?: boolean }) => {
      const colorAllowed = io.stdoutIsTTY && !flags.output && !io.env.NO_COLOR;
      const config = countConfigFrom(files, flags, colorAllowed, io.env, io.cwd);
      const started = io.now();
      const summary = await runCount(config, {
        stdin: io.stdin,
        stdinPipePath: io.stdinPipePath,
        stdout: io.stdout,
        stderr: io.stderr,
        signal: io.signal,
        cwd: io.cwd,
        // cli-progress is loaded only for a terminal.
        progress: io.stderrIsTTY && !flags.quiet ? (await import('./progress.js')).progressBar(io.stderr) : undefined,
      });
      if (!flags.quiet) io.stderr.write(summaryLines(summary, io.now() - started, config.deadLetter !== undefined));
      onDone(summary);
    });
}

/** The closing report on stderr: samples of skipped records, hints, then one summary line. */
export function summaryLines(s: CountSummary, elapsedMs: number, hasDeadLetter: boolean): string {
  const lines: string[] = [];
  for (const sample of s.invalidSamples) lines.push(`skipped invalid record: ${sample}`);
  if (s.invalid > s.invalidSamples.length) lines.push(`... and ${groupDigits(s.invalid - s.invalidSamples.length)} more invalid records`);
  if (s.late > 0 || s.partiallyLate > 0) {
    const partly = s.partiallyLate > 0 ? ` (and ${groupDigits(s.partiallyLate)} dropped from some of their windows)` : '';
    lines.push(
      `${groupDigits(s.late)} late events dropped${partly}: their window had closed (end + grace <= stream time); ` +
        `count them with --grace <duration> or --grace unbounded${hasDeadLetter ? '' : ', or keep them with --dead-letter FILE'}`,
    );
  }
  if (s.openRowsNotWritten > 0) {
    lines.push(`${groupDigits(s.openRowsNotWritten)} rows of windows still open at the end were not written (--emit closed); --emit final writes them`);
  }
  const seconds = elapsedMs / 1000;
  const rate = seconds > 0 ? Math.round(s.read / seconds) : s.read;
  lines.push(
    `${groupDigits(s.read)} events read: ${groupDigits(s.counted)} counted, ${groupDigits(s.late)} late, ${groupDigits(s.invalid)} invalid; ` +
      `${groupDigits(s.rows)} rows written in ${seconds.toFixed(2)} s (${groupDigits(rate)} events/s)`,
  );
  return lines.map((l) => `pageviews: ${l}\n`).join('');
}
