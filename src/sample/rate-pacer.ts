import { setTimeout as sleepMs } from 'node:timers/promises';

export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

const abortableSleep: Sleep = (ms, signal) => sleepMs(ms, undefined, { signal }).catch(() => {});

/**
 * Holds a run to `ratePerSec` events per second on average since it started: after n events
 * it waits until n / rate seconds have passed. Pacing against the start (not per batch)
 * means a slow batch is caught up on, so the long-run rate is the one asked for.
 * The clock is injected: tests use a fake one, the CLI the monotonic `performance.now()`.
 */
export class RatePacer {
  private startedMs: number | undefined;

  constructor(
    readonly ratePerSec: number,
    private readonly nowMs: () => number = () => performance.now(),
    private readonly sleep: Sleep = abortableSleep,
  ) {}

  /** Starts the clock; call once before the first event. */
  start(): void {
    this.startedMs = this.nowMs();
  }

  /** How many events to hand over at once: about 10 batches a second, at least one event. */
  batchSize(maxBatch: number): number {
    return Math.max(1, Math.min(maxBatch, Math.floor(this.ratePerSec / 10)));
  }

  /** Waits until `produced` events are due. Returns early (without throwing) when `signal` aborts. */
  async wait(produced: number, signal: AbortSignal): Promise<void> {
    const now = this.nowMs();
    this.startedMs ??= now;
    const dueMs = this.startedMs + (produced / this.ratePerSec) * 1000;
    if (dueMs > now && !signal.aborted) await this.sleep(dueMs - now, signal);
  }
}
