import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generatorStateDict, generatorWithWeights } from '../../../src/interop/generatorLoad.js';
import { encodeSafetensors } from '../../../src/interop/safetensors.js';
import { writeSamples } from '../../../src/interop/samples.js';
import { readGeneratorWeights } from '../../../src/interop/weightsFile.js';
import { nodeSpecHost } from '../../../src/io/specHost.js';
import { selectBackend } from '../../../src/ml/backend/index.js';
import { tf } from '../../../src/ml/tf.js';
import { trainSpace } from '../../../src/nas/inspect.js';
import { loadGenotypeFile } from '../../../src/spec/genotypeFile.js';
import { parseNpy } from '../../../src/util/npy.js';
import { repoRoot } from '../../helpers/cli.js';
import { resolveValid } from '../../helpers/specs.js';

const fixtures = join(repoRoot, 'test/fixtures/interop');

describe('sampling the authors\' weights in process', () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('matches their output batch by batch, leaks no tensor, and survives a round trip through the reference naming', async () => {
    const { spec, space } = resolveValid(join(fixtures, 'stl10-mixed.yaml'));
    const genotype = loadGenotypeFile(spec.derive.from!, nodeSpecHost, space).genotype!;
    const read = readGeneratorWeights(readFileSync(join(fixtures, 'stl10-mixed/weights.safetensors')), 'fixture', trainSpace(spec).generator, genotype.generator!);
    expect(read.problems).toEqual([]);
    const latents = parseNpy(readFileSync(join(fixtures, 'stl10-mixed/latents.npy'))).data as Float32Array;
    const expected = parseNpy(readFileSync(join(fixtures, 'stl10-mixed/images.npy'))).data as Float32Array;
    const dir = mkdtempSync(join(tmpdir(), 'dsl-interop-ml-'));

    const generator = generatorWithWeights(spec, genotype, read.values!);
    // The first pass creates the constants ops cache once (resize and flip matrices).
    await writeSamples(generator, join(dir, 'warm.npy'), { n: 1, seed: 0, latents, batch: 1 });
    const before = tf.memory().numTensors;
    const batches: number[] = [];
    await writeSamples(generator, join(dir, 'a.npy'), { n: 2, seed: 0, latents, batch: 1, onBatch: (done) => batches.push(done) });
    expect(tf.memory().numTensors).toBe(before);
    expect(batches).toEqual([1, 2]);
    const images = parseNpy(readFileSync(join(dir, 'a.npy')));
    expect(images.shape).toEqual([2, 3, 48, 48]);
    const difference = (images.data as Float32Array).reduce((m, v, i) => Math.max(m, Math.abs(v - expected[i]!)), 0);
    expect(difference).toBeLessThan(1e-4);

    const exported = generatorStateDict(spec, genotype, read.values!, { naming: 'reference', batches: 5 });
    const back = readGeneratorWeights(encodeSafetensors(exported.tensors, exported.metadata), 'exported', trainSpace(spec).generator, genotype.generator!);
    expect(back.problems).toEqual([]);
    expect(back.values).toEqual(read.values);
    generator.dispose();
  });
});
