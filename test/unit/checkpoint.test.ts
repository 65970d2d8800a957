import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CheckpointDamaged, readCheckpoint, readLatestCheckpoint, writeCheckpoint } from '../../src/io/checkpoint.js';

const dir = mkdtempSync(join(tmpdir(), 'dsl-ckpt-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const checkpoint = (k: number) => ({ state: { iteration: k }, tensors: new Map([['w', new Float32Array([k, k + 1, k + 2])]]) });

describe('checkpoint files', () => {
  it('round-trip, and keep the one they replace', () => {
    writeCheckpoint(dir, checkpoint(1));
    writeCheckpoint(dir, checkpoint(2));
    expect(readCheckpoint(dir)).toEqual(checkpoint(2));
    expect(readCheckpoint(dir, 'checkpoint.prev.bin')).toEqual(checkpoint(1));
  });

  const damage: [string, (bytes: Buffer) => Buffer, RegExp][] = [
    ['cut short', (b) => b.subarray(0, b.length - 4), /8 bytes of data where its header says 12/],
    ['altered', (b) => Buffer.concat([b.subarray(0, b.length - 1), Buffer.from([b[b.length - 1]! ^ 1])]), /does not match its checksum/],
    ['cut inside its header', (b) => b.subarray(0, 20), /shorter than its \d+-byte header/],
    ['not a checkpoint', () => Buffer.from('hello world, not a checkpoint'), /does not start like a dsl checkpoint/],
  ];
  it.each(damage)('%s: reported as damaged, and the one before it is used', (_, cut, reason) => {
    writeCheckpoint(dir, checkpoint(1));
    writeCheckpoint(dir, checkpoint(2));
    writeFileSync(join(dir, 'checkpoint.bin'), cut(readFileSync(join(dir, 'checkpoint.bin'))));
    expect(() => readCheckpoint(dir)).toThrow(CheckpointDamaged);
    expect(() => readCheckpoint(dir)).toThrow(reason);
    const latest = readLatestCheckpoint(dir);
    expect(latest.checkpoint).toEqual(checkpoint(1));
    expect(latest.damaged).toHaveLength(1);
  });
});
