/**
 * Typed errors. Every failure the user can cause maps to one documented exit code;
 * only src/cli/main.ts turns an error into an exit status.
 */
export const ExitCode = {
  ok: 0,
  internal: 1,
  usage: 2,
  invalidData: 3,
  io: 4,
  kafka: 5,
  mismatch: 6,
  interrupted: 130,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

export class PageviewsError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
    /** Where the problem is: `file:line`, `topic[partition]@offset`, a flag name. */
    readonly where?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

export class UsageError extends PageviewsError {
  constructor(message: string, where?: string) {
    super(message, ExitCode.usage, where);
  }
}

export class InvalidDataError extends PageviewsError {
  constructor(message: string, where: string) {
    super(message, ExitCode.invalidData, where);
  }
}

export class IoError extends PageviewsError {
  constructor(message: string, where: string, cause?: unknown) {
    super(message, ExitCode.io, where, { cause });
  }
}

export class KafkaError extends PageviewsError {
  constructor(message: string, where?: string, cause?: unknown) {
    super(message, ExitCode.kafka, where, { cause });
  }
}

export class MismatchError extends PageviewsError {
  constructor(message: string) {
    super(message, ExitCode.mismatch);
  }
}

export class InterruptedError extends PageviewsError {
  constructor(readonly signal: string) {
    super(`interrupted by ${signal}`, signal === 'SIGTERM' ? 143 : ExitCode.interrupted);
  }
}

/** Wraps an fs error into an IoError with a short, human reason. */
export function ioErrorFrom(err: unknown, where: string, doing: string): IoError {
  const e = err as NodeJS.ErrnoException;
  const reasons: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EACCES: 'permission denied',
    EISDIR: 'is a directory',
    ENOTDIR: 'not a directory',
    ENOSPC: 'no space left on device',
    EROFS: 'read-only file system',
  };
  const reason = (e?.code && reasons[e.code]) || e?.message || String(err);
  return new IoError(`cannot ${doing}: ${reason}`, where, err);
}

/** The one-line form every error takes on stderr: `pageviews: <what> (<where>)`. */
export function formatErrorLine(err: PageviewsError): string {
  return `pageviews: ${err.message}${err.where ? ` (${err.where})` : ''}`;
}
