import { Command, Option } from '@commander-js/extra-typings';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { dim, type Output } from '../output.js';
import { collect, resolveForCommand } from '../specArgs.js';
import { trainFromLocation } from './interopShared.js';

export function exportCommand(output: Output, setExit: (code: number) => void) {
  return new Command('export')
    .description("the trained EMA generator (or AutoGAN's discriminator) as a safetensors state dict, loadable by the authors' PyTorch code")
    .argument('<spec>', 'experiment spec file (YAML)')
    .requiredOption('--out <file>', 'the .safetensors file to write')
    .addOption(
      new Option('--naming <naming>', "reference: the authors' Generator(args, genotype).state_dict() keys and PyTorch layouts; dsl: dsl's names and layouts")
        .choices(['reference', 'dsl'] as const)
        .default('reference' as const),
    )
    .addOption(new Option('--network <network>', "generator (the EMA weights) or discriminator (AutoGAN's, as training left it)").choices(['generator', 'discriminator'] as const).default('generator' as const))
    .option('--set <key=value>', 'override a spec value (repeatable)', collect, [])
    .action(async (file, options) => {
      const resolution = await resolveForCommand(file, options, output);
      if (!resolution.spec || !resolution.space) return setExit(1);
      const spec = resolution.spec;
      const { trainedDiscriminator, trainedWeights } = await import('../../interop/trainedWeights.js');
      const { discriminatorStateDict, generatorStateDict } = await import('../../interop/generatorLoad.js');
      const { encodeSafetensors } = await import('../../interop/safetensors.js');
      mkdirSync(dirname(options.out), { recursive: true });
      if (options.network === 'discriminator') {
        const trained = trainedDiscriminator(spec, resolution.space);
        const tensors = discriminatorStateDict(spec, trained.values, options.naming);
        writeFileSync(options.out, encodeSafetensors(tensors, { format: 'pt' }));
        output.out(options.out);
        output.err(dim(output, `${tensors.length} tensors (${options.naming} naming) from ${trained.source}`));
        return setExit(0);
      }
      const weights = trainedWeights(spec, resolution.space, trainFromLocation(resolution));
      const dict = generatorStateDict(spec, weights.genotype, weights.values, { naming: options.naming, batches: weights.iterations });
      writeFileSync(options.out, encodeSafetensors(dict.tensors, dict.metadata));
      output.out(options.out);
      output.err(dim(output, `${dict.tensors.length} tensors (${options.naming} naming) from ${weights.source}`));
      setExit(0);
    });
}
