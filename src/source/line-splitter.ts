/** Receives the lines of one input, without their LF / CRLF ending. */
export interface LineHandler {
  onLine(buf: Buffer, start: number, end: number, lineNo: number): void;
  /** A line longer than the limit; its bytes were discarded without buffering them all. */
  onOverlongLine(lineNo: number, length: number): void;
}

/** No sane page-view event is this long; the limit bounds memory on garbage input. */
export const MAX_LINE_BYTES = 1 << 20;

/**
 * Splits a byte stream into lines with memchr (Buffer.indexOf) over whole chunks: no
 * string per line, no copy except for a line that straddles two chunks. Strips a UTF-8 BOM
 * on the first line and a CR before LF. A last line without LF is still a line.
 */
export class LineSplitter {
  lineNo = 0;
  private carry: Buffer[] = [];
  private carryLength = 0;
  private overlong = false; // discarding the rest of an overlong line

  constructor(
    private readonly handler: LineHandler,
    private readonly maxLineBytes = MAX_LINE_BYTES,
  ) {}

  push(chunk: Buffer): void {
    let pos = 0;
    if (this.carryLength > 0 || this.overlong) {
      const newline = chunk.indexOf(10);
      if (newline < 0) {
        this.hold(chunk);
        return;
      }
      this.hold(chunk.subarray(0, newline));
      this.flushCarry();
      pos = newline + 1;
    }
    for (;;) {
      const newline = chunk.indexOf(10, pos);
      if (newline < 0) break;
      this.emit(chunk, pos, newline);
      pos = newline + 1;
    }
    if (pos < chunk.length) this.hold(chunk.subarray(pos));
  }

  /** Call once at end of input: emits a final line that had no LF. */
  end(): void {
    if (this.carryLength > 0 || this.overlong) this.flushCarry();
  }

  private hold(piece: Buffer): void {
    if (piece.length === 0) return;
    this.carryLength += piece.length;
    if (this.overlong) return;
    if (this.carryLength > this.maxLineBytes) {
      this.overlong = true;
      this.carry = [];
      return;
    }
    // Copy: the reader may reuse the chunk's memory for the next read.
    this.carry.push(Buffer.from(piece));
  }

  private flushCarry(): void {
    const length = this.carryLength;
    if (this.overlong) {
      this.lineNo++;
      this.handler.onOverlongLine(this.lineNo, length);
    } else {
      const line = this.carry.length === 1 ? this.carry[0] : Buffer.concat(this.carry, length);
      this.emit(line, 0, length);
    }
    this.carry = [];
    this.carryLength = 0;
    this.overlong = false;
  }

  private emit(buf: Buffer, start: number, end: number): void {
    this.lineNo++;
    if (end > start && buf[end - 1] === 13) end--;
    if (this.lineNo === 1 && end - start >= 3 && buf[start] === 0xef && buf[start + 1] === 0xbb && buf[start + 2] === 0xbf) {
      start += 3;
    }
    if (end - start > this.maxLineBytes) this.handler.onOverlongLine(this.lineNo, end - start);
    else this.handler.onLine(buf, start, end, this.lineNo);
  }
}
