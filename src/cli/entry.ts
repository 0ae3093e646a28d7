import { existsSync, fstatSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { countWorkerThreads, fetchWorkerThreads, inputPaysForWorker } from '../parallel/worker-threads.js';
import { discardPrestartedPipeReader, prestartPipeReader } from '../source/pipe-reader.js';

/**
 * The process entry (bin/pageviews). Loading the CLI's modules takes ~50 ms, and a thread
 * takes ~40-100 ms to boot: a `count` that will likely want a pipe reader, a count worker
 * or a second Kafka consumer (a fetch worker) starts them first, so that their boots
 * overlap the loading. The guess from the raw arguments only decides what starts early;
 * the count decides what it uses, and what it does not use is stopped (a pipe reader reads
 * nothing until used).
 */
const argv = process.argv.slice(2);
const stdinPipe = stdinPipePath();
if (argv[0] === 'count') {
  if (stdinPipe !== undefined && !argv.includes('--from-topic')) prestartPipeReader(stdinPipe);
  if (likelyOnTwoCores(argv, stdinPipe !== undefined)) {
    countWorkerThreads.prestart();
    if (likelySplitReplay(argv)) fetchWorkerThreads.prestart();
  }
}
const { main } = await import('./main.js');
await main(stdinPipe);
discardPrestartedPipeReader();
countWorkerThreads.discard();
fetchWorkerThreads.discard();

/** Where a pipe on fd 0 can be opened again, by a reader thread of its own (Linux only). */
function stdinPipePath(): string | undefined {
  try {
    return fstatSync(0).isFIFO() && existsSync('/proc/self/fd/0') ? '/proc/self/fd/0' : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What run-count's useWorker will likely say: a replay, a pipe, or big files, on two
 * cores. (A worker started for a small file would cost its run ~20 ms and 10 MB to stop
 * again.) Any argument that names a file counts to the size.
 */
function likelyOnTwoCores(args: string[], stdinIsPipe: boolean): boolean {
  if (availableParallelism() < 2 || args.some((a, i) => a === '--threads=1' || (a === '--threads' && args[i + 1] === '1'))) return false;
  if (args.includes('--from-topic')) return true;
  const perUserAndPage = args.some((a) => /^(--by=)?(user-page|both)$/.test(a));
  const fileBytes = args.slice(1).reduce((sum, a) => sum + fileSize(a), 0);
  if (fileBytes > 0) return inputPaysForWorker(perUserAndPage, fileBytes);
  return stdinIsPipe && inputPaysForWorker(perUserAndPage, undefined);
}

/** What kafka-feed's splittable will likely say: a bounded replay, no group, no message limit. */
function likelySplitReplay(args: string[]): boolean {
  return args.includes('--from-topic') && !args.some((a) => /^--(group|max-messages|follow)(=|$)/.test(a));
}

function fileSize(path: string): number {
  try {
    const info = statSync(path);
    return info.isFile() ? info.size : 0;
  } catch {
    return 0;
  }
}
