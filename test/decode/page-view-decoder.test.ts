import { describe, expect, it } from 'vitest';
import { DEFAULT_DECODE_OPTIONS, DecodeStatus, PageViewDecoder, type DecodeOptions } from '../../src/decode/page-view-decoder.js';
import { Dictionary } from '../../src/store/dictionary.js';

/** Decodes `line`, after `previous` lines with the same decoder (which learns their layout). */
function decode(line: string, options: Partial<DecodeOptions> = {}, previous: string[] = []) {
  const pages = new Dictionary();
  const users = new Dictionary();
  const decoder = new PageViewDecoder({ ...DEFAULT_DECODE_OPTIONS, ...options }, pages, users);
  for (const before of previous) decoder.decode(Buffer.from(before), 0, Buffer.byteLength(before));
  const buf = Buffer.from(`xx${line}yy`); // decode a slice, as the line splitter does
  const status = decoder.decode(buf, 2, buf.length - 2);
  if (status === DecodeStatus.ok) {
    return { status: 'ok', user: users.name(decoder.userId), page: pages.name(decoder.pageId), t: decoder.timestampMs };
  }
  return { status: status === DecodeStatus.blank ? 'blank' : 'invalid', reason: decoder.reason };
}

const ok = (user: string, page: string, t: number) => ({ status: 'ok', user, page, t });

describe('PageViewDecoder: valid lines, common and unusual', () => {
  it.each([
    ['{"userId":"u001","pageId":"p001","timestamp":1617159755012}', ok('u001', 'p001', 1617159755012)],
    ['{"timestamp":5,"pageId":"p","userId":"u"}', ok('u', 'p', 5)], // other key order
    ['  {  "userId" : "u" ,\t"pageId":"p" , "timestamp" : 0 }  ', ok('u', 'p', 0)], // whitespace
    ['{"userId":"u\\"1","pageId":"p\\u00e9","timestamp":1}', ok('u"1', 'pé', 1)], // escapes
    ['{"userId":"ü","pageId":"日本","timestamp":1}', ok('ü', '日本', 1)], // UTF-8
    ['{"userId":"u","pageId":"p","timestamp":1,"extra":{"a":[1,{"b":null}]},"f":-1.5e3,"t":true,"n":null}', ok('u', 'p', 1)],
    ['{"userId":"u","pageId":"p","timestamp":1e3}', ok('u', 'p', 1000)], // exponent, still an integer
    ['{"userId":"u","pageId":"p","timestamp":100.0}', ok('u', 'p', 100)],
    ['{"userId":"old","pageId":"p","timestamp":1,"userId":"new"}', ok('new', 'p', 1)], // last duplicate wins, like JSON.parse
    ['{"userId":"u","pageId":"p","timestamp":9007199254740991}', { status: 'invalid', reason: 'field "timestamp" is out of range (9007199254740991)' }],
  ])('%s', (line, expected) => {
    expect(decode(line)).toEqual(expected);
  });

  it('reads configured field names and seconds', () => {
    expect(decode('{"user_id":"a","webpage":"/x","ts":1617159755}', { userField: 'user_id', pageField: 'webpage', timeField: 'ts', timeUnit: 's' })).toEqual(
      ok('a', '/x', 1617159755000),
    );
    expect(decode('{"user_id":"a","webpage":"/x","ts":1617159755.012}', { userField: 'user_id', pageField: 'webpage', timeField: 'ts', timeUnit: 's' })).toEqual(
      ok('a', '/x', 1617159755012),
    );
  });

  it.each(['', '   ', '\t \r'])('blank line %j is blank, not invalid', (line) => {
    expect(decode(line).status).toBe('blank');
  });
});

describe('PageViewDecoder: invalid records name the reason', () => {
  it.each([
    ['{"userId":"u","pageId":"p","timestamp":1', 'not valid JSON'],
    ['not json', 'not valid JSON'],
    ['{"userId":"u","pageId":"p","timestamp":01}', 'not valid JSON'], // leading zero is not JSON
    ['[1,2]', 'not a JSON object'],
    ['"text"', 'not a JSON object'],
    ['null', 'not a JSON object'],
    ['{"pageId":"p","timestamp":1}', 'missing field "userId"'],
    ['{"userId":"u","timestamp":1}', 'missing field "pageId"'],
    ['{"userId":"u","pageId":"p"}', 'missing field "timestamp"'],
    ['{"userId":"","pageId":"p","timestamp":1}', 'field "userId" is empty'],
    ['{"userId":5,"pageId":"p","timestamp":1}', 'field "userId" is a number, not a string'],
    ['{"userId":"u","pageId":null,"timestamp":1}', 'field "pageId" is null, not a string'],
    ['{"userId":"u","pageId":"p","timestamp":"1617159755012"}', 'field "timestamp" is a string, not a number'],
    ['{"userId":"u","pageId":"p","timestamp":-1}', 'field "timestamp" is negative (-1)'],
    ['{"userId":"u","pageId":"p","timestamp":1.5}', 'field "timestamp" is not a whole number of milliseconds (1.5)'],
    ['{"userId":"u","pageId":"p","timestamp":1} trailing', 'not valid JSON'],
    ['{"constructor":"u","pageId":"p","timestamp":1}', 'missing field "userId"'],
  ])('%s -> %s', (line, reason) => {
    expect(decode(line)).toEqual({ status: 'invalid', reason });
  });

  it('does not take inherited properties as fields', () => {
    expect(decode('{"userId":"u","pageId":"p"}', { timeField: 'constructor' })).toEqual({ status: 'invalid', reason: 'missing field "constructor"' });
  });
});

describe('PageViewDecoder: the layout learned from a line never changes how the next decodes', () => {
  const canonical = '{"userId":"u001","pageId":"p001","timestamp":1617159755012}';
  // Lines laid out like the canonical one, up to the one byte or value that is different.
  const nearMisses = [
    '{"userId":"u\\"x","pageId":"p","timestamp":1}', // an escape in a value
    '{"userId":"\\u0041","pageId":"p\\/q","timestamp":1}', // escapes that do not end the string
    '{"userId":"u\tv","pageId":"p","timestamp":1}', // a raw control character: not JSON
    '{"userId":"","pageId":"p","timestamp":1}',
    '{"userId":"u","pageId":"","timestamp":1}',
    '{"userId":"u","pageId":"p","timestamp":01}',
    '{"userId":"u","pageId":"p","timestamp":0}',
    '{"userId":"u","pageId":"p","timestamp":}',
    '{"userId":"u","pageId":"p","timestamp":-1}',
    '{"userId":"u","pageId":"p","timestamp":1.5}',
    '{"userId":"u","pageId":"p","timestamp":1e3}',
    '{"userId":"u","pageId":"p","timestamp":12345678901234567}',
    '{"userId":"u","pageId":"p","timestamp":"1"}',
    '{"userId":"u","pageId":"p","timestamp":1}x',
    '{"userId":"u","pageId":"p","timestamp":1',
    '{"userId":"u","pageId":"p","timestamp":1} ',
    '{"userId":"ü","pageId":"日本","timestamp":1}',
    '{"userId":"u","pageId":"p","timestamp":1,"userId":"v"}',
    '{"userId":"u","pageId":"p","timestamp":1,"x":1}',
    '{"userId":"u","pageId":"p"}',
    '{"userId":"u,"pageId":"p","timestamp":1}',
  ];
  it.each(nearMisses)('%s', (line) => {
    const alone = decode(line);
    expect(decode(line, {}, [canonical])).toEqual(alone);
    expect(decode(line, {}, [canonical, line, canonical])).toEqual(alone);
  });

  // Values long enough to be scanned four bytes at a time, with the odd byte at each place
  // of a word: every line must decode as JSON.parse reads it, with or without a layout.
  it('scans long values exactly, whatever byte sits at whatever place of a word', () => {
    const odd = ['\\"', '\\n', '\\u0041', '\u0001', '\u001f', '\u007f', 'é', '😀', '"', ' ', '~'];
    const long = '{"userId":"user-0123456789abc","pageId":"page-0123456789abc","timestamp":1617159755012}';
    let checked = 0;
    for (const field of ['user', 'page']) {
      for (let at = 0; at <= 13; at++) {
        for (const text of odd) {
          const id = `${field}-0123456789abc`;
          const line = long.replace(`"${id}"`, `"${id.slice(0, at)}${text}${id.slice(at)}"`);
          let expected: unknown;
          try {
            const parsed = JSON.parse(line);
            expected = ok(parsed.userId, parsed.pageId, parsed.timestamp);
          } catch {
            expected = { status: 'invalid', reason: 'not valid JSON' };
          }
          expect(decode(line)).toEqual(expected);
          expect(decode(line, {}, [long])).toEqual(expected);
          checked++;
        }
      }
    }
    expect(checked).toBe(2 * 14 * 11);
  });

  // Timestamps are read eight digits at a time: every length, and an odd byte at each place.
  it('reads timestamps of every length exactly, and no odd byte at any place of them', () => {
    const layout = '{"userId":"u","pageId":"p","timestamp":1617159755012}';
    /** What JSON.parse makes of the line: the event, or an invalid record (any reason but JSON's own). */
    const expectOf = (line: string) => {
      let t: unknown;
      try {
        t = JSON.parse(line).timestamp;
      } catch {
        return { status: 'invalid', reason: 'not valid JSON' };
      }
      return Number.isSafeInteger(t) && (t as number) <= 8.64e15 ? ok('u', 'p', t as number) : { status: 'invalid', reason: expect.not.stringMatching(/JSON/) };
    };
    let checked = 0;
    for (let digits = 1; digits <= 17; digits++) {
      const number = '98765432101234567'.slice(0, digits);
      const line = `{"userId":"u","pageId":"p","timestamp":${number}}`;
      const value = Number(number);
      expect(decode(line, {}, [layout])).toEqual(expectOf(line));
      expect(decode(line)).toEqual(value <= 8.64e15 ? ok('u', 'p', value) : expectOf(line));
      for (let at = 0; at < digits; at++) {
        for (const odd of ['/', ':', '.', 'e', ' ', '\u0000', '\u00b9']) {
          const bad = `{"userId":"u","pageId":"p","timestamp":${number.slice(0, at)}${odd}${number.slice(at + 1)}}`;
          expect(decode(bad, {}, [layout])).toEqual(decode(bad));
          expect(decode(bad)).toEqual(expectOf(bad));
          checked++;
        }
      }
    }
    expect(checked).toBe(7 * 153);
    for (let d = 0; d <= 9; d++) {
      const line = `{"userId":"u","pageId":"p","timestamp":${'1'.padEnd(13, String(d))}}`; // every digit at every place
      expect(decode(line, {}, [layout])).toEqual(expectOf(line));
    }
  });

  it('follows a change of layout in the middle of the input', () => {
    const other = '{"timestamp":5, "pageId":"q","userId":"w"}';
    expect(decode(other, {}, [canonical])).toEqual(ok('w', 'q', 5));
    expect(decode(canonical, {}, [canonical, other])).toEqual(ok('u001', 'p001', 1617159755012));
  });
});

/**
 * Decodes `line` the way the line splitter hands over a file's lines once the decoder knows
 * their layout: by `decodeLine`, the end not known. After `previous` (each decoded, then
 * taken), the decoder also knows their geometry (value lengths), and a line with the same
 * one is checked at fixed offsets. Returns what was decoded, or 'not taken'.
 */
function decodeTaken(line: string, previous: string[], eol = '\n', withUsers = true) {
  const pages = new Dictionary();
  const users = withUsers ? new Dictionary() : undefined;
  const decoder = new PageViewDecoder(DEFAULT_DECODE_OPTIONS, pages, users);
  for (const before of previous) {
    decoder.decode(Buffer.from(before), 0, Buffer.byteLength(before));
    const again = Buffer.from(`${before}\n`);
    decoder.decodeLine(again, 0, again.length);
  }
  const buf = Buffer.from(`${line}${eol}{"next":1}`);
  const end = decoder.decodeLine(buf, 0, buf.length);
  if (end < 0) return 'not taken';
  expect(end).toBe(Buffer.byteLength(line)); // the line's end, as a newline search finds it
  if (!users) return { status: 'ok', page: pages.name(decoder.pageId), t: decoder.timestampMs };
  return { status: 'ok', user: users.name(decoder.userId), page: pages.name(decoder.pageId), t: decoder.timestampMs, ids: users.size + pages.size };
}

describe('PageViewDecoder: a line with the geometry of the last one, checked at fixed offsets', () => {
  const canonical = '{"userId":"u001","pageId":"p001","timestamp":1617159755012}';
  const sameLengths = [
    '{"userId":"u999","pageId":"p 1,","timestamp":1617159755013}', // other ids, a space and a comma: plain
    '{"userId":"u"01","pageId":"p001","timestamp":1617159755012}',
    '{"userId":"u\\01","pageId":"p001","timestamp":1617159755012}',
    '{"userId":"u\t01","pageId":"p001","timestamp":1617159755012}',
    '{"userId":"ü01","pageId":"p001","timestamp":1617159755012}',
    '{"userId":"u001","pageId":"p0\u007f1","timestamp":1617159755012}',
    '{"userId":"u001","pageId":"p001","timestamp":0617159755012}',
    '{"userId":"u001","pageId":"p001","timestamp":16171597550x2}',
    '{"userId":"u001","pageId":"p001","timestamp":1617159755.12}',
    '{"userID":"u001","pageId":"p001","timestamp":1617159755012}',
    '{"userId":"u001","pageId":"p001","timestamp":1617159755012]',
    '{"userId":"u001","pageId":"p001","timestamp":1617159755012}x',
    '{"userId":"u001","pageId":"p001","timestamp":16171597550}',
    '{"userId":"u0011","pageId":"p001","timestamp":1617159755012}',
  ];
  it.each(sameLengths)('%s', (line) => {
    const taken = decodeTaken(line, [canonical, canonical]);
    const alone = decode(line);
    expect(decode(line, {}, [canonical, canonical])).toEqual(alone); // its end known (a Kafka record)
    if (taken !== 'not taken') expect({ ...taken, ids: undefined }).toEqual({ ...alone, ids: undefined });
    else expect(alone.status === 'ok' && line.startsWith('{"userId":"u999"')).toBe(false);
  });

  it('takes the common line at fixed offsets, and a CRLF line the long way', () => {
    const line = '{"userId":"u123","pageId":"p456","timestamp":1617159755999}';
    expect(decodeTaken(line, [canonical, canonical])).toEqual({ ...ok('u123', 'p456', 1617159755999), ids: 4 });
    expect(decodeTaken(line, [canonical, canonical], '\r\n')).toEqual({ ...ok('u123', 'p456', 1617159755999), ids: 4 });
  });

  // Ids are hashed while they are checked: the hash must be the dictionary's own, or the
  // same id seen by another path would get a second number.
  it('gives an id seen before the same number, whatever its length', () => {
    for (let length = 1; length <= 40; length++) {
      const id = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGH'.slice(0, length);
      const line = `{"userId":"${id}","pageId":"${id}","timestamp":1617159755012}`;
      expect(decodeTaken(line, [line, line])).toEqual({ ...ok(id, id, 1617159755012), ids: 2 });
    }
  });

  it('checks every byte of the ids: an odd byte at every place of a word', () => {
    const long = '{"userId":"user-0123456789abcdefgh","pageId":"page-0123456789abcdefgh","timestamp":1617159755012}';
    const odd = ['"', '\\', '\u0001', '\u001f', '\u007f', 'é', ' ', '~', '{'];
    let checked = 0;
    for (const field of ['user', 'page']) {
      const id = `${field}-0123456789abcdefgh`;
      for (let at = 0; at < id.length; at++) {
        for (const text of odd) {
          const line = long.replace(`"${id}"`, `"${id.slice(0, at)}${text}${id.slice(at + 1)}"`);
          const taken = decodeTaken(line, [long, long]);
          expect(decode(line, {}, [long, long])).toEqual(decode(line));
          if (taken !== 'not taken') expect({ ...taken, ids: undefined }).toEqual({ ...decode(line), ids: undefined });
          else expect(decode(line).status === 'ok' && /^[ ~{]$/.test(text)).toBe(false);
          checked++;
        }
      }
    }
    expect(checked).toBe(2 * 23 * 9);
  });

  // With no user aggregation (--by page) the user id is checked but not hashed: the check
  // alone must still send every odd byte the long way.
  it('checks every byte of an id it does not hash (--by page): an odd byte at every place of a word', () => {
    const long = '{"userId":"user-0123456789abcdefgh","pageId":"page-0123456789abcdefgh","timestamp":1617159755012}';
    const id = 'user-0123456789abcdefgh';
    for (let at = 0; at < id.length; at++) {
      for (const text of ['"', '\\', '\u0001', '\u001f', '\u007f', 'é', ' ', '~']) {
        const line = long.replace(`"${id}"`, `"${id.slice(0, at)}${text}${id.slice(at + 1)}"`);
        const taken = decodeTaken(line, [long, long], '\n', false);
        const full = decode(line);
        if (taken === 'not taken') expect(full.status === 'ok' && /^[ ~]$/.test(text)).toBe(false);
        else expect(taken).toEqual({ status: full.status, page: full.page, t: full.t });
      }
    }
  });

  it('follows ids whose lengths change from line to line, past the geometries it keeps', () => {
    const pages = new Dictionary();
    const users = new Dictionary();
    const decoder = new PageViewDecoder(DEFAULT_DECODE_OPTIONS, pages, users);
    const lines = Array.from({ length: 3000 }, (_, i) => `{"userId":"u${'x'.repeat((i * 7) % 90)}${i}","pageId":"p${'y'.repeat((i * 13) % 11)}","timestamp":${1 + ((i * 7919) % 10 ** (1 + (i % 13)))}}`);
    const text = Buffer.from(`${lines.join('\n')}\n`);
    let at = 0;
    let taken = 0;
    for (const line of lines) {
      let end = decoder.decodeLine(text, at, text.length);
      if (end >= 0) taken++;
      else expect(decoder.decode(text, at, (end = at + Buffer.byteLength(line)))).toBe(DecodeStatus.ok);
      const parsed = JSON.parse(line);
      expect([users.name(decoder.userId), pages.name(decoder.pageId), decoder.timestampMs]).toEqual([parsed.userId, parsed.pageId, parsed.timestamp]);
      at = end + 1;
    }
    expect(taken).toBeGreaterThan(2900);
  });
});
