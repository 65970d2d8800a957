import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hasStackTrace, repoRoot, runDsl } from '../helpers/cli.js';

const dir = 'test/fixtures/specs/broken';

/**
 * One broken spec per kind of mistake: where the error must point (file:line:col, the file
 * being the one to edit) and what it must say. Hints are checked where they carry the fix.
 */
const CASES: Record<string, { at: string; message: string; hint?: string }> = {
  'yaml-syntax.yaml': { at: 'yaml-syntax.yaml:3:1', message: 'YAML syntax error' },
  'duplicate-key.yaml': { at: 'duplicate-key.yaml:4:3', message: 'duplicate key `nCritic`' },
  'not-a-mapping.yaml': { at: 'not-a-mapping.yaml:1:1', message: 'a spec must be a YAML mapping' },
  'unknown-top-key.yaml': { at: 'unknown-top-key.yaml:2:1', message: 'unknown key `serach` in the spec', hint: 'did you mean `search`?' },
  'unknown-nested-key.yaml': { at: 'unknown-nested-key.yaml:4:3', message: 'unknown key `rooot` in `data`', hint: 'did you mean `root`?' },
  'wrong-type.yaml': { at: 'wrong-type.yaml:3:27', message: '`search.batch.discriminator` should be a whole number, not "big"' },
  'bad-enum.yaml': { at: 'bad-enum.yaml:3:12', message: '`data.dataset` is "cifar100"; expected one of cifar10', hint: 'did you mean `cifar10`?' },
  'out-of-range.yaml': { at: 'out-of-range.yaml:3:12', message: '`search.nCritic` must be ≥ 1, not 0' },
  'missing-required.yaml': { at: 'missing-required.yaml:1:1', message: 'missing the required key `data`' },
  'bad-op-type.yaml': { at: 'bad-op-type.yaml:3:25', message: 'unknown operation type "sepconv"' },
  'bad-kernel.yaml': { at: 'bad-kernel.yaml:3:35', message: '`operations.conv_4x4.kernel` is 4; expected one of 1, 3, 5, 7' },
  'bad-name.yaml': { at: 'bad-name.yaml:3:3', message: '`3x3conv` is not a valid name in `operations`' },
  'bad-set-value.yaml': { at: '--set search.nCritic=many', message: '`search.nCritic` should be a whole number, not "many"' },
  'unknown-op-in-set.yaml': { at: 'unknown-op-in-set.yaml:3:42', message: 'lists `conv3x3`, which is not defined', hint: 'did you mean `conv_3x3`?' },
  'unknown-set.yaml': { at: 'unknown-set.yaml:8:45', message: 'uses operation set `normall`', hint: 'did you mean `normal`?' },
  'edge-to-unknown-node.yaml': { at: 'edge-to-unknown-node.yaml:10:36', message: 'edge c2 ends at `n4`, which is not one of its nodes' },
  'edge-from-unknown-node.yaml': { at: 'edge-from-unknown-node.yaml:9:30', message: 'edge c3 starts at `m0`', hint: 'did you mean `n0`?' },
  'edge-into-input.yaml': { at: 'edge-into-input.yaml:9:38', message: "edge c3 ends at the cell's input `x`" },
  'cycle.yaml': { at: 'cycle.yaml:6:7', message: 'has a cycle: n0 → n2 → n0' },
  'node-without-input.yaml': { at: 'node-without-input.yaml:4:13', message: 'node `n0` has no incoming edge' },
  'node-unreachable.yaml': { at: 'node-unreachable.yaml:4:13', message: 'node `n0` does not reach the output `out`' },
  'output-not-a-node.yaml': { at: 'output-not-a-node.yaml:4:13', message: '`output: result` is not one of its nodes' },
  'duplicate-edge-name.yaml': { at: 'duplicate-edge-name.yaml:9:17', message: 'edge name `c1` is used twice' },
  'unknown-cell.yaml': { at: 'unknown-cell.yaml:6:17', message: '`downcell` is not a cell type', hint: 'did you mean `down_cell`?' },
  'edge-ops-unknown-edge.yaml': { at: 'edge-ops-unknown-edge.yaml:5:59', message: 'cell type `down_cell` has no edge `c5`' },
  'skip-from-later-cell.yaml': { at: 'skip-from-later-cell.yaml:6:80', message: 'takes a skip from cell 2, which is not an earlier cell' },
  'latent-chunks.yaml': { at: 'latent-chunks.yaml:4:32', message: 'split into 2 chunks, but the generator uses 3', hint: 'set chunks: 3' },
  'latent-dim.yaml': { at: 'latent-dim.yaml:4:20', message: 'latent dim 25 does not split into 3 equal chunks' },
  'resolution.yaml': { at: 'resolution.yaml:4:18', message: 'produces 24x24 images (bottom width 3 × 8 from its cells), but data.imageSize is 32', hint: 'set bottomWidth: 4' },
  'odd-resolution.yaml': { at: 'odd-resolution.yaml:2:36', message: 'its resolution goes 28 → 14 → 7, and cell 2 cannot halve 7x7' },
  'channel-mismatch.yaml': { at: 'channel-mismatch.yaml:5:9', message: 'maps 1 to 8 channels on edges c0, c1, c2', hint: 'edgeOps: { c0: stem, c1: stem, c2: stem }' },
  'mixed-scale-set.yaml': { at: 'mixed-scale-set.yaml:3:7', message: 'operation set `up` mixes operations that change the resolution differently' },
  'batch-split.yaml': { at: 'batch-split.yaml:3:37', message: 'a discriminator batch of 9 does not split' },
  'split-leaves-nothing.yaml': { at: 'split-leaves-nothing.yaml:3:37', message: 'leaves no real images for the architecture step' },
  'schedule-neither.yaml': { at: 'schedule-neither.yaml:3:13', message: '`train.schedule` needs `epochs` or `iterations`' },
  'genotype-missing.yaml': { at: 'genotype-missing.yaml:3:9', message: 'no-such-genotype.yaml, which does not exist' },
  'genotype-wrong-op.yaml': { at: 'genotypes/wrong-op.yaml:4:60', message: 'edge `c2`: `conv3x3` is not in its operation set `normal`' },
  'genotype-no-path.yaml': { at: 'genotypes/all-none.yaml:3:5', message: 'the generator has no path from the input to the output', hint: 'not `none`' },
  'genotype-npy-shape.yaml': { at: 'genotypes/two-cells.npy:1:1', message: 'the generator has 3 cells but the matrix has 2 rows' },
  'extends-missing.yaml': { at: 'extends-missing.yaml:1:10', message: 'names a file that does not exist' },
  'extends-cycle.yaml': { at: 'extends-cycle-b.yaml:1:10', message: 'makes a cycle: extends-cycle.yaml → extends-cycle-b.yaml → extends-cycle.yaml' },
  'template-missing.yaml': { at: 'template-missing.yaml:3:13', message: 'missing.md.njk does not exist' },
  'inception-without-path.yaml': { at: 'inception-without-path.yaml:3:3', message: 'the inception feature extractor needs `path`' },
};

const argsOf = (file: string) => {
  const line = readFileSync(`${repoRoot}${dir}/${file}`, 'utf8').match(/^# args: (.*)$/m);
  return line ? line[1]!.split(' ') : [];
};

describe('dsl validate on broken specs', () => {
  it('has at least 30 kinds of mistake', () => {
    expect(Object.keys(CASES).length).toBeGreaterThanOrEqual(30);
  });

  it.each(Object.entries(CASES))('%s', async (file, expected) => {
    const result = await runDsl(['validate', file, ...argsOf(file)], { cwd: `${repoRoot}${dir}` });
    expect(result.code).toBe(1);
    expect(hasStackTrace(result.stderr + result.stdout)).toBe(false);
    const lines = result.stderr.split('\n');
    const reported = lines.find((l) => l.startsWith(`${expected.at}: error: `) && l.includes(expected.message));
    expect(reported, `expected "${expected.at}: error: …${expected.message}…" in:\n${result.stderr}`).toBeDefined();
    // A code frame points at the spot (binary genotype files have no text to show).
    if (!expected.at.includes('.npy')) expect(result.stderr).toMatch(/\|\s+\^/);
    if (expected.hint) expect(lines.some((l) => l.startsWith('  hint: ') && l.includes(expected.hint!))).toBe(true);
  });
});
