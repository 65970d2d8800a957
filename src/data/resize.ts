/**
 * Image resampling exactly as Pillow's `Image.resize(size, Image.BILINEAR)`
 * (what torchvision's `transforms.Resize` does on PIL images): a separable
 * triangle filter whose support grows with the reduction factor (antialiasing),
 * coefficients normalised per output pixel (so edge taps are renormalised),
 * converted to 22-bit fixed point, horizontal pass first, rounded to uint8
 * between the passes. For an exact 2x reduction the taps are [1, 3, 3, 1]/8.
 *
 * Ported from Pillow's libImaging/Resample.c (precompute_coeffs,
 * normalize_coeffs_8bpc, ImagingResampleHorizontal/Vertical_8bpc) and checked
 * against Pillow 9.4 on the committed fixtures.
 */

const PRECISION_BITS = 32 - 8 - 2;
const ONE = 1 << PRECISION_BITS;
const HALF = 1 << (PRECISION_BITS - 1);

interface Coefficients {
  /** Taps per output pixel. */
  ksize: number;
  /** First input index and number of taps, per output pixel. */
  bounds: Int32Array;
  /** Fixed-point weights, ksize per output pixel. */
  weights: Int32Array;
}

const bilinear = (x: number): number => {
  const a = Math.abs(x);
  return a < 1 ? 1 - a : 0;
};

/** Coefficients depend only on the sizes, and datasets resize thousands of images alike. */
const cache = new Map<string, Coefficients>();

function coefficients(inSize: number, outSize: number): Coefficients {
  const key = `${inSize}>${outSize}`;
  let found = cache.get(key);
  if (!found) {
    found = computeCoefficients(inSize, outSize);
    if (cache.size > 64) cache.clear();
    cache.set(key, found);
  }
  return found;
}

function computeCoefficients(inSize: number, outSize: number): Coefficients {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = 1 * filterScale; // the bilinear filter's support is 1
  const ksize = Math.ceil(support) * 2 + 1;
  const bounds = new Int32Array(outSize * 2);
  const weights = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  const ss = 1 / filterScale; // multiplied, not divided, as Pillow does (the last bit can differ)
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    // C's (int) cast truncates toward zero; Math.trunc keeps that for negative values.
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const w = bilinear((x + xmin - center + 0.5) * ss);
      k[x] = w;
      ww += w;
    }
    for (let x = 0; x < ksize; x++) {
      const w = x < xmax && ww !== 0 ? k[x]! / ww : 0;
      weights[xx * ksize + x] = w < 0 ? Math.trunc(-0.5 + w * ONE) : Math.trunc(0.5 + w * ONE);
    }
    bounds[xx * 2] = xmin;
    bounds[xx * 2 + 1] = xmax;
  }
  return { ksize, bounds, weights };
}

/** Pillow's clip8: fixed point back to a byte, saturating. */
const clip8 = (v: number): number => (v <= 0 ? 0 : v >= ONE << 8 ? 255 : v >> PRECISION_BITS);

/**
 * Resizes an HWC uint8 image with `channels` interleaved channels. Returns the
 * input itself when the size does not change (Pillow copies it unchanged).
 */
export function resizeBilinear(src: Uint8Array, height: number, width: number, channels: number, outHeight: number, outWidth: number): Uint8Array {
  let img = src;
  if (outWidth !== width) img = horizontal(img, height, width, channels, outWidth);
  if (outHeight !== height) img = vertical(img, height, outWidth, channels, outHeight);
  return img;
}

function horizontal(src: Uint8Array, height: number, width: number, channels: number, outWidth: number): Uint8Array {
  const { ksize, bounds, weights } = coefficients(width, outWidth);
  const out = new Uint8Array(height * outWidth * channels);
  for (let y = 0; y < height; y++) {
    const row = y * width * channels;
    for (let xx = 0; xx < outWidth; xx++) {
      const first = row + bounds[xx * 2]! * channels;
      const taps = bounds[xx * 2 + 1]!;
      const k = xx * ksize;
      const o = (y * outWidth + xx) * channels;
      if (channels === 3) {
        // RGB fused: one pass over the taps for the three channels (measured ~2x faster).
        let s0 = HALF, s1 = HALF, s2 = HALF;
        for (let x = 0, p = first; x < taps; x++, p += 3) {
          const w = weights[k + x]!;
          s0 += src[p]! * w;
          s1 += src[p + 1]! * w;
          s2 += src[p + 2]! * w;
        }
        out[o] = clip8(s0);
        out[o + 1] = clip8(s1);
        out[o + 2] = clip8(s2);
      } else {
        for (let c = 0; c < channels; c++) {
          let ss = HALF;
          for (let x = 0; x < taps; x++) ss += src[first + x * channels + c]! * weights[k + x]!;
          out[o + c] = clip8(ss);
        }
      }
    }
  }
  return out;
}

function vertical(src: Uint8Array, height: number, width: number, channels: number, outHeight: number): Uint8Array {
  const { ksize, bounds, weights } = coefficients(height, outHeight);
  const stride = width * channels;
  const out = new Uint8Array(outHeight * stride);
  const sums = new Int32Array(stride); // at most 255·2^22 plus rounding: fits
  for (let yy = 0; yy < outHeight; yy++) {
    const ymin = bounds[yy * 2]!;
    const taps = bounds[yy * 2 + 1]!;
    sums.fill(HALF);
    // Whole input rows at a time: contiguous inner loops instead of a strided walk down each column.
    for (let y = 0; y < taps; y++) {
      const w = weights[yy * ksize + y]!;
      const row = (ymin + y) * stride;
      for (let i = 0; i < stride; i++) sums[i]! += src[row + i]! * w;
    }
    for (let i = 0; i < stride; i++) out[yy * stride + i] = clip8(sums[i]!);
  }
  return out;
}
