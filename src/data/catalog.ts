/**
 * What the official binary distributions contain, where to get them and how
 * big each file is: the single source for readers, `describeDataset` and the
 * "how to get it" part of error messages.
 */

export interface CatalogFile {
  name: string;
  /** Exact size in the official distribution. */
  bytes: number;
}

export interface ArchiveSource {
  url: string;
  md5: string;
  /** The folder the archive extracts to; readers accept it or its parent as root. */
  folder: string;
}

export const CIFAR10_RECORD_BYTES = 1 + 3 * 32 * 32;
export const CIFAR10_TRAIN_FILES = ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'];
export const CIFAR10_TEST_FILES = ['test_batch.bin'];

export const CIFAR10_SOURCE: ArchiveSource = {
  url: 'https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz',
  md5: 'c32a1d4ab5d03f1284b67883e8d87530',
  folder: 'cifar-10-batches-bin',
};

export const CIFAR10_FILES: CatalogFile[] = [...CIFAR10_TRAIN_FILES, ...CIFAR10_TEST_FILES].map((name) => ({
  name,
  bytes: 10_000 * CIFAR10_RECORD_BYTES,
}));

export const STL10_SIDE = 96;
export const STL10_IMAGE_BYTES = 3 * STL10_SIDE * STL10_SIDE;

export const STL10_SOURCE: ArchiveSource = {
  url: 'https://ai.stanford.edu/~acoates/stl10/stl10_binary.tar.gz',
  md5: '91f7769df0f17e558f3565bffb0c7dfb',
  folder: 'stl10_binary',
};

export const STL10_FILES: CatalogFile[] = [
  { name: 'train_X.bin', bytes: 5_000 * STL10_IMAGE_BYTES },
  { name: 'train_y.bin', bytes: 5_000 },
  { name: 'test_X.bin', bytes: 8_000 * STL10_IMAGE_BYTES },
  { name: 'test_y.bin', bytes: 8_000 },
  { name: 'unlabeled_X.bin', bytes: 100_000 * STL10_IMAGE_BYTES },
];

/** The sentence that ends a "files are missing" error. */
export function howToGet(source: ArchiveSource, root: string): string {
  const archive = source.url.slice(source.url.lastIndexOf('/') + 1);
  return (
    `Download ${source.url} (MD5 ${source.md5}) and extract it into ${root} ` +
    `(tar xzf ${archive} -C ${root}), which creates ${source.folder}/.`
  );
}
