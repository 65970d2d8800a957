/** The first line of an error's message: enough for a one-line summary or reason. */
export function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.split('\n')[0] ?? text;
}

/** "1 thread", "2 threads". */
export function threadCount(n: number): string {
  return `${n} thread${n === 1 ? '' : 's'}`;
}
