/**
 * Arrays reused from one sort to the next: keys and values to sort, and a spare pair the
 * radix sort moves them into and back (32 bytes per entry). Fresh ones per window left
 * tens of megabytes of garbage outside the heap until a full collection, which showed as
 * peak memory. An array handed out is valid until the next sort that uses this scratch.
 */
export class SortScratch {
  private readonly keyArrays = [new Float64Array(0), new Float64Array(0)];
  private readonly valueArrays = [new Float64Array(0), new Float64Array(0)];
  /** The radix sort's bucket counts. */
  readonly counts = new Uint32Array(4096);

  /** Pair 0 holds what is to be sorted, pair 1 is the spare. */
  keys(which: 0 | 1, n: number): Float64Array {
    if (this.keyArrays[which].length < n) this.keyArrays[which] = new Float64Array(grown(n));
    return this.keyArrays[which].subarray(0, n);
  }

  values(which: 0 | 1, n: number): Float64Array {
    if (this.valueArrays[which].length < n) this.valueArrays[which] = new Float64Array(grown(n));
    return this.valueArrays[which].subarray(0, n);
  }
}

/** A little room, so that windows of about the same size do not grow the arrays each time. */
const grown = (n: number) => Math.ceil(n * 1.25);
