import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatorNaming, type WeightEntry } from '../../../src/interop/generatorNames.js';
import { fromReferenceLayout, toReferenceLayout } from '../../../src/interop/layout.js';
import { GENOTYPE_METADATA, matchGeneratorWeights } from '../../../src/interop/match.js';
import { encodeSafetensors, parseSafetensors, type SafetensorsFile, type StoredTensor, type TensorToWrite } from '../../../src/interop/safetensors.js';
import { nodeSpecHost } from '../../../src/io/specHost.js';
import type { NetworkGenotype } from '../../../src/nas/genotype.js';
import { trainSpace } from '../../../src/nas/inspect.js';
import { loadGenotypeFile } from '../../../src/spec/genotypeFile.js';
import { resolveSpec } from '../../../src/spec/resolve.js';
import { readGeneratorWeights } from '../../../src/interop/weightsFile.js';
import { repoRoot } from '../../helpers/cli.js';

const fixtures = join(repoRoot, 'test/fixtures/interop');

/** The fixture spec's derived generator, and the state dict the authors' code wrote for it. */
function fixture(name: 'cifar10' | 'stl10-mixed') {
  const resolution = resolveSpec(join(fixtures, `${name}.yaml`), { host: nodeSpecHost, overrides: [], cwd: repoRoot });
  const spec = resolution.spec!;
  const genotype = loadGenotypeFile(spec.derive.from!, nodeSpecHost, resolution.space).genotype!.generator!;
  const model = trainSpace(spec).generator;
  const file = parseSafetensors(readFileSync(join(fixtures, name, 'weights.safetensors')));
  return { model, genotype, names: generatorNaming(model, genotype), file };
}

/** A file with some tensors changed: `edit` returns the new [key, tensor] list. */
function edited(file: SafetensorsFile, edit: (entries: [string, StoredTensor][]) => [string, StoredTensor | TensorToWrite][], metadata: Record<string, string> = {}): SafetensorsFile {
  const toWrite = edit([...file.tensors]).map(([k, t]): [string, TensorToWrite] =>
    'bytes' in t
      ? t.dtype === 'I64'
        ? [k, { dtype: 'I64', shape: t.shape, data: new BigInt64Array(new Uint8Array(t.bytes).buffer) }]
        : [k, { dtype: 'F32', shape: t.shape, data: new Float32Array(new Uint8Array(t.bytes).buffer) }]
      : [k, t],
  );
  return parseSafetensors(encodeSafetensors(toWrite, metadata));
}

const messages = (file: SafetensorsFile, f: ReturnType<typeof fixture>, genotype: NetworkGenotype = f.genotype) => matchGeneratorWeights(file, f.names, genotype).problems.map((p) => p.message);

describe("the authors' state_dict names", () => {
  it.each(['cifar10', 'stl10-mixed'] as const)('%s: exactly the keys and shapes the authors\' Generator has (both names of a tensor registered twice)', (name) => {
    const f = fixture(name);
    const expected = new Map<string, readonly number[]>();
    for (const e of f.names.entries) for (const k of e.reference) expected.set(k, e.referenceShape);
    for (const c of f.names.counters) expected.set(c, []);
    expect(new Map([...f.file.tensors].map(([k, t]) => [k, t.shape]))).toEqual(expected);
    const result = matchGeneratorWeights(f.file, f.names, f.genotype);
    expect(result.naming).toBe('reference');
    expect(result.problems).toEqual([]);
    expect(result.values!.size).toBe(f.names.entries.length);
  });

  it('layouts: every element moves to a distinct place and back', () => {
    const { names } = fixture('stl10-mixed');
    const kinds = new Set<string>();
    for (const e of names.entries) {
      kinds.add(e.layout.kind);
      const n = e.dslShape.reduce((a, b) => a * b, 1);
      const values = Float32Array.from({ length: n }, (_, i) => i);
      const reference = toReferenceLayout(e, values);
      expect(new Set(reference).size).toBe(n);
      expect(fromReferenceLayout(e, reference)).toEqual(values);
    }
    expect([...kinds].sort()).toEqual(['conv', 'depthwiseTranspose', 'projectionBias', 'projectionWeight', 'same']);
  });

  it('layouts: PyTorch [out, in, kh, kw] element (o, i, a, b) is dsl [kh, kw, in, out] element (a, b, i, o); projections go from NCHW to NHWC', () => {
    const conv: WeightEntry = { dsl: 'c', reference: ['c'], dslShape: [3, 3, 2, 4], referenceShape: [4, 2, 3, 3], layout: { kind: 'conv' }, buffer: false };
    const reference = Float32Array.from({ length: 72 }, (_, r) => r);
    const dsl = fromReferenceLayout(conv, reference);
    const [o, i, a, b] = [3, 1, 2, 0];
    expect(dsl[((a * 3 + b) * 2 + i) * 4 + o]).toBe(((o * 2 + i) * 3 + a) * 3 + b);
    const bias: WeightEntry = { dsl: 'p', reference: ['p'], dslShape: [8], referenceShape: [8], layout: { kind: 'projectionBias', size: 2, channels: 2 }, buffer: false };
    // reference feature c*4 + h*2 + w; dsl (h*2 + w)*2 + c
    expect([...fromReferenceLayout(bias, Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7]))]).toEqual([0, 4, 1, 5, 2, 6, 3, 7]);
  });
});

describe('weights that do not fit', () => {
  it('one message per missing, unexpected, wrongly shaped or typed tensor, with key and shapes', () => {
    const f = fixture('cifar10');
    const bad = edited(f.file, (entries) =>
      entries
        .filter(([k]) => k !== 'l2.bias')
        .map(([k, t]): [string, StoredTensor | TensorToWrite] => {
          if (k === 'to_rgb.2.weight') return [k, { dtype: 'F32', shape: [3, 4, 5, 5], data: new Float32Array(300) }];
          if (k === 'to_rgb.0.running_mean') return ['to_rgb.0.running_mean', { dtype: 'I64', shape: [4], data: new BigInt64Array(4) }];
          return [k, t];
        })
        .concat([['l4.weight', { dtype: 'F32', shape: [2], data: new Float32Array(2) }]]),
    );
    expect(messages(bad, f)).toEqual([
      'missing tensor `l2.bias`: expected float32 [256]',
      'tensor `to_rgb.0.running_mean` is I64 [4], expected F32 (float32) [4]',
      'tensor `to_rgb.2.weight` has shape [3, 4, 5, 5], expected [3, 4, 3, 3]',
      "unexpected tensor `l4.weight` (F32 [2]): the spec's generator has no such state_dict key",
    ]);
  });

  it('accepts a tensor under either of its two names, and refuses two names that disagree', () => {
    const f = fixture('cifar10');
    const one = edited(f.file, (entries) => entries.filter(([k]) => !k.includes('.ops.0.op.1.')));
    expect(messages(one, f)).toEqual([]);
    const disagree = edited(f.file, (entries) => entries.map(([k, t]) => (k === 'cell1.c2.ops.0.op.1.bias' ? [k, { dtype: 'F32', shape: [4], data: new Float32Array(4).fill(9) }] : [k, t])));
    expect(messages(disagree, f)).toEqual(['tensor `cell1.c2.ops.0.op.1.bias` differs from `cell1.c2.ops.0.conv.bias`: in the authors\' module both names are one tensor, so they must hold the same values']);
  });

  it('names the edge whose weights belong to another operation than the genotype says', () => {
    const f = fixture('stl10-mixed'); // cell 0: up0 ConvTranspose, c1 dil_conv_5x5, c2 conv_5x5, c4 skip_connect
    const genotype = f.genotype.map((cell, i) => (i === 0 ? { ...cell, up0: 'nearest', c2: 'conv_3x3', c4: 'conv_1x1' } : cell));
    const problems = messages(f.file, { ...f, names: generatorNaming(f.model, genotype) }, genotype).filter((m) => m.startsWith("the file's architecture"));
    expect(problems).toEqual([
      "the file's architecture differs from the genotype at generator cell 0 edge up0 (`cell1.up0`): the genotype has `nearest`, the file has ConvTranspose",
      "the file's architecture differs from the genotype at generator cell 0 edge c2 (`cell1.c2`): the genotype has `conv_3x3`, the file has conv_5x5",
      "the file's architecture differs from the genotype at generator cell 0 edge c4 (`cell1.c4`): the genotype has `conv_1x1`, the file has no weights there (none or skip_connect)",
    ]);
  });

  it('tells nearest from bilinear by the genotype dsl export records', () => {
    const f = fixture('cifar10');
    const recorded = f.genotype.map((cell, i) => (i === 1 ? { ...cell, up1: 'nearest' } : cell));
    const file = edited(f.file, (entries) => entries, { [GENOTYPE_METADATA]: JSON.stringify(recorded) });
    expect(messages(file, f)).toEqual(["the file's architecture differs from the genotype at generator cell 1 edge up1 (`cell2.up1`): the genotype has `bilinear`, the file has `nearest` (recorded in the file's metadata)"]);
  });

  it("reads the keys of a checkpoint saved from nn.DataParallel (`module.` before every key)", () => {
    const f = fixture('cifar10');
    const prefixed = edited(f.file, (entries) => entries.map(([k, t]) => [`module.${k}`, t]));
    const bytes = encodeSafetensors([...prefixed.tensors].map(([k, t]) => [k, t.dtype === 'I64' ? { dtype: 'I64', shape: t.shape, data: new BigInt64Array(new Uint8Array(t.bytes).buffer) } : { dtype: 'F32', shape: t.shape, data: new Float32Array(new Uint8Array(t.bytes).buffer) }]));
    const read = readGeneratorWeights(bytes, 'module.safetensors', f.model, f.genotype);
    expect(read.problems).toEqual([]);
    expect(read.values).toEqual(matchGeneratorWeights(f.file, f.names, f.genotype).values);
  });

  it('says so when no key has either naming', () => {
    const f = fixture('cifar10');
    const file = parseSafetensors(encodeSafetensors([['model.layer.weight', { dtype: 'F32', shape: [1], data: new Float32Array(1) }]]));
    expect(messages(file, f)[0]).toMatch(/^none of the file's 1 tensors \(`model.layer.weight`, …\) is named as the spec's generator names its weights/);
  });
});
