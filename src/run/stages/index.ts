import type { StageName } from '../../compile/stages.js';
import type { StageRunner } from './context.js';
import { runDerive } from './derive.js';
import { runEvaluate } from './evaluate.js';
import { runReport } from './report.js';
import { runSearch } from './search.js';
import { runTrain } from './train.js';

/** The implementation of every stage; the type makes a missing one a compile error. */
export const RUNNERS: Readonly<Record<StageName, StageRunner>> = {
  search: runSearch,
  derive: runDerive,
  train: runTrain,
  evaluate: runEvaluate,
  report: runReport,
};
