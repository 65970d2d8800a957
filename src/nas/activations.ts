import type { AutoganDiscriminatorModel } from './autogan.js';
import { chosenNetwork } from './derived.js';
import { foldShape, sameFold, type FoldShape } from './foldShape.js';
import type { NetworkGenotype } from './genotype.js';
import { convActivations, opActivations } from './opActivations.js';
import type { CellModel, EdgeModel, GeneratorModel, NetworkModel } from './space.js';

/**
 * Activation elements per image of each module of a network, counted from the same model as
 * the parameter and MAC counts (count.ts, same module names) and mirroring how src/ml runs its
 * forward pass on the fast path: the super-networks' folded edges (foldedEdge.ts), grouped by
 * source node; the derived networks' single operations; node sums, skips, heads. The count
 * holds every tensor that a training forward pass keeps alive for its backward pass, which is
 * what the memory of a gradient step grows with per image (memory.ts).
 */
export interface ActivationCount {
  /** Elements per image, by module. */
  readonly modules: Readonly<Record<string, number>>;
  readonly total: number;
}

const area = (size: number, channels: number): number => size * size * channels;

const counted = (modules: Record<string, number>): ActivationCount => ({ modules, total: Object.values(modules).reduce((a, b) => a + b, 0) });

/** One edge as it computes in its cell: its elements, and how many terms it adds to its target node. */
interface EdgeWork {
  readonly elements: number;
  readonly terms: number;
}

/** A mixed edge computing each live candidate and its weighted sum (mixedEdge.ts). */
function mixedEdge(edge: EdgeModel): EdgeWork {
  const live = edge.ops.filter((o) => o.def.type !== 'zero');
  const out = area(edge.outSize, edge.outChannels);
  const candidates = live.reduce((sum, o) => sum + opActivations(o.def, edge.inChannels, edge.outChannels, edge.inSize) + out, 0);
  return { elements: candidates + (live.length > 1 ? out : 0), terms: 1 };
}

/**
 * The folded edges leaving one node (foldedEdge.ts `foldedGroupTerms`): per group of edges with
 * the same fold, one convolution per footprint with their kernels side by side, then split per
 * edge; relu(x) and the polyphase split are computed once per input and shared.
 */
function foldedSource(edges: readonly { edge: EdgeModel; fold: FoldShape }[]): Map<EdgeModel, EdgeWork> {
  const work = new Map<EdgeModel, EdgeWork>();
  const groups: { edge: EdgeModel; fold: FoldShape }[][] = [];
  for (const e of edges) {
    const group = groups.find((g) => sameFold(g[0]!.fold, e.fold, g[0]!.edge, e.edge));
    if (group) group.push(e);
    else groups.push([e]);
  }
  const shared = new Set<string>();
  const once = (key: string, elements: number) => {
    if (shared.has(key)) return 0;
    shared.add(key);
    return elements;
  };
  for (const group of groups) {
    const { edge: first, fold } = group[0]!;
    const parts = group.length;
    const input = area(first.inSize, first.inChannels);
    const out = area(first.outSize, first.outChannels);
    let elements = fold.relu ? once('relu', input) : 0;
    fold.footprints.forEach((f, i) => {
      const padding = (f.dilation * (f.size - 1)) / 2;
      if (f.dilation === 1) elements += parts * out;
      else if (fold.stride === 1 && first.inSize % 2 === 0 && padding % 2 === 0) elements += once(`phases|${fold.relu}`, 2 * input) + 3 * parts * out;
      else {
        // conv2d's own dilated route; only the first footprint carries the bias.
        const op = { kernel: f.size, dilation: 2 as const, stride: fold.stride, padding, bias: i === 0 } as const;
        elements += convActivations(op, first.inChannels, parts * first.outChannels, first.inSize);
      }
    });
    if (fold.footprints.length > 1) elements += parts * out;
    if (parts > 1) elements += 2 * parts * out;
    // The group's shared work is booked on its first edge; each edge adds its identity and other terms.
    group.forEach(({ edge, fold: own }, k) => {
      const rest = own.others.reduce((sum, def) => sum + opActivations(def, edge.inChannels, edge.outChannels, edge.inSize) + out, 0);
      work.set(edge, { elements: (k === 0 ? elements : 0) + own.identities * out + rest, terms: 1 + own.identities + own.others.length });
    });
  }
  return work;
}

/** Each edge's work in a cell: grouped by source when some edge folds (a super-network on the fast path), else edge by edge. */
function cellEdges(cell: CellModel, chosen?: readonly { edge: EdgeModel; op: EdgeModel['ops'][number] }[]): Map<EdgeModel, EdgeWork> {
  const work = new Map<EdgeModel, EdgeWork>();
  if (chosen) {
    for (const { edge, op } of chosen) work.set(edge, { elements: opActivations(op.def, edge.inChannels, edge.outChannels, edge.inSize), terms: 1 });
    return work;
  }
  const folds = new Map(cell.edges.map((e) => [e, foldShape(e)] as const));
  const grouped = [...folds.values()].some((f) => f !== undefined);
  for (const source of [cell.input, ...cell.nodes]) {
    const leaving = cell.edges.filter((e) => e.from === source);
    const folded = grouped ? leaving.flatMap((edge) => (folds.get(edge) ? [{ edge, fold: folds.get(edge)! }] : [])) : [];
    for (const edge of leaving) if (!folded.some((f) => f.edge === edge)) work.set(edge, mixedEdge(edge));
    for (const [edge, w] of foldedSource(folded)) work.set(edge, w);
  }
  return work;
}

/** The edges' elements by module name, and each node's sum (booked on the cell's first edge into it). */
function cellActivations(prefix: string, cell: CellModel, skips: number, chosen?: Parameters<typeof cellEdges>[1]): Record<string, number> {
  const work = cellEdges(cell, chosen);
  const modules: Record<string, number> = {};
  for (const [edge, w] of work) modules[`${prefix}.${edge.name}`] = w.elements;
  for (const node of cell.nodes) {
    const into = [...work].filter(([edge]) => edge.to === node);
    const terms = into.reduce((sum, [, w]) => sum + w.terms, 0) + (node === cell.skipIn ? skips : 0);
    if (terms < 2) continue;
    const key = into.length > 0 ? `${prefix}.${into[0]![0].name}` : `${prefix}.${node}`;
    modules[key] = (modules[key] ?? 0) + area(cell.nodeSizes[node]!, cell.channels);
  }
  return modules;
}

/** Activation elements per image of a network of the space: the super-network, or with a genotype the derived one. */
export function networkActivations(model: NetworkModel, genotype?: NetworkGenotype): ActivationCount {
  const chosen = genotype ? chosenNetwork(model, genotype) : undefined;
  const modules: Record<string, number> = {};
  if (model.kind === 'generator') Object.assign(modules, generatorStem(model));
  model.cells.forEach((cell, i) => {
    const skips = model.kind === 'generator' ? cell.skipsFrom.length : 0;
    Object.assign(modules, cellActivations(`cells.${i}`, cell, skips, chosen?.[i]));
    if (model.kind === 'generator') {
      cell.skipsFrom.forEach((from, k) => {
        const target = cell.nodeSizes[cell.skipIn!]!;
        const source = cellOfSkip(model, from);
        // Resized (when smaller), then a 1x1 conv with its bias.
        modules[`cells.${i}.skip${k}`] = (source < target ? area(target, model.channels) : 0) + 2 * area(target, model.channels);
      });
    }
  });
  if (model.kind === 'generator') Object.assign(modules, generatorHead(model));
  else modules['head.linear'] = area(model.outSize, model.channels) + model.channels + 1 + (model.head.bias ? 1 : 0);
  return counted(modules);
}

/** Resolution of cell `from`'s skip output. */
const cellOfSkip = (g: GeneratorModel, from: number): number => {
  const cell = g.cells[from]!;
  return cell.nodeSizes[cell.skipOut ?? cell.output]!;
};

function generatorStem(g: GeneratorModel): Record<string, number> {
  // A chunk of z, its projection and the bias added; injected projections are added to the cell's input.
  const modules: Record<string, number> = { 'latent.bottom': g.chunkSize + 2 * area(g.bottomWidth, g.channels) };
  g.cells.forEach((cell, i) => {
    if (cell.injectLatent) modules[`latent.cells.${i}`] = g.chunkSize + 3 * area(cell.inSize, g.channels);
  });
  return modules;
}

function generatorHead(g: GeneratorModel): Record<string, number> {
  const modules: Record<string, number> = {};
  const features = area(g.imageSize, g.channels);
  // Batch norm written out: the centred input and its square (kept by tf.moments for the backward pass), then (x - mean)·scale + beta.
  if (g.head.norm === 'batch') modules['head.norm'] = 5 * features;
  const image = area(g.imageSize, g.imageChannels);
  modules['head.conv'] = (g.head.activation === 'relu' ? features : 0) + 2 * image + (g.head.output === 'tanh' ? image : 0);
  return modules;
}

/** AutoGAN's discriminator (autoganDiscriminator.ts in src/ml/nets), module by module as count.ts names them. */
export function autoganActivations(d: AutoganDiscriminatorModel): ActivationCount {
  const modules: Record<string, number> = {};
  for (const b of d.blocks) {
    const s = b.inSize;
    const half = s / 2;
    const out = b.downsample ? half : s;
    // Pre-activation, conv and bias, ReLU; conv and bias, pooled, then the residual sum.
    modules[`${b.name}.conv1`] = (b.optimized ? 0 : area(s, b.inChannels)) + 3 * area(s, b.outChannels);
    modules[`${b.name}.conv2`] = 2 * area(s, b.outChannels) + (b.downsample ? area(half, b.outChannels) : 0) + area(out, b.outChannels);
    if (b.shortcut) {
      modules[`${b.name}.shortcut`] = b.optimized
        ? area(half, b.inChannels) + 2 * area(half, b.outChannels)
        : 2 * area(s, b.outChannels) + (b.downsample ? area(half, b.outChannels) : 0);
    }
  }
  modules['head.linear'] = area(d.outSize, d.channels) + d.channels + 1;
  return counted(modules);
}
