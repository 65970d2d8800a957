import { writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import { stringify } from 'yaml';
import { toReferenceMatrix, type Genotype, type NetworkName } from '../nas/genotype.js';
import type { SpaceModel } from '../nas/space.js';
import { encodeNpy } from '../util/npy.js';

/** The reference's integer matrices, per network present. */
export function referenceMatrices(space: SpaceModel, genotype: Genotype): Partial<Record<NetworkName, number[][]>> {
  return {
    ...(genotype.generator ? { generator: toReferenceMatrix(space.generator, genotype.generator) } : {}),
    ...(genotype.discriminator ? { discriminator: toReferenceMatrix(space.discriminator, genotype.discriminator) } : {}),
  };
}

/** A reference-layout .npy (uint8 matrix, as the authors' np.save wrote it). */
export function referenceNpy(matrix: readonly (readonly number[])[]): Uint8Array {
  const rows = matrix.length;
  const cols = matrix[0]?.length ?? 0;
  return encodeNpy({ dtype: 'uint8', shape: [rows, cols], data: Uint8Array.from(matrix.flat()) });
}

/**
 * Writes a genotype: `.npy` → the reference matrix of one network; `.yaml`/`.yml` → our
 * readable form with a schema comment; anything else → JSON.
 */
export function writeGenotypeFile(path: string, space: SpaceModel, genotype: Genotype, network: NetworkName = 'generator'): void {
  const ext = extname(path).toLowerCase();
  if (ext === '.npy') {
    const matrix = referenceMatrices(space, genotype)[network];
    if (!matrix) throw new Error(`the genotype has no ${network} to write to ${path}`);
    writeFileSync(path, referenceNpy(matrix));
  } else if (ext === '.yaml' || ext === '.yml') {
    writeFileSync(path, `# A dsl genotype: per network, one entry per cell (edge name -> operation). Schema: \`dsl schema --genotype\`.\n${stringify(genotype)}`);
  } else {
    writeFileSync(path, `${JSON.stringify(genotype, null, 2)}\n`);
  }
}
