/**
 * The CLI's only door to the terminal. Library code never prints: it returns values or emits
 * events, and commands decide what to show through this.
 */
export interface Output {
  /** A line of results (stdout). */
  out(text: string): void;
  /** A line of diagnostics or progress (stderr). */
  err(text: string): void;
  /** Whether stderr is an interactive terminal (live progress) or a pipe/CI log. */
  readonly interactive: boolean;
  readonly color: boolean;
}

export function processOutput(): Output {
  const interactive = Boolean(process.stderr.isTTY) && process.env.CI === undefined;
  const color = interactive && process.env.NO_COLOR === undefined;
  return {
    out: (text) => void process.stdout.write(`${text}\n`),
    err: (text) => void process.stderr.write(`${text}\n`),
    interactive,
    color,
  };
}

export const paint = (output: Output, code: number, text: string): string => (output.color ? `\x1b[${code}m${text}\x1b[0m` : text);
export const bold = (o: Output, t: string) => paint(o, 1, t);
export const dim = (o: Output, t: string) => paint(o, 2, t);
export const green = (o: Output, t: string) => paint(o, 32, t);
export const red = (o: Output, t: string) => paint(o, 31, t);
export const yellow = (o: Output, t: string) => paint(o, 33, t);

/** A plain text table: columns padded to their widest cell. */
export function table(rows: readonly (readonly string[])[], header?: readonly string[]): string {
  const all = header ? [header, ...rows] : rows;
  // eslint-disable-next-line no-control-regex
  const visible = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '').length;
  const widths = all[0]?.map((_, c) => Math.max(...all.map((r) => visible(r[c] ?? '')))) ?? [];
  const line = (r: readonly string[]) => r.map((cell, c) => (c === r.length - 1 ? cell : cell + ' '.repeat(widths[c]! - visible(cell)))).join('  ').trimEnd();
  return all.map(line).join('\n');
}
