// Store first, embed in the background: with the local sentence encoder a document is stored
// (and keyword-searchable) as soon as it is classified; its chunks get their vectors here, a
// batch at a time, in the encoder's thread. Everything it needs is in the chunks table, so a
// kill loses nothing: the next start carries on. A batch that fails is recorded on its chunks
// (embed_error, embed_attempts) and retried on the next pass, up to MAX_EMBED_ATTEMPTS; `reembed`
// clears the count and also upgrades chunks embedded by another (older) model.
import type { EmbeddingStatus } from '../../shared/domain';
import { errorMessage } from '../../shared/errors';
import type { AiProvider } from '../ai/types';
import type { Library } from './library';

export const MAX_EMBED_ATTEMPTS = 3;
/** Chunks per encoder call: small enough that a close() waits at most about a second. */
const BATCH = 16;
/** Chunks read from SQLite per query. */
const PAGE = 256;

export interface EmbedderHooks {
  onProgress?: (s: EmbeddingStatus) => void;
}

export class BackgroundEmbedder {
  private loop: Promise<void> | null = null;
  private stopped = false;
  private again: { outdated: boolean } | null = null;
  private live: EmbeddingStatus | null = null;
  private lastEmit = 0;

  constructor(
    private readonly library: Library,
    private readonly provider: () => AiProvider,
    private readonly hooks: EmbedderHooks = {},
  ) {}

  get running(): boolean {
    return this.loop !== null;
  }

  status(): EmbeddingStatus {
    if (this.live) return { ...this.live };
    const p = this.provider();
    const counts = this.library.documents.embeddingStatus(p.embedModel, MAX_EMBED_ATTEMPTS);
    return { model: p.embedModel, dim: 0, ...counts, running: this.running };
  }

  /** Embeds pending chunks (stored without a vector) when the provider embeds in the background. */
  kick(): void {
    if (!this.provider().embedsInBackground) return;
    this.start({ outdated: false });
  }

  /**
   * Upgrades the whole library to today's model: pending, failed and older-model chunks. Text,
   * OCR and classification stay as they are. Resolves when nothing is left (or close() was called).
   */
  async reembed(): Promise<EmbeddingStatus> {
    this.library.writer.flush();
    this.library.documents.resetEmbedFailures();
    this.start({ outdated: true });
    await this.idle();
    return this.status();
  }

  /** Resolves when the current pass (and any queued one) has finished. */
  async idle(): Promise<void> {
    while (this.loop) await this.loop;
  }

  async close(): Promise<void> {
    this.stopped = true;
    await this.idle();
  }

  private start(opts: { outdated: boolean }): void {
    if (this.stopped) return;
    if (this.loop) {
      this.again = { outdated: (this.again?.outdated ?? false) || opts.outdated };
      return;
    }
    this.loop = this.pass(opts)
      .catch(() => undefined)
      .finally(() => {
        // A pass that found nothing to embed changed nothing: no counts, no progress to send.
        const worked = this.live !== null;
        this.loop = null;
        this.live = null;
        const next = this.again;
        this.again = null;
        if (next && !this.stopped) this.start(next);
        else if (worked) this.emit(true);
      });
  }

  private async pass(opts: { outdated: boolean }): Promise<void> {
    const { documents, writer } = this.library;
    const provider = this.provider();
    const model = provider.embedModel;
    let afterId = 0;
    while (!this.stopped) {
      const page = documents.chunksToEmbed(model, { outdated: opts.outdated, maxAttempts: MAX_EMBED_ATTEMPTS, afterId, limit: PAGE });
      if (!page.length) return;
      // Counted once there is work (the counts read every chunk: a start with nothing to do skips them).
      if (!this.live) {
        this.live = { ...this.status(), running: true };
        this.emit(true);
      }
      afterId = page[page.length - 1].id;
      for (let i = 0; i < page.length && !this.stopped; i += BATCH) {
        const batch = page.slice(i, i + BATCH);
        try {
          const vectors = await provider.embed(batch.map((c) => c.text));
          if (vectors.length !== batch.length) throw new Error(`asked for ${batch.length} vectors, got ${vectors.length}`);
          await writer.run(() => documents.storeEmbeddings(batch.map((c, j) => ({ chunkId: c.id, documentId: c.documentId, vector: vectors[j] })), model));
          this.count(batch.length, 0, vectors[0]?.length ?? 0);
        } catch (e) {
          await writer.run(() => documents.recordEmbedFailure(batch.map((c) => c.id), errorMessage(e))).catch(() => undefined);
          this.count(0, batch.length, 0, errorMessage(e));
        }
      }
    }
  }

  private count(done: number, failed: number, dim: number, error?: string): void {
    const s = this.live;
    if (!s) return;
    s.current += done;
    if (dim) s.dim = dim;
    // An outdated or pending chunk became current; a failed try leaves it where it was.
    const fromOutdated = Math.min(done, s.outdated);
    s.outdated -= fromOutdated;
    s.pending = Math.max(0, s.pending - (done - fromOutdated));
    if (failed) s.lastError = error ?? s.lastError;
    this.emit(false);
  }

  private emit(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.lastEmit < 250) return;
    this.lastEmit = now;
    this.hooks.onProgress?.(this.status());
  }
}
