import type { Readable, Writable } from 'node:stream';

/** Everything the CLI touches of the process, so tests can run it in-process. */
export interface CliIo {
  readonly stdin: Readable;
  /** A path that reopens standard input when it is a pipe (Linux: /proc/self/fd/0). */
  readonly stdinPipePath?: string;
  readonly stdout: Writable;
  readonly stderr: Writable;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  readonly stdinIsTTY: boolean;
  /** Aborted on SIGINT / SIGTERM; the reason is the signal name. */
  readonly signal: AbortSignal;
  now(): number;
}
