/**
 * `--set` overrides that shrink the shipped experiments to seconds: tiny widths, a few
 * iterations, a few hundred images, a few samples. The networks keep their structure.
 */
export const TINY = [
  'searchSpace.generator.channels=4',
  'searchSpace.discriminator.channels=4',
  'search.schedule={ iterations: 2 }',
  'search.batch.discriminator=8',
  'search.batch.generator=8',
  'train.generator.channels=4',
  'train.discriminator.channels=4',
  'train.schedule={ iterations: 4 }',
  'train.batch.discriminator=8',
  'train.batch.generator=8',
  'data.limit=200',
  'evaluate.samples=40',
  'evaluate.splits=2',
  'evaluate.grid=16',
  'evaluate.features.epochs=1',
];

export const setArgs = (overrides: readonly string[]): string[] => overrides.flatMap((o) => ['--set', o]);
