import { lineFormatter, timeText, type Formatter, type FormatOptions } from './formatter.js';

/** RFC 4180 quoting; lines end in LF (DESIGN.md section 4). */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * CSV with a header row. With one aggregation the columns are pageId,[userId,]windowStart,
 * windowEnd,count. With both, a first column `by` names the aggregation of each row, and
 * page rows leave userId empty.
 */
export function csvFormatter(options: FormatOptions): Formatter {
  const both = options.aggregations.length > 1;
  const withUser = options.aggregations.includes('user-page');
  return lineFormatter({
    header: `${both ? 'by,' : ''}pageId,${withUser ? 'userId,' : ''}windowStart,windowEnd,count\n`,
    time: timeText(options.timeFormat),
    layout(aggregation, start, end) {
      const by = both ? `${aggregation},` : '';
      const window = `,${start},${end},`;
      if (aggregation === 'user-page') return { parts: [by, ',', window, '\n'], withUser: true, quotePlain: false, escape: csvField };
      return { parts: [by, withUser ? `,${window}` : window, '', '\n'], withUser: false, quotePlain: false, escape: csvField };
    },
  });
}
