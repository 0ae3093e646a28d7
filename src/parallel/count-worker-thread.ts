import { Worker } from 'node:worker_threads';

/** Starting a worker costs tens of milliseconds: for files, worth it from a few MiB on. */
export const WORKER_MIN_FILE_BYTES = 8 << 20;

/** The compiled worker; also right when this module runs from src/ under the test runner. */
const WORKER_URL = new URL('../../dist/parallel/count-worker.js', import.meta.url);

/**
 * The count worker's thread, which takes its config in a `start` message rather than at
 * spawn: so it can be started before the config is known. Its boot (a V8 isolate and the
 * count pipeline's modules, ~100 ms) then overlaps the loading of the CLI's modules
 * instead of following it. Kept apart from count-in-worker.ts so that the process entry
 * can import it without the rest of the CLI.
 */
export function countWorkerThread(): Worker {
  const thread = prestarted;
  prestarted = undefined;
  if (thread && !thread.failed) return thread.worker;
  // The worker allocates little on its heap (counts live in typed arrays): a small young
  // generation saves ~20 MB of peak memory at 5M events at no cost in speed.
  return new Worker(WORKER_URL, { resourceLimits: { maxYoungGenerationSizeMb: 2 } });
}

let prestarted: { worker: Worker; failed: boolean } | undefined;

/** Starts a count worker ahead of need; countWorkerThread takes it (one that failed to start is replaced). */
export function prestartCountWorker(): void {
  if (prestarted) return;
  const thread = { worker: countWorkerThread(), failed: false };
  const failed = () => void (thread.failed = true);
  thread.worker.on('error', failed).on('exit', failed);
  thread.worker.unref(); // never taken, it must not keep the process alive
  prestarted = thread;
}

/** Ends a prestarted worker that no count took (one thread was enough, or the run failed early). */
export function discardPrestartedCountWorker(): void {
  void prestarted?.worker.terminate();
  prestarted = undefined;
}
