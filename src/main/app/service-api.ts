/**
 * What the shells (Electron main, browser-mode web server, tests) get from the
 * engine: one set of handlers for the whole contract, push events, and close().
 * Implemented by createIntakeService() in ./service.ts. No electron import here.
 */
import type { EventName, Events, Handlers } from '../../shared/contract';
import type { EmbeddingStatus, RunOptions, RunSummary } from '../../shared/domain';

/** What only the host can do; the browser mode and tests provide their own. */
export interface Platform {
  mode: 'electron' | 'browser';
  /** Native folder picker; browser mode returns null (the UI uses fs.list). */
  chooseFolder(): Promise<string | null>;
  showInFolder(path: string): Promise<void>;
  /** Opens a file with the system's app for it; absent where there is no desktop (browser mode). */
  openPath?(path: string): Promise<void>;
  openExternal(url: string): Promise<void>;
  /** Encrypts the API key at rest (Electron safeStorage, or a key file in browser mode). */
  secrets: SecretBox;
}

export interface SecretBox {
  /** One line for the Settings screen, e.g. "Encrypted with the OS keychain". */
  readonly description: string;
  encrypt(plain: string): Buffer;
  decrypt(data: Buffer): string;
}

export interface ServiceOptions {
  dbPath: string;
  /** App data folder: settings, OCR cache, browser-mode inbox. */
  dataDir: string;
  platform: Platform;
  /** Roots the renderer may browse / ingest from in browser mode (default: home dir). */
  version?: string;
}

export interface IntakeService {
  handlers: Handlers;
  /**
   * Browser mode's streamed upload (outside the contract: its content is a byte stream, not JSON).
   * `manifest` is validated here; `content` holds the files' bytes in manifest order.
   */
  receiveInbox(manifest: unknown, content: AsyncIterable<Uint8Array>): Promise<{ folder: string; files: number }>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
  close(): Promise<void>;
}

/** The service as an in-process door (the CLI) holds it: the contract plus what a terminal needs beyond it. */
export interface LocalIntakeService extends IntakeService {
  /** The options a run started now would use: saved Settings, then this service's overrides. */
  runOptions(paths: string[]): RunOptions;
  /** Polls these paths (not the saved watched folders) and ingests what settles: `intake ingest --watch`. Returns stop(). */
  watchPaths(paths: string[], hooks: { onRunStart?: (runId: number) => void; onRunEnd?: (summary: RunSummary) => void; onPollError?: (message: string) => void; onNotice?: (message: string) => void; onStop?: () => void }): () => void;
  /** Resolves when the background embedder has nothing left to do (or was stopped). */
  embedded(): Promise<EmbeddingStatus>;
  /** True while background embedding runs (cheap: the counts behind `library.embedding` read every chunk). */
  embedding(): boolean;
  /** Stops background embedding after the current batch; what is left stays pending. */
  stopEmbedding(): Promise<void>;
  /** Ctrl-C: every run of this service stops after its files in progress and is recorded as interrupted. */
  interrupt(): void;
}
