import { LANE_MULTIPLIERS, LANE_SEEDS, hashFinish } from '../store/dictionary.js';
import type { Literal } from './plain-json.js';

/*
 * The fixed-offset check of LineLayout.matchFixed: where everything is in a line whose
 * value lengths are known, and a check of the line at those offsets, compiled for them.
 */

/** What a fixed-offset check found in a line: the timestamp and the ids' `hashBytes`. */
export interface FixedValues {
  time: number;
  userHash: number;
  pageHash: number;
}

/** Checks the line at `start` (its whole length must be in `buf`); true when it matched, with `into` set. */
export type FixedCheck = (buf: Buffer, view: DataView, start: number, into: FixedValues) => boolean;

/** Where everything is in a line of given value lengths, counted from the line's start, and its check. */
export interface Geometry {
  readonly lineLength: number;
  readonly userAt: number;
  readonly userLength: number;
  readonly pageAt: number;
  readonly pageLength: number;
  readonly timeAt: number;
  readonly timeLength: number;
  readonly check: FixedCheck;
}

/**
 * The geometry of a line whose values have `lengths` (in line order), between the four
 * literals; `order` says which value is which. `hashUsers` false: the user id is only
 * checked, its hash left 0 (`--by page`).
 *
 * The check is compiled for these offsets: a function of straight-line code with every
 * offset and literal word a constant, where a loop over the geometry's tables read two
 * table entries and tested the loop for every word. Checking and hashing 1M lines of the
 * bench data: ~92 -> ~49 ms. Only integers are written into its source (see `int`).
 */
export function geometryOf(literals: readonly Literal[], lengths: readonly number[], order: { user: number; page: number; time: number }, hashUsers: boolean): Geometry {
  const valueAt = [0, 0, 0];
  const source: string[] = ['let d = 0;'];
  let at = 0;
  for (let k = 0; k < 4; k++) {
    source.push(literalSource(literals[k], at));
    at += literals[k].bytes.length;
    if (k < 3) {
      valueAt[k] = at;
      at += lengths[k];
    }
  }
  source.push('if (d !== 0) return false;');
  const user = { at: valueAt[order.user], length: lengths[order.user] };
  const page = { at: valueAt[order.page], length: lengths[order.page] };
  const time = { at: valueAt[order.time], length: lengths[order.time] };
  source.push(idSource(user.at, user.length, hashUsers ? 'userHash' : undefined), idSource(page.at, page.length, 'pageHash'), digitsSource(time.at, time.length));
  source.push(`into.time = time; into.userHash = ${hashUsers ? 'userHash' : '0'}; into.pageHash = pageHash; return true;`);
  const compile = new Function('hashFinish', `return function fixedCheck(b, v, s, into) {\n${source.join('\n')}\n};`) as (finish: typeof hashFinish) => FixedCheck;
  return { lineLength: at, userAt: user.at, userLength: user.length, pageAt: page.at, pageLength: page.length, timeAt: time.at, timeLength: time.length, check: compile(hashFinish) };
}

/** A number for the check's source: only integers are ever written into it. */
function int(n: number): string {
  if (!Number.isSafeInteger(n)) throw new Error(`internal: ${n} in a fixed-offset check`);
  return String(n);
}

/** Compares the literal at `at`, four bytes at a time, into `d`. */
function literalSource(literal: Literal, at: number): string {
  const lines: string[] = [];
  const n = literal.bytes.length;
  let j = 0;
  for (; j + 4 <= n; j += 4) lines.push(`d |= v.getInt32(s + ${int(at + j)}, true) ^ ${int(literal.view.getInt32(j, true))};`);
  for (; j < n; j++) lines.push(`d |= b[s + ${int(at + j)}] ^ ${int(literal.bytes[j])};`);
  return lines.join('\n');
}

/**
 * Checks the id at `at` to be plain printable ASCII (no quote, backslash or control byte)
 * and, with a `target`, hashes it into that variable: hashBytes' two lanes, eight bytes a
 * step. The word test is PlainJson.stringEnd's: `w ^ 0x02020202` maps a quote to 0x20 and
 * keeps the bytes below 0x20 below it, so one "below 0x21" test finds both (the same answer
 * as testing each for every one of the 2^32 words); `| w` catches bytes of 0x80 and above.
 */
function idSource(at: number, length: number, target: 'userHash' | 'pageHash' | undefined): string {
  const test = (w: string) => `t = ${w} ^ 0x02020202; u = ${w} ^ 0x5c5c5c5c; bad |= ((t - 0x21212121) & ~t) | ((u - 0x01010101) & ~u) | ${w};`;
  const round = (lane: string, w: string, k: 0 | 1) => (target ? `${lane} = Math.imul(((${lane} << 5) | (${lane} >>> 27)) ^ ${w}, ${int(LANE_MULTIPLIERS[k])});` : '');
  const lines = [`let bad = 0, h = ${int(LANE_SEEDS[0])}, g = ${int(LANE_SEEDS[1])}, w = 0, x = 0, t = 0, u = 0, tail = 0, c = 0;`];
  let j = 0;
  for (; j + 8 <= length; j += 8) {
    lines.push(`w = v.getInt32(s + ${int(at + j)}, true); x = v.getInt32(s + ${int(at + j + 4)}, true);`);
    lines.push(test('w'), test('x'), round('h', 'w', 0), round('g', 'x', 1));
  }
  if (j + 4 <= length) {
    lines.push(`w = v.getInt32(s + ${int(at + j)}, true);`, test('w'), round('h', 'w', 0));
    j += 4;
  }
  for (let shift = 0; j < length; j++, shift += 8) {
    lines.push(`c = b[s + ${int(at + j)}]; if (c === 0x22 || c === 0x5c || c < 0x20 || c >= 0x80) return false; tail |= c << ${int(shift)};`);
  }
  lines.push('if ((bad & 0x80808080) !== 0) return false;');
  if (target) lines.push(`${target} = hashFinish(h, g, tail, ${int(length)});`);
  return target ? `let ${target} = 0;\n{\n${lines.join('\n')}\n}` : `{\n${lines.join('\n')}\n}`;
}

/**
 * Reads the `length` digits at `at` into `time` if they form a JSON integer of 1-15
 * digits (no leading zero), else the line does not match: four digits a step where it can
 * (PlainJson's fourDigits test and digitsValue, written out), then one at a time.
 */
function digitsSource(at: number, length: number): string {
  if (length > 15) return 'return false;';
  const lines = ['let time = 0;', length > 1 ? `if (b[s + ${int(at)}] === 0x30) return false;` : ''];
  let j = 0;
  for (; j + 4 <= length; j += 4) {
    lines.push(`{ const w = v.getInt32(s + ${int(at + j)}, true); if ((((w - 0x30303030) | (w + 0x46464646)) & 0x80808080) !== 0) return false;`);
    lines.push('const d = w - 0x30303030; time = time * 1e4 + ((d & 0xff) * 1000 + ((d >>> 8) & 0xff) * 100 + ((d >>> 16) & 0xff) * 10 + (d >>> 24)); }');
  }
  for (; j < length; j++) lines.push(`{ const c = b[s + ${int(at + j)}]; if (c < 0x30 || c > 0x39) return false; time = time * 10 + (c - 0x30); }`);
  return lines.join('\n');
}
