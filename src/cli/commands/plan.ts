import { Command, Option } from '@commander-js/extra-typings';
import { relative } from 'node:path';
import { STAGE_NAMES, type StageName } from '../../compile/stages.js';
import type { ArtifactStore } from '../../run/store.js';
import type { SweepResolution } from '../../sweep/core/resolveTrials.js';
import { bold, dim, table, type Output } from '../output.js';
import { collect } from '../specArgs.js';
import { resolveSweepForCommand, sweptColumns } from '../sweepSpec.js';

export function planCommand(output: Output, setExit: (code: number) => void) {
  return new Command('plan')
    .description('compile a spec into its stage graph and show which stages would run')
    .argument('<spec>', 'experiment spec file (YAML)')
    .option('--set <key=value>', 'override a spec value (repeatable)', collect, [])
    .option('--json', 'print the graph and plan as JSON')
    .option('--mermaid', 'print the graph as a Mermaid flowchart')
    .option('--resolved', 'print the resolved spec (every default, extends and --set applied) as JSON')
    .addOption(new Option('--force <stage>', 'plan as if this stage (and those after it) were forced').choices(STAGE_NAMES))
    .action(async (file, options) => {
      const { compile, plan, shortFingerprint, toMermaid } = await import('../../compile/index.js');
      const { fileContext } = await import('../../io/hash.js');
      const { openStore } = await import('../../run/store.js');
      const sweep = await resolveSweepForCommand(file, options, output);
      const resolution = sweep.base;
      if (!resolution.spec || !resolution.space || sweep.trials.some((t) => !t.resolution.spec)) return setExit(1);
      const spec = resolution.spec;
      if (options.resolved) {
        output.out(JSON.stringify(spec, null, 2));
        return setExit(0);
      }
      const graph = compile(spec, resolution.space, fileContext);
      const store = openStore(spec.runtime.outDir, spec.name);
      const planned = plan(graph, store, options.force ? { force: [options.force as StageName] } : {});
      const sweepPlan = sweep.trials.length ? await planSweep(sweep, store) : undefined;
      const { memoryPhrase, stageMemoryRows } = await import('../memoryTable.js');
      const { storedGenotype } = await import('../../run/artifacts.js');
      const memory = stageMemoryRows(spec, resolution.space, storedGenotype(spec)?.genotype);
      if (options.json) {
        output.out(JSON.stringify({ experiment: graph.experiment, runDir: store.root, data: graph.data, stages: planned.map((p) => ({ ...p.stage, action: p.action, reason: p.reason })), memory, ...(sweepPlan ? { sweep: sweepPlan.json } : {}) }, null, 2));
      } else if (options.mermaid) {
        output.out(toMermaid(graph, Object.fromEntries(planned.map((p) => [p.stage.name, p.action]))));
      } else {
        output.out(`${bold(output, graph.experiment)} ${dim(output, `(${file} → ${relative(process.cwd(), store.root) || '.'})`)}`);
        output.out(dim(output, `data: ${graph.data.summary}, sha256 ${shortFingerprint(graph.data.hash)}`));
        output.out(
          table(
            planned.map((p) => [p.stage.name, shortFingerprint(p.stage.fingerprint), p.action, p.reason, [...p.stage.inputs.map((i) => `${i.stage}.${i.artifact}`), ...(p.stage.name === 'train' && spec.train.from ? [`train.from ${relative(process.cwd(), spec.train.from) || spec.train.from}`] : [])].join(', ') || '—']),
            ['stage', 'fingerprint', 'action', 'reason', 'inputs'],
          ),
        );
        for (const row of memory) output.out(dim(output, `${row.stage}: one iteration needs ${memoryPhrase(row)} (estimated peak)`));
        if (sweepPlan) for (const line of sweepPlan.lines) output.out(line);
      }
      setExit(0);
    });
}

/** The sweep's trials with what each would run, and per stage how many distinct computations the sweep needs. */
async function planSweep(sweep: SweepResolution, store: ArtifactStore) {
  const { plan } = await import('../../compile/plan.js');
  const { compileSweep } = await import('../../sweep/compileTrials.js');
  const { describeSharing, stageSharing, sweepDirName } = await import('../../sweep/core/identity.js');
  const { shortKeys } = await import('../../sweep/core/trials.js');
  const compiled = compileSweep(sweep);
  const columns = await sweptColumns(compiled.swept);
  const rows = compiled.trials.map((t) => {
    const planned = plan(t.graph, store);
    const toRun = planned.filter((p) => p.action !== 'skip').map((p) => p.stage.name);
    return { t, toRun };
  });
  const sharing = stageSharing(compiled.trials.map((t) => ({ overrides: t.trial.overrides, graph: t.graph })));
  const short = shortKeys([...compiled.swept, 'runtime.seed']);
  const lines = [
    '',
    `sweep: ${compiled.trials.length} trial${compiled.trials.length === 1 ? '' : 's'} → ${sweepDirName(compiled.fingerprint)}`,
    table(
      rows.map(({ t, toRun }) => [String(t.trial.def.number), t.id, ...columns.cells(t.trial.overrides), toRun.length ? `runs ${toRun.join(', ')}` : 'up to date']),
      ['#', 'id', ...columns.header, 'action'],
    ),
    '',
    'distinct computations per stage:',
    ...sharing.map((s) => `  ${describeSharing(s, (k) => short.get(k) ?? k)}`),
  ];
  const json = {
    fingerprint: compiled.fingerprint,
    trials: rows.map(({ t, toRun }) => ({ id: t.id, number: t.trial.def.number, label: t.trial.label, overrides: t.trial.overrides, fingerprint: t.fingerprint, run: toRun })),
    stages: sharing,
  };
  return { lines, json };
}
