import type { Resolution } from '../spec/resolve.js';
import type { Output } from './output.js';

export interface SpecOptions {
  readonly set?: readonly string[];
}

/** `--set` is repeatable: each occurrence adds one override. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** Resolves a spec for a command; prints its problems (errors and warnings) to stderr. */
export async function resolveForCommand(file: string, options: SpecOptions, output: Output): Promise<Resolution> {
  // Loaded on first use, so that commands that never read a spec start fast.
  const { nodeSpecHost } = await import('../io/specHost.js');
  const { formatProblems, summarize } = await import('../spec/format.js');
  const { hasErrors } = await import('../spec/problems.js');
  const { resolveSpec } = await import('../spec/resolve.js');
  const resolution = resolveSpec(file, { host: nodeSpecHost, overrides: options.set ?? [], cwd: process.cwd() });
  if (resolution.problems.length) {
    // Commands other than `validate` show warnings as one line each, errors with their code frame.
    const frames = hasErrors(resolution.problems);
    output.err(formatProblems(resolution.problems, resolution.sources, { color: output.color, frames }));
    if (hasErrors(resolution.problems)) output.err(`\n${file}: ${summarize(resolution.problems)}`);
  }
  return resolution;
}

/** `--set` values plus the `--backend` and `--threads` flags, as the spec overrides they stand for. */
export function withBackendFlags(options: { set: string[]; backend?: string; threads?: string }): string[] {
  const overrides = [...options.set];
  if (options.backend) overrides.push(`runtime.backend=${options.backend}`);
  if (options.threads) overrides.push(`runtime.threads=${options.threads}`);
  return overrides;
}
