/** Plain data types of the dataset readers (no I/O here). */

/** The dataset names a spec may use; also the union type. */
export const DATASET_NAMES = ['cifar10', 'stl10', 'mnist', 'folder'] as const;
export type DatasetName = (typeof DATASET_NAMES)[number];

/**
 * Which images: CIFAR-10 and MNIST know `train` and `test` (MNIST's package has
 * only one set, served as `train`); STL-10 also `unlabeled` and the paper's
 * `train+unlabeled` (its default). Folders ignore the split.
 */
export type DatasetSplit = 'train' | 'test' | 'unlabeled' | 'train+unlabeled';

export interface DatasetConfig {
  dataset: DatasetName;
  /** Directory of the files (or its parent, see each reader); unused for mnist. */
  root: string;
  /** Side of the square images produced. */
  imageSize: number;
  channels: 1 | 3;
  /** Keep only the first N images (read no more than needed). */
  limit?: number;
  split?: DatasetSplit;
  /**
   * cifar10, stl10: `official` refuses a file whose size is not the official distribution's
   * (a truncated download); `records` (the default here; specs default to `official`) accepts
   * any whole number of records.
   */
  check?: 'official' | 'records';
}

/** Images in memory, uint8, NHWC; batches are made from it by `BatchSampler`. */
export interface ImageDataset {
  readonly name: DatasetName;
  readonly split: DatasetSplit;
  readonly size: number;
  readonly height: number;
  readonly width: number;
  readonly channels: 1 | 3;
  /** size × height × width × channels. */
  readonly pixels: Uint8Array;
  /** One class index per image, when every image has one. */
  readonly labels?: Uint8Array;
  readonly classes?: number;
  /** The files read, for provenance in reports and cache keys. */
  readonly files: readonly string[];
}
