import type { Writable } from 'node:stream';
import { fetchWorkerThreads } from './worker-threads.js';
import { errorFromWorker, type FetchWorkerData, type FromFetchWorker, type ToFetchWorker } from './worker-protocol.js';

/** How long a fetch worker may take to leave its group before it is ended anyway. */
const LEAVE_DEADLINE_MS = 10_000;

/**
 * The main thread's handle on a fetch worker (fetch-worker.ts): hands each block it sends to
 * `onBlock`, and tells the worker when a block can be filled again.
 */
export class FetchWorker {
  /** Resolves once every record of the worker's ranges was handed to `onBlock`. */
  readonly done: Promise<void>;
  /** Offsets the worker consumed so far. */
  consumed = 0;
  private readonly worker = fetchWorkerThreads.take();
  private readonly closed: Promise<void>;
  private onNextBlock = () => {};

  /** The worker's throwaway group, for the caller to delete once the worker left it. */
  readonly group: string;

  constructor(
    data: FetchWorkerData,
    stderr: Writable,
    onBlock: (block: SharedArrayBuffer, length: number, release: () => void) => void,
  ) {
    this.group = data.group;
    this.send({ type: 'start', data });
    let settle!: { resolve: () => void; reject: (err: unknown) => void };
    this.done = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
    this.done.catch(() => {}); // the caller may be gone by then (it failed first)
    let markClosed!: () => void;
    this.closed = new Promise<void>((resolve) => (markClosed = resolve));
    this.worker.on('message', (message: FromFetchWorker) => {
      if (message.type === 'records') {
        this.consumed = message.consumed;
        onBlock(message.block, message.length, () => this.send({ type: 'release', block: message.block }));
        this.onNextBlock();
      } else if (message.type === 'done') {
        this.consumed = message.consumed;
        settle.resolve();
      } else if (message.type === 'closed') {
        markClosed();
      } else if (message.type === 'log') {
        stderr.write(message.text);
      } else {
        settle.reject(errorFromWorker(message));
      }
    });
    this.worker.on('error', (err) => {
      settle.reject(err);
      markClosed();
    });
    this.worker.on('exit', (code) => {
      settle.reject(new Error(`the fetch worker stopped (exit code ${code})`));
      markClosed();
    });
  }

  /** Resolves when the worker sends its next block. */
  nextBlock(): Promise<void> {
    return new Promise<void>((resolve) => (this.onNextBlock = resolve));
  }

  /** Stops consuming: the run failed or was interrupted elsewhere. */
  stop(): void {
    this.send({ type: 'stop' });
  }

  /** Stops if still consuming, waits (boundedly) for the worker to leave its group, ends it. */
  async close(): Promise<void> {
    this.stop();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, LEAVE_DEADLINE_MS)))]);
    clearTimeout(timer);
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }

  private send(message: ToFetchWorker): void {
    this.worker.postMessage(message);
  }
}
