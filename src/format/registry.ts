import { csvFormatter } from './csv.js';
import type { Formatter, FormatOptions } from './formatter.js';
import { ndjsonFormatter } from './ndjson.js';

/**
 * The one list of formats: it also feeds `--format`'s choices and help text. The table
 * (and chalk, ~10 ms to load in each thread) is loaded only when it is asked for.
 */
export const FORMATS = {
  table: async () => (await import('./table.js')).tableFormatter,
  csv: async () => csvFormatter,
  ndjson: async () => ndjsonFormatter,
} as const satisfies Record<string, () => Promise<(options: FormatOptions) => Formatter>>;

export type FormatName = keyof typeof FORMATS;
export const FORMAT_NAMES = Object.keys(FORMATS) as FormatName[];

export async function createFormatter(name: FormatName, options: FormatOptions): Promise<Formatter> {
  return (await FORMATS[name]())(options);
}
