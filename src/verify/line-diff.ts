/**
 * A unified-style line diff for fixture mismatches: the longest common subsequence for
 * outputs of fixture size, and the first differing region for very large ones.
 */
const MAX_CELLS = 4_000_000;
const CONTEXT = 2;

export function lineDiff(expected: string, actual: string): string {
  const a = splitLines(expected);
  const b = splitLines(actual);
  const ops = a.length * b.length <= MAX_CELLS ? lcsOps(a, b) : firstDifferenceOps(a, b);
  return ['--- expected', '+++ actual', ...hunks(ops)].join('\n');
}

type Op = [' ' | '-' | '+', string];

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  else if (text !== '') lines[lines.length - 1] += '  (no newline at end)';
  return lines;
}

function lcsOps(a: string[], b: string[]): Op[] {
  const width = b.length + 1;
  const table = new Uint32Array((a.length + 1) * width);
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      table[i * width + j] = a[i] === b[j] ? table[(i + 1) * width + j + 1] + 1 : Math.max(table[(i + 1) * width + j], table[i * width + j + 1]);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) ops.push([' ', a[i++]]), j++;
    else if (i < a.length && (j === b.length || table[(i + 1) * width + j] >= table[i * width + j + 1])) ops.push(['-', a[i++]]);
    else ops.push(['+', b[j++]]);
  }
  return ops;
}

function firstDifferenceOps(a: string[], b: string[]): Op[] {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const ops: Op[] = a.slice(0, i).map((line): Op => [' ', line]);
  ops.push(...a.slice(i, i + 20).map((line): Op => ['-', line]), ...b.slice(i, i + 20).map((line): Op => ['+', line]));
  if (a.length - i > 20 || b.length - i > 20) ops.push([' ', `... (${a.length} expected lines, ${b.length} actual lines)`]);
  return ops;
}

function hunks(ops: Op[]): string[] {
  const out: string[] = [];
  let lastShown = -1;
  ops.forEach(([kind], index) => {
    if (kind === ' ') return;
    const from = Math.max(index - CONTEXT, lastShown + 1);
    if (from > lastShown + 1 && lastShown >= 0) out.push('@@');
    if (lastShown < 0 && from > 0) out.push('@@');
    for (let k = from; k <= index; k++) out.push(`${ops[k][0]}${ops[k][1]}`);
    lastShown = index;
    for (let k = index + 1; k <= Math.min(index + CONTEXT, ops.length - 1) && ops[k][0] === ' '; k++) {
      out.push(` ${ops[k][1]}`);
      lastShown = k;
    }
  });
  return out;
}
