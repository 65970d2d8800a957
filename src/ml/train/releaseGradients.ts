/**
 * Frees each intermediate gradient of a backward pass as soon as it has been used.
 *
 * tfjs 4.22.0 (tape.ts, backpropagateGradients) holds every gradient it computes until the whole
 * backward pass ends: the gradient of each taped tensor, although only the node that produced
 * the tensor reads it, and each contribution to the gradient of a tensor read by several nodes,
 * although it is added into a new sum at once. At the paper's widths these took about half of the
 * wasm heap a step needs. The walk visits nodes one after another and computes all of a node's
 * input gradients before the next node starts, so when a node starts, the previous one's output
 * gradients and its already-summed contributions are done with, and are disposed then (except a
 * gradient handed on unchanged as the first gradient of an input: that tensor is now the input's).
 */
import { tf, type Tensor } from '../tf.js';

/** A node of tfjs's gradient tape (tfjs-core/dist/tape.d.ts), as far as this module uses it. */
interface TapeNode {
  inputs: Record<string, Tensor>;
  gradient?: (dys: (Tensor | null)[]) => Record<string, () => Tensor>;
}

/**
 * Call at the end of a function passed to tf.variableGrads / tf.grads (without a dy), when the
 * tape holds its forward pass: rewires the tape's gradient functions as described above.
 */
export function releaseGradientsEarly(): void {
  const tape = (tf.engine().state as unknown as { activeTape?: TapeNode[] }).activeTape;
  if (!tape) return;
  /** Tensors that have a gradient entry (the first contribution becomes it; later ones are summed into a new tensor). */
  const received = new Set<number>();
  /** The previous node's output gradients, and what its input gradients became. */
  let previous: { readonly dys: readonly (Tensor | null)[]; readonly kept: Set<Tensor>; readonly summed: Tensor[] } | undefined;
  const release = () => {
    if (!previous) return;
    const { dys, kept, summed } = previous;
    for (const dy of dys) if (dy && !kept.has(dy) && !dy.isDisposed) dy.dispose();
    for (const dx of summed) if (!dx.isDisposed) dx.dispose();
    previous = undefined;
  };
  for (const node of tape) {
    const gradient = node.gradient;
    if (!gradient) continue;
    node.gradient = (dys) => {
      release();
      const thunks = gradient(dys);
      const kept = new Set<Tensor>();
      const summed: Tensor[] = [];
      const tracked: Record<string, () => Tensor> = {};
      for (const [input, thunk] of Object.entries(thunks)) {
        tracked[input] = () => {
          const dx = thunk();
          const x = node.inputs[input]!;
          if (received.has(x.id)) summed.push(dx);
          else {
            received.add(x.id);
            kept.add(dx);
          }
          return dx;
        };
      }
      // Released when the next node starts, after tfjs has stored or summed this node's gradients.
      previous = { dys, kept, summed };
      return tracked;
    };
  }
}
