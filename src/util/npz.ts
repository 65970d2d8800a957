/**
 * NumPy `.npz` archives: a zip of `.npy` members. Reading handles what
 * `np.savez` (stored, with zip64 extras) and `np.savez_compressed` (deflate)
 * write; writing produces a stored, deterministic archive that `np.load` reads.
 * Archives are held in memory whole, which suits statistics files (tens of MB).
 */
import { writeFile } from 'node:fs/promises';
import { crc32, inflateRawSync } from 'node:zlib';
import { encodeNpy, NpyFormatError, parseNpy, readFileOrFail, type NpyArray } from './npy.js';

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;
/** 1980-01-01 00:00 in DOS format, so that identical arrays give identical archives. */
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

interface Entry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/** Decodes every `.npy` member; keys drop the `.npy` suffix as `np.load` does. */
export function parseNpz(bytes: Uint8Array, source = '<buffer>'): Map<string, NpyArray> {
  const fail = (problem: string): never => {
    throw new NpyFormatError(source, `not a readable .npz archive: ${problem}`);
  };
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const arrays = new Map<string, NpyArray>();
  for (const entry of readCentralDirectory(view, fail)) {
    if (entry.localOffset + 30 > bytes.length || view.getUint32(entry.localOffset, true) !== LOCAL_SIGNATURE) {
      fail(`member ${entry.name} has no local header at offset ${entry.localOffset}`);
    }
    const start = entry.localOffset + 30 + view.getUint16(entry.localOffset + 26, true) + view.getUint16(entry.localOffset + 28, true);
    if (start + entry.compressedSize > bytes.length) fail(`member ${entry.name} runs past the end of the file (truncated?)`);
    const stored = bytes.subarray(start, start + entry.compressedSize);
    let member: Uint8Array;
    if (entry.method === STORED) member = stored;
    else if (entry.method === DEFLATED) member = inflateMember(stored, entry.name, fail);
    else return fail(`member ${entry.name} uses compression method ${entry.method} (only stored and deflate are supported)`);
    if (member.length !== entry.size || crc32(member) !== entry.crc) fail(`member ${entry.name} fails its size or CRC check`);
    const key = entry.name.endsWith('.npy') ? entry.name.slice(0, -4) : entry.name;
    arrays.set(key, parseNpy(member, `${source}:${entry.name}`));
  }
  return arrays;
}

export async function readNpz(path: string): Promise<Map<string, NpyArray>> {
  return parseNpz(await readFileOrFail(path), path);
}

/** Encodes arrays as a stored (uncompressed) archive with members `<key>.npy`. */
export function encodeNpz(arrays: Iterable<[string, NpyArray]>): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const [key, array] of arrays) {
    const name = new TextEncoder().encode(`${key}.npy`);
    const data = encodeNpy(array);
    if (offset + data.length > 0xfffffff0) throw new NpyFormatError('<encode>', 'archives over 4 GiB are not supported');
    const crc = crc32(data);
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, LOCAL_SIGNATURE, true);
    writeCommon(lv, 4, crc, data.length, name.length);
    local.set(name, 30);
    const central = new Uint8Array(46 + name.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, CENTRAL_SIGNATURE, true);
    cv.setUint16(4, 20, true); // made by: version 2.0
    writeCommon(cv, 6, crc, data.length, name.length);
    cv.setUint32(42, offset, true);
    central.set(name, 46);
    locals.push(local, data);
    centrals.push(central);
    offset += local.length + data.length;
  }
  const centralSize = centrals.reduce((a, c) => a + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, EOCD_SIGNATURE, true);
  ev.setUint16(8, centrals.length, true);
  ev.setUint16(10, centrals.length, true);
  ev.setUint32(12, centralSize, true);
  ev.setUint32(16, offset, true);
  return concat([...locals, ...centrals, end]);
}

export async function writeNpz(path: string, arrays: Iterable<[string, NpyArray]>): Promise<void> {
  await writeFile(path, encodeNpz(arrays));
}

/** The fields local and central headers share, starting at "version needed". */
function writeCommon(view: DataView, at: number, crc: number, size: number, nameLength: number): void {
  view.setUint16(at, 20, true); // version needed to extract
  view.setUint16(at + 2, 0, true); // flags
  view.setUint16(at + 4, STORED, true);
  view.setUint16(at + 6, 0, true); // time
  view.setUint16(at + 8, DOS_DATE, true);
  view.setUint32(at + 10, crc, true);
  view.setUint32(at + 14, size, true);
  view.setUint32(at + 18, size, true);
  view.setUint16(at + 22, nameLength, true);
}

function readCentralDirectory(view: DataView, fail: (problem: string) => never): Entry[] {
  let eocd = -1;
  for (let i = view.byteLength - 22; i >= Math.max(0, view.byteLength - 22 - 0xffff); i--) {
    if (view.getUint32(i, true) === EOCD_SIGNATURE) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return fail('no end-of-central-directory record (not a zip file, or truncated)');
  let count = view.getUint16(eocd + 10, true);
  let centralOffset = view.getUint32(eocd + 16, true);
  if ((count === 0xffff || centralOffset === 0xffffffff) && eocd >= 20 && view.getUint32(eocd - 20, true) === ZIP64_LOCATOR_SIGNATURE) {
    const record = Number(view.getBigUint64(eocd - 12, true));
    if (record + 56 > view.byteLength || view.getUint32(record, true) !== ZIP64_EOCD_SIGNATURE) fail('broken zip64 end record');
    count = Number(view.getBigUint64(record + 32, true));
    centralOffset = Number(view.getBigUint64(record + 48, true));
  }
  const entries: Entry[] = [];
  let at = centralOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > view.byteLength || view.getUint32(at, true) !== CENTRAL_SIGNATURE) fail(`central directory entry ${i} is missing`);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    const name = new TextDecoder().decode(new Uint8Array(view.buffer, view.byteOffset + at + 46, nameLength));
    const entry: Entry = {
      name,
      method: view.getUint16(at + 10, true),
      crc: view.getUint32(at + 16, true),
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      localOffset: view.getUint32(at + 42, true),
    };
    applyZip64Extra(view, at + 46 + nameLength, extraLength, entry);
    entries.push(entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Sizes and offsets saturated at 0xffffffff live, in this order, in the zip64 extra field. */
function applyZip64Extra(view: DataView, start: number, length: number, entry: Entry): void {
  for (let at = start; at + 4 <= start + length; ) {
    const id = view.getUint16(at, true);
    const size = view.getUint16(at + 2, true);
    if (id === 0x0001) {
      let field = at + 4;
      const next = (): number => {
        const value = Number(view.getBigUint64(field, true));
        field += 8;
        return value;
      };
      if (entry.size === 0xffffffff) entry.size = next();
      if (entry.compressedSize === 0xffffffff) entry.compressedSize = next();
      if (entry.localOffset === 0xffffffff) entry.localOffset = next();
    }
    at += 4 + size;
  }
}

function inflateMember(stored: Uint8Array, name: string, fail: (problem: string) => never): Uint8Array {
  try {
    return inflateRawSync(stored);
  } catch (error) {
    return fail(`member ${name} does not inflate (${(error as Error).message})`);
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
