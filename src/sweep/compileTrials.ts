import { compile, type StageGraph } from '../compile/graph.js';
import { shortFingerprint } from '../compile/fingerprint.js';
import { fileContext } from '../io/hash.js';
import type { SpaceModel } from '../nas/space.js';
import type { ResolvedSpec } from '../spec/types.js';
import { sweepFingerprint, trialDirName, trialFingerprint, withTrialReport } from './core/identity.js';
import type { ResolvedTrial, SweepResolution } from './core/resolveTrials.js';

/** A valid trial, ready to run: its spec (report in its own folder), graph and identity. */
export interface CompiledTrial {
  readonly trial: ResolvedTrial;
  readonly spec: ResolvedSpec;
  readonly space: SpaceModel;
  readonly graph: StageGraph;
  readonly fingerprint: string;
  /** `trials/<fingerprint>`, relative to the experiment's run directory. */
  readonly dirName: string;
  /** The short fingerprint: the trial's id in summaries, folders and `--json`. */
  readonly id: string;
}

export interface CompiledSweep {
  readonly trials: readonly CompiledTrial[];
  readonly fingerprint: string;
  readonly swept: readonly string[];
}

/** Compiles every trial of a valid sweep (file contents such as genotypes and templates are hashed here). */
export function compileSweep(sweep: SweepResolution): CompiledSweep {
  const trials = sweep.trials.map((trial): CompiledTrial => {
    const { spec: written, space } = trial.resolution;
    if (!written || !space) throw new Error(`trial ${trial.def.number} is not valid`);
    const fingerprint = trialFingerprint(compile(written, space, fileContext));
    const spec = withTrialReport(written, fingerprint);
    return { trial, spec, space, graph: compile(spec, space, fileContext), fingerprint, dirName: trialDirName(fingerprint), id: shortFingerprint(fingerprint) };
  });
  return { trials, fingerprint: sweepFingerprint(trials.map((t) => t.fingerprint)), swept: sweep.swept };
}
