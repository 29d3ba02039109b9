import { readFile } from 'node:fs/promises';
import { inflateSync } from 'node:zlib';
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { PDFDict as LibDict, PDFDocument as LibDocument, PDFRawStream as LibRawStream } from 'pdf-lib';
import { inkShareGrey } from './blank';
import { drawScaled, greyPgm, napiCanvas } from './downscale';
import { GreyScaler, scaleRows } from './grey-scale';
import { IMAGE_MAX_PIXELS, checkImage } from './image';
import type { RenderOptions } from './pdf';
import { decodesSafely } from './safe-decode';

/**
 * Scanned PDF pages without pdf.js: a page whose content is one image drawn over the whole page
 * (what scanners and most "image-only" PDFs write) is read from the image's own bytes — a JPEG
 * (DCTDecode) decoded natively, or 8-bit grey/RGB Flate data (PNG predictors too) inflated here and
 * turned grey and scaled in one pass — straight to the grey PGM tesseract takes, at the size pdf.js
 * would have rendered. pdf.js decodes such an image whole onto the JS heap as RGBA and draws it onto
 * a page-sized canvas: ≈ 250 MB at the peak for a 300 dpi A4 scan, against ≈ 30–60 MB here.
 * Anything else (text or vector drawing on the page, masks, other colour spaces or filters, a
 * rotated page, an encrypted or unparsable file) returns null and is rendered by pdf.js as before.
 */

/** Files above this are left to pdf.js: pdf-lib holds the whole parsed file beside it. */
export const EMBEDDED_IMAGE_FILE_CAP = 64 * 1024 * 1024;
/** How far (share of the page's side) an image may fall short of the page's edges and still "cover" it. */
const COVER_TOLERANCE = 0.01;

type PdfLib = typeof import('pdf-lib');

/** The page images of one PDF, opened with pdf-lib beside pdf.js's document. */
export class EmbeddedPageImages {
  private constructor(
    private readonly lib: PdfLib,
    private readonly doc: LibDocument,
  ) {}

  /** Null when the file is too large, encrypted, or pdf-lib does not read it as pdf.js does. */
  static async open(path: string, pdfjsDoc: PDFDocumentProxy): Promise<EmbeddedPageImages | null> {
    try {
      const bytes = await readFile(path);
      if (bytes.length > EMBEDDED_IMAGE_FILE_CAP) return null;
      const lib = await import('pdf-lib');
      loaded = lib;
      const doc = await lib.PDFDocument.load(bytes, { ignoreEncryption: true, updateMetadata: false, throwOnInvalidObject: false });
      if (doc.isEncrypted || doc.getPageCount() !== pdfjsDoc.numPages) return null;
      return new EmbeddedPageImages(lib, doc);
    } catch {
      return null;
    }
  }

  /**
   * Page `pageNumber` (1-based) as the grey PGM renderPdfPageInked would give, with its ink share;
   * null when the page is not one image covering it, or the image is not one read here.
   */
  async render(pdfjsDoc: PDFDocumentProxy, pageNumber: number, opts: RenderOptions): Promise<{ image: Buffer; ink: number } | null> {
    try {
      const page = await pdfjsDoc.getPage(pageNumber);
      const view = page.view;
      const rotate = page.rotate;
      page.cleanup();
      if (rotate % 360 !== 0) return null;
      const [x0, y0, x1, y1] = view;
      const pw = x1 - x0;
      const ph = y1 - y0;
      if (!(pw > 0 && ph > 0)) return null;
      // The same size renderPdfPageInked would draw.
      let scale = opts.dpi / 72;
      scale = Math.min(scale, opts.maxSidePx / Math.max(pw, ph, 1));
      scale = Math.min(scale, Math.sqrt(opts.maxPixels / Math.max(pw * ph, 1)));
      const w = Math.max(1, Math.floor(pw * scale));
      const h = Math.max(1, Math.floor(ph * scale));

      const found = this.soleImage(pageNumber - 1);
      if (!found) return null;
      const [a, , , d, e, f] = found.ctm;
      const tol = COVER_TOLERANCE;
      if (Math.abs(e - x0) > tol * pw || Math.abs(f - y0) > tol * ph || Math.abs(e + a - x1) > tol * pw || Math.abs(f + d - y1) > tol * ph) return null;
      const grey = await this.decode(found.stream, w, h);
      if (!grey) return null;
      return { image: grey, ink: inkShareGrey(grey, w, h, grey.length - w * h) };
    } catch {
      return null;
    }
  }

  /** The one image the page's content draws, with the matrix it is drawn by (axis-aligned, upright). */
  private soleImage(index: number): { stream: LibRawStream; ctm: number[] } | null {
    const { PDFName, PDFDict, PDFArray, PDFRawStream } = this.lib;
    const node = this.doc.getPage(index).node;
    const contents = node.Contents();
    if (!contents) return null;
    const parts = contents instanceof PDFArray ? contents.asArray().map((r) => this.doc.context.lookup(r)) : [contents];
    const chunks: Buffer[] = [];
    for (const s of parts) {
      if (!(s instanceof PDFRawStream)) return null;
      const data = this.streamData(s, 4 * 1024 * 1024);
      if (!data) return null;
      chunks.push(data, Buffer.from('\n'));
    }
    const draw = soleDraw(Buffer.concat(chunks));
    if (!draw) return null;
    const xobjects = node.Resources()?.lookupMaybe(PDFName.of('XObject'), PDFDict);
    const stream = xobjects?.lookup(PDFName.of(draw.name));
    if (!(stream instanceof PDFRawStream)) return null;
    if (name(stream.dict.get(PDFName.of('Subtype'))) !== 'Image') return null;
    return { stream, ctm: draw.ctm };
  }

  /** A content stream's bytes (no filter, or Flate without predictor), at most `cap` of them. */
  private streamData(s: LibRawStream, cap: number): Buffer | null {
    const filter = this.filterOf(s.dict);
    if (filter === null) return null;
    if (s.dict.get(this.lib.PDFName.of('DecodeParms'))) return null;
    const raw = Buffer.from(s.contents.buffer, s.contents.byteOffset, s.contents.byteLength);
    if (!filter) return raw.length <= cap ? raw : null;
    if (filter !== 'FlateDecode') return null;
    try {
      return inflateSync(raw, { maxOutputLength: cap });
    } catch {
      return null;
    }
  }

  /** '' for no filter, the filter's name for one, null for a chain of several. */
  private filterOf(dict: LibDict): string | null {
    const { PDFName, PDFArray } = this.lib;
    const f = dict.lookup(PDFName.of('Filter'));
    if (f === undefined) return '';
    if (f instanceof PDFArray) {
      if (f.size() === 0) return '';
      if (f.size() !== 1) return null;
      return name(f.lookup(0)) ?? null;
    }
    return name(f) ?? null;
  }

  /** The image scaled to w × h as a grey PGM, or null when it is not one decoded here. */
  private async decode(stream: LibRawStream, w: number, h: number): Promise<Buffer | null> {
    const { PDFName, PDFNumber, PDFBool, PDFDict } = this.lib;
    const dict = stream.dict;
    const num = (k: string) => {
      const v = dict.lookup(PDFName.of(k));
      return v instanceof PDFNumber ? v.asNumber() : null;
    };
    const width = num('Width');
    const height = num('Height');
    if (!width || !height || width <= 0 || height <= 0 || width * height > IMAGE_MAX_PIXELS) return null;
    const mask = dict.lookup(PDFName.of('ImageMask'));
    if (mask instanceof PDFBool && mask.asBoolean()) return null;
    // Masks and decode arrays change what is drawn: pdf.js draws those.
    if (dict.get(PDFName.of('SMask')) || dict.get(PDFName.of('Mask')) || dict.get(PDFName.of('Decode'))) return null;
    if (num('BitsPerComponent') !== 8) return null;
    const comps = this.components(dict.lookup(PDFName.of('ColorSpace')));
    if (comps !== 1 && comps !== 3) return null;
    const filter = this.filterOf(dict);
    const raw = Buffer.from(stream.contents.buffer, stream.contents.byteOffset, stream.contents.byteLength);
    if (filter === 'DCTDecode') {
      if (dict.get(PDFName.of('DecodeParms'))) return null;
      return decodeJpeg(raw, width, height, comps, w, h);
    }
    if (filter !== '' && filter !== 'FlateDecode') return null;
    let predictor = 1;
    const parms = dict.lookupMaybe(PDFName.of('DecodeParms'), PDFDict);
    if (parms) {
      const p = (k: string, dflt: number) => {
        const v = parms.lookup(PDFName.of(k));
        return v instanceof PDFNumber ? v.asNumber() : dflt;
      };
      predictor = p('Predictor', 1);
      if (predictor !== 1 && (predictor < 10 || p('Colors', 1) !== comps || p('BitsPerComponent', 8) !== 8 || p('Columns', 1) !== width)) return null;
    }
    return scaleRows([raw], filter === 'FlateDecode', new GreyScaler(width, height, comps, predictor >= 10, w, h));
  }

  /** Colour components of a colour space read here: DeviceGray/RGB, CalGray/RGB, ICCBased with N 1 or 3. */
  private components(cs: unknown): number | null {
    const { PDFArray, PDFRawStream, PDFName, PDFNumber } = this.lib;
    const n = name(cs);
    if (n === 'DeviceGray') return 1;
    if (n === 'DeviceRGB') return 3;
    if (!(cs instanceof PDFArray) || cs.size() < 1) return null;
    const kind = name(cs.lookup(0));
    if (kind === 'CalGray') return 1;
    if (kind === 'CalRGB') return 3;
    if (kind === 'ICCBased') {
      const profile = cs.lookup(1);
      const count = profile instanceof PDFRawStream ? profile.dict.lookup(PDFName.of('N')) : undefined;
      return count instanceof PDFNumber ? count.asNumber() : null;
    }
    return null;
  }
}

/** The pdf-lib module, once a document was opened with it (names are told apart by class, not by a minifiable class name). */
let loaded: PdfLib | null = null;

function name(v: unknown): string | undefined {
  return loaded && v instanceof loaded.PDFName ? v.decodeText() : undefined;
}

/** A JPEG from the PDF, decoded by the canvas (only once its structure is intact), drawn at w × h, as grey PGM. */
async function decodeJpeg(bytes: Buffer, width: number, height: number, comps: number, w: number, h: number): Promise<Buffer | null> {
  let info;
  try {
    info = checkImage(bytes);
  } catch {
    return null;
  }
  if (info.format !== 'jpeg' || info.width !== width || info.height !== height || jpegComponents(bytes) !== comps) return null;
  if (!(await decodesSafely(bytes, info))) return null;
  const img = await napiCanvas().loadImage(bytes);
  const canvas = drawScaled(img, img.width, img.height, w / img.width, { width: w, height: h });
  return greyPgm(canvas.getContext('2d').getImageData(0, 0, w, h).data, w, h);
}

/** Components of a JPEG's frame (SOF), or 0. */
function jpegComponents(b: Buffer): number {
  let i = 2;
  while (i + 9 < b.length && b[i] === 0xff) {
    const marker = b[i + 1];
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return b[i + 9];
    if (marker === 0xda || marker === 0xd9) return 0;
    i += 2 + b.readUInt16BE(i + 2);
  }
  return 0;
}

/**
 * The one image XObject a content stream draws, and the matrix it is drawn with, when the stream
 * does nothing else that paints: only q/Q, cm, harmless graphics-state settings and one `Do`. The
 * matrix must be upright and axis-aligned (a scan drawn as it is).
 */
export function soleDraw(content: Uint8Array): { name: string; ctm: number[] } | null {
  const stack: number[][] = [];
  let ctm = [1, 0, 0, 1, 0, 0];
  const operands: (number | string)[] = [];
  let drawn: { name: string; ctm: number[] } | null = null;
  const n = content.length;
  let i = 0;
  const isWhite = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x00;
  const isDelim = (c: number) => c === 0x28 || c === 0x29 || c === 0x3c || c === 0x3e || c === 0x5b || c === 0x5d || c === 0x7b || c === 0x7d || c === 0x2f || c === 0x25;
  while (i < n) {
    const c = content[i];
    if (isWhite(c)) {
      i++;
      continue;
    }
    if (c === 0x25) {
      while (i < n && content[i] !== 0x0a && content[i] !== 0x0d) i++;
      continue;
    }
    if (c === 0x2f) {
      let j = i + 1;
      while (j < n && !isWhite(content[j]) && !isDelim(content[j])) j++;
      operands.push('/' + Buffer.from(content.subarray(i + 1, j)).toString('latin1').replace(/#([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))));
      i = j;
      continue;
    }
    // Strings, arrays, dictionaries: no operator this reader allows takes them.
    if (isDelim(c)) return null;
    let j = i;
    while (j < n && !isWhite(content[j]) && !isDelim(content[j])) j++;
    const word = Buffer.from(content.subarray(i, j)).toString('latin1');
    i = j;
    if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(word)) {
      operands.push(Number(word));
      continue;
    }
    switch (word) {
      case 'q':
        stack.push(ctm);
        break;
      case 'Q':
        ctm = stack.pop() ?? ctm;
        break;
      case 'cm': {
        if (operands.length !== 6 || operands.some((o) => typeof o !== 'number')) return null;
        const [a, b, c2, d, e, f] = operands as number[];
        const [A, B, C, D, E, F] = ctm;
        ctm = [a * A + b * C, a * B + b * D, c2 * A + d * C, c2 * B + d * D, e * A + f * C + E, e * B + f * D + F];
        break;
      }
      case 'Do':
        if (drawn || operands.length !== 1 || typeof operands[0] !== 'string') return null;
        drawn = { name: operands[0].slice(1), ctm };
        break;
      // Line width, cap, join, miter limit, rendering intent, flatness: they paint nothing.
      case 'w':
      case 'J':
      case 'j':
      case 'M':
      case 'ri':
      case 'i':
        break;
      default:
        return null;
    }
    operands.length = 0;
  }
  if (!drawn) return null;
  const [a, b, c, d] = drawn.ctm;
  if (Math.abs(b) > 1e-6 || Math.abs(c) > 1e-6 || a <= 0 || d <= 0) return null;
  return drawn;
}
