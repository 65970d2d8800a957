import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeNpy, NpyFormatError, parseNpy, readNpy, writeNpy, type NpyArray } from '../../src/util/npy.js';
import { encodeNpz, parseNpz, readNpz } from '../../src/util/npz.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/npy/', import.meta.url));
const fixture = (name: string): string => join(FIXTURES, name);
const GENOTYPE = '/work/shared/genotypes/adversarialnas-cifar10-G.npy';
const GENOTYPE_VALUES = [1, 1, 1, 0, 3, 3, 1, 1, 1, 0, 1, 3, 3, 3, 0, 1, 0, 3, 3, 0, 3];
const tmp = mkdtempSync(join(tmpdir(), 'npy-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The bytes NumPy 2.x writes for a 3x7 uint8 array, built by hand (not by encodeNpy). */
function handBuiltGenotypeFile(): string {
  const dict = "{'descr': '|u1', 'fortran_order': False, 'shape': (3, 7), }";
  const header = dict.padEnd(117, ' ') + '\n'; // 10 + 118 = 128, a multiple of 64
  const bytes = Buffer.concat([
    Buffer.from([0x93, ...Buffer.from('NUMPY'), 1, 0, header.length, 0]),
    Buffer.from(header, 'latin1'),
    Buffer.from(GENOTYPE_VALUES),
  ]);
  const path = join(tmp, 'genotype.npy');
  writeFileSync(path, bytes);
  return path;
}

function expectNpyError(run: () => unknown, ...fragments: string[]): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(NpyFormatError);
    for (const f of fragments) expect((error as Error).message).toContain(f);
    return;
  }
  throw new Error('expected an NpyFormatError');
}

// The shared file when this machine has it, and always the hand-built equivalent.
const genotypeFiles = [...(existsSync(GENOTYPE) ? [GENOTYPE] : []), handBuiltGenotypeFile()];

describe.each(genotypeFiles)('the AdversarialNAS genotype file %s', (path) => {
  it('reads as a 3x7 uint8 matrix', async () => {
    const array = await readNpy(path);
    expect(array.dtype).toBe('uint8');
    expect(array.shape).toEqual([3, 7]);
    expect([...array.data]).toEqual(GENOTYPE_VALUES);
  });

  it('is re-encoded byte for byte', async () => {
    const bytes = readFileSync(path);
    expect(Buffer.from(encodeNpy(await readNpy(path))).equals(bytes)).toBe(true);
  });
});

describe('files written by numpy', () => {
  const cases: [string, NpyArray['dtype'], number[], unknown[]][] = [
    ['f4_2x3.npy', 'float32', [2, 3], [0, 0.25, 0.5, 0.75, 1, 1.25]],
    ['f8_vec.npy', 'float64', [4], [1.5, -2.25, 1e-300, Infinity]],
    ['i8.npy', 'int64', [3], [-(2n ** 40n), 0n, 7n]],
    ['i4.npy', 'int32', [2, 2], [-1, 2, 3, -4]],
    ['i1.npy', 'int8', [3], [-128, 127, 0]],
    ['u2.npy', 'uint16', [3], [0, 65535, 258]],
    ['bool.npy', 'bool', [3], [1, 0, 1]],
    ['f8_big_endian.npy', 'float64', [2], [1, -0.5]],
    ['scalar.npy', 'float32', [], [3]],
    ['empty.npy', 'float32', [0, 4], []],
    ['u1_v2.npy', 'uint8', [2, 2], [0, 1, 2, 3]],
    ['u1_v3.npy', 'uint8', [2, 2], [0, 1, 2, 3]],
  ];
  it.each(cases)('%s', async (name, dtype, shape, values) => {
    const array = await readNpy(fixture(name));
    expect(array.dtype).toBe(dtype);
    expect(array.shape).toEqual(shape);
    expect([...array.data]).toEqual(values);
  });

  it.each(['f4_2x3.npy', 'f8_vec.npy', 'i8.npy', 'i4.npy', 'i1.npy', 'u2.npy', 'bool.npy', 'scalar.npy', 'empty.npy'])(
    'encodeNpy reproduces %s byte for byte',
    (name) => {
      const bytes = readFileSync(fixture(name));
      expect(Buffer.from(encodeNpy(parseNpy(bytes))).equals(bytes)).toBe(true);
    },
  );

  it('rejects Fortran order, naming the file', async () => {
    await expect(readNpy(fixture('fortran.npy'))).rejects.toThrow(/fortran\.npy.*Fortran/);
  });
});

describe('malformed input', () => {
  const good = readFileSync(fixture('f4_2x3.npy'));
  const withHeader = (dict: string, fill = 0): Buffer => {
    const header = dict.padEnd(117, ' ') + '\n';
    return Buffer.concat([Buffer.from([0x93, ...Buffer.from('NUMPY'), 1, 0, 118, 0]), Buffer.from(header, 'latin1'), Buffer.alloc(64, fill)]);
  };

  it('names the source and the problem', () => {
    expectNpyError(() => parseNpy(Buffer.from('PK\x03\x04 not numpy'), 'x.npy'), 'x.npy', 'magic');
    expectNpyError(() => parseNpy(good.subarray(0, good.length - 3), 'cut.npy'), 'cut.npy', 'needs 24 data bytes', 'has 21');
    expectNpyError(() => parseNpy(good.subarray(0, 40), 'short.npy'), 'short.npy', 'header claims');
    const v9 = Buffer.from(good);
    v9[6] = 9;
    expectNpyError(() => parseNpy(v9), 'version 9.0');
  });

  it('rejects unsupported dtypes and broken headers', () => {
    expectNpyError(() => parseNpy(withHeader("{'descr': '<c16', 'fortran_order': False, 'shape': (2,), }")), "'<c16'");
    expectNpyError(() => parseNpy(withHeader("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (2,), }")), 'structured');
    expectNpyError(() => parseNpy(withHeader("{'descr': '<f4', 'fortran_order': False, 'shape': (a, 2), }")), 'not a tuple of integers');
    expectNpyError(() => parseNpy(withHeader("{'descr': '<f4', 'shape': (2,), }")), 'fortran_order');
    expectNpyError(() => parseNpy(withHeader("{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }", 7)), 'bool data holds the byte 7');
  });

  it('reports a missing file as a format error, not a raw ENOENT', async () => {
    await expect(readNpy(join(tmp, 'nope.npy'))).rejects.toThrow(/nope\.npy.*ENOENT/);
  });
});

describe('writing', () => {
  it('round-trips every dtype', async () => {
    const arrays: NpyArray[] = [
      { dtype: 'float64', shape: [2, 2], data: new Float64Array([Math.PI, -0, 1e308, Number.NaN]) },
      { dtype: 'uint64', shape: [1], data: new BigUint64Array([2n ** 64n - 1n]) },
      { dtype: 'int16', shape: [2], data: new Int16Array([-32768, 32767]) },
      { dtype: 'uint32', shape: [1, 1, 1], data: new Uint32Array([4294967295]) },
    ];
    for (const [i, array] of arrays.entries()) {
      const path = join(tmp, `w${i}.npy`);
      await writeNpy(path, array);
      const back = await readNpy(path);
      expect(back.dtype).toBe(array.dtype);
      expect(back.shape).toEqual(array.shape);
      expect([...back.data]).toEqual([...array.data]);
    }
  });

  it('switches to version 2.0 when the header outgrows 16 bits', () => {
    const shape = Array.from({ length: 25_000 }, () => 1);
    const bytes = encodeNpy({ dtype: 'uint8', shape, data: new Uint8Array([5]) });
    expect(bytes[6]).toBe(2);
    const back = parseNpy(bytes);
    expect(back.shape).toHaveLength(25_000);
    expect([...back.data]).toEqual([5]);
  });

  it('refuses a shape that does not match the data', () => {
    expectNpyError(() => encodeNpy({ dtype: 'float32', shape: [3], data: new Float32Array(2) }), 'does not match');
  });
});

describe('npz', () => {
  it.each(['stats_savez.npz', 'stats_compressed.npz'])('reads %s', async (name) => {
    const arrays = await readNpz(fixture(name));
    expect([...arrays.keys()].sort()).toEqual(['mu', 'sigma']);
    const sigma = arrays.get('sigma');
    expect(sigma?.shape).toEqual([3, 3]);
    expect([...(sigma?.data ?? [])].map((v) => Number(Number(v).toFixed(6)))).toEqual([2, 0.1, 0, 0.1, 1, 0.2, 0, 0.2, 3]);
    expect([...(arrays.get('mu')?.data ?? [])]).toEqual([0.5, -1, 2]);
  });

  it('round-trips and detects corruption', () => {
    const mu: NpyArray = { dtype: 'float64', shape: [2], data: new Float64Array([1, 2]) };
    const bytes = encodeNpz([['mu', mu]]);
    expect([...(parseNpz(bytes).get('mu')?.data ?? [])]).toEqual([1, 2]);
    const corrupt = Uint8Array.from(bytes);
    corrupt[200] = (corrupt[200] ?? 0) ^ 0xff; // inside the member's data
    expectNpyError(() => parseNpz(corrupt, 'bad.npz'), 'bad.npz', 'CRC');
    expectNpyError(() => parseNpz(bytes.subarray(0, 100), 'cut.npz'), 'cut.npz', 'end-of-central-directory');
  });

  const hasNumpy = ((): boolean => {
    try {
      execFileSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  it.skipIf(!hasNumpy)('writes archives that numpy loads', () => {
    const path = join(tmp, 'ours.npz');
    writeFileSync(path, encodeNpz([
      ['mu', { dtype: 'float64', shape: [2], data: new Float64Array([0.5, -1]) }],
      ['n', { dtype: 'int64', shape: [], data: new BigInt64Array([7n]) }],
    ]));
    const script = `import numpy as np, json; z = np.load(${JSON.stringify(path)}); print(json.dumps({k: z[k].tolist() for k in sorted(z.files)}))`;
    expect(JSON.parse(execFileSync('python3', ['-c', script], { encoding: 'utf8' }))).toEqual({ mu: [0.5, -1], n: 7 });
  });
});
