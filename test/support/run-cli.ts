import { PassThrough, Readable, Writable } from 'node:stream';
import { runCli } from '../../src/cli/main.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

class Collector extends Writable {
  chunks: Buffer[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.chunks.push(Buffer.from(chunk));
    done();
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** Runs the CLI in-process, the way the fixture runner does; stdin is given as chunks. */
export async function runPageviews(
  argv: string[],
  options: { stdin?: (string | Buffer)[]; cwd?: string; env?: Record<string, string>; stdoutIsTTY?: boolean; signal?: AbortSignal } = {},
): Promise<CliResult> {
  const stdout = new Collector();
  const stderr = new Collector();
  const stdin = options.stdin ? Readable.from(options.stdin.map((c) => Buffer.from(c)), { objectMode: false }) : new PassThrough().end();
  const code = await runCli(argv, {
    stdin,
    stdout,
    stderr,
    env: options.env ?? {},
    cwd: options.cwd ?? process.cwd(),
    stdoutIsTTY: options.stdoutIsTTY ?? false,
    stderrIsTTY: false,
    stdinIsTTY: false,
    signal: options.signal ?? new AbortController().signal,
    now: () => 0,
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}
