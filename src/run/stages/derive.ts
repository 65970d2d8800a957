import { writeFileAtomic } from '../../io/atomicWrite.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deriveGenotype, type Alphas } from '../../nas/derive.js';
import type { Genotype } from '../../nas/genotype.js';
import { referenceMatrices, referenceNpy } from '../../io/genotypeFiles.js';
import { nodeSpecHost } from '../../io/specHost.js';
import { formatProblems } from '../../spec/format.js';
import { loadGenotypeFile } from '../../spec/genotypeFile.js';
import { FILES } from '../artifacts.js';
import { StageError } from '../errors.js';
import { EventLog } from '../eventLog.js';
import { ALPHA_HISTORY } from './adversarialLoop.js';
import type { StageRunner } from './context.js';

export const GENOTYPE_HISTORY = 'genotype-history.jsonl';

/**
 * The discrete architecture: derived from the search's final architecture parameters (and,
 * with derive.snapshots, from every snapshot), or read from derive.from. Artifacts:
 * genotype.json (operation names), genotype_G.npy / genotype_D.npy (the reference layout).
 */
export const runDerive: StageRunner = async (ctx) => {
  const { spec, space } = ctx;
  const options = { repair: spec.derive.repair };
  let genotype: Genotype;
  let source: string;
  if (spec.derive.from !== undefined) {
    const loaded = loadGenotypeFile(spec.derive.from, nodeSpecHost, space);
    if (!loaded.genotype || loaded.problems.some((p) => p.severity === 'error')) {
      throw new StageError(`cannot use the genotype in ${spec.derive.from}:\n${formatProblems(loaded.problems, loaded.source ? [loaded.source] : [], { frames: false })}`);
    }
    genotype = loaded.genotype;
    source = spec.derive.from;
  } else {
    const dir = ctx.inputs.search!;
    const alphas = JSON.parse(readFileSync(join(dir, FILES.alphas), 'utf8')) as Alphas;
    genotype = deriveGenotype(space, alphas, options);
    source = join(dir, FILES.alphas);
    if (spec.derive.snapshots) {
      const history = new EventLog(join(ctx.dir, GENOTYPE_HISTORY));
      history.truncate(0);
      for (const snapshot of EventLog.read<Alphas & { iteration: number; epoch: number }>(join(dir, ALPHA_HISTORY))) {
        history.append({ iteration: snapshot.iteration, epoch: snapshot.epoch, ...deriveGenotype(space, snapshot, options) });
      }
    }
  }
  writeFileAtomic(join(ctx.dir, FILES.genotype), `${JSON.stringify(genotype, null, 2)}\n`);
  const matrices = referenceMatrices(space, genotype);
  if (matrices.generator) writeFileSync(join(ctx.dir, FILES.genotypeReference('G')), referenceNpy(matrices.generator));
  if (matrices.discriminator) writeFileSync(join(ctx.dir, FILES.genotypeReference('D')), referenceNpy(matrices.discriminator));
  return { source, reference: matrices };
};
