import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArchParams } from '../../../src/ml/nets/archParams.js';
import { AutoganDiscriminator } from '../../../src/ml/nets/autoganDiscriminator.js';
import { TRAINING } from '../../../src/ml/nets/context.js';
import { Discriminator } from '../../../src/ml/nets/discriminator.js';
import { Generator } from '../../../src/ml/nets/generator.js';
import type { Network } from '../../../src/ml/nets/network.js';
import { tf, type Tensor } from '../../../src/ml/tf.js';
import { autoganActivations, networkActivations } from '../../../src/nas/activations.js';
import { autoganDiscriminator } from '../../../src/nas/autogan.js';
import { trainSpace } from '../../../src/nas/inspect.js';
import { nodeSpecHost } from '../../../src/io/specHost.js';
import { loadGenotypeFile } from '../../../src/spec/genotypeFile.js';
import { Random } from '../../../src/util/random.js';
import { experiment, resolveValid } from '../../helpers/specs.js';
import { useBackend } from '../helpers/backends.js';
import { trackWasmAllocations } from '../helpers/wasmAllocations.js';

/**
 * The activation count of src/nas/activations.ts against the memory the wasm backend really
 * allocates: the tensor bytes a taped forward pass leaves alive, per image (the growth from 2 to
 * 4 images, so that what a pass holds whatever the batch, kernels and weights, cancels out).
 */
describe('activation elements per image, counted and allocated', () => {
  let allocations: ReturnType<typeof trackWasmAllocations>;
  beforeAll(async () => {
    await useBackend('wasm');
    allocations = trackWasmAllocations();
  });
  afterAll(() => allocations.restore());

  /** Live bytes at the end of a taped forward of `n` inputs, above those before it (the inputs exist before). */
  function tapedBytes<T extends Tensor>(net: Network, input: (n: number) => T, forward: (input: T) => Tensor, n: number): number {
    const x = input(n);
    const before = allocations.live();
    let after = 0;
    const variable = net.params.list('weight')[0]!.variable;
    const { value, grads } = tf.variableGrads(() => {
      const out = forward(x);
      after = allocations.live();
      return tf.sum(out);
    }, [variable]);
    tf.dispose([value, x, ...Object.values(grads)]);
    net.discardBuffers();
    return after - before;
  }

  /** Elements per image (float32), after a first pass has made the constants a pass caches. */
  function perImage<T extends Tensor>(net: Network, input: (n: number) => T, forward: (input: T) => Tensor): number {
    tapedBytes(net, input, forward, 1);
    return (tapedBytes(net, input, forward, 4) - tapedBytes(net, input, forward, 2)) / 2 / 4;
  }

  const cases = [
    { name: 'CIFAR-10, widths 8/8', file: 'cifar10.yaml', g: 8, d: 8 },
    { name: 'CIFAR-10, widths 12/6', file: 'cifar10.yaml', g: 12, d: 6 },
    { name: 'MNIST (16x16, one channel), widths 8/4', file: 'mnist.yaml', g: 8, d: 4 },
  ];

  describe.each(cases)('$name', ({ file, g, d }) => {
    const { spec, space } = resolveValid(experiment(file), [
      `searchSpace.generator.channels=${g}`,
      `searchSpace.discriminator.channels=${d}`,
      `train.generator.channels=${g}`,
      `train.discriminator.channels=${d}`,
    ]);
    const trained = trainSpace(spec);
    const genotype = loadGenotypeFile(experiment('genotypes/adversarialnas-cifar10.yaml'), nodeSpecHost, trained).genotype!;
    const random = new Random(`activations ${file} ${g}/${d}`);
    const z = (n: number) => tf.randomNormal([n, space.generator.latentDim]) as tf.Tensor2D;
    const x = (n: number) => tf.randomNormal([n, spec.data.imageSize, spec.data.imageSize, spec.data.channels]) as tf.Tensor4D;

    it('the generator super-network (folded, grouped edges)', () => {
      const net = new Generator(space.generator, random.fork('g'));
      const alphas = new ArchParams(space.generator, random.fork('alphas'));
      expect(perImage(net, z, (input) => net.forward(input, TRAINING, alphas.weights({ type: 'softmax' })))).toBe(networkActivations(space.generator).total);
      net.dispose();
      alphas.dispose();
    });

    it('the discriminator super-network (stem, normal and down-sampling edges)', () => {
      const net = new Discriminator(space.discriminator, random.fork('d'));
      const betas = new ArchParams(space.discriminator, random.fork('betas'));
      expect(perImage(net, x, (input) => net.forward(input, TRAINING, betas.weights({ type: 'softmax' })))).toBe(networkActivations(space.discriminator).total);
      net.dispose();
      betas.dispose();
    });

    it('the derived generator of the published genotype', () => {
      const net = new Generator({ ...trained.generator, init: spec.train.generator.init }, random.fork('derived'), genotype.generator);
      expect(perImage(net, z, (input) => net.forward(input, TRAINING))).toBe(networkActivations(trained.generator, genotype.generator).total);
      net.dispose();
    });

    it("AutoGAN's discriminator", () => {
      const model = autoganDiscriminator(spec.data.imageSize, spec.data.channels, d);
      const net = new AutoganDiscriminator(model, random.fork('autogan'), { init: 'xavier-uniform', spectralNorm: true });
      expect(perImage(net, x, (input) => net.forward(input, TRAINING))).toBe(autoganActivations(model).total);
      net.dispose();
    });
  });
});
