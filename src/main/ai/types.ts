import type { AiSettings, Classification } from '../../shared/domain';

export interface CallOptions {
  signal?: AbortSignal;
  filename?: string;
  /** A search waits on this call: a local encoder serves it before queued background batches. */
  urgent?: boolean;
}

/**
 * One interface for every model backend. Retries of transient errors
 * (429 with Retry-After, 5xx, timeouts, connection errors) happen inside;
 * what escapes is an IntakeError with a stable code.
 */
export interface AiProvider {
  readonly name: AiSettings['provider'];
  readonly chatModel: string;
  readonly embedModel: string;
  /** Bumped whenever the prompt or the output schema changes. */
  readonly promptVersion: string;
  classify(text: string, opts?: CallOptions): Promise<Classification>;
  /**
   * True when ingest stores chunks without vectors and the engine's background embedder fills
   * them in (the local sentence encoder: ≈ 10–80 chunks/s, slower than the rest of ingest).
   */
  readonly embedsInBackground: boolean;
  /** One vector per input text, L2-normalized. */
  embed(texts: string[], opts?: CallOptions): Promise<Float32Array[]>;
  testConnection(): Promise<{ ok: boolean; message: string }>;
}
