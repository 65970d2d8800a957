import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './atomicWrite.js';

/** What a training stage saves to resume exactly: plain JSON state and named float32 arrays. */
export interface Checkpoint {
  readonly state: unknown;
  readonly tensors: ReadonlyMap<string, Float32Array>;
}

export const CHECKPOINT_FILE = 'checkpoint.bin';
/** The checkpoint before the latest, kept so a damaged latest one costs one interval, not the stage. */
export const previousCheckpoint = (file: string): string => file.replace(/\.bin$/, '.prev.bin');
const MAGIC = 'DSLCKPT1';

interface Header {
  readonly state: unknown;
  readonly tensors: readonly { name: string; offset: number; length: number }[];
  /** Length and sha256 of the float32 data (absent in checkpoints of older versions). */
  readonly data?: { readonly bytes: number; readonly sha256: string };
}

/** A checkpoint file that is cut short, altered, or not a checkpoint at all. */
export class CheckpointDamaged extends Error {
  override readonly name = 'CheckpointDamaged';
  readonly hint = 'the file was damaged after it was written (a full disk, another program); `dsl run --force <stage>` computes the stage again';
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`${path} is damaged: ${reason}`);
  }
}

/**
 * One file: magic, header length, a JSON header (state, the tensor index, the data's length
 * and sha256), then the float32 data. Written atomically (temporary file, flush, rename); the
 * checkpoint it replaces is kept as `*.prev.bin`.
 */
export function writeCheckpoint(dir: string, checkpoint: Checkpoint, file = CHECKPOINT_FILE): void {
  const tensors: { name: string; offset: number; length: number }[] = [];
  const chunks: Uint8Array[] = [];
  const hash = createHash('sha256');
  let offset = 0;
  for (const [name, data] of checkpoint.tensors) {
    tensors.push({ name, offset, length: data.length });
    offset += data.length;
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    hash.update(bytes);
    chunks.push(bytes);
  }
  const header = Buffer.from(JSON.stringify({ state: checkpoint.state, tensors, data: { bytes: offset * 4, sha256: hash.digest('hex') } } satisfies Header), 'utf8');
  const prefix = Buffer.alloc(12);
  prefix.write(MAGIC, 0, 'ascii');
  prefix.writeUInt32LE(header.length, 8);
  // Data starts on a 4-byte boundary so it can be viewed as Float32Array when read.
  const pad = Buffer.alloc((4 - ((prefix.length + header.length) % 4)) % 4);
  writeFileAtomic(join(dir, file), [prefix, header, pad, ...chunks], { keepPrevious: join(dir, previousCheckpoint(file)) });
}

/**
 * Reads and verifies a checkpoint; undefined when there is none.
 * @throws CheckpointDamaged when it is truncated, altered or not a checkpoint.
 */
export function readCheckpoint(dir: string, file = CHECKPOINT_FILE): Checkpoint | undefined {
  const path = join(dir, file);
  if (!existsSync(path)) return undefined;
  const bytes = readFileSync(path);
  if (bytes.length < 12 || bytes.toString('ascii', 0, 8) !== MAGIC) throw new CheckpointDamaged(path, 'it does not start like a dsl checkpoint');
  const headerLength = bytes.readUInt32LE(8);
  if (12 + headerLength > bytes.length) throw new CheckpointDamaged(path, `${bytes.length} bytes, shorter than its ${headerLength}-byte header`);
  let header: Header;
  try {
    header = JSON.parse(bytes.toString('utf8', 12, 12 + headerLength)) as Header;
  } catch {
    throw new CheckpointDamaged(path, 'its header is not readable');
  }
  const start = 12 + headerLength + ((4 - ((12 + headerLength) % 4)) % 4);
  const data = bytes.subarray(start);
  if (header.data) {
    if (data.length !== header.data.bytes) throw new CheckpointDamaged(path, `${data.length} bytes of data where its header says ${header.data.bytes}`);
    if (createHash('sha256').update(data).digest('hex') !== header.data.sha256) throw new CheckpointDamaged(path, 'its data does not match its checksum');
  }
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset + start, bytes.byteOffset + bytes.length));
  const tensors = new Map(
    header.tensors.map((t) => {
      if (t.offset + t.length > all.length) throw new CheckpointDamaged(path, `tensor ${t.name} lies past the end of the data`);
      return [t.name, all.slice(t.offset, t.offset + t.length)] as const;
    }),
  );
  return { state: header.state, tensors };
}

/**
 * The latest intact checkpoint of a stage: the last one, or the one before it when the last is
 * damaged (`damaged` then says what was wrong). Both damaged: nothing to resume from.
 */
export function readLatestCheckpoint(dir: string, file = CHECKPOINT_FILE): { checkpoint?: Checkpoint; damaged?: readonly string[] } {
  const damaged: string[] = [];
  for (const name of [file, previousCheckpoint(file)]) {
    try {
      const checkpoint = readCheckpoint(dir, name);
      if (checkpoint) return { checkpoint, ...(damaged.length ? { damaged } : {}) };
    } catch (error) {
      if (!(error instanceof CheckpointDamaged)) throw error;
      damaged.push(error.message);
    }
  }
  return damaged.length ? { damaged } : {};
}
