import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/data/index.js';
import { encodePng } from '../../src/io/png.js';
import { frechetDistance, saveStatistics, statistics } from '../../src/metrics/index.js';
import { ClassifierExtractor } from '../../src/ml/features/classifier.js';
import { ClassifierNet, classifierShape } from '../../src/ml/features/classifierNet.js';
import { directorySaveHandler } from '../../src/ml/features/modelFiles.js';
import { tf } from '../../src/ml/tf.js';
import { writeNpy } from '../../src/util/npy.js';
import { Random } from '../../src/util/random.js';
import { hasStackTrace, runDsl } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'dsl-fid-'));
const at = (name: string) => join(dir, name);
const random = new Random('fid.test');

/** n × d normal features, shifted by `shift`. */
const features = (n: number, d: number, shift: number) => Float64Array.from(random.fillNormal(new Float64Array(n * d)), (v, i) => v + shift * (i % d));

const A = features(300, 8, 0);
const B = features(250, 8, 0.3);

beforeAll(async () => {
  await writeNpy(at('a.npy'), { dtype: 'float64', shape: [300, 8], data: A });
  await writeNpy(at('b32.npy'), { dtype: 'float32', shape: [250, 8], data: Float32Array.from(B) });
  await saveStatistics(at('b.npz'), statistics(B, 250, 8));
  await writeNpy(at('six.npy'), { dtype: 'float32', shape: [10, 6], data: new Float32Array(60).fill(1) });
  await writeNpy(at('one.npy'), { dtype: 'float32', shape: [1, 8], data: new Float32Array(8) });

  // Two folders of different MNIST digits, as PNG files.
  const digits = await loadDataset({ dataset: 'mnist', root: '', imageSize: 28, channels: 1, limit: 240 });
  for (const [name, from] of [['digits-a', 0], ['digits-b', 120]] as const) {
    mkdirSync(at(name));
    for (let i = 0; i < 120; i++) {
      const pixels = digits.pixels.subarray((from + i) * 784, (from + i + 1) * 784);
      writeFileSync(at(`${name}/${String(i).padStart(3, '0')}.png`), encodePng({ pixels, height: 28, width: 28, channels: 1 }));
    }
  }
  // A saved classifier (untrained weights are enough to check the plumbing) and a tiny layers "Inception".
  const net = new ClassifierNet(classifierShape(28, 28, 1, 10), new Random(1));
  const classifier = new ClassifierExtractor(net, { format: 'dsl-classifier', version: 1, shape: net.shape, dataset: 'mnist', accuracy: 0.1, heldOut: 'none', epochs: 0, seed: 1 }, await net.params.read());
  await classifier.save(at('classifier'));
  classifier.dispose();
  const input = tf.input({ shape: [299, 299, 3] });
  const pool = tf.layers.globalAveragePooling2d({ name: 'avg_pool' }).apply(tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 16 }).apply(input)) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: tf.layers.dense({ name: 'predictions', units: 3, activation: 'softmax' }).apply(pool) as tf.SymbolicTensor });
  await model.save(directorySaveHandler(at('inception')));
  model.dispose();
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const expectedFid = () => {
  const a = statistics(A, 300, 8);
  const b = statistics(B, 250, 8);
  return frechetDistance(a.mu, a.sigma, b.mu, b.sigma);
};

describe('dsl fid on feature matrices and statistics', () => {
  it('gives frechetDistance of the two .npy feature matrices (float64 and float32)', async () => {
    const r = await runDsl(['fid', at('a.npy'), at('b32.npy'), '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { fid: number; a: object; b: object };
    expect(out.fid).toBeCloseTo(expectedFid(), 4); // b32 was rounded to float32
    expect(out.a).toEqual({ path: at('a.npy'), kind: 'features', samples: 300, featureDim: 8 });
    expect(out.b).toMatchObject({ kind: 'features', samples: 250, featureDim: 8 });
  });

  it('takes saved statistics (.npz) for either side and prints the FID', async () => {
    const r = await runDsl(['fid', at('a.npy'), at('b.npz')]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`FID ${expectedFid().toFixed(4)}`);
  });

  it.each([
    ['a missing file', ['missing.npy', 'a.npy'], /missing\.npy: no such file or directory/],
    ['different feature dimensions', ['a.npy', 'six.npy'], /different feature dimensions: 8 .* and 6/],
    ['a single sample', ['one.npy', 'a.npy'], /a single sample; a covariance needs at least 2/],
    ['an unknown kind of file', ['a.npy', 'classifier/checkpoint.bin'], /expected a folder of images, a \.npy feature matrix/],
  ])('reports %s in one line, exit 1', async (_, files, message) => {
    const r = await runDsl(['fid', ...files.map(at)]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });
});

describe('dsl fid on image folders', () => {
  it('needs a feature network (usage error, exit 2)', async () => {
    const r = await runDsl(['fid', at('digits-a'), at('digits-b')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/image folders need a feature network/);
    expect(r.stderr).toMatch(/--features inception --model DIR/);
  });

  it('compares two folders through a saved classifier; a folder against itself gives 0', async () => {
    const r = await runDsl(['fid', at('digits-a'), at('digits-b'), '--features', 'classifier', '--classifier', at('classifier'), '--json', '--batch', '64']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { fid: number; a: object; extractor: string };
    expect(out.fid).toBeGreaterThan(0);
    expect(out.a).toMatchObject({ kind: 'folder', samples: 120, featureDim: 128 });
    expect(out.extractor).toMatch(/^MNIST classifier/);
    expect(r.stderr).toMatch(/120 samples for 128-d features/); // the warning about too few samples
    const same = await runDsl(['fid', at('digits-a'), at('digits-a'), '--classifier', at('classifier'), '--json']);
    expect(Math.abs((JSON.parse(same.stdout) as { fid: number }).fid)).toBeLessThan(1e-6);
  });

  it('compares two folders through an Inception model directory', async () => {
    const r = await runDsl(['fid', at('digits-a'), at('digits-b'), '--features', 'inception', '--model', at('inception'), '--json', '--backend', 'cpu']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { fid: number; b: object };
    expect(Number.isFinite(out.fid)).toBe(true);
    expect(out.b).toMatchObject({ kind: 'folder', samples: 120, featureDim: 4 });
  });

  it('says what is wrong with the feature network, without a stack trace', async () => {
    const noClassifier = await runDsl(['fid', at('digits-a'), at('digits-b'), '--classifier', at('nowhere')]);
    expect(noClassifier.code).toBe(1);
    expect(noClassifier.stderr).toMatch(/no classifier at .*nowhere/);
    const noModel = await runDsl(['fid', at('digits-a'), at('digits-b'), '--features', 'inception', '--model', at('digits-a')]);
    expect(noModel.code).toBe(1);
    expect(noModel.stderr).toMatch(/no model\.json in the directory/);
    expect(noModel.stderr).toMatch(/hint: .*tensorflowjs_converter/);
    expect(hasStackTrace(noClassifier.stderr + noModel.stderr)).toBe(false);
  });
});
