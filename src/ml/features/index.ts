/** Feature extractors behind the evaluation metrics, real-data statistics and sample scoring. */
export { ClassifierExtractor, loadClassifier, type ClassifierInfo } from './classifier.js';
export { classifierShape, type ClassifierShape } from './classifierNet.js';
export { classifierAccuracy, trainClassifier, type ClassifierProgress, type TrainClassifierOptions } from './classifierTraining.js';
export { FeatureModelError, INCEPTION_HOW_TO } from './errors.js';
export { streamFeatures, type FeatureBatch } from './featureStream.js';
export { FidInputError, fidInputKind, fidInputStatistics, type FidInput, type FidInputKind, type FidInputOptions } from './fidInputs.js';
export { FEATURES_JSON, INCEPTION_DEFAULT_OUTPUTS, InceptionExtractor, loadInception, type InceptionOptions, type InputRange } from './inception.js';
export { InceptionScoreAccumulator } from './inceptionScoreStream.js';
export { directorySaveHandler, MODEL_JSON, readModelDirectory, type ModelDirectory } from './modelFiles.js';
export { realStatistics, type RealReference, type RealStatistics, type RealStatisticsOptions } from './realStats.js';
export { METRICS, scoreSamples, type Metric, type ScoreOptions, type Scores } from './score.js';
export { EXTRACTOR_KINDS, type ExtractorKind, type FeatureExtractor } from './types.js';
