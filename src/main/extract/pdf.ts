import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { Extraction } from '../../shared/domain';
import { IntakeError, errorMessage } from '../../shared/errors';
import { countOf, meaningfulChars } from '../../shared/text-quality';
import { inkShare } from './blank';
import { greyPgm } from './downscale';
import { renderCapped, textItemsCapped } from './page-limits';
import type { ExtractResult, PageVerdict, PdfPageLayer } from './types';

/** Characters of text layer kept; the pipeline stores far less. */
export const PDF_TEXT_CHAR_CAP = 2 * 1024 * 1024;
/** PDFs are parsed from memory; anything larger is refused rather than risk the heap. */
export const PDF_BYTE_CAP = 512 * 1024 * 1024;

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');

let pdfjsPromise: Promise<PdfJs> | null = null;

/**
 * pdf.js in Node without a worker thread: importing the worker module first
 * registers its message handler on globalThis, and pdf.js then runs it in-process.
 */
export function loadPdfJs(): Promise<PdfJs> {
  pdfjsPromise ??= (async () => {
    const nativePush = Array.prototype.push;
    await import('pdfjs-dist/legacy/build/pdf.worker.mjs');
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    // The legacy build (the one that runs on Node 20) bundles core-js, which swaps the process's
    // Array.prototype.push for a JavaScript one because V8 11 does not throw on push() of nothing onto an
    // array whose length is read-only. pdf.js pushes for every token and text item: the JS push cost ≈ 15–20 %
    // of a text layer's CPU (issue 15). The native one goes back; what core-js added (Promise.withResolvers…) stays.
    if (Array.prototype.push !== nativePush) Object.defineProperty(Array.prototype, 'push', { value: nativePush, writable: true, configurable: true, enumerable: false });
    inflateInlineUnlessDrawing();
    return pdfjs;
  })();
  return pdfjsPromise;
}

/** Pages of this process being drawn for OCR right now (see inflateInlineUnlessDrawing). */
let drawing = 0;

/**
 * pdf.js inflates each Flate stream through the web DecompressionStream when there is one: a writer, a
 * reader and a promise per chunk, which for a text layer's many small streams (content streams, fonts'
 * tables) cost more than its own synchronous inflate — ≈ 9 % of a text layer's CPU, the same text on the
 * bench's 100 PDFs (issue 15). So in this process the stream refuses 'deflate' while no page is being
 * drawn, and pdf.js falls back to its own inflate, as it does whenever the stream cannot be made; pages
 * drawn for OCR keep the native one for their large images. The bytes are the same either way.
 */
function inflateInlineUnlessDrawing(): void {
  const Native = globalThis.DecompressionStream;
  if (!Native || (Native as { inlineUnlessDrawing?: boolean }).inlineUnlessDrawing) return;
  class DecompressionStreamUnlessText extends Native {
    static inlineUnlessDrawing = true;
    constructor(format: CompressionFormat) {
      if (drawing === 0 && format === 'deflate') throw new TypeError('inflated by pdf.js itself');
      super(format);
    }
  }
  globalThis.DecompressionStream = DecompressionStreamUnlessText;
}

let assetDirs: { fonts: string; cmaps: string; wasm: string } | null = null;
/** Font, CMap and wasm data shipped inside pdfjs-dist, read from disk — never fetched. */
function pdfAssets(): { fonts: string; cmaps: string; wasm: string } {
  if (!assetDirs) {
    const root = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));
    assetDirs = { fonts: join(root, 'standard_fonts') + '/', cmaps: join(root, 'cmaps') + '/', wasm: join(root, 'wasm') + '/' };
  }
  return assetDirs;
}

/**
 * Opens a PDF, mapping pdf.js failures to stable codes. The caller destroys it. `textOnly`: the
 * document is only read for its text layer, so the 14 standard fonts are not loaded from their font
 * files (their widths and encodings are built into pdf.js; only drawing needs the outlines) — each
 * document otherwise reads and converts the font program of every standard font it names.
 */
export async function openPdf(path: string, opts: { textOnly?: boolean } = {}): Promise<PDFDocumentProxy> {
  const { size } = await stat(path);
  if (size === 0) throw new IntakeError('pdf_corrupt', 'PDF is empty', { message: 'The PDF file has zero bytes.' });
  if (size > PDF_BYTE_CAP) {
    throw new IntakeError('file_too_large', 'PDF too large', { message: `PDF is ${size} bytes; the limit is ${PDF_BYTE_CAP}.` });
  }
  const data = new Uint8Array(await readFile(path));
  const pdfjs = await loadPdfJs();
  const assets = pdfAssets();
  const task = pdfjs.getDocument({
    data,
    isEvalSupported: false,
    // "System fonts" here only means: no standard font program is fetched (Symbol and ZapfDingbats still are); with
    // disableFontFace nothing is ever installed as a font.
    useSystemFonts: !!opts.textOnly,
    disableFontFace: true,
    useWorkerFetch: false,
    stopAtErrors: false,
    standardFontDataUrl: assets.fonts,
    cMapUrl: assets.cmaps,
    cMapPacked: true,
    wasmUrl: assets.wasm,
    verbosity: 0,
  });
  try {
    return await task.promise;
  } catch (e) {
    await task.destroy().catch(() => undefined);
    throw pdfError(e);
  }
}

function pdfError(e: unknown): IntakeError {
  if (e instanceof IntakeError) return e; // a page over its limits says so itself
  const name = (e as { name?: string } | null)?.name;
  if (name === 'PasswordException') {
    return new IntakeError('pdf_encrypted', 'PDF is password-protected', { message: errorMessage(e), cause: e });
  }
  return new IntakeError('pdf_corrupt', 'PDF is damaged or not a PDF', { message: errorMessage(e), cause: e });
}

export type PdfPageText = PdfPageLayer;

/** Fewer letters and digits than this on a page is no text layer (a scan's page number, a stray glyph). */
export const PAGE_MIN_CHARS = 12;
/**
 * Common words of the Latin-script languages Intake's users write in. Real
 * prose of 30+ words has ≥ 5 % of them; a text layer whose font maps glyphs
 * to the wrong letters (a Type3 font without a usable ToUnicode) has none.
 */
const COMMON_WORDS = new Set(
  ('the and of to in is for on that with by at from this are be or as your you we our will not an it was has have please ' +
    'der die das und ist nicht mit von zu den für auf ein eine im sie wir ihr bitte dem des bei oder als ' +
    'le la les et de des du un une est pour en que qui vous nous dans sur par au avec ' +
    'el los las y por con para su es del al una il di che per non gli della sono het een van op voor niet met o os da do em não um com')
    .split(' '),
);
const PROSE_MIN_WORDS = 30;
const PROSE_MIN_COMMON = 0.05;

const JUNK = /[\uFFFD\uE000-\uF8FF]|(?![\t\n\v\f\r])\p{Cc}/gu;
const LATIN = /[A-Za-z\u00C0-\u024F]/g;

/**
 * Judges one page's text layer by its characters alone. Latin-script text
 * that is short, or reads like no language, is `suspect`: when OCR is on it is
 * compared with an OCR reading of the page (core.ts) before it is trusted.
 */
export function judgePageText(text: string): PageVerdict {
  const letters = meaningfulChars(text);
  if (letters < PAGE_MIN_CHARS) return 'empty';
  const visible = text.replace(/\s/g, '').length;
  const junk = countOf(text, JUNK);
  if (letters / visible < 0.5 || junk / visible > 0.05) return 'garbage';
  const latin = countOf(text, LATIN);
  if (latin < letters * 0.6) return 'good'; // other scripts: no common-word list to judge by
  const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  if (words.length < PROSE_MIN_WORDS) return 'suspect';
  const common = words.filter((w) => COMMON_WORDS.has(w)).length;
  return common / words.length >= PROSE_MIN_COMMON ? 'good' : 'suspect';
}

/** Whether the document has AcroForm fields at all: pages of one without are not asked for their annotations (≈ half the time of a page). */
export async function hasFormFields(doc: PDFDocumentProxy): Promise<boolean> {
  const fields = await doc.getFieldObjects().catch(() => ({}));
  return !!fields && Object.keys(fields).length > 0;
}

/** One page's text layer and form-field values (when `withFields`); throws what pdf.js throws. */
export async function readPdfPage(doc: PDFDocumentProxy, n: number, withFields = true): Promise<PdfPageText> {
  const page = await doc.getPage(n);
  try {
    const items = (await textItemsCapped(page, n)) as Awaited<ReturnType<PDFPageProxy['getTextContent']>>['items'];
    let text = '';
    for (const item of items) {
      if (!('str' in item)) continue;
      text += item.str;
      if (item.hasEOL) text += '\n';
      else if (item.str && !item.str.endsWith(' ')) text += ' ';
    }
    text = text.replace(/[ \t]+\n/g, '\n').trim();
    const fields = withFields ? formFields(await page.getAnnotations({ intent: 'display' }).catch(() => [])) : [];
    return { text, fields, verdict: judgePageText(text) };
  } finally {
    page.cleanup();
  }
}

interface WidgetAnnotation {
  subtype?: string;
  fieldType?: string;
  fieldName?: string;
  fieldValue?: unknown;
  alternativeText?: string;
  checkBox?: boolean;
  radioButton?: boolean;
  exportValue?: string;
  buttonValue?: string;
  hidden?: boolean;
}

/** AcroForm values a person typed or picked: text fields, choices, ticked boxes. */
function formFields(annotations: WidgetAnnotation[]): string[] {
  const lines: string[] = [];
  for (const a of annotations) {
    if (a.subtype !== 'Widget' || a.hidden) continue;
    const label = (a.alternativeText || a.fieldName?.split('.').pop() || 'field').trim();
    let value = '';
    if (a.fieldType === 'Tx' && typeof a.fieldValue === 'string') value = a.fieldValue;
    else if (a.fieldType === 'Ch') value = (Array.isArray(a.fieldValue) ? a.fieldValue : [a.fieldValue]).filter((v) => typeof v === 'string').join(', ');
    else if (a.fieldType === 'Btn' && (a.checkBox || a.radioButton) && typeof a.fieldValue === 'string' && a.fieldValue !== 'Off') {
      if (a.checkBox && a.fieldValue === a.exportValue) value = '☑';
      else if (a.radioButton && a.fieldValue === a.buttonValue) value = a.fieldValue;
    }
    value = value.trim();
    if (value) lines.push(`${label}: ${value}`);
  }
  return lines;
}

/** A page's text as stored: the text layer, then its form-field values. */
export function pageContent(p: Pick<PdfPageText, 'text' | 'fields'>, useText = true): string {
  return [useText ? p.text : '', p.fields.join('\n')].filter(Boolean).join('\n');
}

/**
 * The text layer of every page (with form-field values), pages joined by a
 * blank line, capped in length. Pages with no text layer, or one that is junk,
 * are listed in `ocrWanted`; junk is never stored. Pages that need a check
 * against OCR (`suspect`) are listed too, but keep their text if OCR is off.
 */
export async function extractPdfText(path: string, charCap = PDF_TEXT_CHAR_CAP, onProgress?: () => void): Promise<ExtractResult> {
  const doc = await openPdf(path, { textOnly: true });
  onProgress?.();
  try {
    const parts: string[] = [];
    let chars = 0;
    let failedPages = 0;
    let lastError: unknown;
    let truncated = false;
    const textLayerPages: number[] = [];
    const garbagePages: number[] = [];
    const emptyPages: number[] = [];
    const ocrWanted: number[] = [];
    let formFieldCount = 0;
    const layers: PdfPageLayer[] = [];
    const withFields = await hasFormFields(doc);
    for (let n = 1; n <= doc.numPages; n++) {
      if (chars >= charCap) {
        truncated = true;
        break;
      }
      try {
        const page = await readPdfPage(doc, n, withFields);
        layers.push(page);
        onProgress?.();
        formFieldCount += page.fields.length;
        if (page.verdict !== 'good') ocrWanted.push(n);
        if (page.verdict === 'garbage') garbagePages.push(n);
        if (page.verdict === 'empty') emptyPages.push(n);
        const usable = page.verdict === 'good' || page.verdict === 'suspect';
        if (usable) textLayerPages.push(n);
        const pageText = pageContent(page, usable);
        parts.push(pageText);
        chars += pageText.length + 2;
      } catch (e) {
        failedPages++;
        lastError = e;
        layers.push({ text: '', fields: [], verdict: 'empty' });
        ocrWanted.push(n);
      }
    }
    if (failedPages === doc.numPages && doc.numPages > 0) throw pdfError(lastError);
    let text = parts.filter(Boolean).join('\n\n');
    if (text.length > charCap) {
      text = text.slice(0, charCap);
      truncated = true;
    }
    const extraction: Extraction = { pages: doc.numPages };
    if (textLayerPages.length) extraction.textLayerPages = textLayerPages;
    if (garbagePages.length) extraction.garbagePages = garbagePages;
    // Until OCR reads them (when it is on), pages without usable text are unread — said, not hidden.
    const unread = [...emptyPages, ...garbagePages].sort((a, b) => a - b);
    if (unread.length) extraction.unreadPages = unread;
    if (formFieldCount) extraction.formFields = formFieldCount;
    const result: ExtractResult = { text, source: 'pdf', pages: doc.numPages, extraction };
    if (ocrWanted.length) {
      result.ocrWanted = ocrWanted;
      result.pageLayers = layers;
    }
    if (truncated) result.truncated = true;
    return result;
  } finally {
    await doc.destroy().catch(() => undefined);
  }
}

export interface RenderOptions {
  /** Target resolution. */
  dpi: number;
  /** Longest side of a rendered page in pixels, whatever the page size. */
  maxSidePx: number;
  /** Total pixels of a rendered page. */
  maxPixels: number;
}

export const DEFAULT_RENDER: RenderOptions = { dpi: 200, maxSidePx: 4500, maxPixels: 12_000_000 };

/** Renders one page of an open PDF to the grey PGM tesseract reads, at `dpi` within the pixel caps. */
export async function renderPdfPage(doc: PDFDocumentProxy, pageNumber: number, opts: RenderOptions = DEFAULT_RENDER): Promise<Buffer> {
  return (await renderPdfPageInked(doc, pageNumber, opts)).image;
}

/** Renders one page (raw grey pixels: no PNG to encode, none to inflate in WASM), with the share of its area that is ink (see blank.ts). */
export async function renderPdfPageInked(doc: PDFDocumentProxy, pageNumber: number, opts: RenderOptions = DEFAULT_RENDER): Promise<{ image: Buffer; ink: number }> {
  const page = await doc.getPage(pageNumber);
  try {
    const base = page.getViewport({ scale: 1 });
    let scale = opts.dpi / 72;
    scale = Math.min(scale, opts.maxSidePx / Math.max(base.width, base.height, 1));
    scale = Math.min(scale, Math.sqrt(opts.maxPixels / Math.max(base.width * base.height, 1)));
    const viewport = page.getViewport({ scale });
    const w = Math.max(1, Math.floor(viewport.width));
    const h = Math.max(1, Math.floor(viewport.height));
    // The canvas factory pdf.js picked for Node (@napi-rs/canvas, shipped with pdfjs-dist).
    const factory = (doc as unknown as { canvasFactory: CanvasFactory }).canvasFactory;
    const entry = factory.create(w, h);
    try {
      const ctx = entry.context;
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(0, 0, w, h);
      drawing++;
      try {
        await renderCapped(page.render({ canvas: entry.canvas as unknown as HTMLCanvasElement, canvasContext: ctx as unknown as CanvasRenderingContext2D, viewport }), pageNumber);
      } finally {
        drawing--;
      }
      const pixels = ctx.getImageData(0, 0, w, h).data;
      return { image: greyPgm(pixels, w, h), ink: inkShare(pixels, w, h) };
    } finally {
      factory.destroy(entry);
    }
  } finally {
    page.cleanup();
  }
}

interface CanvasEntry {
  canvas: unknown;
  context: { fillStyle: string; fillRect(x: number, y: number, w: number, h: number): void; getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
}
interface CanvasFactory {
  create(w: number, h: number): CanvasEntry;
  destroy(entry: CanvasEntry): void;
}
