import { Argument, Command } from '@commander-js/extra-typings';
import { atCommandEnd } from '../cleanup.js';
import { UserError } from '../errors.js';
import { bold, dim, green, type Output } from '../output.js';

const GPU_NEEDS =
  'needs Linux x86-64, an NVIDIA GPU and a driver for CUDA 12 (`nvidia-smi` shows "CUDA Version: 12.x" or later); ' +
  'the CUDA and cuDNN libraries come from pip (the wheel\'s and-cuda extra), no system CUDA is used';

export function setupCommand(output: Output, setExit: (code: number) => void) {
  return new Command('setup')
    .description('install an optional backend: `setup tensorflow` builds native TensorFlow (tfjs-node) against the pip wheel')
    .addArgument(new Argument('<what>', 'what to install').choices(['tensorflow'] as const))
    .option('--gpu', `the CUDA 12 build (tfjs-node-gpu on the tensorflow wheel); ${GPU_NEEDS}`)
    .option('--python <path>', "use this Python's installed TensorFlow instead of a venv of dsl's own")
    .action(async (_what, options) => {
      const { setupTensorflow } = await import('../../setup/tensorflow.js');
      const { tensorflowHome, TENSORFLOW_HOME_ENV } = await import('../../setup/home.js');
      const { releaseBackend } = await import('../../ml/backend/index.js');
      atCommandEnd(releaseBackend);
      if (options.gpu) output.err(dim(output, `--gpu ${GPU_NEEDS}`));
      if (!options.python) output.err(dim(output, `venv in ${tensorflowHome()} (set ${TENSORFLOW_HOME_ENV} to choose another folder)`));
      let count = 0;
      const result = await setupTensorflow({ variant: options.gpu ? 'gpu' : 'cpu', ...(options.python ? { python: options.python } : {}) }, (event) => {
        if (event.kind === 'start') {
          count += 1;
          output.err(`${bold(output, `${count}.`)} ${event.title}`);
        } else {
          const took = event.seconds >= 1 ? ` (${event.seconds.toFixed(0)} s)` : '';
          output.err(`   ${event.kind === 'done' ? green(output, 'done') : dim(output, 'ok')}: ${event.detail}${took}`);
        }
      }).catch((error: unknown) => {
        if (error instanceof Error && error.name === 'SetupError') throw new UserError(`setup failed: ${error.message}`, { hint: (error as Error & { hint: string }).hint });
        throw error;
      });
      const backend = options.gpu ? 'tensorflow-gpu' : 'tensorflow';
      output.out(result.changed.length === 0 ? `${backend}: already set up, nothing to do` : `${backend}: ready (TensorFlow ${result.verification.tensorflowVersion}); use it with --backend ${backend}`);
      setExit(0);
    });
}
