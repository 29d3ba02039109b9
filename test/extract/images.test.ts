import { describe, expect, it } from 'vitest';
import { imageInfo } from '../../src/main/extract/image';
import { decodesSafely } from '../../src/main/extract/safe-decode';
import * as fx from '../support/fixtures';
import { makeTiff, pngToGray, type TiffPageSpec } from '../support/formats';
import { failure, useExtractWorkspace } from './support';

const ws = useExtractWorkspace('images', { pageCap: 3 });

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

async function page(words: string, as: TiffPageSpec['as'] = 'gray'): Promise<TiffPageSpec> {
  return { ...(await pngToGray(fx.makeTextPng(words, { width: 1000 }))), as };
}

describe('multi-page TIFF', () => {
  it('every page within the page cap is OCR’d in order (plain, PackBits, fax-style 1-bit); a page past the cap is listed as unread', async () => {
    const tiff = makeTiff([await page('Alpha invoice from Lakeside Bakery'), await page('Bravo delivery note for Harbour Street', 'packbits'), await page('Charlie receipt number 5521', 'bilevel'), await page('Delta contract never read')]);
    const res = await ws.extractor.ocr(ws.file('three-pages.tif', tiff), 'image');
    const at = ['Alpha invoice', 'Bravo delivery', 'Charlie receipt'].map((w) => res.text.indexOf(w));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect(at).toEqual([...at].sort((a, b) => a - b));
    expect(res.text).not.toContain('Delta');
    expect(res.extraction).toEqual({ pages: 4, ocrPages: [1, 2, 3], unreadPages: [4] });
    expect(res.truncated).toBe(true);
  });

  it('a blank page between pages is skipped; an all-blank TIFF fails fast as ocr_no_text', async () => {
    const blank = await page('');
    const res = await ws.extractor.ocr(ws.file('blank-middle.tif', makeTiff([await page('First page of the lease'), blank, await page('Last page with signatures')])), 'image');
    expect(res.text).toMatch(/First page of the lease[\s\S]*Last page with signatures/);
    expect(res.extraction).toEqual({ pages: 3, ocrPages: [1, 3], blankPages: [2] });
    const err = await failure(ws.extractor.ocr(ws.file('all-blank.tif', makeTiff([blank, blank])), 'image'));
    expect(err.code).toBe('ocr_no_text');
    expect(err.message).toMatch(/^All 2 pages are blank/);
  });

  it('a damaged TIFF is image_corrupt with a reason — a looping page chain, cut-off pixel data, an unknown compression — and never hangs', async () => {
    const good = makeTiff([await page('Looping'), await page('Pages')]);
    const looping = Buffer.from(good);
    // The second page's "next page" points back at the first page.
    const first = looping.readUInt32LE(4);
    const second = looping.readUInt32LE(first + 2 + 10 * 12);
    looping.writeUInt32LE(first, second + 2 + 10 * 12);
    const cut = makeTiff([await page('Cut short')]);
    // Its pixel data said to start 100 bytes before the end of the file.
    cut.writeUInt32LE(cut.length - 100, cut.readUInt32LE(4) + 2 + 5 * 12 + 8);
    const unknown = makeTiff([{ ...(await page('Strange')), compression: 50000 }]);
    for (const [name, bytes, reason] of [['loop.tif', looping, /structure/], ['cut.tif', cut, /runs past the end/], ['unknown.tif', unknown, /compression 50000/]] as const) {
      const err = await failure(ws.extractor.ocr(ws.file(name, bytes), 'image'));
      expect(err.code, name).toBe('image_corrupt');
      expect(err.message, name).toMatch(reason);
    }
  });
});

describe('rotated scans', () => {
  const LETTER = 'The quarterly invoice from Acme Corporation totals four hundred dollars payable within thirty days of the date printed above. Please quote the invoice number with your payment and keep this letter for your records.';

  /** The letter as a scanner that fed it sideways or upside down would save it: turned clockwise by `degrees`. */
  async function turnedScan(degrees: 90 | 180 | 270): Promise<Buffer> {
    const { rotateImage } = await import('../../src/main/extract/downscale');
    return rotateImage(fx.makeTextPng(LETTER, { width: 1200 }), degrees);
  }

  it('a page rotated by 90, 180 or 270 degrees is detected (tesseract OSD, from disk), turned upright and read; the turn is recorded', async () => {
    for (const degrees of [90, 180, 270] as const) {
      const res = await ws.extractor.ocr(ws.file(`turned-${degrees}.png`, await turnedScan(degrees)), 'image');
      for (const w of ['quarterly', 'invoice', 'Acme', 'Corporation', 'payable', 'thirty']) expect(res.text, `${degrees}°`).toContain(w);
      expect(res.extraction?.rotations, `${degrees}°`).toEqual([{ page: 1, degrees: (360 - degrees) % 360 }]);
    }
  });

  it('an upright page is read without asking OSD: nothing recorded', async () => {
    const res = await ws.extractor.ocr(ws.file('upright.png', fx.makeTextPng(LETTER, { width: 1200 })), 'image');
    expect(res.text).toContain('Acme Corporation');
    expect(res.extraction).toEqual({ ocrPages: [1] });
  });
});
