import { Command, Option } from '@commander-js/extra-typings';
import { readFileSync } from 'node:fs';
import type { Alphas, NetworkAlphas } from '../../nas/derive.js';
import type { NetworkModel, SpaceModel } from '../../nas/space.js';
import { UserError } from '../errors.js';
import type { Output } from '../output.js';
import { collect, resolveForCommand } from '../specArgs.js';

export function deriveCommand(output: Output, setExit: (code: number) => void) {
  return new Command('derive')
    .description('derive a discrete architecture (genotype) from architecture parameters')
    .argument('<spec>', 'experiment spec file (YAML)')
    .requiredOption('--alphas <file>', 'architecture parameters: as the search stage writes them, or the reference layout {"generator": {"alphas_normal": …, "alphas_up": …}}')
    .option('--set <key=value>', 'override a spec value (repeatable)', collect, [])
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'reference'] as const).default('json' as const))
    .option('--no-repair', 'plain argmax, without reviving inputs of nodes left without one')
    .option('--out <file>', 'also write the genotype: .yaml/.json (readable) or .npy (reference matrix of the generator)')
    .action(async (file, options) => {
      const { deriveGenotype, fromReferenceAlphas } = await import('../../nas/derive.js');
      const { referenceMatrices, writeGenotypeFile } = await import('../../io/genotypeFiles.js');
      const { parse } = await import('yaml');
      const resolution = await resolveForCommand(file, options, output);
      if (!resolution.spec || !resolution.space) return setExit(1);
      const alphas = readAlphas(options.alphas, resolution.space, parse, fromReferenceAlphas);
      let genotype;
      try {
        genotype = deriveGenotype(resolution.space, alphas, { repair: options.repair });
      } catch (error) {
        if (error instanceof RangeError) throw new UserError(`${options.alphas}: ${error.message}`);
        throw error;
      }
      if (options.out) writeGenotypeFile(options.out, resolution.space, genotype);
      output.out(JSON.stringify(options.format === 'reference' ? referenceMatrices(resolution.space, genotype) : genotype, null, options.format === 'reference' ? undefined : 2));
      setExit(0);
    });
}

function readAlphas(
  file: string,
  space: SpaceModel,
  parse: (text: string) => unknown,
  fromReferenceAlphas: (network: NetworkModel, tensors: Record<string, unknown>) => NetworkAlphas,
): Alphas {
  let raw: unknown;
  try {
    raw = parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UserError(`cannot read architecture parameters from ${file}: ${(error as Error).message.split('\n')[0]}`);
  }
  if (raw === null || typeof raw !== 'object') throw new UserError(`${file} should hold {"generator": …, "discriminator": …}`);
  const data = raw as Record<string, unknown>;
  const read = (network: NetworkModel, value: unknown): NetworkAlphas | undefined => {
    if (value === undefined) return undefined;
    try {
      if (Array.isArray(value)) return value as NetworkAlphas;
      if (value && typeof value === 'object') return fromReferenceAlphas(network, value as Record<string, unknown>);
    } catch (error) {
      throw new UserError(`${file}: ${network.kind}: ${(error as Error).message}`);
    }
    throw new UserError(`${file}: \`${network.kind}\` should be [cell][edge][op] numbers or the reference layout`);
  };
  const generator = read(space.generator, data.generator);
  const discriminator = read(space.discriminator, data.discriminator);
  if (!generator && !discriminator) throw new UserError(`${file} has neither \`generator\` nor \`discriminator\` architecture parameters`);
  return { ...(generator ? { generator } : {}), ...(discriminator ? { discriminator } : {}) };
}
