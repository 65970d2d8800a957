import { tf, type Tensor2D, type Tensor4D } from '../../ml/tf.js';
import type { AdversarialGame } from '../../ml/train/gan.js';

/**
 * Images from the EMA generator, as the reference validates (it loads the averaged weights
 * into the generator for sampling): the averages are swapped in, the forward pass runs in
 * eval mode, and the live weights are put back.
 */
export async function renderWithEma(game: AdversarialGame, z: Tensor2D, forward: (z: Tensor2D) => Tensor4D): Promise<Float32Array> {
  const store = game.generator.net.params;
  const live = await store.read('weight');
  store.assignTensors(game.ema.averages);
  try {
    const images = tf.tidy(() => forward(z));
    const data = (await images.data()) as Float32Array;
    images.dispose();
    return data;
  } finally {
    store.write(live);
  }
}
