import type { ContentSource, Extraction, FileKind } from '../../shared/domain';

/** Extensions the scanner accepts, by kind. Anything else is "unsupported". */
export const KIND_BY_EXT: Record<string, FileKind> = {
  '.txt': 'text', '.md': 'text', '.markdown': 'text', '.csv': 'text', '.tsv': 'text', '.json': 'text', '.log': 'text',
  '.xml': 'text', '.yaml': 'text', '.yml': 'text', '.ini': 'text',
  '.html': 'html', '.htm': 'html', '.xhtml': 'html',
  '.eml': 'email',
  '.rtf': 'rtf', '.odt': 'odt', '.epub': 'epub',
  '.pdf': 'pdf',
  '.png': 'image', '.jpg': 'image', '.jpeg': 'image', '.tif': 'image', '.tiff': 'image', '.webp': 'image', '.bmp': 'image', '.gif': 'image',
  '.docx': 'docx',
};

export const MIME_BY_EXT: Record<string, string> = {
  '.txt': 'text/plain', '.md': 'text/markdown', '.markdown': 'text/markdown', '.csv': 'text/csv', '.tsv': 'text/tab-separated-values',
  '.json': 'application/json', '.log': 'text/plain', '.xml': 'application/xml', '.html': 'text/html', '.htm': 'text/html', '.xhtml': 'application/xhtml+xml',
  '.rtf': 'application/rtf', '.yaml': 'text/yaml', '.yml': 'text/yaml', '.ini': 'text/plain', '.eml': 'message/rfc822',
  '.pdf': 'application/pdf', '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.tif': 'image/tiff', '.tiff': 'image/tiff',
  '.webp': 'image/webp', '.bmp': 'image/bmp', '.gif': 'image/gif',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.odt': 'application/vnd.oasis.opendocument.text', '.epub': 'application/epub+zip',
};

export interface ExtractResult {
  text: string;
  source: ContentSource;
  /** Pages in the document (PDF), pages actually OCR'd, when known. */
  pages?: number;
  ocrPages?: number;
  /** Mean tesseract confidence (0–100) when OCR produced the text. */
  confidence?: number;
  /** Set when only the start of the file or document was read (size caps). */
  truncated?: boolean;
  /** How the text was obtained (encoding, pages from text layer or OCR, rotation), stored with the document. */
  extraction?: Extraction;
  /** PDF pages whose text layer is missing, junk or to be checked: OCR (when on) reads them with `ocr(…, { whereNeeded })`. */
  ocrWanted?: number[];
  /** With `ocrWanted`: every page's text layer as read, handed back to `ocr` so the pages are not read twice. */
  pageLayers?: PdfPageLayer[];
}

/** How a page's text layer is judged: usable, missing, junk by its characters, or to be checked against OCR. */
export type PageVerdict = 'good' | 'empty' | 'garbage' | 'suspect';

/** One PDF page's text layer. */
export interface PdfPageLayer {
  /** The text layer, lines kept. */
  text: string;
  /** Filled-in form fields of the page, as "label: value" lines. */
  fields: string[];
  verdict: PageVerdict;
}

/** `whereNeeded`: a PDF keeps the text layer of its good pages and only the others are OCR'd; `layers`: those pages as extractText read them. */
export interface OcrOptions {
  whereNeeded?: boolean;
  layers?: PdfPageLayer[];
}

export interface ExtractorOptions {
  ocrLanguages: string[];
  /** OCR worker count (default: number of cores). */
  workers: number;
  /**
   * OCR jobs one extraction process runs at once, each on its own tesseract thread (default 1).
   * Two threads in one process share the runtime and the compiled WASM: ≈ 410 MB against 2 × 340 MB.
   */
  ocrPerProcess?: number;
  /** Max PDF pages rendered for OCR, applied before rendering. */
  pageCap: number;
  /** Per-file OCR timeout. */
  timeoutMs: number;
  /** Memory ceiling of the extraction process, MB. */
  memoryLimitMb: number;
  /** Where tesseract may cache its unpacked language data. */
  cachePath: string;
}

/**
 * Text extraction and OCR. Implementations run CPU-heavy work outside the
 * caller's process. Every failure is an IntakeError with a stable code.
 */
export interface Extractor {
  /** Text files, PDF text layer, DOCX. Images return '' (they need OCR). */
  extractText(path: string, kind: FileKind): Promise<ExtractResult>;
  /** OCR an image or the pages of a PDF; `whereNeeded` keeps a PDF's good text-layer pages and OCRs the others. */
  ocr(path: string, kind: FileKind, opts?: OcrOptions): Promise<ExtractResult>;
  close(): Promise<void>;
}
