import { tf, type Tensor, type Variable } from './tf.js';

/**
 * What a variable is for. Weights and architecture parameters get separate optimizers;
 * buffers (spectral-norm vectors, batch-norm statistics) are state, never trained.
 */
export type ParamKind = 'weight' | 'arch' | 'buffer';

export interface Param {
  readonly name: string;
  readonly kind: ParamKind;
  readonly variable: Variable;
}

/**
 * The variables of one network, by stable name (`cells.0.c3.conv_3x3.weight`). Names are ours,
 * not tfjs's (tfjs variable names are global), so two networks can share module names.
 */
export class ParamStore {
  private readonly params = new Map<string, Param>();

  add(name: string, kind: ParamKind, values: Float32Array, shape: readonly number[]): Variable {
    if (this.params.has(name)) throw new Error(`duplicate parameter ${name}`);
    // A variable shares the initial tensor's data; the tensor itself is then released.
    const variable = tf.tidy(() => tf.variable(tf.tensor(values, [...shape], 'float32'), kind !== 'buffer'));
    this.params.set(name, { name, kind, variable });
    return variable;
  }

  /** Registers a variable created elsewhere (e.g. the buffers of a BufferSet). */
  register(name: string, kind: ParamKind, variable: Variable): Variable {
    if (this.params.has(name)) throw new Error(`duplicate parameter ${name}`);
    this.params.set(name, { name, kind, variable });
    return variable;
  }

  get(name: string): Variable {
    const p = this.params.get(name);
    if (!p) throw new Error(`no parameter ${name}`);
    return p.variable;
  }

  list(kind?: ParamKind): Param[] {
    const all = [...this.params.values()];
    return kind ? all.filter((p) => p.kind === kind) : all;
  }

  /** Number of scalars of a kind (e.g. learnable weights, as parameter counts report them). */
  size(kind: ParamKind): number {
    return this.list(kind).reduce((n, p) => n + p.variable.size, 0);
  }

  /** Copies every value out (checkpoints, EMA swaps). */
  async read(kind?: ParamKind): Promise<Map<string, Float32Array>> {
    const out = new Map<string, Float32Array>();
    for (const p of this.list(kind)) out.set(p.name, (await p.variable.data()) as Float32Array);
    return out;
  }

  /** Assigns values by name; every name must exist and match in size. */
  write(values: ReadonlyMap<string, Float32Array>): void {
    for (const [name, data] of values) {
      const v = this.get(name);
      if (data.length !== v.size) throw new Error(`parameter ${name}: expected ${v.size} values, got ${data.length}`);
      v.assign(tf.tensor(data, v.shape, 'float32'));
    }
  }

  /** Assigns from tensors (kept by the caller), without a round trip through JavaScript. */
  assignTensors(values: ReadonlyMap<string, Tensor>): void {
    for (const [name, t] of values) this.get(name).assign(t);
  }

  dispose(): void {
    for (const p of this.params.values()) p.variable.dispose();
    this.params.clear();
  }
}
