import type { InitKind, OperationDef, ResolvedSpec } from '../spec/types.js';
import { topologicalOrder } from './dag.js';
import { opOutputSize } from './ops.js';

/**
 * The search space as plain data: both networks, their cells, every edge with its candidate
 * operations, channels and resolutions. Built from a valid resolved spec; everything that
 * needs the structure (derivation, parameter counts, the tfjs super-networks, reports)
 * reads it from here, so the spec is interpreted in exactly one place.
 */

export interface OpRef {
  readonly name: string;
  readonly label: string;
  readonly def: OperationDef;
}

export interface EdgeModel {
  readonly index: number;
  readonly name: string;
  readonly from: string;
  readonly to: string;
  /** The operation set mixed on this edge (after per-instance `edgeOps` overrides). */
  readonly set: string;
  /** The set the cell type declares; groups edges in the reference's alpha layout. */
  readonly declaredSet: string;
  readonly ops: readonly OpRef[];
  readonly inChannels: number;
  readonly outChannels: number;
  readonly inSize: number;
  readonly outSize: number;
}

export interface CellModel {
  readonly index: number;
  readonly type: string;
  readonly input: string;
  /** Computed nodes in an order where every edge goes forward. */
  readonly nodes: readonly string[];
  readonly edges: readonly EdgeModel[];
  readonly output: string;
  readonly skipOut?: string;
  readonly skipIn?: string;
  readonly inChannels: number;
  readonly channels: number;
  readonly inSize: number;
  readonly nodeSizes: Readonly<Record<string, number>>;
  readonly outSize: number;
  readonly injectLatent: boolean;
  readonly skipsFrom: readonly number[];
  readonly skipResize: 'nearest' | 'bilinear';
}

export interface GeneratorModel {
  readonly kind: 'generator';
  readonly latentDim: number;
  readonly chunks: number;
  readonly chunkSize: number;
  readonly bottomWidth: number;
  readonly channels: number;
  readonly imageSize: number;
  readonly imageChannels: number;
  readonly init: InitKind;
  readonly spectralNorm: boolean;
  readonly head: ResolvedSpec['searchSpace']['generator']['head'];
  readonly cells: readonly CellModel[];
}

export interface DiscriminatorModel {
  readonly kind: 'discriminator';
  readonly channels: number;
  readonly imageSize: number;
  readonly imageChannels: number;
  readonly init: InitKind;
  readonly spectralNorm: boolean;
  readonly head: ResolvedSpec['searchSpace']['discriminator']['head'];
  readonly cells: readonly CellModel[];
  /** Resolution of the last cell's output. */
  readonly outSize: number;
}

export type NetworkModel = GeneratorModel | DiscriminatorModel;

export interface SpaceModel {
  readonly generator: GeneratorModel;
  readonly discriminator: DiscriminatorModel;
}

export interface Widths {
  readonly generator?: number;
  readonly discriminator?: number;
}

export function buildSpace(spec: ResolvedSpec, widths: Widths = {}): SpaceModel {
  const g = spec.searchSpace.generator;
  const d = spec.searchSpace.discriminator;
  const image = spec.data;
  const gChannels = widths.generator ?? g.channels;
  const dChannels = widths.discriminator ?? d.channels;

  let size = g.bottomWidth;
  const gCells = g.cells.map((instance, index) => {
    const cell = buildCell(spec, instance.cell, index, instance.edgeOps ?? {}, gChannels, gChannels, size, {
      injectLatent: instance.injectLatent,
      skipsFrom: instance.skipsFrom,
      skipResize: instance.skipResize,
    });
    size = cell.outSize;
    return cell;
  });

  size = image.imageSize;
  const dCells = d.cells.map((instance, index) => {
    const cell = buildCell(spec, instance.cell, index, instance.edgeOps ?? {}, index === 0 ? image.channels : dChannels, dChannels, size, {
      injectLatent: false,
      skipsFrom: [],
      skipResize: 'nearest',
    });
    size = cell.outSize;
    return cell;
  });

  return {
    generator: {
      kind: 'generator',
      latentDim: g.latent.dim,
      chunks: g.latent.chunks,
      chunkSize: g.latent.dim / g.latent.chunks,
      bottomWidth: g.bottomWidth,
      channels: gChannels,
      imageSize: image.imageSize,
      imageChannels: image.channels,
      init: g.init,
      spectralNorm: g.spectralNorm,
      head: g.head,
      cells: gCells,
    },
    discriminator: {
      kind: 'discriminator',
      channels: dChannels,
      imageSize: image.imageSize,
      imageChannels: image.channels,
      init: d.init,
      spectralNorm: d.spectralNorm,
      head: d.head,
      cells: dCells,
      outSize: size,
    },
  };
}

interface MacroExtras {
  injectLatent: boolean;
  skipsFrom: readonly number[];
  skipResize: 'nearest' | 'bilinear';
}

function buildCell(
  spec: ResolvedSpec,
  type: string,
  index: number,
  edgeOps: Readonly<Record<string, string>>,
  inChannels: number,
  channels: number,
  inSize: number,
  extras: MacroExtras,
): CellModel {
  const def = spec.cells[type]!;
  const input = def.input;
  const { order } = topologicalOrder([input, ...def.nodes], def.edges);
  const sizes: Record<string, number> = { [input]: inSize };
  const edgeModels: EdgeModel[] = [];
  const named = def.edges.map((e, i) => ({ ...e, name: e.name ?? `e${i}` }));
  for (const node of order) {
    for (const [i, e] of named.entries()) {
      if (e.from !== node) continue;
      const set = edgeOps[e.name] ?? e.ops;
      const ops = spec.operationSets[set]!.map((name) => ({ name, label: spec.operations[name]!.label ?? name, def: spec.operations[name]! }));
      const outSize = opOutputSize(ops[0]!.def, sizes[node]!)!;
      sizes[e.to] ??= outSize;
      edgeModels[i] = {
        index: i,
        name: e.name,
        from: e.from,
        to: e.to,
        set,
        declaredSet: e.ops,
        ops,
        inChannels: e.from === input ? inChannels : channels,
        outChannels: channels,
        inSize: sizes[node]!,
        outSize,
      };
    }
  }
  return {
    index,
    type,
    input,
    nodes: order.filter((n) => n !== input),
    edges: edgeModels,
    output: def.output,
    ...(def.skipOut !== undefined ? { skipOut: def.skipOut } : {}),
    ...(def.skipIn !== undefined ? { skipIn: def.skipIn } : {}),
    inChannels,
    channels,
    inSize,
    nodeSizes: sizes,
    outSize: sizes[def.output]!,
    ...extras,
  };
}

/** The networks of a space, in a fixed order (generator first). */
export const networksOf = (space: SpaceModel): readonly NetworkModel[] => [space.generator, space.discriminator];
