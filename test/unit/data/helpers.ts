/** Small files in the real dataset formats, written into a temporary directory. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { DatasetError } from '../../../src/data/errors.js';

/** A fresh temporary directory, removed after the test file. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function writeFile(dir: string, name: string, bytes: Uint8Array): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** A CIFAR-10 record: label, then R, G, B planes with pixel (y, x) of channel k = pattern(k, y, x). */
export function cifarRecord(label: number, pattern: (k: number, y: number, x: number) => number): Uint8Array {
  const out = new Uint8Array(3073);
  out[0] = label;
  for (let k = 0; k < 3; k++) for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) out[1 + k * 1024 + y * 32 + x] = pattern(k, y, x);
  return out;
}

/** An STL-10 image stored as MATLAB writes it: pixel (row r, col c) of channel k at k·9216 + c·96 + r. */
export function stlImage(pattern: (k: number, r: number, c: number) => number): Uint8Array {
  const out = new Uint8Array(27648);
  for (let k = 0; k < 3; k++) for (let c = 0; c < 96; c++) for (let r = 0; r < 96; r++) out[k * 9216 + c * 96 + r] = pattern(k, r, c);
  return out;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Runs `run`, expecting a DatasetError whose message contains every fragment. */
export async function expectDatasetError(run: () => Promise<unknown>, ...fragments: string[]): Promise<DatasetError> {
  let caught: unknown;
  try {
    await run();
  } catch (error) {
    caught = error;
  }
  if (!(caught instanceof DatasetError)) throw new Error(`expected a DatasetError, got ${String(caught)}`);
  for (const f of fragments) {
    if (!caught.message.includes(f)) throw new Error(`DatasetError message lacks ${JSON.stringify(f)}: ${caught.message}`);
  }
  return caught;
}

/** The same 32-bit generator as the fixtures' Python scripts. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function noise(seed: number, count: number): Uint8Array {
  const r = mulberry32(seed);
  return Uint8Array.from({ length: count }, () => Math.floor(r() * 256));
}
