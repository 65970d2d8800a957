import { codeFrameColumns } from '@babel/code-frame';
import { relative } from 'node:path';
import type { Location, Problem } from './problems.js';
import type { SourceText } from './source.js';

export interface FormatOptions {
  /** Paths are shown relative to this directory. */
  readonly cwd?: string;
  readonly color?: boolean;
  /** Include a code frame under each located problem. */
  readonly frames?: boolean;
}

/** `file:line:col` of a location (relative to `cwd`), or the `--set` argument it came from. */
export function locationLabel(loc: Location, cwd = process.cwd()): string {
  if (loc.file.startsWith('--set')) return loc.file;
  return `${relative(cwd, loc.file) || loc.file}:${loc.start.line}:${loc.start.column}`;
}

/**
 * `file:line:col: error: message`, then a code frame and a hint: the shape compilers use, so
 * terminals and editors make the location clickable.
 */
export function formatProblem(problem: Problem, sources: readonly SourceText[], options: FormatOptions = {}): string {
  const { cwd = process.cwd(), color = false, frames = true } = options;
  const loc = problem.location;
  // A `--set` argument is one line: its column is shown by the code frame.
  const head = loc ? `${locationLabel(loc, cwd)}: ` : '';
  const severity = color ? (problem.severity === 'error' ? '\x1b[31merror\x1b[39m' : '\x1b[33mwarning\x1b[39m') : problem.severity;
  const lines = [`${head}${severity}: ${problem.message}`];
  const text = loc && sources.find((s) => s.file === loc.file)?.text;
  if (frames && loc && text !== undefined) {
    const end = loc.end && loc.end.line === loc.start.line && loc.end.column > loc.start.column ? loc.end : undefined;
    lines.push(
      codeFrameColumns(text, { start: loc.start, ...(end ? { end } : {}) }, { highlightCode: color, linesAbove: 1, linesBelow: 1 })
        .split('\n')
        .map((l) => `  ${l}`)
        .join('\n'),
    );
  }
  if (problem.hint) lines.push(`  hint: ${problem.hint}`);
  return lines.join('\n');
}

export function formatProblems(problems: readonly Problem[], sources: readonly SourceText[], options: FormatOptions = {}): string {
  const sorted = [...problems].sort(
    (a, b) =>
      (a.location?.file ?? '').localeCompare(b.location?.file ?? '') ||
      (a.location?.start.line ?? 0) - (b.location?.start.line ?? 0) ||
      (a.location?.start.column ?? 0) - (b.location?.start.column ?? 0),
  );
  return sorted.map((p) => formatProblem(p, sources, options)).join('\n\n');
}

export function summarize(problems: readonly Problem[]): string {
  const errors = problems.filter((p) => p.severity === 'error').length;
  const warnings = problems.length - errors;
  const part = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return [errors ? part(errors, 'error') : '', warnings ? part(warnings, 'warning') : ''].filter(Boolean).join(', ');
}
