import type { BatchDef, ResolvedSpec, ScheduleDef } from '../types.js';
import { error, warning, type Issue } from './issue.js';

/** Schedules and batch splits of the search and re-training loops; evaluation settings. */
export function checkLoops(spec: ResolvedSpec): Issue[] {
  return [
    ...checkSchedule(spec.search.schedule, ['search', 'schedule']),
    ...checkSplit(spec.search.batch, ['search', 'batch'], true),
    ...checkSchedule(spec.train.schedule, ['train', 'schedule']),
    ...checkSplit(spec.train.batch, ['train', 'batch'], false),
    ...checkEvaluate(spec),
  ];
}

function checkSchedule(schedule: ScheduleDef, path: string[]): Issue[] {
  const has = [schedule.epochs, schedule.iterations].filter((v) => v !== undefined).length;
  if (has === 1) return [];
  return [error('schedule', path, has === 0 ? `\`${path.join('.')}\` needs \`epochs\` or \`iterations\`` : `\`${path.join('.')}\` gives both \`epochs\` and \`iterations\`; give one`, `on the command line, replace it whole: --set '${path.join('.')}={ iterations: 1000 }'`)];
}

/**
 * The real batch splits into a weight part (first) and an architecture part (rest), as the
 * reference does with `imgs[:B//2]` and `imgs[B//2:]`; both must be whole and non-empty in
 * the search. Re-training uses only the weight part.
 */
function checkSplit(batch: BatchDef, path: string[], needsArchPart: boolean): Issue[] {
  const weights = batch.discriminator * batch.split;
  const hint = `with discriminator: ${batch.discriminator}, a split of ${suggestSplit(batch.discriminator)} works`;
  if (!Number.isInteger(weights)) {
    return [error('batch-split', [...path, 'split'], `a discriminator batch of ${batch.discriminator} does not split ${batch.split} : ${round(1 - batch.split)} into whole images (${round(weights)} for the weight step)`, hint)];
  }
  if (needsArchPart && weights >= batch.discriminator) {
    return [error('batch-split', [...path, 'split'], `split ${batch.split} leaves no real images for the architecture step`, 'the search needs both parts: use a split below 1, e.g. 0.5')];
  }
  return [];
}

const round = (x: number) => Math.round(x * 1000) / 1000;
const suggestSplit = (n: number) => (n % 2 === 0 ? '0.5' : `${Math.floor(n / 2)}/${n}`);

function checkEvaluate(spec: ResolvedSpec): Issue[] {
  const features = spec.evaluate.features;
  const issues: Issue[] = [];
  if (features.type === 'inception' && !features.path) {
    issues.push(error('missing-key', ['evaluate', 'features'], 'the inception feature extractor needs `path`: the directory of a TF.js Inception-v3 model', 'see the README section "Inception features"', true));
  }
  if (features.type === 'classifier' && spec.data.dataset === 'folder') {
    issues.push(error('no-labels', ['evaluate', 'features', 'type'], 'the domain classifier is trained on the dataset\'s labels, and a folder of images has none', 'use features: { type: inception, path: … }'));
  }
  if (spec.evaluate.samples < spec.evaluate.splits) {
    issues.push(error('out-of-range', ['evaluate', 'splits'], `${spec.evaluate.samples} samples cannot be cut into ${spec.evaluate.splits} splits`));
  }
  if (spec.evaluate.metrics.includes('kid') && spec.evaluate.samples < 100) {
    issues.push(warning('few-samples', ['evaluate', 'samples'], `KID on ${spec.evaluate.samples} samples has a large standard error`));
  }
  return issues;
}
