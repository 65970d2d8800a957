import { fixed, spread, thousands } from '../../util/format.js';
import type { MetricsRecord, ScoresRecord, Spread } from './input.js';
import type { EvaluationModel, MetricCell, MetricRow } from './types.js';

/** ADVERSARIALNAS.md §10: the published numbers (Inception-v3, 50,000 samples). */
export const PUBLISHED: Readonly<Record<string, readonly { method: string; is: number; fid: number }[]>> = {
  cifar10: [
    { method: 'AdversarialNAS (published)', is: 8.74, fid: 10.87 },
    { method: 'AutoGAN (published)', is: 8.55, fid: 12.42 },
  ],
  stl10: [
    { method: 'AdversarialNAS (published)', is: 9.63, fid: 26.98 },
    { method: 'AutoGAN (published)', is: 9.16, fid: 31.01 },
  ],
};

/** The sample count the published numbers use; fewer samples bias FID upward. */
export const PAPER_SAMPLES = 50_000;

/** KID is usually ~0.01 and needs four decimals; from features of a large scale it is not. */
const DIGITS = { is: 2, fid: 2, kid: 4 } as const;

function metricCell(value: number | Spread | undefined, wanted: number): MetricCell {
  if (value === undefined) return { text: '–' };
  const magnitude = Math.abs(typeof value === 'number' ? value : value.mean);
  const digits = magnitude >= 1 ? Math.min(wanted, 2) : wanted;
  if (typeof value === 'number') return { value, text: fixed(value, digits) };
  return { value: value.mean, std: value.std, text: spread(value.mean, value.std, digits) };
}

/** Our scores, or published ones (which come without spreads). */
type RowScores = { readonly [K in keyof ScoresRecord]?: number | Spread };

const row = (label: string, kind: MetricRow['kind'], scores: RowScores): MetricRow => ({
  label,
  kind,
  is: metricCell(scores.is, DIGITS.is),
  fid: metricCell(scores.fid, DIGITS.fid),
  kid: metricCell(scores.kid, DIGITS.kid),
});

function comparability(m: MetricsRecord): string {
  const where = `feature extractor: ${m.extractor.description}; ${thousands(m.samples)} generated images against ${thousands(m.real.images)} real ${m.dataset.name} images`;
  if (!m.extractor.comparableToPapers) {
    return `These are domain metrics (${where}). They compare runs of this experiment with each other; they are **not comparable** to published IS/FID/KID, which use Inception-v3 features.`;
  }
  const fewer = m.samples < PAPER_SAMPLES ? ` The papers score ${thousands(PAPER_SAMPLES)} samples; with ${thousands(m.samples)}, FID is biased upward, so compare with care.` : '';
  return `These metrics use the same Inception-v3 network as the published numbers (${where}), so they are **comparable** to them.${fewer}`;
}

/** The metrics table, the published numbers for the dataset, and what may be compared with what. */
export function evaluationModel(metrics: MetricsRecord | undefined, dataset: string): Pick<EvaluationModel, 'extractor' | 'comparable' | 'comparability' | 'samples' | 'rows' | 'published' | 'publishedNote'> {
  const published = (PUBLISHED[dataset] ?? []).map((p) => row(p.method, 'published', { is: p.is, fid: p.fid }));
  const comparable = metrics?.extractor.comparableToPapers ?? false;
  const publishedNote = !published.length
    ? `No AdversarialNAS or AutoGAN numbers are published for ${dataset}.`
    : comparable
      ? 'Published numbers (Inception-v3, 50,000 samples; Gao et al., CVPR 2020).'
      : 'Published numbers, for orientation only: they use Inception-v3 features and are not comparable with the numbers above.';
  if (!metrics) return { comparable, comparability: '', rows: [], published, publishedNote };
  const rows = [row(`this run: re-trained EMA generator (${thousands(metrics.samples)} samples)`, 'ours', metrics.generator)];
  if (metrics.untrained) rows.push(row('the same generator untrained (initial weights)', 'untrained', metrics.untrained));
  if (metrics.real.is) rows.push(row(`real data (${thousands(metrics.real.images)} images)`, 'real', { is: metrics.real.is }));
  return { extractor: metrics.extractor.description, comparable, comparability: comparability(metrics), samples: metrics.samples, rows, published, publishedNote };
}
