/** GAN evaluation metrics over plain arrays (no tfjs): the classifier's outputs come in, numbers go out. */
export { ComplexSquareRootError, frechetDistance, traceSqrtProduct, type FrechetOptions } from './fid.js';
export { inceptionScore, type ScoreSummary } from './inception-score.js';
export { kernelInceptionDistance, KidReference, kidSubsetIndices, type FeatureRows, type KidOptions } from './kid.js';
export type { SquareMatrix } from './linalg.js';
export { statistics, StatisticsAccumulator, type FeatureStatistics } from './statistics.js';
export { loadStatistics, saveStatistics } from './statistics-file.js';
