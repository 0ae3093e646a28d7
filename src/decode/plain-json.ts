import { ViewCache, equalBytes } from '../util/byte-words.js';

/**
 * What the decoder's fast paths accept without JSON.parse, defined once for both the
 * scanner and the layout match: a string that needs no unescaping, an integer that reads
 * the same in JSON and in JavaScript, and literal bytes. Anything else is for the full
 * parser. No allocation: results are left in the fields.
 */
export class PlainJson {
  /** Set by `stringEnd`: no byte of the string is >= 0x80. */
  ascii = true;
  /** Set by `integerEnd`. */
  integer = 0;
  /** The line's buffer, read four bytes at a time. */
  private readonly views = new ViewCache();

  /**
   * From just after an opening quote: the index of the closing quote, or -1 at a
   * backslash, a control character or the end. Four bytes at a time while none of them is
   * a quote, a backslash or below 0x20; the word that has one is looked at byte by byte.
   * `(x - 0x01010101) & ~x & 0x80808080` is non-zero exactly when a byte of x is 0 (with
   * 0x21 in place of 0x01: below 0x21), and `w ^ 0x5c5c5c5c` turns backslashes into zeros.
   * `w ^ 0x02020202` maps a quote to 0x20 and the bytes below 0x20 among themselves, so one
   * "below 0x21" test finds both: two tests instead of three, the same answer for every one
   * of the 2^32 words (checked exhaustively), and ~7% less time hashing 2M ids.
   */
  stringEnd(buf: Buffer, i: number, end: number): number {
    const view = this.views.of(buf);
    let high = 0;
    for (; i + 4 <= end; i += 4) {
      const w = view.getInt32(i, true);
      const t = w ^ 0x02020202;
      const s = w ^ 0x5c5c5c5c;
      if ((((t - 0x21212121) & ~t) | ((s - 0x01010101) & ~s)) & 0x80808080) break;
      high |= w;
    }
    high = high & 0x80808080 ? 0x80 : 0;
    for (; i < end; i++) {
      const b = buf[i];
      if (b === 0x22) {
        this.ascii = high < 0x80;
        return i;
      }
      if (b === 0x5c || b < 0x20) return -1;
      high |= b;
    }
    return -1;
  }

  /**
   * The index after an integer of 1-15 digits without a leading zero at `i`, or -1. Eight
   * digits a step while there are eight (a millisecond timestamp has 13).
   */
  integerEnd(buf: Buffer, i: number, end: number): number {
    const first = i;
    let value = 0;
    const view = this.views.of(buf);
    for (; i + 8 <= end; i += 8) {
      const high = view.getInt32(i, true);
      const low = view.getInt32(i + 4, true);
      if (!fourDigits(high) || !fourDigits(low)) break;
      value = value * 1e8 + digitsValue(high) * 1e4 + digitsValue(low);
    }
    while (i < end && buf[i] >= 0x30 && buf[i] <= 0x39) value = value * 10 + (buf[i++] - 0x30);
    const digits = i - first;
    if (digits === 0 || digits > 15 || (digits > 1 && buf[first] === 0x30)) return -1;
    this.integer = value;
    return i;
  }

  /** The index after `literal` if the bytes at `i` (before `end`) are exactly it, else -1. */
  literalEnd(buf: Buffer, i: number, end: number, literal: Literal): number {
    const n = literal.bytes.length;
    if (end - i < n || !equalBytes(buf, this.views.of(buf), i, literal.bytes, literal.view, 0, n)) return -1;
    return i + n;
  }
}

/**
 * True when the four bytes of `w` are all ASCII digits: a byte below 0x30 sets its top bit
 * in `w - 0x30303030`, one above 0x39 in `w + 0x46464646`, and with digits below it no
 * borrow or carry reaches it from a lower byte.
 */
function fourDigits(w: number): boolean {
  return (((w - 0x30303030) | (w + 0x46464646)) & 0x80808080) === 0;
}

/** The value of four ASCII digits read little-endian (the first digit in the low byte). */
function digitsValue(w: number): number {
  const d = w - 0x30303030;
  return (d & 0xff) * 1000 + ((d >>> 8) & 0xff) * 100 + ((d >>> 16) & 0xff) * 10 + (d >>> 24);
}

/** Bytes to compare at a position, with a view for comparing them four at a time. */
export class Literal {
  readonly view: DataView;

  constructor(readonly bytes: Buffer) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  }
}
