/**
 * Same networks, same results on native TensorFlow: both super-networks forward and backward,
 * and two iterations of the AdversarialNAS search game (architecture and weight steps, Adam,
 * EMA), on wasm and tensorflow from the same seeds. Where `dsl setup tensorflow` has not run:
 * skipped with the reason in the name, or a failure under CI=true (CI installs it).
 */
import { describe, expect, it } from 'vitest';
import type { StepLosses } from '../../../src/ml/train/gan.js';
import { supernetPass } from '../helpers/supernetPass.js';
import { maxRelative, searchGame } from '../helpers/searchGame.js';
import { TENSORFLOW, tensorflowRequiredButMissing } from '../helpers/tensorflow.js';

const title = TENSORFLOW.available || tensorflowRequiredButMissing() ? 'super-networks on tensorflow' : `super-networks on tensorflow (skipped: ${TENSORFLOW.reason})`;

describe.skipIf(!TENSORFLOW.available && !tensorflowRequiredButMissing())(title, () => {
  it('is installed (CI runs `dsl setup tensorflow` first)', () => {
    expect(TENSORFLOW.reason).toBe('');
  });

  it('forward and backward match wasm', async () => {
    const wasm = await supernetPass('wasm', { batch: 2 });
    const native = await supernetPass('tensorflow', { batch: 2 });
    expect(Math.abs(native.loss - wasm.loss)).toBeLessThan(1e-4);
    expect(maxRelative(native.image, wasm.image)).toBeLessThan(1e-4);
    expect(wasm.grads.filter((g) => g.some((v) => v !== 0)).length).toBeGreaterThan(wasm.grads.length / 2);
    wasm.grads.forEach((g, i) => expect(maxRelative(native.grads[i]!, g), `gradient ${i}`).toBeLessThan(1e-3));
  }, 120_000);

  it('two AdversarialGame search iterations give the losses, architecture and weights of wasm, and leak nothing', async () => {
    const wasm = await searchGame('wasm');
    const native = await searchGame('tensorflow');
    expect(native.losses.map((l) => Object.keys(l).sort())).toEqual(wasm.losses.map((l) => Object.keys(l).sort()));
    native.losses.forEach((l, i) => {
      for (const [k, v] of Object.entries(l)) {
        const w = wasm.losses[i]![k as keyof StepLosses]!;
        expect(Math.abs(v - w) / Math.max(1, Math.abs(w)), `iteration ${i} ${k}`).toBeLessThan(1e-3);
      }
    });
    expect(maxRelative(native.arch, wasm.arch)).toBeLessThan(1e-3);
    for (const [name, w] of wasm.weights) expect(maxRelative(Array.from(native.weights.get(name)!), Array.from(w)), name).toBeLessThan(1e-3);
    expect(native.counts).toBe(wasm.counts);
  }, 120_000);
});
