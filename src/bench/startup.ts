/**
 * Start-up costs a user feels before any training: resolving a spec in-process (warm: the
 * modules loaded, the validators compiled) and the CLI's cold start (`dsl validate`, a new
 * Node process each run).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { nodeSpecHost } from '../io/specHost.js';
import { resolveSpec } from '../spec/resolve.js';
import { experimentFile } from './cases.js';
import { summarize, type Summary } from './stats.js';

export interface StartupMeasurement {
  /** resolveSpec of the file, warm (after one untimed run). */
  readonly validateInProcessMs: Summary & { readonly spec: string };
  /** `node bin/dsl.js validate <spec>`, wall time of the whole process. */
  readonly cliColdStartMs?: Summary & { readonly command: string };
  readonly cliError?: string;
}

export function measureStartup(o: { runs: number; inProcessSpec: string; cliSpec: string }): StartupMeasurement {
  const file = experimentFile(o.inProcessSpec);
  const resolveOnce = () => {
    const r = resolveSpec(file, { host: nodeSpecHost });
    if (!r.spec) throw new Error(`${o.inProcessSpec} is invalid`);
  };
  resolveOnce();
  const inProcess: number[] = [];
  for (let i = 0; i < Math.max(o.runs, 5); i++) {
    const t0 = performance.now();
    resolveOnce();
    inProcess.push(performance.now() - t0);
  }
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const args = ['bin/dsl.js', 'validate', `experiments/${o.cliSpec}`];
  const command = `node ${args.join(' ')}`;
  const cold: number[] = [];
  for (let i = 0; i < o.runs; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
    const ms = performance.now() - t0;
    if (r.status !== 0) {
      const why = (r.stderr || r.stdout || String(r.error ?? '')).trim().split('\n')[0] ?? '';
      return { validateInProcessMs: { ...summarize(inProcess), spec: o.inProcessSpec }, cliError: `${command} exited with ${r.status}: ${why}` };
    }
    cold.push(ms);
  }
  return { validateInProcessMs: { ...summarize(inProcess), spec: o.inProcessSpec }, cliColdStartMs: { ...summarize(cold), command } };
}
