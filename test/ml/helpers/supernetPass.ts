import { ArchParams } from '../../../src/ml/nets/archParams.js';
import { TRAINING } from '../../../src/ml/nets/context.js';
import { Discriminator } from '../../../src/ml/nets/discriminator.js';
import { Generator } from '../../../src/ml/nets/generator.js';
import { tf, type Tensor2D } from '../../../src/ml/tf.js';
import { discriminatorHinge } from '../../../src/ml/train/losses.js';
import { Random } from '../../../src/util/random.js';
import { experiment, resolveValid } from '../../helpers/specs.js';
import { useBackend, type TestBackend } from './backends.js';

/** The CIFAR-10 experiment with the paper's search space at width 4 and a 12-dimensional latent: seconds per pass. */
export const SMALL = resolveValid(experiment('cifar10.yaml'), ['searchSpace.generator.channels=4', 'searchSpace.discriminator.channels=4', 'searchSpace.generator.latent.dim=12']);

export interface SupernetPass {
  readonly loss: number;
  readonly image: number[];
  /** Gradients of the architecture parameters (D's, then G's), then of the weights compared. */
  readonly grads: number[][];
}

/**
 * One forward and backward pass of both super-networks of `SMALL` on `backend`, from
 * fixed seeds, everything read back to arrays. `weightsPerNet` limits the weights whose
 * gradients are read to the first few of each network (all by default).
 */
export async function supernetPass(backend: TestBackend, o: { readonly batch: number; readonly weightsPerNet?: number }): Promise<SupernetPass> {
  const { space } = SMALL;
  await useBackend(backend);
  const g = new Generator(space.generator, new Random(11));
  const d = new Discriminator(space.discriminator, new Random(12));
  const alphas = new ArchParams(space.generator, new Random(13));
  const betas = new ArchParams(space.discriminator, new Random(14));
  const z = tf.tensor2d(new Random(15).fillNormal(new Float32Array(o.batch * 12)), [o.batch, 12]) as Tensor2D;
  const real = tf.tensor4d(new Random(16).fillUniform(new Float32Array(o.batch * 32 * 32 * 3), -1, 1), [o.batch, 32, 32, 3]);
  const weights = (list: ReturnType<typeof g.params.list>) => (o.weightsPerNet === undefined ? list : list.slice(0, o.weightsPerNet));
  const vars = [...betas.params.list('arch'), ...alphas.params.list('arch'), ...weights(d.params.list('weight')), ...weights(g.params.list('weight'))];
  const { value, grads } = tf.variableGrads(() => {
    const fake = g.forward(z, TRAINING, alphas.weights({ type: 'softmax' }));
    return discriminatorHinge(d.forward(real, TRAINING, betas.weights({ type: 'softmax' })), d.forward(fake, TRAINING, betas.weights({ type: 'softmax' })));
  }, vars.map((v) => v.variable));
  const image = tf.tidy(() => g.forward(z, TRAINING, alphas.weights({ type: 'softmax' })));
  const out = {
    loss: (await value.data())[0]!,
    image: Array.from(await image.data()),
    grads: await Promise.all(vars.map(async (v) => Array.from(await grads[v.variable.name]!.data()))),
  };
  tf.dispose([value, image, z, real, ...Object.values(grads)]);
  for (const n of [g, d, alphas, betas]) n.dispose();
  return out;
}
