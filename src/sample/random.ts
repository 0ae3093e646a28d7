/**
 * A small seeded PRNG (sfc32, Chris Doty-Humphrey's Small Fast Counter: 128 bits of state,
 * passes PractRand, no multiplications) and the few helpers the sample generator needs.
 * Pure: the same seed and stream give the same numbers on every machine and Node version,
 * which `Math.random()` and `crypto` cannot promise.
 */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  /**
   * `seed` is any safe non-negative integer; `stream` picks an independent sequence for the
   * same seed, so one aspect of the sample (say, the late events) can change without
   * changing the others (which users and pages are drawn).
   */
  constructor(seed: number, stream = 0) {
    const low = seed >>> 0;
    const high = Math.floor(seed / 0x1_0000_0000) >>> 0;
    const state = { s: fmix32(low ^ fmix32(high ^ fmix32(stream + 0x5bd1e995))) };
    this.a = splitmix32(state);
    this.b = splitmix32(state);
    this.c = splitmix32(state);
    this.d = splitmix32(state);
    for (let i = 0; i < 12; i++) this.nextUint32(); // warm up, as the sfc32 reference does
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A uniform number in [0, 1), with 32 bits of resolution. */
  float(): number {
    return this.nextUint32() / 0x1_0000_0000;
  }

  /** A uniform integer in [0, n), for 0 < n <= 2^32. */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }
}

/** murmur3's 32-bit finaliser: a bijective bit mixer. */
function fmix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  return fmix32(state.s);
}

/** Shuffles `items` in place (Fisher-Yates), driven by `random`. */
export function shuffle<T>(items: T[], random: Random): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
  return items;
}

const HEX_DIGITS = [...'0123456789abcdef'].map((c) => c.charCodeAt(0));
const DASH = '-'.charCodeAt(0);
/** The layout `8-4-4-4-12`: true where a dash goes. */
const UUID_DASH_AT = Array.from({ length: 36 }, (_, i) => i === 8 || i === 13 || i === 18 || i === 23);

/**
 * A version-4 UUID (`xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx`) drawn from `random`, so a
 * seeded run always gives the same ids.
 */
export function randomUuidV4(random: Random): string {
  const words = [
    random.nextUint32(),
    ((random.nextUint32() & 0xffff0fff) | 0x00004000) >>> 0, // version 4
    ((random.nextUint32() & 0x3fffffff) | 0x80000000) >>> 0, // variant 10xx
    random.nextUint32(),
  ];
  // Built from char codes, the id is one flat string: a million of them are kept for the
  // whole run, and concatenated pieces would cost several heap objects each.
  const codes = new Array<number>(36);
  let nibble = 0;
  for (let i = 0; i < 36; i++) {
    if (UUID_DASH_AT[i]) {
      codes[i] = DASH;
      continue;
    }
    codes[i] = HEX_DIGITS[(words[nibble >>> 3] >>> (28 - 4 * (nibble & 7))) & 0xf];
    nibble++;
  }
  return String.fromCharCode(...codes);
}
