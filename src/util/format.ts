/**
 * Number formatting for people: the CLI, the report model and (as filters) report templates
 * use these, so a custom template formats numbers the way the built-in one does.
 */

/** 29265443 → "29,265,443". */
export const thousands = (n: number): string => Math.round(n).toLocaleString('en-US');

/** 12149000000 → "12.15 G"; 950 → "950". */
export function si(n: number, digits = 2): string {
  const units: [number, string][] = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [scale, unit] of units) if (Math.abs(n) >= scale) return `${(n / scale).toFixed(digits)} ${unit}`;
  return n.toFixed(0);
}

/** Seconds as "4.2s", "3m07s", "2h05m". */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '–';
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** A fixed number of decimals; small magnitudes (KID, learning rates) in exponent form. */
export function fixed(n: number | undefined, digits = 2): string {
  if (n === undefined || !Number.isFinite(n)) return '–';
  if (n !== 0 && Math.abs(n) < 10 ** -digits) return n.toExponential(1);
  return n.toFixed(digits);
}

/** "8.74 ± 0.09": the spread at the mean's precision (a tiny one reads as ± 0.00, not in exponent form). */
export const spread = (mean: number, std: number | undefined, digits = 2): string =>
  std === undefined || !Number.isFinite(std) ? fixed(mean, digits) : `${fixed(mean, digits)} ± ${std.toFixed(digits)}`;

/** Text safe inside a Markdown table cell. */
export const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
