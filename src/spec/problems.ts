/** A position in a source text: 1-based line and column. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** Where a problem is: a file (or a `--set` argument) and a span in it. */
export interface Location {
  readonly file: string;
  readonly start: Position;
  readonly end?: Position;
}

export type Severity = 'error' | 'warning';

/** Path into the spec object, e.g. ['searchSpace', 'generator', 'cells', 2, 'cell']. */
export type SpecPath = readonly (string | number)[];

/**
 * One thing wrong with a spec. Problems are data: they are collected, never thrown one by
 * one, and printed by a separate formatter (src/spec/format.ts).
 */
export interface Problem {
  readonly severity: Severity;
  /** Stable identifier of the kind of mistake, e.g. `unknown-op`, `yaml-syntax`. */
  readonly code: string;
  readonly message: string;
  readonly hint?: string;
  readonly path: SpecPath;
  readonly location?: Location;
}

/** Thrown at the boundary of the pure core when a spec cannot be used at all. */
export class SpecError extends Error {
  readonly problems: readonly Problem[];
  constructor(problems: readonly Problem[]) {
    const errors = problems.filter((p) => p.severity === 'error');
    super(errors.length === 1 ? errors[0]!.message : `${errors.length} problems in the spec`);
    this.name = 'SpecError';
    this.problems = problems;
  }
}

export const hasErrors = (problems: readonly Problem[]): boolean =>
  problems.some((p) => p.severity === 'error');

/** `a.b[2].c` — how paths are shown to people. */
export function formatPath(path: SpecPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out ? `.${segment}` : segment;
  }
  return out || '(root)';
}
