import type { AutoganDiscriminatorModel } from './autogan.js';
import { chosenNetwork } from './derived.js';
import type { NetworkGenotype } from './genotype.js';
import { convMacs, convParameters, linearMacs, opMacs, opParameters } from './ops.js';
import type { CellModel, DiscriminatorModel, GeneratorModel, NetworkModel } from './space.js';

/** Learnable weights and multiply-accumulates per image of one module or a whole network. */
export interface Cost {
  readonly parameters: number;
  readonly macs: number;
}

export interface NetworkCost extends Cost {
  readonly modules: Readonly<Record<string, Cost>>;
}

const sum = (costs: Iterable<Cost>): Cost => {
  let parameters = 0;
  let macs = 0;
  for (const c of costs) {
    parameters += c.parameters;
    macs += c.macs;
  }
  return { parameters, macs };
};

const network = (modules: Record<string, Cost>): NetworkCost => ({ ...sum(Object.values(modules)), modules });

const linear = (inFeatures: number, outFeatures: number, bias: boolean): Cost => ({
  parameters: inFeatures * outFeatures + (bias ? outFeatures : 0),
  macs: linearMacs(inFeatures, outFeatures, bias),
});

const conv = (kernel: number, cin: number, cout: number, outSize: number, bias = true): Cost => ({
  parameters: convParameters({ kernel, bias }, cin, cout),
  macs: convMacs({ kernel, bias }, cin, cout, outSize),
});

/**
 * Costs of a network of the space. With a genotype, the discrete network derived from it
 * (chosen operations only, dropped edges not built); without, the super-network (every
 * candidate on every edge). This mirrors how src/ml builds the layers; test/ml checks that
 * the tfjs variables add up to the same numbers.
 */
export function networkCost(model: NetworkModel, genotype?: NetworkGenotype): NetworkCost {
  const chosen = genotype ? chosenNetwork(model, genotype) : undefined;
  const modules: Record<string, Cost> = {};
  if (model.kind === 'generator') Object.assign(modules, generatorStem(model));
  model.cells.forEach((cell, i) => {
    const edges = chosen ? chosen[i]!.map(({ edge, op }) => ({ edge, ops: [op] })) : cell.edges.map((edge) => ({ edge, ops: edge.ops }));
    for (const { edge, ops } of edges) {
      modules[`cells.${i}.${edge.name}`] = sum(ops.map((op) => ({
        parameters: opParameters(op.def, edge.inChannels, edge.outChannels),
        macs: opMacs(op.def, edge.inChannels, edge.outChannels, edge.inSize),
      })));
    }
    if (model.kind === 'generator') {
      cell.skipsFrom.forEach((_, k) => {
        modules[`cells.${i}.skip${k}`] = conv(1, model.channels, model.channels, skipInSize(cell));
      });
    }
  });
  Object.assign(modules, model.kind === 'generator' ? generatorHead(model) : discriminatorHead(model));
  return network(modules);
}

const skipInSize = (cell: CellModel): number => cell.nodeSizes[cell.skipIn!]!;

function generatorStem(g: GeneratorModel): Record<string, Cost> {
  const modules: Record<string, Cost> = { 'latent.bottom': linear(g.chunkSize, g.bottomWidth ** 2 * g.channels, true) };
  g.cells.forEach((cell, i) => {
    if (cell.injectLatent) modules[`latent.cells.${i}`] = linear(g.chunkSize, cell.inSize ** 2 * g.channels, true);
  });
  return modules;
}

function generatorHead(g: GeneratorModel): Record<string, Cost> {
  const modules: Record<string, Cost> = {};
  if (g.head.norm === 'batch') modules['head.norm'] = { parameters: 2 * g.channels, macs: 0 };
  modules['head.conv'] = conv(g.head.kernel, g.channels, g.imageChannels, g.imageSize);
  return modules;
}

const discriminatorHead = (d: DiscriminatorModel): Record<string, Cost> => ({ 'head.linear': linear(d.channels, 1, d.head.bias) });

/**
 * Costs of AutoGAN's fixed discriminator. Its average pools are created on the fly in the
 * reference code, so its FLOP counter never sees them; they are not counted here either.
 */
export function autoganCost(d: AutoganDiscriminatorModel): NetworkCost {
  const modules: Record<string, Cost> = {};
  for (const b of d.blocks) {
    const s = b.inSize;
    const out = b.downsample ? s / 2 : s;
    modules[`${b.name}.conv1`] = conv(3, b.inChannels, b.outChannels, s);
    modules[`${b.name}.conv2`] = conv(3, b.outChannels, b.outChannels, s);
    if (b.shortcut) modules[`${b.name}.shortcut`] = conv(1, b.inChannels, b.outChannels, b.optimized ? out : s);
  }
  modules['head.linear'] = linear(d.channels, 1, false);
  return network(modules);
}
