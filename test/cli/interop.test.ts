import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodePng } from '../../src/io/png.js';
import { parseNpy } from '../../src/util/npy.js';
import { parseNpz } from '../../src/util/npz.js';
import { hasStackTrace, repoRoot, runDsl } from '../helpers/cli.js';
import { setArgs, TINY } from '../helpers/tiny.js';

const fixtures = join(repoRoot, 'test/fixtures/interop');
const dir = mkdtempSync(join(tmpdir(), 'dsl-interop-'));
const floats = (file: string) => parseNpy(readFileSync(file), file).data as Float32Array;
const maxAbsDifference = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

/** The authors' outputs (scripts/pytorch-reference/interop_fixtures.py) against `dsl sample` on the same weights and latents. */
describe("dsl sample on the authors' weights", () => {
  it.each([
    ['cifar10', 'npy', [4, 3, 32, 32]],
    ['stl10-mixed', 'npz', [2, 3, 48, 48]],
  ] as const)('%s: equals the PyTorch output to 1e-4 (.%s)', async (name, format, shape) => {
    const out = join(dir, `${name}.${format}`);
    const result = await runDsl(['sample', join(fixtures, `${name}.yaml`), '--latents', join(fixtures, name, 'latents.npy'), '--out', out, '--set', `runtime.outDir=${dir}`]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(out);
    const images = format === 'npy' ? parseNpy(readFileSync(out)) : parseNpz(readFileSync(out)).get('images')!;
    expect(images.dtype).toBe('float32');
    expect(images.shape).toEqual(shape);
    const expected = floats(join(fixtures, name, 'images.npy'));
    expect(Math.max(...expected.map(Math.abs))).toBeGreaterThan(0.1); // the comparison is not between near-zero images
    expect(maxAbsDifference(images.data as Float32Array, expected)).toBeLessThan(1e-4);
  });

  it('writes one uint8 PNG per image into a folder, as the authors turn outputs into pixels', async () => {
    const out = join(dir, 'pngs');
    const result = await runDsl(['sample', join(fixtures, 'cifar10.yaml'), '--latents', join(fixtures, 'cifar10/latents.npy'), '--out', out, '--set', `runtime.outDir=${dir}`]);
    expect(result.code, result.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['0.png', '1.png', '2.png', '3.png']);
    const expected = floats(join(fixtures, 'cifar10/images.npy'));
    const image = decodePng(readFileSync(join(out, '2.png')), 3);
    expect([image.height, image.width]).toEqual([32, 32]);
    let worst = 0;
    for (let c = 0; c < 3; c++) {
      for (let p = 0; p < 32 * 32; p++) {
        const want = Math.trunc(Math.min(255, Math.max(0, expected[2 * 3072 + c * 1024 + p]! * 127.5 + 127.5)));
        worst = Math.max(worst, Math.abs(image.pixels[p * 3 + c]! - want));
      }
    }
    expect(worst).toBeLessThanOrEqual(1); // truncation can fall either side of an integer within float rounding
  });

  it('draws its own latents in bounded batches, the same images for the same seed', async () => {
    const run = (out: string, batch: string) => runDsl(['sample', join(fixtures, 'cifar10.yaml'), '--n', '5', '--seed', '7', '--batch', batch, '--out', out, '--set', `runtime.outDir=${dir}`]);
    const [a, b] = [join(dir, 'seed-a.npy'), join(dir, 'seed-b.npy')];
    expect((await run(a, '2')).code).toBe(0);
    const second = await run(b, '5');
    expect(second.code).toBe(0);
    expect(parseNpy(readFileSync(a)).shape).toEqual([5, 3, 32, 32]);
    expect(maxAbsDifference(floats(a), floats(b))).toBeLessThan(1e-6);
  });
});

/** The fixture's state dict with one fault; the spec that names it sets train.from on its line 3. */
function faulty(name: string, edit: (header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>, data: Uint8Array) => Uint8Array | void): string {
  const bytes = readFileSync(join(fixtures, 'cifar10/weights.safetensors'));
  const length = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.toString('utf8', 8, 8 + length)) as Parameters<typeof edit>[0];
  const data = new Uint8Array(bytes.subarray(8 + length));
  const raw = edit(header, data);
  let file: Uint8Array;
  if (raw) file = raw;
  else {
    const json = Buffer.from(JSON.stringify(header));
    const prefix = Buffer.alloc(8);
    prefix.writeBigUInt64LE(BigInt(json.length));
    file = Buffer.concat([prefix, json, data]);
  }
  const weights = join(dir, `${name}.safetensors`);
  writeFileSync(weights, file);
  const spec = join(dir, `${name}.yaml`);
  writeFileSync(spec, `extends: ${join(fixtures, 'cifar10.yaml')}\ntrain:\n  from: ./${name}.safetensors\n`);
  return spec;
}

describe('weights that do not fit the spec', () => {
  it.each([
    ['truncated', () => faulty('truncated', () => { const b = readFileSync(join(fixtures, 'cifar10/weights.safetensors')); return b.subarray(0, b.length - 100); }), /tensor `[^`]+` ends at data byte \d+, but the file has only \d+ bytes of data \(truncated\?\)/],
    ['wrong dtype', () => faulty('dtype', (h) => void (h['l1.bias']!.dtype = 'I32')), /tensor `l1.bias` is I32 \[64\], expected F32 \(float32\) \[64\]/],
    ['header lying about sizes', () => faulty('lying', (h) => void (h['l3.bias']!.shape = [2048])), /the header says tensor `l3.bias` \(F32 \[2048\]\) takes bytes \d+..\d+ \(4096 bytes\), but that dtype and shape need 8192/],
    ['missing key', () => faulty('missing', (h) => void ((h['cell2.skip_in_ops.0.renamed'] = h['cell2.skip_in_ops.0.weight']!), delete h['cell2.skip_in_ops.0.weight'])), /missing tensor `cell2.skip_in_ops.0.weight`: expected float32 \[4, 4, 1, 1\]/],
    ['extra key', () => faulty('extra', (h) => void ((h['cell9.up0.ups.0.c.1.bias'] = h['to_rgb.2.bias']!), delete h['to_rgb.2.bias'])), /unexpected tensor `cell9.up0.ups.0.c.1.bias` \(F32 \[3\]\)/],
    ['wrong shape', () => faulty('shape', (h) => void (h['to_rgb.2.weight']!.shape = [3, 4, 9])), /tensor `to_rgb.2.weight` has shape \[3, 4, 9\], expected \[3, 4, 3, 3\]/],
  ])('%s: its message at the spec line of train.from, exit 1, nothing written', async (_name, make, pattern) => {
    const spec = make();
    const out = join(dir, `${_name.replace(/ /g, '-')}.npy`);
    const result = await runDsl(['sample', spec, '--out', out, '--set', `runtime.outDir=${dir}`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(pattern);
    expect(result.stderr).toMatch(/\.yaml:3:9: error: train\.from: /);
    expect(hasStackTrace(result.stderr)).toBe(false);
    expect(readdirSync(dir)).not.toContain(out.split('/').pop());
  });

  it('`dsl run` stops before any stage runs', async () => {
    const spec = faulty('run-missing', (h) => void ((h['l2.renamed'] = h['l2.bias']!), delete h['l2.bias']));
    const result = await runDsl(['run', spec, '--set', `runtime.outDir=${join(dir, 'never')}`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/missing tensor `l2.bias`: expected float32 \[256\]/);
    expect(result.stderr).toMatch(/unexpected tensor `l2.renamed` \(F32 \[256\]\)/);
    expect(readdirSync(dir)).not.toContain('never');
  });
});

describe('train.from in a run', () => {
  it('the train stage takes the weights; evaluation and sampling then read them from its generator.bin', async () => {
    const out = join(dir, 'from-run');
    const spec = join(fixtures, 'cifar10.yaml');
    const run = await runDsl(['run', spec, '--until', 'train', '--set', `runtime.outDir=${out}`]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/✓ train\s+done/);
    const trainDir = readdirSync(join(out, 'interop-cifar10')).find((d) => d.startsWith('train-'))!;
    expect(readdirSync(join(out, 'interop-cifar10', trainDir))).toContain('generator.bin');
    const images = join(dir, 'from-run.npy');
    const sampled = await runDsl(['sample', spec, '--latents', join(fixtures, 'cifar10/latents.npy'), '--out', images, '--set', `runtime.outDir=${out}`]);
    expect(sampled.code, sampled.stderr).toBe(0);
    expect(sampled.stderr).toContain(join(trainDir, 'generator.bin'));
    expect(maxAbsDifference(floats(images), floats(join(fixtures, 'cifar10/images.npy')))).toBeLessThan(1e-4);
  });

  it('after a search, the train stage checks the weights against the derived genotype and fails with every problem', async () => {
    const out = join(dir, 'after-search');
    const result = await runDsl(['run', 'experiments/mnist.yaml', '--until', 'train', ...setArgs([...TINY, `runtime.outDir=${out}`, `train.from=${join(fixtures, 'cifar10/weights.safetensors')}`])], { timeoutMs: 300_000 });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/✓ derive\s+done/);
    expect(result.stderr).toMatch(/error: train\.from: .*cifar10\/weights\.safetensors does not fit the spec's generator \(\d+ problems\):/);
    expect(result.stderr).toMatch(/  - tensor `l1\.weight` has shape \[64, 4\], expected \[\d+, 16\]/);
    expect(hasStackTrace(result.stderr)).toBe(false);
  }, 300_000);
});

describe('dsl export', () => {
  it("writes dsl-trained weights that, read back by train.from in either naming, give identical images", async () => {
    const out = join(dir, 'trained');
    const base = ['experiments/mnist.yaml', ...setArgs([...TINY, `runtime.outDir=${out}`])];
    const run = await runDsl(['run', ...base, '--until', 'train'], { timeoutMs: 300_000 });
    expect(run.code, run.stderr).toBe(0);
    const trained = join(dir, 'trained.npy');
    expect((await runDsl(['sample', ...base, '--n', '6', '--out', trained])).code).toBe(0);
    for (const naming of ['reference', 'dsl']) {
      const file = join(dir, `exported-${naming}.safetensors`);
      const exported = await runDsl(['export', ...base, '--naming', naming, '--out', file]);
      expect(exported.code, exported.stderr).toBe(0);
      const header = readFileSync(file).toString('utf8', 8, 8 + Number(readFileSync(file).readBigUInt64LE(0)));
      if (naming === 'reference') expect(header).toMatch(/"to_rgb\.0\.num_batches_tracked":\{"dtype":"I64","shape":\[\]/);
      const again = join(dir, `again-${naming}.npy`);
      const sampled = await runDsl(['sample', ...base, '--set', `train.from=${file}`, '--n', '6', '--out', again]);
      expect(sampled.code, sampled.stderr).toBe(0);
      expect(sampled.stderr).toContain(file);
      expect(floats(again)).toEqual(floats(trained));
    }
    const d = join(dir, 'discriminator.safetensors');
    const exported = await runDsl(['export', ...base, '--network', 'discriminator', '--out', d]);
    expect(exported.code, exported.stderr).toBe(0);
    const keys = Object.keys(JSON.parse(readFileSync(d).toString('utf8', 8, 8 + Number(readFileSync(d).readBigUInt64LE(0)))) as object).sort();
    expect(keys).toContain('block1.c_sc.weight_orig');
    expect(keys).toContain('l5.weight_v');
    expect(keys.filter((k) => k.startsWith('block3.'))).toEqual(['block3.c1.bias', 'block3.c1.weight_orig', 'block3.c1.weight_u', 'block3.c1.weight_v', 'block3.c2.bias', 'block3.c2.weight_orig', 'block3.c2.weight_u', 'block3.c2.weight_v']);
  }, 300_000);
});
