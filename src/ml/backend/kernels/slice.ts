/**
 * Slice, SplitV, Unpack and GatherV2 for tfjs-backend-wasm that read their input in place.
 *
 * Why: the shipped Slice starts with backend.readSync(x), which copies the *whole* input out of
 * the wasm heap into a fresh ArrayBuffer, and SplitV and Unpack call it once per output: an
 * n-way split copies its input n times. Splitting the flat parameter vector of a fused Adam
 * step into ~270 parameters took 232 ms for 450k floats (it is a 2 ms copy). The shipped
 * GatherV2 computes every element's source with two std::vector conversions (a heap allocation
 * per element). These kernels copy only the elements they return, run by run, from a view of the
 * heap.
 */
import { tf, type KernelConfig, type KernelFunc, type TensorInfo } from '../../tf.js';

/** The parts of tfjs-backend-wasm's BackendWasm these kernels use. */
interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: string): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

type Heap = Float32Array | Int32Array | Uint8Array;

function strides(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) out[i] = out[i + 1]! * shape[i + 1]!;
  return out;
}

/**
 * Copies from[start, start + run) to to[offset, ...). Short runs are copied in a loop: a subarray
 * per run allocates a view, which costs more than copying a few floats.
 */
function copyRun(from: Heap, start: number, to: Heap, offset: number, run: number): void {
  if (run < 64) {
    for (let t = 0; t < run; t++) to[offset + t] = from[start + t]!;
  } else {
    to.set(from.subarray(start, start + run), offset);
  }
}

/** Copies the block [begin, begin + size) of `from` (shape `shape`) into `to`, row by row. */
function copyBlock(from: Heap, shape: readonly number[], begin: readonly number[], size: readonly number[], to: Heap): void {
  const rank = shape.length;
  const xStrides = strides(shape);
  // Merge the trailing axes that are taken whole into one contiguous run.
  let inner = rank - 1;
  let run = size[rank - 1]!;
  while (inner > 0 && size[inner] === shape[inner] && begin[inner] === 0) {
    inner -= 1;
    run *= size[inner]!;
  }
  const base = begin[inner]! * xStrides[inner]!;
  if (inner === 0) {
    to.set(from.subarray(base, base + run));
    return;
  }
  // Walk the outer index space [0, size[0..inner)) with an odometer.
  const index = new Array<number>(inner).fill(0);
  let offset = 0;
  for (;;) {
    let start = base;
    for (let a = 0; a < inner; a++) start += (begin[a]! + index[a]!) * xStrides[a]!;
    copyRun(from, start, to, offset, run);
    offset += run;
    let a = inner - 1;
    while (a >= 0) {
      index[a]! += 1;
      if (index[a]! < size[a]!) break;
      index[a] = 0;
      a -= 1;
    }
    if (a < 0) return;
  }
}

function sliceInPlace(backend: WasmHeapBackend, x: TensorInfo, begin: readonly number[], size: readonly number[]): TensorInfo {
  // makeOutput may grow the heap: take the views after it.
  const out = backend.makeOutput([...size], x.dtype);
  if (size.some((s) => s === 0)) return out;
  copyBlock(backend.typedArrayFromHeap(x), x.shape, begin, size, backend.typedArrayFromHeap(out));
  return out;
}

function unsupported(x: TensorInfo): boolean {
  return x.dtype === 'string' || x.dtype === 'complex64' || x.shape.length === 0;
}

type HeapRun = (params: Parameters<KernelFunc>[0], backend: WasmHeapBackend) => TensorInfo | TensorInfo[] | undefined;

/**
 * The kernel `kernelName` for `backendName` computed by `run` on views of the heap, and by the
 * shipped kernel where the input `input` has a type or rank these kernels do not handle or
 * where `run` declines (returns undefined).
 */
function heapKernel(kernelName: string, backendName: string, input: string, run: HeapRun): KernelConfig {
  const shipped = tf.getKernel(kernelName, backendName);
  if (!shipped) throw new Error(`the ${backendName} backend has no ${kernelName} kernel`);
  const kernelFunc: KernelFunc = (params) => {
    const out = unsupported(params.inputs[input]!) ? undefined : run(params, params.backend as unknown as WasmHeapBackend);
    return out ?? shipped.kernelFunc(params);
  };
  return { kernelName, backendName, kernelFunc };
}

export const heapSliceKernel = (backendName: string): KernelConfig =>
  heapKernel('Slice', backendName, 'x', (params, backend) => {
    const x = params.inputs.x!;
    const { begin, size } = params.attrs as { begin: number | number[]; size: number | number[] };
    const [b, s] = tf.slice_util.parseSliceParams(x as unknown as tf.Tensor, begin, size);
    return sliceInPlace(backend, x, b!, s!);
  });

export const heapSplitKernel = (backendName: string): KernelConfig =>
  heapKernel('SplitV', backendName, 'x', (params, backend) => {
    const x = params.inputs.x!;
    const { numOrSizeSplits, axis } = params.attrs as { numOrSizeSplits: number | number[]; axis: number };
    const a = tf.util.parseAxisParam(axis, x.shape)[0]!;
    const sizes = tf.backend_util.prepareSplitSize(x as unknown as tf.Tensor, numOrSizeSplits, a);
    const begin = new Array<number>(x.shape.length).fill(0);
    return sizes.map((s) => {
      const size = [...x.shape];
      size[a] = s;
      const out = sliceInPlace(backend, x, begin, size);
      begin[a]! += s;
      return out;
    });
  });

export const heapUnpackKernel = (backendName: string): KernelConfig =>
  heapKernel('Unpack', backendName, 'value', (params, backend) => {
    const value = params.inputs.value!;
    let axis = (params.attrs as { axis: number }).axis;
    if (axis < 0) axis += value.shape.length;
    const outShape = value.shape.filter((_, i) => i !== axis);
    const begin = new Array<number>(value.shape.length).fill(0);
    const size = [...value.shape];
    size[axis] = 1;
    return Array.from({ length: value.shape[axis]! }, (_, i) => {
      begin[axis] = i;
      const out = sliceInPlace(backend, value, begin, size);
      return { ...out, shape: outShape };
    });
  });

/**
 * x gathered along `axis` (batchDims 0, int32 indices): for every outer index and every index,
 * one contiguous run of the trailing axes. Indices out of range throw, as the shipped kernel's do.
 */
export const heapGatherKernel = (backendName: string): KernelConfig =>
  heapKernel('GatherV2', backendName, 'x', (params, backend) => {
    const { x, indices } = params.inputs as { x: TensorInfo; indices: TensorInfo };
    const { axis, batchDims } = params.attrs as { axis: number; batchDims: number };
    if (batchDims !== 0 || indices.dtype !== 'int32') return undefined;
    const a = tf.util.parseAxisParam(axis, x.shape)[0]!;
    const outer = x.shape.slice(0, a).reduce((p, d) => p * d, 1);
    const dim = x.shape[a]!;
    const run = x.shape.slice(a + 1).reduce((p, d) => p * d, 1);
    const count = indices.shape.reduce((p, d) => p * d, 1);
    const checked = backend.typedArrayFromHeap(indices);
    for (let j = 0; j < count; j++) {
      if (!(checked[j]! >= 0 && checked[j]! < dim)) throw new Error(`GatherV2: the index value ${checked[j]} is not in [0, ${dim - 1}]`);
    }
    const out = backend.makeOutput([...x.shape.slice(0, a), ...indices.shape, ...x.shape.slice(a + 1)], x.dtype);
    // Views after makeOutput, which may grow the heap.
    const from = backend.typedArrayFromHeap(x);
    const index = backend.typedArrayFromHeap(indices);
    const to = backend.typedArrayFromHeap(out);
    let offset = 0;
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < count; j++) {
        copyRun(from, (o * dim + index[j]!) * run, to, offset, run);
        offset += run;
      }
    }
    return out;
  });
