import { Command } from '@commander-js/extra-typings';
import { atCommandEnd } from '../cleanup.js';
import { dim, green, red, table, type Output } from '../output.js';

export function backendsCommand(output: Output, setExit: (code: number) => void) {
  return new Command('backends')
    .description('list the tfjs backends, whether each works here and why not')
    .option('--json', 'print [{ name, works, detail, hint }] as JSON')
    .action(async (options) => {
      const { BACKEND_REQUESTS, releaseBackend, selectBackend } = await import('../../ml/backend/index.js');
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
        auto = (await selectBackend('auto')).summary;
      } catch (error) {
        auto = `none (${error instanceof Error ? error.message : String(error)})`;
      }
      if (options.json) {
        output.out(JSON.stringify({ backends: rows, auto }, null, 2));
      } else {
        output.out(table(rows.map((r) => [r.name, r.works ? green(output, 'yes') : red(output, 'no'), r.detail]), ['backend', 'works', 'details']));
        for (const r of rows) if (!r.works && r.hint) output.out(dim(output, `${r.name}: ${r.hint}`));
        output.out(`auto: ${auto}`);
      }
      setExit(0);
    });
}
