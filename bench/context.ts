/** What every figure gets: the corpus, a scratch folder, repetition counts, native tools, and a way to run the engine in a child process. */
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Corpus } from './corpus';
import type { ChildConfig, ChildResult } from './ingest-child';
import type { Tool } from './native';
import { runChild, sampleTree, type TreeMemory } from './proc';

export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const RESULT_PREFIX = 'BENCH_RESULT ';

export interface Ctx {
  quick: boolean;
  corpus: Corpus;
  /** Scratch folder for libraries; removed at the end. */
  work: string;
  /** Shared app data folder (OCR language cache), so only the first OCR run unpacks it. */
  dataDir: string;
  reps: number;
  native: Record<Tool, boolean>;
  seed: number;
  log: (line: string) => void;
}

let dbCounter = 0;
/** A fresh library path (its folder is created, any old file removed). */
export function freshDb(ctx: Ctx, name: string): string {
  const dir = join(ctx.work, `${name}-${++dbCounter}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return join(dir, 'intake.db');
}

let builtChild: Promise<string> | null = null;

/**
 * bench/ingest-child.ts compiled to JavaScript as the CLI is (scripts/build-cli.mjs), in out/bench so its
 * packages resolve from node_modules; built once per bench run. Memory is measured on it: through tsx the
 * engine also holds the compiler and the transformed sources (≈ 10–20 MB), which no user's engine does.
 */
function builtIngestChild(): Promise<string> {
  builtChild ??= (async () => {
    const [{ build }, { bundleOptions }] = await Promise.all([import('esbuild'), import('../scripts/build-cli.mjs')]);
    const outdir = join(REPO, 'out', 'bench');
    rmSync(outdir, { recursive: true, force: true });
    await build(bundleOptions({ 'ingest-child': 'bench/ingest-child.ts' }, outdir));
    return join(outdir, 'ingest-child.js');
  })();
  return builtChild;
}

/**
 * Runs the engine in its own process (node --import tsx bench/ingest-child.ts, or its build with `built`),
 * so each measurement starts from a clean heap and its memory is its own.
 */
export async function runIngestChild(ctx: Ctx, cfg: Omit<ChildConfig, 'dataDir'>, opts: { memory?: boolean; built?: boolean } = {}): Promise<ChildResult & { memory?: TreeMemory }> {
  let sampler: ReturnType<typeof sampleTree> | null = null;
  const entry = opts.built ? [await builtIngestChild()] : ['--import', 'tsx', join(REPO, 'bench', 'ingest-child.ts')];
  const res = await runChild(process.execPath, [...entry, JSON.stringify({ ...cfg, dataDir: ctx.dataDir })], {
    cwd: REPO,
    onSpawn: (c) => {
      if (opts.memory && c.pid) sampler = sampleTree(c.pid, 100);
    },
  });
  const memory = (sampler as ReturnType<typeof sampleTree> | null)?.stop();
  const line = res.stdout.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  if (res.code !== 0 || !line) throw new Error(`ingest child failed (exit ${res.code ?? res.signal}):\n${res.stderr.slice(-3000)}`);
  const result = JSON.parse(line.slice(RESULT_PREFIX.length)) as ChildResult;
  return memory ? { ...result, memory } : result;
}
