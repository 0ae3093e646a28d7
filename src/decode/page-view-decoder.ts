import type { Dictionary, IdInterner } from '../store/dictionary.js';
import type { SharedNames } from '../store/id-names.js';
import { Field, LineLayout } from './line-layout.js';
import { MAX_TIMESTAMP_MS, parseRecord } from './parsed-record.js';
import { Literal, PlainJson } from './plain-json.js';

export interface DecodeOptions {
  userField: string;
  pageField: string;
  timeField: string;
  timeUnit: 'ms' | 's';
}

export const DEFAULT_DECODE_OPTIONS: DecodeOptions = {
  userField: 'userId',
  pageField: 'pageId',
  timeField: 'timestamp',
  timeUnit: 'ms',
};

export const DecodeStatus = { ok: 0, blank: 1, invalid: 2 } as const;
export type DecodeStatus = (typeof DecodeStatus)[keyof typeof DecodeStatus];

const FALLBACK = -1;
const LEARNABLE = (1 << Field.user) | (1 << Field.page) | (1 << Field.time);

/**
 * Decodes one NDJSON line into interned ids and a timestamp, writing the result into its
 * own fields (no object per event). Never throws: a bad line yields `invalid` and `reason`.
 *
 * The fast path scans bytes for the common shape (flat object, strings without escapes,
 * integer timestamp). Anything else — escapes, nesting, floats, odd literals, malformed
 * input — falls back to JSON.parse, so the fast path never has to guess.
 */
export class PageViewDecoder {
  pageId = 0;
  userId = 0;
  timestampMs = 0;
  reason = '';
  private readonly userKey: Literal;
  private readonly pageKey: Literal;
  private readonly timeKey: Literal;
  private readonly timeScale: number;
  /** The layout of the last line the scanner decoded, tried first on the next line. */
  private layout: LineLayout | undefined;
  // While scanning: each value's span and field, in line order, for learning the layout.
  private readonly spans = new Int32Array(6);
  private readonly order: Field[] = [Field.none, Field.none, Field.none];
  private readonly plain = new PlainJson();

  constructor(
    private readonly options: DecodeOptions,
    private readonly pages: IdInterner,
    /** Absent when no aggregation needs users: the field is still validated. */
    private readonly users: IdInterner | undefined,
  ) {
    this.userKey = new Literal(Buffer.from(options.userField));
    this.pageKey = new Literal(Buffer.from(options.pageField));
    this.timeKey = new Literal(Buffer.from(options.timeField));
    this.timeScale = options.timeUnit === 's' ? 1000 : 1;
  }

  /**
   * The page of an event decoded by another thread, interned as `decode` would (see
   * Dictionary.internDecoded for how it was handed over).
   */
  adoptPage(bytes: Buffer, at: number, length: number, hash: number): number {
    return (this.pages as Dictionary).internDecoded(bytes, at, length, hash);
  }

  /** adoptPage for the user (0 when users are not counted). */
  adoptUser(bytes: Buffer, at: number, length: number, hash: number): number {
    const users = this.users as Dictionary | undefined;
    return users ? users.internDecoded(bytes, at, length, hash) : 0;
  }

  /**
   * The pages were interned by the thread that decoded them, which shared its names at the
   * end of the input: they become this decoder's (for output), and no page is interned here.
   */
  adoptPageNames(names: SharedNames): void {
    (this.pages as Dictionary).sealWith(names);
  }

  /**
   * Reads the dictionaries' slots for ASCII ids of these hashes ahead of interning them (see
   * Dictionary.touchSlots); no page hashes when the pages come interned.
   */
  touchIds(pageHashes: Int32Array | undefined, userHashes: Int32Array, n: number): void {
    if (pageHashes) (this.pages as Dictionary).touchSlots(pageHashes, n);
    (this.users as Dictionary | undefined)?.touchSlots(userHashes, n);
  }

  decode(buf: Buffer, start: number, end: number): DecodeStatus {
    const layout = this.layout;
    let status: DecodeStatus | typeof FALLBACK;
    if (layout !== undefined && layout.matchFixedWhole(buf, start, end)) {
      status = this.acceptHashed(buf, layout);
    } else if (layout !== undefined && layout.match(buf, start, end)) {
      const { userStart, userEnd, userAscii, pageStart, pageEnd, pageAscii, time } = layout;
      status = this.accept(buf, userStart, userEnd, userAscii, pageStart, pageEnd, pageAscii, time);
    } else {
      status = this.decodeFast(buf, start, end);
    }
    return status === FALLBACK ? this.decodeSlow(buf, start, end) : status;
  }

  /**
   * A line whose end is not known yet (see LineLayout.matchLine): if it has the layout of
   * the last line and ends before `limit`, it is decoded and the index its text ends at
   * returned, so no newline search is needed. Else -1, with nothing decoded or interned.
   */
  decodeLine(buf: Buffer, start: number, limit: number): number {
    const layout = this.layout;
    if (layout === undefined) return -1;
    const fixed = layout.matchFixed(buf, start, limit);
    if (fixed >= 0) return this.acceptHashed(buf, layout) === DecodeStatus.ok ? fixed : -1;
    const end = layout.matchLine(buf, start, limit);
    if (end < 0) return -1;
    const { userStart, userEnd, userAscii, pageStart, pageEnd, pageAscii, time } = layout;
    return this.accept(buf, userStart, userEnd, userAscii, pageStart, pageEnd, pageAscii, time) === DecodeStatus.ok ? end : -1;
  }

  /** `accept` for a line `matchFixed` took: ASCII ids, hashed already. */
  private acceptHashed(buf: Buffer, layout: LineLayout): DecodeStatus | typeof FALLBACK {
    const timestampMs = layout.time * this.timeScale;
    if (timestampMs > MAX_TIMESTAMP_MS) return FALLBACK;
    this.timestampMs = timestampMs;
    this.pageId = this.pages.internHashed(buf, layout.pageStart, layout.pageEnd, layout.pageHash);
    if (this.users) this.userId = this.users.internHashed(buf, layout.userStart, layout.userEnd, layout.userHash);
    return DecodeStatus.ok;
  }

  private decodeFast(buf: Buffer, start: number, end: number): DecodeStatus | typeof FALLBACK {
    let i = skipWhitespace(buf, start, end);
    if (i === end) return DecodeStatus.blank;
    if (buf[i] !== 0x7b /* { */) return FALLBACK;
    i = skipWhitespace(buf, i + 1, end);
    let userStart = -1, userEnd = -1, userAscii = true;
    let pageStart = -1, pageEnd = -1, pageAscii = true;
    let time = -1;
    let values = 0;
    let seen = 0;
    const plain = this.plain;
    for (;;) {
      if (buf[i] !== 0x22 /* " */) return FALLBACK;
      const keyStart = ++i;
      i = plain.stringEnd(buf, i, end);
      if (i < 0) return FALLBACK;
      const field = this.fieldOf(buf, keyStart, i);
      i = skipWhitespace(buf, i + 1, end);
      if (buf[i] !== 0x3a /* : */) return FALLBACK;
      i = skipWhitespace(buf, i + 1, end);
      const c = buf[i];
      const value = values++;
      if (value < 3) this.order[value] = field;
      seen |= 1 << field;
      if (c === 0x22) {
        const valueStart = ++i;
        i = plain.stringEnd(buf, i, end);
        if (i < 0) return FALLBACK;
        if (field === Field.user) {
          userStart = valueStart;
          userEnd = i;
          userAscii = plain.ascii;
        } else if (field === Field.page) {
          pageStart = valueStart;
          pageEnd = i;
          pageAscii = plain.ascii;
        } else if (field === Field.time) return FALLBACK;
        if (value < 3) this.setSpan(value, valueStart, i);
        i++;
      } else if (c >= 0x30 && c <= 0x39) {
        // Only plain non-negative integers; everything else falls back.
        const numberStart = i;
        i = plain.integerEnd(buf, i, end);
        if (i < 0) return FALLBACK;
        if (buf[i] === 0x2e || buf[i] === 0x65 || buf[i] === 0x45) return FALLBACK; // . e E
        if (field === Field.time) time = plain.integer;
        else if (field !== Field.none) return FALLBACK;
        if (value < 3) this.setSpan(value, numberStart, i);
      } else if (field === Field.none && (c === 0x74 || c === 0x66 || c === 0x6e)) {
        const after = matchLiteral(plain, buf, i, end);
        if (after < 0) return FALLBACK;
        i = after;
      } else {
        return FALLBACK; // nested values, negative numbers, wrong types, garbage
      }
      i = skipWhitespace(buf, i, end);
      if (buf[i] === 0x2c /* , */) {
        i = skipWhitespace(buf, i + 1, end);
        continue;
      }
      if (buf[i] !== 0x7d /* } */ || skipWhitespace(buf, i + 1, end) !== end) return FALLBACK;
      break;
    }
    if (userStart < 0 || pageStart < 0 || time < 0 || userEnd === userStart || pageEnd === pageStart) {
      return FALLBACK; // the slow path names what is missing or wrong
    }
    // Exactly the three fields, once each: the next line is likely laid out the same.
    if (values === 3 && seen === LEARNABLE) this.layout = LineLayout.learn(buf, start, end, this.spans, this.order, this.users !== undefined);
    return this.accept(buf, userStart, userEnd, userAscii, pageStart, pageEnd, pageAscii, time);
  }

  /** A line whose fields were found: checks the time, interns the ids. */
  private accept(buf: Buffer, userStart: number, userEnd: number, userAscii: boolean, pageStart: number, pageEnd: number, pageAscii: boolean, time: number): DecodeStatus | typeof FALLBACK {
    const timestampMs = time * this.timeScale;
    if (timestampMs > MAX_TIMESTAMP_MS) return FALLBACK;
    this.timestampMs = timestampMs;
    this.pageId = this.pages.internBytes(buf, pageStart, pageEnd, pageAscii);
    if (this.users) this.userId = this.users.internBytes(buf, userStart, userEnd, userAscii);
    return DecodeStatus.ok;
  }

  /** Where the `value`-th value of the line is: learned with the line's layout. */
  private setSpan(value: number, start: number, end: number): void {
    this.spans[2 * value] = start;
    this.spans[2 * value + 1] = end;
  }

  private fieldOf(buf: Buffer, start: number, end: number): Field {
    const plain = this.plain;
    if (plain.literalEnd(buf, start, end, this.userKey) === end) return Field.user;
    if (plain.literalEnd(buf, start, end, this.pageKey) === end) return Field.page;
    if (plain.literalEnd(buf, start, end, this.timeKey) === end) return Field.time;
    return Field.none;
  }

  private decodeSlow(buf: Buffer, start: number, end: number): DecodeStatus {
    const parsed = parseRecord(buf.toString('utf8', start, end), this.options, this.timeScale);
    if (parsed === 'blank') return DecodeStatus.blank;
    if ('reason' in parsed) {
      this.reason = parsed.reason;
      return DecodeStatus.invalid;
    }
    this.timestampMs = parsed.timestampMs;
    this.pageId = this.pages.intern(parsed.page);
    if (this.users) this.userId = this.users.intern(parsed.user);
    return DecodeStatus.ok;
  }
}

function skipWhitespace(buf: Buffer, i: number, end: number): number {
  while (i < end) {
    const b = buf[i];
    if (b !== 0x20 && b !== 0x09 && b !== 0x0d && b !== 0x0a) break;
    i++;
  }
  return i;
}

const LITERALS = ['true', 'false', 'null'].map((text) => new Literal(Buffer.from(text)));

/** Returns the index after `true`/`false`/`null` at `i`, or -1. */
function matchLiteral(plain: PlainJson, buf: Buffer, i: number, end: number): number {
  for (const literal of LITERALS) {
    const after = plain.literalEnd(buf, i, end, literal);
    if (after >= 0) return after;
  }
  return -1;
}
