import { describe, expect, it } from 'vitest';
import { ADAM_CHUNK_ELEMENTS, adamTemporaries, optimizerElements, persistentElements, stepActivations, stepMemory, type GameNetworks, type MemoryCalibration } from '../../../src/nas/memory.js';
import { batchLabel, bytesLabel, verdictMessage } from '../../../src/nas/memoryMessage.js';
import { largestFittingBatch, memoryVerdict, stageNetworks } from '../../../src/nas/stageMemory.js';
import { trainSpace } from '../../../src/nas/inspect.js';
import { networkCost } from '../../../src/nas/count.js';
import { nodeSpecHost } from '../../../src/io/specHost.js';
import { loadGenotypeFile } from '../../../src/spec/genotypeFile.js';
import { experiment, resolveValid } from '../../helpers/specs.js';

/** A calibration with round factors: the arithmetic, not a backend. */
const unit: MemoryCalibration = { processBytes: 0, baseBytes: 1e6, bytesPerElement: 4, transientPerWeight: 5 };
const nets: GameNetworks = { generator: { parameters: 1000, activations: 300, adamTemporaries: 13 }, discriminator: { parameters: 500, activations: 100, adamTemporaries: 13 }, architecture: 10 };
const batch = (discriminator: number, generator: number, split = 0.5) => ({ discriminator, generator, split });

describe('the estimate of one iteration', () => {
  it('keeps the weights of both networks, the generator EMA and two Adam moments of everything trained', () => {
    expect(persistentElements(nets)).toBe(4 * 1000 + 3 * 500 + 3 * 10);
  });

  it('peaks in the generator steps when both batches are equal: both networks taped on the generator batch', () => {
    expect(stepActivations(nets, batch(16, 16))).toEqual({ peak: 'generator', elements: 16 * 400 });
  });

  it('peaks in the discriminator step when the real batch is much larger: its real half taped while the detached generator runs', () => {
    expect(stepActivations(nets, batch(64, 4))).toEqual({ peak: 'discriminator', elements: 32 * (100 + 300) });
  });

  it('re-training has no architecture step', () => {
    const training = { ...nets, architecture: 0 };
    expect(stepActivations(training, batch(200, 1, 0.1)).peak).toBe('discriminator');
    expect(stepActivations(nets, batch(200, 1, 0.1)).peak).toBe('discriminator architecture');
  });

  it('grows with the batch by the bytes per element times what the tapes keep', () => {
    const at = (b: number) => stepMemory(nets, batch(b, b), unit).bytes;
    expect(at(64) - at(32)).toBe(4 * 32 * 400);
    expect(at(32)).toBe(1e6 + 4 * persistentElements(nets) + 4 * (5 * 1500 + 32 * 400));
  });

  it('peaks in an optimizer update at small batches: the gradients and the temporaries of its largest chunk', () => {
    expect(optimizerElements(nets)).toBe(1000 + 13 * 1000);
    const small = stepMemory(nets, batch(2, 2), unit);
    expect(small.peak).toBe('optimizer');
    expect(small.bytes).toBe(1e6 + 4 * persistentElements(nets) + 4 * 14_000);
    // Chunks bound the temporaries, not the gradients.
    expect(optimizerElements({ ...nets, generator: { ...nets.generator, parameters: 10 * ADAM_CHUNK_ELEMENTS } })).toBe(10 * ADAM_CHUNK_ELEMENTS + 13 * ADAM_CHUNK_ELEMENTS);
  });

  it('counts the temporaries of an Adam update from its settings', () => {
    expect(adamTemporaries({ betas: [0, 0.9] })).toBe(13);
    expect(adamTemporaries({ betas: [0.5, 0.999], weightDecay: 1e-4 })).toBe(18);
  });
});

describe('the largest batch that fits', () => {
  const limitAt = (b: number) => stepMemory(nets, batch(b, b), unit).bytes;

  it('is the largest batch whose estimate is within the limit', () => {
    const largest = largestFittingBatch(nets, batch(120, 120), unit, limitAt(24) + 1, 'search')!;
    expect(largest).toEqual(batch(24, 24));
  });

  it('keeps real batches that the split cuts into whole images, and the ratio of the two batches', () => {
    // Limit between batch 24 and 25: a generator batch of 25 would take a real batch of 25, which 0.5 does not cut.
    const odd = largestFittingBatch(nets, batch(120, 120), unit, limitAt(25), 'search')!;
    expect(odd.generator).toBe(25);
    expect(odd.discriminator % 2).toBe(0);
    const training = largestFittingBatch({ ...nets, architecture: 0 }, batch(40, 80), unit, stepMemory({ ...nets, architecture: 0 }, batch(10, 20), unit).bytes, 'train')!;
    expect(training).toEqual(batch(10, 20));
  });

  it('is undefined when not even the smallest batch fits', () => {
    expect(largestFittingBatch(nets, batch(8, 8), unit, 1000, 'search')).toBeUndefined();
  });

  it('is part of the verdict only when the spec batch does not fit', () => {
    expect(memoryVerdict(nets, 'search', batch(8, 8), unit, limitAt(8)).fits).toBe(true);
    const verdict = memoryVerdict(nets, 'search', batch(120, 120), unit, limitAt(24) + 1);
    expect(verdict.fits).toBe(false);
    expect(verdict.largest?.generator).toBe(24);
  });
});

describe('the message of a stage that does not fit', () => {
  const verdict = memoryVerdict(nets, 'search', batch(120, 120), unit, stepMemory(nets, batch(24, 24), unit).bytes);

  it('says what one iteration needs, what the backend holds, the largest batch, and how to get there', () => {
    const { message, hint } = verdictMessage(verdict, { backend: 'wasm', capacity: 'which holds 4 GiB', batchAt: 'experiments/base/adversarialnas.yaml:127:3', alternatives: ['use --backend tensorflow'] });
    expect(message).toBe(`search: one iteration at batch 120 needs about ${bytesLabel(verdict.estimate.bytes)} on wasm, which holds 4 GiB; the largest batch that fits is 24`);
    expect(hint).toBe('set search.batch.discriminator and .generator to 24 (experiments/base/adversarialnas.yaml:127:3), or use --backend tensorflow; DSL_MEMORY_CHECK=0 skips this check');
  });

  it('names both batches when they differ', () => {
    expect(batchLabel({ discriminator: 40, generator: 80 })).toBe('40/80 (discriminator/generator)');
    expect(bytesLabel(19.84e9)).toBe('19.8 GB');
    expect(bytesLabel(850e6)).toBe('850 MB');
  });
});

describe('the networks of each stage', () => {
  const { spec, space } = resolveValid(experiment('cifar10.yaml'));
  const genotype = loadGenotypeFile(experiment('genotypes/adversarialnas-cifar10.yaml'), nodeSpecHost, trainSpace(spec)).genotype!;

  it('search: the super-networks and their architecture parameters', () => {
    const search = stageNetworks(spec, space, 'search')!;
    expect(search.generator.parameters).toBe(networkCost(space.generator).parameters);
    // G: 3 cells of 2 up-sampling edges (3 candidates) and 5 normal ones (7); D: 4 cells of 5 normal edges and 2 down-sampling ones (6), the stem's 3 edges with 5.
    expect(search.architecture).toBe(3 * (2 * 3 + 5 * 7) + 3 * (5 * 7 + 2 * 6) + (3 * 5 + 2 * 7 + 2 * 6));
  });

  it('train: the derived generator against AutoGAN, known only with a genotype', () => {
    expect(stageNetworks(spec, space, 'train')).toBeUndefined();
    const train = stageNetworks(spec, space, 'train', genotype)!;
    expect(train.generator.parameters).toBe(8_846_851);
    expect(train.discriminator.parameters).toBe(1_053_824);
    expect(train.architecture).toBe(0);
  });
});
