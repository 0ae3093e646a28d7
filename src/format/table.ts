import { Chalk } from 'chalk';
import type { Aggregation } from '../window/engine.js';
import { groupDigits, timeText, type Formatter, type FormatOptions } from './formatter.js';

interface TableRow {
  pageId: string;
  userId: string;
  count: number;
}

/**
 * For people: per window and aggregation, a heading, then the top rows by count (ties in
 * key order) in aligned columns, then "… N more". Colour only when `options.color`.
 * `--emit updates` prints Kafka Streams' console shape: `[p004@start/end], 2`.
 */
export function tableFormatter(options: FormatOptions): Formatter {
  const chalk = new Chalk({ level: options.color ? 1 : 0 });
  const time = timeText(options.timeFormat);
  let heading = '';
  let aggregation: Aggregation = 'page';
  let rows: TableRow[] = [];
  let total = 0;
  let seen = 0;
  let first = true;

  return {
    begin: () => '',
    groupStart(agg, startMs, endMs) {
      aggregation = agg;
      heading = `${time(startMs)} .. ${time(endMs)}  ${agg === 'page' ? 'views per page' : 'views per user and page'}`;
      rows = [];
      total = 0;
      seen = 0;
      return '';
    },
    row(_agg, _start, _end, pageId, userId, count) {
      total += count;
      seen++;
      keepTop(rows, { pageId, userId, count }, options.top);
      return '';
    },
    groupEnd() {
      const keys = aggregation === 'page' ? (seen === 1 ? 'page' : 'pages') : seen === 1 ? 'user-page pair' : 'user-page pairs';
      const lines = [`${chalk.bold(heading)}  ${chalk.dim(`(${groupDigits(seen)} ${keys}, ${groupDigits(total)} ${total === 1 ? 'view' : 'views'})`)}`];
      if (options.top === 0) rows.sort((x, y) => y.count - x.count); // stable: ties stay in key order
      const header = aggregation === 'page' ? ['PAGE', 'VIEWS'] : ['PAGE', 'USER', 'VIEWS'];
      const body = rows.map((r) => (aggregation === 'page' ? [r.pageId, groupDigits(r.count)] : [r.pageId, r.userId, groupDigits(r.count)]));
      const widths = header.map((h, c) => Math.max(h.length, ...body.map((cells) => cells[c].length)));
      const render = (cells: string[]) =>
        `  ${cells.map((cell, c) => (c === cells.length - 1 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ')}`;
      lines.push(chalk.dim(render(header)));
      for (const cells of body) lines.push(render(cells));
      if (seen > rows.length) lines.push(chalk.dim(`  ... ${groupDigits(seen - rows.length)} more (--top 0 shows all)`));
      const separator = first ? '' : '\n';
      first = false;
      return `${separator}${lines.join('\n')}\n`;
    },
    update(agg, startMs, endMs, pageId, userId, count) {
      const key = agg === 'page' ? pageId : `${userId} ${pageId}`;
      return `[${key}@${time(startMs)}/${time(endMs)}], ${count}\n`;
    },
    end: () => '',
  };
}

/** Keeps `rows` sorted by count descending (stable), at most `top` long (0 = all). */
function keepTop(rows: TableRow[], row: TableRow, top: number): void {
  if (top === 0) {
    rows.push(row);
    return;
  }
  if (rows.length === top && rows[rows.length - 1].count >= row.count) return;
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid].count >= row.count) lo = mid + 1;
    else hi = mid;
  }
  rows.splice(lo, 0, row);
  if (rows.length > top) rows.pop();
}

