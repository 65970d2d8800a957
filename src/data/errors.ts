/**
 * Every failure to find or read a dataset is a `DatasetError`: the message
 * names the dataset, the file or directory, what was expected and what to do,
 * so the CLI can print it as is (no stack trace needed).
 */
import type { DatasetName } from './types.js';

export class DatasetError extends Error {
  override readonly name = 'DatasetError';
  constructor(
    /** Unknown only for an archive checked by MD5 that is none of the official ones. */
    readonly dataset: DatasetName | undefined,
    message: string,
    readonly file?: string,
  ) {
    super(dataset ? `${dataset}: ${message}` : message);
  }
}
