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

  /**
   * From just after an opening quote: the index of the closing quote, or -1 at a
   * backslash, a control character or the end.
   */
  stringEnd(buf: Buffer, i: number, end: number): number {
    let high = 0;
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

  /** The index after an integer of 1-15 digits without a leading zero at `i`, or -1. */
  integerEnd(buf: Buffer, i: number, end: number): number {
    const first = i;
    let value = 0;
    while (i < end && buf[i] >= 0x30 && buf[i] <= 0x39) value = value * 10 + (buf[i++] - 0x30);
    const digits = i - first;
    if (digits === 0 || digits > 15 || (digits > 1 && buf[first] === 0x30)) return -1;
    this.integer = value;
    return i;
  }
}

/** The index after `literal` if the bytes at `i` (before `end`) are exactly it, else -1. */
export function literalEnd(buf: Buffer, i: number, end: number, literal: Buffer): number {
  const n = literal.length;
  if (end - i < n) return -1;
  for (let k = 0; k < n; k++) if (buf[i + k] !== literal[k]) return -1;
  return i + n;
}
