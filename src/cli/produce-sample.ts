import { Command, Option } from 'commander';
import { groupDigits } from '../format/formatter.js';
import type { ProduceSummary } from '../run-produce-sample.js';
import type { CliIo } from './io.js';
import { addKafkaConnectionOptions } from './kafka-options.js';
import { DEFAULT_PARTITIONS, produceSampleConfigFrom, type ProduceSampleFlags } from './produce-sample-options.js';

const HELP = `
Events are {"userId":...,"pageId":...,"timestamp":<epoch ms>}, one per line, and the same
seed and flags always give the same events, byte for byte. Times rise through
[start, start + span); a --late-fraction of them is moved back by up to --late-by, so
they arrive out of order (and late for grace 0 near a window's end: 7-day windows end on
Thursdays 00:00 UTC). Users and pages follow Zipf popularity (--skew; 0 = uniform).

With --topic, records get key = pageId, value = the JSON line, timestamp = the event
time, and Kafka's default (murmur2) partitioning. A missing topic is created with
--partitions (default ${DEFAULT_PARTITIONS}, like the Kafka Streams reference application); an
existing one is used as it is.

Examples:
  pageviews produce-sample --count 5 --ids short
  pageviews produce-sample --count 1000000 -o events.ndjson
  pageviews produce-sample --topic pageviews -b localhost:9092 --partitions 4 --rate 500/s
  pageviews produce-sample --skew 0 --late-fraction 0 | pageviews count --by user-page`;

/** Below this many events the run is over before a progress bar is worth drawing. */
const PROGRESS_MIN_EVENTS = 10_000;

export function produceSampleCommand(io: CliIo): Command {
  const command = new Command('produce-sample')
    .description('write deterministic sample page-view events to a Kafka topic, a file or stdout')
    .option('--topic <topic>', 'produce to this Kafka topic (created if missing) instead of stdout')
    .option('--partitions <n>', `partitions of a topic created by this run (default: ${DEFAULT_PARTITIONS})`)
    .option('--replication-factor <n>', 'replication factor of a topic created by this run (default: 1)')
    .option('-o, --output <file>', 'write NDJSON to FILE atomically instead of stdout')
    .option('--count <n>', 'number of events', '1000')
    .option('--users <n>', 'number of distinct users', '100')
    .option('--pages <n>', 'number of distinct pages', '50')
    .addOption(new Option('--ids <style>', 'uuid: v4 UUIDs (seeded); short: u001, p001, ...').choices(['uuid', 'short']).default('uuid'))
    .option('--start <time>', 'first event time: ISO-8601 or epoch ms (default: 2021-03-25T00:00:00Z, a Thursday)')
    .option('--span <duration>', 'event times spread over [start, start + span)', '7d')
    .option('--skew <exponent>', 'Zipf exponent of user and page popularity; 0 = uniform', '1.1')
    .option('--late-fraction <f>', 'fraction of events moved back in time (out of order), 0..1', '0.05')
    .option('--late-by <duration>', 'how far back at most', '2h')
    .option('--rate <n/s>', 'at most this many events per second, e.g. 500/s (default: unlimited)')
    .option('--seed <n>', 'random seed: same seed and flags, same events', '1');
  return addKafkaConnectionOptions(command)
    .option('-q, --quiet', 'no progress bar, notices or summary on stderr')
    .option('-v, --verbose', 'kafkajs info logs, stack traces with errors')
    .addHelpText('after', HELP)
    .action(async (flags: ProduceSampleFlags & { quiet?: boolean }) => {
      const config = produceSampleConfigFrom(flags, io.env, io.cwd);
      const started = io.now();
      // Loaded when used: a count does not pay for the sample generator's modules.
      const { runProduceSample } = await import('../run-produce-sample.js');
      const summary = await runProduceSample(config, {
        stdout: io.stdout,
        stderr: io.stderr,
        cwd: io.cwd,
        signal: io.signal,
        // cli-progress is loaded only for a terminal.
        progress: io.stderrIsTTY && !flags.quiet && config.sample.count >= PROGRESS_MIN_EVENTS ? (await import('./progress.js')).sampleProgressBar(io.stderr) : undefined,
        notice: (line) => {
          if (!flags.quiet) io.stderr.write(`pageviews: ${line}\n`);
        },
      });
      if (!flags.quiet) io.stderr.write(summaryLine(summary, io.now() - started));
    });
}

/** `pageviews: produced 1,000 events to topic T (2 partitions) in 0.12 s (8,333 events/s)` */
export function summaryLine(summary: ProduceSummary, elapsedMs: number): string {
  const seconds = elapsedMs / 1000;
  const rate = seconds > 0 ? Math.round(summary.produced / seconds) : summary.produced;
  const events = summary.produced === 1 ? 'event' : 'events';
  return `pageviews: produced ${groupDigits(summary.produced)} ${events} to ${summary.destination} in ${seconds.toFixed(2)} s (${groupDigits(rate)} events/s)\n`;
}
