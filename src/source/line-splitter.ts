/** Receives the lines of one input, without their LF / CRLF ending. */
export interface LineHandler {
  onLine(buf: Buffer, start: number, end: number, lineNo: number): void;
  /** A line longer than the limit; its bytes were discarded without buffering them all. */
  onOverlongLine(lineNo: number, length: number): void;
  /**
   * Optional: takes the line at `start` if it can tell where it ends without a newline
   * search (a decoder that knows the line's layout), returning the index its text ends at
   * (the LF, or the CR of a CRLF), with the LF before `limit`; else -1, having done nothing.
   */
  takeLine?(buf: Buffer, start: number, limit: number, lineNo: number): number;
}

/** No sane page-view event is this long; the limit bounds memory on garbage input. */
export const MAX_LINE_BYTES = 1 << 20;

/**
 * Splits a byte stream into lines with memchr (Buffer.indexOf) over whole chunks, or, for
 * a handler that can take a line without knowing its end, by letting it: no
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
    const handler = this.handler;
    const taking = handler.takeLine !== undefined;
    for (;;) {
      // Line 1 goes to emit (it may start with a BOM); a taken line is never over the limit.
      if (taking && this.lineNo > 0) {
        const end = handler.takeLine!(chunk, pos, Math.min(chunk.length, pos + this.maxLineBytes + 1), this.lineNo + 1);
        if (end >= 0) {
          this.lineNo++;
          pos = end + (chunk[end] === 10 ? 1 : 2);
          continue;
        }
      }
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
