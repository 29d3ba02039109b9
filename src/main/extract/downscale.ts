import { createRequire } from 'node:module';
import { IntakeError } from '../../shared/errors';
import { inkShare, inkShareGrey } from './blank';
import { pngToGrey } from './grey-scale';
import type { ImageInfo } from './image';
import { decodesSafely } from './safe-decode';

/**
 * Raster images are read by tesseract at no more than this. 4 MP is an A4 or
 * Letter page at ≈ 200 dpi — what PDF pages are rendered at (pdf.ts) — which
 * tesseract reads as well as 300 dpi on printed text, ≈ 2× faster and with
 * about half the WASM heap.
 */
export const OCR_IMAGE_MAX_PIXELS = 4_000_000;
/** Longest side after scaling, whatever the shape (receipts, long strips). */
export const OCR_IMAGE_MAX_SIDE = 4500;

export interface OcrImageLimits {
  maxPixels: number;
  maxSide: number;
}

export const OCR_IMAGE_LIMITS: OcrImageLimits = { maxPixels: OCR_IMAGE_MAX_PIXELS, maxSide: OCR_IMAGE_MAX_SIDE };

/** The factor (≤ 1) that brings a `width` × `height` image within the limits. */
export function ocrScale(width: number, height: number, limits: OcrImageLimits = OCR_IMAGE_LIMITS): number {
  return Math.min(1, limits.maxSide / Math.max(width, height, 1), Math.sqrt(limits.maxPixels / Math.max(width * height, 1)));
}

/**
 * The encoded image to hand tesseract. Images within the limits go as they are
 * (GIF, which leptonica cannot read, is re-encoded). Larger ones are decoded
 * with the @napi-rs/canvas that pdf.js ships, resized with high-quality
 * smoothing and handed over as raw 8-bit grey pixels (PGM): no PNG to encode
 * here and none to inflate again in WASM (an 8-bit BMP was measured at 3× a
 * PNG's time: tesseract.js re-encodes BMPs in JavaScript; PGM goes straight to
 * leptonica). TIFF, which that canvas does not decode, always goes as it is.
 */
export async function prepareImageForOcr(bytes: Buffer, info: ImageInfo, limits: OcrImageLimits = OCR_IMAGE_LIMITS): Promise<Buffer> {
  return (await prepareImage(bytes, info, limits)).image;
}

/**
 * prepareImageForOcr, and the share of the page that is ink (blank.ts) when
 * the image could be decoded here safely — null when tesseract must judge it.
 */
export async function prepareImage(bytes: Buffer, info: ImageInfo, limits: OcrImageLimits = OCR_IMAGE_LIMITS): Promise<{ image: Buffer; ink: number | null }> {
  if (info.format === 'tiff') return { image: bytes, ink: null };
  const scale = ocrScale(info.width, info.height, limits);
  const resize = scale < 1 || info.format === 'gif';
  if (info.format === 'png' && scale < 1) {
    // Decoded and scaled row by row in JavaScript (grey-scale.ts): the 300 dpi page is never whole in
    // memory (≈ 35 MB of RGBA, twice, through the canvas), and no native decoder sees the file.
    const w = Math.max(1, Math.floor(info.width * scale));
    const h = Math.max(1, Math.floor(info.height * scale));
    const pgm = await pngToGrey(bytes, w, h);
    if (pgm) return { image: pgm, ink: inkShareGrey(pgm, w, h, pgm.length - w * h) };
  }
  // A damaged PNG or JPEG can crash the native decoder (and the process with it): those are never decoded here.
  const safe = info.format === 'gif' || info.format === 'webp' || info.format === 'bmp' ? resize : await decodesSafely(bytes, info);
  if (!safe) return { image: bytes, ink: null };
  const { loadImage } = napiCanvas();
  let img: Awaited<ReturnType<typeof loadImage>>;
  try {
    img = await loadImage(bytes);
  } catch (e) {
    // Damaged beyond what the canvas decodes: GIF has no other reader; others let tesseract judge.
    if (info.format === 'gif') throw new IntakeError('image_corrupt', 'image is damaged or not a supported image', { message: String(e), cause: e });
    return { image: bytes, ink: null };
  }
  // Without a resize, the ink is measured on a copy of at most 1200 px a side: ample for a page.
  const s = resize ? scale : Math.min(1, 1200 / Math.max(img.width, img.height, 1));
  const canvas = drawScaled(img, img.width, img.height, s);
  const { width: w, height: h } = canvas;
  const pixels = canvas.getContext('2d').getImageData(0, 0, w, h).data;
  const ink = inkShare(pixels, w, h);
  return { image: resize ? greyPgm(pixels, w, h) : bytes, ink };
}

/** Decoded RGBA pixels (a TIFF page) as the grey PGM tesseract reads, scaled down within the limits. */
export function rgbaToOcrImage(rgba: Uint8Array, width: number, height: number, limits: OcrImageLimits = OCR_IMAGE_LIMITS): Buffer {
  const scale = ocrScale(width, height, limits);
  if (scale >= 1) return greyPgm(rgba, width, height);
  const { createCanvas, ImageData } = napiCanvas();
  const full = createCanvas(width, height);
  full.getContext('2d').putImageData(new ImageData(new Uint8ClampedArray(rgba.buffer, rgba.byteOffset, rgba.byteLength), width, height), 0, 0);
  const scaled = drawScaled(full, width, height, scale);
  return greyPgm(scaled.getContext('2d').getImageData(0, 0, scaled.width, scaled.height).data, scaled.width, scaled.height);
}

/**
 * RGBA pixels as a binary PGM (8-bit grey, luma; transparent pixels are
 * paper). Tesseract reads grey anyway; leptonica reads PGM without decoding.
 */
export function greyPgm(rgba: Uint8Array | Uint8ClampedArray, width: number, height: number): Buffer {
  const head = Buffer.from(`P5\n${width} ${height}\n255\n`, 'latin1');
  const out = Buffer.allocUnsafe(head.length + width * height);
  head.copy(out);
  for (let i = 0, j = head.length, n = width * height * 4; i < n; i += 4, j++) {
    const luma = (rgba[i] * 77 + rgba[i + 1] * 150 + rgba[i + 2] * 29) >> 8;
    const a = rgba[i + 3];
    out[j] = a === 255 ? luma : 255 - (((255 - luma) * a) >> 8);
  }
  return out;
}

/** Width, height and pixel offset of a binary PGM as greyPgm writes it; null for anything else. */
export function pgmInfo(b: Uint8Array): { width: number; height: number; offset: number } | null {
  const m = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(Buffer.from(b.buffer, b.byteOffset, Math.min(b.byteLength, 40)).toString('latin1'));
  if (!m) return null;
  const width = Number(m[1]);
  const height = Number(m[2]);
  const offset = m[0].length;
  return b.byteLength === offset + width * height ? { width, height, offset } : null;
}

/** A PGM of greyPgm as a canvas image, or an encoded image the canvas decodes itself. */
async function loadDrawable(image: Uint8Array): Promise<{ source: Drawable; width: number; height: number }> {
  const { createCanvas, loadImage, ImageData } = napiCanvas();
  const pgm = pgmInfo(image);
  if (!pgm) {
    const img = await loadImage(Buffer.from(image.buffer, image.byteOffset, image.byteLength));
    return { source: img, width: img.width, height: img.height };
  }
  const { width, height, offset } = pgm;
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0, j = offset; i < rgba.length; i += 4, j++) {
    rgba[i] = rgba[i + 1] = rgba[i + 2] = image[j];
    rgba[i + 3] = 255;
  }
  const canvas = createCanvas(width, height);
  canvas.getContext('2d').putImageData(new ImageData(rgba, width, height), 0, 0);
  return { source: canvas, width, height };
}

type Drawable = Parameters<import('@napi-rs/canvas').SKRSContext2D['drawImage']>[0];

/** `source` (width × height) drawn at `scale` (or onto exactly `to`) on white with high-quality smoothing. */
export function drawScaled(source: Drawable, width: number, height: number, scale: number, to?: { width: number; height: number }) {
  const w = to?.width ?? Math.max(1, Math.floor(width * scale));
  const h = to?.height ?? Math.max(1, Math.floor(height * scale));
  const canvas = napiCanvas().createCanvas(w, h);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, w, h);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(source, 0, 0, w, h);
  return canvas;
}

/** An image we may decode (our own PGM or PNG, or one decodesSafely passed) turned clockwise by `degrees`, as PNG. */
export async function rotateImage(image: Uint8Array, degrees: 90 | 180 | 270): Promise<Buffer> {
  const { createCanvas } = napiCanvas();
  const { source, ...img } = await loadDrawable(image);
  const swap = degrees !== 180;
  const canvas = createCanvas(swap ? img.height : img.width, swap ? img.width : img.height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  ctx.translate(canvas.width / 2, canvas.height / 2);
  ctx.rotate((degrees * Math.PI) / 180);
  ctx.drawImage(source, -img.width / 2, -img.height / 2);
  return canvas.encode('png');
}

/** The @napi-rs/canvas that pdfjs-dist depends on, resolved from pdfjs-dist itself. */
export function napiCanvas(): typeof import('@napi-rs/canvas') {
  const fromHere = createRequire(import.meta.url);
  return createRequire(fromHere.resolve('pdfjs-dist/package.json'))('@napi-rs/canvas') as typeof import('@napi-rs/canvas');
}
