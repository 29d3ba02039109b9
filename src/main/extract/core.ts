import { readFile, stat } from 'node:fs/promises';
import type { FileKind } from '../../shared/domain';
import { IntakeError } from '../../shared/errors';
import { MIN_MEANINGFUL_CHARS, meaningfulChars } from '../../shared/text-quality';
import { extractDocx } from './docx';
import { prepareImageForOcr } from './downscale';
import { checkImage } from './image';
import { OcrEngine, type OcrText } from './ocr';
import { DEFAULT_RENDER, extractPdfText, openPdf, renderPdfPage } from './pdf';
import { extractTextFile } from './text';
import type { ExtractResult, ExtractorOptions } from './types';

/** OCR output below this mean confidence is noise, not text (tesseract gives ≈10 on noise). */
export const MIN_OCR_CONFIDENCE = 50;
/** Image files are read whole; anything larger is refused. */
export const IMAGE_BYTE_CAP = 200 * 1024 * 1024;

/**
 * The extraction work itself, run inside the extractor process (worker.ts).
 * Everything here may block or crash; the parent (pool.ts) contains it.
 */
export class ExtractionCore {
  private ocrEngine: OcrEngine | null = null;

  constructor(private readonly opts: Pick<ExtractorOptions, 'ocrLanguages' | 'pageCap' | 'cachePath'> & { ocrThreads?: number }) {}

  async extractText(path: string, kind: FileKind): Promise<ExtractResult> {
    switch (kind) {
      case 'text':
        return extractTextFile(path);
      // Their libraries load on first use (mailparser alone ≈ 1 s): most children never need them.
      case 'html':
        return (await import('./markup')).extractHtml(path);
      case 'email':
        return (await import('./markup')).extractEmail(path);
      case 'rtf':
        return (await import('./office')).extractRtf(path);
      case 'odt':
        return (await import('./office')).extractOdt(path);
      case 'epub':
        return (await import('./office')).extractEpub(path);
      case 'pdf':
        return extractPdfText(path);
      case 'docx':
        return extractDocx(path);
      case 'image':
        return { text: '', source: 'ocr' };
    }
  }

  /** OCR of an image or of the first `pageCap` pages of a PDF, within `deadline` (epoch ms). */
  async ocr(path: string, kind: FileKind, deadline: number): Promise<ExtractResult> {
    if (kind === 'image') return this.ocrImage(path, deadline);
    if (kind === 'pdf') return this.ocrPdf(path, deadline);
    throw new IntakeError('ocr_failed', `cannot OCR a ${kind} file`);
  }

  async close(): Promise<void> {
    await this.ocrEngine?.close();
    this.ocrEngine = null;
  }

  private engine(): OcrEngine {
    this.ocrEngine ??= new OcrEngine({ languages: this.opts.ocrLanguages, cachePath: this.opts.cachePath, size: this.opts.ocrThreads ?? 1 });
    return this.ocrEngine;
  }

  private async ocrImage(path: string, deadline: number): Promise<ExtractResult> {
    const engine = this.engine();
    const { size } = await stat(path);
    if (size > IMAGE_BYTE_CAP) throw new IntakeError('file_too_large', 'image file too large', { message: `Image is ${size} bytes; the limit is ${IMAGE_BYTE_CAP}.` });
    const bytes = await readFile(path);
    const info = checkImage(bytes);
    // Scans above ≈ 200 dpi are downscaled first: as accurate, ≈ 2× faster, less WASM heap.
    const image = await prepareImageForOcr(bytes, info);
    const page = await engine.recognize(image, deadline);
    return usable([page], { source: 'ocr', ocrPages: 1 });
  }

  private async ocrPdf(path: string, deadline: number): Promise<ExtractResult> {
    const engine = this.engine();
    const doc = await openPdf(path);
    try {
      const total = doc.numPages;
      const count = Math.min(total, Math.max(1, this.opts.pageCap));
      const pages: OcrText[] = [];
      // Render page n+1 while tesseract (a worker thread) reads page n.
      let next: Promise<Buffer> | null = renderPdfPage(doc, 1, DEFAULT_RENDER);
      for (let n = 1; n <= count; n++) {
        if (Date.now() >= deadline) throw new IntakeError('ocr_timeout', 'OCR timed out', { message: `Timed out after ${pages.length} of ${count} pages.` });
        const png: Buffer = await next!;
        next = n < count ? renderPdfPage(doc, n + 1, DEFAULT_RENDER) : null;
        next?.catch(() => undefined);
        pages.push(await engine.recognize(png, deadline));
      }
      const result = usable(pages, { source: 'ocr', pages: total, ocrPages: count });
      if (count < total) result.truncated = true;
      return result;
    } finally {
      await doc.destroy().catch(() => undefined);
    }
  }
}

/** Joins page texts and refuses noise: low mean confidence or too few letters. */
function usable(pages: OcrText[], base: Omit<ExtractResult, 'text'>): ExtractResult {
  const texts = pages.map((p) => p.text.trim());
  const text = texts.filter(Boolean).join('\n\n');
  // Mean confidence weighted by text length, so blank pages do not drag it down.
  let weight = 0;
  let sum = 0;
  texts.forEach((t, i) => {
    const w = meaningfulChars(t);
    weight += w;
    sum += w * pages[i].confidence;
  });
  const confidence = weight ? Math.round(sum / weight) : 0;
  const chars = meaningfulChars(text);
  if (confidence < MIN_OCR_CONFIDENCE || chars < MIN_MEANINGFUL_CHARS) {
    throw new IntakeError('ocr_no_text', 'OCR found no usable text', {
      message: `OCR read ${chars} letters and digits at mean confidence ${confidence}.`,
    });
  }
  return { ...base, text, confidence };
}
