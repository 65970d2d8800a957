/**
 * Weight initialisers with PyTorch's conventions, for weights in our tfjs layouts, drawing from
 * our seeded generator (reproducible and resumable). Values are generated in PyTorch's element
 * order and then moved into the tfjs layout, so that fans and the orthogonal structure are
 * PyTorch's:
 *
 * | layout                      | ours           | PyTorch weight         | fan_in     | fan_out    |
 * | conv2d                      | [kh, kw, i, o] | [o, i, kh, kw]         | i*kh*kw    | o*kh*kw    |
 * | depthwise-conv-transpose2d  | [k, k, C, 1]   | [C, 1, k, k] (groups C)| 1*k*k      | C*k*k      |
 * | linear                      | [i, o]         | [o, i]                 | i          | o          |
 *
 * The reference's weights_init applies the configured scheme to modules whose class name
 * contains 'Conv2d' (not ConvTranspose2d, nor Linear, which keep PyTorch's defaults), and sets
 * BatchNorm2d weights to N(1, 0.02) and biases to 0.
 */
import type { Random } from '../../util/random.js';
import { orthonormalRows } from './orthogonal.js';

export type WeightInit = 'xavier-uniform' | 'normal' | 'orthogonal' | 'pytorch-default';
export type WeightLayout = 'conv2d' | 'depthwise-conv-transpose2d' | 'linear';

export interface Fans {
  readonly fanIn: number;
  readonly fanOut: number;
}

const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** PyTorch's shape for a weight of ours, and the index (in ours) of each PyTorch element. */
function torchOrder(layout: WeightLayout, shape: readonly number[]): { torchShape: number[]; ourIndex: Int32Array } {
  const ourIndex = new Int32Array(count(shape));
  if (layout === 'linear') {
    const [inF, outF] = shape as [number, number];
    for (let o = 0, t = 0; o < outF; o++) for (let i = 0; i < inF; i++, t++) ourIndex[t] = i * outF + o;
    return { torchShape: [outF, inF], ourIndex };
  }
  const [kh, kw, a, b] = shape as [number, number, number, number];
  // conv2d: torch [out=b, in=a, kh, kw]; depthwise transpose: torch [C=a, 1=b, kh, kw].
  const [first, second] = layout === 'conv2d' ? [b, a] : [a, b];
  let t = 0;
  for (let p = 0; p < first; p++)
    for (let q = 0; q < second; q++)
      for (let y = 0; y < kh; y++)
        for (let x = 0; x < kw; x++, t++) {
          const [ia, ib] = layout === 'conv2d' ? [q, p] : [p, q];
          ourIndex[t] = ((y * kw + x) * a + ia) * b + ib;
        }
  return { torchShape: [first, second, kh, kw], ourIndex };
}

/** torch.nn.init._calculate_fan_in_and_fan_out on the PyTorch shape of our weight. */
export function torchFans(layout: WeightLayout, shape: readonly number[]): Fans {
  const [outMaps, inMaps, ...receptive] = torchOrder(layout, shape).torchShape as [number, number, ...number[]];
  const field = count(receptive);
  return { fanIn: inMaps * field, fanOut: outMaps * field };
}

/** Initial values of a weight in our layout. */
export function initWeight(layout: WeightLayout, shape: readonly number[], scheme: WeightInit, random: Random): Float32Array {
  const { torchShape, ourIndex } = torchOrder(layout, shape);
  const { fanIn, fanOut } = torchFans(layout, shape);
  const n = ourIndex.length;
  let torchValues: Float64Array;
  switch (scheme) {
    case 'xavier-uniform': {
      const bound = Math.sqrt(6 / (fanIn + fanOut)); // gain 1
      torchValues = random.fillUniform(new Float64Array(n), -bound, bound);
      break;
    }
    case 'normal':
      torchValues = random.fillNormal(new Float64Array(n), 0, 0.02);
      break;
    case 'orthogonal':
      torchValues = orthonormalRows(torchShape[0]!, n / torchShape[0]!, random);
      break;
    case 'pytorch-default': {
      // kaiming_uniform_(a=sqrt(5)): gain sqrt(2 / (1 + 5)), bound gain * sqrt(3 / fan_in) = 1 / sqrt(fan_in).
      const bound = 1 / Math.sqrt(fanIn);
      torchValues = random.fillUniform(new Float64Array(n), -bound, bound);
      break;
    }
  }
  const ours = new Float32Array(n);
  for (let t = 0; t < n; t++) ours[ourIndex[t]!] = torchValues[t]!;
  return ours;
}

/** PyTorch's default bias of a conv or linear layer: U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
export function initBias(fanIn: number, size: number, random: Random): Float32Array {
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  return Float32Array.from(random.fillUniform(new Float64Array(size), -bound, bound));
}

// The initialisation of each layer kind, as the reference applies it.

/** nn.Conv2d weight [kh, kw, in, out] with the configured scheme. */
export const convWeightInit = (scheme: WeightInit, shape: readonly number[], random: Random): Float32Array =>
  initWeight('conv2d', shape, scheme, random);

/** nn.Conv2d bias for a weight of `shape` (PyTorch default). */
export const convBiasInit = (shape: readonly number[], random: Random): Float32Array =>
  initBias(torchFans('conv2d', shape).fanIn, shape[3]!, random);

/** Depthwise nn.ConvTranspose2d weight [k, k, C, 1]: PyTorch default (weights_init skips it). */
export const depthwiseTransposeWeightInit = (shape: readonly number[], random: Random): Float32Array =>
  initWeight('depthwise-conv-transpose2d', shape, 'pytorch-default', random);

/** nn.Linear weight [in, out]: PyTorch default (weights_init skips it). */
export const linearWeightInit = (shape: readonly number[], random: Random): Float32Array =>
  initWeight('linear', shape, 'pytorch-default', random);

/** nn.Linear bias for a weight [in, out]: PyTorch default. */
export const linearBiasInit = (shape: readonly number[], random: Random): Float32Array =>
  initBias(shape[0]!, shape[1]!, random);

/** nn.BatchNorm2d weight (gamma) as the reference's weights_init: N(1, 0.02). Beta is 0. */
export const batchNormGammaInit = (channels: number, random: Random): Float32Array =>
  Float32Array.from(random.fillNormal(new Float64Array(channels), 1, 0.02));
