import { deriveNetwork } from '../../nas/derive.js';
import { inspect } from '../../nas/inspect.js';
import { networkWeights } from './architecture.js';
import { derivedNetworks } from './cells.js';
import { experimentModel, pipelineModel } from './experiment.js';
import type { ReportInput } from './input.js';
import { availability, lossCharts, sampleGrids } from './loops.js';
import { evaluationModel } from './metrics.js';
import type { ArchitectureModel, Asset, CostRow, DerivedModel, ReportModel, SearchModel, TrainingModel } from './types.js';

export interface BuildOptions {
  /** Folder of the charts and images, relative to the report file (e.g. `report-assets`). */
  readonly assets: string;
  /** Paths under it are shown relative to it (the spec's project). */
  readonly projectRoot?: string;
}

/**
 * The report as data, from a run's artifacts. Pure: the same input gives the same model,
 * whatever has or has not run; rendering and file writing happen elsewhere.
 */
export function buildReportModel(input: ReportInput, options: BuildOptions): ReportModel {
  const { spec, space } = input;
  const assets = options.assets.replace(/\/$/, '');
  const root = options.projectRoot?.replace(/\/$/, '');
  const show = (path: string) => (root && path.startsWith(`${root}/`) ? path.slice(root.length + 1) : path);
  const given = spec.derive.from;

  const searchLoop = input.search?.loop;
  const search: SearchModel = given
    ? { state: 'given', note: `No search ran: the genotype was given in \`${show(given)}\` (derive.from).`, relaxation: '–' }
    : {
        ...availability('search', input.stages.search, searchLoop),
        ...(searchLoop ? lossCharts('search', searchLoop, assets) : {}),
        ...(searchLoop?.total !== undefined ? { iterations: searchLoop.total } : {}),
        relaxation: spec.search.relaxation.type === 'gumbel' ? `Gumbel-softmax, tau ${spec.search.relaxation.tauMax} → ${spec.search.relaxation.tauMin}` : 'softmax',
      };

  const genotype = input.derive?.genotype;
  const architecture = architectureModel(input, assets, given ? show(given) : undefined);

  const derived: DerivedModel = {
    ...availability('derive', input.stages.derive),
    source: given ? `given in \`${show(given)}\`` : `derived from the search's final architecture parameters (${spec.derive.rule}${spec.derive.repair ? ', with repair' : ''})`,
    networks: genotype ? derivedNetworks(space, genotype) : [],
  };

  const costs = inspect(spec, space, genotype);
  const rows: CostRow[] = [];
  const add = (stage: string, network: string, c: { parameters: number; macs: number }) => rows.push({ stage, network, parameters: c.parameters, macs: c.macs });
  if (!given) {
    add('search', `generator (super-network, width ${space.generator.channels})`, costs.search.generator);
    add('search', `discriminator (super-network, width ${space.discriminator.channels})`, costs.search.discriminator);
  }
  if (costs.train) {
    add('train', `generator (derived, width ${spec.train.generator.channels})`, costs.train.generator);
    add('train', `discriminator (${spec.train.discriminator.type}, width ${spec.train.discriminator.channels})`, costs.train.discriminator);
  }
  const cost = { rows, ...(costs.train ? {} : { note: 'The re-trained networks are counted once a genotype exists.' }) };

  const trainLoop = input.train;
  const training: TrainingModel = {
    ...availability('train', input.stages.train, trainLoop),
    ...(trainLoop ? lossCharts('train', trainLoop, assets) : {}),
    ...(trainLoop?.total !== undefined ? { iterations: trainLoop.total } : {}),
    discriminator: spec.train.discriminator.type === 'autogan' ? `AutoGAN's fixed residual discriminator (width ${spec.train.discriminator.channels})` : `the derived discriminator (width ${spec.train.discriminator.channels})`,
  };

  const grid = input.evaluate?.grid;
  const samples = {
    search: searchLoop ? sampleGrids('search', searchLoop.samples, assets) : [],
    train: trainLoop ? sampleGrids('train', trainLoop.samples, assets) : [],
    ...(grid ? { final: { kind: 'image' as const, path: `${assets}/evaluate-samples.png`, source: grid, title: 'final samples of the EMA generator' } } : {}),
  };

  const evaluation = { ...availability('evaluate', input.stages.evaluate), ...evaluationModel(input.evaluate?.metrics, spec.data.dataset) };

  const assetsList: Asset[] = [
    ...[search.losses, search.archLosses, search.temperature, search.learningRates].filter((c) => c !== undefined),
    ...architecture.networks.flatMap((n) => n.cells.flatMap((c) => [c.heatmap, ...(c.evolution ? [c.evolution] : [])])),
    ...[training.losses, training.learningRates].filter((c) => c !== undefined),
    ...samples.search.map((s) => s.image),
    ...samples.train.map((s) => s.image),
    ...(samples.final ? [samples.final] : []),
  ];

  return {
    title: spec.name,
    experiment: experimentModel(input, options.projectRoot),
    pipeline: pipelineModel(input),
    search,
    architecture,
    derived,
    cost,
    training,
    samples,
    evaluation,
    assets: assetsList,
  };
}

function architectureModel(input: ReportInput, assets: string, given: string | undefined): ArchitectureModel {
  if (given) return { state: 'given', note: `The genotype was given in \`${given}\`: there are no architecture weights to show.`, snapshots: 0, networks: [] };
  const base = availability('search', input.stages.search, input.search?.loop);
  const history = input.search?.history ?? [];
  const final = input.search?.alphas ?? history[history.length - 1];
  if (!final) return { ...base, snapshots: 0, networks: [] };
  const { space, spec } = input;
  const networks = (['generator', 'discriminator'] as const).flatMap((key) => {
    const alphas = final[key];
    if (!alphas) return [];
    const model = space[key];
    const chosen = input.derive?.genotype[key] ?? deriveNetwork(model, alphas, { repair: spec.derive.repair });
    return [{ name: key === 'generator' ? 'Generator (G)' : 'Discriminator (D)', cells: networkWeights({ key, model, final: alphas, history, chosen, repair: spec.derive.repair, assets }) }];
  });
  return { ...base, snapshots: history.length, networks };
}
