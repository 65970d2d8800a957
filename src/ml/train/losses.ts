import { tf, type Scalar, type Tensor } from '../tf.js';

/** Hinge loss of D: mean(relu(1 − D(real))) + mean(relu(1 + D(fake))). */
export function discriminatorHinge(real: Tensor, fake: Tensor): Scalar {
  return tf.add(tf.mean(tf.relu(tf.sub(1, real))), tf.mean(tf.relu(tf.add(1, fake)))) as Scalar;
}

/** Generator loss of the hinge GAN: −mean(D(G(z))). */
export function generatorHinge(fake: Tensor): Scalar {
  return tf.neg(tf.mean(fake)) as Scalar;
}
