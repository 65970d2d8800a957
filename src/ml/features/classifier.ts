/**
 * The `classifier` feature extractor: our small CNN trained on the dataset's own labels.
 * Its 128-d penultimate features give a domain FID/KID and its softmax a domain IS: useful to
 * compare runs on MNIST or CIFAR-10 offline, not comparable to published Inception numbers.
 * Saved as a dsl checkpoint (src/io/checkpoint.ts): the architecture and provenance as JSON
 * state, the weights as named float32 arrays.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { CHECKPOINT_FILE, readCheckpoint, writeCheckpoint } from '../../io/checkpoint.js';
import { Random } from '../../util/random.js';
import { tf, type Tensor2D, type Tensor4D } from '../tf.js';
import { ClassifierNet, type ClassifierShape } from './classifierNet.js';
import { FeatureModelError } from './errors.js';
import type { FeatureExtractor } from './types.js';

/** What a saved classifier records besides its weights. */
export interface ClassifierInfo {
  readonly format: 'dsl-classifier';
  readonly version: 1;
  readonly shape: ClassifierShape;
  /** The dataset it was trained on, e.g. "mnist" (names the description). */
  readonly dataset: string;
  /** Fraction of held-out images classified correctly. */
  readonly accuracy: number;
  /** How the accuracy was measured, e.g. "1,000 held-out images (the last 10%)". */
  readonly heldOut: string;
  readonly epochs: number;
  readonly seed: number;
  /**
   * Features are divided by this: the root mean square of the raw features on the held-out
   * images, so that they have unit scale. FID grows with the square and KID's cubic kernel
   * with the cube of the feature scale; unit-scale features keep both in familiar ranges
   * (raw ReLU features gave KIDs in the thousands). Absent in older files: 1.
   */
  readonly featureScale?: number;
}

const DATASET_TITLES: Record<string, string> = { mnist: 'MNIST', cifar10: 'CIFAR-10', stl10: 'STL-10' };

export class ClassifierExtractor implements FeatureExtractor {
  readonly kind = 'classifier';
  readonly comparableToPapers = false;
  readonly description: string;
  readonly featureDim: number;
  readonly classes: number;
  readonly id: string;
  readonly imageShape: { readonly height: number; readonly width: number; readonly channels: 1 | 3 };

  /** Takes ownership of `net`; `weights` are its values (they name its identity). */
  constructor(
    readonly net: ClassifierNet,
    readonly info: ClassifierInfo,
    weights: ReadonlyMap<string, Float32Array>,
  ) {
    this.featureDim = info.shape.featureDim;
    this.classes = info.shape.classes;
    this.imageShape = { height: info.shape.height, width: info.shape.width, channels: info.shape.channels };
    const title = DATASET_TITLES[info.dataset] ?? info.dataset;
    this.description = `${title} classifier (${(100 * info.accuracy).toFixed(1)}% held-out accuracy), ${this.featureDim}-d features`;
    this.id = `classifier-${weightsHash(weights, info)}`;
  }

  extract(images: Tensor4D): { features: Tensor2D; logits: Tensor2D } {
    const scale = this.info.featureScale ?? 1;
    return tf.tidy(() => {
      const { features, logits } = this.net.forward(images);
      return { features: scale === 1 ? features : (tf.div(features, scale) as Tensor2D), logits };
    });
  }

  /** Writes `dir/checkpoint.bin` (atomically). */
  async save(dir: string): Promise<void> {
    mkdirSync(dir, { recursive: true });
    writeCheckpoint(dir, { state: this.info, tensors: await this.net.params.read() });
  }

  dispose(): void {
    this.net.dispose();
  }
}

/**
 * Loads a classifier saved by `save`: `path` is its directory or the checkpoint.bin inside it.
 * @throws FeatureModelError when there is none or it is not a classifier.
 */
export function loadClassifier(path: string): ClassifierExtractor {
  const dir = checkpointDir(path);
  let checkpoint;
  try {
    checkpoint = readCheckpoint(dir);
  } catch (error) {
    throw new FeatureModelError(`${resolve(path)} is not a readable classifier (${(error as Error).message})`, TRAIN_HINT);
  }
  if (!checkpoint) throw new FeatureModelError(`no classifier at ${resolve(path)} (expected ${CHECKPOINT_FILE} in that directory)`, TRAIN_HINT);
  const info = checkpoint.state as Partial<ClassifierInfo> | null;
  if (info?.format !== 'dsl-classifier' || info.version !== 1 || !info.shape) {
    throw new FeatureModelError(`${resolve(dir, CHECKPOINT_FILE)} is a dsl checkpoint but not a saved classifier`, TRAIN_HINT);
  }
  const net = new ClassifierNet(info.shape, new Random(0));
  try {
    const names = new Set(net.params.list().map((p) => p.name));
    const missing = [...names].filter((n) => !checkpoint.tensors.has(n));
    if (missing.length > 0) throw new Error(`missing weights ${missing.join(', ')}`);
    net.params.write(checkpoint.tensors);
  } catch (error) {
    net.dispose();
    throw new FeatureModelError(`${resolve(dir, CHECKPOINT_FILE)} does not hold a complete classifier: ${(error as Error).message}`, TRAIN_HINT);
  }
  return new ClassifierExtractor(net, info as ClassifierInfo, checkpoint.tensors);
}

const TRAIN_HINT = 'a classifier is saved by the evaluate stage (features: { type: classifier }) or by trainClassifier + save()';

function checkpointDir(path: string): string {
  try {
    if (statSync(path).isDirectory()) return path;
  } catch {
    return path; // readCheckpoint reports it missing
  }
  if (basename(path) !== CHECKPOINT_FILE) {
    throw new FeatureModelError(`${resolve(path)} is not a classifier: pass its directory or the ${CHECKPOINT_FILE} inside it`);
  }
  return dirname(path);
}

/** From values already read (a synchronous read of the variables is impossible on WebGPU). */
function weightsHash(weights: ReadonlyMap<string, Float32Array>, info: ClassifierInfo): string {
  const hash = createHash('sha256').update(JSON.stringify({ shape: info.shape, scale: info.featureScale ?? 1 }));
  for (const name of [...weights.keys()].sort()) {
    const data = weights.get(name)!;
    hash.update(name).update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
  return hash.digest('hex').slice(0, 16);
}
