/**
 * Spectral normalisation of many weights of one shape at once: the same computation as
 * spectral_norm.ts (PyTorch's spectral_norm, one power iteration per forward call per weight,
 * u and v staged and committed after the step), batched over the group, so that a
 * super-network's ~130 normalised convolutions cost a few dozen kernels per forward pass instead
 * of ~2,000 (tf.norm alone is eight kernels per call).
 *
 * The committed u and v stay in each weight's own BufferSet (checkpoints name them per weight);
 * the group stages its updates as [G, out] and [G, K] tensors and writes them back to the
 * members' variables on commit. A forward pass must not mix this and the per-weight path
 * between two commits (checked).
 */
import { tf, type Tensor, type Tensor2D, type Tensor3D, type Variable } from '../tf.js';
import type { BufferSet } from './buffers.js';
import { SPECTRAL_NORM_EPS } from './spectral_norm.js';

export interface SpectralNormMember {
  readonly weight: Variable;
  readonly buffers: BufferSet<'u' | 'v'>;
}

/** x / max(|x|, eps) along the last axis (sqrt of a sum of squares: tf.norm costs eight kernels). */
function normalizeLast(x: Tensor, eps: number): Tensor {
  return tf.div(x, tf.maximum(tf.sqrt(tf.sum(tf.square(x), -1, true)), eps));
}

/**
 * One power iteration for every member: v = normalize(W^T u), u' = normalize(W v), returned
 * packed as [G, out + K]. It runs inside a custom-gradient node whose only input is u, with the
 * (taped) weight stack captured by the closure: nothing connects the result to the weights on
 * the gradient tape, which is PyTorch's torch.no_grad() around the iteration. Its gradient
 * function is never called (u does not depend on anything being differentiated).
 */
function powerIteration(stack: Tensor3D, u: Tensor2D, eps: number): Tensor2D {
  const [g, k, out] = stack.shape;
  const iterate = tf.customGrad((...inputs) => {
    const uIn = inputs[0] as Tensor2D;
    // Our stack holds W^T ([K, out] per member): W^T u = stack @ u, and (W v)^T = v^T @ stack.
    const v = normalizeLast(tf.reshape(tf.matMul(stack, tf.reshape(uIn, [g, out, 1])), [g, 1, k]), eps) as Tensor3D;
    const uNext = normalizeLast(tf.matMul(v, stack), eps);
    return {
      value: tf.concat([tf.reshape(uNext, [g, out]), tf.reshape(v, [g, k])], 1),
      gradFunc: () => tf.zerosLike(uIn),
    };
  });
  return iterate(u) as Tensor2D;
}

export class SpectralNormGroup {
  private readonly k: number;
  private readonly out: number;
  private latest: { readonly u: Tensor2D; readonly v: Tensor2D } | undefined;
  private readonly pending: Tensor[] = [];

  constructor(
    readonly members: readonly SpectralNormMember[],
    private readonly eps = SPECTRAL_NORM_EPS,
  ) {
    const shape = members[0]?.weight.shape;
    if (!shape) throw new Error('SpectralNormGroup: no members');
    if (members.some((m) => m.weight.shape.join() !== shape.join())) throw new Error('SpectralNormGroup: members differ in shape');
    this.out = shape[shape.length - 1]!;
    this.k = shape.reduce((a, b) => a * b, 1) / this.out;
  }

  /**
   * weight / sigma for every member, in member order, each as the [1, K, out] matrix W^T (the
   * memory of the weight; reshape to use it as a kernel). In training mode one power iteration
   * runs first and its u, v are staged (later forwards read them; commit() stores them).
   */
  normalise(training: boolean): Tensor3D[] {
    const { k, out } = this;
    const g = this.members.length;
    if (this.members.some((m) => m.buffers.hasStaged)) {
      throw new Error('SpectralNormGroup: a member has per-weight staged updates; commit them first');
    }
    // Stacked along the first axis, which every member shares in size: no per-member reshape.
    const stack = tf.reshape(g === 1 ? this.members[0]!.weight : tf.concat(this.members.map((m) => m.weight), 0), [g, k, out]) as Tensor3D;
    let u = this.latest?.u ?? this.stacked('u', out);
    let v = this.latest?.v ?? this.stacked('v', k);
    if (training) {
      const [uNext, vNext] = tf.split(powerIteration(stack, u, this.eps), [out, k], 1) as [Tensor2D, Tensor2D];
      u = tf.keep(uNext);
      v = tf.keep(vNext);
      this.pending.push(u, v);
      this.latest = { u, v };
    }
    // sigma = u . (W v) with u, v constants: the gradient reaches the weights through it.
    const wv = tf.matMul(tf.reshape(v, [g, 1, k]), stack);
    const sigma = tf.sum(tf.mul(wv, tf.reshape(u, [g, 1, out])), -1, true);
    const normalised = tf.div(stack, sigma) as Tensor3D;
    return g === 1 ? [normalised] : (tf.split(normalised, g, 0) as Tensor3D[]);
  }

  get hasStaged(): boolean {
    return this.latest !== undefined;
  }

  /** Writes the latest u, v into the members' variables and releases everything staged. */
  commit(): void {
    if (this.latest) {
      const g = this.members.length;
      const split = (t: Tensor2D) => (g === 1 ? [tf.reshape(t, [-1])] : tf.split(tf.reshape(t, [-1]), g));
      tf.tidy(() => {
        const us = split(this.latest!.u);
        const vs = split(this.latest!.v);
        this.members.forEach((m, i) => {
          m.buffers.variables.u.assign(us[i]!);
          m.buffers.variables.v.assign(vs[i]!);
        });
      });
    }
    this.discard();
  }

  discard(): void {
    for (const t of this.pending) if (!t.isDisposed) t.dispose();
    this.pending.length = 0;
    this.latest = undefined;
  }

  private stacked(key: 'u' | 'v', size: number): Tensor2D {
    const parts = this.members.map((m) => m.buffers.variables[key]);
    return tf.reshape(parts.length === 1 ? parts[0]! : tf.concat(parts), [parts.length, size]) as Tensor2D;
  }
}

/** Groups members by weight shape, in first-seen order. */
export function groupByShape(members: readonly SpectralNormMember[]): SpectralNormGroup[] {
  const byShape = new Map<string, SpectralNormMember[]>();
  for (const m of members) {
    const key = m.weight.shape.join('x');
    byShape.set(key, [...(byShape.get(key) ?? []), m]);
  }
  return [...byShape.values()].map((group) => new SpectralNormGroup(group));
}
