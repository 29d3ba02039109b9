/**
 * The one IPC contract: channel → zod input schema and output type, plus push
 * events and the API's error codes. Electron's ipcMain, the browser-mode web
 * bridge and the preload all derive from these tables; nothing else crosses the
 * process boundary.
 */
import { z } from 'zod';
import { ERROR_CODES, FAILURE_CLASSES, SEARCH_MODES, STAGES } from './domain';
import type { ApiErrorCode } from './errors';
import { LIMITS } from './limits';
import { isExternalLink } from './links';
import type {
  DocumentDetail,
  DocumentRow,
  EmbeddingStatus,
  FailedFile,
  FailedFileDetail,
  FailureGroup,
  Preflight,
  ReprocessEstimate,
  ReprocessReport,
  RunProgress,
  RunRow,
  RunSummary,
  Settings,
  TableInfo,
  CoverageListing,
  UnsupportedFile,
  WatchNotice,
  WatchedFolder,
} from './domain';

const MAX_PATH = 4096;
/** A filesystem path: non-empty, bounded, no NUL byte. */
export const pathSchema = z
  .string()
  .min(1, 'path is empty')
  .max(MAX_PATH, 'path is too long')
  .refine((p) => !p.includes('\0'), 'path contains a NUL byte');

const id = z.number().int().positive();
const ids = z.array(id).min(1).max(100_000);
const paging = { offset: z.number().int().min(0).max(10_000_000).default(0), limit: z.number().int().min(1).max(1000).default(100) };
const sortDir = z.enum(['asc', 'desc']);
const shortText = z.string().max(500);

export const failedFilterSchema = z
  .object({
    stage: z.enum(STAGES).optional(),
    failureClass: z.enum(FAILURE_CLASSES).optional(),
    errorCode: z.enum(ERROR_CODES).optional(),
    q: shortText.optional(),
    eligibleOnly: z.boolean().optional(),
    folder: pathSchema.optional(),
  })
  .strict();

/** Which failed rows an action applies to: explicit ids, or everything matching a filter. */
export const failedSelectionSchema = z.union([
  z.object({ ids }).strict(),
  z.object({ filter: failedFilterSchema, all: z.literal(true) }).strict(),
]);

export const runOptionsInputSchema = z
  .object({
    paths: z.array(pathSchema).min(1, 'choose at least one folder or file').max(10_000),
    skipFailed: z.boolean().optional(),
    ocr: z.boolean().optional(),
    concurrency: z.number().int().min(LIMITS.concurrency.min).max(LIMITS.concurrency.max).optional(),
  })
  .strict();

const aiSettingsInput = z
  .object({
    provider: z.enum(['local', 'openai']),
    baseUrl: z.string().max(2000).refine((u) => u === '' || /^https?:\/\/[^\s]+$/i.test(u), 'base URL must start with http:// or https://'),
    chatModel: shortText,
    embedModel: shortText,
    timeoutMs: z.number().int().min(LIMITS.aiTimeoutMs.min).max(LIMITS.aiTimeoutMs.max),
    maxRetries: z.number().int().min(LIMITS.aiMaxRetries.min).max(LIMITS.aiMaxRetries.max),
  })
  .partial()
  .strict();

export const settingsInputSchema = z
  .object({
    ai: aiSettingsInput.optional(),
    /** A new API key; empty string clears it. Write-only: never returned. */
    apiKey: z.string().max(500).optional(),
    ocrLanguages: z.array(z.string().regex(/^[a-z_]{3,10}$/i, 'invalid OCR language code')).min(1).max(10).optional(),
    concurrency: z.number().int().min(LIMITS.concurrency.min).max(LIMITS.concurrency.max).optional(),
    skipFailed: z.boolean().optional(),
    ocr: z.boolean().optional(),
    ocrPageCap: z.number().int().min(LIMITS.ocrPageCap.min).max(LIMITS.ocrPageCap.max).optional(),
    ocrTimeoutMs: z.number().int().min(LIMITS.ocrTimeoutMs.min).max(LIMITS.ocrTimeoutMs.max).optional(),
    followSymlinks: z.boolean().optional(),
  })
  .strict();

const tableName = z.string().regex(/^[a-z_]{1,64}$/, 'invalid table name');
const columnName = z.string().regex(/^[a-z_]{1,64}$/, 'invalid column name');
const cellValue = z.union([z.string().max(1_000_000), z.number(), z.null()]);
const rowValues = z.record(columnName, cellValue);

export interface AppInfo {
  mode: 'electron' | 'browser';
  version: string;
  dbPath: string;
  dataDir: string;
  /** Where files dropped in browser mode are copied: beside the library in use. */
  inboxDir?: string;
  platform: string;
}

export interface OcrLanguage {
  code: string;
  source: 'package' | 'file';
}

export interface FsListing {
  path: string;
  parent: string | null;
  entries: { name: string; path: string; dir: boolean; hidden?: boolean }[];
  /** Every folder Intake may read (browser mode's granted roots, the inbox), to jump between. */
  roots: string[];
  /** Folders ingested lately (newest first) that still exist and are inside the roots. */
  recent: string[];
}

/** A document's original file, read back for browser mode's "Download original". */
export interface OriginalFile {
  path: string;
  filename: string;
  mimeType: string;
  size: number;
  dataBase64: string;
  /** The file's bytes no longer hash to the document's: it was edited since it was ingested. */
  changedSinceIngest: boolean;
}

export interface Page<T> {
  rows: T[];
  total: number;
}

/** A phantom value that carries a channel's output type in the table (never read at run time). */
function out<T>(): T {
  return undefined as T;
}

/**
 * Every channel, defined once: its input schema (validated in main) and its
 * output type. The preload's allow-list, `Outputs` and `Handlers` are read off it.
 */
export const contract = {
  'app.info': { input: z.object({}).strict(), output: out<AppInfo>() },
  'ingest.preflight': { input: z.object({ paths: z.array(pathSchema).min(1).max(10_000) }).strict(), output: out<Preflight>() },
  'ingest.start': { input: runOptionsInputSchema, output: out<{ runId: number }>() },
  'ingest.pause': { input: z.object({ runId: id }).strict(), output: out<null>() },
  'ingest.resume': { input: z.object({ runId: id }).strict(), output: out<null>() },
  'ingest.cancel': { input: z.object({ runId: id }).strict(), output: out<null>() },
  'ingest.status': { input: z.object({}).strict(), output: out<RunProgress | null>() },
  'ingest.inbox': {
    input: z
      .object({
        files: z
          .array(z.object({ relativePath: z.string().min(1).max(1024), dataBase64: z.string().max(8_000_000) }).strict())
          .min(1)
          .max(1000),
      })
      .strict(),
    output: out<{ folder: string; files: number }>(),
  },
  'runs.list': { input: z.object({ limit: z.number().int().min(1).max(200).default(20) }).strict(), output: out<RunRow[]>() },
  'failed.list': {
    input: z
      .object({
        ...paging,
        sort: z.enum(['failed_at', 'filename', 'stage', 'reason', 'attempts', 'error_code', 'first_failed_at']).default('failed_at'),
        dir: sortDir.default('desc'),
        filter: failedFilterSchema.default({}),
      })
      .strict(),
    output: out<Page<FailedFile>>(),
  },
  'failed.count': { input: z.object({}).strict(), output: out<number>() },
  'failed.get': { input: z.object({ id }).strict(), output: out<FailedFileDetail>() },
  'failed.groups': { input: z.object({ filter: failedFilterSchema.default({}) }).strict(), output: out<FailureGroup[]>() },
  'failed.reset': { input: failedSelectionSchema, output: out<{ reset: number }>() },
  'failed.estimate': { input: failedSelectionSchema, output: out<ReprocessEstimate>() },
  'failed.reprocess': { input: failedSelectionSchema, output: out<ReprocessReport>() },
  'documents.list': {
    input: z
      .object({
        ...paging,
        q: shortText.optional(),
        mode: z.enum(SEARCH_MODES).default('hybrid'),
      })
      .strict(),
    output: out<Page<DocumentRow>>(),
  },
  'documents.get': { input: z.object({ id }).strict(), output: out<DocumentDetail>() },
  /** Opens a document's original with the system's app, or shows it in its folder (Electron; refused in browser mode). */
  'documents.open': { input: z.object({ id, path: pathSchema.optional(), how: z.enum(['open', 'reveal']) }).strict(), output: out<{ path: string }>() },
  /** The original's bytes (browser mode downloads them through the token-guarded API). */
  'documents.original': { input: z.object({ id, path: pathSchema.optional() }).strict(), output: out<OriginalFile>() },
  'library.embedding': { input: z.object({}).strict(), output: out<EmbeddingStatus>() },
  /** Starts re-embedding in the background; progress arrives as `embed.progress`. */
  'library.reembed': { input: z.object({}).strict(), output: out<EmbeddingStatus>() },
  'db.tables': { input: z.object({}).strict(), output: out<TableInfo[]>() },
  'db.rows': {
    output: out<Page<Record<string, unknown>>>(),
    input: z.object({ table: tableName, ...paging, sort: columnName.optional(), dir: sortDir.default('desc') }).strict(),
  },
  'db.insert': { input: z.object({ table: tableName, values: rowValues }).strict(), output: out<{ id: number }>() },
  'db.update': { input: z.object({ table: tableName, id, values: rowValues }).strict(), output: out<{ changed: number }>() },
  'db.delete': { input: z.object({ table: tableName, id }).strict(), output: out<{ changed: number }>() },
  'settings.get': { input: z.object({}).strict(), output: out<Settings>() },
  'settings.set': { input: settingsInputSchema, output: out<Settings>() },
  'settings.testConnection': { input: z.object({}).strict(), output: out<{ ok: boolean; message: string }>() },
  /** The OCR languages this installation can read (packages and added .traineddata files). */
  'settings.languages': { input: z.object({}).strict(), output: out<OcrLanguage[]>() },
  /** Adds a tesseract `<code>.traineddata` file (e.g. Debian's /usr/share/tesseract-ocr/5/tessdata/deu.traineddata). */
  'settings.addLanguage': { input: z.object({ path: pathSchema }).strict(), output: out<OcrLanguage[]>() },
  'shell.chooseFolder': { input: z.object({}).strict(), output: out<string | null>() },
  'shell.showInFolder': { input: z.object({ path: pathSchema }).strict(), output: out<null>() },
  'shell.openExternal': {
    output: out<null>(),
    input: z.object({ url: z.string().url().max(2000).refine(isExternalLink, 'only http(s) and mailto links open outside the app') }).strict(),
  },
  'fs.list': { input: z.object({ path: pathSchema.optional(), hidden: z.boolean().default(false) }).strict(), output: out<FsListing>() },
  'watch.list': { input: z.object({}).strict(), output: out<WatchedFolder[]>() },
  'watch.add': { input: z.object({ path: pathSchema }).strict(), output: out<WatchedFolder[]>() },
  'watch.pause': { input: z.object({ id, paused: z.boolean() }).strict(), output: out<WatchedFolder[]>() },
  'watch.remove': { input: z.object({ id }).strict(), output: out<WatchedFolder[]>() },
  'coverage.list': {
    input: z.object({ folder: pathSchema, limit: z.number().int().min(1).max(10_000).default(500), disk: z.boolean().default(false) }).strict(),
    output: out<CoverageListing>(),
  },
  /** The files under a folder that the coverage map counts as unsupported (path order). */
  'coverage.unsupported': {
    input: z.object({ folder: pathSchema, limit: z.number().int().min(1).max(10_000).default(500) }).strict(),
    output: out<UnsupportedFile[]>(),
  },
} as const;

export type Channel = keyof typeof contract;
export type Input<C extends Channel> = z.input<(typeof contract)[C]['input']>;
export type ParsedInput<C extends Channel> = z.output<(typeof contract)[C]['input']>;

/** Each channel's result type, read off the contract table. */
export type Outputs = { [C in Channel]: (typeof contract)[C]['output'] };
export type Output<C extends Channel> = Outputs[C];

/** Push events from main to the renderer, with their payloads. */
export const events = {
  'run.progress': out<RunProgress>(),
  'run.finished': out<RunSummary>(),
  'failed.changed': out<{ count: number }>(),
  'embed.progress': out<EmbeddingStatus>(),
  /** The watched folders changed (state, counts, list). */
  'watch.changed': out<WatchedFolder[]>(),
  /** What watch runs brought in, at most once a minute. */
  'watch.notice': out<WatchNotice>(),
};
export type Events = typeof events;
export type EventName = keyof Events;
export const EVENT_NAMES = Object.keys(events) as EventName[];
export const CHANNELS = Object.keys(contract) as Channel[];

export interface ErrorBody {
  code: ApiErrorCode;
  message: string;
}
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ErrorBody };

/** What the preload (or the browser-mode client) exposes as window.api. */
export interface IntakeApi {
  invoke<C extends Channel>(channel: C, input: Input<C>): Promise<Envelope<Output<C>>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
  /** Electron only: the filesystem path of a dropped File. */
  pathForFile?: (file: File) => string;
}

export type Handlers = { [C in Channel]: (input: ParsedInput<C>) => Promise<Output<C>> | Output<C> };

export const IPC_PREFIX = 'intake:';
