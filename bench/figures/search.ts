/**
 * Search and the sentence encoder: hybrid search p95 over 100 000 chunks through the handler
 * (beside the plain scan it replaced), and text ingest with the encoder — stored first, embedded
 * in the background — with the encoder's throughput, the engine's event-loop delay while it
 * embeds, and the process's peak RSS with the model loaded.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { hashEmbed } from '../../src/main/ai/hash-embed';
import { USE_DIM, USE_MODEL, sharedEncoder } from '../../src/main/ai/encoder';
import { LocalProvider } from '../../src/main/ai/local';
import { dispatch } from '../../src/main/app/dispatch';
import { createIntakeService } from '../../src/main/app/service';
import { Library } from '../../src/main/engine/library';
import { documentText, rng } from '../corpus';
import { freshDb, runIngestChild, type Ctx } from '../context';
import { percentile, sample, type Row } from '../report';

const QUERIES = [
  'letter from my doctor about blood test results',
  'how much did I pay the plumber',
  'electricity bill',
  'insurance renewal for the car',
  'rental agreement for the flat',
  'tax refund',
  'invoice from the garage for new brakes',
  'school trip to the museum',
  'payslip for March',
  'bank statement April',
];

/** A library of `chunks` chunks (4 per document) with 512-d vectors under the encoder's model name. */
export function buildLibrary(dbPath: string, chunks: number, seed: number): void {
  const lib = Library.open(dbPath);
  const r = rng(seed);
  const insertDoc = lib.db.prepare(`INSERT INTO documents (file_hash, file_path, filename, size, mime_type, content, content_source, title, doc_type,
    correspondent, doc_date, tags, language, summary, ai_provider, ai_model, created_at, updated_at)
    VALUES (?, ?, ?, ?, 'text/plain', ?, 'text', ?, 'letter', NULL, NULL, '[]', 'en', '', 'local', 'bench', 0, 0)`);
  const insertChunk = lib.db.prepare('INSERT INTO chunks (document_id, chunk_index, text, embedding, embedding_model, embedding_dim) VALUES (?, ?, ?, ?, ?, ?)');
  const fill = lib.db.transaction((from: number, to: number) => {
    for (let d = from; d < to; d++) {
      const parts = Array.from({ length: 4 }, () => documentText(r, d, 1).slice(0, 900));
      const id = Number(insertDoc.run(`${d.toString(16).padStart(16, '0')}${'0'.repeat(48)}`, `/bench/doc-${d}.txt`, `doc-${d}.txt`, 4000, parts.join('\n\n'), `Document ${d}`).lastInsertRowid);
      parts.forEach((t, i) => {
        const v = hashEmbed(t, USE_DIM);
        insertChunk.run(id, i, t, Buffer.from(v.buffer), USE_MODEL, USE_DIM);
      });
    }
  });
  const docs = Math.ceil(chunks / 4);
  for (let d = 0; d < docs; d += 2000) fill(d, Math.min(docs, d + 2000));
  lib.close();
}

/** The search it replaced: every chunk's text and vector read from SQLite per query. */
function plainScan(dbPath: string, q: Float32Array): number {
  const lib = Library.open(dbPath);
  const t0 = performance.now();
  let best = -1;
  for (const row of lib.db.prepare('SELECT document_id, text, embedding FROM chunks WHERE embedding_model = ?').iterate(USE_MODEL) as Iterable<{ embedding: Buffer; text: string }>) {
    const v = new Float32Array(new Uint8Array(row.embedding).buffer);
    let s = 0;
    for (let i = 0; i < v.length; i++) s += v[i] * q[i];
    if (s > best) best = s;
  }
  const ms = performance.now() - t0;
  lib.close();
  return ms;
}

export async function searchFigures(ctx: Ctx): Promise<Row[]> {
  const chunks = 100_000;
  const dbPath = freshDb(ctx, 'search');
  const t0 = performance.now();
  buildLibrary(dbPath, chunks, ctx.seed);
  ctx.log(`  ${chunks} chunks written in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const encoder = sharedEncoder();
  const service = await createIntakeService({
    dbPath,
    dataDir: join(dbPath, '..', 'data'),
    platform: { mode: 'browser', chooseFolder: async () => null, showInFolder: async () => undefined, openExternal: async () => undefined, secrets: { description: 'bench', encrypt: (s) => Buffer.from(s), decrypt: (b) => b.toString() } },
    engine: { createProvider: () => new LocalProvider(encoder) },
  });
  const notes: string[] = [];
  try {
    // First query: loads the model and the vector index (reported, not in the percentile).
    const first = performance.now();
    const warm = await dispatch(service.handlers, 'documents.list', { q: 'warm up', mode: 'hybrid', limit: 20 });
    if (!warm.ok) throw new Error(warm.error.message);
    notes.push(`first query (model + index load) ${(performance.now() - first).toFixed(0)} ms; the model's load in its thread ${encoder.loadMs ?? '?'} ms, of which ${encoder.warmUpMs ?? '?'} ms its warm-up calls (encoder-worker.mjs)`);
    const loadStart = loadavg()[0];
    const rounds = ctx.quick ? 2 : 5;
    const times: Record<'hybrid' | 'semantic', number[]> = { hybrid: [], semantic: [] };
    const cpu: number[] = [];
    const embedTimes: number[] = [];
    for (let r = 0; r < rounds; r++) {
      for (const q of QUERIES) {
        // Each query text is new to the service (its query-vector cache), so every timed query embeds its query.
        const query = `${q} ${r ? r : ''}`.trim();
        for (const [mode, text] of [['hybrid', query], ['semantic', `${query}?`]] as const) {
          const c0 = process.cpuUsage();
          const t = performance.now();
          const res = await dispatch(service.handlers, 'documents.list', { q: text, mode, limit: 20 });
          times[mode].push(performance.now() - t);
          if (mode === 'hybrid') {
            const c = process.cpuUsage(c0);
            cpu.push((c.user + c.system) / 1000);
          }
          if (!res.ok) throw new Error(res.error.message);
        }
        const e0 = performance.now();
        await encoder.embed([`${query}!`]);
        embedTimes.push(performance.now() - e0);
      }
    }
    const loadEnd = loadavg()[0];
    const base: number[] = [];
    for (const q of QUERIES.slice(0, ctx.quick ? 1 : 3)) base.push(plainScan(dbPath, hashEmbed(q, USE_DIM)));
    const b = sample(base);
    const pct = (xs: number[], p: number) => percentile(xs, p).toFixed(0);
    notes.push(
      `${times.hybrid.length} queries per mode through dispatch → documents.list (limit 20), each embedding its query in the encoder thread while the keyword index is read; load average ${loadStart.toFixed(1)} → ${loadEnd.toFixed(1)} (2 cores)`,
      `hybrid p50 ${pct(times.hybrid, 50)} ms; process CPU per hybrid query (both threads) p50 ${pct(cpu, 50)} ms, p95 ${pct(cpu, 95)} ms; the query embedding alone p50 ${pct(embedTimes, 50)} ms, p95 ${pct(embedTimes, 95)} ms`,
      `vectors: int8 codes with precomputed norms + a sign-bit Hamming prefilter, both loops in WebAssembly SIMD, top-k by heap (vector-index.ts, simd-vectors.ts); native column: the plain scan it replaced (every chunk's text and vector read from SQLite per query)`,
      'sqlite-vec 0.1.9 (vec0, brute force) is not a dependency: measured once beside this index on 100 000 × 512 random unit vectors, top 400, load ≈ 19: float p50 1 320 ms, int8 p50 1 224 ms, this index p50 113 ms (min 56); the in-memory index also needs no native extension in Electron',
    );
    const row = (mode: 'hybrid' | 'semantic'): Row => {
      const p95 = percentile(times[mode], 95);
      return {
        id: `${mode}_search`,
        figure: `${mode} search p95, ${chunks} chunks, through the handler`,
        unit: 'ms',
        intake: { median: p95, min: Math.min(...times[mode]), max: Math.max(...times[mode]), n: times[mode].length },
        native: b,
        nativeTool: 'plain scan (old search)',
        ratio: b.median / p95,
        target: '≤ 50 ms p95',
        met: p95 <= 50,
        notes: mode === 'hybrid' ? notes : [`p50 ${pct(times.semantic, 50)} ms; same library and queries as hybrid_search (each query text new)`],
      };
    };
    return [row('hybrid'), row('semantic')];
  } finally {
    await service.close();
  }
}

export async function encoderFigures(ctx: Ctx): Promise<Row[]> {
  const n = ctx.corpus.textPaths.length;
  const embedChunks = ctx.quick ? 96 : 400;
  const db = freshDb(ctx, 'encoder');
  const r = await runIngestChild(ctx, { db, paths: [ctx.corpus.textDir], runs: 1, options: { ocr: true }, encoder: 'use', embedChunks });
  const run = r.runs[0];
  const rate = run.summary.ingested / (run.ms / 1000);
  const e = r.embedding;
  const chunksPerSec = e && e.ms > 0 ? e.chunks / (e.ms / 1000) : 0;
  const one = (v: number) => ({ median: v, min: v, max: v, n: 1 });
  return [
    {
      id: 'text_ingest_encoder',
      figure: `text ingest with the sentence encoder, ${n} small files (stored first)`,
      unit: 'files/s',
      intake: one(rate),
      native: null,
      ratio: null,
      target: '≥ 100 files/s',
      met: rate >= 100,
      notes: [
        'local provider with Universal Sentence Encoder lite: each document is stored (keyword-searchable) at once, its chunks embedded in the background (encoder thread)',
        e ? `all ${n} chunks embedded after ≈ ${((n / Math.max(chunksPerSec, 0.01)) / 60).toFixed(0)} min at the measured rate` : 'no embedding measured',
      ],
    },
    {
      id: 'embed_throughput',
      figure: 'sentence encoder throughput (background, 2 cores)',
      unit: 'chunks/s',
      intake: e ? one(chunksPerSec) : null,
      native: null,
      ratio: null,
      target: '— (reported)',
      met: null,
      notes: [e ? `${e.chunks} chunks in ${(e.ms / 1000).toFixed(1)} s (model load included), batches of 16, TF.js WASM backend (SIMD, one thread)` : 'not measured'],
    },
    {
      id: 'embed_event_loop',
      figure: "engine's event-loop delay while the encoder embeds",
      unit: 'ms p99',
      intake: e ? one(e.eld.p99) : null,
      native: null,
      ratio: null,
      target: '≤ 50 ms p99',
      met: e ? e.eld.p99 <= 50 : null,
      notes: [
        e
          ? `p50 ${e.eld.p50.toFixed(1)} ms, max ${e.eld.max.toFixed(1)} ms; the same process idle right after, at the same machine load: p99 ${e.idleEld.p99.toFixed(1)} ms, p50 ${e.idleEld.p50.toFixed(1)} ms (a bare encoder loop with no SQLite work showed the same gap, 68 vs 24 ms at load ≈ 16: it is the encoder thread's CPU share under load, not a blocking call; vectors arrive transferred, 16 per write)`
          : 'not measured',
      ],
    },
    {
      id: 'encoder_rss',
      figure: 'peak RSS of the ingest process with the encoder loaded',
      unit: 'MB',
      intake: one(r.maxRssMb),
      native: null,
      ratio: null,
      target: '≤ 500 MB',
      met: r.maxRssMb <= 500,
      notes: ['process.resourceUsage().maxRSS of the child: engine, library, encoder thread with TF.js and the 27 MB model'],
    },
  ];
}
