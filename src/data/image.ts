/**
 * Per-image conversions on interleaved (HWC) uint8 images, each as Pillow or
 * torchvision does it, so that a folder of images gives the pixels a PyTorch
 * pipeline would.
 */
import { resizeBilinear } from './resize.js';

export interface Image {
  pixels: Uint8Array;
  height: number;
  width: number;
  /** 1 (grey), 3 (RGB) or 4 (RGBA). */
  channels: number;
}

/**
 * To 1 or 3 channels as Pillow's `convert('L')` / `convert('RGB')`: grey is
 * (19595 R + 38470 G + 7471 B + 2^15) >> 16 (ITU-R 601-2 luma in fixed point),
 * grey to RGB repeats the value, and alpha is dropped (not composited) as
 * `convert('RGB')` does.
 */
export function toChannels(img: Image, channels: 1 | 3): Image {
  if (img.channels === channels) return img;
  const n = img.height * img.width;
  const src = img.pixels;
  const out = new Uint8Array(n * channels);
  const c = img.channels;
  if (channels === 1) {
    if (c === 3 || c === 4) {
      for (let i = 0; i < n; i++) {
        out[i] = (src[i * c]! * 19595 + src[i * c + 1]! * 38470 + src[i * c + 2]! * 7471 + 0x8000) >> 16;
      }
    } else throw new RangeError(`cannot convert ${c} channels to grey`);
  } else if (c === 1) {
    for (let i = 0; i < n; i++) out[i * 3] = out[i * 3 + 1] = out[i * 3 + 2] = src[i]!;
  } else if (c === 4) {
    for (let i = 0; i < n; i++) {
      out[i * 3] = src[i * 4]!;
      out[i * 3 + 1] = src[i * 4 + 1]!;
      out[i * 3 + 2] = src[i * 4 + 2]!;
    }
  } else throw new RangeError(`cannot convert ${c} channels to RGB`);
  return { pixels: out, height: img.height, width: img.width, channels };
}

/** Python's round(): halves go to the even neighbour (torchvision's CenterCrop offsets use it). */
const roundHalfEven = (x: number): number => {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
};

/** The largest centred square, offsets as torchvision's `CenterCrop` computes them. */
export function centerCropSquare(img: Image): Image {
  const side = Math.min(img.height, img.width);
  if (img.height === img.width) return img;
  const top = roundHalfEven((img.height - side) / 2);
  const left = roundHalfEven((img.width - side) / 2);
  const c = img.channels;
  const out = new Uint8Array(side * side * c);
  for (let y = 0; y < side; y++) {
    const from = ((top + y) * img.width + left) * c;
    out.set(img.pixels.subarray(from, from + side * c), y * side * c);
  }
  return { pixels: out, height: side, width: side, channels: c };
}

/** Zero border around a smaller image (MNIST 28 → 32 with 2 pixels each side). */
export function padToSquare(img: Image, side: number): Image {
  const top = Math.floor((side - img.height) / 2);
  const left = Math.floor((side - img.width) / 2);
  const c = img.channels;
  const out = new Uint8Array(side * side * c);
  for (let y = 0; y < img.height; y++) {
    out.set(img.pixels.subarray(y * img.width * c, (y + 1) * img.width * c), ((top + y) * side + left) * c);
  }
  return { pixels: out, height: side, width: side, channels: c };
}

export function resizeSquare(img: Image, side: number): Image {
  const pixels = resizeBilinear(img.pixels, img.height, img.width, img.channels, side, side);
  return { pixels, height: side, width: side, channels: img.channels };
}

/**
 * The dataset pipeline for one image: channels first (fewer to resample), then
 * centre-crop to a square if needed, then Pillow-bilinear resize to `side`.
 */
export function prepareImage(img: Image, side: number, channels: 1 | 3): Image {
  return resizeSquare(centerCropSquare(toChannels(img, channels)), side);
}
