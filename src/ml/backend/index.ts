export { releaseBackend, selectBackend } from './select.js';
export {
  AUTO_GPU_ORDER,
  BACKEND_REQUESTS,
  BackendUnavailableError,
  type BackendInfo,
  type BackendName,
  type BackendRequest,
  type SelectBackendOptions,
  type SkippedBackend,
} from './types.js';
export { choiceReason, estimateMs, rankRoutes, type RouteEstimate, type Workload } from './choose.js';
export { registerTrainingKernels, replacedKernel, trainingKernelNames, type PatchedBackend } from './kernels/register.js';
export {
  checkWebgpuDevice,
  probeWebgpu,
  softwareReason,
  WEBGPU_ENV,
  WebgpuDeviceError,
  webgpuConfig,
  webgpuDeviceErrors,
  type WebgpuAdapter,
  type WebgpuConfig,
  type WebgpuProbe,
} from './webgpu.js';
