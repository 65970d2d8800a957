/** Dataset readers: official binaries, the mnist package and image folders, into uint8 NHWC memory; batches as float32. */
export { CIFAR10_SOURCE, STL10_SOURCE, type ArchiveSource } from './catalog.js';
export { describeDataset, type DatasetDescription, type FileStatus } from './describe.js';
export { DatasetError } from './errors.js';
export { loadDataset } from './load.js';
export { resizeBilinear } from './resize.js';
export { BatchSampler, type Batch, type SamplerOptions, type SamplerState } from './sampler.js';
export { DATASET_NAMES, type DatasetConfig, type DatasetName, type DatasetSplit, type ImageDataset } from './types.js';
export { verifyArchive, type ArchiveCheck } from './verify.js';
