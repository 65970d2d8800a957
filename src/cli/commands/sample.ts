import { Command, InvalidArgumentError, Option } from '@commander-js/extra-typings';
import { BACKEND_REQUESTS } from '../../ml/backend/types.js';
import { atCommandEnd } from '../cleanup.js';
import { UserError } from '../errors.js';
import { dim, type Output } from '../output.js';
import { collect, resolveForCommand, withBackendFlags } from '../specArgs.js';
import { trainFromLocation } from './interopShared.js';

const count = (value: string): number => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
};

const seedValue = (value: string): number => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
};

export function sampleCommand(output: Output, setExit: (code: number) => void) {
  return new Command('sample')
    .description("images of the trained EMA generator (or of train.from's weights), for any FID/IS tool")
    .argument('<spec>', 'experiment spec file (YAML)')
    .requiredOption('--out <path>', 'OUT.npy or OUT.npz: float32 NCHW in [-1, 1]; a folder: one uint8 PNG per image')
    .option('--n <count>', 'images to generate', count, 64)
    .option('--seed <seed>', 'seed of the standard-normal latents (default runtime.seed)', seedValue)
    .option('--latents <file>', 'a float32 .npy [N, latent dim] to use instead (N overrides --n)')
    .option('--batch <count>', 'images per forward pass (bounds memory)', count, 100)
    .addOption(new Option('--backend <name>', 'TensorFlow.js backend (overrides runtime.backend)').choices(BACKEND_REQUESTS))
    .option('--threads <n>', 'wasm threads (overrides runtime.threads)')
    .option('--set <key=value>', 'override a spec value (repeatable)', collect, [])
    .action(async (file, options) => {
      const resolution = await resolveForCommand(file, { set: withBackendFlags(options) }, output);
      if (!resolution.spec || !resolution.space) return setExit(1);
      const spec = resolution.spec;
      const { trainedWeights } = await import('../../interop/trainedWeights.js');
      const weights = trainedWeights(spec, resolution.space, trainFromLocation(resolution));
      const latents = options.latents ? await readLatents(options.latents) : undefined;
      const { releaseBackend, selectBackend } = await import('../../ml/backend/select.js');
      atCommandEnd(releaseBackend);
      const { backendOptionsFor } = await import('../../run/backendOptions.js');
      const backend = await selectBackend(spec.runtime.backend, backendOptionsFor(spec, resolution.space));
      output.err(dim(output, backend.summary));
      const { generatorWithWeights } = await import('../../interop/generatorLoad.js');
      const { writeSamples } = await import('../../interop/samples.js');
      const generator = generatorWithWeights(spec, weights.genotype, weights.values);
      try {
        const dim_ = generator.model.latentDim;
        if (latents && latents.shape[1] !== dim_) {
          throw new UserError(`${options.latents} holds latents of shape [${latents.shape.join(', ')}]; the generator takes [N, ${dim_}]`);
        }
        const n = latents ? latents.shape[0]! : options.n;
        output.err(dim(output, `generator: ${weights.source}`));
        const progress = await progressFor(output, n, options.batch);
        const result = await writeSamples(generator, options.out, {
          n,
          seed: options.seed ?? spec.runtime.seed,
          batch: options.batch,
          ...(latents ? { latents: latents.data } : {}),
          onBatch: progress.update,
        });
        progress.stop();
        output.out(options.out);
        output.err(dim(output, `${n} images, ${result.format === 'png' ? 'PNG files' : `float32 [${result.shape.join(', ')}] in [-1, 1]`}`));
        setExit(0);
      } finally {
        generator.dispose();
      }
    });
}

async function readLatents(file: string): Promise<{ shape: number[]; data: Float32Array }> {
  const { readNpy } = await import('../../util/npy.js');
  const array = await readNpy(file);
  if (array.shape.length !== 2 || (array.dtype !== 'float32' && array.dtype !== 'float64')) {
    throw new UserError(`${file} holds a ${array.dtype} array of shape [${array.shape.join(', ')}]; --latents takes a float32 [N, latent dim] .npy`);
  }
  return { shape: array.shape, data: array.dtype === 'float32' ? array.data : Float32Array.from(array.data) };
}

/** A live bar on a terminal; on a pipe, a line per tenth of the images. */
async function progressFor(output: Output, total: number, batch: number): Promise<{ update: (done: number, total: number) => void; stop: () => void }> {
  if (total <= batch) return { update: () => undefined, stop: () => undefined };
  if (output.interactive) {
    const { default: cliProgress } = await import('cli-progress');
    const bar = new cliProgress.SingleBar({ format: '  sample {bar} {value}/{total} images, eta {eta_formatted}', hideCursor: true, stream: process.stderr }, cliProgress.Presets.shades_classic);
    bar.start(total, 0);
    return { update: (done) => bar.update(done), stop: () => bar.stop() };
  }
  let shown = -1;
  return {
    update: (done, all) => {
      const tenth = Math.floor((10 * done) / all);
      if (tenth > shown) {
        shown = tenth;
        output.err(`  sample ${done}/${all}`);
      }
    },
    stop: () => undefined,
  };
}
