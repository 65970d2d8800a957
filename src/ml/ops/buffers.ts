/**
 * Non-trainable state that forward passes update in training mode: spectral-norm u and v,
 * batch-norm running statistics (PyTorch "buffers").
 *
 * PyTorch updates a buffer in place during each forward call, so a second forward in the same
 * step (D on real images, then on fakes) already sees the first call's update. Here a forward
 * *stages* its new values instead: later forwards read the staged values, and the caller
 * commits them to the variables after the optimizer step. Assigning a variable in the middle of
 * a gradient computation would be wrong: tf.Variable.assign swaps the data under a tensor the
 * tape may have saved for the backward pass.
 *
 * Every training-mode forward stages, also one outside a gradient computation (PyTorch updates
 * BatchNorm statistics even under no_grad, e.g. G(z).detach() in a D step): commit() or
 * discard() after each step. Staged tensors are tf.keep()-ed, so forwards may run inside tidy or
 * tf.variableGrads; they are released by commit() or discard(), not before (earlier ones may
 * still be on the gradient tape).
 *
 * The constructor shares (reference-counted) the initial tensors' data; the caller still owns
 * and disposes them.
 */
import { tf, type Tensor, type Variable } from '../tf.js';

export class BufferSet<K extends string> {
  private readonly vars: Readonly<Record<K, Variable>>;
  private readonly latest = new Map<K, Tensor>();
  private readonly pending: Tensor[] = [];

  constructor(initial: Readonly<Record<K, Tensor>>, namePrefix?: string) {
    const vars = {} as Record<K, Variable>;
    for (const key of Object.keys(initial) as K[]) {
      const name = namePrefix === undefined ? undefined : `${namePrefix}/${key}`;
      vars[key] = tf.variable(initial[key], false, name);
    }
    this.vars = vars;
  }

  /** The committed variables (for checkpoints). */
  get variables(): Readonly<Record<K, Variable>> {
    return this.vars;
  }

  /** The value a forward pass should read: the latest staged one, else the committed one. */
  read(key: K): Tensor {
    return this.latest.get(key) ?? this.vars[key];
  }

  /** Records new values from a training-mode forward; they become visible to later reads. */
  stage(values: Partial<Readonly<Record<K, Tensor>>>): void {
    for (const key of Object.keys(values) as K[]) {
      const value = values[key];
      if (value === undefined) continue;
      tf.keep(value);
      this.pending.push(value);
      this.latest.set(key, value);
    }
  }

  /** Whether uncommitted values are staged. */
  get hasStaged(): boolean {
    return this.latest.size > 0;
  }

  /** Writes the latest staged values into the variables and releases everything staged. */
  commit(): void {
    for (const [key, value] of this.latest) this.vars[key].assign(value);
    this.release();
  }

  /** Drops staged values (e.g. when a step fails). */
  discard(): void {
    this.release();
  }

  dispose(): void {
    this.release();
    for (const v of Object.values(this.vars) as Variable[]) v.dispose();
  }

  private release(): void {
    const variables = new Set<Tensor>(Object.values(this.vars) as Variable[]);
    for (const t of this.pending) if (!variables.has(t) && !t.isDisposed) t.dispose();
    this.pending.length = 0;
    this.latest.clear();
  }
}
