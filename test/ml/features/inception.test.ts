import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { directorySaveHandler, FeatureModelError, loadInception } from '../../../src/ml/features/index.js';
import { tf, type Tensor4D } from '../../../src/ml/tf.js';
import { Random } from '../../../src/util/random.js';
import { useBackend } from '../helpers/backends.js';

/**
 * A tiny stand-in for Keras's InceptionV3 (299x299x3 input, an `avg_pool` layer, a softmax
 * `predictions` layer), saved with the node:fs save handler and loaded back by the loader.
 */
const root = mkdtempSync(join(tmpdir(), 'dsl-inception-'));
const layersDir = join(root, 'layers');
const graphDir = join(root, 'graph');
let reference: tf.LayersModel;

beforeAll(async () => {
  await useBackend('cpu');
  const input = tf.input({ shape: [299, 299, 3] });
  const conv = tf.layers.conv2d({ name: 'mixed', filters: 4, kernelSize: 3, strides: 8, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input) as tf.SymbolicTensor;
  const pool = tf.layers.globalAveragePooling2d({ name: 'avg_pool' }).apply(conv) as tf.SymbolicTensor;
  const predictions = tf.layers.dense({ name: 'predictions', units: 5, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(pool) as tf.SymbolicTensor;
  reference = tf.model({ inputs: input, outputs: [pool, predictions] });
  await reference.save(directorySaveHandler(layersDir));
  writeGraphModel(graphDir);
});

afterAll(() => {
  reference?.dispose();
  rmSync(root, { recursive: true, force: true });
});

/** Grey [-1, 1] images as the extractor gets them, and what the network itself should see. */
function greyImages(n: number, side: number): { images: Tensor4D; asNetworkSees: (range: '[-1,1]' | '[0,255]') => Tensor4D } {
  const values = new Random('inception.test').fillUniform(new Float32Array(n * side * side), -1, 1);
  const images = tf.tensor4d(values, [n, side, side, 1]);
  return {
    images,
    asNetworkSees: (range) =>
      tf.tidy(() => {
        const rgb = tf.image.resizeBilinear(tf.concat([images, images, images], 3), [299, 299], false, true);
        return range === '[0,255]' ? (tf.floor(tf.add(tf.clipByValue(tf.mul(tf.add(rgb, 1), 127.5), 0, 255), 1e-3)) as Tensor4D) : rgb;
      }),
  };
}

const close = (actual: tf.Tensor, expected: tf.Tensor) => {
  const a = actual.dataSync();
  const e = expected.dataSync();
  expect(a.length).toBe(e.length);
  for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(e[i]!, 5);
};

describe('loadInception on a layers model', () => {
  it('finds avg_pool and predictions, resizes grey images to 299x299 RGB and turns probabilities into logits', async () => {
    const extractor = await loadInception(layersDir);
    expect([extractor.kind, extractor.featureDim, extractor.classes, extractor.comparableToPapers]).toEqual(['inception', 4, 5, false]);
    expect(extractor.description).toMatch(/^Inception-v3 \(layers, layers-model\), 4-d avg_pool features, 5 classes; not the TTUR network/);
    const { images, asNetworkSees } = greyImages(3, 28);
    const before = tf.memory().numTensors;
    const { features, logits } = extractor.extract(images);
    expect(tf.memory().numTensors).toBe(before + 2);
    const input = asNetworkSees('[-1,1]');
    const [pool, probs] = reference.predict(input) as tf.Tensor[];
    close(features, pool!);
    const softmax = tf.softmax(logits);
    close(softmax, probs!);
    tf.dispose([images, input, features, logits, pool!, probs!, softmax]);
    extractor.dispose();
  });

  it('takes other outputs and input ranges from features.json, and options over it', async () => {
    writeFileSync(join(layersDir, 'features.json'), JSON.stringify({ features: 'mixed', inputRange: '[0,255]', comparableToPapers: true }));
    try {
      const extractor = await loadInception(layersDir, { logitsAre: 'logits' });
      expect([extractor.featureDim, extractor.comparableToPapers]).toEqual([38 * 38 * 4, true]);
      const { images, asNetworkSees } = greyImages(1, 32);
      const { features, logits } = extractor.extract(images);
      const input = asNetworkSees('[0,255]');
      const [, probs] = reference.predict(input) as tf.Tensor[];
      close(logits, probs!); // taken as logits: passed through unchanged
      expect(features.shape).toEqual([1, 38 * 38 * 4]);
      tf.dispose([images, input, features, logits, probs!]);
      extractor.dispose();
    } finally {
      unlinkSync(join(layersDir, 'features.json'));
    }
  });

  it('names the layers it has when the requested ones are missing', async () => {
    const error = await loadInception(layersDir, { features: 'pool_3' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeatureModelError);
    expect((error as FeatureModelError).message).toMatch(/has no layer `pool_3`/);
    expect((error as FeatureModelError).hint).toMatch(/avg_pool, predictions/);
  });

  it('has an identity that follows the weights and the settings', async () => {
    const a = await loadInception(layersDir);
    const b = await loadInception(layersDir);
    const c = await loadInception(layersDir, { inputRange: '[0,1]' });
    expect(a.id).toBe(b.id);
    expect(c.id).not.toBe(a.id);
    [a, b, c].forEach((e) => e.dispose());
  });
});

/**
 * A graph model written by hand in the converter's format (no converter offline): pool_3 is
 * the spatial mean of the input, softmax/logits = pool_3 · W. `side` -1: any image size.
 */
const W = [0.5, -1, 2, 0, 1, 1, -0.5, 0.25, 3, -2, 1, 0, 0, 0, 1];
function writeGraphModel(dir: string, side = 299): void {
  mkdirSync(dir, { recursive: true });
  const dims = (...sizes: number[]) => ({ dim: sizes.map((size) => ({ size: String(size) })) });
  const node = [
    { name: 'images', op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: dims(-1, side, side, 3) } } },
    { name: 'axes', op: 'Const', attr: { value: { tensor: { dtype: 'DT_INT32', tensorShape: dims(2) } }, dtype: { type: 'DT_INT32' } } },
    { name: 'pool_3', op: 'Mean', input: ['images', 'axes'], attr: { keep_dims: { b: false }, T: { type: 'DT_FLOAT' }, Tidx: { type: 'DT_INT32' } } },
    { name: 'w', op: 'Const', attr: { value: { tensor: { dtype: 'DT_FLOAT', tensorShape: dims(3, 5) } }, dtype: { type: 'DT_FLOAT' } } },
    { name: 'softmax/logits', op: 'MatMul', input: ['pool_3', 'w'], attr: { transpose_a: { b: false }, transpose_b: { b: false }, T: { type: 'DT_FLOAT' } } },
  ];
  const weights = Buffer.concat([Buffer.from(new Int32Array([1, 2]).buffer), Buffer.from(new Float32Array(W).buffer)]);
  writeFileSync(join(dir, 'group1-shard1of1.bin'), weights);
  writeFileSync(
    join(dir, 'model.json'),
    JSON.stringify({
      format: 'graph-model',
      generatedBy: 'hand',
      convertedBy: 'inception.test.ts',
      modelTopology: { node, library: {}, versions: { producer: 1 } },
      weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [{ name: 'axes', shape: [2], dtype: 'int32' }, { name: 'w', shape: [3, 5], dtype: 'float32' }] }],
    }),
  );
}

describe('loadInception on a graph model', () => {
  it('runs the graph to pool_3 and softmax/logits', async () => {
    const extractor = await loadInception(graphDir);
    expect([extractor.featureDim, extractor.classes]).toEqual([3, 5]);
    const rgb = tf.tensor4d([-1, 0, 1, 1, 1, 1, 0, 0, 0, 0.5, 0.5, -0.5], [1, 2, 2, 3]);
    const { features, logits } = extractor.extract(rgb);
    // Bilinear up-sampling keeps the mean of each channel only approximately; compare with the same resize.
    const mean = tf.tidy(() => tf.mean(tf.image.resizeBilinear(rgb, [299, 299], false, true), [1, 2]));
    close(features, mean);
    const m = mean.dataSync();
    const expected = [0, 1, 2, 3, 4].map((j) => m[0]! * W[j]! + m[1]! * W[5 + j]! + m[2]! * W[10 + j]!);
    close(logits, tf.tensor2d(expected, [1, 5]));
    tf.dispose([rgb, features, logits, mean]);
    extractor.dispose();
  });

  it('feeds images at their own size in whole grey levels to a graph that resizes itself (resize: false, [0,255])', async () => {
    const anySize = join(root, 'graph-any-size');
    writeGraphModel(anySize, -1);
    const extractor = await loadInception(anySize, { resize: false, inputRange: '[0,255]' });
    // Levels 0, 128, 255 as the data sampler makes them, and a generated value between levels.
    const level = (k: number) => Math.fround(Math.fround(k / 255) - 0.5) / 0.5;
    const rgb = tf.tensor4d([level(0), level(128), level(255), 1, 1, 1, -1, -1, -1, 0.3, 0.3, 0.3], [1, 2, 2, 3]);
    const { features } = extractor.extract(rgb);
    const pixel4 = Math.floor(1.3 * 127.5); // 165, truncated as a uint8 conversion
    close(features, tf.tensor2d([(0 + 255 + 0 + pixel4) / 4, (128 + 255 + 0 + pixel4) / 4, (255 + 255 + 0 + pixel4) / 4], [1, 3]));
    tf.dispose([rgb, features]);
    extractor.dispose();
  });

  it('names the nodes it has when the requested ones are missing', async () => {
    await expect(loadInception(graphDir, { logits: 'logits' })).rejects.toThrow(/has no node `logits`/);
  });
});

describe('loadInception on broken directories', () => {
  const broken = (name: string, files: Record<string, string | Buffer>): string => {
    const dir = join(root, name);
    mkdirSync(dir, { recursive: true });
    for (const [file, content] of Object.entries(files)) writeFileSync(join(dir, file), content);
    return dir;
  };

  it.each([
    ['a missing directory', () => join(root, 'absent'), /absent: no such directory/],
    ['no model.json', () => broken('empty', {}), /no model\.json in the directory/],
    ['malformed JSON', () => broken('bad-json', { 'model.json': '{ "modelTopology": ' }), /model\.json is not valid JSON/],
    ['not a model', () => broken('not-model', { 'model.json': '{"hello": 1}' }), /no modelTopology and weightsManifest/],
    [
      'a missing shard',
      () => broken('no-shard', { 'model.json': JSON.stringify({ modelTopology: { node: [] }, weightsManifest: [{ paths: ['w.bin'], weights: [] }] }) }),
      /weight shard w\.bin .* is missing/,
    ],
    [
      'a truncated shard',
      () => broken('short-shard', { 'model.json': JSON.stringify({ modelTopology: { node: [] }, weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'w', shape: [4], dtype: 'float32' }] }] }), 'w.bin': Buffer.alloc(8) }),
      /hold 8 bytes, model\.json describes 16/,
    ],
  ])('%s is a FeatureModelError that says how to make a model', async (_, dir, message) => {
    const error = await loadInception(dir()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FeatureModelError);
    expect((error as Error).message).toMatch(message);
    expect((error as FeatureModelError).hint).toMatch(/tensorflowjs_converter/);
  });
});
