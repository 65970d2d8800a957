import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseNpy } from '../../src/util/npy.js';
import { hasStackTrace, runDsl } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'dsl-derive-'));

/**
 * Reference-layout alphas that trigger both generator repair rules: in every cell c0 and c1
 * choose none (c1's none weight lower → c1 revived with conv_5x5), and c2, c3, c4 choose none
 * (c3 lowest → revived with dil_conv_3x3). Up edges: bilinear.
 */
function repairAlphas() {
  const row = (none: number, best: number, value: number) => [none, 0, 0, 0, 0, 0, 0].map((v, i) => (i === best ? value : v));
  const cell = [row(5, 3, 1), row(4, 4, 3), row(6, 2, 1), row(5, 5, 4.5), row(6, 1, 1)];
  return {
    generator: {
      alphas_normal: [cell, cell, cell],
      alphas_up: [0, 1, 2].map(() => [
        [0, 1, 0],
        [0, 1, 0],
      ]),
    },
  };
}

describe('dsl derive', () => {
  const alphas = join(dir, 'alphas.json');
  writeFileSync(alphas, JSON.stringify(repairAlphas()));

  it('derives with the repair rules from reference-layout alphas', async () => {
    const result = await runDsl(['derive', 'experiments/cifar10.yaml', '--alphas', alphas]);
    expect(result.code, result.stderr).toBe(0);
    const genotype = JSON.parse(result.stdout) as { generator: Record<string, string>[] };
    expect(genotype.generator[0]).toEqual({ up0: 'bilinear', up1: 'bilinear', c0: 'none', c1: 'conv_5x5', c2: 'none', c3: 'dil_conv_3x3', c4: 'none' });
  });

  it('prints the reference integer encoding', async () => {
    const result = await runDsl(['derive', 'experiments/cifar10.yaml', '--alphas', alphas, '--format', 'reference']);
    expect(JSON.parse(result.stdout)).toEqual({ generator: [0, 1, 2].map(() => [1, 1, 0, 4, 0, 5, 0]) });
  });

  it('without repair, leaves the nodes without inputs', async () => {
    const result = await runDsl(['derive', 'experiments/cifar10.yaml', '--alphas', alphas, '--format', 'reference', '--no-repair']);
    expect(JSON.parse(result.stdout)).toEqual({ generator: [0, 1, 2].map(() => [1, 1, 0, 0, 0, 0, 0]) });
  });

  it('writes the reference .npy and our YAML, both readable as genotypes', async () => {
    const npy = join(dir, 'g.npy');
    const yaml = join(dir, 'g.yaml');
    expect((await runDsl(['derive', 'experiments/cifar10.yaml', '--alphas', alphas, '--out', npy])).code).toBe(0);
    expect((await runDsl(['derive', 'experiments/cifar10.yaml', '--alphas', alphas, '--out', yaml])).code).toBe(0);
    const array = parseNpy(readFileSync(npy));
    expect(array).toMatchObject({ dtype: 'uint8', shape: [3, 7] });
    expect(Array.from(array.data as Uint8Array)).toEqual([0, 1, 2].flatMap(() => [1, 1, 0, 4, 0, 5, 0]));
    for (const file of [npy, yaml]) {
      const inspect = await runDsl(['inspect', 'experiments/cifar10.yaml', '--json', '--genotype', file]);
      expect(inspect.code, inspect.stderr).toBe(0);
    }
  });

  it('derives from alphas in our own layout (as the search stage writes them), both networks', async () => {
    const ours = join(dir, 'ours.json');
    const g = [0, 1, 2].map(() => [[0, 0, 1], [0, 1, 0], ...Array.from({ length: 5 }, () => [0, 0, 0, 1, 0, 0, 0])]);
    const d = [0, 1, 2, 3].map((c) => [...Array.from({ length: 5 }, (_, e) => (c === 0 && e < 3 ? [0, 0, 1, 0, 0] : [0, 0, 0, 0, 1, 0, 0])), [1, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 1]]);
    writeFileSync(ours, JSON.stringify({ generator: g, discriminator: d }));
    const result = await runDsl(['derive', 'experiments/cifar10.yaml', '--alphas', ours, '--format', 'reference']);
    expect(JSON.parse(result.stdout)).toEqual({
      generator: [0, 1, 2].map(() => [2, 1, 3, 3, 3, 3, 3]),
      discriminator: [0, 1, 2, 3].map((c) => [c === 0 ? 2 : 4, c === 0 ? 2 : 4, c === 0 ? 2 : 4, 4, 4, 0, 5]),
    });
  });

  it('reports alphas of the wrong shape without a stack trace', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ generator: { alphas_normal: [[[1, 2]]], alphas_up: [] } }));
    const result = await runDsl(['derive', 'experiments/cifar10.yaml', '--alphas', bad]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/should hold at least 3 numbers/);
    expect(hasStackTrace(result.stderr)).toBe(false);
  });
});
