/**
 * TF.js model directories (model.json + binary weight shards) read and written with node:fs.
 * tfjs's own file:// handler lives in @tensorflow/tfjs-node, which is not installed (its
 * install downloads libtensorflow); these handlers give tf.loadGraphModel / tf.loadLayersModel
 * the same artifacts from a local directory. Every problem with the directory is a
 * FeatureModelError naming the file and what is wrong.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tf } from '../tf.js';
import { FeatureModelError, INCEPTION_HOW_TO } from './errors.js';

export const MODEL_JSON = 'model.json';

type ModelJSON = tf.io.ModelJSON;
type WeightsManifestEntry = tf.io.WeightsManifestEntry;

/** What was read: the parsed model.json, a load handler serving it, and a hash of every byte. */
export interface ModelDirectory {
  readonly dir: string;
  readonly json: ModelJSON;
  /** 'graph-model' or 'layers-model' (from `format`, else guessed from the topology). */
  readonly format: 'graph-model' | 'layers-model';
  readonly handler: tf.io.IOHandler;
  /** sha256 of model.json and the shards, in manifest order (cache keys). */
  readonly sha256: string;
}

/** Reads and checks a model directory; the weights are read now, once. */
export function readModelDirectory(dir: string): ModelDirectory {
  const root = resolve(dir);
  const fail = (problem: string): never => {
    throw new FeatureModelError(`${root}: ${problem}`, INCEPTION_HOW_TO);
  };
  if (!isDirectory(root)) fail('no such directory');
  const jsonPath = join(root, MODEL_JSON);
  let text = '';
  try {
    text = readFileSync(jsonPath, 'utf8');
  } catch {
    fail(`no ${MODEL_JSON} in the directory (a TF.js model is model.json plus its weight shards)`);
  }
  let json: ModelJSON | undefined;
  try {
    json = JSON.parse(text) as ModelJSON;
  } catch (error) {
    fail(`${MODEL_JSON} is not valid JSON (${(error as Error).message})`);
  }
  if (!json || typeof json !== 'object' || !json.modelTopology || !Array.isArray(json.weightsManifest)) {
    return fail(`${MODEL_JSON} has no modelTopology and weightsManifest: not a TF.js model`);
  }
  const hash = createHash('sha256').update(text);
  const buffers: ArrayBuffer[] = [];
  const specs: WeightsManifestEntry[] = [];
  for (const group of json.weightsManifest) {
    if (!Array.isArray(group.paths) || !Array.isArray(group.weights)) fail(`${MODEL_JSON} has a weightsManifest entry without paths and weights`);
    for (const path of group.paths) {
      let bytes: Buffer | undefined;
      try {
        bytes = readFileSync(join(root, path));
      } catch {
        fail(`weight shard ${path} (listed in ${MODEL_JSON}) is missing`);
      }
      hash.update(bytes!);
      buffers.push(bytes!.buffer.slice(bytes!.byteOffset, bytes!.byteOffset + bytes!.byteLength) as ArrayBuffer);
    }
    specs.push(...group.weights);
  }
  const expected = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * bytesPer(s), 0);
  const actual = buffers.reduce((n, b) => n + b.byteLength, 0);
  if (expected !== actual) fail(`the weight shards hold ${actual} bytes, ${MODEL_JSON} describes ${expected} (truncated or mismatched shards?)`);
  const weightData = tf.io.concatenateArrayBuffers(buffers);
  const handler: tf.io.IOHandler = {
    load: () => tf.io.getModelArtifactsForJSON(json, () => Promise.resolve([specs, weightData])),
  };
  return { dir: root, json, format: formatOf(json), handler, sha256: hash.digest('hex') };
}

/**
 * A save handler writing `dir/model.json` and `dir/weights.bin` (one shard), each to a
 * temporary file renamed into place. Used by tests to produce models, and by anyone who
 * wants a model built here in the standard layout.
 */
export function directorySaveHandler(dir: string): tf.io.IOHandler {
  return {
    save: (artifacts) => {
      const root = resolve(dir);
      mkdirSync(root, { recursive: true });
      const weights = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.concatenateArrayBuffers(artifacts.weightData);
      const json: ModelJSON = {
        modelTopology: artifacts.modelTopology as {},
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_core}`,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
        ...(artifacts.signature ? { signature: artifacts.signature } : {}),
        ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
      };
      writeAtomic(join(root, 'weights.bin'), new Uint8Array(weights));
      writeAtomic(join(root, MODEL_JSON), JSON.stringify(json));
      return Promise.resolve({ modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) });
    },
  };
}

function writeAtomic(path: string, data: Uint8Array | string): void {
  writeFileSync(`${path}.tmp`, data);
  renameSync(`${path}.tmp`, path);
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function formatOf(json: ModelJSON): 'graph-model' | 'layers-model' {
  if (json.format === 'graph-model' || json.format === 'layers-model') return json.format;
  // Older converters wrote no format: a graph has a node list, a Keras model a class_name.
  return 'node' in (json.modelTopology as object) ? 'graph-model' : 'layers-model';
}

/** Bytes per stored value (quantized weights store fewer bytes than their dtype). */
function bytesPer(spec: WeightsManifestEntry): number {
  const quantization = spec.quantization?.dtype;
  if (quantization === 'uint8') return 1;
  if (quantization === 'uint16' || quantization === 'float16') return 2;
  if (spec.dtype === 'string') return Number.NaN;
  return spec.dtype === 'bool' ? 1 : 4;
}
