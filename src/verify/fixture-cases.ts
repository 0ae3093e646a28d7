import { createReadStream, existsSync } from 'node:fs';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { PassThrough, Readable, Writable } from 'node:stream';
import { UsageError, ioErrorFrom } from '../errors.js';
import { lineDiff } from './line-diff.js';

/**
 * A fixture case is a directory holding:
 *   cmd       the arguments after `pageviews`, one line, shell-style quotes ('..', "..")
 *   stdin     optional: fed to standard input
 *   expout    expected stdout, byte for byte
 *   experr    optional: expected stderr (timings normalised to `in <elapsed>`)
 *   exitcode  optional: expected exit code (default 0)
 * Paths in `cmd` are relative to the case directory.
 */
export interface CaseResult {
  readonly dir: string;
  readonly failures: string[];
}

export type CliRunner = (argv: string[], io: { stdin: Readable; stdout: Writable; stderr: Writable; cwd: string }) => Promise<number>;

const TIMING = / in \d+(?:\.\d+)? s \([\d,]+ events\/s\)/g;

export function normaliseStderr(text: string): string {
  return text.replace(TIMING, ' in <elapsed>');
}

/** Case directories under each root (a root may itself be a case), sorted. */
export async function findCases(roots: readonly string[], cwd: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    if (existsSync(join(dir, 'cmd'))) {
      found.push(dir);
      return;
    }
    const entries = await readdir(dir, { withFileTypes: true });
    for (const entry of entries.filter((e) => e.isDirectory()).sort((x, y) => (x.name < y.name ? -1 : 1))) {
      await walk(join(dir, entry.name));
    }
  };
  for (const root of roots) {
    const dir = resolve(cwd, root);
    try {
      if (!(await stat(dir)).isDirectory()) throw Object.assign(new Error('not a directory'), { code: 'ENOTDIR' });
    } catch (err) {
      throw ioErrorFrom(err, root, 'read fixture cases');
    }
    await walk(dir);
  }
  return found;
}

/** Splits a command line into words, honouring single and double quotes. */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  const pattern = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  let current: string | undefined;
  let lastEnd = -1;
  for (const match of line.matchAll(pattern)) {
    const piece = match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : (match[2] ?? match[3]);
    if (current !== undefined && match.index === lastEnd) current += piece; // adjacent pieces: one word
    else {
      if (current !== undefined) words.push(current);
      current = piece;
    }
    lastEnd = match.index + match[0].length;
  }
  if (current !== undefined) words.push(current);
  return words;
}

class Collector extends Writable {
  private chunks: Buffer[] = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.chunks.push(Buffer.from(chunk));
    done();
  }
  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

async function readOptional(path: string): Promise<string | undefined> {
  return existsSync(path) ? readFile(path, 'utf8') : undefined;
}

/** Runs one case in-process and compares (or, with `update`, rewrites) its expectations. */
export async function runCase(dir: string, run: CliRunner, update: boolean, label: string): Promise<CaseResult> {
  const cmdLine = (await readFile(join(dir, 'cmd'), 'utf8')).split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#')).join(' ');
  const argv = shellWords(cmdLine);
  if (argv.length === 0) throw new UsageError('empty cmd file', join(label, 'cmd'));
  const stdinPath = join(dir, 'stdin');
  const stdin = existsSync(stdinPath) ? createReadStream(stdinPath) : Readable.from([]);
  const stdout = new Collector();
  const stderr = new Collector();
  const code = await run(argv, { stdin: stdin.pipe(new PassThrough()), stdout, stderr, cwd: dir });
  const actual = { expout: stdout.text(), experr: normaliseStderr(stderr.text()), exitcode: `${code}\n` };
  if (update) {
    await writeFile(join(dir, 'expout'), actual.expout);
    await writeOrRemove(join(dir, 'experr'), actual.experr);
    await writeOrRemove(join(dir, 'exitcode'), code === 0 ? '' : actual.exitcode);
    return { dir: label, failures: [] };
  }
  const failures: string[] = [];
  const expectedOut = (await readOptional(join(dir, 'expout'))) ?? '';
  const expectedErr = await readOptional(join(dir, 'experr'));
  const expectedCode = Number(((await readOptional(join(dir, 'exitcode'))) ?? '0').trim());
  if (code !== expectedCode) {
    failures.push(`exit code ${code}, expected ${expectedCode}${expectedErr === undefined ? `; stderr was:\n${actual.experr}` : ''}`);
  }
  if (actual.expout !== expectedOut) failures.push(`stdout differs:\n${lineDiff(expectedOut, actual.expout)}`);
  if (expectedErr !== undefined && expectedErr !== actual.experr) {
    failures.push(`stderr differs:\n${lineDiff(expectedErr, actual.experr)}`);
  }
  return { dir: label, failures };
}

async function writeOrRemove(path: string, text: string): Promise<void> {
  if (text === '') await rm(path, { force: true });
  else await writeFile(path, text);
}

/** The case's path as a user would type it: relative below cwd, absolute elsewhere. */
export function caseLabel(dir: string, cwd: string): string {
  const rel = relative(cwd, dir);
  return rel === '' ? '.' : rel.startsWith('..') ? dir : rel;
}
