/**
 * One benchmark process around the engine API: opens an Engine on a library,
 * ingests the given paths `runs` times in a row (the first run of a fresh
 * library ingests, the next ones are reruns) and prints one JSON line with the
 * time of each run, its summary, the event-loop delay while it ran and the
 * process's peak RSS. Run as: node --import tsx bench/ingest-child.ts '<json>'.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { AiSettings, RunSummary } from '../src/shared/domain';
import { DEFAULT_AI } from '../src/shared/limits';
import { Engine, defaultRunOptions } from '../src/main/engine/engine';
import { createAiProvider } from '../src/main/ai';
import { sharedEncoder } from '../src/main/ai/encoder';
import { LocalProvider } from '../src/main/ai/local';
import { openaiSdk } from '../src/main/ai/sdk';
import { treeCpuMs } from './proc';

export interface ChildConfig {
  db: string;
  dataDir: string;
  paths: string[];
  runs: number;
  options: { ocr?: boolean; concurrency?: number; skipFailed?: boolean; ai?: Partial<AiSettings> };
  extractorWorkers?: number;
  /** OCR files queued in an extraction process beyond its threads (default: the extractor's own). */
  extractorQueued?: number;
  /** The extraction process's entry: default the TypeScript sources through tsx; a built `extract-worker.js` runs as the app and the CLI run it. */
  extractorEntry?: string;
  /** Ingested once, untimed, before the measured runs: starts the extraction processes (and their OCR workers). */
  warmup?: string[];
  /**
   * The local provider's vectors: 'hash' (default: the engine's own speed, as every older figure
   * measured it) or 'use', the sentence encoder (stored first, embedded in the background).
   */
  encoder?: 'hash' | 'use';
  /** With 'use': after the runs, let the background embedder work on up to this many chunks and measure it. */
  embedChunks?: number;
}

export interface ChildEmbedding {
  chunks: number;
  ms: number;
  /** The engine's event-loop delay while the encoder thread embedded, ms. */
  eld: { p50: number; p99: number; max: number; mean: number };
  /** The same process idle right after (encoder loaded, nothing to do), as long (≤ 20 s): what the machine's load alone costs. */
  idleEld: { p50: number; p99: number; max: number; mean: number };
  /** Chunks still pending when the measurement stopped. */
  left: number;
}

export interface ChildRun {
  ms: number;
  /** CPU time of this process and its extraction children during the run (user + system), ms. */
  cpuMs: number;
  summary: RunSummary;
  /** Event-loop delay during the run, ms. */
  eld: { p50: number; p99: number; max: number; mean: number };
}

export interface ChildResult {
  runs: ChildRun[];
  warmupMs?: number;
  maxRssMb: number;
  embedding?: ChildEmbedding;
}

export const RESULT_PREFIX = 'BENCH_RESULT ';

async function main(): Promise<void> {
  const cfg = JSON.parse(process.argv[2] ?? '{}') as ChildConfig;
  const engine = new Engine({
    library: cfg.db,
    dataDir: cfg.dataDir,
    extractorOptions: { ...(cfg.extractorWorkers ? { workers: cfg.extractorWorkers } : {}), ...(cfg.extractorEntry ? { workerEntry: cfg.extractorEntry } : {}), ...(cfg.extractorQueued !== undefined ? { ocrQueuedPerProcess: cfg.extractorQueued } : {}) },
    createProvider: (s) => (s.provider === 'local' ? new LocalProvider(cfg.encoder === 'use' ? sharedEncoder() : null) : createAiProvider(s)),
  });
  const { ai, ...rest } = cfg.options;
  const options = defaultRunOptions(cfg.paths, { ...rest, ai: { ...DEFAULT_AI, ...ai } });
  const runs: ChildRun[] = [];
  let embedding: ChildEmbedding | undefined;
  let warmupMs: number | undefined;
  try {
    // The openai package, the answer's zod schema and the node:http transport are loaded on first use
    // (issue 8): load them before the timed runs, as the engine's start did when it imported them, so
    // the figure is the ingest's and not the one-off compile (≈ 0.5 s of CPU under tsx; the transport
    // alone 16–32 ms, on the first request's way; the CLI rows measure the start).
    if (options.ai.provider !== 'local') await Promise.all([openaiSdk(), import('../src/main/ai/answer'), import('../src/main/ai/http-fetch')]);
    if (cfg.warmup?.length) {
      const t0 = performance.now();
      await engine.ingest({ ...options, paths: cfg.warmup });
      warmupMs = performance.now() - t0;
    }
    for (let i = 0; i < cfg.runs; i++) {
      const h = monitorEventLoopDelay({ resolution: 10 });
      h.enable();
      const cpu0 = treeCpuMs(process.pid);
      const t0 = performance.now();
      // A progress listener, as the CLI and the app have one.
      const summary = await engine.ingest(options, { onProgress: () => undefined });
      const ms = performance.now() - t0;
      const cpuMs = treeCpuMs(process.pid) - cpu0;
      h.disable();
      runs.push({ ms, cpuMs, summary, eld: { p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6, max: h.max / 1e6, mean: h.mean / 1e6 } });
    }
    if (cfg.encoder === 'use' && cfg.embedChunks) embedding = await measureEmbedding(engine, cfg.embedChunks);
  } finally {
    await engine.close();
  }
  const result: ChildResult = { runs, maxRssMb: process.resourceUsage().maxRSS / 1024, ...(warmupMs !== undefined ? { warmupMs } : {}), ...(embedding ? { embedding } : {}) };
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
}

/** The background embedder (kicked at the run's end) working through up to `limit` chunks. */
async function measureEmbedding(engine: Engine, limit: number): Promise<ChildEmbedding> {
  const h = monitorEventLoopDelay({ resolution: 10 });
  const start = engine.embedder.status();
  h.enable();
  const t0 = performance.now();
  let done = 0;
  await new Promise<void>((resolve) => {
    engine.onEmbedProgress = (s) => {
      done = s.current - start.current;
      if (done >= limit) void engine.embedder.close().then(resolve);
    };
    engine.embedder.kick();
    void engine.embedder.idle().then(resolve);
  });
  const ms = performance.now() - t0;
  h.disable();
  const end = engine.embedder.status();
  const idle = monitorEventLoopDelay({ resolution: 10 });
  idle.enable();
  await new Promise((resolve) => setTimeout(resolve, Math.min(ms, 20_000)));
  idle.disable();
  return {
    chunks: end.current - start.current,
    ms,
    eld: { p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6, max: h.max / 1e6, mean: h.mean / 1e6 },
    idleEld: { p50: idle.percentile(50) / 1e6, p99: idle.percentile(99) / 1e6, max: idle.max / 1e6, mean: idle.mean / 1e6 },
    left: end.pending,
  };
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`ingest-child failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
