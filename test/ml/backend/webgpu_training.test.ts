/**
 * Same networks, same results on webgpu: both super-networks forward and backward, and a few
 * iterations of the AdversarialNAS game (search: architecture and weight steps, Adam, EMA), on
 * wasm and webgpu from the same seeds. Skipped, with the reason in the name, without an adapter.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { checkWebgpuDevice, releaseBackend } from '../../../src/ml/backend/index.js';
import type { StepLosses } from '../../../src/ml/train/gan.js';
import { supernetPass } from '../helpers/supernetPass.js';
import { maxRelative, searchGame } from '../helpers/searchGame.js';
import { useBackend, WEBGPU } from '../helpers/backends.js';


const title = WEBGPU.available ? 'super-networks on webgpu' : `super-networks on webgpu (skipped: ${WEBGPU.reason})`;

describe.skipIf(!WEBGPU.available)(title, () => {
  afterEach(async () => {
    await useBackend('webgpu');
    await checkWebgpuDevice();
  });
  afterAll(() => releaseBackend());

  it('forward and backward match wasm', async () => {
    const wasm = await supernetPass('wasm', { batch: 2 });
    const webgpu = await supernetPass('webgpu', { batch: 2 });
    expect(Math.abs(webgpu.loss - wasm.loss)).toBeLessThan(1e-4);
    expect(maxRelative(webgpu.image, wasm.image)).toBeLessThan(1e-4);
    expect(wasm.grads.filter((g) => g.some((v) => v !== 0)).length).toBeGreaterThan(wasm.grads.length / 2);
    wasm.grads.forEach((g, i) => expect(maxRelative(webgpu.grads[i]!, g), `gradient ${i}`).toBeLessThan(1e-3));
  }, 300_000);

  it('two AdversarialGame search iterations give the losses, architecture and weights of wasm, and leak nothing', async () => {
    const wasm = await searchGame('wasm');
    const webgpu = await searchGame('webgpu');
    expect(webgpu.losses.map((l) => Object.keys(l).sort())).toEqual(wasm.losses.map((l) => Object.keys(l).sort()));
    webgpu.losses.forEach((l, i) => {
      for (const [k, v] of Object.entries(l)) {
        const w = wasm.losses[i]![k as keyof StepLosses]!;
        expect(Math.abs(v - w) / Math.max(1, Math.abs(w)), `iteration ${i} ${k}`).toBeLessThan(1e-3);
      }
    });
    expect(maxRelative(webgpu.arch, wasm.arch)).toBeLessThan(1e-3);
    for (const [name, w] of wasm.weights) expect(maxRelative(Array.from(webgpu.weights.get(name)!), Array.from(w)), name).toBeLessThan(1e-3);
    expect(webgpu.counts).toBe(wasm.counts);
  }, 300_000);
});
