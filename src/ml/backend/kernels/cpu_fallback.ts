/**
 * Runs the cpu backend's kernel on copies of a kernel's inputs and copies the results back:
 * the fix for kernels tfjs-backend-wasm 4.22.0 lacks (UnsortedSegmentSum, the gradient of
 * tf.gather) or computes wrongly (MaxPoolGrad: its running max starts at FLT_MIN instead of
 * -FLT_MAX, so all-negative windows get no gradient; probes/tfjs/scripts/maxpool_neg_check.js).
 * Slow (pure JavaScript plus two copies): for kernels off the hot path only.
 */
import { tf, type KernelBackend, type KernelConfig, type KernelFunc, type TensorInfo } from '../../tf.js';

export function cpuFallbackKernel(kernelName: string, backendName: string): KernelConfig {
  const cpuKernel = tf.getKernel(kernelName, 'cpu');
  if (cpuKernel === undefined) throw new Error(`the cpu backend has no kernel '${kernelName}'`);
  const kernelFunc: KernelFunc = ({ inputs, attrs, backend }) => {
    const target = backend as KernelBackend;
    const cpu = tf.engine().findBackend('cpu');
    const cpuInputs: Record<string, TensorInfo> = {};
    const temporaries: TensorInfo[] = [];
    for (const [name, info] of Object.entries(inputs)) {
      if (info === undefined) continue;
      const copy = { dataId: cpu.write(target.readSync(info.dataId), info.shape, info.dtype), shape: info.shape, dtype: info.dtype };
      cpuInputs[name] = copy;
      temporaries.push(copy);
    }
    const result = cpuKernel.kernelFunc({ inputs: cpuInputs, attrs, backend: cpu });
    const results = Array.isArray(result) ? result : [result];
    const outputs = results.map((r) => ({ dataId: target.write(cpu.readSync(r.dataId), r.shape, r.dtype), shape: r.shape, dtype: r.dtype }));
    for (const info of [...temporaries, ...results]) cpu.disposeData(info.dataId, true);
    return Array.isArray(result) ? outputs : outputs[0]!;
  };
  return { kernelName, backendName, kernelFunc };
}
