import { describe, expect, it } from 'vitest';
import { imageInfo } from '../../src/main/extract/image';
import { decodesSafely } from '../../src/main/extract/safe-decode';
import * as fx from '../support/fixtures';
import { failure, useExtractWorkspace } from './support';

const ws = useExtractWorkspace('images');

/** A JPEG of words, from the canvas that renders the PNG fixtures. */
async function textJpeg(words: string): Promise<Buffer> {
  const png = fx.makeTextPng(words);
  const { napiCanvas } = await import('../../src/main/extract/downscale');
  const { createCanvas, loadImage } = napiCanvas();
  const img = await loadImage(png);
  const canvas = createCanvas(img.width, img.height);
  canvas.getContext('2d').drawImage(img, 0, 0);
  return canvas.encode('jpeg');
}

describe('images the native decoder is never handed', () => {
  it('only an intact PNG or JPEG is decoded in the extractor; damaged ones go to tesseract, which fails safely', async () => {
    const png = fx.makeTextPng('Intact page');
    const jpeg = await textJpeg('Intact page');
    const safe = (b: Buffer) => decodesSafely(b, imageInfo(b)!);
    expect(await safe(png)).toBe(true);
    expect(await safe(jpeg)).toBe(true);
    // Each of these ended the whole extractor process (SIGSEGV) when the canvas decoded it.
    expect(await safe(fx.makeCorruptPng())).toBe(false);
    expect(await safe(png.subarray(0, png.length >> 1))).toBe(false);
    const badCrc = Buffer.from(png);
    badCrc[40] ^= 0xff;
    expect(await safe(badCrc)).toBe(false);
    const junkTables = Buffer.from(jpeg);
    const dht = junkTables.indexOf(Buffer.from([0xff, 0xc4]));
    junkTables.fill(0x6e, dht + 4, dht + 40);
    expect(await safe(junkTables)).toBe(false);
  });

  it('a damaged JPEG is image_corrupt (the process survives), and a blank JPEG fails fast as ocr_no_text', async () => {
    const jpeg = await textJpeg('Damaged page');
    const dht = jpeg.indexOf(Buffer.from([0xff, 0xc4]));
    const damaged = Buffer.from(jpeg);
    damaged.fill(0x6e, dht + 4, dht + 40);
    const err = await failure(ws.extractor.ocr(ws.file('damaged.jpg', damaged), 'image'));
    expect(err.code).toBe('image_corrupt');
    const blank = await failure(ws.extractor.ocr(ws.file('blank.jpg', await textJpeg('')), 'image'));
    expect(blank.code).toBe('ocr_no_text');
    expect(blank.message).toMatch(/^The page is blank/);
  });
});
