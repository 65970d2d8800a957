/**
 * Custom gradients that free what they allocate. tfjs (4.22.0, tape.ts) calls a custom-gradient
 * node's gradient function outside any tidy scope: its intermediates, and the gradients of inputs
 * that are not being differentiated, stay allocated until the whole backward pass ends. At the
 * paper's widths that held about 0.3 GB per step on the wasm heap.
 */
import { tf, type Tensor } from '../tf.js';

/** `gradient` run inside tf.tidy: only the tensors it returns outlive it. */
export function tidyGradient<A extends unknown[], T extends Tensor | Tensor[]>(gradient: (...args: A) => T): (...args: A) => T {
  return (...args: A) => tf.tidy(() => gradient(...args));
}
