/**
 * Naive float64 implementations of the PyTorch definitions, NHWC with tfjs filter layouts.
 * Written straight from the PyTorch documentation's formulas, as loops, so that they can be
 * read and checked by eye.
 */
import { index4, size, type Shape } from './arrays.js';

export interface ConvSpec {
  readonly stride: number;
  readonly dilation: number;
  readonly padding: number;
}

/** F.conv2d: y[n,i,j,o] = b[o] + sum_{a,b,c} x[n, s*i + d*a - p, s*j + d*b - p, c] * w[a,b,c,o]. */
export function conv2dRef(
  x: Float64Array,
  xs: Shape,
  w: Float64Array,
  ws: Shape,
  spec: ConvSpec,
  bias?: Float64Array,
): { data: Float64Array; shape: number[] } {
  const [n, h, wd, ci] = xs as [number, number, number, number];
  const [kh, kw, , co] = ws as [number, number, number, number];
  const { stride: s, dilation: d, padding: p } = spec;
  const oh = Math.floor((h + 2 * p - d * (kh - 1) - 1) / s) + 1;
  const ow = Math.floor((wd + 2 * p - d * (kw - 1) - 1) / s) + 1;
  const shape = [n, oh, ow, co];
  const out = new Float64Array(size(shape));
  for (let b0 = 0; b0 < n; b0++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++)
        for (let o = 0; o < co; o++) {
          let acc = bias ? bias[o]! : 0;
          for (let a = 0; a < kh; a++)
            for (let b = 0; b < kw; b++) {
              const y = s * i + d * a - p;
              const xw = s * j + d * b - p;
              if (y < 0 || y >= h || xw < 0 || xw >= wd) continue;
              for (let c = 0; c < ci; c++) acc += x[index4(xs, b0, y, xw, c)]! * w[index4(ws, a, b, c, o)]!;
            }
          out[index4(shape, b0, i, j, o)] = acc;
        }
  return { data: out, shape };
}

/**
 * nn.ConvTranspose2d(C, C, k, stride, padding, output_padding, groups=C, bias=False), scatter
 * form: input pixel (y, x) adds x * w[a, b] to output pixel (s*y - p + a, s*x - p + b).
 * w in tfjs depthwise layout [k, k, C, 1] (= torch weight[c, 0, a, b]).
 */
export function depthwiseConvTransposeRef(
  x: Float64Array,
  xs: Shape,
  w: Float64Array,
  k: number,
  stride: number,
  padding: number,
  outputPadding: number,
): { data: Float64Array; shape: number[] } {
  const [n, h, wd, c] = xs as [number, number, number, number];
  const oh = (h - 1) * stride - 2 * padding + (k - 1) + outputPadding + 1;
  const ow = (wd - 1) * stride - 2 * padding + (k - 1) + outputPadding + 1;
  const shape = [n, oh, ow, c];
  const out = new Float64Array(size(shape));
  for (let b0 = 0; b0 < n; b0++)
    for (let y = 0; y < h; y++)
      for (let xw = 0; xw < wd; xw++)
        for (let ch = 0; ch < c; ch++)
          for (let a = 0; a < k; a++)
            for (let b = 0; b < k; b++) {
              const oy = stride * y - padding + a;
              const ox = stride * xw - padding + b;
              if (oy < 0 || oy >= oh || ox < 0 || ox >= ow) continue;
              out[index4(shape, b0, oy, ox, ch)]! += x[index4(xs, b0, y, xw, ch)]! * w[(a * k + b) * c + ch]!;
            }
  return { data: out, shape };
}

/** F.interpolate(size=(oh, ow), mode='nearest'): source index floor(dst * in / out). */
export function resizeNearestRef(x: Float64Array, xs: Shape, oh: number, ow: number): { data: Float64Array; shape: number[] } {
  const [n, h, wd, c] = xs as [number, number, number, number];
  const shape = [n, oh, ow, c];
  const out = new Float64Array(size(shape));
  for (let b0 = 0; b0 < n; b0++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++) {
        const si = Math.min(Math.floor((i * h) / oh), h - 1);
        const sj = Math.min(Math.floor((j * wd) / ow), wd - 1);
        for (let ch = 0; ch < c; ch++) out[index4(shape, b0, i, j, ch)] = x[index4(xs, b0, si, sj, ch)]!;
      }
  return { data: out, shape };
}

/** One axis of F.interpolate(mode='bilinear', align_corners=False): (i0, i1, lambda1). */
function linearSource(dst: number, inSize: number, outSize: number): [number, number, number] {
  const scale = inSize / outSize;
  const src = Math.max(0, (dst + 0.5) * scale - 0.5);
  const i0 = Math.min(Math.floor(src), inSize - 1);
  const i1 = Math.min(i0 + 1, inSize - 1);
  return [i0, i1, src - i0];
}

export function resizeBilinearRef(x: Float64Array, xs: Shape, oh: number, ow: number): { data: Float64Array; shape: number[] } {
  const [n, h, wd, c] = xs as [number, number, number, number];
  const shape = [n, oh, ow, c];
  const out = new Float64Array(size(shape));
  for (let b0 = 0; b0 < n; b0++)
    for (let i = 0; i < oh; i++) {
      const [y0, y1, ly] = linearSource(i, h, oh);
      for (let j = 0; j < ow; j++) {
        const [x0, x1, lx] = linearSource(j, wd, ow);
        for (let ch = 0; ch < c; ch++) {
          const v = (yy: number, xx: number) => x[index4(xs, b0, yy, xx, ch)]!;
          out[index4(shape, b0, i, j, ch)] =
            (1 - ly) * ((1 - lx) * v(y0, x0) + lx * v(y0, x1)) + ly * ((1 - lx) * v(y1, x0) + lx * v(y1, x1));
        }
      }
    }
  return { data: out, shape };
}

/** 2x2 stride-2 pooling (F.avg_pool2d / F.max_pool2d with kernel 2). */
export function pool2x2Ref(x: Float64Array, xs: Shape, mode: 'avg' | 'max'): { data: Float64Array; shape: number[] } {
  const [n, h, wd, c] = xs as [number, number, number, number];
  const shape = [n, Math.floor(h / 2), Math.floor(wd / 2), c];
  const out = new Float64Array(size(shape));
  for (let b0 = 0; b0 < n; b0++)
    for (let i = 0; i < shape[1]!; i++)
      for (let j = 0; j < shape[2]!; j++)
        for (let ch = 0; ch < c; ch++) {
          const vals = [0, 1].flatMap((a) => [0, 1].map((b) => x[index4(xs, b0, 2 * i + a, 2 * j + b, ch)]!));
          out[index4(shape, b0, i, j, ch)] = mode === 'avg' ? vals.reduce((s, v) => s + v, 0) / 4 : Math.max(...vals);
        }
  return { data: out, shape };
}
