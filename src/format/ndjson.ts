import { isoTime, lineFormatter, type Formatter, type FormatOptions } from './formatter.js';

/**
 * One JSON object per line: {"pageId","userId"?,"windowStart","windowEnd","count"}. With
 * both aggregations every object starts with "by", and page rows have no userId.
 */
export function ndjsonFormatter(options: FormatOptions): Formatter {
  const both = options.aggregations.length > 1;
  return lineFormatter({
    header: '',
    time: options.timeFormat === 'iso' ? (ms) => `"${isoTime(ms)}"` : String,
    layout(aggregation, start, end) {
      const by = both ? `"by":"${aggregation}",` : '';
      const window = `,"windowStart":${start},"windowEnd":${end},"count":`;
      const escape = (id: string) => JSON.stringify(id);
      if (aggregation === 'user-page') return { parts: [`{${by}"pageId":`, ',"userId":', window, '}\n'], withUser: true, quotePlain: true, escape };
      return { parts: [`{${by}"pageId":`, window, '', '}\n'], withUser: false, quotePlain: true, escape };
    },
  });
}
