import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Random } from '../../src/util/random.js';

/** A small CIFAR-10 binary distribution: data_batch_1..5.bin and test_batch.bin, 1 + 3072 bytes per record. */
export function fakeCifar10(dir: string, perFile: number): void {
  const random = new Random('cifar');
  for (const name of ['data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4', 'data_batch_5', 'test_batch']) {
    const bytes = new Uint8Array(perFile * 3073);
    for (let r = 0; r < perFile; r++) {
      bytes[r * 3073] = random.int(10);
      for (let i = 1; i < 3073; i++) bytes[r * 3073 + i] = random.int(256);
    }
    writeFileSync(join(dir, `${name}.bin`), bytes);
  }
}
