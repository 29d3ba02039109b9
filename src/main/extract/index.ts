import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { FileKind } from '../../shared/domain';
import { ExtractorPool, forkChild, type SpawnChild } from './pool';
import type { DebugOp } from './protocol';
import type { ExtractResult, Extractor, ExtractorOptions, OcrOptions } from './types';

export type { ChildLike, SpawnArgs, SpawnChild } from './pool';
export { forkChild } from './pool';

/** With the engine's own ≈ 300 MB, one extraction keeps the process tree under 1.5 GB. */
export const DEFAULT_RSS_LIMIT_MB = 1024;
/** What the memory limit grows by for each tesseract thread past the first in one process. */
export const RSS_PER_EXTRA_THREAD_MB = 384;

export interface ProcessExtractorOptions extends ExtractorOptions {
  /** Starts a child; default `child_process.fork`. The Electron shell passes a utilityProcess adapter. */
  spawn?: SpawnChild;
  /** The child's entry file; default `worker.ts` beside this module, or `extract-worker.js` in a build. */
  workerEntry?: string;
  /** Requests a child serves before it is replaced. Default 300. */
  recycleAfter?: number;
  /** A child above this resident size is replaced once idle. Default 400 MB or 60 % of memoryLimitMb if larger. */
  recycleRssMb?: number;
  /** A child with no job for this long is ended (the next job starts one). Default 60 s; 0: never. */
  idleMs?: number;
  /** Limit without progress for text, PDF text layer and DOCX extraction. Default 120 s. */
  textTimeoutMs?: number;
  /** A text job still reporting progress (pages read) may run this many times `textTimeoutMs`. Default 10. */
  textProgressFactor?: number;
  /**
   * Parallel text jobs per child beside its OCR jobs. Default: its OCR jobs (ocrPerProcess), so one process
   * reads as many PDFs at once as two did; a bomb that takes the process down has the others retried alone.
   */
  maxLightPerChild?: number;
  /** Resident memory a child may reach before it is killed (`extractor_oom`). Default 1024 MB, + 384 MB per OCR thread past the first. */
  rssLimitMb?: number;
  /** How often the watchdog reads the children's memory. Default 100 ms. */
  rssPollMs?: number;
  /**
   * OCR files handed to a process beyond its tesseract threads: such a file's image is decoded and scaled
   * (its first PDF page rendered) while the threads read, and it waits for a thread without its time running.
   * Default 1 when a process has two threads or more, else 0.
   */
  ocrQueuedPerProcess?: number;
  /** Enables test-only failure operations in the child (see `debug()`). */
  debug?: boolean;
}

/**
 * Extraction in separate processes: `workers` OCR jobs at once, `ocrPerProcess`
 * of them (each on its own tesseract thread) per child. A crash, a timeout or
 * a memory overrun ends one child; the jobs in flight beside the culprit are
 * retried alone, so only the file to blame fails.
 */
export class ProcessExtractor implements Extractor {
  private readonly pool: ExtractorPool;

  constructor(private readonly opts: ProcessExtractorOptions) {
    mkdirSync(opts.cachePath, { recursive: true, mode: 0o700 });
    const { entry, execArgv } = resolveEntry(opts.workerEntry);
    const workers = Math.max(1, Math.floor(opts.workers || cpus().length));
    const perProcess = Math.max(1, Math.min(workers, Math.floor(opts.ocrPerProcess ?? 1)));
    this.pool = new ExtractorPool({
      entry,
      execArgv: [...execArgv, `--max-old-space-size=${Math.max(128, Math.floor(opts.memoryLimitMb))}`],
      config: { ocrLanguages: opts.ocrLanguages, pageCap: opts.pageCap, cachePath: opts.cachePath, ocrThreads: perProcess, debug: opts.debug },
      children: Math.ceil(workers / perProcess),
      maxHeavyPerChild: perProcess + Math.max(0, Math.floor(opts.ocrQueuedPerProcess ?? (perProcess >= 2 ? 1 : 0))),
      maxLightPerChild: opts.maxLightPerChild ?? perProcess,
      // Each further OCR thread may hold one more rendered page: a child of two still stays below two children's limits.
      rssLimitMb: opts.rssLimitMb ?? DEFAULT_RSS_LIMIT_MB + (perProcess - 1) * RSS_PER_EXTRA_THREAD_MB,
      rssPollMs: opts.rssPollMs ?? 100,
      recycleAfter: opts.recycleAfter ?? 300,
      recycleRssMb: opts.recycleRssMb ?? Math.max(400, Math.floor(opts.memoryLimitMb * 0.6)),
      idleMs: opts.idleMs ?? 60_000,
      ocrTimeoutMs: opts.timeoutMs,
      ocrGraceMs: 10_000,
      textTimeoutMs: opts.textTimeoutMs ?? 120_000,
      textProgressFactor: opts.textProgressFactor ?? 10,
      spawn: opts.spawn ?? forkChild,
    });
  }

  extractText(path: string, kind: FileKind): Promise<ExtractResult> {
    return this.pool.run('extractText', path, kind);
  }

  /** `timeoutMs` overrides the per-file OCR limit for this call; `whereNeeded` keeps a PDF's good text-layer pages. */
  ocr(path: string, kind: FileKind, opts: OcrOptions & { timeoutMs?: number } = {}): Promise<ExtractResult> {
    return this.pool.run(opts.whereNeeded ? 'ocrWhereNeeded' : 'ocr', path, kind, opts.timeoutMs, opts.whereNeeded ? opts.layers : undefined);
  }

  /** Process ids of the live extractor children. */
  pids(): number[] {
    return this.pool.pids();
  }

  /** Test hook: makes a child crash, hang or exhaust its heap (needs `debug: true`); `arg` for `debug_hold_thread` is `<ms>[:hang]`. */
  debug(op: DebugOp, timeoutMs?: number, arg = ''): Promise<ExtractResult> {
    return this.pool.run(op, arg, 'text', timeoutMs);
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}

export function createExtractor(opts: ProcessExtractorOptions): ProcessExtractor {
  return new ProcessExtractor(opts);
}

/**
 * Where the child starts: the TypeScript source through tsx (tests, CLI), or
 * the bundled `extract-worker.js` next to the built main process.
 */
function resolveEntry(explicit?: string): { entry: string; execArgv: string[] } {
  const here = fileURLToPath(import.meta.url);
  const entry = explicit ?? (/\.[cm]?ts$/.test(here) ? join(dirname(here), 'worker.ts') : join(dirname(here), 'extract-worker.js'));
  if (!/\.[cm]?ts$/.test(entry)) return { entry, execArgv: [] };
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  if (!existsSync(entry)) throw new Error(`extractor entry not found: ${entry}`);
  // The parent watch is preloaded so it runs while tsx loads the rest of the child (≈ 0.5–2 s);
  // a bundled worker loads in one piece and starts it from worker.ts.
  const watch = join(dirname(here), 'parent-watch-preload.mjs');
  return { entry, execArgv: ['--import', tsx, ...(existsSync(watch) ? ['--import', pathToFileURL(watch).href] : [])] };
}
