import type { StageName } from '../../compile/stages.js';
import { stepChart, thin, varies } from './curves.js';
import type { LoopRecord, SampleRecord, StageRecord } from './input.js';
import type { Availability, ChartModel, SampleGrid, StageState } from './types.js';

/** Grids shown per loop: enough to see progress, few enough to read. */
export const MAX_GRIDS = 8;

/** What a section says when its stage is not complete. */
export function availability(stage: StageName, record: StageRecord | undefined, loop?: LoopRecord): Availability {
  const state: StageState = record?.status ?? 'not run';
  const at = loop?.reached ? ` after ${loop.reached}${loop.total ? ` of ${loop.total}` : ''} iterations` : '';
  switch (state) {
    case 'complete':
      return { state };
    case 'not run':
      return { state, note: `The ${stage} stage has not run with this configuration yet.` };
    case 'interrupted':
      return { state, note: `The ${stage} stage was interrupted${at}; what follows is what it logged before. \`dsl run\` resumes it from its checkpoint.` };
    case 'failed':
      return { state, note: `The ${stage} stage failed${at}: ${record?.error ?? 'see its manifest'}.` };
    default:
      return { state, note: `The ${stage} stage is still running${at} (or was stopped without a trace).` };
  }
}

/** The loss curves of a loop's weight steps and, for the search, of its architecture steps. */
export function lossCharts(stage: 'search' | 'train', loop: LoopRecord, assets: string): { losses?: ChartModel; archLosses?: ChartModel; learningRates?: ChartModel; temperature?: ChartModel } {
  const steps = loop.steps;
  const losses = stepChart(steps, [['dLoss', 'D loss'], ['gLoss', 'G loss']], { path: `${assets}/${stage}-losses.svg`, title: `${stage}: hinge losses of the weight steps`, y: 'loss' });
  const archLosses = stepChart(steps, [['dArchLoss', 'D architecture loss'], ['gArchLoss', 'G architecture loss']], {
    path: `${assets}/${stage}-arch-losses.svg`,
    title: `${stage}: losses of the architecture steps`,
    y: 'loss',
  });
  const constant = !varies(steps, 'lrG') && !varies(steps, 'lrD');
  const learningRates = stepChart(steps, [['lrG', 'G learning rate'], ['lrD', 'D learning rate']], {
    path: `${assets}/${stage}-lr.svg`,
    title: `${stage}: learning rates of the weights${constant ? ' (constant)' : ''}`,
    y: 'learning rate',
    zero: true,
  });
  const temperature = stepChart(steps, [['tau', 'tau']], { path: `${assets}/${stage}-tau.svg`, title: `${stage}: Gumbel-softmax temperature`, y: 'tau' });
  return { ...(losses ? { losses } : {}), ...(archLosses ? { archLosses } : {}), ...(learningRates ? { learningRates } : {}), ...(temperature ? { temperature } : {}) };
}

/** Up to MAX_GRIDS grids spread over the loop, always with the last one. */
export function sampleGrids(stage: 'search' | 'train', samples: readonly SampleRecord[], assets: string): SampleGrid[] {
  return thin([...samples].sort((a, b) => a.iteration - b.iteration), MAX_GRIDS).map((s) => ({
    iteration: s.iteration,
    image: { kind: 'image', path: `${assets}/${stage}-samples-${String(s.iteration).padStart(7, '0')}.png`, source: s.source, title: `${stage} samples at iteration ${s.iteration}` },
  }));
}
