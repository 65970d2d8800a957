import { topologicalOrder } from '../../nas/dag.js';
import { canChangeChannels, opOutputSize } from '../../nas/ops.js';
import type { CellDef, ResolvedSpec } from '../types.js';
import { didYouMean } from '../suggest.js';
import { error, type Issue } from './issue.js';

type Path = (string | number)[];

/**
 * The macro structure of G and D: cells exist, latent chunks add up, skips come from earlier
 * cells, and resolutions and channels work out through every edge, ending at the image size.
 * Runs only when operations and cells are valid.
 */
export function checkNetworks(spec: ResolvedSpec): Issue[] {
  return [...checkGenerator(spec), ...checkDiscriminator(spec)];
}

function checkGenerator(spec: ResolvedSpec): Issue[] {
  const g = spec.searchSpace.generator;
  const base: Path = ['searchSpace', 'generator'];
  const issues: Issue[] = [];
  const injections = g.cells.filter((c) => c.injectLatent).length;
  if (g.latent.chunks !== 1 + injections) {
    issues.push(error('latent-chunks', [...base, 'latent', 'chunks'],
      `the latent is split into ${g.latent.chunks} chunks, but the generator uses ${1 + injections} (one for the bottom projection and one per cell with injectLatent)`,
      `set chunks: ${1 + injections}, or change which cells inject the latent`));
  }
  if (g.latent.dim % g.latent.chunks !== 0) {
    issues.push(error('latent-chunks', [...base, 'latent', 'dim'], `latent dim ${g.latent.dim} does not split into ${g.latent.chunks} equal chunks`));
  }
  let size = g.bottomWidth;
  const skipOutSizes: (number | undefined)[] = [];
  for (const [i, instance] of g.cells.entries()) {
    const at: Path = [...base, 'cells', i];
    const cell = lookupCell(spec, instance.cell, [...at, 'cell'], issues);
    if (!cell) return issues;
    checkEdgeOps(spec, cell, instance.cell, instance.edgeOps, at, issues);
    for (const [k, from] of instance.skipsFrom.entries()) {
      if (from >= i) {
        issues.push(error('bad-skip', [...at, 'skipsFrom', k], `generator cell ${i} takes a skip from cell ${from}, which is not an earlier cell`, 'skips go from lower to higher resolution: use indices below this cell\'s'));
      } else if (skipOutSizes[from] === undefined) {
        issues.push(error('bad-skip', [...at, 'skipsFrom', k], `generator cell ${i} takes a skip from cell ${from}, whose type \`${g.cells[from]!.cell}\` declares no skipOut`));
      }
    }
    if (instance.skipsFrom.length && cell.skipIn === undefined) {
      issues.push(error('bad-skip', [...at, 'skipsFrom'], `generator cell ${i} receives skips but its type \`${instance.cell}\` declares no skipIn node to add them to`));
    }
    const walked = walkCell(spec, cell, instance.edgeOps ?? {}, size, g.channels, g.channels);
    if (walked.cannotRun.length) {
      const c = walked.cannotRun[0]!;
      issues.push(error('resolution', at, `generator cell ${i} cannot run on its ${c.size}x${c.size} input: ${walked.cannotRun.map((e) => `${e.edge} (${e.ops.join(', ')})`).join('; ')}`, 'check bottomWidth and the cells\' operations'));
    }
    if (!reportWalk(walked, 'generator', i, at, issues) || walked.cannotRun.length) return issues;
    for (const [k, from] of instance.skipsFrom.entries()) {
      const source = skipOutSizes[from];
      const target = cell.skipIn !== undefined ? walked.sizes[cell.skipIn] : undefined;
      if (source !== undefined && target !== undefined && (target < source || target % source !== 0)) {
        issues.push(error('bad-skip', [...at, 'skipsFrom', k], `the skip from cell ${from} is ${source}x${source} and cannot be resized by an integer factor to ${target}x${target}`));
      }
    }
    skipOutSizes[i] = cell.skipOut !== undefined ? walked.sizes[cell.skipOut] : undefined;
    size = walked.outSize!;
  }
  if (size !== spec.data.imageSize) {
    const factor = size / g.bottomWidth;
    issues.push(error('resolution', [...base, 'bottomWidth'],
      `the generator produces ${size}x${size} images (bottom width ${g.bottomWidth} × ${factor} from its cells), but data.imageSize is ${spec.data.imageSize}`,
      Number.isInteger(spec.data.imageSize / factor) ? `set bottomWidth: ${spec.data.imageSize / factor}` : 'change the bottom width, the cells, or the image size'));
  }
  return issues;
}

function checkDiscriminator(spec: ResolvedSpec): Issue[] {
  const d = spec.searchSpace.discriminator;
  const base: Path = ['searchSpace', 'discriminator'];
  const issues: Issue[] = [];
  let size = spec.data.imageSize;
  const chain = [size];
  for (const [i, instance] of d.cells.entries()) {
    const at: Path = [...base, 'cells', i];
    const cell = lookupCell(spec, instance.cell, [...at, 'cell'], issues);
    if (!cell) return issues;
    checkEdgeOps(spec, cell, instance.cell, instance.edgeOps, at, issues);
    const cin = i === 0 ? spec.data.channels : d.channels;
    const walked = walkCell(spec, cell, instance.edgeOps ?? {}, size, cin, d.channels);
    if (walked.cannotRun.length) {
      const c = walked.cannotRun[0]!;
      issues.push(error('resolution', ['data', 'imageSize'],
        `the discriminator cannot process ${spec.data.imageSize}x${spec.data.imageSize} images: its resolution goes ${[...chain].join(' → ')}, and cell ${i} cannot halve ${c.size}x${c.size} (${walked.cannotRun.map((e) => e.edge).join(', ')})`,
        'down-sampling needs an even resolution at every cell: use an image size divisible by 2 to the number of down-sampling cells'));
      return issues;
    }
    if (!reportWalk(walked, 'discriminator', i, at, issues)) return issues;
    size = walked.outSize!;
    chain.push(size);
  }
  return issues;
}

function lookupCell(spec: ResolvedSpec, name: string, path: Path, issues: Issue[]): CellDef | undefined {
  const cell = Object.hasOwn(spec.cells, name) ? spec.cells[name] : undefined;
  if (!cell) issues.push(error('unknown-cell', path, `\`${name}\` is not a cell type defined under \`cells\``, didYouMean(name, Object.keys(spec.cells))));
  return cell;
}

function checkEdgeOps(spec: ResolvedSpec, cell: CellDef, type: string, edgeOps: Readonly<Record<string, string>> | undefined, at: Path, issues: Issue[]): void {
  const edges = cell.edges.map((e, i) => e.name ?? `e${i}`);
  for (const [edge, set] of Object.entries(edgeOps ?? {})) {
    if (!edges.includes(edge)) {
      issues.push(error('unknown-edge', [...at, 'edgeOps', edge], `cell type \`${type}\` has no edge \`${edge}\` (edges: ${edges.join(', ')})`, didYouMean(edge, edges), true));
    }
    if (!Object.hasOwn(spec.operationSets, set)) {
      issues.push(error('unknown-set', [...at, 'edgeOps', edge], `\`${set}\` is not an operation set`, didYouMean(set, Object.keys(spec.operationSets))));
    }
  }
}

interface Walked {
  sizes: Record<string, number>;
  outSize?: number;
  /** Edges whose operations cannot run on their input size. */
  cannotRun: { edge: string; ops: string[]; size: number }[];
  /** Edges that change channels through a set with operations that cannot. */
  fixedChannels: { edge: string; set: string; ops: string[]; from: number; to: number }[];
  /** Sets whose operations disagree on the output resolution. */
  mixedSets: { set: string; detail: string }[];
  /** Nodes whose incoming edges disagree on resolution. */
  mismatched: { node: string; edge: string; sizes: [number, number] }[];
}

/**
 * Propagates resolution through one cell instance and checks every edge: all operations of
 * its set must run on the input size and agree on the output size, channel changes need
 * operations that can change channels, and a node's incoming edges must agree.
 */
function walkCell(spec: ResolvedSpec, cell: CellDef, edgeOps: Readonly<Record<string, string>>, inSize: number, inChannels: number, channels: number): Walked {
  const walked: Walked = { sizes: { [cell.input]: inSize }, cannotRun: [], fixedChannels: [], mixedSets: [], mismatched: [] };
  const { sizes } = walked;
  const { order } = topologicalOrder([cell.input, ...cell.nodes], cell.edges);
  for (const node of order) {
    if (sizes[node] === undefined) continue;
    for (const [i, edge] of cell.edges.entries()) {
      if (edge.from !== node) continue;
      const name = edge.name ?? `e${i}`;
      const set = (Object.hasOwn(edgeOps, name) ? edgeOps[name] : undefined) ?? edge.ops;
      const ops = Object.hasOwn(spec.operationSets, set) ? spec.operationSets[set]! : [];
      const outs = new Map<string, number | undefined>(ops.map((op) => [op, opOutputSize(spec.operations[op]!, sizes[node]!)]));
      const broken = [...outs].filter(([, s]) => s === undefined).map(([op]) => op);
      if (broken.length) {
        walked.cannotRun.push({ edge: name, ops: broken, size: sizes[node]! });
        continue;
      }
      const distinct = [...new Set(outs.values())];
      if (distinct.length > 1) {
        walked.mixedSets.push({ set, detail: [...outs].map(([op, s]) => `${op} → ${s}x${s}`).join(', ') });
        continue;
      }
      const cin = edge.from === cell.input ? inChannels : channels;
      const fixed = cin === channels ? [] : ops.filter((op) => !canChangeChannels(spec.operations[op]!));
      if (fixed.length) walked.fixedChannels.push({ edge: name, set, ops: fixed, from: cin, to: channels });
      const out = distinct[0]!;
      const seen = sizes[edge.to];
      if (seen !== undefined && seen !== out) walked.mismatched.push({ node: edge.to, edge: name, sizes: [seen, out] });
      sizes[edge.to] ??= out;
    }
  }
  if (!walked.cannotRun.length && !walked.mixedSets.length && !walked.mismatched.length) walked.outSize = sizes[cell.output];
  return walked;
}

/** Turns what walkCell found into problems placed where the fix goes. */
function reportWalk(walked: Walked, network: 'generator' | 'discriminator', index: number, at: Path, issues: Issue[]): boolean {
  const name = `${network} cell ${index}`;
  const mixed = new Map(walked.mixedSets.map((m) => [m.set, m.detail]));
  for (const [set, detail] of mixed) {
    if (issues.some((i) => i.code === 'set-mixed-scale' && i.path[1] === set)) continue;
    issues.push(error('set-mixed-scale', ['operationSets', set], `operation set \`${set}\` mixes operations that change the resolution differently (${name}: ${detail})`, 'every operation of a set must scale its input the same way'));
  }
  if (walked.fixedChannels.length) {
    const f = walked.fixedChannels;
    const edges = f.map((e) => e.edge);
    const ops = [...new Set(f.flatMap((e) => e.ops))];
    issues.push(error('channel-mismatch', at,
      `${name} maps ${f[0]!.from} to ${f[0]!.to} channels on edge${edges.length > 1 ? 's' : ''} ${edges.join(', ')}, but ${ops.join(', ')} in set \`${f[0]!.set}\` cannot change channels`,
      `give ${edges.length > 1 ? 'these edges' : 'this edge'} a set of convolutions, e.g. edgeOps: { ${edges.map((e) => `${e}: stem`).join(', ')} }`));
  }
  for (const m of walked.mismatched) {
    issues.push(error('size-mismatch', at, `${name}: node \`${m.node}\` receives ${m.sizes[0]}x${m.sizes[0]} from one edge and ${m.sizes[1]}x${m.sizes[1]} from edge ${m.edge}`, 'all edges into a node must produce the same resolution'));
  }
  return walked.outSize !== undefined && !walked.fixedChannels.length;
}

