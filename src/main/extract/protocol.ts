import type { FileKind } from '../../shared/domain';
import type { SerializedIntakeError } from '../../shared/errors';
import type { ExtractResult, ExtractorOptions, PdfPageLayer } from './types';

/** Test-only operations, honoured only when the child was started with `debug: true`. */
export type DebugOp = 'debug_crash' | 'debug_hang' | 'debug_oom' | 'debug_rss' | 'debug_progress' | 'debug_segv' | 'debug_segv_once' | 'debug_hold_thread';

/** `ocrWhereNeeded`: a PDF's pages with a good text layer keep it; only the others are OCR'd. */
export type ExtractOp = 'extractText' | 'ocr' | 'ocrWhereNeeded';

/** Parent → child. `timeoutMs`: OCR stops with `ocr_timeout` once it has run this long, not counting waits for a tesseract thread. */
export interface ExtractRequest {
  id: number;
  op: ExtractOp | DebugOp;
  path: string;
  kind: FileKind;
  timeoutMs?: number;
  /** `ocrWhereNeeded`: the PDF's text layers as extractText read them. */
  layers?: PdfPageLayer[];
}

/** Child → parent: one reply per request, plus `ready` once at start. */
export type ExtractReply =
  | { id: number; ok: true; result: ExtractResult; rssMb?: number }
  | { id: number; ok: false; error: SerializedIntakeError; rssMb?: number }
  /** OCR request `id` starts (true) or stops (false) waiting for a tesseract thread: its time limit pauses meanwhile. */
  | { id: number; waiting: boolean }
  /** Still working on request `id` (a long PDF's pages): renews its stall limit. */
  | { id: number; progress: true }
  | { ready: true; pid: number };

/** What the child needs to know, passed as its first argument (JSON). */
export interface ChildConfig extends Pick<ExtractorOptions, 'ocrLanguages' | 'pageCap' | 'cachePath'> {
  /** Tesseract worker threads in this process: the OCR jobs it runs at once. Default 1. */
  ocrThreads?: number;
  debug?: boolean;
}

/** Environment variable through which the pool tells a child its pid (see parent-watch.ts). */
export const PARENT_PID_ENV = 'INTAKE_EXTRACT_PARENT_PID';
/** …and its start token (see process-state.ts), so a reused pid is not mistaken for the parent. */
export const PARENT_START_ENV = 'INTAKE_EXTRACT_PARENT_START';
