export { batchNorm2d, batchNorm2dTracked, createBatchNormBuffers, BATCH_NORM_EPS, BATCH_NORM_MOMENTUM } from './batch_norm.js';
export type { BatchNormOptions, BatchNormParams, BatchNormStats } from './batch_norm.js';
export { BufferSet } from './buffers.js';
export { disposeConstants } from './constants.js';
export { conv2d, convOutputSize, type Conv2dOptions } from './conv2d.js';
export { convTransposeOutputSize, depthwiseConvTranspose2d, type DepthwiseConvTranspose2dOptions } from './depthwise_conv_transpose.js';
export {
  batchNormGammaInit,
  convBiasInit,
  convWeightInit,
  depthwiseTransposeWeightInit,
  initBias,
  initWeight,
  linearBiasInit,
  linearWeightInit,
  torchFans,
  type Fans,
  type WeightInit,
  type WeightLayout,
} from './init.js';
export { linear } from './linear.js';
export { avgPool2x2, maxPool2x2 } from './pool.js';
export { resize, type ResizeMode, type ResizeOptions } from './resize.js';
export {
  createSpectralNormBuffers,
  initialSpectralNormVectors,
  spectralNorm,
  spectralNormWeight,
  SPECTRAL_NORM_EPS,
  type SpectralNormResult,
  type SpectralNormVectors,
} from './spectral_norm.js';
