import type { SweepResolution } from '../sweep/core/resolveTrials.js';
import type { Output } from './output.js';
import type { SpecOptions } from './specArgs.js';

/** Resolves a spec and every trial of its sweep section; prints their problems to stderr. */
export async function resolveSweepForCommand(file: string, options: SpecOptions, output: Output): Promise<SweepResolution> {
  const { nodeSpecHost } = await import('../io/specHost.js');
  const { formatProblems, summarize } = await import('../spec/format.js');
  const { hasErrors } = await import('../spec/problems.js');
  const { resolveSweep } = await import('../sweep/core/resolveTrials.js');
  const sweep = resolveSweep(file, { host: nodeSpecHost, overrides: options.set ?? [], cwd: process.cwd() });
  if (sweep.problems.length) {
    const frames = hasErrors(sweep.problems);
    output.err(formatProblems(sweep.problems, sweep.sources, { color: output.color, frames }));
    if (frames) output.err(`\n${file}: ${summarize(sweep.problems)}`);
  }
  return sweep;
}

/** The trials' swept values as table columns: short key names, seed last. */
export async function sweptColumns(swept: readonly string[]): Promise<{ header: string[]; cells: (overrides: Readonly<Record<string, unknown>>) => string[] }> {
  const { formatValue, shortKeys } = await import('../sweep/core/trials.js');
  const short = shortKeys(swept);
  const keys = [...swept, 'runtime.seed'];
  return {
    header: [...swept.map((k) => short.get(k) ?? k), 'seed'],
    cells: (overrides) => keys.map((k) => (k in overrides ? formatValue(overrides[k]) : '—')),
  };
}
