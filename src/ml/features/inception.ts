/**
 * The `inception` feature extractor: an Inception-v3 converted to TF.js, read from a local
 * directory (model.json + weight shards), as a graph model (tensorflowjs_converter from a
 * frozen graph or SavedModel) or a layers model (from Keras). Images are resized to the
 * network's input size (299) with bilinear interpolation (half-pixel centres, as
 * pytorch-fid's F.interpolate(align_corners=False)), grey images repeated to 3 channels, and
 * mapped from [-1, 1] to the range the network expects.
 *
 * Which outputs are the pool3 features and the logits, the input range and whether to resize
 * come from (in order) the caller's options, an optional `features.json` next to model.json,
 * and the defaults below. Only the TTUR / pytorch-fid network (1008 classes) gives FID and IS
 * comparable to published numbers; that is assumed when the logits have 1008 classes. That
 * network, converted with its own resize and normalisation (README, "Inception features"),
 * takes images at their own size in [0, 255] (`resize: false`, `inputRange: '[0,255]'`), which
 * are then rounded down to whole grey levels as the reference's uint8 conversion does.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { tf, type Tensor, type Tensor2D, type Tensor4D } from '../tf.js';
import { FeatureModelError, INCEPTION_HOW_TO } from './errors.js';
import { readModelDirectory, type ModelDirectory } from './modelFiles.js';
import type { FeatureExtractor } from './types.js';

export type InputRange = '[-1,1]' | '[0,1]' | '[0,255]';

export interface InceptionOptions {
  /** Node (graph model) or layer (layers model) giving the pool3 features, e.g. 'pool_3' or 'avg_pool'. */
  readonly features?: string;
  /** Node or layer giving the class logits (or probabilities, see logitsAre). */
  readonly logits?: string;
  /** What the logits output holds; default: 'probabilities' when it is a softmax, else 'logits'. */
  readonly logitsAre?: 'logits' | 'probabilities';
  /** The pixel range the network takes; default '[-1,1]' (pytorch-fid's and Keras's convention). */
  readonly inputRange?: InputRange;
  /** Side the images are resized to when the model does not declare it; default 299. */
  readonly inputSize?: number;
  /** false: feed images at their own size, for a graph that resizes them itself (default true). */
  readonly resize?: boolean;
  /** Default: true exactly when the logits have 1008 classes (the TTUR / pytorch-fid network). */
  readonly comparableToPapers?: boolean;
}

/** The optional file next to model.json that records the options for that model. */
export const FEATURES_JSON = 'features.json';

/**
 * Output names by format: a graph converted from the TTUR frozen graph names them `pool_3`
 * and `softmax/logits`; Keras's InceptionV3 names its layers `avg_pool` and `predictions`.
 */
export const INCEPTION_DEFAULT_OUTPUTS = {
  'graph-model': { features: 'pool_3', logits: 'softmax/logits' },
  'layers-model': { features: 'avg_pool', logits: 'predictions' },
} as const;

const INPUT_RANGES: readonly InputRange[] = ['[-1,1]', '[0,1]', '[0,255]'];
const TTUR_CLASSES = 1008;

/** Network outputs for a batch of inputs at its own size, channels and range. */
type Runner = (input: Tensor4D) => [Tensor, Tensor];

interface Loaded {
  readonly run: Runner;
  /** [height, width, channels] when the model declares them. */
  readonly inputShape: readonly (number | null)[];
  readonly logitsIsSoftmax: boolean;
  readonly dispose: () => void;
}

export class InceptionExtractor implements FeatureExtractor {
  readonly kind = 'inception';
  readonly description: string;
  readonly featureDim: number;
  readonly classes: number;
  readonly comparableToPapers: boolean;

  /** Use loadInception. */
  constructor(
    private readonly model: Loaded,
    private readonly settings: Required<Omit<InceptionOptions, 'comparableToPapers'>> & { comparableToPapers?: boolean; channels: number; name: string },
    readonly id: string,
  ) {
    const probe = tf.tidy(() => {
      const { features, logits } = this.extract(tf.zeros([1, settings.inputSize, settings.inputSize, 3]) as Tensor4D);
      return [features.shape[1], logits.shape[1]];
    });
    this.featureDim = probe[0]!;
    this.classes = probe[1]!;
    this.comparableToPapers = settings.comparableToPapers ?? this.classes === TTUR_CLASSES;
    const comparable = this.comparableToPapers ? 'comparable to published FID/IS' : 'not the TTUR network: not comparable to published numbers';
    this.description = `Inception-v3 (${settings.name}), ${this.featureDim}-d ${settings.features} features, ${this.classes} classes; ${comparable}`;
  }

  extract(images: Tensor4D): { features: Tensor2D; logits: Tensor2D } {
    const { inputSize, channels, inputRange, logitsAre, resize } = this.settings;
    return tf.tidy(() => {
      let x: Tensor4D = images;
      if (x.shape[3] !== channels) {
        if (x.shape[3] !== 1 || channels !== 3) throw new RangeError(`the model takes ${channels}-channel images, got ${x.shape[3]}`);
        x = tf.concat([x, x, x], 3);
      }
      if (resize && (x.shape[1] !== inputSize || x.shape[2] !== inputSize)) x = tf.image.resizeBilinear(x, [inputSize, inputSize], false, true);
      if (inputRange === '[0,1]') x = tf.mul(tf.add(x, 1), 0.5);
      // Whole grey levels, as the reference's clamp(0, 255) + uint8 truncation (the margin keeps real images' exact levels).
      else if (inputRange === '[0,255]') x = tf.floor(tf.add(tf.clipByValue(tf.mul(tf.add(x, 1), 127.5), 0, 255), 1e-3)) as Tensor4D;
      const [features, output] = this.model.run(x);
      const flat = (t: Tensor) => tf.reshape(t, [t.shape[0]!, -1]) as Tensor2D;
      // softmax(log p) = p: probabilities become logits that give them back.
      const logits = logitsAre === 'probabilities' ? (tf.log(tf.maximum(flat(output), 1e-37)) as Tensor2D) : flat(output);
      return { features: flat(features), logits };
    });
  }

  dispose(): void {
    this.model.dispose();
  }
}

/**
 * Loads the model in `dir` (model.json and its shards).
 * @throws FeatureModelError when the directory, the model or the named outputs are missing or malformed.
 */
export async function loadInception(dir: string, options: InceptionOptions = {}): Promise<InceptionExtractor> {
  const files = readModelDirectory(dir);
  const sidecar = readSidecar(files);
  const defaults = INCEPTION_DEFAULT_OUTPUTS[files.format];
  const features = options.features ?? sidecar.features ?? defaults.features;
  const logits = options.logits ?? sidecar.logits ?? defaults.logits;
  const model = files.format === 'graph-model' ? await loadGraph(files, features, logits) : await loadLayers(files, features, logits);
  try {
    const [h, w, c] = model.inputShape;
    if (h !== null && w !== null && h !== w) throw new FeatureModelError(`${files.dir}: the model takes ${h}x${w} images; only square inputs are supported`);
    if (c !== null && c !== undefined && c !== 3 && c !== 1) throw new FeatureModelError(`${files.dir}: the model's input has ${c} channels; expected NHWC images with 3 channels`);
    const inputRange = options.inputRange ?? sidecar.inputRange ?? '[-1,1]';
    if (!INPUT_RANGES.includes(inputRange)) throw new FeatureModelError(`${files.dir}: inputRange ${String(inputRange)} is not one of ${INPUT_RANGES.join(', ')}`);
    const settings = {
      features,
      logits,
      logitsAre: options.logitsAre ?? sidecar.logitsAre ?? (model.logitsIsSoftmax ? ('probabilities' as const) : ('logits' as const)),
      inputRange,
      inputSize: h ?? options.inputSize ?? sidecar.inputSize ?? 299,
      resize: options.resize ?? sidecar.resize ?? true,
      channels: c ?? 3,
      name: `${basename(files.dir)}, ${files.format}`,
      ...((options.comparableToPapers ?? sidecar.comparableToPapers) === undefined ? {} : { comparableToPapers: options.comparableToPapers ?? sidecar.comparableToPapers }),
    };
    const id = `inception-${createHash('sha256').update(files.sha256).update(JSON.stringify(settings)).digest('hex').slice(0, 16)}`;
    return new InceptionExtractor(model, settings, id);
  } catch (error) {
    model.dispose();
    throw error instanceof FeatureModelError ? error : new FeatureModelError(`${files.dir}: the model does not run (${(error as Error).message})`, INCEPTION_HOW_TO);
  }
}

function readSidecar(files: ModelDirectory): InceptionOptions {
  const path = join(files.dir, FEATURES_JSON);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return {};
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
    return value as InceptionOptions;
  } catch (error) {
    throw new FeatureModelError(`${path} is not a JSON object (${(error as Error).message})`);
  }
}

interface GraphNode {
  readonly name: string;
  readonly op: string;
}

async function loadGraph(files: ModelDirectory, features: string, logits: string): Promise<Loaded> {
  const nodes = ((files.json.modelTopology as { node?: GraphNode[] }).node ?? []).filter((n) => typeof n?.name === 'string');
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const missing = [features, logits].filter((name) => !byName.has(name.replace(/:\d+$/, '')));
  if (missing.length > 0) throw outputsError(files, missing, nodes.map((n) => n.name), 'node');
  const model = await tf.loadGraphModel(files.handler).catch((error: Error) => {
    throw new FeatureModelError(`${files.dir}: tf.loadGraphModel failed (${error.message})`, INCEPTION_HOW_TO);
  });
  if (model.inputs.length !== 1) {
    model.dispose();
    throw new FeatureModelError(`${files.dir}: the graph has ${model.inputs.length} inputs (${model.inputNodes.join(', ')}); expected one image input`);
  }
  const shape = model.inputs[0]!.shape ?? [];
  return {
    run: (x) => model.execute(x, [features, logits]) as [Tensor, Tensor],
    inputShape: [1, 2, 3].map((i) => (shape[i] !== undefined && shape[i]! > 0 ? shape[i]! : null)),
    logitsIsSoftmax: byName.get(logits.replace(/:\d+$/, ''))?.op === 'Softmax',
    dispose: () => model.dispose(),
  };
}

async function loadLayers(files: ModelDirectory, features: string, logits: string): Promise<Loaded> {
  const model = await tf.loadLayersModel(files.handler).catch((error: Error) => {
    throw new FeatureModelError(`${files.dir}: tf.loadLayersModel failed (${error.message})`, INCEPTION_HOW_TO);
  });
  const names = model.layers.map((l) => l.name);
  const missing = [features, logits].filter((name) => !names.includes(name));
  if (missing.length > 0 || model.inputs.length !== 1) {
    model.dispose();
    if (missing.length > 0) throw outputsError(files, missing, names, 'layer');
    throw new FeatureModelError(`${files.dir}: the model has ${model.inputs.length} inputs; expected one image input`);
  }
  const output = (name: string) => model.getLayer(name).output as tf.SymbolicTensor;
  const both = tf.model({ inputs: model.inputs, outputs: [output(features), output(logits)] });
  const shape = model.inputs[0]!.shape;
  const activation = (model.getLayer(logits).getConfig() as { activation?: unknown }).activation;
  return {
    run: (x) => both.predict(x) as [Tensor, Tensor],
    inputShape: [1, 2, 3].map((i) => shape[i] ?? null),
    logitsIsSoftmax: activation === 'softmax',
    // The two-output model shares the loaded model's weights.
    dispose: () => model.dispose(),
  };
}

function outputsError(files: ModelDirectory, missing: string[], names: string[], what: 'node' | 'layer'): FeatureModelError {
  const likely = names.filter((n) => /pool|logit|softmax|predictions/i.test(n)).slice(-12);
  const hint = likely.length > 0 ? `candidates in this model: ${likely.join(', ')}` : `this model has ${names.length} ${what}s, e.g. ${names.slice(-5).join(', ')}`;
  return new FeatureModelError(
    `${files.dir}: the model has no ${what} ${missing.map((m) => `\`${m}\``).join(' or ')}; name the pool3 features and logits ${what}s in ${FEATURES_JSON} ({ "features": …, "logits": … }) or in the options`,
    hint,
  );
}
