import type { NetworkGenotype } from '../nas/genotype.js';
import type { GeneratorModel } from '../nas/space.js';
import { generatorNaming, ReferenceNamingError } from './generatorNames.js';
import { matchGeneratorWeights, type Naming, type WeightProblem } from './match.js';
import { parseSafetensors, SafetensorsError, type SafetensorsFile } from './safetensors.js';

export interface GeneratorWeights {
  readonly naming?: Naming;
  readonly problems: readonly WeightProblem[];
  /** dsl name → values, when there are no problems. */
  readonly values?: ReadonlyMap<string, Float32Array>;
}

/**
 * Reads a safetensors state dict for the derived generator of `model` and `genotype`: every
 * fault of the file, of its names, dtypes and shapes, and of its architecture, as problems.
 * Pure (bytes in), so `dsl validate` runs the same check as the stages.
 */
export function readGeneratorWeights(bytes: Uint8Array, source: string, model: GeneratorModel, genotype: NetworkGenotype): GeneratorWeights {
  let file;
  try {
    file = parseSafetensors(bytes, source);
  } catch (error) {
    if (error instanceof SafetensorsError) return { problems: [{ kind: 'naming', key: '', message: error.message }] };
    throw error;
  }
  let names;
  try {
    names = generatorNaming(model, genotype);
  } catch (error) {
    if (error instanceof ReferenceNamingError) return { problems: [{ kind: 'naming', key: '', message: `the spec's generator has no PyTorch naming: ${error.message}` }] };
    throw error;
  }
  const matched = matchGeneratorWeights(withoutDataParallelPrefix(file), names, genotype);
  return { naming: matched.naming, problems: matched.problems, ...(matched.values ? { values: matched.values } : {}) };
}

/** nn.DataParallel, which the authors' training wraps G in, prefixes every key with `module.`. */
function withoutDataParallelPrefix(file: SafetensorsFile): SafetensorsFile {
  const keys = [...file.tensors.keys()];
  if (keys.length === 0 || !keys.every((k) => k.startsWith('module.'))) return file;
  return { ...file, tensors: new Map([...file.tensors].map(([k, t]) => [k.slice('module.'.length), t])) };
}

/** A weights file that does not fit the spec's generator; the message lists every problem. */
export class WeightsError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'WeightsError';
  }
}

export const WEIGHTS_HINT =
  "the file must be the state_dict() of the authors' derived Generator (archs/arch_cifar10.py) for this genotype and width, or `dsl export`'s output; `dsl export --naming reference` shows the expected keys";

/** One error for all problems, `where` first (the spec location of train.from, or the file). */
export function weightsError(where: string, file: string, problems: readonly WeightProblem[]): WeightsError {
  const lines = problems.map((p) => `  - ${p.message}`);
  return new WeightsError(`${where}${where ? ': ' : ''}${file} does not fit the spec's generator (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${lines.join('\n')}`, WEIGHTS_HINT);
}
