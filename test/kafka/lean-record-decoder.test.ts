import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { leanRecordDecoder } from '../../src/kafka/lean-record-decoder.js';

// kafkajs's own record encoder, decoder and protocol reader: the lean decoder must give
// exactly what kafkajs's decoder gives, on the same bytes, and leave the reader at the same place.
const require = createRequire(import.meta.url);
const Decoder = require('kafkajs/src/protocol/decoder.js');
const encodeRecord = require('kafkajs/src/protocol/recordBatch/record/v0/index.js');
const DECODER_PATH = require.resolve('kafkajs/src/protocol/recordBatch/record/v0/decoder.js');

/** kafkajs's original record decoder, loaded afresh (the cached one may be the lean one). */
function originalDecoder(): (decoder: unknown, context?: unknown) => unknown {
  const cached = require.cache[DECODER_PATH];
  delete require.cache[DECODER_PATH];
  try {
    return require(DECODER_PATH);
  } finally {
    if (cached) require.cache[DECODER_PATH] = cached;
  }
}

interface RecordSpec {
  offsetDelta?: number;
  timestampDelta?: number | string;
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, string | string[]>;
}

const Long = require('kafkajs/src/utils/long.js');

/** Several records back to back, as a record batch holds them. */
function recordBytes(records: RecordSpec[]): Buffer {
  const parts = records.map((r) =>
    encodeRecord({ ...r, timestampDelta: typeof r.timestampDelta === 'string' ? Long.fromString(r.timestampDelta) : Long.fromNumber(r.timestampDelta ?? 0) }).buffer,
  );
  return Buffer.concat(parts);
}

/** What kafkajs's record decoder puts in a record: every one of them, read as kafkajs and we read them. */
const RECORD_FIELDS = ['magicByte', 'attributes', 'timestamp', 'offset', 'key', 'value', 'headers', 'isControlRecord', 'batchContext'] as const;

/** A record's fields as plain data (the lean decoder's timestamp is a getter). */
function fieldsOf(record: unknown): Record<string, unknown> {
  return Object.fromEntries(RECORD_FIELDS.map((field) => [field, (record as Record<string, unknown>)[field]]));
}

/**
 * Decodes every record of `bytes` with `decode`, the way kafkajs's batch decoder calls it;
 * each record's fields, and where the reader ended.
 */
function decodeAll(decode: (decoder: unknown, context?: unknown) => unknown, bytes: Buffer, context: object, count: number): unknown[] {
  const reader = new Decoder(bytes);
  const out: unknown[] = [];
  for (let i = 0; i < count; i++) out.push(fieldsOf(decode(new Decoder(reader.readVarIntBytes()), context)));
  out.push({ readerAt: reader.offset });
  return out;
}

const CONTEXT = {
  firstOffset: '1200',
  firstTimestamp: '1617159755012',
  partitionLeaderEpoch: 0,
  inTransaction: false,
  isControlBatch: false,
  lastOffsetDelta: 3,
  producerId: '-1',
  producerEpoch: 0,
  firstSequence: 0,
  maxTimestamp: '1617159999999',
  timestampType: 0,
  magicByte: 2,
};

const event = Buffer.from('{"userId":"u1","pageId":"p1","timestamp":1617159755012}');

describe('the lean record decoder', () => {
  const original = originalDecoder();
  const lean = leanRecordDecoder(original as never) as (decoder: unknown, context?: unknown) => unknown;
  const cases: [string, RecordSpec[], object][] = [
    ['plain records with keys and values', [{ key: Buffer.from('p1'), value: event }, { offsetDelta: 1, timestampDelta: 5, key: Buffer.from('p2'), value: event }], CONTEXT],
    ['null keys and values (tombstones)', [{ key: null, value: null }, { offsetDelta: 1, key: null, value: Buffer.alloc(0) }], CONTEXT],
    ['negative and large timestamp deltas', [{ timestampDelta: -7200000, key: null, value: event }, { offsetDelta: 2, timestampDelta: 2 ** 40, key: null, value: event }], CONTEXT],
    ['a delta of more than seven varint bytes', [{ timestampDelta: '9007199254740993', key: null, value: event }], CONTEXT],
    ['headers, one repeated', [{ key: null, value: event, headers: { trace: 'a', kind: ['x', 'y'] } }, { offsetDelta: 1, key: null, value: event }], CONTEXT],
    ['offsets and timestamps past 2^53', [{ offsetDelta: 3, timestampDelta: 1, key: null, value: event }], { ...CONTEXT, firstOffset: '9007199254740990', firstTimestamp: '9007199254740991' }],
    ['no timestamps (-1)', [{ key: null, value: event }], { ...CONTEXT, firstTimestamp: '-1' }],
    ['log append time', [{ timestampDelta: 9, key: null, value: event }], { ...CONTEXT, timestampType: 1 }],
    ['a control batch', [{ key: Buffer.from([0, 0, 0, 0]), value: Buffer.from([0, 0, 0, 0, 0, 0]) }], { ...CONTEXT, isControlBatch: true }],
  ];
  it('compares every field kafkajs gives a record', () => {
    const bytes = recordBytes([{ key: null, value: event }]);
    expect(Object.keys(original(new Decoder(new Decoder(bytes).readVarIntBytes()), CONTEXT) as object).sort()).toEqual([...RECORD_FIELDS].sort());
  });

  for (const [what, records, context] of cases) {
    it(`gives what kafkajs gives: ${what}`, () => {
      const bytes = recordBytes(records);
      expect(decodeAll(lean, bytes, context, records.length)).toEqual(decodeAll(original, bytes, context, records.length));
    });
  }

  it('reads batch after batch with their own first offset and timestamp', () => {
    const bytes = recordBytes([{ offsetDelta: 1, timestampDelta: 1, key: null, value: event }]);
    const later = { ...CONTEXT, firstOffset: '5000', firstTimestamp: '1700000000000' };
    const decoded = [CONTEXT, later, CONTEXT].map((context) => decodeAll(lean, bytes, context, 1)[0] as { offset: string; timestamp: string });
    expect(decoded.map((r) => [r.offset, r.timestamp])).toEqual([
      ['1201', '1617159755013'],
      ['5001', '1700000000001'],
      ['1201', '1617159755013'],
    ]);
  });

  it('is what kafkajs decodes records with, once the project loaded it', async () => {
    const { kafkajs } = await import('../../src/kafka/kafkajs.js');
    expect(kafkajs.Kafka).toBeTypeOf('function');
    const inUse = require.cache[DECODER_PATH]?.exports as (decoder: unknown, context?: unknown) => unknown;
    expect(inUse).not.toBe(original);
    const bytes = recordBytes([{ offsetDelta: 4, timestampDelta: 3, key: null, value: event }]);
    expect(decodeAll(inUse, bytes, CONTEXT, 1)).toEqual(decodeAll(original, bytes, CONTEXT, 1));
  });
});
