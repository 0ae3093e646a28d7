import { createRequire } from 'node:module';

/**
 * kafkajs decodes every record's offset and timestamp through its 64-bit `Long` class:
 * per record it parses the batch's first offset and first timestamp from strings, builds
 * a dozen Long objects for the varlong delta, and prints the sums back to strings. On a
 * replay that is most of the client's CPU and of its garbage (1M records: ~0.4 s of Long
 * arithmetic and ~0.7 s of collection per consuming thread).
 *
 * This module swaps kafkajs's record decoder (`record/v0/decoder.js`, the Kafka record
 * format v2) for one that gives the same fields (the timestamp as a getter: see
 * LeanRecord), computed with plain numbers wherever they are exact: deltas of up to 7
 * varint bytes, sums within 2^53, no headers. Any other record is handed back to kafkajs's
 * own decoder from its first byte, so nothing is guessed. It must run before kafkajs is
 * loaded (its batch decoder takes the record decoder when it loads), in every thread that
 * consumes; with another kafkajs than 2.2.4 (its last release, the one this was checked
 * against), nothing is swapped and kafkajs works as it is. A test runs both decoders over
 * the same record bytes, the unusual ones included.
 */

/** kafkajs's protocol decoder, as far as a record needs it. */
interface KafkaDecoder {
  buffer: Buffer;
  offset: number;
  readInt8(): number;
  readVarInt(): number;
  readVarIntBytes(): Buffer | null;
}

interface BatchContext {
  firstOffset: string;
  firstTimestamp: string;
  magicByte: number;
  isControlBatch?: boolean;
  timestampType: number;
  maxTimestamp: string;
}

type RecordDecoder = (decoder: KafkaDecoder, batchContext?: BatchContext) => unknown;

const LOG_APPEND_TIME = 1;
const RECORD_DECODER = 'kafkajs/src/protocol/recordBatch/record/v0/decoder.js';
/** The kafkajs whose decoder this one was checked against (its last release); any other keeps its own. */
const KAFKAJS_VERSION = '2.2.4';

let installed: boolean | undefined;

/**
 * Installs the lean decoder once per thread (see kafkajs.ts, the one place that loads
 * kafkajs); true when kafkajs uses it, false when kafkajs was loaded before or has another
 * layout.
 */
export function installLeanRecordDecoder(): boolean {
  if (installed !== undefined) return installed;
  installed = false;
  const require = createRequire(import.meta.url);
  let path: string;
  try {
    if ((require('kafkajs/package.json') as { version: string }).version !== KAFKAJS_VERSION) return false;
    path = require.resolve(RECORD_DECODER);
  } catch {
    return false;
  }
  if (require.cache[require.resolve('kafkajs')] !== undefined) return false; // too late: kafkajs holds the original
  const original = require(path) as unknown;
  const cached = require.cache[path];
  if (typeof original !== 'function' || original.length !== 1 || cached === undefined) return false;
  cached.exports = leanRecordDecoder(original as RecordDecoder);
  return (installed = true);
}

/** The record decoder with the common case done in numbers, the rest by `original`. */
export function leanRecordDecoder(original: RecordDecoder): RecordDecoder {
  // The batch's first offset and timestamp as numbers, parsed once per batch, not per record.
  let context: BatchContext | undefined;
  let offsetBase = NaN;
  let timeBase = NaN;
  return (decoder, batchContext = {} as BatchContext) => {
    if (batchContext !== context) {
      context = batchContext;
      offsetBase = exactNumber(batchContext.firstOffset);
      timeBase = exactNumber(batchContext.firstTimestamp);
    }
    const start = decoder.offset;
    const { timestampType, maxTimestamp } = batchContext;
    const attributes = decoder.readInt8();
    const timestampDelta = readSmallVarLong(decoder);
    let time: string | number | undefined;
    if (timestampType === LOG_APPEND_TIME && maxTimestamp) time = maxTimestamp;
    else if (timestampDelta !== undefined) time = exactSum(timeBase, timestampDelta);
    if (time === undefined) return again(decoder, start, original, batchContext);
    const offset = exactSum(offsetBase, decoder.readVarInt());
    if (offset === undefined) return again(decoder, start, original, batchContext);
    const key = decoder.readVarIntBytes();
    const value = decoder.readVarIntBytes();
    // Headers: a varint count; zero (one 0x00 byte) is all this decoder takes.
    if (decoder.buffer[decoder.offset] !== 0) return again(decoder, start, original, batchContext);
    decoder.offset++;
    return new LeanRecord(attributes, time, String(offset), key, value, batchContext);
  };
}

/**
 * A record as kafkajs's decoder gives it, but its timestamp printed only when it is read:
 * kafkajs never reads it, nor do we (events carry their own), and printing a 13-digit
 * number costs ~90 ns, 90 ms of CPU per 1M records. It is a getter on the prototype, so
 * a spread copy of a record (which neither kafkajs nor this project makes) would lack it.
 */
class LeanRecord {
  readonly magicByte: number;
  readonly headers = {};
  readonly isControlRecord: boolean;
  /** The timestamp as printed already (log append time), or as the number to print. */
  readonly #time: string | number;

  constructor(
    readonly attributes: number,
    time: string | number,
    readonly offset: string,
    readonly key: Buffer | null,
    readonly value: Buffer | null,
    readonly batchContext: BatchContext,
  ) {
    this.magicByte = batchContext.magicByte;
    this.isControlRecord = batchContext.isControlBatch ?? false;
    this.#time = time;
  }

  get timestamp(): string {
    return typeof this.#time === 'string' ? this.#time : String(this.#time);
  }
}

function again(decoder: KafkaDecoder, start: number, original: RecordDecoder, batchContext: BatchContext): unknown {
  decoder.offset = start;
  return original(decoder, batchContext);
}

/**
 * A zigzag varlong of at most 7 bytes (|value| < 2^48) as a number, or undefined (with the
 * decoder moved on) for a longer one.
 */
function readSmallVarLong(decoder: KafkaDecoder): number | undefined {
  const buf = decoder.buffer;
  let at = decoder.offset;
  let raw = 0;
  let scale = 1;
  for (let n = 0; n < 7; n++) {
    const byte = buf[at++];
    raw += (byte & 0x7f) * scale;
    scale *= 128;
    if (byte < 0x80) {
      decoder.offset = at;
      return raw % 2 === 0 ? raw / 2 : -(raw + 1) / 2;
    }
  }
  return undefined;
}

/** A decimal int64 string as a number when that is exact, else NaN. */
function exactNumber(text: string | undefined): number {
  const value = Number(text);
  return Number.isSafeInteger(value) && String(value) === text ? value : NaN;
}

/** `base` + `delta` when exact (within 2^53, with a base), else undefined: printed, it is what kafkajs's Long gives. */
function exactSum(base: number, delta: number): number | undefined {
  const sum = base + delta;
  return Number.isSafeInteger(sum) ? sum : undefined;
}
