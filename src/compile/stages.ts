/** The stages of an experiment, in execution order. */
export const STAGE_NAMES = ['search', 'derive', 'train', 'evaluate', 'report'] as const;
export type StageName = (typeof STAGE_NAMES)[number];

/** What stages hand each other. Each artifact is a file or folder in its stage's directory. */
export const ARTIFACTS = {
  search: ['supernet', 'alphaHistory', 'samples', 'events'],
  derive: ['genotype'],
  train: ['generator', 'discriminator', 'samples', 'events'],
  evaluate: ['metrics', 'samples'],
  report: ['report'],
} as const satisfies Record<StageName, readonly string[]>;

export type ArtifactOf<S extends StageName> = (typeof ARTIFACTS)[S][number];

export interface ArtifactRef<S extends StageName = StageName> {
  readonly stage: S;
  readonly artifact: ArtifactOf<S>;
}

export const STAGE_DESCRIPTIONS: Record<StageName, string> = {
  search: 'adversarial architecture search of G and D',
  derive: 'discrete architecture from the architecture parameters',
  train: 're-training of the derived generator from scratch',
  evaluate: 'metrics and samples of the EMA generator',
  report: 'Markdown report',
};
