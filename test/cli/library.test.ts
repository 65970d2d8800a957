import { describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/cli.js';

/** What `import … from 'dsl'` gives: the built package entry (`npm test` builds first). */
describe('the package entry', () => {
  it('exports the metrics on plain arrays', async () => {
    const lib = (await import(`${repoRoot}dist/index.js`)) as typeof import('../../src/index.js');
    const probs = Array.from({ length: 20 }, (_, i) => (i % 2 ? [0.9, 0.1] : [0.1, 0.9]));
    const is = lib.inceptionScore(probs, 2);
    expect(is.mean).toBeGreaterThan(1);
    expect(is.std).toBeGreaterThanOrEqual(0);
    expect(lib.frechetDistance([0, 0], [[1, 0], [0, 1]], [3, 4], [[1, 0], [0, 1]])).toBeCloseTo(25, 10);
    const a = Array.from({ length: 30 }, (_, i) => [Math.sin(i), Math.cos(i)]);
    const shifted = a.map(([x, y]) => [x! + 3, y!]);
    const same = lib.kernelInceptionDistance(a, a, { subsets: 1, subsetSize: 30 }).mean;
    expect(lib.kernelInceptionDistance(a, shifted, { subsets: 1, subsetSize: 30 }).mean).toBeGreaterThan(same + 1);
  });

  it('exports the language and the derivation', async () => {
    const lib = (await import(`${repoRoot}dist/index.js`)) as typeof import('../../src/index.js');
    const { existsSync, readFileSync } = await import('node:fs');
    const resolution = lib.resolveSpec(`${repoRoot}experiments/cifar10.yaml`, {
      host: { readFile: (p) => (existsSync(p) ? readFileSync(p, 'utf8') : undefined), readBytes: () => undefined, exists: existsSync },
    });
    expect(resolution.spec?.name).toBe('cifar10');
    expect(lib.networkCost(resolution.space!.generator).parameters).toBe(29_265_443);
    expect(lib.STAGE_NAMES).toEqual(['search', 'derive', 'train', 'evaluate', 'report']);
  });
});
