/**
 * NumPy `.npy` files: read versions 1.0, 2.0 and 3.0, write the same bytes
 * NumPy 2.x writes (so files round-trip through `np.load` / `np.save` unchanged).
 *
 * Only plain numeric dtypes in C order are supported; structured dtypes, object
 * arrays and Fortran order are rejected with an `NpyFormatError` that names the
 * file and says what is wrong.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { endianness } from 'node:os';

export const NPY_DTYPES = [
  'bool', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float32', 'float64',
] as const;
export type NpyDtype = (typeof NPY_DTYPES)[number];

interface NpyDataByDtype {
  bool: Uint8Array;
  int8: Int8Array;
  uint8: Uint8Array;
  int16: Int16Array;
  uint16: Uint16Array;
  int32: Int32Array;
  uint32: Uint32Array;
  int64: BigInt64Array;
  uint64: BigUint64Array;
  float32: Float32Array;
  float64: Float64Array;
}
export type NpyData = NpyDataByDtype[NpyDtype];

/** A decoded array; narrowing on `dtype` narrows `data`. `bool` data holds 0/1 bytes. */
export type NpyArray = {
  [D in NpyDtype]: { dtype: D; shape: number[]; data: NpyDataByDtype[D] };
}[NpyDtype];

export class NpyFormatError extends Error {
  override readonly name = 'NpyFormatError';
  constructor(readonly file: string, problem: string) {
    super(`${file}: not a readable .npy array: ${problem}`);
  }
}

interface DtypeInfo {
  kind: string; // the NumPy type character: b, i, u, f
  size: number;
  make: (buffer: ArrayBuffer) => NpyData;
}

const DTYPE_INFO: Record<NpyDtype, DtypeInfo> = {
  bool: { kind: 'b', size: 1, make: (b) => new Uint8Array(b) },
  int8: { kind: 'i', size: 1, make: (b) => new Int8Array(b) },
  uint8: { kind: 'u', size: 1, make: (b) => new Uint8Array(b) },
  int16: { kind: 'i', size: 2, make: (b) => new Int16Array(b) },
  uint16: { kind: 'u', size: 2, make: (b) => new Uint16Array(b) },
  int32: { kind: 'i', size: 4, make: (b) => new Int32Array(b) },
  uint32: { kind: 'u', size: 4, make: (b) => new Uint32Array(b) },
  int64: { kind: 'i', size: 8, make: (b) => new BigInt64Array(b) },
  uint64: { kind: 'u', size: 8, make: (b) => new BigUint64Array(b) },
  float32: { kind: 'f', size: 4, make: (b) => new Float32Array(b) },
  float64: { kind: 'f', size: 8, make: (b) => new Float64Array(b) },
};

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // "\x93NUMPY"
const ARRAY_ALIGN = 64;
/** NumPy 2.x leaves room in the header so the first axis can grow in place. */
const GROWTH_AXIS_MAX_DIGITS = 21;
const HOST_IS_LITTLE_ENDIAN = endianness() === 'LE';

/** Decodes a `.npy` file held in memory; `source` names it in errors. */
export function parseNpy(bytes: Uint8Array, source = '<buffer>'): NpyArray {
  const fail = (problem: string): never => {
    throw new NpyFormatError(source, problem);
  };
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) fail('missing the "\\x93NUMPY" magic string');
  const major = bytes[6] ?? 0;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerStart: number;
  let headerLength: number;
  if (major === 1) {
    headerStart = 10;
    headerLength = view.getUint16(8, true);
  } else if (major === 2 || major === 3) {
    if (bytes.length < 12) fail('file ends inside the header length');
    headerStart = 12;
    headerLength = view.getUint32(8, true);
  } else {
    return fail(`format version ${major}.${bytes[7] ?? 0} is not supported (1.0, 2.0 and 3.0 are)`);
  }
  const dataStart = headerStart + headerLength;
  if (dataStart > bytes.length) fail(`header claims ${headerLength} bytes but the file has ${bytes.length - headerStart} left`);
  const headerBytes = bytes.subarray(headerStart, dataStart);
  const headerText = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(headerBytes);
  const header = parseHeader(headerText, fail);

  const count = header.shape.reduce((a, b) => a * b, 1);
  const info = DTYPE_INFO[header.dtype];
  const byteLength = count * info.size;
  const available = bytes.length - dataStart;
  if (available < byteLength) {
    fail(`shape (${header.shape.join(', ')}) of ${header.dtype} needs ${byteLength} data bytes, the file has ${available} (truncated?)`);
  }
  // Copy into a fresh buffer: typed arrays need aligned offsets and callers may keep the result.
  // (Not `bytes.slice`: on a Node Buffer that is a view, not a copy.)
  const raw = new Uint8Array(byteLength);
  raw.set(bytes.subarray(dataStart, dataStart + byteLength));
  if (header.littleEndian !== HOST_IS_LITTLE_ENDIAN && info.size > 1) swapBytes(raw, info.size);
  const data = info.make(raw.buffer);
  if (header.dtype === 'bool') {
    for (const v of data as Uint8Array) if (v > 1) fail(`bool data holds the byte ${v}`);
  }
  return { dtype: header.dtype, shape: header.shape, data } as NpyArray;
}

export async function readNpy(path: string): Promise<NpyArray> {
  return parseNpy(await readFileOrFail(path), path);
}

/** Encodes an array as NumPy 2.x would save it (version 1.0 unless the header needs more). */
export function encodeNpy(array: NpyArray): Uint8Array {
  const { dtype, shape, data } = array;
  const count = shape.reduce((a, b) => a * b, 1);
  if (shape.some((d) => !Number.isInteger(d) || d < 0) || count !== data.length) {
    throw new NpyFormatError('<encode>', `shape (${shape.join(', ')}) does not match ${data.length} elements`);
  }
  const info = DTYPE_INFO[dtype];
  const order = info.size === 1 ? '|' : HOST_IS_LITTLE_ENDIAN ? '<' : '>';
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let text = `{'descr': '${order}${info.kind}${info.size}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  if (shape.length > 0) text += ' '.repeat(GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length);
  const padded = (prefix: number): number => {
    const pad = ARRAY_ALIGN - ((prefix + text.length + 1) % ARRAY_ALIGN);
    return text.length + (pad === ARRAY_ALIGN ? 0 : pad) + 1;
  };
  // Version 1.0 stores the header length in 16 bits; NumPy moves to 2.0 only when it must.
  const version = padded(10) <= 0xffff ? 1 : 2;
  const prefix = version === 1 ? 10 : 12;
  text = text.padEnd(padded(prefix) - 1, ' ') + '\n';

  const out = new Uint8Array(prefix + text.length + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = version;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (version === 1) view.setUint16(8, text.length, true);
  else view.setUint32(8, text.length, true);
  for (let i = 0; i < text.length; i++) out[prefix + i] = text.charCodeAt(i);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), prefix + text.length);
  return out;
}

export async function writeNpy(path: string, array: NpyArray): Promise<void> {
  await writeFile(path, encodeNpy(array));
}

/** Reads a whole file, turning a missing file into an `NpyFormatError` rather than a raw ENOENT. */
export async function readFileOrFail(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new NpyFormatError(path, `cannot read the file (${code})`);
  }
}

interface Header {
  dtype: NpyDtype;
  littleEndian: boolean;
  shape: number[];
}

/**
 * Parses the Python dict literal of the header, e.g.
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (3, 7), }`. A full Python
 * literal parser is not needed: NumPy writes exactly these three keys.
 */
function parseHeader(text: string, fail: (problem: string) => never): Header {
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text);
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text);
  const shape = /'shape'\s*:\s*\(([^)]*)\)/.exec(text);
  if (!text.trimStart().startsWith('{')) fail(`header is not a dict: ${JSON.stringify(text.slice(0, 80))}`);
  if (!descr) {
    return fail(/'descr'\s*:\s*\[/.test(text)
      ? 'structured dtypes (a list descr) are not supported'
      : `header has no 'descr': ${JSON.stringify(text.trim())}`);
  }
  if (!fortran) return fail(`header has no 'fortran_order': ${JSON.stringify(text.trim())}`);
  if (!shape) return fail(`header has no 'shape' tuple: ${JSON.stringify(text.trim())}`);
  if (fortran[1] === 'True') {
    fail('the array is stored in Fortran (column-major) order; save it with np.ascontiguousarray(a) first');
  }
  const dims = (shape[1] ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
  const parsedShape = dims.map((d) => (/^\d+L?$/.test(d) ? Number.parseInt(d, 10) : Number.NaN));
  if (parsedShape.some((d) => !Number.isSafeInteger(d))) fail(`shape (${shape[1]}) is not a tuple of integers`);
  return { ...parseDescr(descr[1] ?? '', fail), shape: parsedShape };
}

function parseDescr(descr: string, fail: (problem: string) => never): { dtype: NpyDtype; littleEndian: boolean } {
  const m = /^([<>|=]?)([biuf])(\d+)$/.exec(descr);
  const dtype = m ? NPY_DTYPES.find((d) => DTYPE_INFO[d].kind === m[2] && DTYPE_INFO[d].size === Number(m[3])) : undefined;
  if (!m || !dtype) {
    return fail(`dtype '${descr}' is not supported (supported: bool, int8-64, uint8-64, float32, float64)`);
  }
  const order = m[1] === '=' || m[1] === '' ? (HOST_IS_LITTLE_ENDIAN ? '<' : '>') : m[1];
  return { dtype, littleEndian: order !== '>' };
}

function swapBytes(bytes: Uint8Array, size: number): void {
  for (let i = 0; i < bytes.length; i += size) bytes.subarray(i, i + size).reverse();
}
