import { expect, it } from 'vitest';
import { foldKernels, type FoldLayout } from '../../../src/ml/ops/fold.js';
import { tf, type Scalar, type Tensor, type Tensor1D } from '../../../src/ml/tf.js';
import { Random } from '../../../src/util/random.js';
import { describeBackends } from '../helpers/backends.js';

/** conv 3x3, conv 5x5, dilated 3x3 in the dense 5x5 footprint; dilated 5x5 in the dilation-2 one. */
const layout: FoldLayout = {
  weights: 5,
  footprints: [
    { size: 5, dilation: 1 },
    { size: 5, dilation: 2 },
  ],
  members: [
    { kernel: 3, dilation: 1, weightIndex: 1, footprint: 0 },
    { kernel: 5, dilation: 1, weightIndex: 2, footprint: 0 },
    { kernel: 3, dilation: 2, weightIndex: 3, footprint: 0 },
    { kernel: 5, dilation: 2, weightIndex: 4, footprint: 1 },
  ],
};
const channels = { in: 3, out: 2 };

describeBackends('foldKernels', (backend) => {
  const splits = async (run: () => Tensor | Tensor[]) => {
    const profile = await tf.profile(run);
    tf.dispose(profile.result as Tensor | Tensor[]);
    return profile.kernels.filter((k) => k.name === 'SplitV').length;
  };

  it('computes no kernel gradients when only the mixing weights are differentiated', async () => {
    const random = new Random(`fold ${backend}`);
    const tensor = (shape: number[]) => tf.tensor(random.fillNormal(new Float32Array(shape.reduce((a, b) => a * b, 1))), shape);
    const kernels = layout.members.map((m) => tensor([m.kernel, m.kernel, channels.in, channels.out]));
    const weights = tensor([layout.weights]) as Tensor1D;
    const probes = layout.footprints.map((f) => tensor([f.size, f.size, channels.in, channels.out]));
    const loss = (ks: readonly Tensor[], w: Tensor1D): Scalar => tf.addN(foldKernels(ks, w, layout, channels).map((k, i) => tf.sum(tf.mul(k, probes[i]!)))) as Scalar;
    const forward = await splits(() => loss(kernels, weights));
    const weightsOnly = await splits(() => tf.grad((w: Tensor) => loss(kernels, w as Tensor1D))(weights));
    const withKernels = await splits(() => tf.grads((...xs: Tensor[]) => loss(xs.slice(0, -1), xs.at(-1) as Tensor1D))([...kernels, weights]));
    // The kernels' gradients are one split of the tap-matrix gradient (the concat's adjoint).
    expect(withKernels).toBe(forward + 1);
    expect(weightsOnly).toBe(forward);
    tf.dispose([...kernels, weights, ...probes]);
  });
});
