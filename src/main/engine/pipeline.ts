import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import type { Classification, FileKind, RunOptions, Stage } from '../../shared/domain';
import { cleanExtractedText } from '../../shared/clean-text';
import { IntakeError, LibraryFault, errorMessage, isIntakeError, libraryFault, toFailure } from '../../shared/errors';
import { LIMITS } from '../../shared/limits';
import type { SettingsFingerprint } from '../../shared/retry';
import { insufficientWhy } from '../../shared/text-quality';
import { dimensionChanged } from '../ai/openai';
import type { AiProvider } from '../ai/types';
import { nowSec } from '../db/connection';
import { quickTextResult } from '../extract/text';
import type { ExtractResult, Extractor, OcrOptions } from '../extract/types';
import { MIME_BY_EXT } from '../extract/types';
import { AiGate, DeferredAiDown, RunStop, type AiDownFile } from './ai-gate';
import { chunkText } from './chunk';
import { glossDocument } from './glosses';
import { sha256File } from './hash';
import type { Library } from './library';
import { withTextPath } from './raw-names';
import { filenameOf, kindOf, type ScanEntry } from './scan';

/** Text kept in the library per document. */
const MAX_CONTENT_CHARS = 2_000_000;
/** Text files up to this size are decoded in-process from the bytes just hashed: an IPC round trip to the extractor costs more than the decode. */
const IN_PROCESS_TEXT_BYTES = 256 * 1024;

export type FileEntry = Extract<ScanEntry, { type: 'file' }>;

export type FileOutcome =
  | { path: string; hash: string | null; status: 'ingested'; documentId: number }
  | { path: string; hash: string | null; status: 'skipped_existing' | 'skipped_failed' | 'unsupported' | 'deferred' }
  | { path: string; hash: string | null; status: 'failed'; stage: Stage; error: IntakeError };

export type InFlightStage = Stage | 'scan' | 'skip_check';

export interface PipelineDeps {
  library: Library;
  extractor: () => Promise<Extractor>;
  provider: AiProvider;
  fingerprint: SettingsFingerprint;
}

/** What the pipeline needs from the run it works for. */
export interface PipelineHost {
  readonly id: number;
  readonly options: RunOptions;
  readonly signal: AbortSignal;
  setStage(path: string, stage: InFlightStage): void;
  /** Every file ends here exactly once: counted and reported. */
  settle(outcome: FileOutcome): void;
  /** A line for the run's summary. */
  note(message: string): void;
  /** Reset & reprocess: the id the file's failed row had, so a new failure keeps it. */
  reuseFailedId(hash: string | null, path: string): number | undefined;
}

/** Classify calls in flight at most: the run's concurrency, within the limits of Settings. */
export function classifySlots(concurrency: number): number {
  return Math.max(LIMITS.concurrency.min, Math.min(LIMITS.concurrency.max, Math.floor(concurrency) || LIMITS.concurrency.min));
}

/**
 * Workers of a run: `concurrency` files in flight at the AI, and, when classify waits on a
 * server, as many again read, hashed and extracted ahead of a free classify slot. Answers come
 * in bursts (the slots fill together after the first call), and a slot freed when fewer files
 * are ready than answers arrived waits for a file still being read: with half as many ahead,
 * 20–33 % of freed slots found no file ready (load 3), with as many 7–9 %.
 */
export function runWorkers(concurrency: number, provider: AiProvider): number {
  const slots = classifySlots(concurrency);
  return provider.name === 'local' ? slots : 2 * slots;
}

/** One file on its way through the stages. */
interface FileWork {
  entry: FileEntry;
  hash: string;
  content?: Buffer;
  extracted: ExtractResult;
  text: string;
  classification?: Classification;
  pieces: string[];
  vectors: Float32Array[];
  /** Hands the run's worker back (the rest of this file overlaps the next one). */
  detach: () => void;
}

/**
 * One file's way: hash → skip check → the stages below → a document, a skip,
 * or a failed_files row — never half stored (SPEC §2).
 */
export class FilePipeline {
  readonly gate: AiGate;
  private readonly inRunHashes = new Map<string, Promise<void>>();
  /** path → dev:ino:size:mtime:ctime of the file as hashed. */
  private readonly identities = new Map<string, string>();
  /** Display path → bytes, for files whose names are not UTF-8: every file-system call uses the bytes. */
  private readonly raws = new Map<string, Buffer>();
  /** The vector size the library holds for the run's embedding model (null: none stored yet). */
  private libraryDim: number | null | undefined;
  /** Some document of this run was stored without vectors, for the background embedder. */
  embedsPending = false;

  /** The stages after the skip check, in order; each runs inside `inStage`. */
  private readonly stages: { name: Stage; run: (w: FileWork) => Promise<void> }[] = [
    { name: 'extract_text', run: (w) => this.extract(w) },
    { name: 'classify', run: (w) => this.classify(w) },
    { name: 'embeddings', run: (w) => this.embed(w) },
    { name: 'db_insert', run: (w) => this.store(w) },
  ];

  constructor(
    private readonly deps: PipelineDeps,
    private readonly run: PipelineHost,
  ) {
    this.gate = new AiGate(run.signal, classifySlots(run.options.concurrency), (files) => this.failAiDown(files));
  }

  /**
   * One file, start to end. A file replaced while it was being read (hashed as one version,
   * extracted as another) is started again from its current bytes, up to 3 times.
   */
  async process(entry: FileEntry, detach: () => void = () => undefined): Promise<void> {
    if (!entry.raw) return this.processAttempt(entry, detach, 1);
    this.raws.set(entry.path, entry.raw);
    this.rememberRaw(entry.path, entry.raw);
    try {
      await this.processAttempt(entry, detach, 1);
    } finally {
      this.raws.delete(entry.path);
    }
  }

  /**
   * A rerun's common case, settled in bulk before any queue slot: the files of `entries` unchanged
   * since they were hashed (file_index size and mtime) whose content is a document already known at
   * that very path. One query for them all; nothing is read, stat'ed or written. Returns the
   * entries left for `process` (changed, new, failed before, held by a file of this run, or with
   * a name that is not UTF-8, whose bytes `process` remembers). Once `held()` turns true (the run
   * was paused or stopped by a hook meanwhile) the rest are left too.
   */
  settleUnchanged(entries: FileEntry[], held: () => boolean): FileEntry[] {
    const stored = this.deps.library.fileIndex.storedAt(entries.map((e) => e.path));
    if (!stored.size) return entries;
    const left: FileEntry[] = [];
    for (const e of entries) {
      const s = stored.get(e.path);
      if (s && !e.raw && s.size === e.size && s.mtimeMs === e.mtimeMs && !this.inRunHashes.has(s.hash) && !held()) this.run.settle({ path: e.path, hash: s.hash, status: 'skipped_existing' });
      else left.push(e);
    }
    return left;
  }

  /** The path to give the file system: the bytes when the name is not UTF-8. */
  private fsPath(path: string): string | Buffer {
    return this.raws.get(path) ?? path;
  }

  /** A file whose name is not UTF-8: its bytes are kept under its readable path, so reprocess can open it. */
  private rememberRaw(path: string, raw: Buffer): void {
    const { library } = this.deps;
    void library.writer.run(() => library.rawPaths.remember(path, raw, nowSec())).catch(() => undefined);
  }

  /** Runs an extraction-process call with a path it can be given as text (a link, when the name is not UTF-8). */
  private byTextPath<T>(path: string, fn: (p: string) => Promise<T>): Promise<T> {
    const raw = this.raws.get(path);
    return raw ? withTextPath(raw, path, fn) : fn(path);
  }

  private async processAttempt(entry: FileEntry, detach: () => void, attempt: number): Promise<void> {
    try {
      await this.processOnce(entry, detach, attempt > 1);
      this.identities.delete(entry.path);
    } catch (e) {
      // The library itself failed (a lookup, a write): no file is to blame, the run stops.
      const fault = libraryFault(e);
      if (fault) throw fault;
      if (!(e instanceof FileReplaced)) throw e;
      this.identities.delete(entry.path);
      const now = await stat(this.fsPath(entry.path)).catch(() => null);
      if (now && attempt < 3) return this.processAttempt({ ...entry, size: now.size, mtimeMs: now.mtimeMs }, detach, attempt + 1);
      await this.recordFailure(
        entry.path,
        null,
        'extract_text',
        now
          ? new IntakeError('file_busy', 'file kept changing while being read', { message: `The file was replaced or rewritten during each of ${attempt} tries; it is tried again next run.` })
          : new IntakeError('file_vanished', 'file vanished before it could be read', { message: 'The file was removed while it was being read.' }),
      );
    }
  }

  /** Identity of the hashed file; extraction must read the same one (an atomic replace changes the inode). */
  private async rememberIdentity(path: string, st?: Stats): Promise<void> {
    const s = st ?? (await stat(this.fsPath(path)));
    this.identities.set(path, `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}`);
  }

  /** Throws FileReplaced when the file at `path` is no longer the one that was hashed. */
  private async checkSameFile(path: string): Promise<void> {
    const want = this.identities.get(path);
    if (want === undefined) return;
    const s = await stat(this.fsPath(path)).catch(() => null);
    if (!s || `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}:${s.ctimeMs}` !== want) throw new FileReplaced();
  }

  private async processOnce(entry: FileEntry, detach: () => void, rehash: boolean): Promise<void> {
    const { library } = this.deps;
    const path = entry.path;
    this.run.setStage(path, 'hash');

    // hash — the file_index shortcut skips re-hashing unchanged files.
    let hash = rehash ? undefined : library.fileIndex.hashIfUnchanged(path, entry.size, entry.mtimeMs);
    let content: Buffer | undefined;
    // A rerun's common case: unchanged since it was hashed and already a document, so nothing of
    // the file is read again (not even a stat: its identity matters only to a file that goes on).
    const known = hash && !this.inRunHashes.has(hash) ? library.documents.idForHash(hash) : undefined;
    if (hash && known !== undefined) {
      this.run.setStage(path, 'skip_check');
      void library.writer.run(() => library.documents.addPath(known, path, nowSec())).catch(() => undefined);
      this.run.settle({ path, hash, status: 'skipped_existing' });
      return;
    }
    if (hash) {
      try {
        await this.rememberIdentity(path);
      } catch {
        hash = undefined; // gone or unreadable since the scan: hashing says which
      }
    }
    if (!hash) {
      try {
        const hashed = await sha256File(this.fsPath(path), { sizeHint: entry.size, keepUpTo: entry.kind === 'text' ? IN_PROCESS_TEXT_BYTES : -1, signal: this.run.signal });
        hash = hashed.hash;
        content = hashed.content;
        const after = await stat(this.fsPath(path));
        await this.rememberIdentity(path, after);
        if (after.size !== entry.size || after.mtimeMs !== entry.mtimeMs) {
          throw new IntakeError('file_busy', 'file changed while being read', {
            message: `size/mtime changed during hashing (${entry.size} → ${after.size} bytes); it is probably still being written`,
          });
        }
        const h = hash;
        void library.writer.run(() => library.fileIndex.upsert(path, entry.size, entry.mtimeMs, h, nowSec())).catch(() => undefined);
      } catch (e) {
        if (this.run.signal.aborted) {
          // Interrupted mid-hash: the file is untouched and tried again next run.
          this.run.settle({ path, hash: null, status: 'deferred' });
          return;
        }
        await this.recordFailure(path, null, 'hash', toFailure(e, 'hash'));
        return;
      }
    }

    // skip check — the same content twice in one run waits for the first copy.
    this.run.setStage(path, 'skip_check');
    const earlier = this.inRunHashes.get(hash);
    if (earlier) await earlier;
    const docId = library.documents.idForHash(hash);
    if (docId !== undefined) {
      void library.writer.run(() => library.documents.addPath(docId, path, nowSec())).catch(() => undefined);
      this.run.settle({ path, hash, status: 'skipped_existing' });
      return;
    }
    // A failure belongs to the bytes and the way they were read: the same bytes under another
    // extension (a .txt beside a failed .docx) take another route and are tried. Empty files
    // fail alike whatever their name says.
    const failedPath = library.failed.failedIdForHash(hash) !== undefined ? library.failed.failedPathForHash(hash) : undefined;
    const sameRoute = failedPath !== undefined && (kindOf(failedPath) === entry.kind || entry.size === 0);
    if (sameRoute && (this.run.options.skipFailed || earlier)) {
      // Its own path is recorded beside the failure: the user sees this copy too, and a reset takes it.
      if (path !== failedPath) void library.writer.run(() => library.failed.addPath(hash, path, nowSec())).catch(() => undefined);
      this.run.settle({ path, hash, status: 'skipped_failed' });
      return;
    }
    let release!: () => void;
    this.inRunHashes.set(hash, new Promise<void>((r) => (release = r)));
    const work: FileWork = { entry, hash, content, extracted: { text: '', source: 'text' }, text: '', pieces: [], vectors: [], detach };
    try {
      for (const stage of this.stages) await this.inStage(path, stage.name, () => stage.run(work));
    } catch (e) {
      if (e instanceof RunStop || e instanceof FileReplaced || e instanceof LibraryFault) throw e;
      if (e instanceof DeferredAiDown) return; // settled when the streak is decided
      if (this.run.signal.aborted) {
        // Cancelled mid-file (Ctrl-C may have hit the extractor too): leave it untouched for the next run.
        this.run.settle({ path, hash, status: 'deferred' });
        return;
      }
      const err = e as IntakeError; // inStage tagged it
      await this.recordFailure(path, hash, err.stage ?? 'unknown', err);
    } finally {
      release();
    }
  }

  /** The one wrapper around a stage: shows it in progress, and turns what it throws into a failure tagged with it. */
  private async inStage<T>(path: string, stage: Stage, fn: () => Promise<T>): Promise<T> {
    this.run.setStage(path, stage);
    try {
      return await fn();
    } catch (e) {
      if (e instanceof RunStop || e instanceof DeferredAiDown || e instanceof FileReplaced) throw e;
      const fault = libraryFault(e);
      if (fault) throw fault;
      const err = toFailure(e, stage);
      // An unexpected exception is not the stage's doing: it is filed under "unknown".
      if (err !== e && err.code === 'unknown') err.stage = 'unknown';
      err.stage ??= stage;
      throw err;
    }
  }

  /** extract_text, with OCR for images and for text layers that are too thin. */
  private async extract(w: FileWork): Promise<void> {
    const { entry, content } = w;
    const ocrEnabled = this.run.options.ocr;
    if (entry.size === 0) throw new IntakeError('file_empty', 'file is empty', { message: 'The file has 0 bytes: there is nothing to read.' });
    if (entry.kind === 'image') {
      if (!ocrEnabled) throw new IntakeError('text_insufficient', 'insufficient text; OCR disabled', { message: 'An image has no text layer: it needs OCR, which is disabled.' });
      w.extracted = await this.ocr(entry.path, entry.kind);
    } else {
      w.extracted = (content && quickTextResult(content)) || (await this.deps.extractor().then((x) => this.byTextPath(entry.path, (p) => x.extractText(p, entry.kind))));
      // Read by path in another process: make sure it was the file that was hashed.
      if (!content) await this.checkSameFile(entry.path);
      w.extracted.text = cleanExtractedText(w.extracted.text);
      const why = insufficientWhy(w.extracted.text);
      if (why) {
        if (!ocrEnabled) {
          throw new IntakeError('text_insufficient', 'insufficient text; OCR disabled', { message: `${why} OCR is disabled.` });
        }
        if (entry.kind !== 'pdf') {
          throw new IntakeError('text_insufficient', 'insufficient text', { message: why });
        }
        w.extracted = await this.ocr(entry.path, entry.kind, { whereNeeded: true, layers: w.extracted.pageLayers });
      } else if (ocrEnabled && w.extracted.ocrWanted?.length) {
        // Some pages have no usable text layer (a scan inside a text PDF, a junk font): OCR reads just those.
        w.extracted = await this.ocr(entry.path, entry.kind, { whereNeeded: true, layers: w.extracted.pageLayers });
      }
    }
    w.text = w.extracted.text.slice(0, MAX_CONTENT_CHARS);
  }

  /** classify — on text-layer content, a failure earns one OCR retry when OCR is on. */
  private async classify(w: FileWork): Promise<void> {
    const path = w.entry.path;
    const ask = () =>
      this.gate.call({ path, hash: w.hash, stage: 'classify' }, () => this.deps.provider.classify(w.text, { signal: this.run.signal, filename: filenameOf(path) }));
    try {
      w.classification = await ask();
    } catch (e) {
      if (!isIntakeError(e) || !this.run.options.ocr || w.extracted.source !== 'pdf') throw e;
      w.extracted = await this.ocr(path, w.entry.kind);
      w.text = w.extracted.text.slice(0, MAX_CONTENT_CHARS);
      this.run.setStage(path, 'classify');
      try {
        w.classification = await ask();
      } catch (e2) {
        if (!isIntakeError(e2)) throw e2;
        throw new IntakeError(e2.code, `${e2.reason} (after OCR)`, { message: `${e2.message} — the text layer failed first (${e.reason}), then the OCR text failed too.`, failureClass: e2.failureClass });
      }
    }
  }

  /** embeddings — the worker may take the next file meanwhile. */
  private async embed(w: FileWork): Promise<void> {
    w.detach();
    w.pieces = chunkText(w.text);
    // The local encoder embeds in the background (see embedder.ts): the document is stored now.
    const later = this.deps.provider.embedsInBackground;
    if (later) {
      if (w.pieces.length) this.embedsPending = true;
      return;
    }
    w.vectors = w.pieces.length ? await this.gate.call({ path: w.entry.path, hash: w.hash, stage: 'embeddings' }, () => this.deps.provider.embed(w.pieces, { signal: this.run.signal }).then((v) => this.checkDimension(v))) : [];
    if (w.vectors.length !== w.pieces.length) throw new IntakeError('ai_bad_output', 'wrong number of embeddings', { message: `asked for ${w.pieces.length}, got ${w.vectors.length}` });
  }

  /** db_insert — one transaction: document, path, chunks, FTS, clearing the failure. */
  private async store(w: FileWork): Promise<void> {
    const { library, provider } = this.deps;
    const { entry, hash } = w;
    const path = entry.path;
    const at = nowSec();
    // As the upgrade does (migration 12): a document classified English has no gloss to index.
    const gloss = w.classification!.language === 'en' ? '' : await glossDocument(w.pieces);
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
        content: w.text,
        contentSource: w.extracted.source,
        extraction: w.extracted.extraction,
        classification: w.classification!,
        aiProvider: provider.name,
        aiModel: provider.chatModel,
        chunks: w.pieces.map((t, i) => ({ text: t, embedding: w.vectors[i] ?? null })),
        embeddingModel: provider.embedModel,
        gloss,
        at,
      });
      library.failed.clearOnSuccess(hash, path, this.run.id, at);
      return { id, fresh: true };
    });
    this.run.settle(stored.fresh ? { path, hash, status: 'ingested', documentId: stored.id } : { path, hash, status: 'skipped_existing' });
  }

  private ocr(path: string, kind: FileKind, opts: OcrOptions = {}): Promise<ExtractResult> {
    return this.inStage(path, 'ocr', async () => {
      let res: ExtractResult;
      try {
        const x = await this.deps.extractor();
        res = await this.byTextPath(path, (p) => x.ocr(p, kind, opts));
      } catch (e) {
        if (e instanceof FileReplaced) throw e;
        throw isIntakeError(e) ? e : new IntakeError('ocr_failed', 'OCR failed', { message: errorMessage(e), cause: e });
      }
      await this.checkSameFile(path);
      res.text = cleanExtractedText(res.text);
      const why = insufficientWhy(res.text);
      if (why) throw new IntakeError('ocr_no_text', 'OCR found no usable text', { message: `OCR read no usable text. ${why}` });
      return res;
    });
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

  private async failAiDown(files: AiDownFile[]): Promise<void> {
    for (const f of files) await this.recordFailure(f.path, f.hash, f.stage, f.error);
  }

  /** A folder that was listed: a row saying it could not be read goes (only rows without a hash are keyed by path). */
  folderRead(dir: string): void {
    const { library } = this.deps;
    if (!library.failed.hasUnhashedRow(dir)) return;
    void library.writer.run(() => library.failed.clearFolder(dir, this.run.id, nowSec())).catch(() => undefined);
  }

  /** Files the scanner could not read: failed at the hash stage. */
  async recordScanError(entry: Extract<ScanEntry, { type: 'error' }>): Promise<void> {
    if (entry.raw) this.rememberRaw(entry.path, entry.raw);
    await this.recordFailure(entry.path, null, 'hash', new IntakeError(entry.code, entry.reason, { message: entry.message }));
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
          runId: this.run.id,
          at: nowSec(),
          reuseId: this.run.reuseFailedId(hash, path),
        });
        return false;
      });
      if (storedMeanwhile) {
        this.run.settle({ path, hash, status: 'skipped_existing' });
        return;
      }
    } catch (e) {
      // A damaged, full or read-only library: the run stops and this file is not counted as failed.
      const fault = libraryFault(e);
      if (fault) throw fault;
      // The failure record itself could not be written: the run goes on; the file is retried next run.
      this.run.note(`Could not record a failure for ${path}: ${errorMessage(e)}`);
    }
    this.run.settle({ path, hash, status: 'failed', stage, error: err });
  }
}

/** The file at a path is no longer the one that was hashed: processing starts again. */
class FileReplaced extends Error {}
