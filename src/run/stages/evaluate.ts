import { writeFileAtomic } from '../../io/atomicWrite.js';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fingerprintOf } from '../../compile/fingerprint.js';
import type { ImageDataset } from '../../data/types.js';
import { readCheckpoint } from '../../io/checkpoint.js';
import { writeImageGrid } from '../../io/png.js';
import { loadClassifier } from '../../ml/features/classifier.js';
import { CLASSIFIER_TRAINING, trainClassifier } from '../../ml/features/classifierTraining.js';
import { classifierShape } from '../../ml/features/classifierNet.js';
import { loadInception } from '../../ml/features/inception.js';
import { realStatistics } from '../../ml/features/realStats.js';
import { scoreSamples, type Scores } from '../../ml/features/score.js';
import type { FeatureExtractor } from '../../ml/features/types.js';
import { EVAL } from '../../ml/nets/context.js';
import type { Generator } from '../../ml/nets/generator.js';
import { tf, type Tensor4D } from '../../ml/tf.js';
import { normal } from '../../ml/train/gan.js';
import type { Genotype } from '../../nas/genotype.js';
import type { ResolvedSpec } from '../../spec/types.js';
import { Random } from '../../util/random.js';
import { FILES } from '../artifacts.js';
import { trainingData } from '../data.js';
import { StageError, StageInterrupted } from '../errors.js';
import { Aborted } from '../../ml/abort.js';
import type { StageContext, StageRunner } from './context.js';
import { derivedGenerator } from './train.js';

/** metrics.json: what the report shows, with the provenance needed to read the numbers right. */
export interface MetricsFile {
  readonly format: 'dsl-metrics/1';
  readonly extractor: { readonly kind: string; readonly description: string; readonly comparableToPapers: boolean; readonly featureDim: number; readonly classes: number };
  readonly dataset: { readonly name: string; readonly images: number; readonly imageSize: number };
  readonly samples: number;
  readonly generator: Scores;
  readonly untrained?: Scores;
  readonly real: { readonly is?: { readonly mean: number; readonly std: number }; readonly images: number };
  readonly grid: string;
}

/**
 * Scores the re-trained EMA generator with the spec's metrics and feature extractor, against
 * the real data's statistics (computed once per dataset and extractor, cached), and writes
 * metrics.json and a sample grid. With `compareUntrained`, the same generator at its initial
 * weights is scored too.
 */
export const runEvaluate: StageRunner = async (ctx) => {
  try {
    return await evaluate(ctx);
  } catch (error) {
    // Nothing to checkpoint: the classifier and the real statistics are cached once complete.
    if (error instanceof Aborted) throw new StageInterrupted();
    throw error;
  }
};

const evaluate: StageRunner = async (ctx) => {
  const { spec } = ctx;
  const e = spec.evaluate;
  const stage = ctx.stage.name;
  const dataset = await trainingData(spec);
  const extractor = await featureExtractor(ctx, dataset);
  try {
    ctx.emit({ type: 'progress', stage, task: 'real-data statistics', done: 0, total: 1 });
    const real = await realStatistics(dataset, extractor, join(ctx.cacheDir, 'real-stats'), { ...(e.realSamples ? { samples: e.realSamples } : {}), batch: e.batch, signal: ctx.signal });
    const train = join(ctx.inputs.train!, FILES.generator);
    const saved = readCheckpoint(ctx.inputs.train!, FILES.generator);
    if (!saved) throw new StageError(`the trained generator ${train} is missing; rerun with --force train`);
    const { genotype } = saved.state as { genotype: Genotype };
    const random = new Random(spec.runtime.seed).fork('evaluate');
    const score = async (generator: Generator, label: string) => {
      const latent = random.fork(`latent/${label}`);
      const generate = (n: number) => tf.tidy(() => generator.forward(normal(latent, n, generator.model.latentDim), EVAL)) as Tensor4D;
      ctx.emit({ type: 'progress', stage, task: `scoring ${e.samples} ${label} samples`, done: 0, total: e.samples });
      return scoreSamples(generate, e.samples, extractor, real, { metrics: e.metrics, splits: e.splits, batch: e.batch, seed: spec.runtime.seed, signal: ctx.signal });
    };
    const trained = derivedGenerator(spec, genotype, new Random(spec.runtime.seed).fork('train').fork('init/generator'));
    let untrainedScores: Scores | undefined;
    try {
      if (e.compareUntrained) untrainedScores = await score(trained, 'untrained');
      trained.params.write(saved.tensors);
      const scores = await score(trained, 'trained');
      if (scores.is) ctx.emit({ type: 'metric', stage, name: 'IS', value: scores.is.mean, std: scores.is.std });
      if (scores.fid !== undefined) ctx.emit({ type: 'metric', stage, name: 'FID', value: scores.fid });
      if (scores.kid) ctx.emit({ type: 'metric', stage, name: 'KID', value: scores.kid.mean, std: scores.kid.std });
      const grid = 'samples/evaluate.png';
      const gridZ = normal(random.fork('grid'), e.grid, trained.model.latentDim);
      const images = tf.tidy(() => trained.forward(gridZ, EVAL));
      writeImageGrid(join(ctx.dir, grid), (await images.data()) as Float32Array, { count: e.grid, size: spec.data.imageSize, channels: spec.data.channels });
      tf.dispose([gridZ, images]);
      const metrics: MetricsFile = {
        format: 'dsl-metrics/1',
        extractor: { kind: extractor.kind, description: extractor.description, comparableToPapers: extractor.comparableToPapers, featureDim: extractor.featureDim, classes: extractor.classes },
        dataset: { name: dataset.name, images: dataset.size, imageSize: dataset.height },
        samples: e.samples,
        generator: scores,
        ...(untrainedScores ? { untrained: untrainedScores } : {}),
        real: { ...(real.inceptionScore ? { is: real.inceptionScore } : {}), images: real.images },
        grid,
      };
      writeFileAtomic(join(ctx.dir, FILES.metrics), `${JSON.stringify(metrics, null, 2)}\n`);
      return { ...scores, extractor: extractor.description };
    } finally {
      trained.dispose();
    }
  } finally {
    extractor.dispose();
  }
};

/** The spec's feature extractor: a trained classifier (cached per dataset and settings) or Inception. */
async function featureExtractor(ctx: StageContext, dataset: ImageDataset): Promise<FeatureExtractor> {
  const { spec } = ctx;
  const f = spec.evaluate.features;
  if (f.type === 'inception') return loadInception(f.path!);
  // The data's content identity, not only its settings: another dataset at the same root trains another classifier.
  // The architecture and training defaults too: a classifier cached by an earlier version is not this one.
  const recipe = { shape: classifierShape(dataset.height, dataset.width, dataset.channels, dataset.classes ?? 0), training: CLASSIFIER_TRAINING };
  const key = fingerprintOf({ data: dataCacheKey(spec), identity: ctx.graph.data.hash, epochs: f.epochs, seed: spec.runtime.seed, recipe }).slice(0, 16);
  const dir = join(ctx.cacheDir, `classifier-${key}`);
  if (existsSync(join(dir, 'checkpoint.bin'))) return loadClassifier(dir);
  const stage = ctx.stage.name;
  const { extractor } = await trainClassifier(dataset, {
    epochs: f.epochs,
    seed: spec.runtime.seed,
    signal: ctx.signal,
    onProgress: (p) => ctx.emit({ type: 'progress', stage, task: `training the ${spec.data.dataset} classifier (epoch ${p.epoch}/${p.epochs})`, done: p.step, total: p.steps }),
  });
  await extractor.save(dir);
  return extractor;
}

const dataCacheKey = (spec: ResolvedSpec) => {
  const { root: _root, ...rest } = spec.data;
  return rest;
};

/** Reads a stage's metrics file. */
export const readMetrics = (dir: string): MetricsFile => JSON.parse(readFileSync(join(dir, FILES.metrics), 'utf8')) as MetricsFile;
