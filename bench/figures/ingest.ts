/** Text-only ingest of the small files, the rerun over them unchanged, and ingest against an AI server with 100 ms latency. */
import { dirname, join } from 'node:path';
import { startAiServer } from '../../test/support/ai-server';
import { REPO, freshDb, runIngestChild, type Ctx } from '../context';
import { runChild, timeShell } from '../proc';
import { sample, type Row } from '../report';

export interface TextIngestResult {
  rows: Row[];
  /** A library holding the whole text/ folder, for the rerun. */
  db: string;
}

export async function textIngestFigures(ctx: Ctx): Promise<TextIngestResult> {
  const n = ctx.corpus.textPaths.length;
  const rates: number[] = [];
  let db = '';
  const notes: string[] = [];
  for (let i = 0; i < ctx.reps; i++) {
    db = freshDb(ctx, 'text');
    const r = await runIngestChild(ctx, { db, paths: [ctx.corpus.textDir], runs: 1, options: { ocr: true } });
    const run = r.runs[0];
    if (run.summary.ingested !== n) notes.push(`rep ${i + 1}: ingested ${run.summary.ingested} of ${n} (failed ${run.summary.failed})`);
    rates.push(run.summary.ingested / (run.ms / 1000));
    ctx.log(`  text ingest rep ${i + 1}: ${(run.ms / 1000).toFixed(2)} s, ${rates.at(-1)!.toFixed(0)} files/s`);
  }
  const ingest: Row = {
    id: 'text_ingest',
    figure: `text-only ingest, local provider, ${n} small files`,
    unit: 'files/s',
    intake: sample(rates),
    native: null,
    ratio: null,
    target: '≥ 500 files/s',
    met: sample(rates).median >= 500,
    notes: [`engine.ingest in a fresh process on a fresh library, default options (concurrency ${Math.max(2, Math.min(8, (await import('node:os')).cpus().length * 2))}, OCR on)`, ...notes],
  };

  // Rerun: the same library, the same unchanged tree; each run a rep.
  const rerun = await runIngestChild(ctx, { db, paths: [ctx.corpus.textDir], runs: ctx.reps, options: { ocr: true } });
  const ms = rerun.runs.map((r) => r.ms);
  const bad = rerun.runs.filter((r) => r.summary.skippedExisting !== n);
  const find: number[] = [];
  if (ctx.native.find) {
    timeShell(`find '${ctx.corpus.textDir}' -type f -printf '%s %T@\\n' > /dev/null`);
    for (let i = 0; i < ctx.reps; i++) find.push(timeShell(`find '${ctx.corpus.textDir}' -type f -printf '%s %T@\\n' > /dev/null`));
  }
  const a = sample(ms);
  const b = find.length ? sample(find) : null;
  const rerunRow: Row = {
    id: 'rerun',
    figure: `rerun over ${n} unchanged files`,
    unit: 'ms',
    intake: a,
    native: b ?? 'unavailable',
    nativeTool: "find -printf '%s %T@'",
    ratio: b ? b.median / a.median : null,
    target: '≤ 500 ms and ≤ 3× find (ratio ≥ 0.33)',
    met: a.median <= 500 && (b ? a.median <= 3 * b.median : true),
    notes: [
      'ratio = find time ÷ Intake time; engine.ingest over the tree already in the library, same process, runs back to back',
      ...(bad.length ? [`${bad.length} rerun(s) did not skip all ${n} files`] : []),
    ],
  };
  return { rows: [ingest, rerunRow], db };
}

/** The line bench/ai-floor-child.ts prints its result on. */
const FLOOR_PREFIX = 'AI_FLOOR ';

export async function aiLatencyFigure(ctx: Ctx): Promise<Row> {
  // Whole 100-file folders of text/: the first aiFiles files.
  const folders = [...new Set(ctx.corpus.textPaths.slice(0, ctx.corpus.size.aiFiles).map((f) => dirname(f)))];
  const files = ctx.corpus.textPaths.filter((f) => folders.includes(dirname(f)));
  const server = await startAiServer({ logBodies: false, models: ['test-chat', 'test-embed'] });
  server.setLatency(100);
  const rates: number[] = [];
  const callsPerFile: number[] = [];
  const peaks: number[] = [];
  const floorRates: number[] = [];
  const notes: string[] = [];
  try {
    for (let i = 0; i < ctx.reps; i++) {
      server.resetCalls();
      const db = freshDb(ctx, 'ai');
      const r = await runIngestChild(ctx, {
        db,
        paths: folders,
        runs: 1,
        options: {
          ocr: true,
          concurrency: 8,
          ai: { provider: 'openai', baseUrl: server.url, apiKey: 'bench', chatModel: 'test-chat', embedModel: 'test-embed' },
        },
      });
      const run = r.runs[0];
      if (run.summary.ingested !== files.length) notes.push(`rep ${i + 1}: ingested ${run.summary.ingested} of ${files.length}: ${run.summary.message ?? ''}`);
      rates.push(run.summary.ingested / (run.ms / 1000));
      callsPerFile.push((server.calls.chat + server.calls.embeddings) / Math.max(1, run.summary.ingested));
      peaks.push(server.peakInFlight.chat);
      ctx.log(
        `  AI latency rep ${i + 1}: ${rates.at(-1)!.toFixed(1)} files/s, ${server.calls.chat} chat + ${server.calls.embeddings} embeddings calls, at most ${server.peakInFlight.chat} chat in flight, ${(run.cpuMs / Math.max(1, run.summary.ingested)).toFixed(1)} ms CPU per file`,
      );
      // Right after, the same texts through the provider and the gate alone (bench/ai-floor-child.ts).
      server.resetCalls();
      const f = await runChild(process.execPath, ['--import', 'tsx', join(REPO, 'bench', 'ai-floor-child.ts'), JSON.stringify({ url: server.url, files, concurrency: 8 })], { cwd: REPO });
      const line = f.stdout.split('\n').find((l) => l.startsWith(FLOOR_PREFIX));
      if (f.code !== 0 || !line) throw new Error(`AI floor child failed (exit ${f.code ?? f.signal}):\n${f.stderr.slice(-3000)}`);
      const fr = JSON.parse(line.slice(FLOOR_PREFIX.length)) as { n: number; ms: number; cpuMs: number };
      floorRates.push(fr.n / (fr.ms / 1000));
      ctx.log(`  AI floor rep ${i + 1} (the provider and the AI gate alone, no engine): ${floorRates.at(-1)!.toFixed(1)} files/s, ${(fr.cpuMs / fr.n).toFixed(1)} ms CPU per file, at most ${server.peakInFlight.chat} chat in flight`);
    }
  } finally {
    await server.close();
  }
  const a = sample(rates);
  const showRate = (x: { median: number; min: number; max: number }) => `${x.median.toFixed(1)} files/s [${x.min.toFixed(1)}–${x.max.toFixed(1)}]`;
  return {
    id: 'ai_latency',
    figure: `ingest, openai provider vs loopback server (100 ms per request), concurrency 8, ${files.length} files`,
    unit: 'files/s',
    intake: a,
    native: null,
    ratio: a.median / 80,
    target: '≥ 95 % of 80 files/s (76)',
    met: a.median >= 76,
    notes: [
      'ratio = files/s ÷ the 80 files/s bound (8 files in flight / 0.1 s)',
      `at most ${Math.max(...peaks)} classify requests in flight at the server at once (the run's concurrency is the limit)`,
      `${sample(callsPerFile).median.toFixed(2)} requests per file (classify + embeddings, both answered after 100 ms): a file's embeddings follow its classify, and the file's slot is handed on as soon as the classify answers, so the bound is 80 files/s`,
      `floor: the same texts through the openai provider and the AI gate alone (no scan, hash, extraction or store; bench/ai-floor-child.ts), each right after a rep: ${showRate(sample(floorRates))}; the engine makes ${(a.median / sample(floorRates).median).toFixed(2)}× of it`,
      ...notes,
    ],
  };
}
