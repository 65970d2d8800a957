import { ADAM_CHUNK_ELEMENTS } from '../../nas/memory.js';
import type { AdamDef } from '../../spec/types.js';
import type { Param } from '../params.js';
import { tf, type Tensor, type Variable } from '../tf.js';

export interface AdamState {
  readonly step: number;
  readonly m: Map<string, Float32Array>;
  readonly v: Map<string, Float32Array>;
}

interface Segment {
  readonly param: Param;
  /** Offset in its chunk's flat buffers. */
  readonly offset: number;
  readonly size: number;
}

/** Consecutive parameters whose moments share two flat buffers. */
interface Chunk {
  readonly segments: readonly Segment[];
  readonly size: number;
  readonly m: Variable;
  readonly v: Variable;
}

/**
 * Elements per chunk of a fused step. A step holds 13 to 18 temporaries of its chunk's size at
 * once (gradient and parameter copies, the moments' terms: `adamTemporaries` in
 * src/nas/memory.ts counts them for the memory estimate), so chunks bound the step's transient
 * memory (the paper's 29M-weight generator would otherwise need ~1.7 GB for it) while keeping
 * the kernel count low.
 */
const CHUNK_ELEMENTS = ADAM_CHUNK_ELEMENTS;

/**
 * A moment variable of zeros. Made in a scope: a variable shares the memory of the tensor it is
 * made from, and that tensor, left alive, would keep the zeros allocated after the first step
 * replaces them (two copies of the optimized weights: 322 MB at the paper's search widths).
 */
const zeroMoment = (shape: readonly number[]): Variable => tf.tidy(() => tf.variable(tf.zeros([...shape]), false));

/**
 * Adam exactly as PyTorch 1.x (`torch.optim.Adam`, amsgrad off): weight decay is an L2 term
 * added to the gradient, and p -= lr/(1-β1^t) · m / (√v/√(1-β2^t) + ε). Its state is plain
 * data so that checkpoints restore it bit for bit. The learning rate can change per step
 * (linear decay).
 *
 * Fused (the default): the moments live in flat buffers over chunks of consecutive parameters,
 * and one step concatenates a chunk's gradients and parameters, updates them with the same
 * elementwise formula in a dozen large ops, and splits the new values back: the same float32
 * operations per element as the per-parameter formula, in ~2n + 15 per chunk kernels instead
 * of ~10n. Each chunk (and, unfused, each parameter) is updated in its own tidy scope, which
 * bounds the step's transient memory.
 */
export class Adam {
  private step = 0;
  private readonly m = new Map<string, Variable>();
  private readonly v = new Map<string, Variable>();
  private readonly chunks: Chunk[] = [];
  private readonly fusedSteps: boolean;

  constructor(
    private readonly params: readonly Param[],
    private readonly config: AdamDef,
    options: { readonly fused?: boolean; /** Elements per fused chunk (tests use small ones). */ readonly chunkElements?: number } = {},
  ) {
    this.fusedSteps = options.fused ?? true;
    if (this.fusedSteps) {
      let pending: Segment[] = [];
      let size = 0;
      const close = () => {
        if (pending.length === 0) return;
        this.chunks.push({ segments: pending, size, m: zeroMoment([size]), v: zeroMoment([size]) });
        pending = [];
        size = 0;
      };
      for (const param of params) {
        if (size > 0 && size + param.variable.size > (options.chunkElements ?? CHUNK_ELEMENTS)) close();
        pending.push({ param, offset: size, size: param.variable.size });
        size += param.variable.size;
      }
      close();
    } else {
      for (const p of params) {
        this.m.set(p.name, zeroMoment(p.variable.shape));
        this.v.set(p.name, zeroMoment(p.variable.shape));
      }
    }
  }

  get learningRate(): number {
    return this.config.lr;
  }

  get fused(): boolean {
    return this.fusedSteps;
  }

  /** Applies one update from gradients keyed by parameter name; disposes nothing it was given. */
  apply(grads: Readonly<Record<string, Tensor>>, lr = this.config.lr): void {
    this.step += 1;
    const beta1 = this.config.betas[0]!;
    const beta2 = this.config.betas[1]!;
    const { eps, weightDecay } = this.config;
    const stepSize = lr / (1 - beta1 ** this.step);
    const bias2 = Math.sqrt(1 - beta2 ** this.step);
    // The update of p, m, v for one gradient g (flat or per parameter): the same ops either way.
    const update = (p: Tensor, gradient: Tensor, m: Tensor, v: Tensor) => {
      const g = weightDecay ? tf.add(gradient, tf.mul(p, weightDecay)) : gradient;
      const m1 = beta1 === 0 ? g : tf.add(tf.mul(m, beta1), tf.mul(g, 1 - beta1));
      const v1 = tf.add(tf.mul(v, beta2), tf.mul(tf.square(g), 1 - beta2));
      const denom = tf.add(tf.div(tf.sqrt(v1), bias2), eps);
      return { p: tf.sub(p, tf.mul(tf.div(m1, denom), stepSize)), m: m1, v: v1 };
    };
    if (this.fusedSteps) {
      for (const chunk of this.chunks) tf.tidy(() => this.applyChunk(chunk, grads, update));
      return;
    }
    for (const p of this.params) {
      const g = grads[p.name];
      if (!g) continue;
      tf.tidy(() => {
        const m = this.m.get(p.name)!;
        const v = this.v.get(p.name)!;
        const next = update(p.variable, g, m, v);
        m.assign(next.m);
        v.assign(next.v);
        p.variable.assign(next.p);
      });
    }
  }

  private applyChunk(chunk: Chunk, grads: Readonly<Record<string, Tensor>>, update: (p: Tensor, g: Tensor, m: Tensor, v: Tensor) => { p: Tensor; m: Tensor; v: Tensor }): void {
    const present = chunk.segments.filter((s) => grads[s.param.name] !== undefined);
    if (present.length === 0) return;
    const all = present.length === chunk.segments.length;
    const concat = (parts: Tensor[]) => (parts.length === 1 ? parts[0]! : tf.concat(parts));
    const flatten = (t: Tensor) => tf.reshape(t, [-1]);
    const slice = (t: Tensor, s: Segment) => tf.slice(t, [s.offset], [s.size]);
    const g = concat(present.map((s) => flatten(grads[s.param.name]!)));
    const p = concat(present.map((s) => flatten(s.param.variable)));
    const m = all ? chunk.m : concat(present.map((s) => slice(chunk.m, s)));
    const v = all ? chunk.v : concat(present.map((s) => slice(chunk.v, s)));
    const next = update(p, g, m, v);
    const sizes = present.map((s) => s.size);
    const parts = present.length === 1 ? [next.p] : tf.split(next.p, sizes);
    present.forEach((s, i) => s.param.variable.assign(tf.reshape(parts[i]!, s.param.variable.shape)));
    if (all) {
      chunk.m.assign(next.m);
      chunk.v.assign(next.v);
      return;
    }
    // Parameters without a gradient keep their moments (PyTorch skips them).
    const merge = (old: Tensor, updated: Tensor) => {
      const pieces = present.length === 1 ? [updated] : tf.split(updated, sizes);
      const byName = new Map(present.map((s, i) => [s.param.name, pieces[i]!]));
      return concat(chunk.segments.map((s) => byName.get(s.param.name) ?? slice(old, s)));
    };
    chunk.m.assign(merge(chunk.m, next.m));
    chunk.v.assign(merge(chunk.v, next.v));
  }

  async getState(): Promise<AdamState> {
    if (this.fusedSteps) {
      const m = new Map<string, Float32Array>();
      const v = new Map<string, Float32Array>();
      for (const chunk of this.chunks) {
        const [mAll, vAll] = [(await chunk.m.data()) as Float32Array, (await chunk.v.data()) as Float32Array];
        for (const s of chunk.segments) {
          m.set(s.param.name, mAll.slice(s.offset, s.offset + s.size));
          v.set(s.param.name, vAll.slice(s.offset, s.offset + s.size));
        }
      }
      return { step: this.step, m, v };
    }
    const read = async (map: Map<string, Variable>) => {
      const out = new Map<string, Float32Array>();
      for (const [k, t] of map) out.set(k, (await t.data()) as Float32Array);
      return out;
    };
    return { step: this.step, m: await read(this.m), v: await read(this.v) };
  }

  setState(state: AdamState): void {
    this.step = state.step;
    if (this.fusedSteps) {
      const where = new Map(this.chunks.flatMap((chunk) => chunk.segments.map((s) => [s.param.name, { chunk, s }] as const)));
      for (const key of ['m', 'v'] as const) {
        const values = state[key];
        for (const name of values.keys()) if (!where.has(name)) throw new Error(`optimizer state for unknown parameter ${name}`);
        for (const chunk of this.chunks) {
          // Built on the host from the state alone (no read back from the device): a parameter the
          // state does not name has zero moments, as one that never had a gradient.
          const all = new Float32Array(chunk.size);
          for (const s of chunk.segments) {
            const data = values.get(s.param.name);
            if (data === undefined) continue;
            if (data.length !== s.size) throw new Error(`optimizer state for ${s.param.name}: expected ${s.size} values, got ${data.length}`);
            all.set(data, s.offset);
          }
          tf.tidy(() => chunk[key].assign(tf.tensor1d(all)));
        }
      }
      return;
    }
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
    for (const chunk of this.chunks) {
      chunk.m.dispose();
      chunk.v.dispose();
    }
  }
}
