import { describe, expect, it } from 'vitest';
import type { CountSummary } from '../../src/count/config.js';
import { RecordHandler, type EventCounter } from '../../src/count/record-handler.js';
import { DEFAULT_DECODE_OPTIONS, PageViewDecoder } from '../../src/decode/page-view-decoder.js';
import type { TextSink } from '../../src/sink/text-sink.js';
import { LineSplitter } from '../../src/source/line-splitter.js';
import { Dictionary } from '../../src/store/dictionary.js';
import { timeWindows } from '../../src/window/time-windows.js';

/**
 * Runs `input` in chunks of `chunkBytes` through a splitter and a handler whose engine
 * records every event (odd timestamps are "late", so their line and text are dead-lettered
 * too); `taking: false` hides the handler's takeLine, so every line is found by memchr.
 */
function run(input: string, chunkBytes: number, taking: boolean, maxLineBytes?: number): string[] {
  const seen: string[] = [];
  const pages = new Dictionary();
  const users = new Dictionary();
  const engine: EventCounter = {
    process(_stream, timestampMs, pageId, userId) {
      seen.push(`event ${users.name(userId)} ${pages.name(pageId)} ${timestampMs}`);
      this.lastLateWindows = timestampMs % 2;
      return 1;
    },
    touch: () => {},
    lastLateWindows: 0,
    windows: timeWindows(604_800_000),
    streamTimeMs: () => 0,
  };
  const deadLetter = { write: (text: string) => seen.push(`dead ${text.trim()}`) } as unknown as TextSink;
  const summary: CountSummary = { read: 0, counted: 0, late: 0, partiallyLate: 0, invalid: 0, rows: 0, openRowsNotWritten: 0, invalidSamples: [] };
  const handler = new RecordHandler(new PageViewDecoder(DEFAULT_DECODE_OPTIONS, pages, users), engine, summary, 'skip', deadLetter);
  handler.source = 'in.ndjson';
  if (!taking) Object.assign(handler, { takeLine: undefined });
  const splitter = new LineSplitter(handler, maxLineBytes);
  const bytes = Buffer.from(input);
  for (let at = 0; at < bytes.length; at += chunkBytes) splitter.push(Buffer.from(bytes.subarray(at, at + chunkBytes)));
  splitter.end();
  seen.push(`read ${summary.read}, invalid ${summary.invalid}`);
  return seen;
}

const line = (user: string, page: string, t: number | string) => `{"userId":"${user}","pageId":"${page}","timestamp":${t}}`;

describe('RecordHandler: lines taken by their learned layout', () => {
  const input = [
    `\ufeff${line('u1', 'p1', 10)}`,
    line('u2', 'p2', 11), // late: dead-lettered with its line number and text
    `${line('u3', 'p1', 12)}\r`, // CRLF
    '',
    `${line('u4', 'p2', 13)}x`, // the layout, then junk: invalid
    line('u5', 'p3', 9_000_000_000_000_000), // the layout, out of range: the slow path says why
    line('u\\"6', 'p3', 15), // an escape: the slow path decodes it
    '{"pageId":"p4","userId":"u7","timestamp":17}', // another layout, learned from here on
    '{"pageId":"p4","userId":"u8","timestamp":19}',
    `${line('u9', 'p5', 21)}  `,
    line('u10', 'p5', 23), // the last line, without LF
  ].join('\n');

  it('gives the same events, late records and errors as a newline search, at every chunking', () => {
    const expected = run(input, input.length, false);
    expect(expected).toContain('event u3 p1 12');
    expect(expected).toContain('dead {"origin":"in.ndjson:2","reason":"late: its window closed at stream time 1970-01-01T00:00:00Z (grace 0ms)","record":"{\\"userId\\":\\"u2\\",\\"pageId\\":\\"p2\\",\\"timestamp\\":11}"}');
    expect(expected.at(-1)).toBe('read 10, invalid 2');
    for (let chunkBytes = 1; chunkBytes <= input.length; chunkBytes++) expect(run(input, chunkBytes, true)).toEqual(expected);
  });

  it('never takes a line longer than the limit', () => {
    const long = line('u'.repeat(40), 'p', 1);
    const lines = `${line('u', 'p', 2)}\n${long}\n${line('u', 'p', 4)}\n`;
    const expected = run(lines, lines.length, false, long.length - 1);
    expect(expected).toContain(`dead {"origin":"in.ndjson:2","reason":"invalid: line is ${long.length} bytes, longer than the limit","record":null}`);
    expect(run(lines, lines.length, true, long.length - 1)).toEqual(expected);
    expect(run(lines, lines.length, true, long.length)).toContain(`event ${'u'.repeat(40)} p 1`);
  });
});
