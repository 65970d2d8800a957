/**
 * A small seeded random number generator with a serialisable state.
 *
 * xoshiro128** (Blackman & Vigna) on four 32-bit words: fast in JavaScript because every
 * step is a handful of 32-bit integer operations (no BigInt). Seeds are expanded into the
 * four words with the splitmix32 finaliser, so nearby seeds give unrelated streams.
 * Normals come in pairs from Marsaglia's polar method on 32-bit coordinates (no trigonometry:
 * about twice as fast as Box-Muller with 53-bit uniforms; the grid of 2^-31 caps |z| near 9.3,
 * a tail of probability 1e-19). The second value of each pair is kept as a spare, and the spare
 * is part of the state so that a restored generator continues the exact same sequence.
 *
 * Pure: no tfjs, no I/O.
 */

export type Seed = number | string;

/** Plain JSON state of a {@link Random}: `setState(getState())` resumes the exact stream. */
export interface RandomState {
  readonly algorithm: 'xoshiro128**';
  readonly words: readonly [number, number, number, number];
  /** The unused second value of the last normal pair, if any. */
  readonly spareNormal: number | null;
}

const GOLDEN = 0x9e3779b9;
const TWO_POW_31 = 2147483648;
const TWO_POW_32 = 4294967296;
const TWO_POW_53 = 9007199254740992;

/** splitmix32 finaliser: a bijective 32-bit mixer. */
function mix32(value: number): number {
  let t = value | 0;
  t = Math.imul(t ^ (t >>> 16), 0x21f0aaad);
  t = Math.imul(t ^ (t >>> 15), 0x735a2d97);
  return (t ^ (t >>> 15)) >>> 0;
}

/** Two independent 32-bit hashes of a string (FNV-1a variants mixed by mix32). */
function hashString(text: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ text.length;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193);
    b = Math.imul(b ^ code, 0x5bd1e995);
  }
  return [mix32(a), mix32(b ^ 0x27d4eb2f)];
}

function seedToPair(seed: Seed): [number, number] {
  if (typeof seed === 'string') return hashString(seed);
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new RangeError(`seed must be a non-negative safe integer or a string, got ${seed}`);
  }
  return [seed >>> 0, Math.floor(seed / TWO_POW_32) >>> 0];
}

function expand(lo: number, hi: number): [number, number, number, number] {
  const words: [number, number, number, number] = [0, 0, 0, 0];
  let x = lo;
  for (let i = 0; i < 4; i++) {
    x = (x + GOLDEN) | 0;
    words[i] = mix32(x ^ mix32(hi + Math.imul(i + 1, GOLDEN)));
  }
  // xoshiro must never have an all-zero state.
  if ((words[0] | words[1] | words[2] | words[3]) === 0) words[0] = 1;
  return words;
}

export class Random {
  private s0 = 0;
  private s1 = 0;
  private s2 = 0;
  private s3 = 0;
  private spare: number | null = null;

  constructor(seed: Seed) {
    const [lo, hi] = seedToPair(seed);
    this.setWords(expand(lo, hi));
  }

  static fromState(state: RandomState): Random {
    const random = new Random(0);
    random.setState(state);
    return random;
  }

  /** Next raw 32-bit unsigned integer. */
  nextUint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform double in [0, 1) with 53 random bits. */
  uniform(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * 67108864 + low) / TWO_POW_53;
  }

  /** Standard normal N(0, 1) (the pair's second value is kept for the next call). */
  normal(): number {
    if (this.spare !== null) {
      const value = this.spare;
      this.spare = null;
      return value;
    }
    const [z0, z1] = this.normalPair();
    this.spare = z1;
    return z0;
  }

  /** Fills `out` with N(mean, std) values, in order; continues the same stream as normal(). */
  fillNormal<T extends Float32Array | Float64Array>(out: T, mean = 0, std = 1): T {
    let i = 0;
    if (this.spare !== null && out.length > 0) out[i++] = mean + std * this.normal();
    while (i + 1 < out.length) {
      const a = (this.nextUint32() | 0) / TWO_POW_31;
      const b = (this.nextUint32() | 0) / TWO_POW_31;
      const q = a * a + b * b;
      if (q >= 1 || q === 0) continue;
      const f = Math.sqrt((-2 * Math.log(q)) / q);
      out[i++] = mean + std * (a * f);
      out[i++] = mean + std * (b * f);
    }
    if (i < out.length) out[i] = mean + std * this.normal();
    return out;
  }

  /** Fills `out` with U(low, high) values. */
  fillUniform<T extends Float32Array | Float64Array>(out: T, low = 0, high = 1): T {
    const width = high - low;
    for (let i = 0; i < out.length; i++) out[i] = low + width * this.uniform();
    return out;
  }

  /** Standard Gumbel(0, 1) sample: -log(-log(u)), u in (0, 1). */
  gumbel(): number {
    let u = this.uniform();
    while (u === 0) u = this.uniform();
    return -Math.log(-Math.log(u));
  }

  /** Unbiased integer in [0, n) for 1 <= n <= 2^32 (rejection sampling). */
  int(n: number): number {
    if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
      throw new RangeError(`int(n) needs an integer 1 <= n <= 2^32, got ${n}`);
    }
    const limit = TWO_POW_32 - (TWO_POW_32 % n);
    let x = this.nextUint32();
    while (x >= limit) x = this.nextUint32();
    return x % n;
  }

  /** Fisher-Yates shuffle in place; returns the same array. */
  shuffle<T extends { length: number; [index: number]: unknown }>(array: T): T {
    for (let i = array.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = array[i];
      array[i] = array[j];
      array[j] = tmp;
    }
    return array;
  }

  /**
   * An independent generator derived from this one's current state and `label`.
   * Does not advance this generator: the same label at the same point gives the same stream,
   * different labels give unrelated streams.
   */
  fork(label: string): Random {
    const [h0, h1] = hashString(label);
    const child = new Random(0);
    child.setWords([
      mix32(this.s0 ^ h0),
      mix32(this.s1 ^ h1),
      mix32(this.s2 ^ mix32(h0 + GOLDEN)),
      mix32(this.s3 ^ mix32(h1 + GOLDEN)),
    ]);
    return child;
  }

  getState(): RandomState {
    return {
      algorithm: 'xoshiro128**',
      words: [this.s0 >>> 0, this.s1 >>> 0, this.s2 >>> 0, this.s3 >>> 0],
      spareNormal: this.spare,
    };
  }

  setState(state: RandomState): void {
    if (state.algorithm !== 'xoshiro128**') {
      throw new Error(`unknown random state algorithm: ${String(state.algorithm)}`);
    }
    const words = state.words;
    if (words.length !== 4 || words.some((w) => !Number.isInteger(w) || w < 0 || w >= TWO_POW_32)) {
      throw new Error('random state needs four unsigned 32-bit words');
    }
    if (words.every((w) => w === 0)) throw new Error('random state must not be all zero');
    this.setWords([words[0], words[1], words[2], words[3]]);
    this.spare = state.spareNormal;
  }

  /** Marsaglia's polar method: a point uniform in the unit disc, by rejection, gives two normals. */
  private normalPair(): [number, number] {
    for (;;) {
      const a = (this.nextUint32() | 0) / TWO_POW_31; // [-1, 1)
      const b = (this.nextUint32() | 0) / TWO_POW_31;
      const q = a * a + b * b;
      if (q >= 1 || q === 0) continue;
      const f = Math.sqrt((-2 * Math.log(q)) / q);
      return [a * f, b * f];
    }
  }

  private setWords(words: readonly [number, number, number, number]): void {
    this.s0 = words[0] | 0;
    this.s1 = words[1] | 0;
    this.s2 = words[2] | 0;
    this.s3 = words[3] | 0;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
