/**
 * What the evaluation metrics need from a network: features for FID/KID and class logits for
 * the Inception Score. Two kinds exist (a classifier we train on the dataset's labels, and a
 * converted Inception-v3); both take the same images and give the same outputs.
 */
import type { Tensor2D, Tensor4D } from '../tf.js';

export const EXTRACTOR_KINDS = ['classifier', 'inception'] as const;
export type ExtractorKind = (typeof EXTRACTOR_KINDS)[number];

export interface FeatureExtractor {
  readonly kind: ExtractorKind;
  /** One line for reports, e.g. "MNIST classifier (98.9% held-out accuracy), 128-d features". */
  readonly description: string;
  /** Only the TTUR / pytorch-fid Inception network gives numbers comparable to published ones. */
  readonly comparableToPapers: boolean;
  readonly featureDim: number;
  readonly classes: number;
  /**
   * A stable identity of the network and its weights (a hash): two extractors with the same
   * id give the same features, so cached real-data statistics keyed by it stay valid.
   */
  readonly id: string;
  /** The image size and channels it requires, when fixed (the classifier); absent when any size works (Inception resizes). */
  readonly imageShape?: { readonly height: number; readonly width: number; readonly channels: 1 | 3 };
  /**
   * images: NHWC float32 in [-1, 1] at the dataset's size and channels. Returns new tensors
   * the caller disposes; `images` is not disposed.
   */
  extract(images: Tensor4D): { features: Tensor2D; logits: Tensor2D };
  dispose(): void;
}
