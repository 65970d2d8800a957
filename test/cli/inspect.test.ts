import { describe, expect, it } from 'vitest';
import { hasStackTrace, runDsl } from '../helpers/cli.js';

interface Cost {
  parameters: number;
  macs: number;
  modules: Record<string, { parameters: number; macs: number }>;
}

describe('dsl inspect', () => {
  it('gives the reference implementation’s parameter counts for the paper spec', async () => {
    const result = await runDsl(['inspect', 'experiments/cifar10.yaml', '--json', '--genotype', 'experiments/genotypes/adversarialnas-cifar10.yaml']);
    expect(result.code, result.stderr).toBe(0);
    const json = JSON.parse(result.stdout) as { search: { generator: Cost; discriminator: Cost }; train: { generator: Cost; discriminator: Cost } };
    expect(json.search.generator.parameters).toBe(29_265_443);
    expect(json.search.discriminator.parameters).toBe(11_049_120);
    expect(json.train.generator.parameters).toBe(8_846_851);
    expect(json.train.discriminator.parameters).toBe(1_053_824);
    expect(Math.round(json.search.generator.macs / 1e8) / 10).toBe(12.1);
    expect(Object.keys(json.search.generator.modules)).toContain('cells.0.up0');
  });

  it('reads the reference .npy genotype too, and omits `train` without a genotype', async () => {
    const bare = await runDsl(['inspect', 'experiments/cifar10.yaml', '--json', '--set', 'runtime.outDir=/nonexistent']);
    expect(bare.code).toBe(0);
    expect(JSON.parse(bare.stdout)).not.toHaveProperty('train');
    const stl = await runDsl(['inspect', 'experiments/stl10.yaml', '--json']);
    expect(stl.code).toBe(0);
    expect((JSON.parse(stl.stdout) as { train: { generator: Cost } }).train.generator.parameters).toBeGreaterThan(0);
  });

  it('prints a table', async () => {
    const result = await runDsl(['inspect', 'experiments/cifar10.yaml', '--genotype', 'experiments/genotypes/adversarialnas-cifar10.yaml']);
    expect(result.stdout).toMatch(/generator \(super-network, width 160\)\s+29,265,443/);
    expect(result.stdout).toMatch(/discriminator \(autogan, width 128\)\s+1,053,824/);
    expect(hasStackTrace(result.stderr)).toBe(false);
  });
});
