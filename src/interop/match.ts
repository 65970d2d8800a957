import type { CellGenotype, NetworkGenotype } from '../nas/genotype.js';
import type { GeneratorNaming, WeightEntry } from './generatorNames.js';
import { fromReferenceLayout } from './layout.js';
import { float32Values, type SafetensorsFile, type StoredTensor } from './safetensors.js';

export type Naming = 'reference' | 'dsl';

/** One thing wrong with a weights file, for one tensor or one edge. */
export interface WeightProblem {
  readonly kind: 'missing' | 'unexpected' | 'shape' | 'dtype' | 'alias' | 'architecture' | 'naming';
  readonly key: string;
  readonly message: string;
}

export interface MatchResult {
  readonly naming: Naming;
  readonly problems: readonly WeightProblem[];
  /** dsl name → values in dsl's layout; present when there are no problems. */
  readonly values?: ReadonlyMap<string, Float32Array>;
}

/** Where `dsl export` records the genotype, so that differences keys cannot show (nearest vs bilinear) are found too. */
export const GENOTYPE_METADATA = 'dsl.generator.genotype';

const shapeText = (shape: readonly number[]) => `[${shape.join(', ')}]`;
const sameShape = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
const keysOf = (e: WeightEntry, naming: Naming) => (naming === 'reference' ? e.reference : [e.dsl]);
const shapeOf = (e: WeightEntry, naming: Naming) => (naming === 'reference' ? e.referenceShape : e.dslShape);

/** Which naming a file uses: the one more of its keys belong to. */
export function detectNaming(file: SafetensorsFile, names: GeneratorNaming): Naming {
  const keys = [...file.tensors.keys()];
  const reference = new Set([...names.entries.flatMap((e) => e.reference), ...names.counters]);
  const dsl = new Set(names.entries.map((e) => e.dsl));
  const inReference = keys.filter((k) => reference.has(k) || /^(l\d+|cell\d+|to_rgb)\./.test(k)).length;
  const inDsl = keys.filter((k) => dsl.has(k) || /^(latent|cells|head)\./.test(k)).length;
  return inDsl > inReference ? 'dsl' : 'reference';
}

/**
 * Checks a weights file against the tensors the spec's derived generator has, and converts
 * them to dsl's names and layouts. Every missing, unexpected, wrongly typed or shaped tensor
 * is one problem; edges whose weights say another operation than the genotype's are one
 * problem each, before the per-tensor ones.
 */
export function matchGeneratorWeights(file: SafetensorsFile, names: GeneratorNaming, genotype: NetworkGenotype, naming: Naming = detectNaming(file, names)): MatchResult {
  const problems: WeightProblem[] = [...architectureProblems(file, names, genotype, naming)];
  const known = new Set<string>();
  const values = new Map<string, Float32Array>();
  for (const entry of names.entries) {
    const keys = keysOf(entry, naming);
    keys.forEach((k) => known.add(k));
    const expected = shapeOf(entry, naming);
    const present = keys.filter((k) => file.tensors.has(k));
    if (present.length === 0) {
      const also = keys.length > 1 ? ` (or under its other name ${keys.slice(1).map((k) => `\`${k}\``).join(', ')})` : '';
      problems.push({ kind: 'missing', key: keys[0]!, message: `missing tensor \`${keys[0]}\`${also}: expected float32 ${shapeText(expected)}` });
      continue;
    }
    let first: Float32Array | undefined;
    for (const key of present) {
      const t = file.tensors.get(key)!;
      if (t.dtype !== 'F32') {
        problems.push({ kind: 'dtype', key, message: `tensor \`${key}\` is ${t.dtype} ${shapeText(t.shape)}, expected F32 (float32) ${shapeText(expected)}` });
        continue;
      }
      if (!sameShape(t.shape, expected)) {
        problems.push({ kind: 'shape', key, message: `tensor \`${key}\` has shape ${shapeText(t.shape)}, expected ${shapeText(expected)}` });
        continue;
      }
      const v = float32Values(t);
      if (first === undefined) first = v;
      else if (v.some((x, i) => x !== first![i])) {
        problems.push({ kind: 'alias', key, message: `tensor \`${key}\` differs from \`${present[0]}\`: in the authors' module both names are one tensor, so they must hold the same values` });
      }
    }
    if (first) values.set(entry.dsl, naming === 'reference' ? fromReferenceLayout(entry, first) : first);
  }
  if (naming === 'reference') {
    for (const key of names.counters) {
      known.add(key);
      const t = file.tensors.get(key);
      if (t && (!['I64', 'I32'].includes(t.dtype) || t.shape.length > 1 || t.bytes.length > 8)) {
        problems.push({ kind: 'dtype', key, message: `tensor \`${key}\` is ${t.dtype} ${shapeText(t.shape)}, expected an int64 scalar []` });
      }
    }
  }
  for (const [key, t] of file.tensors) {
    if (!known.has(key)) problems.push({ kind: 'unexpected', key, message: `unexpected tensor \`${key}\` (${t.dtype} ${shapeText(t.shape)}): the spec's generator has no such ${naming === 'reference' ? 'state_dict key' : 'parameter'}` });
  }
  if (values.size === 0 && file.tensors.size > 0) {
    const sample = [...file.tensors.keys()].slice(0, 3).map((k) => `\`${k}\``).join(', ');
    problems.unshift({ kind: 'naming', key: '', message: `none of the file's ${file.tensors.size} tensors (${sample}, …) is named as the spec's generator names its weights, in the authors' naming (l1.weight, cell1.up0.ups.0.c.1.weight, …) or dsl's (latent.bottom.weight, …)` });
  }
  return problems.length ? { naming, problems } : { naming, problems, values };
}

type Keyed = readonly (readonly [string, readonly number[]])[];

/**
 * The operation a set of tensors under one edge belongs to, in the authors' primitive names:
 * the module names tell up-sampling, transposed conv, conv and dilated conv apart, the kernel
 * shape the size. Nearest and bilinear share their tensors, so they share a description.
 */
function edgeOperation(tensors: Keyed): { signature: string; description: string } {
  const kernel = (shape: readonly number[]) => (shape.length === 4 ? `${shape[2]}x${shape[3]}` : '?');
  const find = (part: string) => tensors.find(([k]) => k.includes(part) && k.endsWith('.weight'));
  if (tensors.length === 0) return { signature: 'none', description: 'no weights there (none or skip_connect)' };
  if (find('.ups.0.convT.')) return { signature: 'convT', description: 'ConvTranspose' };
  if (find('.ups.0.c.')) return { signature: 'up', description: 'nearest or bilinear (an up-sampling followed by a 1x1 conv)' };
  const dil = find('.ops.0.dilconv.');
  if (dil) return { signature: `dil_conv_${kernel(dil[1])}`, description: `dil_conv_${kernel(dil[1])}` };
  const conv = find('.ops.0.conv.');
  if (conv) return { signature: `conv_${kernel(conv[1])}`, description: `conv_${kernel(conv[1])}` };
  const any = tensors.find(([k]) => k.endsWith('.weight'));
  return any ? { signature: `?_${kernel(any[1])}`, description: `a ${kernel(any[1])} conv` } : { signature: '?', description: `tensors ${tensors.map(([k]) => `\`${k}\``).join(', ')}` };
}

/** Whether the file's operation can be the expected one (a conv known only by its Sequential index matches either kind of its size). */
const sameOperation = (file: string, expected: string) => file === expected || (file.startsWith('?_') && expected.endsWith(file.slice(1)));

/**
 * Edges where the file's weights belong to another operation than the genotype's: from the
 * keys and kernel sizes under each edge (reference naming), and from the genotype `dsl export`
 * records in the metadata (this also tells nearest from bilinear, which share their keys).
 */
function architectureProblems(file: SafetensorsFile, names: GeneratorNaming, genotype: NetworkGenotype, naming: Naming): WeightProblem[] {
  const problems: WeightProblem[] = [];
  const reported = new Set<string>();
  const where = (cell: number, edge: string) => (naming === 'reference' ? `cell${cell + 1}.${edge}` : `cells.${cell}.${edge}`);
  const differs = (cell: number, edge: string, file: string) => {
    const at = where(cell, edge);
    if (reported.has(at)) return;
    reported.add(at);
    problems.push({ kind: 'architecture', key: at, message: `the file's architecture differs from the genotype at generator cell ${cell} edge ${edge} (\`${at}\`): the genotype has \`${genotype[cell]?.[edge] ?? 'none'}\`, the file has ${file}` });
  };
  const recorded = file.metadata[GENOTYPE_METADATA];
  if (recorded !== undefined) {
    let theirs: CellGenotype[] | undefined;
    try {
      theirs = JSON.parse(recorded) as CellGenotype[];
    } catch {
      theirs = undefined;
    }
    genotype.forEach((cell, i) => {
      for (const [edge, op] of Object.entries(cell)) {
        const other = theirs?.[i]?.[edge];
        if (other !== undefined && other !== op) differs(i, edge, `\`${other}\` (recorded in the file's metadata)`);
      }
    });
  }
  if (naming !== 'reference') return problems;
  const edgePattern = /^cell(\d+)\.([A-Za-z0-9_]+)\.(ops|ups)\./;
  const fileEdges = new Map<string, [string, StoredTensor][]>();
  for (const [key, t] of file.tensors) {
    const m = edgePattern.exec(key);
    if (!m) continue;
    const at = `cell${m[1]}.${m[2]}`;
    fileEdges.set(at, [...(fileEdges.get(at) ?? []), [key, t]]);
  }
  const expectedEdges = new Map<string, { cell: number; edge: string; tensors: [string, readonly number[]][] }>();
  for (const e of names.entries) {
    if (!e.edge) continue;
    const at = where(e.edge.cell, e.edge.edge);
    const slot = expectedEdges.get(at) ?? { cell: e.edge.cell, edge: e.edge.edge, tensors: [] };
    for (const k of e.reference) slot.tensors.push([k, e.referenceShape]);
    expectedEdges.set(at, slot);
  }
  const edges = new Set([...fileEdges.keys(), ...expectedEdges.keys()]);
  for (const at of edges) {
    const m = /^cell(\d+)\.(.+)$/.exec(at)!;
    const cell = Number(m[1]) - 1;
    const edge = m[2]!;
    if (cell < 0 || cell >= genotype.length || !(edge in genotype[cell]!)) continue; // reported as unexpected tensors
    const found = edgeOperation((fileEdges.get(at) ?? []).map(([k, t]) => [k, t.shape] as const));
    const expected = edgeOperation(expectedEdges.get(at)?.tensors ?? []);
    if (!sameOperation(found.signature, expected.signature)) differs(cell, edge, found.description);
  }
  return problems;
}
