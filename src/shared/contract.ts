/**
 * The one IPC contract: channel → zod input schema → output type, plus push events.
 * Electron's ipcMain, the browser-mode web bridge and the preload are all generated
 * from this table; nothing else crosses the process boundary.
 */
import { z } from 'zod';
import { ERROR_CODES, FAILURE_CLASSES, SEARCH_MODES, STAGES } from './domain';
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
    concurrency: z.number().int().min(1).max(32).optional(),
  })
  .strict();

const aiSettingsInput = z
  .object({
    provider: z.enum(['local', 'openai']),
    baseUrl: z.string().max(2000).refine((u) => u === '' || /^https?:\/\/[^\s]+$/i.test(u), 'base URL must start with http:// or https://'),
    chatModel: shortText,
    embedModel: shortText,
    timeoutMs: z.number().int().min(1000).max(600_000),
    maxRetries: z.number().int().min(0).max(10),
  })
  .partial()
  .strict();

export const settingsInputSchema = z
  .object({
    ai: aiSettingsInput.optional(),
    /** A new API key; empty string clears it. Write-only: never returned. */
    apiKey: z.string().max(500).optional(),
    ocrLanguages: z.array(z.string().regex(/^[a-z_]{3,10}$/i, 'invalid OCR language code')).min(1).max(10).optional(),
    concurrency: z.number().int().min(1).max(32).optional(),
    skipFailed: z.boolean().optional(),
    ocr: z.boolean().optional(),
    ocrPageCap: z.number().int().min(1).max(5000).optional(),
    ocrTimeoutMs: z.number().int().min(1000).max(3_600_000).optional(),
  })
  .strict();

const tableName = z.string().regex(/^[a-z_]{1,64}$/, 'invalid table name');
const columnName = z.string().regex(/^[a-z_]{1,64}$/, 'invalid column name');
const cellValue = z.union([z.string().max(1_000_000), z.number(), z.null()]);
const rowValues = z.record(columnName, cellValue);

export const contract = {
  'app.info': { input: z.object({}).strict() },
  'ingest.preflight': { input: z.object({ paths: z.array(pathSchema).min(1).max(10_000) }).strict() },
  'ingest.start': { input: runOptionsInputSchema },
  'ingest.pause': { input: z.object({ runId: id }).strict() },
  'ingest.resume': { input: z.object({ runId: id }).strict() },
  'ingest.cancel': { input: z.object({ runId: id }).strict() },
  'ingest.status': { input: z.object({}).strict() },
  'ingest.inbox': {
    // Browser mode: files dropped on the page are uploaded (base64) into an inbox folder.
    input: z
      .object({
        files: z
          .array(z.object({ relativePath: z.string().min(1).max(1024), dataBase64: z.string().max(70_000_000) }).strict())
          .min(1)
          .max(1000),
      })
      .strict(),
  },
  'runs.list': { input: z.object({ limit: z.number().int().min(1).max(200).default(20) }).strict() },
  'failed.list': {
    input: z
      .object({
        ...paging,
        sort: z.enum(['failed_at', 'filename', 'stage', 'reason', 'attempts', 'error_code', 'first_failed_at']).default('failed_at'),
        dir: sortDir.default('desc'),
        filter: failedFilterSchema.default({}),
      })
      .strict(),
  },
  'failed.count': { input: z.object({}).strict() },
  'failed.get': { input: z.object({ id }).strict() },
  'failed.groups': { input: z.object({ filter: failedFilterSchema.default({}) }).strict() },
  'failed.reset': { input: failedSelectionSchema },
  'failed.estimate': { input: failedSelectionSchema },
  'failed.reprocess': { input: failedSelectionSchema },
  'documents.list': {
    input: z
      .object({
        ...paging,
        q: shortText.optional(),
        mode: z.enum(SEARCH_MODES).default('hybrid'),
      })
      .strict(),
  },
  'documents.get': { input: z.object({ id }).strict() },
  'library.embedding': { input: z.object({}).strict() },
  'library.reembed': { input: z.object({}).strict() },
  'db.tables': { input: z.object({}).strict() },
  'db.rows': {
    input: z.object({ table: tableName, ...paging, sort: columnName.optional(), dir: sortDir.default('desc') }).strict(),
  },
  'db.insert': { input: z.object({ table: tableName, values: rowValues }).strict() },
  'db.update': { input: z.object({ table: tableName, id, values: rowValues }).strict() },
  'db.delete': { input: z.object({ table: tableName, id }).strict() },
  'settings.get': { input: z.object({}).strict() },
  'settings.set': { input: settingsInputSchema },
  'settings.testConnection': { input: z.object({}).strict() },
  /** The OCR languages this installation can read (packages and added .traineddata files). */
  'settings.languages': { input: z.object({}).strict() },
  /** Adds a tesseract `<code>.traineddata` file (e.g. Debian's /usr/share/tesseract-ocr/5/tessdata/deu.traineddata). */
  'settings.addLanguage': { input: z.object({ path: pathSchema }).strict() },
  'shell.chooseFolder': { input: z.object({}).strict() },
  'shell.showInFolder': { input: z.object({ path: pathSchema }).strict() },
  'shell.openExternal': {
    input: z.object({ url: z.string().url().max(2000).refine((u) => /^(https?|mailto):/i.test(u), 'only http(s) and mailto links open outside the app') }).strict(),
  },
  'fs.list': { input: z.object({ path: pathSchema.optional() }).strict() },
  'watch.list': { input: z.object({}).strict() },
  'watch.add': { input: z.object({ path: pathSchema }).strict() },
  'watch.pause': { input: z.object({ id, paused: z.boolean() }).strict() },
  'watch.remove': { input: z.object({ id }).strict() },
  'coverage.list': {
    input: z.object({ folder: pathSchema, limit: z.number().int().min(1).max(10_000).default(500), disk: z.boolean().default(false) }).strict(),
  },
} as const;

export type Channel = keyof typeof contract;
export type Input<C extends Channel> = z.input<(typeof contract)[C]['input']>;
export type ParsedInput<C extends Channel> = z.output<(typeof contract)[C]['input']>;

export interface AppInfo {
  mode: 'electron' | 'browser';
  version: string;
  dbPath: string;
  dataDir: string;
  platform: string;
}

export interface OcrLanguage {
  code: string;
  source: 'package' | 'file';
}

export interface FsListing {
  path: string;
  parent: string | null;
  entries: { name: string; path: string; dir: boolean }[];
}

export interface Page<T> {
  rows: T[];
  total: number;
}

export interface Outputs {
  'app.info': AppInfo;
  'ingest.preflight': Preflight;
  'ingest.start': { runId: number };
  'ingest.pause': null;
  'ingest.resume': null;
  'ingest.cancel': null;
  'ingest.status': RunProgress | null;
  'ingest.inbox': { folder: string; files: number };
  'runs.list': RunRow[];
  'failed.list': Page<FailedFile>;
  'failed.count': number;
  'failed.get': FailedFileDetail;
  'failed.groups': FailureGroup[];
  'failed.reset': { reset: number };
  'failed.estimate': ReprocessEstimate;
  'failed.reprocess': ReprocessReport;
  'documents.list': Page<DocumentRow>;
  'documents.get': DocumentDetail;
  'library.embedding': EmbeddingStatus;
  /** Starts re-embedding in the background; progress arrives as `embed.progress`. */
  'library.reembed': EmbeddingStatus;
  'db.tables': TableInfo[];
  'db.rows': Page<Record<string, unknown>>;
  'db.insert': { id: number };
  'db.update': { changed: number };
  'db.delete': { changed: number };
  'settings.get': Settings;
  'settings.set': Settings;
  'settings.testConnection': { ok: boolean; message: string };
  'settings.languages': OcrLanguage[];
  'settings.addLanguage': OcrLanguage[];
  'shell.chooseFolder': string | null;
  'shell.showInFolder': null;
  'shell.openExternal': null;
  'fs.list': FsListing;
  'watch.list': WatchedFolder[];
  'watch.add': WatchedFolder[];
  'watch.pause': WatchedFolder[];
  'watch.remove': WatchedFolder[];
  'coverage.list': CoverageListing;
}
export type Output<C extends Channel> = Outputs[C];

/** Push events from main to the renderer. */
export interface Events {
  'run.progress': RunProgress;
  'run.finished': RunSummary;
  'failed.changed': { count: number };
  'embed.progress': EmbeddingStatus;
  /** The watched folders changed (state, counts, list). */
  'watch.changed': WatchedFolder[];
  /** What watch runs brought in, at most once a minute. */
  'watch.notice': WatchNotice;
}
export type EventName = keyof Events;
export const EVENT_NAMES: EventName[] = ['run.progress', 'run.finished', 'failed.changed', 'embed.progress', 'watch.changed', 'watch.notice'];

export interface ErrorBody {
  code: string;
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
