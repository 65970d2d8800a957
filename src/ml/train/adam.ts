import type { AdamDef } from '../../spec/types.js';
import type { Param } from '../params.js';
import { tf, type Tensor, type Variable } from '../tf.js';

export interface AdamState {
  readonly step: number;
  readonly m: Map<string, Float32Array>;
  readonly v: Map<string, Float32Array>;
}

/**
 * Adam exactly as PyTorch 1.x (`torch.optim.Adam`, amsgrad off): weight decay is an L2 term
 * added to the gradient, and p -= lr/(1-β1^t) · m / (√v/√(1-β2^t) + ε). Its state is plain
 * data so that checkpoints restore it bit for bit. The learning rate can change per step
 * (linear decay).
 */
export class Adam {
  private step = 0;
  private readonly m = new Map<string, Variable>();
  private readonly v = new Map<string, Variable>();

  constructor(
    private readonly params: readonly Param[],
    private readonly config: AdamDef,
  ) {
    for (const p of params) {
      this.m.set(p.name, tf.variable(tf.zerosLike(p.variable), false));
      this.v.set(p.name, tf.variable(tf.zerosLike(p.variable), false));
    }
  }

  get learningRate(): number {
    return this.config.lr;
  }

  /** Applies one update from gradients keyed by parameter name; disposes nothing it was given. */
  apply(grads: Readonly<Record<string, Tensor>>, lr = this.config.lr): void {
    this.step += 1;
    const beta1 = this.config.betas[0]!;
    const beta2 = this.config.betas[1]!;
    const { eps, weightDecay } = this.config;
    const stepSize = lr / (1 - beta1 ** this.step);
    const bias2 = Math.sqrt(1 - beta2 ** this.step);
    tf.tidy(() => {
      for (const p of this.params) {
        let g = grads[p.name];
        if (!g) continue;
        if (weightDecay) g = tf.add(g, tf.mul(p.variable, weightDecay));
        const m = this.m.get(p.name)!;
        const v = this.v.get(p.name)!;
        const m1 = beta1 === 0 ? g : tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
        const v1 = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2));
        const denom = tf.add(tf.div(tf.sqrt(v1), bias2), eps);
        m.assign(m1);
        v.assign(v1);
        p.variable.assign(tf.sub(p.variable, tf.mul(tf.div(m1, denom), stepSize)));
      }
    });
  }

  async getState(): Promise<AdamState> {
    const read = async (map: Map<string, Variable>) => {
      const out = new Map<string, Float32Array>();
      for (const [k, t] of map) out.set(k, (await t.data()) as Float32Array);
      return out;
    };
    return { step: this.step, m: await read(this.m), v: await read(this.v) };
  }

  setState(state: AdamState): void {
    this.step = state.step;
    for (const [map, values] of [
      [this.m, state.m],
      [this.v, state.v],
    ] as const) {
      for (const [k, data] of values) {
        const t = map.get(k);
        if (!t) throw new Error(`optimizer state for unknown parameter ${k}`);
        t.assign(tf.tensor(data, t.shape, 'float32'));
      }
    }
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
  }
}
