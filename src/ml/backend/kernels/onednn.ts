/**
 * oneDNN convolutions for the wasm backend: Conv2D, FusedConv2D (bias and activation as oneDNN
 * post-ops), the depthwise convolution (channel multiplier 1) and the gradients of both,
 * computed by the native addon directly on the wasm heap (the tensors' memory is handed over in
 * place, no copy). Registered over the wasm kernels only when the addon loads; each call the
 * addon cannot take (another layout or dtype, an empty tensor, PReLU, a depthwise channel
 * multiplier other than 1) goes to the kernel it replaced.
 */
import { tf, type KernelBackend, type KernelConfig, type KernelFunc, type NamedAttrMap, type TensorInfo } from '../../tf.js';
import type { OnednnAddon } from '../native/onednn_addon.js';

type Shape4 = [number, number, number, number];
type Kind = 0 | 1 | 2;

/** What the wasm backend offers for working on its heap in place (tfjs-backend-wasm 4.22). */
interface HeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): ArrayLike<number>;
}

type ConvInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;

/** The addon's activation codes (native/onednn/dnnl_conv.cc); 'prelu' needs weights and is not one. */
const ACTIVATIONS: Record<string, number> = { linear: 0, relu: 1, relu6: 2, elu: 3, leakyrelu: 4, sigmoid: 5 };

export const ONEDNN_KERNELS = [
  'Conv2D',
  'FusedConv2D',
  'Conv2DBackpropInput',
  'Conv2DBackpropFilter',
  'DepthwiseConv2dNative',
  'DepthwiseConv2dNativeBackpropInput',
  'DepthwiseConv2dNativeBackpropFilter',
] as const;

/**
 * oneDNN's dims for a convolution ([N,H,W,C, KH,KW,O, OH,OW, SH,SW, DH,DW, PT,PL,PB,PR]), or
 * null where tfjs's output size is not the one oneDNN derives from the pads (oneDNN rejects
 * those; tfjs's 'ceil' and 'round' rounding modes can give them).
 */
export function onednnDims(info: ConvInfo): Int32Array | null {
  const p = info.padInfo;
  const fits = (inSize: number, k: number, d: number, stride: number, before: number, after: number, out: number) =>
    before >= 0 && after >= 0 && Math.floor((inSize + before + after - (d * (k - 1) + 1)) / stride) + 1 === out;
  if (!fits(info.inHeight, info.filterHeight, info.dilationHeight, info.strideHeight, p.top, p.bottom, info.outHeight)) return null;
  if (!fits(info.inWidth, info.filterWidth, info.dilationWidth, info.strideWidth, p.left, p.right, info.outWidth)) return null;
  return Int32Array.of(
    info.batchSize, info.inHeight, info.inWidth, info.inChannels,
    info.filterHeight, info.filterWidth, info.outChannels, info.outHeight, info.outWidth,
    info.strideHeight, info.strideWidth, info.dilationHeight, info.dilationWidth,
    p.top, p.left, p.bottom, p.right,
  );
}

interface Call {
  readonly kind: Kind;
  readonly depthwise: boolean;
  readonly a: TensorInfo;
  readonly b: TensorInfo;
  readonly bias: TensorInfo | null;
  readonly activation: number;
  readonly alpha: number;
  readonly outShape: number[];
  readonly dims: Int32Array;
}

const size = (shape: readonly number[]) => shape.reduce((p, q) => p * q, 1);

/** Which addon call each kernel is, and the names of its two tensor inputs. */
const ROLES: Record<string, { readonly kind: Kind; readonly depthwise: boolean; readonly inputs: readonly [string, string] }> = {
  Conv2D: { kind: 0, depthwise: false, inputs: ['x', 'filter'] },
  FusedConv2D: { kind: 0, depthwise: false, inputs: ['x', 'filter'] },
  Conv2DBackpropInput: { kind: 1, depthwise: false, inputs: ['dy', 'filter'] },
  Conv2DBackpropFilter: { kind: 2, depthwise: false, inputs: ['x', 'dy'] },
  DepthwiseConv2dNative: { kind: 0, depthwise: true, inputs: ['x', 'filter'] },
  DepthwiseConv2dNativeBackpropInput: { kind: 1, depthwise: true, inputs: ['dy', 'filter'] },
  DepthwiseConv2dNativeBackpropFilter: { kind: 2, depthwise: true, inputs: ['x', 'dy'] },
};

/** The addon call for a kernel invocation, or null where the replaced kernel must run. */
function callFor(kernelName: string, inputs: Record<string, TensorInfo | undefined>, attrs: NamedAttrMap | undefined): Call | null {
  const a = (attrs ?? {}) as Record<string, unknown>;
  const role = ROLES[kernelName];
  if (role === undefined || (a.dataFormat !== undefined && a.dataFormat !== 'NHWC')) return null;
  const { kind, depthwise } = role;
  const first = inputs[role.inputs[0]];
  const second = inputs[role.inputs[1]];
  if (!first || !second) return null;
  const xShape = (kind === 1 ? a.inputShape : first.shape) as Shape4;
  const filterShape = (kind === 2 ? a.filterShape : second.shape) as Shape4;
  let bias: TensorInfo | null = null;
  let activation = 0;
  if (kernelName === 'FusedConv2D') {
    const code = ACTIVATIONS[String(a.activation ?? 'linear')];
    if (code === undefined || inputs.preluActivationWeights !== undefined) return null;
    activation = code;
    bias = inputs.bias ?? null;
    if (bias !== null && (bias.dtype !== 'float32' || size(bias.shape) !== filterShape[3])) return null;
  }
  if (first.dtype !== 'float32' || second.dtype !== 'float32') return null;
  if (first.shape.length !== 4 || second.shape.length !== 4 || size(first.shape) === 0 || size(second.shape) === 0) return null;
  // The addon's depthwise convolution has one filter per channel (tfjs's channel multiplier 1).
  if (depthwise && (filterShape[3] !== 1 || filterShape[2] !== xShape[3])) return null;
  const strides = a.strides as number | [number, number];
  const pad = a.pad as Parameters<typeof tf.backend_util.computeConv2DInfo>[4];
  const rounding = a.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined;
  const dilations = (a.dilations as number | [number, number] | undefined) ?? 1;
  const info = tf.backend_util.computeConv2DInfo(xShape, filterShape, strides, dilations, pad, rounding, depthwise, 'channelsLast');
  const dims = onednnDims(info);
  if (dims === null || size(info.outShape) === 0) return null;
  const outShape = kind === 0 ? info.outShape : kind === 1 ? xShape : filterShape;
  const alpha = activation === ACTIVATIONS.leakyrelu ? Number(a.leakyreluAlpha ?? 0.2) : 0;
  return { kind, depthwise, a: first, b: second, bias, activation, alpha, outShape: [...outShape], dims };
}

let enabled = true;
const replaced = new Map<string, KernelConfig>();
const calls = new Map<string, number>();
let registered = false;

function nativeKernel(addon: OnednnAddon, kernelName: string, fallback: KernelConfig | undefined): KernelConfig {
  const kernelFunc: KernelFunc = (params) => {
    const call = enabled ? callFor(kernelName, params.inputs, params.attrs) : null;
    if (call === null) {
      if (fallback === undefined) throw new Error(`${kernelName}: the wasm backend has no kernel for this call`);
      return fallback.kernelFunc(params);
    }
    calls.set(kernelName, (calls.get(kernelName) ?? 0) + 1);
    const backend = params.backend as KernelBackend & HeapBackend;
    const out = backend.makeOutput(call.outShape, 'float32');
    // The views are taken after makeOutput: its malloc may grow the heap, which replaces the
    // buffer that earlier views point into.
    const view = (info: TensorInfo) => backend.typedArrayFromHeap(info) as Float32Array;
    try {
      if (call.depthwise) addon.depthwise(call.kind, view(call.a), view(call.b), view(out), call.dims);
      else addon.conv(call.kind, view(call.a), view(call.b), view(out), call.dims, call.bias && view(call.bias), call.activation, call.alpha);
    } catch (error) {
      backend.disposeData(out.dataId);
      throw error;
    }
    return out;
  };
  return { kernelName, backendName: 'wasm', kernelFunc };
}

/**
 * Puts the oneDNN kernels in front of the wasm ones (once per process). Call after
 * registerTrainingKernels('wasm'), whose gradient kernels become the fallbacks.
 */
export function registerOnednnKernels(addon: OnednnAddon): void {
  if (registered) return;
  for (const name of ONEDNN_KERNELS) {
    const existing = tf.getKernel(name, 'wasm');
    if (existing !== undefined) {
      replaced.set(name, existing);
      tf.unregisterKernel(name, 'wasm');
    }
    tf.registerKernel(nativeKernel(addon, name, existing));
  }
  registered = true;
}

/** Whether the oneDNN kernels are registered and in use. */
export function onednnActive(): boolean {
  return registered && enabled;
}

/**
 * Routes convolutions to the oneDNN kernels (true, the default once registered) or to the wasm
 * ones they replaced (false): for side-by-side checks and benchmarks in one process.
 */
export function useOnednnKernels(on: boolean): void {
  enabled = on;
}

/** The wasm kernel a oneDNN kernel replaced (for tests that compare against it), if any. */
export function replacedByOnednn(kernelName: string): KernelConfig | undefined {
  return replaced.get(kernelName);
}

/** How many calls of `kernelName` oneDNN has computed in this process (the others fell back). */
export function onednnCalls(kernelName: string): number {
  return calls.get(kernelName) ?? 0;
}
