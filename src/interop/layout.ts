import type { WeightEntry } from './generatorNames.js';

/**
 * Index maps between dsl's and PyTorch's layouts of one tensor (see Layout): `dslIndex(r)` is
 * where the reference's flat element r lives in dsl's flat array.
 */
function dslIndexOf(entry: WeightEntry): (r: number) => number {
  const layout = entry.layout;
  switch (layout.kind) {
    case 'same':
      return (r) => r;
    case 'conv': {
      // reference [O, I, kh, kw] -> dsl [kh, kw, I, O]
      const [O, I, kh, kw] = entry.referenceShape as [number, number, number, number];
      return (r) => {
        const b = r % kw;
        const a = Math.floor(r / kw) % kh;
        const i = Math.floor(r / (kw * kh)) % I;
        const o = Math.floor(r / (kw * kh * I));
        return ((a * kw + b) * I + i) * O + o;
      };
    }
    case 'depthwiseTranspose': {
      // reference [C, 1, k, k] -> dsl [k, k, C, 1]
      const [C, , k] = entry.referenceShape as [number, number, number, number];
      return (r) => {
        const b = r % k;
        const a = Math.floor(r / k) % k;
        const c = Math.floor(r / (k * k));
        return (a * k + b) * C + c;
      };
    }
    case 'transpose': {
      // reference [out, in] -> dsl [in, out]
      const [O, I] = entry.referenceShape as [number, number];
      return (r) => (r % I) * O + Math.floor(r / I);
    }
    case 'spectralV': {
      // reference (i, a, b) -> dsl (a, b, i)
      const { kernel: k, channels: I } = layout;
      return (r) => {
        const b = r % k;
        const a = Math.floor(r / k) % k;
        const i = Math.floor(r / (k * k));
        return (a * k + b) * I + i;
      };
    }
    case 'projectionBias':
    case 'projectionWeight': {
      // reference output feature c*S*S + h*S + w (NCHW view) -> dsl (h*S + w)*C + c (NHWC)
      const { size: S, channels: C } = layout;
      const feature = (f: number) => {
        const c = Math.floor(f / (S * S));
        const hw = f % (S * S);
        return hw * C + c;
      };
      if (layout.kind === 'projectionBias') return feature;
      // reference [F, in] -> dsl [in, F]
      const inputs = entry.referenceShape[1]!;
      const F = entry.referenceShape[0]!;
      return (r) => (r % inputs) * F + feature(Math.floor(r / inputs));
    }
  }
}

export function toReferenceLayout(entry: WeightEntry, dsl: Float32Array): Float32Array {
  const map = dslIndexOf(entry);
  const out = new Float32Array(dsl.length);
  for (let r = 0; r < out.length; r++) out[r] = dsl[map(r)]!;
  return out;
}

export function fromReferenceLayout(entry: WeightEntry, reference: Float32Array): Float32Array {
  const map = dslIndexOf(entry);
  const out = new Float32Array(reference.length);
  for (let r = 0; r < reference.length; r++) out[map(r)] = reference[r]!;
  return out;
}
