import { Command } from '@commander-js/extra-typings';
import { resolve } from 'node:path';
import type { NetworkInspection } from '../../nas/inspect.js';
import type { Genotype } from '../../nas/genotype.js';
import { bold, dim, table, type Output } from '../output.js';
import { si, thousands } from '../../util/format.js';
import { collect, resolveForCommand } from '../specArgs.js';

export function inspectCommand(output: Output, setExit: (code: number) => void) {
  return new Command('inspect')
    .description('parameters and multiply-accumulates per image of the super-networks and of the derived networks')
    .argument('<spec>', 'experiment spec file (YAML)')
    .option('--set <key=value>', 'override a spec value (repeatable)', collect, [])
    .option('--genotype <file>', 'a genotype (YAML/JSON, or the reference .npy) for the re-trained networks')
    .option('--modules', 'list every module')
    .option('--json', 'print JSON')
    .action(async (file, options) => {
      const { inspect, trainSpace } = await import('../../nas/inspect.js');
      const { nodeSpecHost } = await import('../../io/specHost.js');
      const { formatProblems } = await import('../../spec/format.js');
      const { loadGenotypeFile } = await import('../../spec/genotypeFile.js');
      const { hasErrors } = await import('../../spec/problems.js');
      const { storedGenotype } = await import('../../run/artifacts.js');
      const resolution = await resolveForCommand(file, options, output);
      if (!resolution.spec || !resolution.space) return setExit(1);
      const spec = resolution.spec;
      let genotype: Genotype | undefined;
      let genotypeSource: string | undefined;
      const path = options.genotype ? resolve(options.genotype) : spec.derive.from;
      if (path) {
        const loaded = loadGenotypeFile(path, nodeSpecHost, trainSpace(spec));
        if (hasErrors(loaded.problems)) {
          output.err(formatProblems(loaded.problems, [], { color: output.color }));
          return setExit(1);
        }
        genotype = loaded.genotype;
        genotypeSource = path;
      } else {
        const stored = storedGenotype(spec);
        genotype = stored?.genotype;
        genotypeSource = stored?.file;
      }
      const result = inspect(spec, resolution.space, genotype);
      const { memoryPhrase, stageMemoryRows } = await import('../memoryTable.js');
      const { batchLabel, bytesLabel } = await import('../../nas/memoryMessage.js');
      const memory = stageMemoryRows(spec, resolution.space, genotype);
      if (options.json) {
        output.out(JSON.stringify({ ...result, memory }, null, 2));
        return setExit(0);
      }
      const rows: string[][] = [];
      const add = (phase: string, network: string, cost: NetworkInspection) => {
        rows.push([phase, network, thousands(cost.parameters), `${si(cost.macs)}MAC`, bytesLabel(4 * cost.activations)]);
        if (options.modules) for (const [name, m] of Object.entries(cost.modules)) rows.push(['', `  ${name}`, thousands(m.parameters), `${si(m.macs)}MAC`, '']);
      };
      add('search', `generator (super-network, width ${resolution.space.generator.channels})`, result.search.generator);
      add('', `discriminator (super-network, width ${resolution.space.discriminator.channels})`, result.search.discriminator);
      if (result.train) {
        add('train', `generator (derived, width ${spec.train.generator.channels})`, result.train.generator);
        add('', `discriminator (${spec.train.discriminator.type}, width ${spec.train.discriminator.channels})`, result.train.discriminator);
      }
      output.out(`${bold(output, spec.name)}: parameters (weights), multiply-accumulates and activations kept for the backward pass, per image`);
      output.out(table(rows, ['stage', 'network', 'parameters', 'per image', 'activations']));
      output.out('one iteration needs (estimated peak):');
      for (const row of memory) output.out(`  ${row.stage} at batch ${batchLabel(row.batch, true)}: ${memoryPhrase(row)}`);
      if (genotypeSource) output.out(dim(output, `derived networks from ${genotypeSource}`));
      else output.out(dim(output, 'no genotype yet: pass --genotype FILE, set derive.from, or run the search'));
      setExit(0);
    });
}
