import { chosenEdges } from '../nas/derived.js';
import type { NetworkGenotype } from '../nas/genotype.js';
import type { GeneratorModel } from '../nas/space.js';
import type { ConvOpDef } from '../spec/types.js';

/**
 * How one tensor is laid out on each side. dsl keeps tfjs's layouts (NHWC convolution kernels
 * [kh, kw, in, out], linear weights [in, out], projections reshaped to NHWC); PyTorch keeps
 * [out, in, kh, kw], [out, in] and NCHW views, so a projection's output features are
 * permuted as well as transposed.
 */
export type Layout =
  | { readonly kind: 'same' }
  | { readonly kind: 'conv' }
  | { readonly kind: 'depthwiseTranspose' }
  | { readonly kind: 'transpose' }
  /** A spectral-norm v: dsl keeps it in (kh, kw, in) order, PyTorch in (in, kh, kw). */
  | { readonly kind: 'spectralV'; readonly kernel: number; readonly channels: number }
  | { readonly kind: 'projectionWeight'; readonly size: number; readonly channels: number }
  | { readonly kind: 'projectionBias'; readonly size: number; readonly channels: number };

/** Where a tensor sits, for messages that say which edge of which cell differs. */
export interface EdgeRef {
  /** 0-based, as dsl counts cells; the reference's module is `cell${cell + 1}`. */
  readonly cell: number;
  readonly edge: string;
  readonly op: string;
}

/** One tensor of the derived generator: its dsl name and the key(s) the authors' state_dict() gives it. */
export interface WeightEntry {
  readonly dsl: string;
  /** The first is the canonical key; the others are the same tensor registered again under another module path. */
  readonly reference: readonly string[];
  readonly dslShape: readonly number[];
  readonly referenceShape: readonly number[];
  readonly layout: Layout;
  readonly buffer: boolean;
  readonly edge?: EdgeRef;
}

export interface GeneratorNaming {
  readonly entries: readonly WeightEntry[];
  /** Batch-norm `num_batches_tracked` keys (int64 scalars): written on export, optional on import. */
  readonly counters: readonly string[];
}

/** A spec's generator that the authors' code cannot express, so it has no reference names. */
export class ReferenceNamingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReferenceNamingError';
  }
}

const convShapes = (k: number, cin: number, cout: number) => ({ dslShape: [k, k, cin, cout], referenceShape: [cout, cin, k, k] });

/**
 * The tensors of a derived generator under both namings, following archs/arch_cifar10.py:
 * `l1`, `l2`, `l3` project the latent chunks; `cell{i}.{edge}.ups.0.c.1` is an up-sampling's
 * 1x1 conv (after its ReLU), `…ups.0.convT.1` and `.2` a transposed conv and its 1x1;
 * `cell{i}.{edge}.ops.0.conv` or `.dilconv` a normal edge's conv, which the authors' module
 * also registers as `ops.0.op.1` (it sits in a Sequential after a ReLU); `skip_in_ops.{k}`
 * the cross-scale 1x1s; `to_rgb.0` the head's batch norm and `to_rgb.2` its conv.
 */
export function generatorNaming(model: GeneratorModel, genotype: NetworkGenotype): GeneratorNaming {
  const entries: WeightEntry[] = [];
  const counters: string[] = [];
  const C = model.channels;
  const add = (e: Omit<WeightEntry, 'buffer'> & { buffer?: boolean }) => entries.push({ buffer: false, ...e });
  const conv = (dsl: string, reference: string[], def: { kernel: number; bias?: boolean }, cin: number, cout: number, edge?: EdgeRef) => {
    add({ dsl: `${dsl}.weight`, reference: reference.map((r) => `${r}.weight`), ...convShapes(def.kernel, cin, cout), layout: { kind: 'conv' }, ...(edge ? { edge } : {}) });
    if (def.bias !== false) add({ dsl: `${dsl}.bias`, reference: reference.map((r) => `${r}.bias`), dslShape: [cout], referenceShape: [cout], layout: { kind: 'same' }, ...(edge ? { edge } : {}) });
  };
  if (model.spectralNorm) throw new ReferenceNamingError('the generator is spectrally normalised, which the authors\' derived generator is not');

  const projections = [{ dsl: 'latent.bottom', size: model.bottomWidth }, ...model.cells.flatMap((cell, i) => (cell.injectLatent ? [{ dsl: `latent.cells.${i}`, size: cell.inSize }] : []))];
  projections.forEach((p, k) => {
    const features = p.size * p.size * C;
    const layout = { size: p.size, channels: C };
    add({ dsl: `${p.dsl}.weight`, reference: [`l${k + 1}.weight`], dslShape: [model.chunkSize, features], referenceShape: [features, model.chunkSize], layout: { kind: 'projectionWeight', ...layout } });
    add({ dsl: `${p.dsl}.bias`, reference: [`l${k + 1}.bias`], dslShape: [features], referenceShape: [features], layout: { kind: 'projectionBias', ...layout } });
  });

  model.cells.forEach((cell, i) => {
    const module = `cell${i + 1}`;
    for (const { edge, op } of chosenEdges(cell, genotype[i]!)) {
      const dsl = `cells.${i}.${edge.name}.${op.name}`;
      const base = `${module}.${edge.name}`;
      const at: EdgeRef = { cell: i, edge: edge.name, op: op.name };
      const def = op.def;
      switch (def.type) {
        case 'zero':
        case 'identity':
        case 'pool':
          break;
        case 'conv': {
          const position = def.preActivation === 'relu' ? 1 : 0;
          conv(dsl, [`${base}.ops.0.${(def.dilation ?? 1) > 1 ? 'dilconv' : 'conv'}`, `${base}.ops.0.op.${position}`], def, edge.inChannels, edge.outChannels, at);
          break;
        }
        case 'upsample':
          if (!def.then) break;
          if (def.then.type !== 'conv') throw new ReferenceNamingError(`edge ${edge.name} of cell ${i} up-samples into a ${def.then.type}; the authors' code has a conv there`);
          conv(`${dsl}.then`, [`${base}.ups.0.c.1`], def.then, edge.inChannels, edge.outChannels, at);
          break;
        case 'convTranspose': {
          const k = def.kernel ?? 3;
          add({ dsl: `${dsl}.weight`, reference: [`${base}.ups.0.convT.1.weight`], dslShape: [k, k, edge.inChannels, 1], referenceShape: [edge.inChannels, 1, k, k], layout: { kind: 'depthwiseTranspose' }, edge: at });
          if (def.bias) add({ dsl: `${dsl}.bias`, reference: [`${base}.ups.0.convT.1.bias`], dslShape: [edge.inChannels], referenceShape: [edge.inChannels], layout: { kind: 'same' }, edge: at });
          if (def.then) {
            if (def.then.type !== 'conv') throw new ReferenceNamingError(`edge ${edge.name} of cell ${i} follows its transposed conv with a ${def.then.type}; the authors' code has a conv there`);
            conv(`${dsl}.then`, [`${base}.ups.0.convT.2`], def.then as ConvOpDef, edge.inChannels, edge.outChannels, at);
          }
          break;
        }
      }
    }
    cell.skipsFrom.forEach((_, k) => conv(`cells.${i}.skip${k}`, [`${module}.skip_in_ops.${k}`], { kernel: 1 }, C, C));
  });

  let position = 0;
  if (model.head.norm === 'batch') {
    const bn = 'to_rgb.0';
    add({ dsl: 'head.norm.gamma', reference: [`${bn}.weight`], dslShape: [C], referenceShape: [C], layout: { kind: 'same' } });
    add({ dsl: 'head.norm.beta', reference: [`${bn}.bias`], dslShape: [C], referenceShape: [C], layout: { kind: 'same' } });
    add({ dsl: 'head.norm.running_mean', reference: [`${bn}.running_mean`], dslShape: [C], referenceShape: [C], layout: { kind: 'same' }, buffer: true });
    add({ dsl: 'head.norm.running_var', reference: [`${bn}.running_var`], dslShape: [C], referenceShape: [C], layout: { kind: 'same' }, buffer: true });
    counters.push(`${bn}.num_batches_tracked`);
    position++;
  }
  if (model.head.activation === 'relu') position++;
  conv('head.conv', [`to_rgb.${position}`], { kernel: model.head.kernel }, C, model.imageChannels);
  return { entries, counters };
}
