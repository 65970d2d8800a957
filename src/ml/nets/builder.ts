import type { InitKind } from '../../spec/types.js';
import type { Random } from '../../util/random.js';
import { createBatchNormBuffers } from '../ops/batch_norm.js';
import type { BufferSet } from '../ops/buffers.js';
import { batchNormGammaInit, convBiasInit, convWeightInit, depthwiseTransposeWeightInit, linearBiasInit, linearWeightInit } from '../ops/init.js';
import { createSpectralNormBuffers } from '../ops/spectral_norm.js';
import type { SpectralNormMember } from '../ops/spectral_norm_group.js';
import { FAST_PATH, type FastPath } from '../fastPath.js';
import { ParamStore } from '../params.js';
import type { Variable } from '../tf.js';

export interface ConvWeights {
  readonly weight: Variable;
  readonly bias?: Variable;
  /** u, v of the spectral norm, when the conv is spectrally normalised. */
  readonly sn?: BufferSet<'u' | 'v'>;
}

export interface LinearWeights {
  readonly weight: Variable;
  readonly bias?: Variable;
  readonly sn?: BufferSet<'u' | 'v'>;
}

export interface BatchNormWeights {
  readonly gamma: Variable;
  readonly beta: Variable;
  readonly stats: BufferSet<'mean' | 'variance'>;
}

/**
 * Creates a network's variables with the reference's initialisation and names them:
 * convolution kernels follow the spec's `init` (the reference's weights_init touches Conv2d
 * weights only), biases, linear layers and transposed convolutions keep PyTorch's defaults,
 * batch-norm scales are N(1, 0.02) and shifts 0. All draws come from one seeded stream.
 */
export class NetBuilder {
  readonly params = new ParamStore();
  readonly buffers: BufferSet<string>[] = [];
  /** Every spectrally normalised weight with its u, v, in creation order. */
  readonly spectralNormMembers: SpectralNormMember[] = [];

  constructor(
    private readonly random: Random,
    private readonly init: InitKind,
    private readonly spectralNorm: boolean,
    readonly fastPath: FastPath = FAST_PATH,
  ) {}

  conv(name: string, o: { kernel: number; cin: number; cout: number; bias?: boolean; spectralNorm?: boolean }): ConvWeights {
    const shape = [o.kernel, o.kernel, o.cin, o.cout] as const;
    const weight = this.params.add(`${name}.weight`, 'weight', convWeightInit(this.init, shape, this.random), shape);
    const bias = o.bias === false ? undefined : this.params.add(`${name}.bias`, 'weight', convBiasInit(shape, this.random), [o.cout]);
    const sn = (o.spectralNorm ?? this.spectralNorm) ? this.snBuffers(name, weight) : undefined;
    return { weight, ...(bias ? { bias } : {}), ...(sn ? { sn } : {}) };
  }

  /** PyTorch ConvTranspose2d(C, C, k, groups=C, bias=False): weight [k, k, C, 1]. */
  depthwiseTranspose(name: string, o: { kernel: number; channels: number }): Variable {
    const shape = [o.kernel, o.kernel, o.channels, 1] as const;
    return this.params.add(`${name}.weight`, 'weight', depthwiseTransposeWeightInit(shape, this.random), shape);
  }

  linear(name: string, o: { inFeatures: number; outFeatures: number; bias?: boolean; spectralNorm?: boolean }): LinearWeights {
    const shape = [o.inFeatures, o.outFeatures] as const;
    const weight = this.params.add(`${name}.weight`, 'weight', linearWeightInit(shape, this.random), shape);
    const bias = o.bias === false ? undefined : this.params.add(`${name}.bias`, 'weight', linearBiasInit(shape, this.random), [o.outFeatures]);
    const sn = (o.spectralNorm ?? this.spectralNorm) ? this.snBuffers(name, weight) : undefined;
    return { weight, ...(bias ? { bias } : {}), ...(sn ? { sn } : {}) };
  }

  batchNorm(name: string, channels: number): BatchNormWeights {
    const gamma = this.params.add(`${name}.gamma`, 'weight', batchNormGammaInit(channels, this.random), [channels]);
    const beta = this.params.add(`${name}.beta`, 'weight', new Float32Array(channels), [channels]);
    const stats = createBatchNormBuffers(channels);
    this.params.register(`${name}.running_mean`, 'buffer', stats.variables.mean);
    this.params.register(`${name}.running_var`, 'buffer', stats.variables.variance);
    this.buffers.push(stats);
    return { gamma, beta, stats };
  }

  private snBuffers(name: string, weight: Variable): BufferSet<'u' | 'v'> {
    const sn = createSpectralNormBuffers(weight.shape, this.random);
    this.params.register(`${name}.sn_u`, 'buffer', sn.variables.u);
    this.params.register(`${name}.sn_v`, 'buffer', sn.variables.v);
    this.buffers.push(sn);
    this.spectralNormMembers.push({ weight, buffers: sn });
    return sn;
  }
}
