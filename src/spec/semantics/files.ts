import { join } from 'node:path';
import { trainSpace } from '../../nas/inspect.js';
import type { Genotype } from '../../nas/genotype.js';
import type { SpaceModel } from '../../nas/space.js';
import { readGeneratorWeights } from '../../interop/weightsFile.js';
import { BUILTIN_PREFIX, templateFile } from '../assets.js';
import { loadGenotypeFile } from '../genotypeFile.js';
import type { SpecHost } from '../host.js';
import type { Location, Problem, SpecPath } from '../problems.js';
import type { SourceText } from '../source.js';
import type { ResolvedSpec } from '../types.js';
import { error, warning, type Issue } from './issue.js';

/**
 * Checks that need other files: the genotype named by `derive.from` (it must exist and fit
 * the space), the report template, and the Inception model. Paths are already absolute.
 */
export function checkFiles(spec: ResolvedSpec, host: SpecHost, space: SpaceModel | undefined, locate: (path: SpecPath) => Location | undefined): { issues: Issue[]; problems: Problem[]; files: string[]; sources: SourceText[] } {
  const issues: Issue[] = [];
  const problems: Problem[] = [];
  const files: string[] = [];
  const sources: SourceText[] = [];
  const from = spec.derive.from;
  let genotype: Genotype | undefined;
  if (from !== undefined) {
    files.push(from);
    if (!host.exists(from)) {
      issues.push(error('genotype-missing', ['derive', 'from'], `derive.from names ${from}, which does not exist`, 'paths are relative to the spec file that sets them'));
    } else if (space) {
      const loaded = loadGenotypeFile(from, host, space, locate(['derive', 'from']));
      problems.push(...loaded.problems);
      if (loaded.source) sources.push(loaded.source);
      genotype = loaded.genotype;
      if (loaded.genotype && !loaded.genotype.discriminator && spec.train.discriminator.type === 'derived') {
        issues.push(error('genotype-missing', ['train', 'discriminator', 'type'], `train.discriminator is \`derived\`, but the genotype in ${from} has no discriminator`, 'use type: autogan, or a genotype file with a discriminator'));
      }
    }
  }
  issues.push(...checkWeights(spec, host, space, genotype, files));
  const template = spec.report.template;
  const templatePath = templateFile(template);
  files.push(templatePath);
  if (!host.exists(templatePath)) {
    issues.push(error('template-missing', ['report', 'template'], template.startsWith(BUILTIN_PREFIX) ? `there is no built-in template \`${template}\`` : `report template ${template} does not exist`, 'built-in: builtin:report.md.njk; or a path relative to the spec'));
  }
  const model = spec.evaluate.features.type === 'inception' ? spec.evaluate.features.path : undefined;
  if (model !== undefined && !host.exists(join(model, 'model.json'))) {
    issues.push(warning('model-missing', ['evaluate', 'features', 'path'], `no Inception model at ${model} (model.json); the evaluate stage will stop there until it is provided`, 'see the README section "Inception features"'));
  }
  return { issues, problems, files, sources };
}

/**
 * `train.from`: the file must exist and, when the genotype is already known (`derive.from`),
 * fit the derived generator tensor by tensor; one issue per problem, at train.from. Without a
 * known genotype the train stage checks it once the search has derived one.
 */
function checkWeights(spec: ResolvedSpec, host: SpecHost, space: SpaceModel | undefined, genotype: Genotype | undefined, files: string[]): Issue[] {
  const weights = spec.train.from;
  if (weights === undefined) return [];
  files.push(weights);
  const bytes = host.readBytes(weights);
  const at = ['train', 'from'];
  if (bytes === undefined) return [error('weights-missing', at, `train.from names ${weights}, which does not exist`, 'paths are relative to the spec file that sets them')];
  if (!space || !genotype?.generator) return [];
  const read = readGeneratorWeights(bytes, weights, trainSpace(spec).generator, genotype.generator);
  const hint = read.naming === 'dsl' ? "names as `dsl export --naming dsl` writes them" : "the authors' Generator(args, genotype).state_dict() for this genotype and train.generator.channels";
  return read.problems.map((p) => error('weights-invalid', at, `train.from: ${p.message}`, hint));
}
