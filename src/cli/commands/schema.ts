import { Command } from '@commander-js/extra-typings';
import { experimentSchema, genotypeSchema } from '../../spec/schema.js';
import type { Output } from '../output.js';

export function schemaCommand(output: Output, setExit: (code: number) => void) {
  return new Command('schema')
    .description('print the JSON Schema of experiment specs (or of genotype files)')
    .option('--genotype', 'print the genotype file schema instead')
    .action((options) => {
      output.out(JSON.stringify(options.genotype ? genotypeSchema : experimentSchema, null, 2));
      setExit(0);
    });
}
