import type { Param } from '../params.js';
import { tf, type Variable } from '../tf.js';

/**
 * Exponential moving average of a network's weights, as the reference keeps it
 * (`avg_p.mul_(0.999).add_(0.001, p)` after every generator step). Buffers are not averaged:
 * evaluation uses the averaged weights with the network's current batch-norm statistics.
 */
export class Ema {
  readonly averages = new Map<string, Variable>();

  constructor(
    private readonly params: readonly Param[],
    private readonly decay: number,
  ) {
    for (const p of params) this.averages.set(p.name, tf.tidy(() => tf.variable(tf.clone(p.variable), false)));
  }

  update(): void {
    // One scope per parameter: the temporaries of one update never add up to the network's size.
    for (const p of this.params) {
      const avg = this.averages.get(p.name)!;
      tf.tidy(() => avg.assign(tf.add(tf.mul(avg, this.decay), tf.mul(p.variable, 1 - this.decay))));
    }
  }

  async read(): Promise<Map<string, Float32Array>> {
    const out = new Map<string, Float32Array>();
    for (const [k, v] of this.averages) out.set(k, (await v.data()) as Float32Array);
    return out;
  }

  write(values: ReadonlyMap<string, Float32Array>): void {
    for (const [k, data] of values) {
      const v = this.averages.get(k);
      if (!v) throw new Error(`EMA value for unknown parameter ${k}`);
      v.assign(tf.tensor(data, v.shape, 'float32'));
    }
  }

  dispose(): void {
    for (const v of this.averages.values()) v.dispose();
  }
}
