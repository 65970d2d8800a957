import { describe, expect, it } from 'vitest';
import { autoganActivations, networkActivations } from '../../../src/nas/activations.js';
import { autoganDiscriminator } from '../../../src/nas/autogan.js';
import { foldShape } from '../../../src/nas/foldShape.js';
import { trainSpace } from '../../../src/nas/inspect.js';
import { convActivations, opActivations } from '../../../src/nas/opActivations.js';
import { nodeSpecHost } from '../../../src/io/specHost.js';
import { loadGenotypeFile } from '../../../src/spec/genotypeFile.js';
import { experiment, resolveValid } from '../../helpers/specs.js';

/** What the operations of the paper's space keep per image (the tfjs side is checked in test/ml/nets/activations.test.ts). */
describe('activation elements of one operation', () => {
  it('a conv: its ReLU, the convolution and the bias added', () => {
    expect(convActivations({ kernel: 3, preActivation: 'relu' }, 4, 8, 16)).toBe(16 * 16 * 4 + 2 * 16 * 16 * 8);
    expect(convActivations({ kernel: 1, bias: false }, 4, 8, 16)).toBe(16 * 16 * 8);
  });

  it('a dilated conv at stride 1 runs on the polyphase split: two copies in, three outputs', () => {
    expect(convActivations({ kernel: 3, dilation: 2, bias: false }, 4, 8, 16)).toBe(2 * 16 * 16 * 4 + 3 * 16 * 16 * 8);
  });

  it('a dilated conv at stride 2 reads one polyphase component', () => {
    expect(convActivations({ kernel: 5, dilation: 2, stride: 2, bias: false }, 4, 8, 16)).toBe(8 * 8 * 4 + 8 * 8 * 8);
  });

  it('pools: one output for the average, nine window-sized tensors for the pairwise maximum', () => {
    expect(opActivations({ type: 'pool', mode: 'avg', kernel: 2, stride: 2 }, 4, 4, 16)).toBe(8 * 8 * 4);
    expect(opActivations({ type: 'pool', mode: 'max', kernel: 2, stride: 2 }, 4, 4, 16)).toBe(9 * 8 * 8 * 4);
  });

  it('identity and zero keep nothing; up-sampling keeps the resized input before its conv', () => {
    expect(opActivations({ type: 'identity' }, 4, 4, 16)).toBe(0);
    expect(opActivations({ type: 'zero' }, 4, 4, 16)).toBe(0);
    expect(opActivations({ type: 'upsample', mode: 'nearest', scale: 2, then: { type: 'conv', kernel: 1, dilation: 1, stride: 1, bias: true, preActivation: 'relu' } }, 4, 8, 8)).toBe(16 * 16 * 4 + 16 * 16 * 4 + 2 * 16 * 16 * 8);
  });
});

describe('folds of the paper space', () => {
  const { space } = resolveValid(experiment('cifar10.yaml'));
  const [upCell] = space.generator.cells;
  const [stem, inner] = space.discriminator.cells;

  it('a normal edge folds its four convolutions into a dense 5x5 and a dilated 5x5, skip_connect added as w·x', () => {
    expect(foldShape(upCell!.edges.find((e) => e.name === 'c0')!)).toEqual({ stride: 1, relu: true, footprints: [{ size: 5, dilation: 1 }, { size: 5, dilation: 2 }], identities: 1, others: [] });
  });

  it('a down-sampling edge folds at stride 2 and computes its pools on their own', () => {
    const fold = foldShape(inner!.edges.find((e) => e.name === 'down0')!)!;
    expect(fold.stride).toBe(2);
    expect(fold.others.map((op) => op.type === 'pool' && op.mode)).toEqual(['avg', 'max']);
  });

  it('the stem folds without a ReLU; up-sampling edges do not fold', () => {
    expect(foldShape(stem!.edges.find((e) => e.name === 'c0')!)!.relu).toBe(false);
    expect(foldShape(upCell!.edges.find((e) => e.name === 'up0')!)).toBeUndefined();
  });
});

describe('activation elements per image of the paper networks', () => {
  const { spec, space } = resolveValid(experiment('cifar10.yaml'));
  const genotype = loadGenotypeFile(experiment('genotypes/adversarialnas-cifar10.yaml'), nodeSpecHost, trainSpace(spec)).genotype!;

  it('super-networks at 160/80, derived generator at 256, AutoGAN at 128', () => {
    expect(networkActivations(space.generator).total).toBe(19_567_736);
    expect(networkActivations(space.discriminator).total).toBe(5_879_505);
    expect(networkActivations(trainSpace(spec).generator, genotype.generator).total).toBe(10_077_304);
    expect(autoganActivations(autoganDiscriminator(32, 3, 128)).total).toBe(1_196_929);
  });

  it('are booked on the modules the parameter counts name, and add up', () => {
    const g = networkActivations(space.generator);
    expect(Object.values(g.modules).reduce((a, b) => a + b, 0)).toBe(g.total);
    expect(Object.keys(g.modules)).toContain('cells.2.c4');
    expect(Object.keys(g.modules)).toContain('head.norm');
    // The last cell works at 32x32: most of the generator's activations are there.
    const last = Object.entries(g.modules).filter(([k]) => k.startsWith('cells.2.')).reduce((a, [, v]) => a + v, 0);
    expect(last / g.total).toBeGreaterThan(0.6);
  });

  it('a derived network keeps less than its super-network at the same width', () => {
    const trained = trainSpace(spec);
    const atSearchWidth = resolveValid(experiment('cifar10.yaml'), ['train.generator.channels=160']);
    expect(networkActivations(trainSpace(atSearchWidth.spec).generator, genotype.generator).total).toBeLessThan(networkActivations(space.generator).total / 2);
    expect(trained.generator.channels).toBe(256);
  });
});
