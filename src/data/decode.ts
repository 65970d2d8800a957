/**
 * PNG and JPEG files to RGBA pixels (pngjs, jpeg-js). PNGs of any colour type
 * and bit depth come out as 8-bit RGBA (16-bit samples rescaled by pngjs);
 * JPEGs are decoded by jpeg-js, whose IDCT can differ from libjpeg's (Pillow)
 * by a grey level here and there.
 */
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import type { Image } from './image.js';

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg'] as const;

/** Limits jpeg-js enforces against decompression bombs; generous for datasets. */
const JPEG_LIMITS = { maxResolutionInMP: 200, maxMemoryUsageInMB: 1024 };

/** Decodes by content (magic bytes), not by file name. Throws the decoder's error on bad data. */
export function decodeImage(bytes: Uint8Array): Image {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) {
    const png = PNG.sync.read(buffer);
    return { pixels: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength), height: png.height, width: png.width, channels: 4 };
  }
  if (buffer[0] === 0xff && buffer[1] === 0xd8) {
    const img = jpeg.decode(buffer, { useTArray: true, formatAsRGBA: true, ...JPEG_LIMITS });
    return { pixels: img.data, height: img.height, width: img.width, channels: 4 };
  }
  throw new Error('neither a PNG nor a JPEG (unknown signature)');
}
