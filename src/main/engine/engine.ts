import { stat } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { UNSUPPORTED_LISTED, unsupportedFile } from '../../shared/domain';
import type {
  AiSettings,
  EmbeddingStatus,
  FailedFile,
  FailedFilter,
  Preflight,
  ReprocessEstimate,
  ReprocessOutcome,
  ReprocessReport,
  RunOptions,
  RunProgress,
  RunSummary,
  SearchMode,
} from '../../shared/domain';
import { DEFAULT_AI, DEFAULT_RUN_SETTINGS, defaultConcurrency } from '../../shared/limits';
import { settingsFingerprint, type SettingsFingerprint } from '../../shared/retry';
import { createAiProvider } from '../ai';
import type { AiProvider } from '../ai/types';
import { createExtractor } from '../extract';
import type { Extractor, ExtractorOptions } from '../extract/types';
import { nowSec } from '../db/connection';
import { BackgroundEmbedder } from './embedder';
import { GlossBackfill } from './glosses';
import { Library } from './library';
import { LibrarySearch, type SearchResult } from './search';
import { Liveness, type LivenessOptions } from './liveness';
import type { FileOutcome } from './pipeline';
import { Run, type RunHooks } from './run';
import { scan } from './scan';

export interface EngineOptions {
  /** The library file (the engine opens and closes it), or an open Library (its opener closes it). */
  library: Library | string;
  /** App data folder: OCR language cache. */
  dataDir: string;
  /** Overrides for tests and the Electron shell (e.g. utilityProcess spawn). */
  extractorOptions?: Partial<ExtractorOptions> & Record<string, unknown>;
  createProvider?: (s: AiSettings) => AiProvider;
  /** Open the library read-only: for commands that only look at it. */
  readonly?: boolean;
  /** Heartbeat interval, staleness limit, clocks (tests make them fast and deterministic). */
  liveness?: LivenessOptions;
}

/** Run options from the shared defaults alone (tests and the bench; the app resolves saved Settings instead). */
export function defaultRunOptions(paths: string[], overrides: Partial<RunOptions> = {}): RunOptions {
  return {
    paths,
    ...DEFAULT_RUN_SETTINGS,
    ocrLanguages: [...DEFAULT_RUN_SETTINGS.ocrLanguages],
    concurrency: defaultConcurrency(cpus().length),
    ai: DEFAULT_AI,
    ...overrides,
  };
}

/**
 * Runs, preflight, reset, reprocess over one library, for the application service
 * (src/main/app). Owns one extractor process. The library stays private: whoever
 * needs its repositories opened it and passed it in.
 */
export class Engine {
  private readonly library: Library;
  private readonly ownsLibrary: boolean;
  private extractorInstance: { key: string; extractor: Extractor } | null = null;
  /** Extractors replaced after a settings change while runs were using them. */
  private retiredExtractors: Extractor[] = [];
  private readonly runs = new Map<number, Run>();
  readonly search: LibrarySearch;
  /** Fills in vectors after documents are stored (local encoder) and re-embeds on request. */
  readonly embedder: BackgroundEmbedder;
  /** Glosses the German and French documents of a library from before glosses (migration 12). */
  readonly glosses: GlossBackfill;
  /** The AI settings the embedder and searches use: the latest run's, or what the service set. */
  private embedAi: AiSettings = DEFAULT_AI;
  /** Background-embedding progress, for the app's status line and `intake reembed`. */
  onEmbedProgress: ((s: EmbeddingStatus) => void) | null = null;

  /** Heartbeats of this engine's runs, and the judge of everyone else's. */
  readonly liveness: Liveness;
  private readonly lastBeat = new Map<number, number>();

  constructor(private readonly opts: EngineOptions) {
    this.ownsLibrary = typeof opts.library === 'string';
    this.library = typeof opts.library === 'string' ? Library.open(opts.library, { readonly: opts.readonly }) : opts.library;
    this.liveness = new Liveness(opts.liveness);
    // A read-only look at the library writes nothing: no heartbeats, no verdicts.
    if (!opts.readonly) {
      this.liveness.onTick(() => this.heartbeat());
      this.sweepRuns();
    }
    this.search = new LibrarySearch(this.library.db, this.library.documents);
    this.embedder = new BackgroundEmbedder(this.library, () => this.provider(this.embedAi), { onProgress: (s) => this.onEmbedProgress?.(s) });
    this.glosses = new GlossBackfill(this.library);
    if (!opts.readonly) this.glosses.start().catch(() => undefined);
  }

  /** Writes the heartbeat of every run of this engine, then judges the other running rows. */
  heartbeat(): void {
    for (const id of this.runs.keys()) {
      const at = this.nextBeat(id);
      // Judged dead by another process (a clock jump, a long stall) while alive: take the row back.
      if (!this.library.runs.beat(id, at)) this.library.runs.reclaim(id, at, this.runs.get(id)?.progress().status === 'paused' ? 'paused' : 'running');
    }
    this.sweepRuns();
  }

  /**
   * Runs left 'running' by a process that is gone (kill -9, crash, power loss, another machine that
   * went away) become interrupted as of their last heartbeat; live ones (another writer) are left alone.
   */
  sweepRuns(): number {
    let n = 0;
    for (const row of this.library.runs.running()) {
      if (this.runs.has(row.id)) continue;
      const v = this.liveness.judge(`run:${row.id}`, row);
      if (v.alive) continue;
      if (this.library.runs.markLost(row.id, row.heartbeatAt, v.lastAliveAt, Math.max(row.startedAt, v.lastAliveAt))) n++;
    }
    return n;
  }

  /** Heartbeats of one run strictly increase, so a wall clock set back still shows it moving. */
  private nextBeat(id: number): number {
    const at = Math.max(this.liveness.stamp(), (this.lastBeat.get(id) ?? 0) + 1);
    this.lastBeat.set(id, at);
    return at;
  }

  /** Which provider embeds and answers queries from now on (settings changed, or CLI flags). */
  useAi(ai: AiSettings): void {
    this.embedAi = ai;
  }

  /** Hybrid / keyword / meaning search over the library, with today's embedding model. */
  async searchDocuments(q: string, opts: { mode: SearchMode; offset: number; limit: number }): Promise<SearchResult> {
    const provider = this.provider(this.embedAi);
    const embedder = {
      model: provider.embedModel,
      embed: async (text: string) => (await provider.embed([text], { urgent: true }))[0],
    };
    return this.search.search(q, { ...opts, embedder });
  }

  /** Settings that shape each stage's outcome; stored with failures to tell when a retry may help. */
  fingerprint(o: Pick<RunOptions, 'ocr' | 'ocrLanguages' | 'ocrPageCap' | 'ai'>, provider?: AiProvider): SettingsFingerprint {
    return settingsFingerprint(o, provider ?? this.provider(o.ai));
  }

  provider(ai: AiSettings): AiProvider {
    return (this.opts.createProvider ?? createAiProvider)(ai);
  }

  /** The run's extractor, asked for by every file that needs one: its options are built once, here. */
  private extractorFor(o: RunOptions): () => Promise<Extractor> {
    const options: ExtractorOptions = {
      ocrLanguages: o.ocrLanguages,
      workers: Math.max(1, Math.min(cpus().length, 4)),
      // Two tesseract threads per extraction process: half the processes, ≈ 40 % less memory (issue 15).
      ocrPerProcess: 2,
      pageCap: o.ocrPageCap,
      timeoutMs: o.ocrTimeoutMs,
      memoryLimitMb: 1024,
      cachePath: join(this.opts.dataDir, 'ocr-cache'),
      ...this.opts.extractorOptions,
    };
    const key = JSON.stringify([options.ocrLanguages, options.pageCap, options.timeoutMs]);
    return async () => {
      if (this.extractorInstance?.key !== key) {
        // Runs still using the old one finish with it; it is closed when no run is left.
        if (this.extractorInstance) this.retiredExtractors.push(this.extractorInstance.extractor);
        this.extractorInstance = { key, extractor: createExtractor(options) };
      }
      return this.extractorInstance.extractor;
    };
  }

  /** Starts a run; progress arrives through hooks, the summary through `run.finished`. */
  startRun(options: RunOptions, hooks: RunHooks = {}, record: Record<string, unknown> = {}): Run {
    const provider = this.provider(options.ai);
    const library = this.library;
    const run = new Run(
      { library, extractor: this.extractorFor(options), provider, fingerprint: this.fingerprint(options, provider) },
      options,
      {
        ...hooks,
        onFileDone: (f) => {
          // The coverage map accounts for unsupported files too.
          if (f.status === 'unsupported') void library.writer.run(() => library.unsupported.record(f.path, nowSec())).catch(() => undefined);
          hooks.onFileDone?.(f);
        },
      },
      record,
    );
    this.runs.set(run.id, run);
    this.embedAi = options.ai;
    this.library.runs.claim(run.id, this.liveness.identity, this.nextBeat(run.id));
    void run.finished.finally(() => {
      this.runs.delete(run.id);
      this.lastBeat.delete(run.id);
      if (!this.runs.size) void this.closeRetiredExtractors();
      // Stored first, embedded now: the run's documents were keyword-searchable at once.
      if (provider.embedsInBackground && run.embedsPending) this.embedder.kick();
    });
    return run;
  }

  async ingest(options: RunOptions, hooks: RunHooks = {}): Promise<RunSummary> {
    return this.startRun(options, hooks).finished;
  }

  getRun(id: number): Run | undefined {
    return this.runs.get(id);
  }

  activeRuns(): Run[] {
    return [...this.runs.values()];
  }

  activeProgress(): RunProgress | null {
    const run = this.activeRuns()[0];
    return run ? run.progress() : null;
  }

  /** What a run over these paths would do, without hashing new files. */
  async preflight(paths: string[]): Promise<Preflight> {
    const out: Preflight = { total: 0, new: 0, knownUnchanged: 0, previouslyFailed: 0, unsupported: 0, unsupportedFiles: [] };
    const failedByPath = this.library.db.prepare<[string], { id: number }>('SELECT id FROM failed_files WHERE file_path = ? LIMIT 1');
    for await (const e of scan(paths)) {
      if (e.type === 'unsupported') {
        out.unsupported++;
        if (out.unsupportedFiles.length < UNSUPPORTED_LISTED) out.unsupportedFiles.push(unsupportedFile(e.path));
        continue;
      }
      out.total++;
      if (e.type === 'error') {
        if (failedByPath.get(e.path)) out.previouslyFailed++;
        else out.new++;
        continue;
      }
      const hash = this.library.fileIndex.hashIfUnchanged(e.path, e.size, e.mtimeMs);
      if (hash && this.library.documents.idForHash(hash) !== undefined) out.knownUnchanged++;
      else if ((hash && this.library.failed.failedIdForHash(hash) !== undefined) || failedByPath.get(e.path)) out.previouslyFailed++;
      else out.new++;
    }
    return out;
  }

  resolveSelection(sel: { ids: number[] } | { filter: FailedFilter; all: true }, current?: SettingsFingerprint): number[] {
    return 'ids' in sel ? sel.ids : this.library.failed.idsMatching(sel.filter, current);
  }

  reset(ids: number[]): FailedFile[] {
    return this.library.failed.reset(ids, nowSec());
  }

  /** Files, AI calls and tokens a reprocess of these rows would cost. */
  async estimate(ids: number[], ai: AiSettings): Promise<ReprocessEstimate> {
    const rows = this.library.failed.getMany(ids);
    const remote = ai.provider !== 'local';
    let tokens = 0;
    let aiCalls = 0;
    let missingFiles = 0;
    for (const r of rows) {
      const size = await stat(this.library.rawPaths.get(r.filePath) ?? r.filePath).then((s) => s.size, () => -1);
      if (size < 0) {
        missingFiles++;
        continue;
      }
      // ~4 bytes per token of text, trimmed to the 6 000-token budget, plus the prompt; one classify + embedding batches.
      const docTokens = Math.min(6000, Math.ceil(Math.min(size, 200_000) / 4)) + 400;
      tokens += docTokens * 2;
      aiCalls += 1 + Math.max(1, Math.ceil(Math.min(size, 2_000_000) / 1000 / 64));
    }
    return { files: rows.length - missingFiles, aiCalls: remote ? aiCalls : 0, tokens: remote ? tokens : 0, missingFiles };
  }

  /**
   * Reset these rows and ingest their files now (skip-failed off for them),
   * reporting per file: succeeded / failed the same way / failed differently.
   */
  async reprocess(ids: number[], options: Omit<RunOptions, 'paths'>, hooks: RunHooks = {}): Promise<ReprocessReport> {
    const before = this.library.failed.getMany(ids);
    const removed = this.library.failed.reset(before.map((r) => r.id), nowSec());
    const report: ReprocessReport = { runId: 0, succeeded: 0, failedSame: 0, failedDifferent: 0, skipped: 0, outcomes: [] };
    if (!removed.length) return report;
    const byPath = new Map(removed.map((r) => [r.filePath, r]));
    // The other copies of a failed content are tried with it (they were skipped as its failure).
    const copies = removed.flatMap((r) => r.otherPaths ?? []).filter((p) => !byPath.has(p));
    const byHash = new Map(removed.filter((r) => r.fileHash).map((r) => [r.fileHash!, r]));
    const seen = new Map<string, FileOutcome>();
    const foldersRead = new Set<string>();
    const run = this.startRun(
      { ...options, paths: [...byPath.keys(), ...copies], skipFailed: false },
      {
        ...hooks,
        onFolderRead: (dir) => {
          foldersRead.add(dir);
          hooks.onFolderRead?.(dir);
        },
        onFileDone: (f) => {
          seen.set(f.path, f);
          hooks.onFileDone?.(f);
        },
        reuseFailedId: (hash, path) => (hash ? byHash.get(hash)?.id : undefined) ?? byPath.get(path)?.id,
      },
      { reprocess: removed.length },
    );
    report.runId = run.id;
    await run.finished;
    // Files the run never got to (cancelled, stopped early) keep their failed rows and ids.
    const untried = removed.filter((r) => {
      const f = seen.get(r.filePath);
      return (!f && !foldersRead.has(r.filePath)) || f?.status === 'deferred';
    });
    if (untried.length) this.library.failed.restore(untried);
    for (const row of removed) {
      const f = seen.get(row.filePath);
      const o: ReprocessOutcome = { id: row.id, filePath: row.filePath, outcome: 'skipped' };
      if (!f && foldersRead.has(row.filePath)) {
        // A folder row: the folder could be listed this time, its files went through the run.
        o.outcome = 'succeeded';
        o.reason = 'folder read: its files were taken by this run';
      } else if (!f) {
        o.reason = 'not tried: the run stopped before it; it is still a failed file';
      } else if (f.status === 'ingested' || f.status === 'skipped_existing') {
        o.outcome = 'succeeded';
        o.documentId = f.status === 'ingested' ? f.documentId : this.library.documents.idForHash(f.hash ?? '');
      } else if (f.status === 'failed') {
        o.outcome = f.error.code === row.errorCode && f.stage === row.stage ? 'failed_same' : 'failed_different';
        o.stage = f.stage;
        o.errorCode = f.error.code;
        o.reason = f.error.reason;
      } else {
        o.reason = f.status.replace('_', ' ');
      }
      report.outcomes.push(o);
      if (o.outcome === 'succeeded') report.succeeded++;
      else if (o.outcome === 'failed_same') report.failedSame++;
      else if (o.outcome === 'failed_different') report.failedDifferent++;
      else report.skipped++;
    }
    return report;
  }

  async close(): Promise<void> {
    this.liveness.stop();
    for (const run of this.activeRuns()) run.cancel('interrupted');
    await Promise.allSettled(this.activeRuns().map((r) => r.finished));
    await this.embedder.close();
    await this.glosses.close();
    this.search.close();
    await this.extractorInstance?.extractor.close();
    this.extractorInstance = null;
    await this.closeRetiredExtractors();
    if (this.ownsLibrary) this.library.close();
  }

  private async closeRetiredExtractors(): Promise<void> {
    const retired = this.retiredExtractors.splice(0);
    await Promise.allSettled(retired.map((x) => x.close()));
  }
}
