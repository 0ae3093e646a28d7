import { ViewCache } from '../util/byte-words.js';
import { geometryOf, type FixedValues, type Geometry } from './line-geometry.js';
import { Literal, PlainJson } from './plain-json.js';

/**
 * Geometries kept per layout (see keepGeometry): ids of up to 16 different length pairs.
 * Each is compiled (geometryOf), and the compiler's time is CPU time: ids of 30 length
 * pairs, all compiled, cost 1M lines ~0.1 s more CPU than the loop check before; with
 * 16, the same as before. Lines of the others are decoded by `match`, as before any line.
 */
const MAX_GEOMETRIES = 16;

/** The fields the decoder looks for; `none` is any other key. */
export const Field = { none: 0, user: 1, page: 2, time: 3 } as const;
export type Field = (typeof Field)[keyof typeof Field];

/**
 * The byte layout of a line that held exactly the three fields, each once: the literal
 * text around the values (`{"userId":"`, `","pageId":"`, `","timestamp":`, `}`) and which
 * field each value is. Producers write every line the same way, so the next line usually
 * has the same literals: comparing them replaces scanning keys, matching names and
 * skipping whitespace (decoding 1M lines: 227 -> 210 ms; every byte is still checked).
 *
 * A line matches only if every literal is equal byte for byte and every value is plain
 * (PlainJson: the scanner's own definition). Such a line has exactly the structure of the
 * learned one, so the match cannot guess: anything else goes back to the full scanner.
 */
export class LineLayout implements FixedValues {
  userStart = 0;
  userEnd = 0;
  userAscii = true;
  pageStart = 0;
  pageEnd = 0;
  pageAscii = true;
  time = 0;
  /** Set by `matchFixed` (ASCII ids only): each id's `hashBytes`, computed while it was checked. */
  userHash = 0;
  pageHash = 0;
  private readonly plain = new PlainJson();
  private readonly views = new ViewCache();
  /**
   * The offsets in a line with the value lengths of the last line matched (its geometry):
   * a line with the same lengths has every literal and value at the same offsets, so
   * `matchFixed` checks it without searching for quotes. Undefined until a line matched.
   */
  private geometry: Geometry | undefined;
  private readonly geometries = new Map<number, Geometry>();
  private timeDigits = 0;

  private constructor(
    /** literals[k] precedes value k; literals[3] follows the last. */
    private readonly literals: readonly Literal[],
    private readonly fields: readonly Field[],
    /** False when no aggregation counts users (`--by page`): the user id is only checked, `userHash` stays 0. */
    private readonly hashUsers: boolean,
  ) {}

  /** `spans` holds each value's [start, end) in line order, string values without their quotes. */
  static learn(buf: Buffer, start: number, end: number, spans: Int32Array, fields: readonly Field[], hashUsers: boolean): LineLayout {
    const literals = [
      new Literal(Buffer.from(buf.subarray(start, spans[0]))),
      new Literal(Buffer.from(buf.subarray(spans[1], spans[2]))),
      new Literal(Buffer.from(buf.subarray(spans[3], spans[4]))),
      new Literal(Buffer.from(buf.subarray(spans[5], end))),
    ];
    return new LineLayout(literals, [...fields], hashUsers);
  }

  /** True when the line has this layout; the values are then in the fields above. */
  match(buf: Buffer, start: number, end: number): boolean {
    const i = this.matchValues(buf, start, end);
    if (i < 0 || this.plain.literalEnd(buf, i, end, this.literals[3]) !== end) return false;
    this.keepGeometry();
    return true;
  }

  /**
   * The line at `start` when its end is not known yet: if it has this layout and ends
   * with LF or CRLF before `limit`, the index its text ends at (before the CR), else -1.
   * Every byte before that end is a literal of a learned line, a digit or a plain string
   * byte, none of them a LF: it is the line a newline search would have found.
   */
  matchLine(buf: Buffer, start: number, limit: number): number {
    const i = this.matchValues(buf, start, limit);
    const end = i < 0 ? -1 : this.plain.literalEnd(buf, i, limit, this.literals[3]);
    if (end < 0) return -1;
    if (end < limit && buf[end] === 0x0a) {
      this.keepGeometry();
      return end;
    }
    return end + 1 < limit && buf[end] === 0x0d && buf[end + 1] === 0x0a ? end : -1;
  }

  /**
   * The offsets of the line just matched, for `matchFixed` (ASCII ids only). Ids of varying
   * length change the geometry from line to line: each is made once and kept, up to
   * MAX_GEOMETRIES, so that switching costs a map lookup, not an allocation.
   */
  private keepGeometry(): void {
    const g = this.geometry;
    const userLength = this.userEnd - this.userStart;
    const pageLength = this.pageEnd - this.pageStart;
    if (g !== undefined && g.userLength === userLength && g.pageLength === pageLength && g.timeLength === this.timeDigits) return;
    if (!this.userAscii || !this.pageAscii || userLength > 0xffff || pageLength > 0xffff) {
      this.geometry = undefined;
      return;
    }
    const key = (userLength * 0x10000 + pageLength) * 16 + this.timeDigits;
    let next = this.geometries.get(key);
    if (next === undefined && this.geometries.size < MAX_GEOMETRIES) {
      const lengths = this.fields.map((f) => (f === Field.user ? userLength : f === Field.page ? pageLength : this.timeDigits));
      const order = { user: this.fields.indexOf(Field.user), page: this.fields.indexOf(Field.page), time: this.fields.indexOf(Field.time) };
      next = geometryOf(this.literals, lengths, order, this.hashUsers);
      this.geometries.set(key, next);
    }
    this.geometry = next;
  }

  /**
   * `matchLine` for a line with the geometry of the last one (see `geometry`), ending in LF:
   * every literal is compared at its offset, every id byte checked to be plain printable
   * ASCII (no quote, backslash or control byte: four at a time, the test of
   * PlainJson.stringEnd) and hashed in the same pass, every digit checked (the geometry's
   * compiled check); the byte after the line must be LF. Any difference, a CRLF or a
   * non-ASCII id: -1, nothing decided, and `matchLine` looks at the line. Decoding 1M lines
   * of UUIDs and hashing their ids: ~175 -> ~110 ms (135 of them decoding, before); the
   * compiled check then halved the check's part (see geometryOf).
   */
  matchFixed(buf: Buffer, start: number, limit: number): number {
    const g = this.geometry;
    if (g === undefined) return -1;
    const end = start + g.lineLength;
    return end < limit && buf[end] === 0x0a && this.fixedAt(buf, start, g) ? end : -1;
  }

  /** `match` for a line of this geometry whose end is known (a Kafka record, a line found by a newline search). */
  matchFixedWhole(buf: Buffer, start: number, end: number): boolean {
    const g = this.geometry;
    return g !== undefined && end - start === g.lineLength && this.fixedAt(buf, start, g);
  }

  /** The checks of `matchFixed` at the line's fixed offsets (the geometry's compiled check); sets the fields. */
  private fixedAt(buf: Buffer, start: number, g: Geometry): boolean {
    if (!g.check(buf, this.views.of(buf), start, this)) return false;
    this.userStart = start + g.userAt;
    this.userEnd = this.userStart + g.userLength;
    this.pageStart = start + g.pageAt;
    this.pageEnd = this.pageStart + g.pageLength;
    this.userAscii = this.pageAscii = true;
    return true;
  }

  /** Matches the literals before and the values of the three fields; the index after the last value, or -1. */
  private matchValues(buf: Buffer, start: number, end: number): number {
    const plain = this.plain;
    let i = start;
    for (let k = 0; k < 3; k++) {
      i = plain.literalEnd(buf, i, end, this.literals[k]);
      if (i < 0) return -1;
      const field = this.fields[k];
      if (field === Field.time) {
        const timeStart = i;
        i = plain.integerEnd(buf, i, end);
        if (i < 0) return -1;
        this.time = plain.integer;
        this.timeDigits = i - timeStart;
        continue;
      }
      const valueStart = i;
      i = plain.stringEnd(buf, i, end);
      if (i <= valueStart) return -1; // -1, or empty
      if (field === Field.user) {
        this.userStart = valueStart;
        this.userEnd = i;
        this.userAscii = plain.ascii;
      } else {
        this.pageStart = valueStart;
        this.pageEnd = i;
        this.pageAscii = plain.ascii;
      }
    }
    return i;
  }
}
