/**
 * The single place that imports TensorFlow.js. Everything else imports `tf` from here.
 *
 * The umbrella package is used (not tfjs-core alone) because tfjs-core's CommonJS bundle
 * registers no gradient functions; the umbrella registers all of them and the cpu backend.
 * Code uses the functional API (`tf.mul(a, b)`), which needs no chained-method shims.
 */
import * as tf from '@tensorflow/tfjs';

// Library code never prints. tfjs prints through console unless PROD is set: a banner on the
// cpu backend's first write ("install our node backend"), deprecation notes, and backend
// start-up failures, which selectBackend reports itself.
tf.env().set('PROD', true);

export { tf };
export type {
  DataType,
  GradConfig,
  GradSaveFunc,
  KernelBackend,
  KernelConfig,
  KernelFunc,
  NamedAttrMap,
  NamedTensorInfoMap,
  Rank,
  Scalar,
  Tensor,
  Tensor1D,
  Tensor2D,
  Tensor3D,
  Tensor4D,
  TensorInfo,
  Variable,
} from '@tensorflow/tfjs';
