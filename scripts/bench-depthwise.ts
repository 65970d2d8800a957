/**
 * What the oneDNN depthwise kernels buy over the wasm ones they replace, at the calls a search
 * iteration makes (the generator's ConvTranspose candidate: 3x3, stride 1, pad 1 over the
 * zero-inserted input, batch 16, widths 16 and 32). Both modes interleave the two so that load
 * changes hit them alike.
 *
 *   kernels [repeats]       each kernel alone; the minimum is printed beside the median, being the
 *                           steadier figure of the two on a loaded machine
 *   iteration [n] [width]   whole search iterations with the depthwise kernels on wasm or on
 *                           oneDNN (dense convolutions on oneDNN in both), and the time spent in
 *                           the depthwise kernels
 *
 * Run: nice -n 19 npx tsx scripts/bench-depthwise.ts kernels 100
 *      nice -n 19 npx tsx scripts/bench-depthwise.ts iteration 6 16
 */
import { loadavg } from 'node:os';
import { resolveExperiment, searchGame } from '../src/bench/cases.js';
import { selectBackend } from '../src/ml/backend/index.js';
import { onednnActive, replacedByOnednn, useOnednnKernels } from '../src/ml/backend/kernels/onednn.js';
import { tf, type KernelFunc, type NamedAttrMap, type Tensor } from '../src/ml/tf.js';

const DEPTHWISE = ['DepthwiseConv2dNative', 'DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter'] as const;
const PAD = [[0, 0], [1, 1], [1, 1], [0, 0]];

const median = (values: readonly number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

interface Call {
  readonly label: string;
  readonly kernel: string;
  readonly inputs: Record<string, Tensor>;
  readonly attrs: object;
}

function calls(batch: number, size: number, channels: number): Call[] {
  const shape: [number, number, number, number] = [batch, size, size, channels];
  const x = tf.randomNormal(shape);
  const dy = tf.randomNormal(shape);
  const filter = tf.randomNormal([3, 3, channels, 1]);
  const attrs = { strides: 1, pad: PAD, dilations: 1, dimRoundingMode: undefined };
  const label = shape.join('x');
  return [
    { label, kernel: DEPTHWISE[0], inputs: { x, filter }, attrs: { ...attrs, dataFormat: 'NHWC' } },
    { label, kernel: DEPTHWISE[1], inputs: { dy, filter }, attrs: { ...attrs, inputShape: shape } },
    { label, kernel: DEPTHWISE[2], inputs: { x, dy }, attrs: { ...attrs, filterShape: [3, 3, channels, 1] } },
  ];
}

/** Milliseconds of one kernel call (wasm and oneDNN kernels both finish before they return). */
function time(call: Call, onednn: boolean): number {
  useOnednnKernels(onednn);
  const start = performance.now();
  const out = tf.engine().runKernel(call.kernel, call.inputs, call.attrs as NamedAttrMap) as Tensor;
  const ms = performance.now() - start;
  out.dispose();
  return ms;
}

function kernels(repeats: number): void {
  console.log(`ms over ${repeats} calls after 3 warm-up calls, median (min)`);
  console.log('| shape | kernel | wasm | oneDNN | speed-up of the medians (mins) |\n|---|---|---|---|---|');
  for (const channels of [16, 32]) {
    for (const size of [8, 16, 32]) {
      for (const call of calls(16, size, channels)) {
        for (let i = 0; i < 3; i++) [true, false].forEach((on) => time(call, on));
        const wasm: number[] = [];
        const native: number[] = [];
        for (let i = 0; i < repeats; i++) {
          wasm.push(time(call, false));
          native.push(time(call, true));
        }
        const [w, n, wMin, nMin] = [median(wasm), median(native), Math.min(...wasm), Math.min(...native)];
        const cell = (m: number, least: number) => `${m.toFixed(3)} (${least.toFixed(3)})`;
        console.log(`| ${call.label} | ${call.kernel} | ${cell(w, wMin)} | ${cell(n, nMin)} | ${(w / n).toFixed(1)}x (${(wMin / nMin).toFixed(1)}x) |`);
      }
    }
  }
  useOnednnKernels(true);
}

/**
 * Puts a timer in front of the depthwise kernels that also picks, per call, oneDNN's kernel or the
 * wasm one it replaced; only outermost calls are timed (the wasm gradients call the forward kernel).
 */
function timedDepthwise(): { onednn: boolean; ms: number; calls: number } {
  const state = { onednn: true, ms: 0, calls: 0 };
  let depth = 0;
  for (const name of DEPTHWISE) {
    const native = tf.getKernel(name, 'wasm');
    const wasm = replacedByOnednn(name);
    if (native === undefined || wasm === undefined) throw new Error(`bench-depthwise: ${name} is not a oneDNN kernel`);
    const kernelFunc: KernelFunc = (params) => {
      const chosen = state.onednn ? native : wasm;
      if (depth > 0) return chosen.kernelFunc(params);
      depth++;
      const start = performance.now();
      try {
        return chosen.kernelFunc(params);
      } finally {
        depth--;
        state.ms += performance.now() - start;
        state.calls++;
      }
    };
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ ...native, kernelFunc });
  }
  return state;
}

async function iterations(n: number, width: number): Promise<void> {
  const depthwise = timedDepthwise();
  const bench = searchGame(resolveExperiment('cifar10.yaml'), { widths: { generator: width, discriminator: width }, batch: 16, generatorBatch: 16 });
  let step = 0;
  const iteration = async (onednn: boolean) => {
    Object.assign(depthwise, { onednn, ms: 0, calls: 0 });
    const start = performance.now();
    await bench.game.step(bench.real, step++, bench.latent, bench.relaxation);
    return { wall: performance.now() - start, depthwise: depthwise.ms, calls: depthwise.calls };
  };
  await iteration(true);
  await iteration(false);
  const runs: Record<'wasm' | 'oneDNN', { wall: number; depthwise: number; calls: number }[]> = { wasm: [], oneDNN: [] };
  for (let i = 0; i < n; i++) {
    runs.oneDNN.push(await iteration(true));
    runs.wasm.push(await iteration(false));
  }
  bench.dispose();
  console.log(`search ${width}/${width}, batch 16, ${n} iterations each after one warm-up, medians (min-max) in ms`);
  console.log('| depthwise kernels | iteration | in the depthwise kernels | depthwise calls |\n|---|---|---|---|');
  for (const [label, list] of Object.entries(runs)) {
    const range = (values: number[]) => `${median(values).toFixed(0)} (${Math.min(...values).toFixed(0)}-${Math.max(...values).toFixed(0)})`;
    console.log(`| ${label} | ${range(list.map((r) => r.wall))} | ${range(list.map((r) => r.depthwise))} | ${list[0]!.calls} |`);
  }
}

const [mode = 'kernels', first, second] = process.argv.slice(2);
const info = await selectBackend('wasm', { threads: 'auto' });
console.log(`${info.summary}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
if (!onednnActive()) throw new Error('bench-depthwise: the oneDNN kernels are not active (see README "oneDNN convolutions under wasm")');
if (mode === 'kernels') kernels(Number(first ?? 20));
else if (mode === 'iteration') await iterations(Number(first ?? 4), Number(second ?? 16));
else throw new Error(`bench-depthwise: unknown mode ${mode} (kernels or iteration)`);
