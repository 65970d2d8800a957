import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { autoganNaming } from '../../../src/interop/discriminatorNames.js';
import { discriminatorStateDict } from '../../../src/interop/generatorLoad.js';
import { matchGeneratorWeights } from '../../../src/interop/match.js';
import { float32Values, parseSafetensors } from '../../../src/interop/safetensors.js';
import { selectBackend } from '../../../src/ml/backend/index.js';
import { AutoganDiscriminator } from '../../../src/ml/nets/autoganDiscriminator.js';
import { EVAL } from '../../../src/ml/nets/context.js';
import { tf, type Tensor4D } from '../../../src/ml/tf.js';
import { autoganDiscriminator } from '../../../src/nas/autogan.js';
import { parseNpy } from '../../../src/util/npy.js';
import { Random } from '../../../src/util/random.js';
import { repoRoot } from '../../helpers/cli.js';
import { resolveValid } from '../../helpers/specs.js';

const fixture = join(repoRoot, 'test/fixtures/interop/cifar10');

describe("AutoGAN's discriminator in the authors' naming", () => {
  beforeAll(async () => {
    await selectBackend('cpu');
  });

  it('their weights and spectral-norm vectors give their logits in evaluation mode, and export gives their tensors back', async () => {
    const { spec } = resolveValid(join(repoRoot, 'test/fixtures/interop/cifar10.yaml'), ['train.discriminator.channels=4']);
    const model = autoganDiscriminator(32, 3, 4);
    const entries = autoganNaming(model, true);
    const file = parseSafetensors(readFileSync(join(fixture, 'discriminator.safetensors')));
    const matched = matchGeneratorWeights(file, { entries, counters: [] }, []);
    expect(matched.problems).toEqual([]);
    expect(matched.values!.size).toBe(file.tensors.size);

    const d = new AutoganDiscriminator(model, new Random(0), { init: 'xavier-uniform', spectralNorm: true });
    try {
      expect(new Set(d.params.list().map((p) => p.name))).toEqual(new Set(entries.map((e) => e.dsl)));
      d.params.write(matched.values!);
      const images = parseNpy(readFileSync(join(fixture, 'images.npy')));
      const logits = tf.tidy(() => d.forward(tf.transpose(tf.tensor4d(images.data as Float32Array, images.shape as [number, number, number, number]), [0, 2, 3, 1]) as Tensor4D, EVAL).dataSync());
      const expected = parseNpy(readFileSync(join(fixture, 'd_logits.npy'))).data as Float32Array;
      expect(logits.length).toBe(4);
      for (let i = 0; i < 4; i++) expect(Math.abs(logits[i]! - expected[i]!)).toBeLessThan(1e-4 * Math.max(1, Math.abs(expected[i]!)));
    } finally {
      d.dispose();
    }

    const exported = discriminatorStateDict(spec, matched.values!, 'reference');
    expect(exported.map(([k]) => k).sort()).toEqual([...file.tensors.keys()].sort());
    for (const [key, t] of exported) expect(t.data).toEqual(float32Values(file.tensors.get(key)!));
  });
});
