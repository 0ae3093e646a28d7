import { ThreadStarter } from './thread-starter.js';

/**
 * Per user and page, a worker pays from ~50 MB of file on: below, its start, the hand-over
 * and its own warm-up cost more than it takes off this thread. Two threads' wall time over
 * one thread's, 11 alternating runs: 100k events (12 MB) 1.19, 200k 1.22, 300k 1.04, 400k
 * (50 MB) 0.99, 600k 0.92; with both aggregations 1.24, 1.17, 1.04, 1.01, 0.93.
 */
const WORKER_MIN_FILE_BYTES = 48 << 20;
/**
 * Per page only, decoding (this thread's part) is most of the work, and the worker pays
 * later: 5M events (620 MB), 7 alternating runs, 1.91 -> 1.65 s for 27 MB more memory;
 * 1M events (124 MB) take the same time either way.
 */
const PAGE_WORKER_MIN_FILE_BYTES = 256 << 20;

/**
 * A pipe's size is unknown: it is read ahead up to this much (or for PIPE_READ_AHEAD_MS), and
 * counted on one thread if it ended within it. A worker pays from 48 MiB, but a longer
 * pipe waits for its read-ahead with this thread idle, and holds it in memory: 1M events
 * through a pipe, 9 alternating runs, per user and page 1.04 s without a read-ahead, 1.08
 * with 16 MiB, 1.19 with 48 MiB (peak RSS 144, 161, 193 MB); per page 0.83, 0.82, 0.89.
 */
export const SMALL_PIPE_BYTES = 16 << 20;
/** Long enough for `cat` to fill SMALL_PIPE_BYTES; meanwhile a prestarted worker boots. */
export const PIPE_READ_AHEAD_MS = 150;

/**
 * Whether counting this many bytes of files pays for a count worker; `undefined`: a pipe,
 * of unknown size, which pays per user and page only. Per page only, the worker reads each
 * page again from memory this thread wrote, CPU a pipe leaves no room for: the pipe itself
 * (the writer's copies in, ours out) keeps a core busy, so one thread is faster at every
 * size (`cat FILE |`, 7 alternating runs: 5M events 0.72 s on one thread against 0.85 s on
 * two, 1M 0.31 against 0.40, 1M gzip 0.40 against 0.47), where from a file two threads pay
 * from 256 MiB.
 */
export function inputPaysForWorker(perUserAndPage: boolean, bytes: number | undefined): boolean {
  if (bytes === undefined) return perUserAndPage;
  return bytes >= (perUserAndPage ? WORKER_MIN_FILE_BYTES : PAGE_WORKER_MIN_FILE_BYTES);
}

/**
 * The count worker's thread (count-worker.ts), which takes its config in a `start` message
 * and so can be started before the config is known. Kept apart from count-in-worker.ts so
 * that the process entry can import it without the rest of the CLI. The compiled worker's
 * URL is also right when this module runs from src/ under the test runner. The worker
 * allocates little on its heap (counts live in typed arrays): a small young generation saves
 * ~20 MB of peak memory at 5M events at no cost in speed.
 */
export const countWorkerThreads = new ThreadStarter(new URL('../../dist/parallel/count-worker.js', import.meta.url), {
  resourceLimits: { maxYoungGenerationSizeMb: 2 },
});

/**
 * The fetch worker's thread (fetch-worker.ts): a second kafkajs consumer for part of a
 * replay's partitions, given them in a `start` message. Started early, it loads kafkajs
 * while this thread resolves the offsets. Its young generation is V8's usual 48 MB: the
 * records of a fetch response (1 MiB a partition, see replay.ts) mostly die before a
 * collection instead of being copied by it. With 8 MB the worker collected ~160 times per
 * 1M records and spent ~0.5 s of CPU on it whatever the fetch size (24 MB: 0.27 s).
 */
export const fetchWorkerThreads = new ThreadStarter(new URL('../../dist/parallel/fetch-worker.js', import.meta.url), {
  resourceLimits: { maxYoungGenerationSizeMb: 48 },
});
