/**
 * Kernel registrations that make training correct and fast on the JavaScript backends
 * (tfjs 4.22.0). Registered through tfjs's own kernel registry, so tf.grad & co. pick them up.
 * Idempotent: each backend is patched once per process.
 */
import { tf, type KernelBackend, type KernelConfig, type KernelFunc, type NamedAttrMap, type Tensor4D } from '../../tf.js';
import { conv2dFilterGradient, conv2dInputGradient, type ConvPad, type RoundingMode } from './conv_backprop.js';
import { cpuFallbackKernel } from './cpu_fallback.js';
import { depthwiseFilterGradient, depthwiseInputGradient } from './depthwise_backprop.js';
import { toOutput, viewInput } from './kernel_io.js';
import { sharingCastKernel, sharingIdentityKernel } from './shared_data.js';
import { heapGatherKernel, heapSliceKernel, heapSplitKernel, heapUnpackKernel } from './slice.js';

export type PatchedBackend = 'wasm' | 'cpu';

type Shape4 = [number, number, number, number];

interface ConvAttrs {
  strides: number | [number, number];
  pad: ConvPad;
  dimRoundingMode: RoundingMode;
}

function convAttrs(attrs: NamedAttrMap | undefined, kernel: string): ConvAttrs {
  const a = (attrs ?? {}) as Record<string, unknown>;
  if (a.dataFormat !== undefined && a.dataFormat !== 'NHWC') {
    throw new Error(`${kernel}: only NHWC is supported by the registered kernel, got ${String(a.dataFormat)}`);
  }
  const dilations = a.dilations as number | [number, number] | undefined;
  if (dilations !== undefined && !(dilations === 1 || (Array.isArray(dilations) && dilations.every((d) => d === 1)))) {
    throw new Error(`${kernel}: dilations other than 1 are not supported`);
  }
  return {
    strides: a.strides as number | [number, number],
    pad: a.pad as ConvPad,
    dimRoundingMode: a.dimRoundingMode as RoundingMode,
  };
}

/** A kernel written with tf ops: inputs are viewed as tensors, the result handed back without a copy. */
function opKernel(
  kernelName: string,
  backendName: string,
  compute: (inputs: Record<string, Tensor4D>, attrs: NamedAttrMap | undefined) => Tensor4D,
  inputNames: readonly string[],
): KernelConfig {
  const kernelFunc: KernelFunc = ({ inputs, attrs, backend }) => {
    const kernelBackend = backend as KernelBackend;
    const result = tf.tidy(() => {
      const views: Record<string, Tensor4D> = {};
      for (const name of inputNames) views[name] = viewInput<Tensor4D>(kernelBackend, inputs[name], name);
      return compute(views, attrs);
    });
    return toOutput(kernelBackend, result);
  };
  return { kernelName, backendName, kernelFunc };
}

const convFilterKernel = (backendName: string): KernelConfig =>
  opKernel(
    'Conv2DBackpropFilter',
    backendName,
    ({ x, dy }, attrs) => {
      const a = convAttrs(attrs, 'Conv2DBackpropFilter');
      const filterShape = (attrs as { filterShape: Shape4 }).filterShape;
      return conv2dFilterGradient(x!, dy!, filterShape, a.strides, a.pad, a.dimRoundingMode);
    },
    ['x', 'dy'],
  );

const convInputKernel = (backendName: string): KernelConfig =>
  opKernel(
    'Conv2DBackpropInput',
    backendName,
    ({ dy, filter }, attrs) => {
      const a = convAttrs(attrs, 'Conv2DBackpropInput');
      const inputShape = (attrs as { inputShape: Shape4 }).inputShape;
      return conv2dInputGradient(dy!, filter!, inputShape, a.strides, a.pad, a.dimRoundingMode);
    },
    ['dy', 'filter'],
  );

/**
 * The depthwise gradients built from forward depthwise convs handle channel multiplier 1 (all
 * this project uses); other multipliers go to the cpu kernel.
 */
function multiplierOneOrCpu(primary: KernelConfig, multiplier: (params: Parameters<KernelFunc>[0]) => number): KernelConfig {
  const fallback = cpuFallbackKernel(primary.kernelName, primary.backendName);
  return {
    ...primary,
    kernelFunc: (params) => (multiplier(params) === 1 ? primary.kernelFunc(params) : fallback.kernelFunc(params)),
  };
}

const depthwiseInputKernel = (backendName: string): KernelConfig =>
  multiplierOneOrCpu(
    opKernel(
      'DepthwiseConv2dNativeBackpropInput',
      backendName,
      ({ dy, filter }, attrs) => {
        const a = convAttrs(attrs, 'DepthwiseConv2dNativeBackpropInput');
        const inputShape = (attrs as { inputShape: Shape4 }).inputShape;
        return depthwiseInputGradient(dy!, filter!, inputShape, a.strides, a.pad, a.dimRoundingMode);
      },
      ['dy', 'filter'],
    ),
    ({ inputs }) => inputs.filter?.shape[3] ?? 0,
  );

const depthwiseFilterKernel = (backendName: string): KernelConfig =>
  multiplierOneOrCpu(
    opKernel(
      'DepthwiseConv2dNativeBackpropFilter',
      backendName,
      ({ x, dy }, attrs) => {
        const a = convAttrs(attrs, 'DepthwiseConv2dNativeBackpropFilter');
        const filterShape = (attrs as { filterShape: Shape4 }).filterShape;
        return depthwiseFilterGradient(x!, dy!, filterShape, a.strides, a.pad, a.dimRoundingMode);
      },
      ['x', 'dy'],
    ),
    ({ attrs }) => (attrs as { filterShape: Shape4 }).filterShape[3],
  );

/** What each backend gets, and why. */
const PATCHES: Record<PatchedBackend, readonly ((backendName: string) => KernelConfig)[]> = {
  wasm: [
    convFilterKernel, // missing on wasm
    convInputKernel, // native one is a naive loop
    depthwiseInputKernel, // missing on wasm
    depthwiseFilterKernel, // missing on wasm
    (b) => cpuFallbackKernel('UnsortedSegmentSum', b), // missing on wasm (gradient of gather)
    (b) => cpuFallbackKernel('MaxPoolGrad', b), // wrong on wasm for all-negative windows
    sharingIdentityKernel, // the shipped one copies every tensor saved for a backward pass
    sharingCastKernel, // likewise for same-type casts (the gradient of a saved clone)
    heapSliceKernel, // the shipped one copies its whole input first
    heapSplitKernel, // ... once per output
    heapUnpackKernel, // ... once per output
    heapGatherKernel, // the shipped one allocates twice per element
  ],
  cpu: [
    convFilterKernel, // the native one is 35-46x slower than the cpu forward conv it is built from
  ],
};

const patched = new Set<string>();
const replaced = new Map<string, KernelConfig>();

/** Registers the training kernels for `backendName` (once; later calls do nothing). */
export function registerTrainingKernels(backendName: PatchedBackend): void {
  if (patched.has(backendName)) return;
  for (const make of PATCHES[backendName]) {
    const config = make(backendName);
    const existing = tf.getKernel(config.kernelName, backendName);
    if (existing !== undefined) {
      replaced.set(`${backendName}|${config.kernelName}`, existing);
      tf.unregisterKernel(config.kernelName, backendName);
    }
    tf.registerKernel(config);
  }
  patched.add(backendName);
}

/** The kernel that a registration replaced (for tests that compare against it), if any. */
export function replacedKernel(kernelName: string, backendName: string): KernelConfig | undefined {
  return replaced.get(`${backendName}|${kernelName}`);
}

/** Names of the kernels registered for `backendName` by registerTrainingKernels. */
export function trainingKernelNames(backendName: PatchedBackend): string[] {
  return PATCHES[backendName].map((make) => make(backendName).kernelName);
}
