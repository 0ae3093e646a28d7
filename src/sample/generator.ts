import { Random, randomUuidV4, shuffle } from './random.js';
import { ZipfSampler } from './zipf.js';

export type IdStyle = 'uuid' | 'short';

/** What a sample looks like; validated by the CLI before it gets here. */
export interface SampleSpec {
  readonly count: number;
  readonly users: number;
  readonly pages: number;
  readonly ids: IdStyle;
  /** Event times spread over [startMs, startMs + spanMs), in order. */
  readonly startMs: number;
  readonly spanMs: number;
  /** Zipf exponent of user and page popularity; 0 = uniform. */
  readonly skew: number;
  /** This fraction of events is moved back in time by (0, lateByMs]: out of order, maybe late. */
  readonly lateFraction: number;
  readonly lateByMs: number;
  readonly seed: number;
}

export const DEFAULT_SAMPLE_SPEC: SampleSpec = {
  count: 1000,
  users: 100,
  pages: 50,
  ids: 'uuid',
  startMs: Date.UTC(2021, 2, 25), // a Thursday: 7-day windows start on Thursdays (the epoch was one)
  spanMs: 7 * 86_400_000,
  skew: 1.1,
  lateFraction: 0.05,
  lateByMs: 2 * 3_600_000,
  seed: 1,
};

export interface SampleEvent {
  readonly userId: string;
  readonly pageId: string;
  readonly timestamp: number;
}

/**
 * Each aspect of the sample draws from its own stream of the seed, so changing one flag
 * (say --late-fraction) keeps everything else (which users view which pages) as it was.
 */
const STREAM = { userIds: 1, pageIds: 2, users: 3, pages: 4, jitter: 5, late: 6 } as const;

/**
 * Deterministic page-view events: the same spec gives the same events, in the same order,
 * everywhere. Event i's time is start + (i + jitter) * span / count, so times rise through
 * the span; then a `lateFraction` of events is moved back by a random (0, lateBy].
 * Who views what follows Zipf popularity; the popular ids are a seeded shuffle of all ids,
 * not simply the first ones generated (`u001` is not always the busiest user).
 */
export class SampleGenerator {
  private readonly userIds: string[];
  private readonly pageIds: string[];
  private readonly userRanks: ZipfSampler;
  private readonly pageRanks: ZipfSampler;
  private readonly userDraws: Random;
  private readonly pageDraws: Random;
  private readonly jitter: Random;
  private readonly late: Random;
  /** Events generated so far. */
  produced = 0;

  constructor(readonly spec: SampleSpec) {
    this.userIds = idsByPopularity('u', spec.users, spec.ids, new Random(spec.seed, STREAM.userIds));
    this.pageIds = idsByPopularity('p', spec.pages, spec.ids, new Random(spec.seed, STREAM.pageIds));
    this.userRanks = new ZipfSampler(spec.users, spec.skew);
    this.pageRanks = new ZipfSampler(spec.pages, spec.skew);
    this.userDraws = new Random(spec.seed, STREAM.users);
    this.pageDraws = new Random(spec.seed, STREAM.pages);
    this.jitter = new Random(spec.seed, STREAM.jitter);
    this.late = new Random(spec.seed, STREAM.late);
  }

  get remaining(): number {
    return this.spec.count - this.produced;
  }

  /** The next up to `max` events; an empty array once all were generated. */
  nextBatch(max: number): SampleEvent[] {
    const n = Math.min(max, this.remaining);
    const events = new Array<SampleEvent>(n);
    for (let i = 0; i < n; i++) events[i] = this.next();
    return events;
  }

  private next(): SampleEvent {
    const { count, startMs, spanMs, lateFraction, lateByMs } = this.spec;
    const i = this.produced++;
    let timestamp = startMs + Math.min(spanMs - 1, Math.floor(((i + this.jitter.float()) / count) * spanMs));
    if (this.late.float() < lateFraction) timestamp = Math.max(0, timestamp - 1 - this.late.int(lateByMs));
    return {
      userId: this.userIds[this.userRanks.sample(this.userDraws)],
      pageId: this.pageIds[this.pageRanks.sample(this.pageDraws)],
      timestamp,
    };
  }
}

/** The event as one NDJSON line without its newline: fixed key order, no spaces. */
export function sampleLine(event: SampleEvent): string {
  // Ids are generated here (hex, dashes, letters, digits): nothing needs JSON escaping.
  return '{"userId":"' + event.userId + '","pageId":"' + event.pageId + '","timestamp":' + event.timestamp + '}';
}

/** Ids indexed by popularity rank. Short ids are `u001`..., zero-padded to at least 3 digits. */
function idsByPopularity(prefix: string, n: number, style: IdStyle, random: Random): string[] {
  const ids = new Array<string>(n);
  const width = Math.max(3, String(n).length);
  for (let k = 0; k < n; k++) ids[k] = style === 'uuid' ? randomUuidV4(random) : prefix + String(k + 1).padStart(width, '0');
  return shuffle(ids, random);
}
