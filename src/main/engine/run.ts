import { stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { extname } from 'node:path';
import { UNSUPPORTED_LISTED, emptyCounts, unsupportedFile, type UnsupportedFile, type FileKind, type RunCounts, type RunOptions, type RunProgress, type RunStatus, type RunSummary, type Stage } from '../../shared/domain';
import { cleanExtractedText } from '../../shared/clean-text';
import { IntakeError, errorMessage, isIntakeError } from '../../shared/errors';
import { dimensionChanged } from '../ai/openai';
import type { AiProvider } from '../ai/types';
import type { ExtractResult, Extractor } from '../extract/types';
import { MIME_BY_EXT } from '../extract/types';
import { quickTextResult } from '../extract/text';
import { nowSec } from '../db/connection';
import type { Library } from './library';
import { chunkText } from './chunk';
import { sha256File } from './hash';
import { filenameOf, kindOf, scan, type ScanEntry } from './scan';
import { isInsufficient, meaningfulChars } from './text-quality';

/** How many files in a row may find the AI endpoint unreachable before the run pauses. */
export const AI_DOWN_LIMIT = 3;
/** Text kept in the library per document. */
const MAX_CONTENT_CHARS = 2_000_000;
const PROGRESS_INTERVAL_MS = 100;
/** Text files up to this size are decoded in-process from the bytes just hashed: an IPC round trip to the extractor costs more than the decode. */
const IN_PROCESS_TEXT_BYTES = 256 * 1024;

export interface RunDeps {
  library: Library;
  extractor: () => Promise<Extractor>;
  provider: AiProvider;
  fingerprint: Record<string, unknown>;
}

export interface RunHooks {
  onProgress?: (p: RunProgress) => void;
  /** Per-file outcome (reprocess reports use it). */
  onFileDone?: (f: FileOutcome) => void;
  /** Reset & reprocess: the id the file's failed row had, so a new failure keeps it. */
  reuseFailedId?: (hash: string | null, path: string) => number | undefined;
}

export type FileOutcome =
  | { path: string; hash: string | null; status: 'ingested'; documentId: number }
  | { path: string; hash: string | null; status: 'skipped_existing' | 'skipped_failed' | 'unsupported' | 'deferred' }
  | { path: string; hash: string | null; status: 'failed'; stage: Stage; error: IntakeError };

type FileEntry = Extract<ScanEntry, { type: 'file' }>;

/** Raised inside a file's processing to stop the whole run (AI down, bad key). */
class RunStop extends Error {
  constructor(
    readonly status: RunStatus,
    message: string,
  ) {
    super(message);
  }
}

/**
 * One ingestion run: scan → hash → skip check → extract → OCR → classify →
 * embed → store, `concurrency` files at a time. Every file ends as a document,
 * a skip, or a failed_files row — never half stored.
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
  private readonly inFlight = new Map<string, Stage | 'scan' | 'skip_check'>();
  private readonly abort = new AbortController();
  private stopRequested: { status: RunStatus; message?: string } | null = null;
  private pausedGate: { promise: Promise<void>; release: () => void } | null = null;
  private aiDownStreak: { entry: FileEntry; hash: string; stage: Stage; error: IntakeError }[] = [];
  /** Set once an AI call of this run succeeded; until then calls are serialized (one probe at a time). */
  private aiProven = false;
  private aiProbe: Promise<void> | null = null;
  /** The run is stopping for an AI reason: no more AI calls. */
  private aiHalted = false;
  private readonly inRunHashes = new Map<string, Promise<void>>();
  /** path → dev:ino:size:mtime:ctime of the file as hashed. */
  private readonly identities = new Map<string, string>();
  /** The vector size the library holds for the run's embedding model (null: none stored yet). */
  private libraryDim: number | null | undefined;
  private progressTimer: NodeJS.Timeout | null = null;
  /** Time spent paused: elapsed, rate and ETA stand still while the run is paused. */
  private pausedMs = 0;
  private pausedSince: number | null = null;
  /** For the ETA: files waiting per kind, files being worked on, and measured time per file of each kind. */
  private readonly waitingByKind = new Map<FileKind, number>();
  private readonly working = new Map<string, { kind: FileKind; since: number }>();
  private readonly costByKind = new Map<FileKind, { ms: number; n: number }>();
  private durationMs = 0;
  private readonly unsupportedFiles: UnsupportedFile[] = [];
  private lastCheckpoint = Date.now();
  /** Some document of this run was stored without vectors, for the background embedder. */
  embedsPending = false;
  readonly finished: Promise<RunSummary>;

  constructor(
    private readonly deps: RunDeps,
    private readonly options: RunOptions,
    private readonly hooks: RunHooks = {},
    runRecordOptions: Record<string, unknown> = {},
  ) {
    const { ai: _ai, ...rest } = options;
    // The models that actually ran: the local provider ignores the chat/embedding model fields of Settings.
    const { provider } = deps;
    const ai = { provider: provider.name, chatModel: provider.chatModel, embedModel: provider.embedModel };
    this.id = deps.library.runs.start(options.paths, { ...rest, ai, ...runRecordOptions }, this.startedAt);
    this.finished = this.execute();
  }

  /** Workers finish the file they hold, then wait. */
  pause(): void {
    if (this.pausedGate || this.status !== 'running') return;
    let release!: () => void;
    const promise = new Promise<void>((r) => (release = r));
    this.pausedGate = { promise, release };
    this.pausedSince = Date.now();
    // The record says how far it got when it paused: the run list and the run card read the same counts.
    this.checkpointNow();
    this.emitProgress();
  }

  resume(): void {
    const gate = this.pausedGate;
    this.pausedGate = null;
    if (this.pausedSince !== null) this.pausedMs += Date.now() - this.pausedSince;
    this.pausedSince = null;
    gate?.release();
    this.emitProgress();
  }

  private checkpointNow(): void {
    try {
      this.deps.library.runs.checkpoint(this.id, this.counts);
    } catch {
      // Only a progress save: a library locked by another program must not stop the run.
    }
  }

  get isPaused(): boolean {
    return this.pausedGate !== null;
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

  /**
   * Seconds left, from what is left: files waiting and in hand, each costed at the measured time
   * per file of its kind (an OCR'd image costs far more than a text file). Null while the scan
   * is still finding files, while paused, or while a kind still waiting has no measurement yet.
   */
  private etaSec(now: number): number | null {
    if (this.scanning || this.pausedGate || this.status !== 'running') return null;
    const avg = (k: FileKind): number | null => {
      const c = this.costByKind.get(k);
      return c && c.n > 0 ? c.ms / c.n : null;
    };
    let work = 0;
    let longest = 0;
    for (const [kind, n] of this.waitingByKind) {
      if (n <= 0) continue;
      const a = avg(kind);
      if (a === null) return null;
      work += n * a;
    }
    for (const { kind, since } of this.working.values()) {
      const a = avg(kind);
      if (a === null) return null;
      const left = Math.max(a - (now - since), a * 0.1);
      work += left;
      longest = Math.max(longest, left);
    }
    const n = Math.max(1, Math.min(64, this.options.concurrency));
    return Math.round(Math.max(work / n, longest) / 1000);
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

  private emitProgress(): void {
    this.hooks.onProgress?.(this.progress());
  }

  private async execute(): Promise<RunSummary> {
    const { library } = this.deps;
    this.progressTimer = setInterval(() => {
      this.emitProgress();
      if (Date.now() - this.lastCheckpoint > 2000) {
        this.lastCheckpoint = Date.now();
        try {
          library.runs.checkpoint(this.id, this.counts);
        } catch {
          // Only a progress save: a library locked by another program must not crash the process from a timer.
        }
      }
    }, PROGRESS_INTERVAL_MS);
    try {
      await this.processAll();
    } catch (e) {
      if (e instanceof RunStop) {
        this.stopRequested ??= { status: e.status, message: e.message };
      } else {
        this.stopRequested ??= { status: 'interrupted', message: `Run stopped by an unexpected error: ${errorMessage(e)}` };
      }
    } finally {
      clearInterval(this.progressTimer);
    }
    // Files that found the AI down, but fewer than the pause limit: genuine failures.
    if (!this.stopRequested && this.aiDownStreak.length) await this.flushAiDownStreak();
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
      ...(this.message ? { message: this.message } : {}),
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
        if (attempt >= 20) {
          this.message = `${this.message ? `${this.message} ` : ''}The run's record could not be saved: ${errorMessage(e)}`;
          return;
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  }

  /** The scanner feeds a bounded queue; `concurrency` workers drain it. */
  private async processAll(): Promise<void> {
    const queue: FileEntry[] = [];
    const waiters: (() => void)[] = [];
    const spaceWaiters: (() => void)[] = [];
    const HIGH_WATER = 2000;
    let producerDone = false;
    let fatal: unknown = null;

    const wake = () => waiters.splice(0).forEach((w) => w());

    const producer = (async () => {
      try {
        for await (const entry of scan(this.options.paths, { signal: this.abort.signal, allowedRoots: this.options.allowedRoots })) {
          if (this.stopRequested || fatal) break;
          this.counts.scanned++;
          if (entry.type === 'unsupported') {
            this.counts.unsupported++;
            if (this.unsupportedFiles.length < UNSUPPORTED_LISTED) this.unsupportedFiles.push(unsupportedFile(entry.path));
            this.hooks.onFileDone?.({ path: entry.path, hash: null, status: 'unsupported' });
            continue;
          }
          this.total++;
          if (entry.type === 'error') {
            await this.recordFailure(entry.path, null, 'hash', new IntakeError(entry.code, scanReason(entry.code), { message: entry.message }));
            this.done++;
            continue;
          }
          queue.push(entry);
          this.waitingByKind.set(entry.kind, (this.waitingByKind.get(entry.kind) ?? 0) + 1);
          wake();
          if (queue.length >= HIGH_WATER) {
            await new Promise<void>((r) => {
              spaceWaiters.push(r);
              // A cancel must not leave the scanner waiting for room that never comes.
              this.abort.signal.addEventListener('abort', () => r(), { once: true });
            });
          }
        }
      } finally {
        producerDone = true;
        this.scanning = false;
        wake();
      }
    })();

    const worker = async () => {
      for (;;) {
        if (this.pausedGate) {
          // This worker is idle now: the saved counts include the file it just finished.
          this.checkpointNow();
          this.emitProgress();
          await this.pausedGate.promise;
        }
        if (this.stopRequested || fatal) return;
        const entry = queue.shift();
        if (queue.length < HIGH_WATER / 2) spaceWaiters.splice(0).forEach((w) => w());
        if (!entry) {
          if (producerDone) return;
          await new Promise<void>((r) => waiters.push(r));
          continue;
        }
        this.waitingByKind.set(entry.kind, (this.waitingByKind.get(entry.kind) ?? 1) - 1);
        const since = Date.now();
        this.working.set(entry.path, { kind: entry.kind, since });
        // A file hands its worker back once it is classified (detach): its embeddings and store
        // go on while the worker classifies the next file, so AI round trips overlap.
        let detach!: () => void;
        const detached = new Promise<void>((r) => (detach = r));
        const task: Promise<void> = this.processFile(entry, detach)
          .catch((e) => {
            fatal ??= e;
            spaceWaiters.splice(0).forEach((w) => w());
          })
          .finally(() => {
            this.working.delete(entry.path);
            const cost = this.costByKind.get(entry.kind) ?? { ms: 0, n: 0 };
            cost.ms += Date.now() - since;
            cost.n++;
            this.costByKind.set(entry.kind, cost);
            this.inFlight.delete(entry.path);
            tails.delete(task);
            // A file finishing while paused: the record and the card move together.
            if (this.pausedGate) {
              this.checkpointNow();
              this.emitProgress();
            }
          });
        tails.add(task);
        await Promise.race([task, detached]);
        while (tails.size > 2 * n) await Promise.race(tails);
      }
    };

    const n = Math.max(1, Math.min(64, this.options.concurrency));
    const tails = new Set<Promise<void>>();
    await Promise.all([producer, ...Array.from({ length: n }, worker)]);
    await Promise.all(tails);
    if (fatal) throw fatal;
  }

  private setStage(path: string, stage: Stage | 'scan' | 'skip_check'): void {
    this.inFlight.set(path, stage);
  }

  /**
   * One file, start to end. A file replaced while it was being read (hashed as one version,
   * extracted as another) is started again from its current bytes, up to 3 times.
   */
  private async processFile(entry: FileEntry, detach: () => void = () => undefined, attempt = 1): Promise<void> {
    try {
      await this.processFileOnce(entry, detach, attempt > 1);
      this.identities.delete(entry.path);
    } catch (e) {
      if (!(e instanceof FileReplaced)) throw e;
      this.identities.delete(entry.path);
      const now = await stat(entry.path).catch(() => null);
      if (now && attempt < 3) return this.processFile({ ...entry, size: now.size, mtimeMs: now.mtimeMs }, detach, attempt + 1);
      await this.recordFailure(
        entry.path,
        null,
        'extract_text',
        now
          ? new IntakeError('file_busy', 'file kept changing while being read', { message: `The file was replaced or rewritten during each of ${attempt} tries; it is tried again next run.` })
          : new IntakeError('file_vanished', 'file vanished before it could be read', { message: 'The file was removed while it was being read.' }),
      );
      this.done++;
    }
  }

  /** Identity of the hashed file; extraction must read the same one (an atomic replace changes the inode). */
  private async rememberIdentity(path: string, st?: Stats): Promise<void> {
    const s = st ?? (await stat(path));
    this.identities.set(path, `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`);
  }

  /** Throws FileReplaced when the file at `path` is no longer the one that was hashed. */
  private async checkSameFile(path: string): Promise<void> {
    const want = this.identities.get(path);
    if (want === undefined) return;
    const s = await stat(path).catch(() => null);
    if (!s || `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}` !== want) throw new FileReplaced();
  }

  private async processFileOnce(entry: FileEntry, detach: () => void, rehash: boolean): Promise<void> {
    const { library } = this.deps;
    const path = entry.path;
    this.setStage(path, 'hash');

    // hash — the file_index shortcut skips re-hashing unchanged files.
    let hash = rehash ? undefined : library.fileIndex.hashIfUnchanged(path, entry.size, entry.mtimeMs);
    let content: Buffer | undefined;
    if (hash) {
      try {
        await this.rememberIdentity(path);
      } catch {
        hash = undefined; // gone or unreadable since the scan: hashing says which
      }
    }
    if (!hash) {
      try {
        const hashed = await sha256File(path, { sizeHint: entry.size, keepUpTo: entry.kind === 'text' ? IN_PROCESS_TEXT_BYTES : -1, signal: this.abort.signal });
        hash = hashed.hash;
        content = hashed.content;
        const after = await stat(path);
        await this.rememberIdentity(path, after);
        if (after.size !== entry.size || after.mtimeMs !== entry.mtimeMs) {
          throw new IntakeError('file_busy', 'file changed while being read', {
            message: `size/mtime changed during hashing (${entry.size} → ${after.size} bytes); it is probably still being written`,
          });
        }
        const h = hash;
        void library.writer.run(() => library.fileIndex.upsert(path, entry.size, entry.mtimeMs, h, nowSec())).catch(() => undefined);
      } catch (e) {
        if (this.abort.signal.aborted) {
          // Interrupted mid-hash: the file is untouched and tried again next run.
          this.hooks.onFileDone?.({ path, hash: null, status: 'deferred' });
          return;
        }
        await this.recordFailure(path, null, 'hash', toHashError(e));
        this.done++;
        return;
      }
    }

    // skip check — the same content twice in one run waits for the first copy.
    this.setStage(path, 'skip_check');
    const earlier = this.inRunHashes.get(hash);
    if (earlier) await earlier;
    const docId = library.documents.idForHash(hash);
    if (docId !== undefined) {
      const h = hash;
      void library.writer.run(() => library.documents.addPath(docId, path, nowSec())).catch(() => undefined);
      this.counts.skippedExisting++;
      this.done++;
      this.hooks.onFileDone?.({ path, hash: h, status: 'skipped_existing' });
      return;
    }
    // A failure belongs to the bytes and the way they were read: the same bytes under another
    // extension (a .txt beside a failed .docx) take another route and are tried.
    const failedPath = library.failed.failedIdForHash(hash) !== undefined ? library.failed.failedPathForHash(hash) : undefined;
    if (failedPath !== undefined && kindOf(failedPath) === entry.kind && (this.options.skipFailed || earlier)) {
      this.counts.skippedFailed++;
      this.done++;
      this.hooks.onFileDone?.({ path, hash, status: 'skipped_failed' });
      return;
    }
    let release!: () => void;
    this.inRunHashes.set(hash, new Promise<void>((r) => (release = r)));
    try {
      await this.ingest(entry, hash, content, detach);
    } finally {
      release();
    }
  }

  /** Extract → OCR → classify → embed → store, applying the terminal-failure rules of SPEC §2. */
  private async ingest(entry: FileEntry, hash: string, content?: Buffer, detach: () => void = () => undefined): Promise<void> {
    const path = entry.path;
    const { ocr: ocrEnabled } = this.options;
    let stage: Stage = 'extract_text';
    try {
      if (entry.size === 0) throw new IntakeError('file_empty', 'file is empty', { message: 'The file has 0 bytes: there is nothing to read.' });
      // extract_text
      let extracted: ExtractResult;
      if (entry.kind === 'image') {
        if (!ocrEnabled) throw new IntakeError('text_insufficient', 'insufficient text; OCR disabled', { message: 'An image has no text layer: it needs OCR, which is disabled.', stage });
        stage = 'ocr';
        extracted = await this.runOcr(path, entry.kind);
      } else {
        this.setStage(path, 'extract_text');
        extracted = (content && quickTextResult(content)) || (await this.extractor().then((x) => x.extractText(path, entry.kind)));
        // Read by path in another process: make sure it was the file that was hashed.
        if (!content) await this.checkSameFile(path);
        extracted.text = cleanExtractedText(extracted.text);
        if (isInsufficient(extracted.text)) {
          const n = meaningfulChars(extracted.text);
          if (!ocrEnabled) {
            throw new IntakeError('text_insufficient', 'insufficient text; OCR disabled', { message: `Only ${n} meaningful characters of text were found and OCR is disabled.` });
          }
          if (entry.kind !== 'pdf') {
            throw new IntakeError('text_insufficient', 'insufficient text', { message: `Only ${n} meaningful characters of text were found.` });
          }
          stage = 'ocr';
          extracted = await this.runOcr(path, entry.kind);
        }
      }

      // classify — on text-layer content, a failure earns one OCR retry when OCR is on.
      stage = 'classify';
      let text = extracted.text.slice(0, MAX_CONTENT_CHARS);
      let classification;
      try {
        classification = await this.aiCall(entry, hash, () => this.deps.provider.classify(text, { signal: this.abort.signal, filename: filenameOf(path) }));
      } catch (e) {
        if (!isIntakeError(e) || !ocrEnabled || extracted.source !== 'pdf') throw e;
        stage = 'ocr';
        extracted = await this.runOcr(path, entry.kind);
        text = extracted.text.slice(0, MAX_CONTENT_CHARS);
        stage = 'classify';
        try {
          classification = await this.aiCall(entry, hash, () => this.deps.provider.classify(text, { signal: this.abort.signal, filename: filenameOf(path) }));
        } catch (e2) {
          if (!isIntakeError(e2)) throw e2;
          throw new IntakeError(e2.code, `${e2.reason} (after OCR)`, { message: `${e2.message} — the text layer failed first (${e.reason}), then the OCR text failed too.`, failureClass: e2.failureClass });
        }
      }

      // embeddings — the worker may take the next file meanwhile.
      detach();
      stage = 'embeddings';
      this.setStage(path, 'embeddings');
      const pieces = chunkText(text);
      // The local encoder embeds in the background (see embedder.ts): the document is stored now.
      const later = this.deps.provider.embedsInBackground;
      const vectors = pieces.length && !later ? await this.aiCall(entry, hash, () => this.deps.provider.embed(pieces, { signal: this.abort.signal }).then((v) => this.checkDimension(v))) : [];
      if (!later && vectors.length !== pieces.length) throw new IntakeError('ai_bad_output', 'wrong number of embeddings', { message: `asked for ${pieces.length}, got ${vectors.length}` });
      if (later && pieces.length) this.embedsPending = true;

      // db_insert — one transaction: document, path, chunks, FTS, clearing the failure.
      stage = 'db_insert';
      this.setStage(path, 'db_insert');
      const at = nowSec();
      const { library } = this.deps;
      const stored = await library.writer.run(() => {
        // Another writer on this library (the app and the CLI share it) may have stored the same content meanwhile.
        const existing = library.documents.idForHash(hash);
        if (existing !== undefined) {
          library.documents.addPath(existing, path, at);
          return { id: existing, fresh: false };
        }
        const id = library.documents.insert({
          fileHash: hash,
          filePath: path,
          filename: filenameOf(path),
          size: entry.size,
          mimeType: MIME_BY_EXT[extname(path).toLowerCase()] ?? 'application/octet-stream',
          content: text,
          contentSource: extracted.source,
          extraction: extracted.extraction,
          classification: classification!,
          aiProvider: this.deps.provider.name,
          aiModel: this.deps.provider.chatModel,
          chunks: pieces.map((t, i) => ({ text: t, embedding: vectors[i] ?? null })),
          embeddingModel: this.deps.provider.embedModel,
          at,
        });
        library.failed.clearOnSuccess(hash, path, this.id, at);
        return { id, fresh: true };
      });
      this.done++;
      if (!stored.fresh) {
        this.counts.skippedExisting++;
        this.hooks.onFileDone?.({ path, hash, status: 'skipped_existing' });
        return;
      }
      this.counts.ingested++;
      this.hooks.onFileDone?.({ path, hash, status: 'ingested', documentId: stored.id });
    } catch (e) {
      if (e instanceof RunStop || e instanceof FileReplaced) throw e;
      if (e instanceof DeferredAiDown) return; // counted when the streak is decided
      if (this.abort.signal.aborted) {
        // Cancelled mid-file (Ctrl-C may have hit the extractor too): leave it untouched for the next run.
        this.hooks.onFileDone?.({ path, hash, status: 'deferred' });
        return;
      }
      const err = isIntakeError(e) ? e : toUnknown(e, stage);
      await this.recordFailure(path, hash, err.stage ?? (stage === 'db_insert' && !isIntakeError(e) ? 'db_insert' : stage), err);
      this.done++;
    }
  }

  /** Vectors of another size than the library holds for this model would break meaning search: a configuration error. */
  private checkDimension(vectors: Float32Array[]): Float32Array[] {
    const { provider, library } = this.deps;
    this.libraryDim ??= library.documents.embeddingDimension(provider.embedModel) ?? null;
    const dim = vectors[0]?.length;
    if (dim !== undefined && this.libraryDim !== null && dim !== this.libraryDim) {
      throw dimensionChanged(provider.embedModel, provider.name === 'openai' ? 'the AI server' : 'the local encoder', this.libraryDim, dim);
    }
    return vectors;
  }

  private extractor(): Promise<Extractor> {
    return this.deps.extractor();
  }

  private async runOcr(path: string, kind: FileKind): Promise<ExtractResult> {
    this.setStage(path, 'ocr');
    try {
      const res = await (await this.extractor()).ocr(path, kind);
      await this.checkSameFile(path);
      res.text = cleanExtractedText(res.text);
      if (isInsufficient(res.text)) {
        throw new IntakeError('ocr_no_text', 'OCR found no usable text', { message: `OCR produced ${meaningfulChars(res.text)} meaningful characters.` });
      }
      return res;
    } catch (e) {
      if (e instanceof FileReplaced) throw e;
      const err = isIntakeError(e) ? e : new IntakeError('ocr_failed', 'OCR failed', { message: errorMessage(e), cause: e });
      err.stage = 'ocr';
      throw err;
    }
  }

  /**
   * An AI call with the run-level rules: a rejected key or missing model stops
   * the run (nothing recorded); an unreachable or rate-limiting endpoint for
   * AI_DOWN_LIMIT files in a row pauses it, and those files are left untouched.
   * Until a call has succeeded, calls go one at a time, so a bad key or a dead
   * endpoint costs one request (with its retries), not one per worker.
   */
  private async aiCall<T>(entry: FileEntry, hash: string, call: () => Promise<T>): Promise<T> {
    const stage: Stage = this.inFlight.get(entry.path) === 'embeddings' ? 'embeddings' : 'classify';
    this.setStage(entry.path, stage);
    while (!this.aiProven && this.aiProbe) await this.aiProbe;
    if (this.aiHalted) throw new DeferredAiDown(); // the run is stopping: leave the file for the next one
    let probeDone: (() => void) | undefined;
    if (!this.aiProven) this.aiProbe = new Promise<void>((r) => (probeDone = r));
    try {
      const v = await call();
      this.aiProven = true;
      if (this.aiDownStreak.length) await this.flushAiDownStreak();
      return v;
    } catch (e) {
      if (!isIntakeError(e) || this.abort.signal.aborted) throw e;
      if (e.code === 'ai_bad_output') this.aiProven = true; // it answered: key, model and endpoint work
      if (e.failureClass === 'config') {
        this.aiHalted = true;
        throw new RunStop('paused', `${e.reason}: ${e.message}. Check the AI settings; the run stopped and no file was marked failed.`);
      }
      if (e.code === 'ai_connection' || e.code === 'ai_unavailable' || e.code === 'ai_rate_limited' || e.code === 'ai_server_error') {
        this.aiProven = false;
        this.aiDownStreak.push({ entry, hash, stage, error: e });
        if (this.aiDownStreak.length >= AI_DOWN_LIMIT) {
          this.aiDownStreak = [];
          this.aiHalted = true;
          const what =
            e.code === 'ai_rate_limited'
              ? `The AI service keeps rate-limiting requests (${e.reason})`
              : e.code === 'ai_server_error'
                ? `The AI server keeps failing (${e.reason}): it may be overloaded or down`
                : e.code === 'ai_unavailable'
                  ? `${e.reason}: ${e.message}`
                  : `The AI endpoint is unreachable (${e.message})`;
          throw new RunStop('paused', `${what}; the run paused after ${AI_DOWN_LIMIT} files in a row and marked none of them failed.`);
        }
        throw new DeferredAiDown();
      }
      throw e;
    } finally {
      if (probeDone) {
        this.aiProbe = null;
        probeDone();
      }
    }
  }

  /** Files that found the AI down, but fewer than the pause limit in a row: recorded with their own error. */
  private async flushAiDownStreak(): Promise<void> {
    const streak = this.aiDownStreak;
    this.aiDownStreak = [];
    for (const { entry, hash, stage, error } of streak) {
      await this.recordFailure(entry.path, hash, stage, error);
      this.done++;
    }
  }

  private async recordFailure(path: string, hash: string | null, stage: Stage, err: IntakeError): Promise<void> {
    const { library } = this.deps;
    try {
      const storedMeanwhile = await library.writer.run(() => {
        // Another writer on this library stored the same content while this run failed it: it is in, not failed.
        const docId = hash ? library.documents.idForHash(hash) : undefined;
        if (docId !== undefined) {
          library.documents.addPath(docId, path, nowSec());
          return true;
        }
        library.failed.recordFailure({
          filePath: path,
          filename: filenameOf(path),
          fileHash: hash,
          stage,
          reason: err.reason,
          errorType: err.code,
          errorMessage: err.message,
          failureClass: err.failureClass,
          errorCode: err.code,
          stack: err.stack ?? null,
          fingerprint: this.deps.fingerprint,
          runId: this.id,
          at: nowSec(),
          reuseId: this.hooks.reuseFailedId?.(hash, path),
        });
        return false;
      });
      if (storedMeanwhile) {
        this.counts.skippedExisting++;
        this.hooks.onFileDone?.({ path, hash, status: 'skipped_existing' });
        return;
      }
    } catch (e) {
      // The failure record itself could not be written: the run goes on; the file is retried next run.
      this.message = `Could not record a failure for ${path}: ${errorMessage(e)}`;
    }
    this.counts.failed++;
    this.counts.failedByStage[stage] = (this.counts.failedByStage[stage] ?? 0) + 1;
    this.hooks.onFileDone?.({ path, hash, status: 'failed', stage, error: err });
  }
}

/** The file at a path is no longer the one that was hashed: processing starts again. */
class FileReplaced extends Error {}

/** Thrown for a file that found the AI down; its fate is decided with the streak. */
class DeferredAiDown extends Error {}

function scanReason(code: string): string {
  return code === 'file_unreadable' ? 'permission denied' : code === 'file_vanished' ? 'file vanished before it could be read' : 'could not be read';
}

function toHashError(e: unknown): IntakeError {
  if (isIntakeError(e)) return e;
  const code = (e as NodeJS.ErrnoException).code;
  const message = errorMessage(e);
  if (code === 'ENOENT') return new IntakeError('file_vanished', 'file vanished before it could be read', { message });
  if (code === 'EACCES' || code === 'EPERM') return new IntakeError('file_unreadable', 'permission denied', { message });
  if (code === 'EBUSY' || code === 'ETXTBSY') return new IntakeError('file_busy', 'file is busy', { message });
  if (code === 'EISDIR') return new IntakeError('file_unreadable', 'not a regular file', { message });
  return new IntakeError('io_error', 'read error', { message });
}

function toUnknown(e: unknown, stage: Stage): IntakeError {
  const sqlite = (e as { code?: string }).code?.startsWith?.('SQLITE');
  if (stage === 'db_insert' || sqlite) {
    const err = new IntakeError('db_error', 'could not be saved to the library', { message: errorMessage(e), cause: e });
    if (e instanceof Error && e.stack) err.stack = e.stack;
    return err;
  }
  const err = new IntakeError('unknown', 'unexpected error', { message: errorMessage(e), cause: e });
  if (e instanceof Error && e.stack) err.stack = e.stack;
  err.stage = 'unknown';
  return err;
}
