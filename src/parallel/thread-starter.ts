import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker's thread, possibly ahead of need: booting one (a V8 isolate and its
 * modules) takes ~40-100 ms, which then overlaps the loading of the CLI's modules instead
 * of following it. Such a worker takes its config in its first message, not at spawn.
 */
export class ThreadStarter {
  private prestarted: { worker: Worker; failed: boolean } | undefined;

  constructor(
    private readonly url: URL,
    private readonly options: WorkerOptions = {},
  ) {}

  /** The prestarted thread if it is alive, else a new one; referenced (it keeps the process alive). */
  take(): Worker {
    const thread = this.prestarted;
    this.prestarted = undefined;
    const worker = thread && !thread.failed ? thread.worker : new Worker(this.url, this.options);
    worker.ref();
    return worker;
  }

  /** Starts a thread ahead of need; `take` takes it (one that failed to start is replaced). */
  prestart(): void {
    if (this.prestarted) return;
    const thread = { worker: new Worker(this.url, this.options), failed: false };
    const failed = () => void (thread.failed = true);
    thread.worker.on('error', failed).on('exit', failed);
    thread.worker.unref(); // never taken, it must not keep the process alive
    this.prestarted = thread;
  }

  /** Ends a prestarted thread that nothing took (it was not needed, or the run failed early). */
  discard(): void {
    void this.prestarted?.worker.terminate();
    this.prestarted = undefined;
  }
}
