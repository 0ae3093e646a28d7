/**
 * Parses an ISO-8601 time as users type it into a flag: a date alone is midnight UTC, a
 * time without a zone is UTC. Returns epoch milliseconds, or undefined if it is not one.
 */
export function parseIsoTimeMs(text: string): number | undefined {
  const value = text.trim();
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.test(value)) return undefined;
  const iso = value.length === 10 ? `${value}T00:00:00Z` : /(Z|[+-]\d{2}:?\d{2})$/.test(value) ? value : `${value}Z`;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) || ms < 0 ? undefined : ms;
}
