import { IntakeError } from '../../shared/errors';

export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'bmp' | 'webp' | 'tiff';

export interface ImageInfo {
  format: ImageFormat;
  width: number;
  height: number;
}

/** Decoded images above this are refused before decoding (an "image bomb" is tiny on disk). */
export const IMAGE_MAX_PIXELS = 100_000_000;
export const IMAGE_MAX_SIDE = 30_000;

/**
 * Format and size from the file header, without decoding pixels. Unknown or
 * damaged headers are `image_corrupt`; oversized images `image_too_large`.
 */
export function checkImage(bytes: Uint8Array, limits = { maxPixels: IMAGE_MAX_PIXELS, maxSide: IMAGE_MAX_SIDE }): ImageInfo {
  const info = imageInfo(bytes);
  if (!info || info.width <= 0 || info.height <= 0) {
    throw new IntakeError('image_corrupt', 'image is damaged or not a supported image', {
      message: bytes.length === 0 ? 'The image file is empty.' : 'The image header could not be read.',
    });
  }
  if (info.width > limits.maxSide || info.height > limits.maxSide || info.width * info.height > limits.maxPixels) {
    throw new IntakeError('image_too_large', 'image too large to OCR', {
      message: `${info.format.toUpperCase()} of ${info.width} × ${info.height} px exceeds the limit of ${limits.maxPixels} pixels / ${limits.maxSide} px per side.`,
    });
  }
  return info;
}

/** Reads the dimensions from a PNG, JPEG, GIF, BMP, WebP or TIFF header; null if unreadable. */
export function imageInfo(b: Uint8Array): ImageInfo | null {
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const has = (n: number) => b.length >= n;
  if (has(24) && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47) {
    // PNG: the first chunk must be IHDR.
    if (String.fromCharCode(b[12], b[13], b[14], b[15]) !== 'IHDR') return null;
    return { format: 'png', width: v.getUint32(16), height: v.getUint32(20) };
  }
  if (has(4) && b[0] === 0xff && b[1] === 0xd8) return jpegInfo(b, v);
  if (has(10) && b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38) {
    return { format: 'gif', width: v.getUint16(6, true), height: v.getUint16(8, true) };
  }
  if (has(26) && b[0] === 0x42 && b[1] === 0x4d) {
    const headerSize = v.getUint32(14, true);
    if (headerSize === 12) return { format: 'bmp', width: v.getUint16(18, true), height: v.getUint16(20, true) };
    return { format: 'bmp', width: Math.abs(v.getInt32(18, true)), height: Math.abs(v.getInt32(22, true)) };
  }
  if (has(30) && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return webpInfo(b, v);
  if (has(8) && ((b[0] === 0x49 && b[1] === 0x49 && b[2] === 42 && b[3] === 0) || (b[0] === 0x4d && b[1] === 0x4d && b[2] === 0 && b[3] === 42))) {
    return tiffInfo(b, v, b[0] === 0x49);
  }
  return null;
}

function ascii(b: Uint8Array, at: number, n: number): string {
  return String.fromCharCode(...b.subarray(at, at + n));
}

function jpegInfo(b: Uint8Array, v: DataView): ImageInfo | null {
  let i = 2;
  while (i + 9 < b.length) {
    if (b[i] !== 0xff) return null;
    const marker = b[i + 1];
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      i += 2;
      continue;
    }
    const len = v.getUint16(i + 2);
    // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { format: 'jpeg', height: v.getUint16(i + 5), width: v.getUint16(i + 7) };
    }
    if (marker === 0xd9 || marker === 0xda || len < 2) return null;
    i += 2 + len;
  }
  return null;
}

function webpInfo(b: Uint8Array, v: DataView): ImageInfo | null {
  const chunk = ascii(b, 12, 4);
  if (chunk === 'VP8X') {
    const w = 1 + (b[24] | (b[25] << 8) | (b[26] << 16));
    const h = 1 + (b[27] | (b[28] << 8) | (b[29] << 16));
    return { format: 'webp', width: w, height: h };
  }
  if (chunk === 'VP8L') {
    if (b[20] !== 0x2f) return null;
    const bits = v.getUint32(21, true);
    return { format: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8 ') {
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return null;
    return { format: 'webp', width: v.getUint16(26, true) & 0x3fff, height: v.getUint16(28, true) & 0x3fff };
  }
  return null;
}

function tiffInfo(b: Uint8Array, v: DataView, le: boolean): ImageInfo | null {
  const ifd = v.getUint32(4, le);
  if (ifd + 2 > b.length) return null;
  const count = v.getUint16(ifd, le);
  let width = 0;
  let height = 0;
  for (let k = 0; k < count; k++) {
    const e = ifd + 2 + k * 12;
    if (e + 12 > b.length) return null;
    const tag = v.getUint16(e, le);
    const type = v.getUint16(e + 2, le);
    const value = type === 3 ? v.getUint16(e + 8, le) : v.getUint32(e + 8, le);
    if (tag === 256) width = value;
    else if (tag === 257) height = value;
  }
  return width && height ? { format: 'tiff', width, height } : null;
}
