// Domain types shared by the engine, the CLI, the IPC contract and the renderer.

export const STAGES = ['hash', 'extract_text', 'ocr', 'classify', 'embeddings', 'db_insert', 'unknown'] as const;
export type Stage = (typeof STAGES)[number];

export const FAILURE_CLASSES = ['transient', 'input', 'content', 'config'] as const;
export type FailureClass = (typeof FAILURE_CLASSES)[number];

/** Stable failure codes. The UI maps them to words; never parse messages. */
export const ERROR_CODES = [
  // hash / filesystem
  'file_unreadable',
  'file_vanished',
  'file_busy',
  'io_error',
  'file_empty',
  // extract_text
  'pdf_encrypted',
  'pdf_corrupt',
  'docx_corrupt',
  'document_corrupt',
  'document_encrypted',
  'document_too_complex',
  'text_binary',
  'text_encoding_unknown',
  'text_insufficient',
  'file_too_large',
  // ocr
  'ocr_failed',
  'ocr_timeout',
  'ocr_no_text',
  'ocr_language_missing',
  'image_corrupt',
  'image_too_large',
  'extractor_crashed',
  'extractor_oom',
  // ai
  'ai_rate_limited',
  'ai_server_error',
  'ai_timeout',
  'ai_connection',
  'ai_bad_output',
  'ai_auth',
  'ai_model_missing',
  'ai_unavailable',
  'ai_response_too_large',
  'ai_dimension_changed',
  // store
  'db_error',
  'unknown',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const RUN_STATUSES = ['running', 'completed', 'cancelled', 'paused', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export type ContentSource = 'text' | 'pdf' | 'ocr';
/** `text` is plain text (decoded in the engine when small); the others go through the extractor process. */
export type FileKind = 'text' | 'html' | 'email' | 'rtf' | 'odt' | 'epub' | 'pdf' | 'image' | 'docx';

/**
 * How a document's text was obtained, stored with it (documents.extraction)
 * and shown in the Documents detail. Every field is optional: each format
 * records what applies to it. Page numbers are 1-based.
 */
export interface Extraction {
  /** The decoder used for text bytes, e.g. `utf-8`, `windows-1251`, `shift_jis`. */
  encoding?: string;
  /** Why that encoding: a byte-order mark, valid UTF-8, the file's own declaration, or the charset detector. */
  encodingFrom?: 'bom' | 'utf-8' | 'declared' | 'detected' | 'ascii';
  /** The detector's confidence (0–1) when `encodingFrom` is `detected`. */
  encodingConfidence?: number;
  /** Invalid UTF-8 sequences replaced by U+FFFD (a few stray bytes are tolerated). */
  replacedBytes?: number;
  /** The format reader, e.g. `html`, `email`, `rtf`, `odt`, `epub`. */
  format?: string;
  /** Pages (PDF, multi-page TIFF) in the file. */
  pages?: number;
  /** Pages whose text came from the PDF text layer. */
  textLayerPages?: number[];
  /** Pages that were OCR'd. */
  ocrPages?: number[];
  /** Pages whose text layer was judged garbage (and OCR'd instead, when OCR is on). */
  garbagePages?: number[];
  /** Pages left unread: they needed OCR and OCR is off, or they are past the page cap. */
  unreadPages?: number[];
  /** Pages skipped as blank (ink coverage below the threshold). */
  blankPages?: number[];
  /** Pages turned before OCR, by the detected rotation in degrees. */
  rotations?: { page: number; degrees: 90 | 180 | 270 }[];
  /** PDF form fields whose values were added to the content. */
  formFields?: number;
  /** E-mail attachments (names), listed in the content. */
  attachments?: string[];
}
export type AiProviderName = 'local' | 'openai';

export interface AiSettings {
  provider: AiProviderName;
  baseUrl: string;
  chatModel: string;
  embedModel: string;
  /** Never sent to the renderer; only present inside the main process / CLI. */
  apiKey?: string;
  timeoutMs: number;
  maxRetries: number;
}

export interface RunOptions {
  paths: string[];
  /** Real paths every file must resolve inside (browser mode's granted roots); undefined: anywhere but /proc, /sys, /dev. */
  allowedRoots?: string[];
  skipFailed: boolean;
  ocr: boolean;
  concurrency: number;
  ocrLanguages: string[];
  ocrPageCap: number;
  ocrTimeoutMs: number;
  ai: AiSettings;
  /** Follow linked folders that lead outside the chosen folders (Settings, --follow-symlinks); off when unset. */
  followSymlinks?: boolean;
}

export interface RunCounts {
  scanned: number;
  ingested: number;
  skippedExisting: number;
  skippedFailed: number;
  unsupported: number;
  failed: number;
  failedByStage: Partial<Record<Stage, number>>;
}

/** Counts of a run that has not processed anything yet. */
export function emptyCounts(): RunCounts {
  return { scanned: 0, ingested: 0, skippedExisting: 0, skippedFailed: 0, unsupported: 0, failed: 0, failedByStage: {} };
}

/** The `--json` object of `intake ingest` (SPEC §5) plus the status. */
/** What is wrong with the library itself when a run stops for it. */
export type LibraryFaultKind = 'damaged' | 'full' | 'io' | 'read_only';

export interface RunSummary extends RunCounts {
  runId: number;
  status: RunStatus;
  durationMs: number;
  /** One line saying why a run paused or stopped early (AI down, bad API key). */
  message?: string;
  /** The run stopped because the library itself failed (damaged, disk full, I/O error, read-only); `message` says what to do. */
  libraryFault?: LibraryFaultKind;
  /** The unsupported files it saw (the first UNSUPPORTED_LISTED). */
  unsupportedFiles?: UnsupportedFile[];
  /** Linked folders leading outside the chosen folders that were not followed (the first UNSUPPORTED_LISTED; present when any). */
  linksNotFollowed?: { path: string; target: string }[];
}

export interface RunProgress extends RunCounts {
  runId: number;
  status: RunStatus;
  /** Files found so far (the scan runs ahead of processing). */
  total: number;
  done: number;
  scanning: boolean;
  current: { path: string; stage: Stage | 'scan' | 'skip_check' }[];
  /** How many files are in each stage right now. */
  inStage: Partial<Record<Stage, number>>;
  ratePerSec: number;
  etaSec: number | null;
  elapsedMs: number;
  message?: string;
}

export interface RunRow {
  id: number;
  /** Unix milliseconds. */
  startedAt: number;
  finishedAt: number | null;
  /** How long the run worked, pauses excluded; null while it runs. */
  durationMs: number | null;
  status: RunStatus;
  roots: string[];
  options: Record<string, unknown>;
  counts: RunCounts | null;
  message: string | null;
  /** Set when the run's process died without finishing it: its last sign of life (unix ms). */
  lostAt: number | null;
}

export interface FailedFile {
  id: number;
  filePath: string;
  filename: string;
  fileHash: string | null;
  stage: Stage;
  reason: string;
  errorType: string;
  errorMessage: string;
  failedAt: number;
  attempts: number;
  firstFailedAt: number;
  runId: number | null;
  failureClass: FailureClass;
  errorCode: ErrorCode;
  fingerprint: Record<string, unknown>;
  /** Set when the settings the stage ran with differ from today's. */
  eligibleForRetry: string | null;
  /** Other paths where the same content was met and skipped as this failure (present when there are any). */
  otherPaths?: string[];
}

export interface FailedFileDetail extends FailedFile {
  stack: string | null;
  events: FailureEvent[];
}

export interface FailureEvent {
  id: number;
  fileHash: string | null;
  filePath: string;
  kind: 'failure' | 'reset' | 'success';
  stage: Stage | null;
  errorCode: ErrorCode | null;
  message: string;
  at: number;
  runId: number | null;
}

export interface FailedFilter {
  stage?: Stage;
  failureClass?: FailureClass;
  errorCode?: ErrorCode;
  /** Free text over filename, path, reason and message. */
  q?: string;
  /** Only rows whose fingerprint differs from today's settings. */
  eligibleOnly?: boolean;
  /** Only files under this folder (the coverage map's failed count opens it). */
  folder?: string;
}

export type FailedSortColumn = 'failed_at' | 'filename' | 'stage' | 'reason' | 'attempts' | 'error_code' | 'first_failed_at';

export interface FailureGroup {
  errorCode: ErrorCode;
  stage: Stage;
  failureClass: FailureClass;
  count: number;
  sampleReason: string;
}

export type ReprocessOutcomeKind = 'succeeded' | 'failed_same' | 'failed_different' | 'skipped';
export interface ReprocessOutcome {
  id: number;
  filePath: string;
  outcome: ReprocessOutcomeKind;
  stage?: Stage;
  errorCode?: ErrorCode;
  reason?: string;
  documentId?: number;
}
export interface ReprocessReport {
  runId: number;
  succeeded: number;
  failedSame: number;
  failedDifferent: number;
  skipped: number;
  outcomes: ReprocessOutcome[];
}

export interface ReprocessEstimate {
  files: number;
  aiCalls: number;
  tokens: number;
  missingFiles: number;
}

export interface DocumentRow {
  id: number;
  fileHash: string;
  filePath: string;
  filename: string;
  size: number;
  mimeType: string;
  contentSource: ContentSource;
  title: string;
  docType: string;
  correspondent: string | null;
  docDate: string | null;
  tags: string[];
  language: string | null;
  summary: string;
  aiProvider: string;
  aiModel: string;
  createdAt: number;
  updatedAt: number;
  /** When the row came from a search: the best passage (plain text), the query's terms in it, a 0–1 relevance. */
  snippet?: string;
  highlights?: SearchHighlight[];
  score?: number;
}

/** hybrid: keywords and meaning fused; keyword: FTS5 only; semantic: vectors only ("meaning" in the UI). */
export const SEARCH_MODES = ['hybrid', 'keyword', 'semantic'] as const;
export type SearchMode = (typeof SEARCH_MODES)[number];

/** A range of a snippet to show highlighted: [start, end) in UTF-16 code units. */
export interface SearchHighlight {
  start: number;
  end: number;
}

/** The library's vectors against the model search uses now. */
export interface EmbeddingStatus {
  model: string;
  dim: number;
  chunks: number;
  /** Embedded with today's model. */
  current: number;
  /** Waiting for the background embedder (searchable by keyword meanwhile). */
  pending: number;
  /** Gave up after repeated errors; `reembed` tries them again. */
  failed: number;
  /** Embedded with another model: eligible for re-embedding. */
  outdated: number;
  outdatedDocuments: number;
  lastError: string | null;
  /** The background embedder is working now. */
  running: boolean;
}

export interface DocumentDetail extends DocumentRow {
  content: string;
  /** How the text was obtained; null for documents stored before this was recorded. */
  extraction: Extraction | null;
  paths: string[];
  chunkCount: number;
}

export interface Preflight {
  total: number;
  new: number;
  knownUnchanged: number;
  previouslyFailed: number;
  unsupported: number;
  /** The unsupported files themselves (the first UNSUPPORTED_LISTED), so the count can be opened. */
  unsupportedFiles: UnsupportedFile[];
}

export interface UnsupportedFile {
  path: string;
  /** Lower-case extension with its dot, or '' when the name has none. */
  ext: string;
}

/** How many unsupported files a preflight or a run lists by name. */
export const UNSUPPORTED_LISTED = 500;

export function unsupportedFile(path: string): UnsupportedFile {
  const name = path.split(/[\\/]/).pop() ?? path;
  const dot = name.lastIndexOf('.');
  return { path, ext: dot > 0 ? name.slice(dot).toLowerCase() : '' };
}

export interface Classification {
  title: string;
  docType: string;
  correspondent: string | null;
  docDate: string | null;
  tags: string[];
  language: string | null;
  summary: string;
}

export interface Settings {
  ai: Omit<AiSettings, 'apiKey'> & { hasApiKey: boolean };
  ocrLanguages: string[];
  concurrency: number;
  skipFailed: boolean;
  ocr: boolean;
  ocrPageCap: number;
  ocrTimeoutMs: number;
  /** Follow linked folders that lead outside the chosen folders. */
  followSymlinks: boolean;
  /** Saved values that were invalid (edited by hand): the defaults are used for these fields. */
  invalidStored?: string[];
}

export interface TableColumn {
  name: string;
  type: 'integer' | 'real' | 'text' | 'blob';
  primaryKey: boolean;
  editable: boolean;
  nullable: boolean;
  /** What the value means beyond its SQLite type (JSON shape, enum, date, engine timestamp). */
  kind: import('./table-rules').ColumnKind;
  /** The allowed words of an enum column. */
  options?: readonly string[];
  /** A NOT NULL column with a default: may be left out on insert. */
  hasDefault: boolean;
}
export interface TableInfo {
  name: string;
  columns: TableColumn[];
  defaultSort: string;
  /** Why this table is read-only here (edited through its own screen), when it is. */
  readOnly?: string;
}

export const WATCH_STATES = ['watching', 'catching_up', 'paused', 'missing', 'not_allowed'] as const;
export type WatchState = (typeof WATCH_STATES)[number];

/** A watched folder as the app and the CLI show it. */
export interface WatchedFolder {
  id: number;
  path: string;
  state: WatchState;
  /** Why it is missing / not allowed, or another process watching it. */
  message: string | null;
  paused: boolean;
  addedAt: number;
  /** When a file was last taken from it (unix s), and which. */
  lastSeenAt: number | null;
  lastFile: string | null;
  ingested: number;
  failed: number;
  /** True when this process watches it; false when another live process does (or nobody yet). */
  watchedHere: boolean;
}

/** New documents and failures from watched folders since the last notification. */
export interface WatchNotice {
  ingested: number;
  failed: number;
  /** "3 new documents, 1 failed" */
  text: string;
}

export const COVERAGE_CATEGORIES = ['ingested', 'duplicate', 'failed', 'unsupported', 'unseen'] as const;
export type CoverageCategory = (typeof COVERAGE_CATEGORIES)[number];
export type CoverageCounts = Record<CoverageCategory, number>;

/** One child of a folder in the coverage map: a subfolder (recursive counts) or a file (its category). */
export interface CoverageEntry {
  name: string;
  path: string;
  dir: boolean;
  counts: CoverageCounts;
}

export interface CoverageListing {
  folder: string;
  total: CoverageCounts;
  entries: CoverageEntry[];
  /** Entries beyond the limit are left out (a folder of 100 000 files lists the first ones). */
  truncated: boolean;
}
