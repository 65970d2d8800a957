import type { EdgeModel } from '../../nas/space.js';
import { tf, type Tensor, type Tensor1D, type Tensor4D } from '../tf.js';
import type { NetBuilder } from './builder.js';
import { buildCandidate, type Candidate } from './candidate.js';
import type { ForwardContext } from './context.js';
import { foldedTerms, planFold, type FoldPlan } from './foldedEdge.js';

/**
 * One edge of a cell: in a super-network, the weighted sum of all its candidate operations
 * (DARTS relaxation); in a derived network, its single chosen operation. Zero candidates are
 * not computed: they contribute nothing to the sum, and their architecture weight still gets
 * its gradient through the softmax of the others.
 */
export class Edge {
  readonly candidates: readonly Candidate[];
  private readonly indices: readonly number[];
  /** How a super-network edge folds its convolutions (fast path), if it can. */
  readonly fold?: FoldPlan;

  constructor(
    b: NetBuilder,
    prefix: string,
    readonly model: EdgeModel,
    /** The chosen operation's name in a derived network; all candidates otherwise. */
    chosen?: string,
  ) {
    const ops = model.ops.map((op, i) => ({ op, i })).filter(({ op }) => chosen === undefined || op.name === chosen);
    if (chosen !== undefined && ops.length !== 1) throw new Error(`edge ${model.name}: no candidate named ${chosen}`);
    const live = ops.filter(({ op }) => op.def.type !== 'zero');
    this.candidates = live.map(({ op }) => buildCandidate(b, `${prefix}.${op.name}`, op.def, model.inChannels, model.outChannels));
    this.indices = live.map(({ i }) => i);
    const fold = chosen === undefined && b.fastPath.foldEdges ? planFold(this.candidates, this.indices, model.ops.length, { in: model.inChannels, out: model.outChannels }) : undefined;
    if (fold) this.fold = fold;
  }

  forward(x: Tensor4D, ctx: ForwardContext, weights?: Tensor1D): Tensor4D {
    if (!weights) {
      if (this.candidates.length !== 1) throw new Error(`edge ${this.model.name}: a super-network edge needs mixing weights`);
      return this.candidates[0]!.forward(x, ctx);
    }
    if (this.fold) return tf.addN(foldedTerms(this.fold, x, ctx, weights)) as Tensor4D;
    const w = tf.unstack(weights);
    const terms: Tensor[] = this.candidates.map((c, k) => tf.mul(c.forward(x, ctx), w[this.indices[k]!]!));
    if (terms.length === 0) throw new Error(`edge ${this.model.name} has only zero operations`);
    return (terms.length === 1 ? terms[0]! : tf.addN(terms)) as Tensor4D;
  }
}
