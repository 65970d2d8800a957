import { atCommandEnd } from '../cleanup.js';
import { Command, InvalidArgumentError, Option } from '@commander-js/extra-typings';
import type { FeatureExtractor } from '../../ml/features/types.js';
import { UserError } from '../errors.js';
import { dim, type Output } from '../output.js';

const BACKENDS = ['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'] as const;

export function fidCommand(output: Output, setExit: (code: number) => void) {
  return new Command('fid')
    .description('Fréchet distance between two sets of images, feature matrices or saved statistics')
    .argument('<a>', 'a folder of images, a .npy feature matrix [N, D] (float32/float64) or a .npz with mu and sigma')
    .argument('<b>', 'the same kinds as <a>')
    .addOption(new Option('--features <kind>', 'the network giving the features of image folders').choices(['inception', 'classifier'] as const))
    .option('--model <dir>', 'inception: the TF.js model directory (model.json and weight shards)')
    .option('--classifier <path>', 'classifier: a saved classifier (its directory or checkpoint.bin)')
    .option('--batch <n>', 'images per batch', positiveInteger, 50)
    .option('--size <n>', 'inception: crop and resize folder images to this square side (default: the first image\'s)', positiveInteger)
    .addOption(new Option('--backend <name>', 'tfjs backend for image folders').choices(BACKENDS).default('auto' as const))
    .option('--json', 'print { fid, a, b } as JSON')
    .action(async (a, b, options) => {
      const { fidInputKind, fidInputStatistics } = await import('../../ml/features/fidInputs.js');
      const { frechetDistance } = await import('../../metrics/index.js');
      const kinds = await userErrors(() => Promise.all([fidInputKind(a), fidInputKind(b)]));
      const needsExtractor = kinds.includes('folder');
      const extractor = needsExtractor ? await loadExtractor(options, output) : undefined;
      try {
        const sides = [];
        for (const [i, path] of [a, b].entries()) {
          const side = await userErrors(() =>
            fidInputStatistics(path, kinds[i]!, { ...(extractor ? { extractor } : {}), batch: options.batch, ...(options.size ? { size: options.size } : {}) }),
          );
          if (side.kind === 'folder') output.err(dim(output, `${i === 0 ? 'a' : 'b'}: ${side.samples} images from ${path}`));
          sides.push(side);
        }
        const [sa, sb] = sides as [(typeof sides)[0], (typeof sides)[0]];
        if (sa.featureDim !== sb.featureDim) {
          throw new UserError(`the two sides have different feature dimensions: ${sa.featureDim} (${a}) and ${sb.featureDim} (${b})`, {
            hint: 'both sides must come from the same network (e.g. 2048-d Inception pool3 features on both)',
          });
        }
        for (const side of sides) {
          if (side.samples > 0 && side.samples < side.featureDim) {
            output.err(`warning: ${side.path} has ${side.samples} samples for ${side.featureDim}-d features: its covariance is singular and the FID strongly biased (use at least ${side.featureDim}; papers use 50,000)`);
          }
        }
        const fid = await userErrors(() => Promise.resolve(frechetDistance(sa.stats.mu, sa.stats.sigma, sb.stats.mu, sb.stats.sigma)));
        const describe = (s: typeof sa) => ({ path: s.path, kind: s.kind, samples: s.samples, featureDim: s.featureDim });
        if (options.json) {
          output.out(JSON.stringify({ fid, a: describe(sa), b: describe(sb), ...(extractor ? { extractor: extractor.description } : {}) }, null, 2));
        } else {
          if (extractor) output.err(dim(output, `features: ${extractor.description}`));
          output.out(`FID ${fid.toFixed(4)}`);
        }
        setExit(0);
      } finally {
        extractor?.dispose();
      }
    });
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

async function loadExtractor(
  options: { features?: 'inception' | 'classifier'; model?: string; classifier?: string; backend: (typeof BACKENDS)[number] },
  output: Output,
): Promise<FeatureExtractor> {
  const kind = options.features ?? (options.classifier ? 'classifier' : options.model ? 'inception' : undefined);
  if (!kind) {
    throw new UserError('image folders need a feature network', {
      hint: 'pass --features inception --model DIR, or --features classifier --classifier FILE (or compare .npy features / .npz statistics)',
      exitCode: 2,
    });
  }
  const { releaseBackend, selectBackend } = await import('../../ml/backend/index.js');
  atCommandEnd(releaseBackend);
  const backend = await selectBackend(options.backend);
  output.err(dim(output, backend.summary));
  if (kind === 'classifier') {
    if (!options.classifier) throw new UserError('--features classifier needs --classifier FILE (a saved classifier)', { exitCode: 2 });
    const { loadClassifier } = await import('../../ml/features/classifier.js');
    return userErrors(() => Promise.resolve().then(() => loadClassifier(options.classifier!)));
  }
  if (!options.model) throw new UserError('--features inception needs --model DIR (a TF.js Inception-v3 directory)', { exitCode: 2 });
  const { loadInception } = await import('../../ml/features/inception.js');
  return userErrors(() => loadInception(options.model!));
}

/** Library errors written for users, re-thrown as UserError so that the CLI prints them without a stack. */
async function userErrors<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const name = (error as Error | undefined)?.name;
    if (name === 'FeatureModelError' || name === 'FidInputError' || name === 'RangeError' || name === 'ComplexSquareRootError') {
      const hint = (error as { hint?: string }).hint;
      throw new UserError((error as Error).message, { ...(hint ? { hint } : {}), cause: error });
    }
    throw error;
  }
}
