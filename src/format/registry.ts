import { csvFormatter } from './csv.js';
import type { Formatter, FormatOptions } from './formatter.js';
import { ndjsonFormatter } from './ndjson.js';
import { tableFormatter } from './table.js';

/** The one list of formats: it also feeds `--format`'s choices and help text. */
export const FORMATS = {
  table: tableFormatter,
  csv: csvFormatter,
  ndjson: ndjsonFormatter,
} as const satisfies Record<string, (options: FormatOptions) => Formatter>;

export type FormatName = keyof typeof FORMATS;
export const FORMAT_NAMES = Object.keys(FORMATS) as FormatName[];

export function createFormatter(name: FormatName, options: FormatOptions): Formatter {
  return FORMATS[name](options);
}
