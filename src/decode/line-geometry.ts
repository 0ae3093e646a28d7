import { LANE_SEEDS, hashFinish, hashRound, hashRoundB } from '../store/dictionary.js';
import { digitsValue, fourDigits, type Literal } from './plain-json.js';

/*
 * The fixed-offset check of LineLayout.matchFixed: where everything is in a line whose
 * value lengths are known, and the checks of its values at those offsets.
 */

/**
 * Where everything is in a line of given value lengths, counted from the line's start:
 * the literals as words and bytes to compare, each value's offset and length.
 */
export interface Geometry {
  readonly lineLength: number;
  readonly wordAt: Int32Array;
  readonly words: Int32Array;
  readonly byteAt: Int32Array;
  readonly bytes: Int32Array;
  readonly userAt: number;
  readonly userLength: number;
  readonly pageAt: number;
  readonly pageLength: number;
  readonly timeAt: number;
  readonly timeLength: number;
}

/**
 * The geometry of a line whose values have `lengths` (in line order), between the four
 * literals; `order` says which value is which.
 */
export function geometryOf(literals: readonly Literal[], lengths: readonly number[], order: { user: number; page: number; time: number }): Geometry {
  const wordAt: number[] = [];
  const words: number[] = [];
  const byteAt: number[] = [];
  const bytes: number[] = [];
  const valueAt = [0, 0, 0];
  let at = 0;
  for (let k = 0; k < 4; k++) {
    const literal = literals[k];
    const n = literal.bytes.length;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      wordAt.push(at + j);
      words.push(literal.view.getInt32(j, true));
    }
    for (; j < n; j++) {
      byteAt.push(at + j);
      bytes.push(literal.bytes[j]);
    }
    at += n;
    if (k < 3) {
      valueAt[k] = at;
      at += lengths[k];
    }
  }
  return {
    lineLength: at,
    wordAt: Int32Array.from(wordAt),
    words: Int32Array.from(words),
    byteAt: Int32Array.from(byteAt),
    bytes: Int32Array.from(bytes),
    userAt: valueAt[order.user],
    userLength: lengths[order.user],
    pageAt: valueAt[order.page],
    pageLength: lengths[order.page],
    timeAt: valueAt[order.time],
    timeLength: lengths[order.time],
  };
}

/**
 * `hashBytes` of `buf[i, i + length)` if every byte is printable ASCII other than a quote or
 * a backslash, else undefined: hashBytes' two lanes, over the words checked, eight bytes a
 * step. The word test is PlainJson.stringEnd's, written out again on purpose (three times
 * here): calling one shared helper from both made decoding 1M lines ~8% slower (108-111 ->
 * 115-129 ms, 5 rounds), and a helper for the test here kept the decoder from inlining
 * this function (5M lines per page: 107 ms of samples in the helper alone).
 */
export function plainHash(buf: Buffer, view: DataView, i: number, length: number): number | undefined {
  const end = i + length;
  let bad = 0;
  let h = LANE_SEEDS[0];
  let g = LANE_SEEDS[1];
  for (; i + 8 <= end; i += 8) {
    const w = view.getInt32(i, true);
    const v = view.getInt32(i + 4, true);
    const t = w ^ 0x02020202;
    const s = w ^ 0x5c5c5c5c;
    const tv = v ^ 0x02020202;
    const sv = v ^ 0x5c5c5c5c;
    bad |= ((t - 0x21212121) & ~t) | ((s - 0x01010101) & ~s) | w | ((tv - 0x21212121) & ~tv) | ((sv - 0x01010101) & ~sv) | v;
    h = hashRound(h, w);
    g = hashRoundB(g, v);
  }
  if (i + 4 <= end) {
    const w = view.getInt32(i, true);
    const t = w ^ 0x02020202;
    const s = w ^ 0x5c5c5c5c;
    bad |= ((t - 0x21212121) & ~t) | ((s - 0x01010101) & ~s) | w;
    h = hashRound(h, w);
    i += 4;
  }
  let tail = 0;
  for (let shift = 0; i < end; i++, shift += 8) {
    const b = buf[i];
    if (b === 0x22 || b === 0x5c || b < 0x20 || b >= 0x80) return undefined;
    tail |= b << shift;
  }
  if ((bad & 0x80808080) !== 0) return undefined;
  return hashFinish(h, g, tail, length);
}

/**
 * plainHash's test without the hash (written out again, for the same reason), for an id
 * that is checked but not counted: user ids under `--by page` (5M events per page, 10
 * alternating runs, medians 1.425 -> 1.38 s).
 */
export function isPlainAt(buf: Buffer, view: DataView, i: number, length: number): boolean {
  const end = i + length;
  let bad = 0;
  for (; i + 4 <= end; i += 4) {
    const w = view.getInt32(i, true);
    const t = w ^ 0x02020202;
    const s = w ^ 0x5c5c5c5c;
    bad |= ((t - 0x21212121) & ~t) | ((s - 0x01010101) & ~s) | w;
  }
  for (; i < end; i++) {
    const b = buf[i];
    if (b === 0x22 || b === 0x5c || b < 0x20 || b >= 0x80) return false;
  }
  return (bad & 0x80808080) === 0;
}

/**
 * The value of `length` digits at `i` that form a JSON integer of 1-15 digits, else -1:
 * PlainJson.integerEnd for a length known in advance (calling integerEnd instead measured
 * slower in the same micro-benchmark).
 */
export function fixedDigits(buf: Buffer, view: DataView, i: number, length: number): number {
  if (length > 15 || (length > 1 && buf[i] === 0x30)) return -1;
  const end = i + length;
  let value = 0;
  for (; i + 8 <= end; i += 8) {
    const high = view.getInt32(i, true);
    const low = view.getInt32(i + 4, true);
    if (!fourDigits(high) || !fourDigits(low)) return -1;
    value = value * 1e8 + digitsValue(high) * 1e4 + digitsValue(low);
  }
  for (; i < end; i++) {
    const b = buf[i];
    if (b < 0x30 || b > 0x39) return -1;
    value = value * 10 + (b - 0x30);
  }
  return value;
}
