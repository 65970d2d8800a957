/**
 * A feature network that cannot be loaded or used: a missing or malformed model directory,
 * output names the model lacks, a classifier file that is not one. The message says what is
 * wrong and how to produce a usable model, so the CLI can print it as is.
 */
export class FeatureModelError extends Error {
  override readonly name = 'FeatureModelError';
  constructor(
    message: string,
    /** What to do about it; the CLI prints it as a hint. */
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** How to produce an Inception model directory; quoted by every inception loading error. */
export const INCEPTION_HOW_TO =
  'Convert an Inception-v3 to TF.js with tensorflowjs_converter (see "Inception features" in README.md), ' +
  'or use `features: { type: classifier }` for domain metrics without one.';
