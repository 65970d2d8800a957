import { existsSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomicWrite.js';
import { join } from 'node:path';

/** What a training stage saves to resume exactly: plain JSON state and named float32 arrays. */
export interface Checkpoint {
  readonly state: unknown;
  readonly tensors: ReadonlyMap<string, Float32Array>;
}

export const CHECKPOINT_FILE = 'checkpoint.bin';
const MAGIC = 'DSLCKPT1';

/**
 * One file: magic, header length, a JSON header (state and the tensor index), then the
 * float32 data. Written to a temporary file, flushed, then renamed over the previous
 * checkpoint, so a kill at any moment leaves the last complete checkpoint in place.
 */
export function writeCheckpoint(dir: string, checkpoint: Checkpoint, file = CHECKPOINT_FILE): void {
  const index: { name: string; offset: number; length: number }[] = [];
  let offset = 0;
  for (const [name, data] of checkpoint.tensors) {
    index.push({ name, offset, length: data.length });
    offset += data.length;
  }
  const header = Buffer.from(JSON.stringify({ state: checkpoint.state, tensors: index }), 'utf8');
  const prefix = Buffer.alloc(12);
  prefix.write(MAGIC, 0, 'ascii');
  prefix.writeUInt32LE(header.length, 8);
  // Data starts on a 4-byte boundary so it can be viewed as Float32Array when read.
  const pad = Buffer.alloc((4 - ((prefix.length + header.length) % 4)) % 4);
  writeFileAtomic(join(dir, file), [prefix, header, pad, ...[...checkpoint.tensors.values()].map((data) => new Uint8Array(data.buffer, data.byteOffset, data.byteLength))]);
}

export function readCheckpoint(dir: string, file = CHECKPOINT_FILE): Checkpoint | undefined {
  const path = join(dir, file);
  if (!existsSync(path)) return undefined;
  const bytes = readFileSync(path);
  if (bytes.toString('ascii', 0, 8) !== MAGIC) throw new Error(`${path} is not a dsl checkpoint`);
  const headerLength = bytes.readUInt32LE(8);
  const header = JSON.parse(bytes.toString('utf8', 12, 12 + headerLength)) as { state: unknown; tensors: { name: string; offset: number; length: number }[] };
  const start = 12 + headerLength + ((4 - ((12 + headerLength) % 4)) % 4);
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + bytes.length));
  const tensors = new Map(header.tensors.map((t) => [t.name, all.slice(t.offset, t.offset + t.length)]));
  return { state: header.state, tensors };
}
