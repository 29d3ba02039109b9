import { describe, expect, it } from 'vitest';
import { napiCanvas } from '../../src/main/extract/downscale';
import { DEFAULT_RENDER, openPdf, renderPdfPageInked } from '../../src/main/extract/pdf';
import { EmbeddedPageImages, soleDraw } from '../../src/main/extract/pdf-image';
import { makeTextPng } from '../support/fixtures';
import { makeMixedPdf } from '../support/formats';
import { meanDiff, useExtractWorkspace } from './support';

const ws = useExtractWorkspace('pdf-image');
const WORDS = 'Delivery note 8812 for Harbour Street: twelve crates of lemons received in good order';

/** A scanner's PDF: each page one image drawn over the whole page (A4 at 150 dpi here). */
async function scannerPdf(images: { png?: Buffer; jpeg?: Buffer }[]): Promise<Uint8Array> {
  const { PDFDocument } = await import('pdf-lib');
  const doc = await PDFDocument.create();
  for (const im of images) {
    const img = im.png ? await doc.embedPng(im.png) : await doc.embedJpg(im.jpeg!);
    const page = doc.addPage([595, 842]);
    page.drawImage(img, { x: 0, y: 0, width: 595, height: 842 });
  }
  return doc.save();
}

function scanPng(): Buffer {
  return makeTextPng(`${WORDS} `.repeat(3), { width: 1240, height: 1754, fontSize: 30 });
}

async function bothWays(path: string, page = 1) {
  const doc = await openPdf(path);
  try {
    const images = await EmbeddedPageImages.open(path, doc);
    const fast = images ? await images.render(doc, page, DEFAULT_RENDER) : null;
    const drawn = await renderPdfPageInked(doc, page, DEFAULT_RENDER);
    return { fast, drawn };
  } finally {
    await doc.destroy();
  }
}

describe('scanned PDF pages read from their embedded image, not drawn by pdf.js', () => {
  it('a page that is one Flate (PNG) image is read from the image: the same pixels and ink as pdf.js draws, and OCR reads it', async () => {
    const path = ws.file('png-scan.pdf', await scannerPdf([{ png: scanPng() }]));
    const { fast, drawn } = await bothWays(path);
    expect(fast).not.toBeNull();
    expect(meanDiff(fast!.image, drawn.image)).toBeLessThan(3);
    expect(Math.abs(fast!.ink - drawn.ink)).toBeLessThan(drawn.ink * 0.2);
    const res = await ws.extractor.ocr(path, 'pdf');
    expect(res.text.replace(/\s+/g, ' ')).toContain('twelve crates of lemons');
    expect(res.extraction).toMatchObject({ pages: 1, ocrPages: [1] });
  });

  it('a page that is one JPEG is decoded natively and scaled: close to what pdf.js draws', async () => {
    const c = napiCanvas().createCanvas(1240, 1754);
    c.getContext('2d').drawImage(await napiCanvas().loadImage(scanPng()), 0, 0);
    const path = ws.file('jpeg-scan.pdf', await scannerPdf([{ jpeg: c.encodeSync('jpeg', 85) }, { png: scanPng() }]));
    const { fast, drawn } = await bothWays(path);
    expect(fast).not.toBeNull();
    expect(meanDiff(fast!.image, drawn.image)).toBeLessThan(4);
    const res = await ws.extractor.ocr(path, 'pdf');
    expect(res.text.replace(/\s+/g, ' ').split('twelve crates of lemons').length - 1).toBe(6);
  });

  it('a page with anything beside the image (text under it, a white sheet, an image not covering the page) is left to pdf.js', async () => {
    const path = ws.file('mixed.pdf', await makeMixedPdf([{ scan: makeTextPng(WORDS), hiddenText: 'words under the picture' }, { scan: makeTextPng(WORDS) }]));
    for (const page of [1, 2]) {
      const { fast, drawn } = await bothWays(path, page);
      expect(fast).toBeNull();
      expect(drawn.ink).toBeGreaterThan(0);
    }
    const res = await ws.extractor.ocr(path, 'pdf');
    expect(res.text.replace(/\s+/g, ' ')).toContain('twelve crates of lemons');
  });

  it('reads content streams: one upright image drawn and nothing else, or nothing', () => {
    const s = (t: string) => soleDraw(Buffer.from(t, 'latin1'));
    expect(s('q 595 0 0 842 0 0 cm /Im0 Do Q')).toEqual({ name: 'Im0', ctm: [595, 0, 0, 842, 0, 0] });
    expect(s('q\n1 0 0 1 10 20 cm 2 0 0 3 0 0 cm % a comment\n/Scan#20A Do Q')).toEqual({ name: 'Scan A', ctm: [2, 0, 0, 3, 10, 20] });
    expect(s('q 595 0 0 842 0 0 cm /Im0 Do Q BT /F1 12 Tf (hidden) Tj ET')).toBeNull();
    expect(s('q 595 0 0 842 0 0 cm /Im0 Do Q q 595 0 0 842 0 0 cm /Im1 Do Q')).toBeNull();
    expect(s('q 0 842 -595 0 595 0 cm /Im0 Do Q')).toBeNull(); // turned a quarter
    expect(s('q 595 0 0 -842 0 842 cm /Im0 Do Q')).toBeNull(); // upside down
    expect(s('1 1 1 rg 0 0 595 842 re f q 595 0 0 842 0 0 cm /Im0 Do Q')).toBeNull();
    expect(s('')).toBeNull();
  });
});
