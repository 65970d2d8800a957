import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../../../src/ml/backend/index.js';
import { EVAL } from '../../../src/ml/nets/context.js';
import { Discriminator } from '../../../src/ml/nets/discriminator.js';
import { Generator } from '../../../src/ml/nets/generator.js';
import { tf, type Tensor2D, type Tensor4D } from '../../../src/ml/tf.js';
import type { CellGenotype, NetworkGenotype } from '../../../src/nas/genotype.js';
import { checkNetworkGenotype } from '../../../src/nas/genotype.js';
import { isZeroOp } from '../../../src/nas/ops.js';
import type { CellModel, NetworkModel } from '../../../src/nas/space.js';
import { Random } from '../../../src/util/random.js';
import { experiment, resolveValid } from '../../helpers/specs.js';

/**
 * The genotype check agrees with the derived networks: for every way of dropping (`none`)
 * or keeping the edges of a cell of the paper's G and D, the genotype is accepted
 * exactly when the derived network can be built and runs a forward pass.
 */
const { space } = resolveValid(experiment('mnist.yaml'), ['searchSpace.generator.channels=4', 'searchSpace.discriminator.channels=4']);

/** Every keep/drop pattern of the edges that have a zero operation; kept edges take their first other op. */
function patterns(cell: CellModel): CellGenotype[] {
  const droppable = cell.edges.filter((e) => e.ops.some((o) => isZeroOp(o.def)));
  const keep = (e: CellModel['edges'][number]) => e.ops.find((o) => !isZeroOp(o.def))!.name;
  return Array.from({ length: 2 ** droppable.length }, (_, mask) =>
    Object.fromEntries(cell.edges.map((e) => {
      const k = droppable.indexOf(e);
      const dropped = k >= 0 && (mask >> k) & 1;
      return [e.name, dropped ? e.ops.find((o) => isZeroOp(o.def))!.name : keep(e)];
    })),
  );
}

const keepAll = (network: NetworkModel): NetworkGenotype => network.cells.map((cell) => patterns(cell)[0]!);

function runs(kind: 'generator' | 'discriminator', genotype: NetworkGenotype): boolean {
  try {
    return tf.tidy(() => {
      if (kind === 'generator') {
        const g = new Generator(space.generator, new Random(1), genotype);
        const image = g.forward(tf.randomNormal([2, space.generator.latentDim]) as Tensor2D, EVAL);
        g.dispose();
        return image.shape[1] === space.generator.imageSize;
      }
      const d = new Discriminator(space.discriminator, new Random(1), genotype);
      const size = space.discriminator.imageSize;
      d.forward(tf.zeros([2, size, size, space.discriminator.imageChannels]) as Tensor4D, EVAL);
      d.dispose();
      return true;
    });
  } catch {
    return false;
  }
}

describe('genotype paths agree with the derived networks', () => {
  beforeAll(async () => {
    await selectBackend('cpu', { threads: 1 });
  });
  afterAll(() => tf.disposeVariables());

  for (const kind of ['generator', 'discriminator'] as const) {
    it(`${kind}: accepted exactly when it builds and runs`, () => {
      const network = space[kind];
      // The last cell: D's first one has stem edges without a zero operation.
      const c = network.cells.length - 1;
      const verdicts = patterns(network.cells[c]!).map((cell) => {
        const genotype = keepAll(network).map((other, i) => (i === c ? cell : other));
        return { cell, accepted: checkNetworkGenotype(network, kind, genotype).length === 0, runs: runs(kind, genotype) };
      });
      expect(verdicts.length).toBe(32);
      expect(verdicts.filter((v) => v.accepted !== v.runs)).toEqual([]);
      // Both answers occur: the patterns include broken and working cells.
      expect(verdicts.some((v) => v.accepted) && verdicts.some((v) => !v.accepted)).toBe(true);
    });
  }
});
