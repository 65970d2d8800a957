import { atCommandEnd } from '../cleanup.js';
import { Command, Option } from '@commander-js/extra-typings';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { STAGE_NAMES, type StageName } from '../../compile/stages.js';
import { BACKEND_REQUESTS } from '../../ml/backend/types.js';
import { dim, yellow, type Output } from '../output.js';
import { progressReporter } from '../progress.js';
import { collect, resolveForCommand, withBackendFlags } from '../specArgs.js';

export function runCommand(output: Output, setExit: (code: number) => void) {
  return new Command('run')
    .description('run an experiment: search → derive → train → evaluate → report, skipping stages that are up to date and resuming interrupted ones')
    .argument('<spec>', 'experiment spec file (YAML)')
    .option('--set <key=value>', 'override a spec value (repeatable)', collect, [])
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend (overrides runtime.backend)').choices(BACKEND_REQUESTS))
    .option('--threads <n>', 'wasm threads (overrides runtime.threads)')
    .addOption(new Option('--force <stage>', 'rerun this stage (and those after it) even if up to date; repeatable').choices(STAGE_NAMES).argParser((v: string, prev: string[] = []) => [...prev, v]))
    .addOption(new Option('--until <stage>', 'stop after this stage').choices(STAGE_NAMES))
    .option('--quiet', 'print only the outcome of each stage')
    .action(async (file, options) => {
      const resolution = await resolveForCommand(file, { set: withBackendFlags(options) }, output);
      if (!resolution.spec || !resolution.space) return setExit(1);
      const spec = resolution.spec;
      const space = resolution.space;
      const { compile } = await import('../../compile/graph.js');
      const { fileContext } = await import('../../io/hash.js');
      const { openStore } = await import('../../run/store.js');
      const { executePlan } = await import('../../run/executor.js');
      const { RUNNERS } = await import('../../run/stages/index.js');
      const { memoryGuard } = await import('../../run/memoryGuard.js');
      const { locateIn } = await import('../../spec/load.js');
      const { locationLabel } = await import('../../spec/format.js');
      const { prepareRunDir } = await import('../../run/runDir.js');
      // Before the backend starts: a run directory that cannot be written is known at once.
      prepareRunDir(spec.runtime.outDir, join(spec.runtime.outDir, spec.name));
      const { releaseBackend, selectBackend } = await import('../../ml/backend/select.js');
      atCommandEnd(releaseBackend);
      const report = progressReporter(output, { quiet: Boolean(options.quiet) });
      const { backendOptionsFor } = await import('../../run/backendOptions.js');
      const backend = await selectBackend(spec.runtime.backend, backendOptionsFor(spec, resolution.space));
      report({ type: 'backend', summary: backend.summary });
      if (backend.hint !== undefined && !options.quiet) output.err(dim(output, backend.hint));
      const graph = compile(spec, resolution.space, fileContext);
      const store = openStore(spec.runtime.outDir, spec.name);
      const controller = new AbortController();
      // 128 + the signal's number, as shells report a process ended by it.
      let stoppedBy = 130;
      const onSignal = (signal: NodeJS.Signals) => {
        if (controller.signal.aborted) process.exit(stoppedBy);
        stoppedBy = signal === 'SIGTERM' ? 143 : 130;
        output.err(yellow(output, '\nstopping at the next step boundary (a checkpoint is written); Ctrl-C again to quit at once'));
        controller.abort();
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
      try {
        const result = await executePlan({
          spec,
          space: resolution.space,
          specFile: resolution.files[0] ?? file,
          graph,
          store,
          runners: RUNNERS,
          backend,
          ...(options.force ? { force: options.force as StageName[] } : {}),
          ...(options.until ? { until: options.until as StageName } : {}),
          signal: controller.signal,
          onEvent: report,
          beforeStage: memoryGuard({
            spec,
            space,
            backend: backend.name,
            locate: (path) => {
              const at = locateIn(resolution.sources, path);
              return at ? locationLabel(at) : undefined;
            },
          }),
        });
        if (result.status === 'failed' && result.failed) throw result.failed.error;
        const reportFile = join(store.root, spec.report.output);
        if (result.status === 'complete' && existsSync(reportFile)) report({ type: 'report', file: relative(process.cwd(), reportFile) || reportFile });
        setExit(result.status === 'interrupted' ? stoppedBy : 0);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });
}
