/**
 * The safetensors format (huggingface/safetensors): an unsigned 64-bit little-endian header
 * length, a JSON header `{ name: { dtype, shape, data_offsets: [begin, end] }, __metadata__? }`,
 * then the raw little-endian data, offsets relative to its start. No npm package for it is
 * maintained for Node without native code or a tensor library attached, and the format is
 * small, so this reader checks every rule of it itself: a bad file is reported with what is
 * wrong and where, never read past its end or taken at its header's word.
 */

export const SAFETENSORS_DTYPES = ['F64', 'F32', 'F16', 'BF16', 'I64', 'I32', 'I16', 'I8', 'U64', 'U32', 'U16', 'U8', 'BOOL'] as const;
export type SafetensorsDtype = (typeof SAFETENSORS_DTYPES)[number];

const ITEM_SIZE: Record<SafetensorsDtype, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U64: 8, U32: 4, U16: 2, U8: 1, BOOL: 1 };

/** One tensor as stored: its dtype, shape and raw little-endian bytes. */
export interface StoredTensor {
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  readonly bytes: Uint8Array;
}

export interface SafetensorsFile {
  /** In the file's header order. */
  readonly tensors: ReadonlyMap<string, StoredTensor>;
  readonly metadata: Readonly<Record<string, string>>;
}

/** A file that is not valid safetensors; the message names the file and the fault. */
export class SafetensorsError extends Error {
  constructor(message: string, readonly hint?: string) {
    super(message);
    this.name = 'SafetensorsError';
  }
}

/** The reference implementation refuses headers over 100 MB; so do we (a corrupt length would otherwise allocate gigabytes). */
const MAX_HEADER = 100_000_000;

const elements = (shape: readonly number[]) => shape.reduce((n, d) => n * d, 1);

export function parseSafetensors(bytes: Uint8Array, source = '<buffer>'): SafetensorsFile {
  const fail = (what: string, hint?: string): never => {
    throw new SafetensorsError(`${source} is not a valid safetensors file: ${what}`, hint);
  };
  if (bytes.length < 8) fail(`it has ${bytes.length} bytes, fewer than the 8 of the header length (truncated?)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length64 = view.getBigUint64(0, true);
  if (length64 > BigInt(MAX_HEADER)) fail(`its header length field says ${length64} bytes, more than the 100 MB a header may have (not a safetensors file, or corrupt)`);
  const headerLength = Number(length64);
  if (8 + headerLength > bytes.length) fail(`its header length field says ${headerLength} bytes, but only ${bytes.length - 8} follow it (truncated?)`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)));
  } catch (error) {
    fail(`its header is not UTF-8 JSON (${(error as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('its header is not a JSON object');
  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  const tensors = new Map<string, StoredTensor>();
  let metadata: Record<string, string> = {};
  const spans: { name: string; begin: number; end: number }[] = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof entry !== 'object' || entry === null || Object.values(entry).some((v) => typeof v !== 'string')) fail('its __metadata__ is not an object of strings');
      metadata = entry as Record<string, string>;
      continue;
    }
    const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof e !== 'object' || e === null) fail(`the header entry of \`${name}\` is not an object`);
    if (typeof e.dtype !== 'string' || !(SAFETENSORS_DTYPES as readonly string[]).includes(e.dtype)) {
      fail(`tensor \`${name}\` has dtype ${JSON.stringify(e.dtype)}, which is not one of ${SAFETENSORS_DTYPES.join(', ')}`);
    }
    const dtype = e.dtype as SafetensorsDtype;
    if (!Array.isArray(e.shape) || !e.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) fail(`tensor \`${name}\` has shape ${JSON.stringify(e.shape)}, not a list of non-negative integers`);
    const shape = e.shape as number[];
    const offsets = e.data_offsets;
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) || offsets[1] < offsets[0]) {
      fail(`tensor \`${name}\` has data_offsets ${JSON.stringify(offsets)}, not [begin, end] with 0 <= begin <= end`);
    }
    const [begin, end] = offsets as [number, number];
    const expected = elements(shape) * ITEM_SIZE[dtype];
    if (end - begin !== expected) {
      fail(`the header says tensor \`${name}\` (${dtype} [${shape.join(', ')}]) takes bytes ${begin}..${end} (${end - begin} bytes), but that dtype and shape need ${expected}`);
    }
    if (end > dataLength) fail(`tensor \`${name}\` ends at data byte ${end}, but the file has only ${dataLength} bytes of data (truncated?)`);
    spans.push({ name, begin, end });
    tensors.set(name, { dtype, shape, bytes: bytes.subarray(dataStart + begin, dataStart + end) });
  }
  // The format requires the tensors to cover the data exactly: no overlaps, no holes.
  spans.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let at = 0;
  for (const s of spans) {
    if (s.begin < at) fail(`tensor \`${s.name}\` (bytes ${s.begin}..${s.end}) overlaps the tensor before it`);
    if (s.begin > at) fail(`bytes ${at}..${s.begin} of the data belong to no tensor (the header does not describe the data)`);
    at = s.end;
  }
  if (at !== dataLength) fail(`the header describes ${at} bytes of data, but the file has ${dataLength} (extra bytes at the end, or a lying header)`);
  return { tensors, metadata };
}

/** A tensor to write: float32 or int64 values with their shape. */
export type TensorToWrite = { readonly dtype: 'F32'; readonly shape: readonly number[]; readonly data: Float32Array } | { readonly dtype: 'I64'; readonly shape: readonly number[]; readonly data: BigInt64Array };

/** Encodes tensors in the given order; the header is padded with spaces so the data starts 8-byte aligned. */
export function encodeSafetensors(tensors: Iterable<[string, TensorToWrite]>, metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  const parts: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of tensors) {
    if (t.data.length !== elements(t.shape)) throw new Error(`tensor ${name}: ${t.data.length} values for shape [${t.shape.join(', ')}]`);
    const raw = new Uint8Array(t.data.byteLength);
    const view = new DataView(raw.buffer);
    if (t.dtype === 'F32') t.data.forEach((v, i) => view.setFloat32(4 * i, v, true));
    else t.data.forEach((v, i) => view.setBigInt64(8 * i, v, true));
    header[name] = { dtype: t.dtype, shape: [...t.shape], data_offsets: [offset, offset + raw.length] };
    parts.push(raw);
    offset += raw.length;
  }
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  const unpadded = new TextEncoder().encode(JSON.stringify(header));
  const json = new Uint8Array(unpadded.length + ((8 - (unpadded.length % 8)) % 8)).fill(0x20);
  json.set(unpadded);
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A stored float32 tensor's values (little-endian on any machine). */
export function float32Values(t: StoredTensor): Float32Array {
  if (t.dtype !== 'F32') throw new Error(`expected F32, found ${t.dtype}`);
  const view = new DataView(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength);
  const out = new Float32Array(t.bytes.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(4 * i, true);
  return out;
}
