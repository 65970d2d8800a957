/**
 * The shipped experiment specs the benchmark reads, by file name under experiments/. Kept apart
 * from cases.ts so that what needs only a spec (the PyTorch reference's expected counts) does
 * not load TensorFlow.js.
 */
import { fileURLToPath } from 'node:url';
import { nodeSpecHost } from '../io/specHost.js';
import { resolveSpec } from '../spec/resolve.js';
import type { ResolvedSpec } from '../spec/types.js';

export const experimentFile = (name: string): string => fileURLToPath(new URL(`../../experiments/${name}`, import.meta.url));

export function resolveExperiment(name: string, overrides: readonly string[] = []): ResolvedSpec {
  const r = resolveSpec(experimentFile(name), { host: nodeSpecHost, overrides });
  if (!r.spec) throw new Error(`${name} is invalid: ${r.problems.map((p) => p.message).join('; ')}`);
  return r.spec;
}
