import { describe, expect, it } from 'vitest';
import { autoganDiscriminator } from '../../../src/nas/autogan.js';
import { autoganCost, networkCost } from '../../../src/nas/count.js';
import { inspect, trainSpace } from '../../../src/nas/inspect.js';
import { loadGenotypeFile } from '../../../src/spec/genotypeFile.js';
import { nodeSpecHost } from '../../../src/io/specHost.js';
import { experiment, resolveValid } from '../../helpers/specs.js';

describe('parameter counts of the paper networks (as the reference code counts them)', () => {
  const { spec, space } = resolveValid(experiment('cifar10.yaml'));
  const { genotype } = loadGenotypeFile(experiment('genotypes/adversarialnas-cifar10.yaml'), nodeSpecHost, trainSpace(spec));

  it('G super-network at width 160: 29,265,443', () => {
    expect(networkCost(space.generator).parameters).toBe(29_265_443);
  });

  it('D super-network at width 80: 11,049,120', () => {
    expect(networkCost(space.discriminator).parameters).toBe(11_049_120);
  });

  it('derived G of the published genotype at width 256: 8,846,851', () => {
    expect(networkCost(trainSpace(spec).generator, genotype!.generator).parameters).toBe(8_846_851);
  });

  it('AutoGAN D at width 128: 1,053,824', () => {
    expect(autoganCost(autoganDiscriminator(32, 3, 128)).parameters).toBe(1_053_824);
  });

  it('multiply-accumulates per image match the paper (12.1 G, 2.0 G, 2.68 G, 0.27 G)', () => {
    const result = inspect(spec, space, genotype);
    expect(result.search.generator.macs / 1e9).toBeCloseTo(12.15, 2);
    expect(result.search.discriminator.macs / 1e9).toBeCloseTo(2.0, 1);
    expect(result.train!.generator.macs / 1e9).toBeCloseTo(2.68, 2);
    expect(result.train!.discriminator.macs / 1e9).toBeCloseTo(0.27, 2);
  });

  it('module costs add up to the network', () => {
    const g = networkCost(space.generator);
    const total = Object.values(g.modules).reduce((a, m) => a + m.parameters, 0);
    expect(total).toBe(g.parameters);
    expect(g.modules['cells.2.skip1']!.parameters).toBe(160 * 160 + 160);
    expect(g.modules['latent.cells.2']!.parameters).toBe(40 * 16 * 16 * 160 + 16 * 16 * 160);
  });
});
