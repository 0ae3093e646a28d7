import { Command, CommanderError } from 'commander';
import { readFileSync } from 'node:fs';
import { ExitCode, PageviewsError, formatErrorLine } from '../errors.js';
import { OutputClosed } from '../sink/text-sink.js';
import { endPipeReadsNow } from '../source/pipe-reader.js';
import { countCommand } from './count.js';
import type { CliIo } from './io.js';
import { produceSampleCommand } from './produce-sample.js';
import { verifyCommand } from './verify.js';

const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

const EXIT_CODES_HELP = `
Exit codes: 0 success, 1 internal error, 2 usage error, 3 invalid input data,
4 I/O failure, 5 Kafka failure, 6 fixture mismatch, 130 interrupted (SIGINT), 143 (SIGTERM).`;

function buildProgram(io: CliIo): Command {
  const program = new Command('pageviews')
    .description("Replay and batch-aggregate page-view events with Kafka Streams' window semantics")
    .version(VERSION, '-V, --version')
    .addHelpText('after', EXIT_CODES_HELP)
    .showSuggestionAfterError(true);
  program.addCommand(countCommand(io, () => {}));
  program.addCommand(produceSampleCommand(io));
  program.addCommand(
    verifyCommand(io, (argv, caseIo) =>
      runCli(argv, { ...io, ...caseIo, stdinPipePath: undefined, stdinIsTTY: false, stdoutIsTTY: false, stderrIsTTY: false, env: { ...io.env, NO_COLOR: '1' } }),
    ),
  );
  // Every command: errors are thrown to runCli instead of exiting, and output goes to io.
  const configure = (command: Command) => {
    command.exitOverride().configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(`pageviews: ${text.replace(/^error: /, '').trimEnd().replace(/\n+/g, ' ')}\n`),
    });
  };
  configure(program);
  program.commands.forEach(configure);
  return program;
}

/**
 * Runs the CLI and returns the exit code. The ONLY place that maps errors to exit codes;
 * tests call it in-process with their own streams.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const verbose = argv.includes('--verbose') || argv.includes('-v');
  const program = buildProgram(io);
  try {
    if (argv.length === 0) {
      io.stderr.write(program.helpInformation());
      return ExitCode.usage;
    }
    await program.parseAsync(argv, { from: 'user' });
    return ExitCode.ok;
  } catch (err) {
    return exitCodeFor(err, io, verbose);
  }
}

function exitCodeFor(err: unknown, io: CliIo, verbose: boolean): number {
  if (err instanceof CommanderError) {
    const ok = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(err.code);
    return ok ? ExitCode.ok : ExitCode.usage; // commander already printed the message
  }
  if (err instanceof OutputClosed) return ExitCode.ok; // `| head` closed the pipe: end quietly
  if (err instanceof PageviewsError) {
    io.stderr.write(`${formatErrorLine(err)}\n`);
    if (verbose && err.cause instanceof Error) io.stderr.write(`${err.cause.stack}\n`);
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  io.stderr.write(`pageviews: internal error: ${message} (please report it; --verbose shows the stack)\n`);
  if (verbose && err instanceof Error) io.stderr.write(`${err.stack}\n`);
  return ExitCode.internal;
}

/**
 * The process's CLI (see entry.ts): real streams, signals, exit code. `stdinPipePath`
 * reopens standard input when it is a pipe (Linux: /proc/self/fd/0).
 */
export async function main(stdinPipePath: string | undefined): Promise<void> {
  const controller = new AbortController();
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (++signals > 1) exitNow(signal === 'SIGTERM' ? 143 : ExitCode.interrupted); // second Ctrl-C: now
    controller.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.stdout.on('error', () => {}); // EPIPE is handled by the sink; never crash on it
  const code = await runCli(process.argv.slice(2), {
    stdin: process.stdin,
    stdinPipePath,
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    stdinIsTTY: process.stdin.isTTY === true,
    signal: controller.signal,
    now: () => performance.now(),
  });
  process.exitCode = code;
  // Output is complete here. A Kafka connection still retrying in the background (e.g. to a
  // broker that never answered) must not hold the process open: give it a moment, then go.
  setTimeout(() => exitNow(code), 500).unref();
}

/** process.exit, once no pipe read can hold it up (exit waits for the reader thread). */
function exitNow(code: number): never {
  endPipeReadsNow();
  process.exit(code);
}
