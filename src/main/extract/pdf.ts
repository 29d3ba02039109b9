import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { IntakeError, errorMessage } from '../../shared/errors';
import type { ExtractResult } from './types';

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
    await import('pdfjs-dist/legacy/build/pdf.worker.mjs');
    return import('pdfjs-dist/legacy/build/pdf.mjs');
  })();
  return pdfjsPromise;
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

/** Opens a PDF, mapping pdf.js failures to stable codes. The caller destroys it. */
export async function openPdf(path: string): Promise<PDFDocumentProxy> {
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
    useSystemFonts: false,
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
  const name = (e as { name?: string } | null)?.name;
  if (name === 'PasswordException') {
    return new IntakeError('pdf_encrypted', 'PDF is password-protected', { message: errorMessage(e), cause: e });
  }
  return new IntakeError('pdf_corrupt', 'PDF is damaged or not a PDF', { message: errorMessage(e), cause: e });
}

/** The text layer of every page, pages joined by a blank line, capped in length. */
export async function extractPdfText(path: string, charCap = PDF_TEXT_CHAR_CAP): Promise<ExtractResult> {
  const doc = await openPdf(path);
  try {
    const parts: string[] = [];
    let chars = 0;
    let failedPages = 0;
    let lastError: unknown;
    let truncated = false;
    for (let n = 1; n <= doc.numPages; n++) {
      if (chars >= charCap) {
        truncated = true;
        break;
      }
      try {
        const page = await doc.getPage(n);
        const content = await page.getTextContent();
        let pageText = '';
        for (const item of content.items) {
          if (!('str' in item)) continue;
          pageText += item.str;
          if (item.hasEOL) pageText += '\n';
          else if (item.str && !item.str.endsWith(' ')) pageText += ' ';
        }
        page.cleanup();
        pageText = pageText.replace(/[ \t]+\n/g, '\n').trim();
        parts.push(pageText);
        chars += pageText.length + 2;
      } catch (e) {
        failedPages++;
        lastError = e;
      }
    }
    if (failedPages === doc.numPages && doc.numPages > 0) throw pdfError(lastError);
    let text = parts.filter(Boolean).join('\n\n');
    if (text.length > charCap) {
      text = text.slice(0, charCap);
      truncated = true;
    }
    const result: ExtractResult = { text, source: 'pdf', pages: doc.numPages };
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

/** Renders one page of an open PDF to a PNG buffer, at `dpi` within the pixel caps. */
export async function renderPdfPage(doc: PDFDocumentProxy, pageNumber: number, opts: RenderOptions = DEFAULT_RENDER): Promise<Buffer> {
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
      await page.render({ canvas: entry.canvas as unknown as HTMLCanvasElement, canvasContext: ctx as unknown as CanvasRenderingContext2D, viewport }).promise;
      return (entry.canvas as unknown as { toBuffer(mime: 'image/png'): Buffer }).toBuffer('image/png');
    } finally {
      factory.destroy(entry);
    }
  } finally {
    page.cleanup();
  }
}

interface CanvasEntry {
  canvas: unknown;
  context: { fillStyle: string; fillRect(x: number, y: number, w: number, h: number): void };
}
interface CanvasFactory {
  create(w: number, h: number): CanvasEntry;
  destroy(entry: CanvasEntry): void;
}
