import { beforeAll, describe, expect, it } from 'vitest';
import { autoganDiscriminator } from '../../../src/nas/autogan.js';
import { networkCost } from '../../../src/nas/count.js';
import { trainSpace } from '../../../src/nas/inspect.js';
import { nodeSpecHost } from '../../../src/io/specHost.js';
import { AutoganDiscriminator } from '../../../src/ml/nets/autoganDiscriminator.js';
import { Discriminator } from '../../../src/ml/nets/discriminator.js';
import { Generator } from '../../../src/ml/nets/generator.js';
import { loadGenotypeFile } from '../../../src/spec/genotypeFile.js';
import { Random } from '../../../src/util/random.js';
import { experiment, resolveValid } from '../../helpers/specs.js';
import { useBackend } from '../helpers/backends.js';

/**
 * The tfjs networks built from experiments/cifar10.yaml hold exactly the reference
 * implementation's number of learnable weights (and the same as the pure count of `dsl inspect`).
 */
describe('networks built from the paper spec', () => {
  const { spec, space } = resolveValid(experiment('cifar10.yaml'));
  const genotype = loadGenotypeFile(experiment('genotypes/adversarialnas-cifar10.yaml'), nodeSpecHost, trainSpace(spec)).genotype!;
  beforeAll(() => useBackend('wasm'));

  it('G super-network: 29,265,443 weights', () => {
    const g = new Generator(space.generator, new Random(1));
    expect(g.parameterCount).toBe(29_265_443);
    expect(g.parameterCount).toBe(networkCost(space.generator).parameters);
    g.dispose();
  });

  it('D super-network: 11,049,120 weights, spectral-norm vectors kept as buffers', () => {
    const d = new Discriminator(space.discriminator, new Random(2));
    expect(d.parameterCount).toBe(11_049_120);
    expect(d.params.list('buffer').length).toBeGreaterThan(100);
    d.dispose();
  });

  it('derived G of the published genotype at width 256: 8,846,851 weights', () => {
    const g = new Generator(trainSpace(spec).generator, new Random(3), genotype.generator);
    expect(g.parameterCount).toBe(8_846_851);
    g.dispose();
  });

  it('AutoGAN D at width 128: 1,053,824 weights', () => {
    const d = new AutoganDiscriminator(autoganDiscriminator(32, 3, 128), new Random(4), { init: 'xavier-uniform', spectralNorm: true });
    expect(d.parameterCount).toBe(1_053_824);
    d.dispose();
  });
});
