/**
 * Moving between kernel-level TensorInfos and ordinary tensors, so that a kernel can be
 * written with tf ops. Both directions share the backend's data (reference counts), no copy.
 */
import { tf, type KernelBackend, type Tensor, type TensorInfo } from '../../tf.js';

/** A tensor view of a kernel input; disposing the view leaves the input alive. */
export function viewInput<T extends Tensor>(backend: KernelBackend, info: TensorInfo | undefined, name: string): T {
  if (info === undefined) throw new Error(`kernel input '${name}' is missing`);
  backend.incRef(info.dataId);
  return tf.engine().makeTensorFromTensorInfo(info, backend) as T;
}

/** Hands a tensor's data to the engine as a kernel output and releases the tensor. */
export function toOutput(backend: KernelBackend, result: Tensor): TensorInfo {
  backend.incRef(result.dataId);
  const info: TensorInfo = { dataId: result.dataId, shape: result.shape, dtype: result.dtype };
  result.dispose();
  return info;
}
