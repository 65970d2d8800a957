/**
 * Explicit padding in the convolution gradients on the native TensorFlow backend.
 *
 * tfjs-node 4.22 passes explicit pads to TensorFlow in its Conv2D forward kernel, but its
 * Conv2DBackpropInput and Conv2DBackpropFilter kernels throw for them ("TF Backend supports
 * only 'valid' and 'same' padding while padding was EXPLICIT"), so tf.grads of any convolution
 * with pad [[0,0],[t,b],[l,r],[0,0]] fails; its depthwise backprop kernels send
 * padding=EXPLICIT without the pads, which TF rejects. TensorFlow itself supports EXPLICIT on
 * all four ops.
 * Pads equal to what 'same' or 'valid' computes are passed on as those: TF's SAME path is
 * 2-5x faster than its EXPLICIT one at the search's shapes (NATIVE.md); the rest go to TF as
 * padding=EXPLICIT.
 */
import { tf, type KernelConfig, type KernelFunc, type NamedAttrMap, type TensorInfo } from '../../tf.js';

/** The tfjs-node backend name, shared by @tensorflow/tfjs-node and -gpu. */
const TENSORFLOW = 'tensorflow';

type Pad4 = [[number, number], [number, number], [number, number], [number, number]];

/** The parts of tfjs-node's NodeJSKernelBackend used here (it ships no types we import). */
interface NativeBackend {
  readonly binding: { TF_ATTR_TYPE: number; TF_ATTR_INT: number; TF_ATTR_STRING: number; TF_ATTR_BOOL: number; TF_FLOAT: number };
  executeSingleOutput(name: string, attrs: { name: string; type: number; value: unknown }[], inputs: TensorInfo[]): TensorInfo;
}

interface BackpropCase {
  readonly name: 'Conv2DBackpropInput' | 'Conv2DBackpropFilter' | 'DepthwiseConv2dNativeBackpropInput' | 'DepthwiseConv2dNativeBackpropFilter';
  /** Only the Conv2D ops have the use_cudnn_on_gpu attribute. */
  readonly cudnnAttr: boolean;
  /** [x shape, filter shape] of the forward convolution. */
  shapes(inputs: Record<string, TensorInfo>, attrs: Record<string, unknown>): [number[], number[]];
  /** The size TF takes as an int32 input: the input's shape or the filter's. */
  sizes(attrs: Record<string, unknown>): number[];
  /** TF's input order. */
  order(inputs: Record<string, TensorInfo>, sizes: TensorInfo): TensorInfo[];
}

const inputGradient = {
  shapes: (inputs: Record<string, TensorInfo>, attrs: Record<string, unknown>): [number[], number[]] => [attrs.inputShape as number[], inputs.filter!.shape],
  sizes: (attrs: Record<string, unknown>) => attrs.inputShape as number[],
  order: (inputs: Record<string, TensorInfo>, sizes: TensorInfo) => [sizes, inputs.filter!, inputs.dy!],
};
const filterGradient = {
  shapes: (inputs: Record<string, TensorInfo>, attrs: Record<string, unknown>): [number[], number[]] => [inputs.x!.shape, attrs.filterShape as number[]],
  sizes: (attrs: Record<string, unknown>) => attrs.filterShape as number[],
  order: (inputs: Record<string, TensorInfo>, sizes: TensorInfo) => [inputs.x!, sizes, inputs.dy!],
};

const CASES: readonly BackpropCase[] = [
  { name: 'DepthwiseConv2dNativeBackpropInput', cudnnAttr: false, ...inputGradient },
  { name: 'DepthwiseConv2dNativeBackpropFilter', cudnnAttr: false, ...filterGradient },
  {
    name: 'Conv2DBackpropInput',
    cudnnAttr: true,
    shapes: (inputs, attrs) => [attrs.inputShape as number[], inputs.filter!.shape],
    sizes: (attrs) => attrs.inputShape as number[],
    order: (inputs, sizes) => [sizes, inputs.filter!, inputs.dy!],
  },
  {
    name: 'Conv2DBackpropFilter',
    cudnnAttr: true,
    shapes: (inputs, attrs) => [inputs.x!.shape, attrs.filterShape as number[]],
    sizes: (attrs) => attrs.filterShape as number[],
    order: (inputs, sizes) => [inputs.x!, sizes, inputs.dy!],
  },
];

let registered = false;

/** Whether the fix is registered in this process. */
export function explicitPaddingFixRegistered(): boolean {
  return registered;
}

/** Replaces the four backprop kernels of the tensorflow backend; once per process. */
export function registerTensorflowPaddingKernels(): void {
  if (registered) return;
  for (const backprop of CASES) {
    const stock = tf.getKernel(backprop.name, TENSORFLOW);
    if (!stock) throw new Error(`${backprop.name} is not registered on the ${TENSORFLOW} backend`);
    tf.unregisterKernel(backprop.name, TENSORFLOW);
    tf.registerKernel(paddingKernel(backprop, stock));
  }
  registered = true;
}

/** The NHWC pad rows of an explicit or numeric pad; null for 'same'/'valid' (which the stock kernel handles). */
export function explicitPads(pad: unknown): Pad4 | null {
  if (typeof pad === 'number') return [[0, 0], [pad, pad], [pad, pad], [0, 0]];
  if (Array.isArray(pad)) return pad as Pad4;
  return null;
}

/** 'same' or 'valid' where the explicit pads equal what those compute for these shapes, else null. */
export function namedPadding(pads: Pad4, xShape: number[], filterShape: number[], strides: number | [number, number], dilations: number | [number, number] = 1): 'same' | 'valid' | null {
  const flat = pads.flat();
  if (flat.every((v) => v === 0)) return 'valid';
  const same = tf.backend_util.computeConv2DInfo(xShape as [number, number, number, number], filterShape as [number, number, number, number], strides, dilations, 'same').padInfo;
  const expected = [0, 0, same.top, same.bottom, same.left, same.right, 0, 0];
  return expected.every((v, i) => v === flat[i]) ? 'same' : null;
}

function paddingKernel(backprop: BackpropCase, stock: KernelConfig): KernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const attrs = (args.attrs ?? {}) as Record<string, unknown>;
    const pads = explicitPads(attrs.pad);
    if (pads === null || (attrs.dataFormat ?? 'NHWC') !== 'NHWC') return stock.kernelFunc(args);
    const strides = attrs.strides as number | [number, number];
    const [xShape, filterShape] = backprop.shapes(args.inputs as Record<string, TensorInfo>, attrs);
    const named = namedPadding(pads, xShape, filterShape, strides, dilationsOf(attrs));
    if (named !== null) return stock.kernelFunc({ ...args, attrs: { ...attrs, pad: named } as NamedAttrMap });
    return explicitBackprop(backprop, args.backend as unknown as NativeBackend, args.inputs as Record<string, TensorInfo>, attrs, pads);
  };
  return { kernelName: backprop.name, backendName: TENSORFLOW, kernelFunc };
}

function dilationsOf(attrs: Record<string, unknown>): [number, number] {
  const d = (attrs.dilations ?? 1) as number | [number, number];
  return Array.isArray(d) ? d : [d, d];
}

function explicitBackprop(backprop: BackpropCase, backend: NativeBackend, inputs: Record<string, TensorInfo>, attrs: Record<string, unknown>, pads: Pad4): TensorInfo {
  const b = backend.binding;
  const [s0, s1] = Array.isArray(attrs.strides) ? (attrs.strides as [number, number]) : [attrs.strides as number, attrs.strides as number];
  const sizes = tf.tensor1d(backprop.sizes(attrs), 'int32');
  try {
    return backend.executeSingleOutput(
      backprop.name,
      [
        { name: 'T', type: b.TF_ATTR_TYPE, value: b.TF_FLOAT },
        { name: 'strides', type: b.TF_ATTR_INT, value: [1, s0, s1, 1] },
        { name: 'padding', type: b.TF_ATTR_STRING, value: 'EXPLICIT' },
        { name: 'explicit_paddings', type: b.TF_ATTR_INT, value: pads.flat() },
        { name: 'data_format', type: b.TF_ATTR_STRING, value: 'NHWC' },
        ...(backprop.cudnnAttr ? [{ name: 'use_cudnn_on_gpu', type: b.TF_ATTR_BOOL, value: true }] : []),
        { name: 'dilations', type: b.TF_ATTR_INT, value: [1, ...dilationsOf(attrs), 1] },
      ],
      backprop.order(inputs, sizes),
    );
  } finally {
    sizes.dispose();
  }
}
