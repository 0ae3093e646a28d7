import { existsSync, fstatSync } from 'node:fs';
import { discardPrestartedPipeReader, prestartPipeReader } from '../source/pipe-reader.js';

/**
 * The process entry (bin/pageviews). Loading the CLI's modules takes ~50 ms; a `count`
 * that will read a pipe on stdin starts its reader thread first, so that the thread's boot
 * overlaps them. Only a thread is started: it reads nothing until the count asks for input.
 */
const stdinPipe = stdinPipePath();
const argv = process.argv.slice(2);
if (stdinPipe !== undefined && argv[0] === 'count' && !argv.includes('--from-topic')) prestartPipeReader(stdinPipe);
const { main } = await import('./main.js');
await main(stdinPipe);
discardPrestartedPipeReader();

/** Where a pipe on fd 0 can be opened again, by a reader thread of its own (Linux only). */
function stdinPipePath(): string | undefined {
  try {
    return fstatSync(0).isFIFO() && existsSync('/proc/self/fd/0') ? '/proc/self/fd/0' : undefined;
  } catch {
    return undefined;
  }
}
