/**
 * Identity and same-type Cast for tfjs-backend-wasm that share the input's data (a reference
 * count) instead of copying it, as the cpu backend's kernels do.
 *
 * Why: the engine clones every tensor it saves for a backward pass through the Identity kernel
 * (engine.saveTensorsForBackwardMode), and the gradient of a clone is a float32 Cast. The
 * shipped wasm kernels copy the data each time: about 25,000 copies per search iteration of
 * the super-networks, 1.7 s of a 16/16 iteration in a CPU profile. Sharing is safe because
 * tfjs never writes into a tensor's data after creation (Variable.assign swaps the data id).
 */
import { tf, type KernelBackend, type KernelConfig, type KernelFunc, type TensorInfo } from '../../tf.js';

function share(backend: KernelBackend, x: TensorInfo, dtype = x.dtype): TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype };
}

export function sharingIdentityKernel(backendName: string): KernelConfig {
  const shipped = tf.getKernel('Identity', backendName);
  const kernelFunc: KernelFunc = (params) => {
    const x = params.inputs.x!;
    if (x.dtype === 'string') {
      if (!shipped) throw new Error('Identity: no kernel for string tensors');
      return shipped.kernelFunc(params);
    }
    return share(params.backend as KernelBackend, x);
  };
  return { kernelName: 'Identity', backendName, kernelFunc };
}

export function sharingCastKernel(backendName: string): KernelConfig {
  const shipped = tf.getKernel('Cast', backendName);
  if (!shipped) throw new Error(`the ${backendName} backend has no Cast kernel`);
  const kernelFunc: KernelFunc = (params) => {
    const x = params.inputs.x!;
    const dtype = (params.attrs as { dtype: string }).dtype;
    return x.dtype === dtype && dtype !== 'string' ? share(params.backend as KernelBackend, x) : shipped.kernelFunc(params);
  };
  return { kernelName: 'Cast', backendName, kernelFunc };
}
