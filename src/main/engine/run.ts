import {
  UNSUPPORTED_LISTED,
  emptyCounts,
  unsupportedFile,
  type FileKind,
  type RunCounts,
  type RunOptions,
  type RunProgress,
  type RunStatus,
  type RunSummary,
  type Stage,
  type UnsupportedFile,
} from '../../shared/domain';
import { LibraryFault, errorMessage, libraryFault } from '../../shared/errors';
import { RunStop } from './ai-gate';
import type { Library } from './library';
import { FilePipeline, classifySlots, runWorkers, type FileEntry, type FileOutcome, type InFlightStage, type PipelineDeps } from './pipeline';
import { drainBounded } from './queue';
import { scanBatches } from './scan';
import { etaSeconds } from './eta';

const PROGRESS_INTERVAL_MS = 100;
/** Files scanned ahead of the workers at most. */
const QUEUE_HIGH_WATER = 2000;

export type RunDeps = PipelineDeps;

export interface RunHooks {
  onProgress?: (p: RunProgress) => void;
  /** Per-file outcome (reprocess reports use it). */
  onFileDone?: (f: FileOutcome) => void;
  /** Reset & reprocess: the id the file's failed row had, so a new failure keeps it. */
  reuseFailedId?: (hash: string | null, path: string) => number | undefined;
  /** A folder was listed (a row saying it could not be read is cleared). */
  onFolderRead?: (path: string) => void;
}

/**
 * One ingestion run: its lifecycle (start, pause, cancel, finish), the bounded
 * queue from the scanner to the workers (see runWorkers), and progress. Each file goes
 * through the FilePipeline; every file ends as a document, a skip, or a
 * failed_files row — never half stored.
 */
export class Run {
  readonly id: number;
  private readonly startedAt = Date.now();
  private readonly counts: RunCounts = emptyCounts();
  private status: RunStatus = 'running';
  private message: string | undefined;
  private total = 0;
  private done = 0;
  private scanning = true;
  private readonly inFlight = new Map<string, InFlightStage>();
  private readonly abort = new AbortController();
  private stopRequested: { status: RunStatus; message?: string } | null = null;
  private pausedGate: { promise: Promise<void>; release: () => void } | null = null;
  private readonly pipeline: FilePipeline;
  /** Time spent paused: elapsed, rate and ETA stand still while the run is paused. */
  private pausedMs = 0;
  private pausedSince: number | null = null;
  /** For the ETA: files waiting per kind, files being worked on, and measured time per file of each kind. */
  private readonly waitingByKind = new Map<FileKind, number>();
  private readonly working = new Map<string, { kind: FileKind; since: number }>();
  private readonly costByKind = new Map<FileKind, { ms: number; n: number }>();
  private durationMs = 0;
  private readonly unsupportedFiles: UnsupportedFile[] = [];
  private readonly linksNotFollowed: { path: string; target: string }[] = [];
  private linksNotFollowedCount = 0;
  /** The library itself failed: the run stopped for it and blamed no file. */
  private fault: LibraryFault | null = null;
  readonly finished: Promise<RunSummary>;

  /** Some document of this run was stored without vectors, for the background embedder. */
  get embedsPending(): boolean {
    return this.pipeline.embedsPending;
  }

  constructor(
    private readonly deps: RunDeps,
    readonly options: RunOptions,
    private readonly hooks: RunHooks = {},
    runRecordOptions: Record<string, unknown> = {},
  ) {
    const { ai: _ai, ...rest } = options;
    // The models that actually ran: the local provider ignores the chat/embedding model fields of Settings.
    const { provider } = deps;
    const ai = { provider: provider.name, chatModel: provider.chatModel, embedModel: provider.embedModel };
    try {
      this.id = deps.library.runs.start(options.paths, { ...rest, ai, ...runRecordOptions }, this.startedAt);
    } catch (e) {
      throw libraryFault(e) ?? e;
    }
    this.pipeline = new FilePipeline(deps, {
      id: this.id,
      options,
      signal: this.abort.signal,
      setStage: (path, stage) => this.inFlight.set(path, stage),
      settle: (o) => this.settle(o),
      note: (m) => (this.message = m),
      reuseFailedId: (hash, path) => hooks.reuseFailedId?.(hash, path),
    });
    this.finished = this.execute();
  }

  /** Workers finish the file they hold, then wait. */
  pause(): void {
    if (this.pausedGate || this.status !== 'running') return;
    let release!: () => void;
    const promise = new Promise<void>((r) => (release = r));
    this.pausedGate = { promise, release };
    this.pausedSince = Date.now();
    // The record says paused, and how far it got: the run list and the run card read the same counts.
    this.saveLiveStatus('paused');
    this.checkpointNow();
    this.emitProgress();
  }

  resume(): void {
    const gate = this.pausedGate;
    this.pausedGate = null;
    if (this.pausedSince !== null) this.pausedMs += Date.now() - this.pausedSince;
    this.pausedSince = null;
    if (gate) this.saveLiveStatus('running');
    gate?.release();
    this.emitProgress();
  }

  private saveLiveStatus(status: 'running' | 'paused'): void {
    try {
      this.deps.library.runs.setLive(this.id, status);
    } catch {
      // The card still says it; a library locked by another program must not stop the run.
    }
  }

  private checkpointNow(): void {
    try {
      this.deps.library.runs.checkpoint(this.id, this.counts);
    } catch {
      // Only a progress save: a library locked by another program must not stop the run.
    }
  }

  /** Stops taking new files; in-flight AI calls are aborted and those files stay untouched. */
  cancel(status: 'cancelled' | 'interrupted' = 'cancelled'): void {
    if (this.stopRequested) return;
    this.stopRequested = { status };
    this.abort.abort();
    this.resume();
  }

  /** Time the run has been working: wall time minus time spent paused. */
  private activeMs(now = Date.now()): number {
    return now - this.startedAt - this.pausedMs - (this.pausedSince !== null ? now - this.pausedSince : 0);
  }

  /** Seconds left (see etaSeconds); null while the scan is still finding files or while paused. */
  private etaSec(now: number): number | null {
    if (this.scanning || this.pausedGate || this.status !== 'running') return null;
    return etaSeconds({ waiting: this.waitingByKind, working: [...this.working.values()], cost: this.costByKind, workers: this.workers(), now });
  }

  /** Files worked on at once (the ETA's parallelism): the run's concurrency. */
  private workers(): number {
    return classifySlots(this.options.concurrency);
  }

  progress(): RunProgress {
    const now = Date.now();
    const elapsedMs = this.status === 'running' ? this.activeMs(now) : this.durationMs;
    const rate = elapsedMs > 0 ? (this.done / elapsedMs) * 1000 : 0;
    const inStage: Partial<Record<Stage, number>> = {};
    const current: RunProgress['current'] = [];
    for (const [path, stage] of this.inFlight) {
      if (stage !== 'scan' && stage !== 'skip_check') inStage[stage] = (inStage[stage] ?? 0) + 1;
      if (current.length < 16) current.push({ path, stage });
    }
    return {
      runId: this.id,
      ...this.counts,
      failedByStage: { ...this.counts.failedByStage },
      status: this.pausedGate && this.status === 'running' ? 'paused' : this.status,
      total: this.total,
      done: this.done,
      scanning: this.scanning,
      current,
      inStage,
      ratePerSec: Math.round(rate * 10) / 10,
      etaSec: this.etaSec(now),
      elapsedMs,
      message: this.message,
    };
  }

  /** Counts one file's end and reports it. */
  private settle(o: FileOutcome): void {
    if (o.status === 'unsupported') this.counts.unsupported++;
    else if (o.status !== 'deferred') this.done++;
    if (o.status === 'ingested') this.counts.ingested++;
    else if (o.status === 'skipped_existing') this.counts.skippedExisting++;
    else if (o.status === 'skipped_failed') this.counts.skippedFailed++;
    else if (o.status === 'failed') {
      this.counts.failed++;
      this.counts.failedByStage[o.stage] = (this.counts.failedByStage[o.stage] ?? 0) + 1;
    }
    this.hooks.onFileDone?.(o);
  }

  private emitProgress(): void {
    this.hooks.onProgress?.(this.progress());
  }

  private async execute(): Promise<RunSummary> {
    const { library } = this.deps;
    let lastCheckpoint = Date.now();
    const progressTimer = setInterval(() => {
      this.emitProgress();
      if (Date.now() - lastCheckpoint > 2000) {
        lastCheckpoint = Date.now();
        try {
          library.runs.checkpoint(this.id, this.counts);
        } catch {
          // Only a progress save: a library locked by another program must not crash the process from a timer.
        }
      }
    }, PROGRESS_INTERVAL_MS);
    try {
      await this.processAll();
      // Files that found the AI down, but fewer than the pause limit: genuine failures.
      if (!this.stopRequested) await this.pipeline.gate.flush();
    } catch (e) {
      const fault = libraryFault(e);
      if (fault) {
        this.fault = fault;
        this.stopRequested = { status: 'interrupted', message: fault.message };
      } else if (e instanceof RunStop) {
        this.stopRequested ??= { status: e.status, message: e.message };
      } else {
        this.stopRequested ??= { status: 'interrupted', message: `Run stopped by an unexpected error: ${errorMessage(e)}` };
      }
    } finally {
      clearInterval(progressTimer);
    }
    library.writer.flush();
    this.durationMs = this.activeMs();
    this.status = this.stopRequested?.status ?? 'completed';
    this.message = this.stopRequested?.message ?? this.message;
    await this.saveFinish(library);
    this.emitProgress();
    return {
      runId: this.id,
      status: this.status,
      ...this.counts,
      durationMs: this.durationMs,
      unsupportedFiles: this.unsupportedFiles,
      ...(this.linksNotFollowed.length ? { linksNotFollowed: this.linksNotFollowed } : {}),
      ...(this.message ? { message: this.message } : {}),
      ...(this.fault ? { libraryFault: this.fault.kind } : {}),
    };
  }

  /** Records the outcome; a library locked by another program for longer than busy_timeout gets a few more tries. */
  private async saveFinish(library: Library): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        library.writer.flush();
        library.runs.finish(this.id, this.status, this.counts, this.message ?? null, Date.now(), this.durationMs);
        return;
      } catch (e) {
        // A damaged, full or read-only library will not take the record by waiting (a later start marks it interrupted).
        if (this.fault) return;
        const fault = libraryFault(e);
        if (fault) {
          this.fault = fault;
          this.message = fault.message;
          return;
        }
        if (attempt >= 20) {
          this.message = `${this.message ? `${this.message} ` : ''}The run's record could not be saved: ${errorMessage(e)}`;
          return;
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  /** The scanner feeds a bounded queue; workers drain it through the pipeline (see runWorkers). */
  private async processAll(): Promise<void> {
    await drainBounded<FileEntry>({
      workers: runWorkers(this.options.concurrency, this.deps.provider),
      highWater: QUEUE_HIGH_WATER,
      signal: this.abort.signal,
      stopped: () => this.stopRequested !== null,
      gate: () => {
        if (!this.pausedGate) return undefined;
        // This worker is idle now: the saved counts include the file it just finished.
        this.checkpointNow();
        this.emitProgress();
        return this.pausedGate.promise;
      },
      produce: async (push, halted) => {
        try {
          const onFolderRead = (dir: string) => {
            this.pipeline.folderRead(dir);
            this.hooks.onFolderRead?.(dir);
          };
          for await (const batch of scanBatches(this.options.paths, {
            signal: this.abort.signal,
            allowedRoots: this.options.allowedRoots,
            onFolderRead,
            rawOf: (p) => this.deps.library.rawPaths.get(p),
            followSymlinks: this.options.followSymlinks ?? false,
            onLinkNotFollowed: (path, target) => {
              if (this.linksNotFollowed.length < UNSUPPORTED_LISTED) this.linksNotFollowed.push({ path, target });
              // Said once in the run's message (the summary lists them): not read, and how to have them read.
              this.message ??= `Linked folders leading outside the chosen folders were not followed (e.g. ${path} → ${target}); turn on "Follow linked folders" in Settings or pass --follow-symlinks to read them.`;
            },
          })) {
            // A paused run settles nothing, not even the files it can settle without a worker.
            while (this.pausedGate && !halted()) await this.pausedGate.promise;
            if (halted()) break;
            const files: FileEntry[] = [];
            for (const entry of batch) {
              this.counts.scanned++;
              if (entry.type === 'unsupported') {
                if (this.unsupportedFiles.length < UNSUPPORTED_LISTED) this.unsupportedFiles.push(unsupportedFile(entry.path));
                this.settle({ path: entry.path, hash: null, status: 'unsupported' });
                continue;
              }
              this.total++;
              if (entry.type === 'error') await this.pipeline.recordScanError(entry);
              else files.push(entry);
            }
            // Unchanged files already stored are settled here in one lookup; the rest go to the workers.
            for (const entry of this.pipeline.settleUnchanged(files, () => this.pausedGate !== null || halted())) {
              if (halted()) break;
              this.waitingByKind.set(entry.kind, (this.waitingByKind.get(entry.kind) ?? 0) + 1);
              await push(entry);
            }
          }
        } finally {
          this.scanning = false;
        }
      },
      task: (entry, detach) => {
        this.waitingByKind.set(entry.kind, (this.waitingByKind.get(entry.kind) ?? 1) - 1);
        const since = Date.now();
        this.working.set(entry.path, { kind: entry.kind, since });
        return this.pipeline.process(entry, detach).finally(() => {
          this.working.delete(entry.path);
          const cost = this.costByKind.get(entry.kind) ?? { ms: 0, n: 0 };
          cost.ms += Date.now() - since;
          cost.n++;
          this.costByKind.set(entry.kind, cost);
          this.inFlight.delete(entry.path);
          // A file finishing while paused: the record and the card move together.
          if (this.pausedGate) {
            this.checkpointNow();
            this.emitProgress();
          }
        });
      },
    });
  }
}
