import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile, type StageGraph } from '../../../src/compile/index.js';
import { fileContext } from '../../../src/io/hash.js';
import { repoRoot } from '../../helpers/cli.js';
import { resolveValid } from '../../helpers/specs.js';

const fixtures = join(repoRoot, 'test/fixtures/interop');
const fingerprints = (g: StageGraph) => Object.fromEntries(g.stages.map((s) => [s.name, s.fingerprint]));

describe('train.from in the stage graph', () => {
  it("names the file in the train stage; its content, not the training settings, is the train stage's fingerprint", () => {
    const dir = mkdtempSync(join(tmpdir(), 'dsl-train-from-'));
    const weights = join(dir, 'w.safetensors');
    copyFileSync(join(fixtures, 'cifar10/weights.safetensors'), weights);
    const graph = (overrides: string[] = []) => {
      const { spec, space } = resolveValid(join(fixtures, 'cifar10.yaml'), [`train.from=${weights}`, ...overrides]);
      return compile(spec, space, fileContext);
    };
    const a = graph();
    expect(a.stages.map((s) => s.name)).toEqual(['derive', 'train', 'evaluate', 'report']);
    expect(a.stages.find((s) => s.name === 'train')!.description).toBe('weights of the derived generator read from w.safetensors (train.from)');
    // Training settings change nothing computed; only the report, which shows the spec.
    const { report: _r1, ...computed } = fingerprints(graph(['train.optimizers.generator.lr=0.001']));
    const { report: _r2, ...before } = fingerprints(a);
    expect(computed).toEqual(before);
    const bytes = readFileSync(weights);
    bytes[bytes.length - 1] = bytes[bytes.length - 1]! ^ 1; // one bit of the last weight
    writeFileSync(weights, bytes);
    const b = graph();
    expect(fingerprints(b).derive).toBe(fingerprints(a).derive);
    for (const stage of ['train', 'evaluate', 'report']) expect(fingerprints(b)[stage]).not.toBe(fingerprints(a)[stage]);
  });
});
