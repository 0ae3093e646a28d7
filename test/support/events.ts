/** Many events over a few weeks, deterministic; enough to keep a real process busy. */
export function manyEvents(n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    lines.push(`{"userId":"u${i % 97}","pageId":"p${i % 13}","timestamp":${1617000000000 + ((i * 7919 * 104_729) % 3_000_000_000)}}`);
  }
  return `${lines.join('\n')}\n`;
}
