import { Command } from '@commander-js/extra-typings';
import { atCommandEnd } from '../cleanup.js';
import type { SelectBackendOptions } from '../../ml/backend/types.js';
import { dim, green, red, table, type Output } from '../output.js';
import { resolveForCommand } from '../specArgs.js';

export function backendsCommand(output: Output, setExit: (code: number) => void) {
  return new Command('backends')
    .description('list the tfjs backends, whether each works here and why not')
    .argument('[spec]', "an experiment spec: auto's choice, and each CPU route's estimated time, for its search iteration")
    .option('--json', 'print { backends: [{ name, works, detail, hint }], auto, estimates? } as JSON')
    .action(async (file, options) => {
      const { BACKEND_REQUESTS, rankRoutes, releaseBackend, selectBackend } = await import('../../ml/backend/index.js');
      let selection: SelectBackendOptions = {};
      if (file !== undefined) {
        const resolution = await resolveForCommand(file, {}, output);
        if (!resolution.spec || !resolution.space) return setExit(1);
        const { backendOptionsFor } = await import('../../run/backendOptions.js');
        selection = backendOptionsFor(resolution.spec, resolution.space);
      }
      atCommandEnd(releaseBackend);
      const rows: { name: string; works: boolean; detail: string; hint?: string }[] = [];
      for (const name of BACKEND_REQUESTS) {
        if (name === 'auto') continue;
        try {
          const info = await selectBackend(name);
          rows.push({ name, works: true, detail: info.summary.replace(/^backend \S+ \((.*)\)$/, '$1') });
        } catch (error) {
          const e = error as Error & { reason?: string; hint?: string };
          rows.push({ name, works: false, detail: e.reason ?? e.message, ...(e.hint ? { hint: e.hint } : {}) });
        }
      }
      let auto: string;
      try {
        auto = (await selectBackend('auto', selection)).summary;
      } catch (error) {
        auto = `none (${error instanceof Error ? error.message : String(error)})`;
      }
      // Every route, installed or not: what installing one would buy for this spec.
      const estimates = selection.workload ? rankRoutes(['wasm', 'wasm+onednn', 'tensorflow'], selection.workload).map((r) => ({ route: r.route, ms: Math.round(r.ms) })) : undefined;
      if (options.json) {
        output.out(JSON.stringify({ backends: rows, auto, ...(estimates ? { estimates } : {}) }, null, 2));
      } else {
        output.out(table(rows.map((r) => [r.name, r.works ? green(output, 'yes') : red(output, 'no'), r.detail]), ['backend', 'works', 'details']));
        for (const r of rows) if (!r.works && r.hint) output.out(dim(output, `${r.name}: ${r.hint}`));
        output.out(`auto: ${auto}`);
        if (estimates && selection.workload) {
          const list = estimates.map((e) => `${e.route} ${(e.ms / 1000).toFixed(1)} s`).join(', ');
          output.out(dim(output, `measured CPU routes, estimated per search iteration of ${file} (${Math.round(selection.workload.gflop)} GFLOP): ${list}`));
        }
      }
      setExit(0);
    });
}
