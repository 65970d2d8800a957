import { describe, expect, it } from 'vitest';
import { encodeSafetensors, float32Values, parseSafetensors, SafetensorsError } from '../../../src/interop/safetensors.js';

/** A file from a header object and raw data, as a writer (correct or not) would lay it out. */
function file(header: unknown, data: Uint8Array, lengthField?: bigint): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, lengthField ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const eightBytes = new Uint8Array(8);
const faultOf = (bytes: Uint8Array) => {
  try {
    parseSafetensors(bytes, 'w.safetensors');
  } catch (error) {
    expect(error).toBeInstanceOf(SafetensorsError);
    return (error as Error).message;
  }
  throw new Error('parsed a malformed file');
};

describe('safetensors', () => {
  it('round-trips float32 and int64 tensors with metadata, data 8-byte aligned', () => {
    const weight = Float32Array.from([1.5, -2, 3.25, Number.MIN_VALUE, -0, 1e30]);
    const bytes = encodeSafetensors(
      [
        ['w', { dtype: 'F32', shape: [2, 3], data: weight }],
        ['n', { dtype: 'I64', shape: [], data: BigInt64Array.of(1234n) }],
      ],
      { format: 'pt' },
    );
    const headerLength = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + headerLength) % 8).toBe(0);
    const parsed = parseSafetensors(bytes);
    expect([...parsed.tensors.keys()]).toEqual(['w', 'n']);
    expect(parsed.metadata).toEqual({ format: 'pt' });
    expect(parsed.tensors.get('w')!.shape).toEqual([2, 3]);
    expect([...float32Values(parsed.tensors.get('w')!)]).toEqual([...weight]);
    const n = parsed.tensors.get('n')!;
    expect(n.dtype).toBe('I64');
    expect(new DataView(n.bytes.buffer, n.bytes.byteOffset).getBigInt64(0, true)).toBe(1234n);
  });

  it('reads a file as the reference library lays it out (offsets in header order, empty tensors)', () => {
    const bytes = file({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, e: { dtype: 'F32', shape: [0, 3], data_offsets: [8, 8] }, b: { dtype: 'U8', shape: [1], data_offsets: [8, 9] } }, new Uint8Array(9));
    expect(parseSafetensors(bytes).tensors.get('e')!.bytes.length).toBe(0);
  });

  it.each([
    ['a file shorter than the length field', new Uint8Array(5), /5 bytes, fewer than the 8 of the header length \(truncated\?\)/],
    ['a header length past the end', file({}, new Uint8Array(), 500n), /header length field says 500 bytes, but only 2 follow it/],
    ['an absurd header length', file({}, new Uint8Array(), 1n << 40n), /more than the 100 MB a header may have/],
    ['a header that is not JSON', (() => { const b = file({}, new Uint8Array()); b[8] = 0x7b; b[9] = 0x7b; return b; })(), /header is not UTF-8 JSON/],
    ['a header that is a list', file([1, 2], new Uint8Array()), /header is not a JSON object/],
    ['an unknown dtype', file({ w: { dtype: 'F8', shape: [2], data_offsets: [0, 2] } }, new Uint8Array(2)), /tensor `w` has dtype "F8", which is not one of F64, F32/],
    ['a bad shape', file({ w: { dtype: 'F32', shape: [-1], data_offsets: [0, 4] } }, new Uint8Array(4)), /tensor `w` has shape \[-1\], not a list of non-negative integers/],
    ['reversed offsets', file({ w: { dtype: 'F32', shape: [1], data_offsets: [4, 0] } }, new Uint8Array(4)), /data_offsets \[4,0\], not \[begin, end\]/],
    ['a header lying about a size', file({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 8] } }, eightBytes), /tensor `w` \(F32 \[4\]\) takes bytes 0..8 \(8 bytes\), but that dtype and shape need 16/],
    ['truncated data', file({ w: { dtype: 'F32', shape: [4], data_offsets: [0, 16] } }, eightBytes), /tensor `w` ends at data byte 16, but the file has only 8 bytes of data \(truncated\?\)/],
    ['overlapping tensors', file({ a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] }, b: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, eightBytes), /tensor `b` \(bytes 4..8\) overlaps/],
    ['a hole in the data', file({ a: { dtype: 'F32', shape: [1], data_offsets: [4, 8] } }, eightBytes), /bytes 0..4 of the data belong to no tensor/],
    ['bytes past the last tensor', file({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] } }, eightBytes), /describes 4 bytes of data, but the file has 8/],
    ['metadata that is not strings', file({ __metadata__: { a: 1 } }, new Uint8Array()), /__metadata__ is not an object of strings/],
  ])('rejects %s, naming the file', (_name, bytes, pattern) => {
    const message = faultOf(bytes);
    expect(message).toMatch(/^w\.safetensors is not a valid safetensors file: /);
    expect(message).toMatch(pattern);
  });
});
