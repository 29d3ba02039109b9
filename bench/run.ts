/**
 * `npm run bench [-- --quick] [--only id,id] [--keep-corpus] [--reps N] [--seed N]`
 *
 * Generates the corpus from a fixed seed in a temp folder, measures every
 * figure of SPEC §6 beside the native tool on the same input in the same run,
 * prints one table and writes bench/results.json (and, for a full run of every
 * figure, bench/RESULTS.md).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO, type Ctx } from './context';
import { FULL, QUICK, buildCorpus } from './corpus';
import { cliFigures } from './figures/cli';
import { coverageFigure } from './figures/coverage';
import { failedPageFigures } from './figures/failed-page';
import { encodingFigure } from './figures/formats';
import { orientationFigure, pageDecisionFigure } from './figures/pages';
import { hashFigure } from './figures/hash';
import { aiLatencyFigure, textIngestFigures } from './figures/ingest';
import { eventLoopFigure, ocrFigures, pdfTextFigure } from './figures/extract';
import { killFigure, memoryFigure } from './figures/robust';
import { encoderFigures, searchFigures } from './figures/search';
import { TOOLS, ensureNativeTools, toolVersion, type Tool } from './native';
import { markdownTable, textTable, type Row } from './report';

const FIGURES = [
  'sha256', 'rerun', 'text_ingest', 'ai_latency', 'ocr', 'pdf_text', 'hybrid_search', 'semantic_search', 'text_ingest_encoder', 'embed_throughput', 'embed_event_loop',
  'encoder_rss', 'failed_page', 'coverage', 'event_loop', 'peak_rss', 'kill9', 'encodings', 'cli_help', 'cli_rerun',
] as const;

async function main(): Promise<void> {
  const { values: v } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      'keep-corpus': { type: 'boolean', default: false },
      reps: { type: 'string' },
      seed: { type: 'string', default: '20240615' },
    },
    strict: true,
  });
  const quick = !!v.quick;
  const seed = Number(v.seed);
  const only = v.only ? new Set(v.only.split(',')) : null;
  const want = (id: string) => !only || only.has(id);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const started = performance.now();
  // Other work on the machine skews every figure: the load averages go into the results.
  const loadAtStart = loadavg()[0];

  log(`Intake bench — ${quick ? 'quick' : 'full'} run, seed ${seed}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB, node ${process.version}`);
  const native = ensureNativeTools(log);
  log(`native: ${(Object.keys(TOOLS) as Tool[]).map((t) => (native[t] ? toolVersion(t) : `${t}: not available`)).join('; ')}`);

  const corpusRoot = join(tmpdir(), `intake-bench-corpus-${quick ? 'quick' : 'full'}-${seed}`);
  const work = join(tmpdir(), `intake-bench-work-${process.pid}`);
  mkdirSync(work, { recursive: true });
  const corpus = await buildCorpus(corpusRoot, quick ? QUICK : FULL, seed, { reuse: !!v['keep-corpus'], log });
  const ctx: Ctx = {
    quick,
    corpus,
    work,
    dataDir: join(work, 'appdata'),
    reps: v.reps ? Number(v.reps) : quick ? 2 : 3,
    native,
    seed,
    log,
  };

  const rows: Row[] = [];
  const step = async <T>(name: string, fn: () => Promise<T>): Promise<T | null> => {
    const t0 = performance.now();
    log(`▸ ${name}`);
    try {
      return await fn();
    } catch (e) {
      log(`  ${name} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return null;
    } finally {
      log(`  (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    }
  };
  try {
    if (want('sha256')) {
      const r = await step('SHA-256', () => hashFigure(ctx));
      if (r) rows.push(r);
    }
    if (want('text_ingest') || want('rerun')) {
      const r = await step('text ingest + rerun', () => textIngestFigures(ctx));
      if (r) rows.push(...r.rows.filter((x) => want(x.id)));
    }
    if (want('ai_latency')) {
      const r = await step('AI latency', () => aiLatencyFigure(ctx));
      if (r) rows.push(r);
    }
    if (want('ocr') || want('ocr_dense') || want('event_loop')) {
      // `--only ocr_dense` measures the dense pages alone; `ocr` (or `event_loop`) every OCR row.
      const r = await step('OCR + event loop', () => ocrFigures(ctx, want('ocr') || want('event_loop') ? null : ['ocr_dense']));
      if (r) {
        rows.push(...r.rows);
        if (want('event_loop') && r.runs.length) rows.push(eventLoopFigure(r.runs));
      }
    }
    if (want('pdf_text')) {
      const r = await step('PDF text layer', () => pdfTextFigure(ctx));
      if (r) rows.push(r);
    }
    if (want('hybrid_search') || want('semantic_search')) {
      const r = await step('hybrid and semantic search, 100 000 chunks', () => searchFigures(ctx));
      if (r) rows.push(...r.filter((x) => want(x.id)));
    }
    if (['text_ingest_encoder', 'embed_throughput', 'embed_event_loop', 'encoder_rss'].some(want)) {
      const r = await step('text ingest with the sentence encoder', () => encoderFigures(ctx));
      if (r) rows.push(...r.filter((x) => want(x.id)));
    }
    if (want('failed_page')) {
      const r = await step('failed-files page', () => failedPageFigures(ctx));
      if (r) rows.push(...r);
    }
    if (want('coverage')) {
      const r = await step('coverage map, 100 000 paths', () => coverageFigure(ctx));
      if (r) rows.push(r);
    }
    if (want('peak_rss')) {
      const r = await step('peak RSS', () => memoryFigure(ctx));
      if (r) rows.push(r);
    }
    if (want('page_decisions')) {
      const r = await step('per-page decisions', async () => pageDecisionFigure(ctx));
      if (r) rows.push(r);
    }
    if (want('orientation')) {
      const r = await step('orientation detection', () => orientationFigure(ctx));
      if (r) rows.push(r);
    }
    if (want('encodings')) {
      const r = await step('encodings', async () => encodingFigure(ctx));
      if (r) rows.push(r);
    }
    if (want('cli_help') || want('cli_rerun')) {
      const r = await step('intake CLI start-up', () => cliFigures(ctx, want));
      if (r) rows.push(...r);
    }
    if (want('kill9')) {
      const r = await step('kill -9', () => killFigure(ctx));
      if (r) rows.push(r);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
    if (!v['keep-corpus']) rmSync(corpusRoot, { recursive: true, force: true });
  }

  const order = (id: string) => {
    const i = FIGURES.indexOf(id.replace(/_pdf$|_search$|_dense$/, '') as (typeof FIGURES)[number]);
    return (i < 0 ? 99 : i) + (id.endsWith('_dense') ? 0.3 : 0) + (id.endsWith('_pdf') || id.endsWith('_search') ? 0.5 : 0);
  };
  rows.sort((a, b) => order(a.id) - order(b.id));
  const totalSec = (performance.now() - started) / 1000;
  const table = textTable(rows);
  process.stdout.write(`\n${table}\n\nNotes:\n${rows.map((r) => r.notes.map((n) => `  ${r.id}: ${n}`).join('\n')).join('\n')}\n\n${quick ? 'Quick' : 'Full'} run: ${totalSec.toFixed(0)} s.\n`);

  const meta = {
    date: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
    seed,
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? '?',
    memGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    native: Object.fromEntries((Object.keys(TOOLS) as Tool[]).map((t) => [t, native[t] ? toolVersion(t) : null])),
    corpus: corpus.size,
    seconds: Math.round(totalSec),
    load1: { start: Math.round(loadAtStart * 10) / 10, end: Math.round(loadavg()[0] * 10) / 10 },
  };
  writeFileSync(join(REPO, 'bench', 'results.json'), `${JSON.stringify({ ...meta, rows }, null, 2)}\n`);
  log('wrote bench/results.json');
  if (!quick && !only) {
    const md = [
      '# Benchmark results',
      '',
      `Full run of \`npm run bench\` on ${meta.date.slice(0, 10)}: ${meta.cores} cores (${meta.cpu}), ${meta.memGiB} GiB, node ${meta.node}, ${meta.seconds} s; 1-minute load average ${meta.load1.start} at the start, ${meta.load1.end} at the end.`,
      `Native tools: ${Object.entries(meta.native).map(([k, val]) => `${k}: ${val ?? 'not available'}`).join('; ')}.`,
      '',
      markdownTable(rows),
      '',
      '## Notes',
      '',
      ...rows.flatMap((r) => r.notes.map((n) => `- **${r.id}**: ${n}`)),
      '',
    ].join('\n');
    writeFileSync(join(REPO, 'bench', 'RESULTS.md'), md);
    log('wrote bench/RESULTS.md');
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
