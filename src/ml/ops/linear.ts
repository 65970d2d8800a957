/**
 * nn.Linear: y = x W^T + b in PyTorch, with our weight stored transposed as [in, out] so that
 * the product is a plain matMul (no transposed operand: see constants.ts on transposeA).
 */
import { tf, type Tensor1D, type Tensor2D } from '../tf.js';

export function linear(x: Tensor2D, weight: Tensor2D, bias?: Tensor1D | null): Tensor2D {
  if (x.shape[1] !== weight.shape[0]) {
    throw new Error(`linear: input has ${x.shape[1]} features, weight [${weight.shape}] expects ${weight.shape[0]}`);
  }
  const y = tf.matMul(x, weight) as Tensor2D;
  return bias ? (tf.add(y, bias) as Tensor2D) : y;
}
