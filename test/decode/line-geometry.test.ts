import { describe, expect, it } from 'vitest';
import { geometryOf, type FixedValues } from '../../src/decode/line-geometry.js';
import { Literal } from '../../src/decode/plain-json.js';
import { hashBytes } from '../../src/store/dictionary.js';

const literals = ['{"userId":"', '","pageId":"', '","timestamp":', '}'].map((text) => new Literal(Buffer.from(text)));
const order = { user: 0, page: 1, time: 2 };

/** The compiled check of a line of this user id, page id and timestamp text, run at offset 3 of a buffer. */
function check(user: string, page: string, time: string, hashUsers = true, lengths = [user.length, page.length, time.length]): FixedValues | undefined {
  const geometry = geometryOf(literals, lengths, order, hashUsers);
  const buf = Buffer.from(`xyz{"userId":"${user}","pageId":"${page}","timestamp":${time}}\n`, 'latin1');
  const into = { time: -1, userHash: -1, pageHash: -1 };
  return geometry.check(buf, new DataView(buf.buffer, buf.byteOffset, buf.length), 3, into) ? into : undefined;
}

const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-_.:';

describe('geometryOf: the compiled fixed-offset check', () => {
  it("gives each id the dictionary's hashBytes, at every length from 1 to 40", () => {
    const wrong: number[] = [];
    for (let length = 1; length <= 40; length++) {
      const user = alphabet.slice(0, length);
      const page = alphabet.slice(length % 7, (length % 7) + length);
      const found = check(user, page, '1617159755012');
      const hash = (id: string) => hashBytes(Buffer.from(id), 0, id.length);
      if (found?.userHash !== hash(user) || found.pageHash !== hash(page) || found.time !== 1617159755012) wrong.push(length);
    }
    expect(wrong).toEqual([]);
  });

  it('refuses an id with a quote, backslash, control or non-ASCII byte at any position', () => {
    const accepted: string[] = [];
    for (const bad of ['"', '\\', '\x1f', '\x00', '\x80', '\xff']) {
      for (let at = 0; at < 13; at++) {
        const id = `${'a'.repeat(at)}${bad}${'b'.repeat(12 - at)}`;
        if (check(id, 'page', '1')) accepted.push(`user ${JSON.stringify(bad)}@${at}`);
        if (check('user', id, '1')) accepted.push(`page ${JSON.stringify(bad)}@${at}`);
        if (check(id, 'page', '1', false)) accepted.push(`unhashed user ${JSON.stringify(bad)}@${at}`);
      }
    }
    expect(accepted).toEqual([]);
  });

  it('reads 1-15 digits exactly and refuses a non-digit anywhere, a leading zero, or 16 digits', () => {
    const values = ['0', '7', '42', '1617159755012', '999999999999999', '100000000000001'].map((t) => check('u', 'p', t)?.time);
    expect(values).toEqual([0, 7, 42, 1617159755012, 999999999999999, 100000000000001]);
    const accepted: string[] = [];
    for (let at = 0; at < 13; at++) {
      for (const bad of ['/', ':', 'a', ' ', '-', '.']) {
        const time = `${'1'.repeat(at)}${bad}${'2'.repeat(12 - at)}`;
        if (check('u', 'p', time)) accepted.push(time);
      }
    }
    expect(accepted).toEqual([]);
    expect([check('u', 'p', '0123'), check('u', 'p', '1234567890123456')]).toEqual([undefined, undefined]);
  });

  it('refuses a line whose literal text differs in any byte', () => {
    const geometry = geometryOf(literals, [4, 4, 1], order, true);
    const line = '{"userId":"user","pageId":"page","timestamp":1}';
    const accepted: number[] = [];
    const literalBytes = [[0, 11], [15, 27], [31, 45], [46, 47]].flatMap(([from, to]) => Array.from({ length: to - from }, (_, k) => from + k));
    for (const at of literalBytes) {
      const buf = Buffer.from(line);
      buf[at] ^= 0x01;
      if (geometry.check(buf, new DataView(buf.buffer, buf.byteOffset, buf.length), 0, { time: 0, userHash: 0, pageHash: 0 })) accepted.push(at);
    }
    expect(accepted).toEqual([]);
  });

  it('leaves the user hash 0 when users are not counted', () => {
    expect(check('some-user', 'page', '5', false)).toEqual({ time: 5, userHash: 0, pageHash: hashBytes(Buffer.from('page'), 0, 4) });
  });
});
