import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/source/line-splitter.js';

function split(chunks: (string | Buffer)[], maxLineBytes?: number): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter(
    {
      onLine: (buf, start, end, lineNo) => lines.push(`${lineNo}:${buf.toString('utf8', start, end)}`),
      onOverlongLine: (lineNo, length) => lines.push(`${lineNo}:<overlong ${length}>`),
    },
    maxLineBytes,
  );
  for (const chunk of chunks) splitter.push(Buffer.from(chunk));
  splitter.end();
  return lines;
}

describe('LineSplitter', () => {
  const text = '\ufeffa1\r\nbb2\n\nccc3\r\nlast';
  const expected = ['1:a1', '2:bb2', '3:', '4:ccc3', '5:last'];

  it('strips the BOM and CR, keeps blank lines numbered, emits a last line without LF', () => {
    expect(split([text])).toEqual(expected);
  });

  it('gives the same lines whatever the chunking, down to one byte per chunk', () => {
    const bytes = Buffer.from(text);
    for (const size of [1, 2, 3, 5, 7, bytes.length]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      expect(split(chunks)).toEqual(expected);
    }
  });

  it('reports an overlong line without buffering it, and goes on with the next', () => {
    const long = 'x'.repeat(50);
    expect(split([`ok\n${long.slice(0, 20)}`, long.slice(20), '\nnext\n'], 10)).toEqual(['1:ok', '2:<overlong 50>', '3:next']);
    expect(split([`${long}\nnext`], 10)).toEqual(['1:<overlong 50>', '2:next']);
  });

  it('does not keep references to a chunk the reader may reuse', () => {
    const reused = Buffer.from('abc');
    const lines: string[] = [];
    const splitter = new LineSplitter({ onLine: (b, s, e) => lines.push(b.toString('utf8', s, e)), onOverlongLine: () => {} });
    splitter.push(reused);
    reused.write('zzz');
    splitter.push(Buffer.from('\n'));
    expect(lines).toEqual(['abc']);
  });
});
