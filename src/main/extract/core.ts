import { readFile, stat } from 'node:fs/promises';
import type { FileKind } from '../../shared/domain';
import { IntakeError } from '../../shared/errors';
import { MIN_MEANINGFUL_CHARS, meaningfulChars } from '../../shared/text-quality';
import { extractDocx } from './docx';
import { prepareImage, rgbaToOcrImage, rotateImage } from './downscale';
import { checkImage } from './image';
import { OcrEngine, type OcrJob, type OcrText } from './ocr';
import type { Extraction } from '../../shared/domain';
import { blankError, inkShare, isBlank } from './blank';
import { EmbeddedPageImages } from './pdf-image';
import { DEFAULT_RENDER, extractPdfText, hasFormFields, openPdf, pageContent, readPdfPage, renderPdfPageInked, type PdfPageText } from './pdf';
import { extractTextFile } from './text';
import { openTiff } from './tiff';
import type { ExtractResult, ExtractorOptions } from './types';

/** OCR output below this mean confidence is noise, not text (tesseract gives ≈10 on noise). */
export const MIN_OCR_CONFIDENCE = 50;
/** A first reading below this many letters and digits, or below MIN_OCR_CONFIDENCE + 10, may be a page on its side: OSD is asked. */
export const ORIENTATION_CHECK_CHARS = 40;
/** OSD's orientation confidence (tesseract's own scale) needed before a page is turned. */
export const ORIENTATION_MIN_CONFIDENCE = 2;
/** Image files are read whole; anything larger is refused. */
export const IMAGE_BYTE_CAP = 200 * 1024 * 1024;

/**
 * The extraction work itself, run inside the extractor process (worker.ts).
 * Everything here may block or crash; the parent (pool.ts) contains it.
 */
export class ExtractionCore {
  private ocrEngine: OcrEngine | null = null;

  constructor(private readonly opts: Pick<ExtractorOptions, 'ocrLanguages' | 'pageCap' | 'cachePath'> & { ocrThreads?: number }) {}

  /** `onProgress` is called as a long document is read (a PDF's pages), so the parent knows it is not stuck. */
  async extractText(path: string, kind: FileKind, onProgress?: () => void): Promise<ExtractResult> {
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
        return extractPdfText(path, undefined, onProgress);
      case 'docx':
        return extractDocx(path);
      case 'image':
        return { text: '', source: 'ocr' };
    }
  }

  /**
   * OCR of an image or of the first `pageCap` pages of a PDF, within `timeoutMs` — not counting
   * the time it waits for a tesseract thread (`onWait` hears when that starts and ends). The
   * image's decode and scale (a PDF's first page) happen before it takes a thread, so a third
   * file handed to a two-thread process is prepared while both threads read. `whereNeeded`: a
   * PDF keeps the text layer of the pages where it is good and only the others are OCR'd (see ocrPdf).
   */
  async ocr(path: string, kind: FileKind, timeoutMs: number, whereNeeded = false, layers?: PdfPageText[], onWait?: (waiting: boolean) => void): Promise<ExtractResult> {
    if (kind !== 'image' && kind !== 'pdf') throw new IntakeError('ocr_failed', `cannot OCR a ${kind} file`);
    const job = this.engine().job(timeoutMs, onWait);
    try {
      if (kind === 'image') return await this.ocrImage(path, job);
      return await this.ocrPdf(path, job, whereNeeded, layers ?? []);
    } finally {
      job.release();
    }
  }

  /**
   * Test hook: holds a tesseract thread until another file has waited `waitMs` for one, then gives
   * it back — or, with `hang`, stops this process's main thread for good (a stuck process).
   */
  async holdThread(waitMs: number, hang: boolean): Promise<ExtractResult> {
    const engine = this.engine();
    const job = engine.job(24 * 3600_000);
    try {
      await job.hold();
      while ((engine.longestWait() ?? -1) < waitMs) await new Promise((r) => setTimeout(r, 20));
      if (hang) for (;;);
      return { text: `held a thread until another file had waited ${waitMs} ms`, source: 'text' };
    } finally {
      job.release();
    }
  }

  async close(): Promise<void> {
    await this.ocrEngine?.close();
    this.ocrEngine = null;
  }

  /**
   * One page read upright: when the first reading finds little text, OSD is
   * asked how the page lies, and a confident turn is read again; the better
   * reading wins. Upright pages pay nothing extra.
   */
  private async readUpright(image: Uint8Array, job: OcrJob, decodable = true): Promise<OcrText & { turned?: 90 | 180 | 270 }> {
    const first = await job.recognize(image);
    if (meaningfulChars(first.text) >= ORIENTATION_CHECK_CHARS && first.confidence >= MIN_OCR_CONFIDENCE + 10) return first;
    const o = await job.detectOrientation(image).catch((e: unknown) => {
      if (e instanceof IntakeError && (e.code === 'ocr_timeout' || e.code === 'ocr_language_missing')) throw e;
      return null;
    });
    if (!o || o.degrees === 0 || o.confidence < ORIENTATION_MIN_CONFIDENCE) return first;
    // A quarter turn changes the page's shape: tesseract's own rotation keeps the old frame and cuts the lines, so the image is turned here.
    let turned: OcrText;
    if (decodable) turned = await job.recognize(await rotateImage(image, o.degrees));
    else if (o.degrees === 180) turned = await job.recognize(image, Math.PI);
    else return first;
    const score = (r: OcrText) => meaningfulChars(r.text) * r.confidence;
    return score(turned) > score(first) ? { ...turned, turned: o.degrees } : first;
  }

  private engine(): OcrEngine {
    this.ocrEngine ??= new OcrEngine({ languages: this.opts.ocrLanguages, cachePath: this.opts.cachePath, size: this.opts.ocrThreads ?? 1 });
    return this.ocrEngine;
  }

  private async ocrImage(path: string, job: OcrJob): Promise<ExtractResult> {
    const { size } = await stat(path);
    if (size > IMAGE_BYTE_CAP) throw new IntakeError('file_too_large', 'image file too large', { message: `Image is ${size} bytes; the limit is ${IMAGE_BYTE_CAP}.` });
    const bytes = await readFile(path);
    const info = checkImage(bytes);
    if (info.format === 'tiff') return this.ocrTiff(bytes, job);
    // Scans above ≈ 200 dpi are downscaled first: as accurate, ≈ 2× faster, less WASM heap.
    const { image, ink } = await prepareImage(bytes, info);
    // A blank scan fails at once and the same way every time, without a tesseract pass.
    if (ink !== null && isBlank(ink)) throw blankError(1);
    // Only an image decoded safely here (ink measured) may be turned by the canvas.
    const page = await this.readUpright(image, job, ink !== null);
    return usable([page], { source: 'ocr', ocrPages: 1, extraction: { ocrPages: [1], ...(page.turned ? { rotations: [{ page: 1, degrees: page.turned }] } : {}) } });
  }

  /**
   * Every page of a TIFF within the page cap, in order; later pages are listed
   * as unread. Page n+1 is decoded while tesseract reads page n.
   */
  private async ocrTiff(bytes: Buffer, job: OcrJob): Promise<ExtractResult> {
    const tiff = openTiff(bytes);
    const total = tiff.pages;
    const count = Math.min(total, Math.max(1, this.opts.pageCap));
    const prepare = async (n: number): Promise<{ image: Buffer | null }> => {
      const { rgba, width, height } = tiff.page(n);
      if (isBlank(inkShare(rgba, width, height))) return { image: null };
      return { image: rgbaToOcrImage(rgba, width, height) };
    };
    const x: Required<Pick<Extraction, 'ocrPages' | 'blankPages' | 'unreadPages'>> = { ocrPages: [], blankPages: [], unreadPages: [] };
    for (let n = count + 1; n <= total; n++) x.unreadPages.push(n);
    const reads: OcrText[] = [];
    const rotations: NonNullable<Extraction['rotations']> = [];
    let next: Promise<{ image: Buffer | null }> | null = prepare(1);
    for (let n = 1; n <= count; n++) {
      job.check(`Timed out after ${n - 1} of ${count} pages.`);
      const { image } = await next!;
      const reading = image ? this.readUpright(image, job) : null;
      reading?.catch(() => undefined);
      // Decoded once tesseract has the page: utif2 is synchronous JavaScript on this thread.
      next = n < count ? new Promise<void>((r) => setImmediate(r)).then(() => prepare(n + 1)) : null;
      next?.catch(() => undefined);
      if (!reading) {
        x.blankPages.push(n);
        continue;
      }
      const read = await reading;
      if (read.turned) rotations.push({ page: n, degrees: read.turned });
      reads.push(read);
      x.ocrPages.push(n);
    }
    if (!reads.length) throw blankError(x.blankPages.length);
    const extraction: Extraction = {};
    if (total > 1) extraction.pages = total;
    for (const [k, v] of Object.entries(x) as [keyof typeof x, number[]][]) if (v.length) extraction[k] = v;
    if (rotations.length) extraction.rotations = rotations;
    const result = usable(reads, { source: 'ocr', ocrPages: reads.length, extraction, ...(total > 1 ? { pages: total } : {}) });
    if (x.unreadPages.length) result.truncated = true;
    return result;
  }

  /**
   * Every page within the page cap, in order. With `whereNeeded`, a page whose
   * text layer was judged good keeps it; a page with none or a junk one is
   * rendered and OCR'd; a `suspect` page (short, or reads like no language) is
   * OCR'd too and its text layer kept unless the two disagree — a font that
   * maps glyphs to the wrong letters. Two agreements in a row end the checks for
   * that document. Blank pages (by ink) are skipped, not OCR'd.
   */
  private async ocrPdf(path: string, job: OcrJob, whereNeeded: boolean, known: PdfPageText[]): Promise<ExtractResult> {
    const doc = await openPdf(path);
    try {
      const total = doc.numPages;
      const cap = Math.max(1, this.opts.pageCap);
      const empty: PdfPageText = { text: '', fields: [], verdict: 'empty' };
      // Text layers first — as extractText handed them over, the rest read now — so the pages to render are known before tesseract starts.
      const layers: PdfPageText[] = [];
      const withFields = whereNeeded && known.length < total && (await hasFormFields(doc));
      for (let n = 1; n <= total; n++) {
        if (!whereNeeded) layers.push(empty);
        else layers.push(known[n - 1] ?? (await readPdfPage(doc, n, withFields).catch(() => empty)));
      }
      const texts: string[] = [];
      const ocrTexts: OcrText[] = [];
      const x: Required<Pick<Extraction, 'textLayerPages' | 'ocrPages' | 'garbagePages' | 'blankPages' | 'unreadPages'>> = { textLayerPages: [], ocrPages: [], garbagePages: [], blankPages: [], unreadPages: [] };
      const rotations: NonNullable<Extraction['rotations']> = [];
      let formFields = 0;
      let agreements = 0;
      let ocrCount = 0;
      const check = (n: number) => layers[n - 1].verdict === 'suspect' && agreements < 2;
      const needsRender = (n: number) => layers[n - 1].verdict === 'empty' || layers[n - 1].verdict === 'garbage' || check(n);
      // Page n+1 renders (pdf.js, this thread) while tesseract (a worker thread) reads page n.
      const renders = new Map<number, Promise<{ image: Buffer; ink: number }>>();
      let rendered = 0;
      // A page that is one scanned image is read from the image itself, without pdf.js drawing it (pdf-image.ts).
      let images: Promise<EmbeddedPageImages | null> | null = null;
      const render = async (n: number) => {
        images ??= EmbeddedPageImages.open(path, doc);
        return (await (await images)?.render(doc, n, DEFAULT_RENDER)) ?? renderPdfPageInked(doc, n, DEFAULT_RENDER);
      };
      const startRender = (n: number) => {
        const job = render(n);
        job.catch(() => undefined);
        renders.set(n, job);
        rendered++;
      };
      const prefetchAfter = (n: number) => {
        if (renders.size || rendered >= cap) return;
        for (let k = n + 1; k <= total; k++) {
          if (!needsRender(k)) continue;
          startRender(k);
          return;
        }
      };
      for (let n = 1; n <= total; n++) {
        job.check(`Timed out after ${n - 1} of ${total} pages.`);
        const page = layers[n - 1];
        formFields += page.fields.length;
        if (!needsRender(n)) {
          // Rendered ahead, then judged by agreements on the pages before it: not counted against the cap.
          if (renders.delete(n)) rendered--;
          x.textLayerPages.push(n);
          texts.push(pageContent(page));
          continue;
        }
        if (!renders.has(n)) {
          if (rendered >= cap) {
            if (page.verdict === 'suspect') x.textLayerPages.push(n);
            else x.unreadPages.push(n);
            texts.push(pageContent(page, page.verdict === 'suspect'));
            continue;
          }
          startRender(n);
        }
        const { image, ink } = await renders.get(n)!;
        renders.delete(n);
        prefetchAfter(n);
        if (isBlank(ink)) {
          x.blankPages.push(n);
          texts.push(pageContent(page, false));
          continue;
        }
        // A check of a text layer reads the page as it lies; a page OCR'd for its content is turned upright if need be.
        const read: OcrText & { turned?: 90 | 180 | 270 } = check(n) ? await job.recognize(image) : await this.readUpright(image, job);
        if (read.turned) rotations.push({ page: n, degrees: read.turned });
        ocrCount++;
        if (check(n)) {
          if (disagree(page.text, read)) {
            x.garbagePages.push(n);
            agreements = 0;
          } else {
            agreements++;
            x.textLayerPages.push(n);
            texts.push(pageContent(page));
            continue;
          }
        } else if (page.verdict === 'garbage') x.garbagePages.push(n);
        x.ocrPages.push(n);
        ocrTexts.push(read);
        texts.push(pageContent({ text: read.confidence >= MIN_OCR_CONFIDENCE ? read.text.trim() : '', fields: page.fields }));
      }
      const extraction: Extraction = { pages: total };
      for (const [k, v] of Object.entries(x) as [keyof typeof x, number[]][]) if (v.length) extraction[k] = v;
      if (rotations.length) extraction.rotations = rotations;
      if (formFields) extraction.formFields = formFields;
      if (!x.textLayerPages.length && !formFields) {
        if (x.blankPages.length && !ocrTexts.length) throw blankError(x.blankPages.length);
        // Nothing but OCR: the old rule for a scanned PDF — noise is refused, not stored.
        const r = usable(ocrTexts, { source: 'ocr', pages: total, ocrPages: ocrCount, extraction });
        r.text = texts.filter(Boolean).join('\n\n');
        if (x.unreadPages.length) r.truncated = true;
        return r;
      }
      const result: ExtractResult = { text: texts.filter(Boolean).join('\n\n'), source: ocrCount && x.ocrPages.length ? 'ocr' : 'pdf', pages: total, ocrPages: ocrCount, extraction };
      if (x.unreadPages.length) result.truncated = true;
      return result;
    } finally {
      await doc.destroy().catch(() => undefined);
    }
  }
}

/**
 * A text layer and an OCR reading of the same page disagree when OCR reads
 * the page confidently and hardly any of the layer's words are among its words.
 */
export function disagree(layer: string, read: OcrText): boolean {
  if (read.confidence < 60 || meaningfulChars(read.text) < PAGE_CHECK_MIN_CHARS) return false;
  const words = (t: string) => t.toLowerCase().match(/\p{L}{3,}/gu) ?? [];
  const seen = new Set(words(read.text));
  const mine = words(layer);
  if (!mine.length) return true;
  return mine.filter((w) => seen.has(w)).length / mine.length < 0.3;
}
const PAGE_CHECK_MIN_CHARS = 8;

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
