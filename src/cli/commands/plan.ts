import { Command, Option } from '@commander-js/extra-typings';
import { relative } from 'node:path';
import { STAGE_NAMES, type StageName } from '../../compile/stages.js';
import { bold, dim, table, type Output } from '../output.js';
import { collect, resolveForCommand } from '../specArgs.js';

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
      const resolution = await resolveForCommand(file, options, output);
      if (!resolution.spec || !resolution.space) return setExit(1);
      const spec = resolution.spec;
      if (options.resolved) {
        output.out(JSON.stringify(spec, null, 2));
        return setExit(0);
      }
      const graph = compile(spec, resolution.space, fileContext);
      const store = openStore(spec.runtime.outDir, spec.name);
      const planned = plan(graph, store, options.force ? { force: [options.force as StageName] } : {});
      if (options.json) {
        output.out(JSON.stringify({ experiment: graph.experiment, runDir: store.root, data: graph.data, stages: planned.map((p) => ({ ...p.stage, action: p.action, reason: p.reason })) }, null, 2));
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
      }
      setExit(0);
    });
}
