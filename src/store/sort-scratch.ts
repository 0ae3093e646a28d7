/**
 * Arrays reused from one window's sort to the next. Each sort needs ~26 bytes per entry of
 * temporary arrays (keys, order, digits, the used slots); fresh ones per window left tens
 * of megabytes of garbage outside the heap until a full collection, which showed as peak
 * memory. An array handed out is valid until the next sort that uses this scratch.
 */
export class SortScratch {
  private keyArray = new Float64Array(0);
  private slotArrays = [new Uint32Array(0), new Uint32Array(0), new Uint32Array(0)];
  private digitArray = new Uint16Array(0);
  readonly counts = new Uint32Array(65536);

  keys(n: number): Float64Array {
    if (this.keyArray.length < n) this.keyArray = new Float64Array(grown(n));
    return this.keyArray.subarray(0, n);
  }

  /** Index arrays: 0 the used slots, 1 and 2 the radix sort's order and spare. */
  indexes(which: 0 | 1 | 2, n: number): Uint32Array {
    if (this.slotArrays[which].length < n) this.slotArrays[which] = new Uint32Array(grown(n));
    return this.slotArrays[which].subarray(0, n);
  }

  digits(n: number): Uint16Array {
    if (this.digitArray.length < n) this.digitArray = new Uint16Array(grown(n));
    return this.digitArray.subarray(0, n);
  }
}

/** A little room, so that windows of about the same size do not grow the arrays each time. */
const grown = (n: number) => Math.ceil(n * 1.25);
