// `npm run eval`: ingests the labelled set (eval/corpus.ts) with the default provider — text
// files as they are, the scans as PNG images through OCR — and prints per-field accuracy of the
// classification and search recall@3 / MRR per mode, for the sentence encoder and for the hashed
// baseline (the same library re-embedded with the hashed vectors). `--json` adds a JSON line.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WorkerEncoder } from '../src/main/ai/encoder';
import { LocalProvider } from '../src/main/ai/local';
import { OpenAiProvider } from '../src/main/ai/openai';
import type { AiProvider } from '../src/main/ai/types';
import { STOPWORDS } from '../src/main/ai/lexicon';
import { Engine, defaultRunOptions } from '../src/main/engine/engine';
import { Library } from '../src/main/engine/library';
import { SEARCH_MODES, type SearchMode } from '../src/shared/domain';
import { DOCS, HELD_OUT, QUERIES, type EvalDoc, type EvalQuery } from './corpus';

const json = process.argv.includes('--json');
// `--keep DIR`: work in DIR and leave it there; a second run re-reads the unchanged files in no time.
const keepAt = process.argv.indexOf('--keep');
const keep = keepAt >= 0 ? process.argv[keepAt + 1] : undefined;
const root = keep ?? mkdtempSync(join(tmpdir(), 'intake-eval-'));
// `--ai-base-url URL [--chat-model M] [--embed-model M]`: classify and embed through the OpenAI
// provider against any OpenAI-compatible server (key from OPENAI_API_KEY) instead of the local one.
const arg = (name: string): string | undefined => {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
};
const aiBaseUrl = arg('--ai-base-url');
const docsDir = join(root, 'docs');
mkdirSync(docsDir, { recursive: true });

// ---------------------------------------------------------------- the set's own rules

const WORD_RE = /[\p{L}\p{N}]+/gu;
const FUNCTION_WORDS = new Set([...Object.values(STOPWORDS).flat(), 'how', 'what', 'did', 'do', 'my', 'our', 'us', 'i', 'me', 'much', 'who', 'when', 'where', 'which', 'to', 'for', 'in', 'a', 'the', 'from', 'with', 'and', 'of', 'on', 'at', 'this', 'next', 'about']);
const contentWords = (s: string): Set<string> => new Set((s.toLowerCase().match(WORD_RE) ?? []).filter((w) => !FUNCTION_WORDS.has(w) && w.length > 1));

function checkSet(): void {
  const problems: string[] = [];
  const byId = new Map(DOCS.map((d) => [d.id, d]));
  for (const q of [...QUERIES, ...HELD_OUT]) {
    const doc = byId.get(q.target);
    if (!doc) {
      problems.push(`query "${q.q}" targets unknown document ${q.target}`);
      continue;
    }
    const docWords = contentWords(doc.text);
    const shared = [...contentWords(q.q)].filter((w) => docWords.has(w));
    if (shared.length > 1) problems.push(`query "${q.q}" shares ${shared.length} content words with ${q.target}: ${shared.join(', ')}`);
  }
  const lang = DOCS.filter((d) => d.lang !== 'en').length;
  const scans = DOCS.filter((d) => d.scan).length;
  if (DOCS.length < 60) problems.push(`only ${DOCS.length} documents (≥ 60)`);
  if (lang < 15) problems.push(`only ${lang} German/French documents (≥ 15)`);
  if (scans < 10) problems.push(`only ${scans} scanned documents (≥ 10)`);
  if (QUERIES.length < 30) problems.push(`only ${QUERIES.length} queries (≥ 30)`);
  if (problems.length) {
    process.stderr.write(`The evaluation set breaks its own rules:\n  ${problems.join('\n  ')}\n`);
    process.exit(1);
  }
}

// ---------------------------------------------------------------- scans

/** The pdfjs-bundled canvas renders each line of the document as a clean 300-dpi-ish scan. */
function scanPng(text: string): Buffer {
  const req = createRequire(import.meta.url);
  const { createCanvas } = createRequire(req.resolve('pdfjs-dist/package.json'))('@napi-rs/canvas') as typeof import('@napi-rs/canvas');
  const lines = text.split('\n');
  const fontSize = 34;
  const lineHeight = Math.round(fontSize * 1.5);
  const width = 1700;
  const height = lineHeight * (lines.length + 2);
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#000000';
  ctx.font = `${fontSize}px "DejaVu Sans"`;
  ctx.textBaseline = 'top';
  lines.forEach((l, i) => ctx.fillText(l, fontSize * 2, lineHeight * (i + 1)));
  return canvas.toBuffer('image/png');
}

function fileName(d: EvalDoc): string {
  return `${d.id}.${d.scan ? 'png' : (d.ext ?? 'txt')}`;
}

// ---------------------------------------------------------------- scoring

const LEGAL = /\b(gmbh|ag|ltd|llc|llp|inc|plc|sarl|sas|sa|e\.?\s?v|co|kg|mbh)\b\.?/g;
const normName = (s: string): string =>
  s
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(LEGAL, ' ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

/** A correspondent is right when, legal forms and punctuation aside, one name contains the other. */
function sameCorrespondent(expected: string | null, got: string | null): boolean {
  if (expected === null || got === null) return expected === got;
  const a = normName(expected);
  const b = normName(got);
  return a.length > 0 && b.length > 0 && (a === b || ` ${b} `.includes(` ${a} `) || ` ${a} `.includes(` ${b} `));
}

interface FieldScores {
  type: number;
  correspondent: number;
  date: number;
  language: number;
  wrong: Record<string, string[]>;
}

function scoreFields(library: Library): FieldScores {
  const wrong: Record<string, string[]> = { type: [], correspondent: [], date: [], language: [] };
  const ok = { type: 0, correspondent: 0, date: 0, language: 0 };
  const get = library.db.prepare('SELECT doc_type, correspondent, doc_date, language, title FROM documents WHERE filename = ?');
  for (const d of DOCS) {
    const row = get.get(fileName(d)) as { doc_type: string; correspondent: string | null; doc_date: string | null; language: string | null; title: string } | undefined;
    if (!row) {
      for (const k of Object.keys(wrong)) wrong[k].push(`${d.id}: not ingested`);
      continue;
    }
    if (row.doc_type === d.type) ok.type++;
    else wrong.type.push(`${d.id}: ${row.doc_type} (want ${d.type})`);
    if (sameCorrespondent(d.correspondent, row.correspondent)) ok.correspondent++;
    else wrong.correspondent.push(`${d.id}: ${JSON.stringify(row.correspondent)} (want ${JSON.stringify(d.correspondent)})`);
    if (row.doc_date === d.date) ok.date++;
    else wrong.date.push(`${d.id}: ${row.doc_date} (want ${d.date})`);
    if (row.language === d.lang) ok.language++;
    else wrong.language.push(`${d.id}: ${row.language} (want ${d.lang})`);
  }
  const n = DOCS.length;
  return { type: ok.type / n, correspondent: ok.correspondent / n, date: ok.date / n, language: ok.language / n, wrong };
}

interface ModeScores {
  recall3: number;
  mrr: number;
  /** Share of queries answered with at most 5 documents (the floor at work). */
  focused: number;
  misses: string[];
}

async function scoreSearch(engine: Engine, mode: SearchMode, queries: EvalQuery[] = QUERIES): Promise<ModeScores> {
  let hit3 = 0;
  let rr = 0;
  let focused = 0;
  const misses: string[] = [];
  for (const q of queries) {
    const res = await engine.searchDocuments(q.q, { mode, offset: 0, limit: 10 });
    const rank = res.rows.findIndex((r) => r.filename.startsWith(`${q.target}.`)) + 1;
    if (rank >= 1 && rank <= 3) hit3++;
    else misses.push(`"${q.q}" → ${rank ? `#${rank}` : 'not listed'} (${res.rows.slice(0, 3).map((r) => r.filename).join(', ') || 'nothing'})`);
    if (rank) rr += 1 / rank;
    if (res.total <= 5) focused++;
  }
  const n = queries.length;
  return { recall3: hit3 / n, mrr: rr / n, focused: focused / n, misses };
}

// ---------------------------------------------------------------- run

async function main(): Promise<void> {
  checkSet();
  for (const d of DOCS) if (!keep || !existsSync(join(docsDir, fileName(d)))) writeFileSync(join(docsDir, fileName(d)), d.scan ? scanPng(d.text) : d.text);

  const encoder = new WorkerEncoder();
  const dataDir = join(root, 'data');
  const dbPath = join(dataDir, 'eval.db');
  mkdirSync(dataDir, { recursive: true });
  const t0 = Date.now();
  const provider = (): AiProvider =>
    aiBaseUrl
      ? new OpenAiProvider({
          provider: 'openai',
          baseUrl: aiBaseUrl,
          chatModel: arg('--chat-model') ?? 'gpt-4o-mini',
          embedModel: arg('--embed-model') ?? 'text-embedding-3-small',
          apiKey: process.env.OPENAI_API_KEY,
          timeoutMs: 60_000,
          maxRetries: 3,
        })
      : new LocalProvider(encoder);
  const library = Library.open(dbPath);
  const engine = new Engine({ library, dataDir, createProvider: provider });
  const summary = await engine.ingest(defaultRunOptions([docsDir], { ocrLanguages: ['eng'], concurrency: 4 }));
  await engine.embedder.idle();
  if (keep) await engine.embedder.reembed();
  const ingestMs = Date.now() - t0;
  if (summary.failed) process.stderr.write(`warning: ${summary.failed} documents failed to ingest\n`);

  const fields = scoreFields(library);
  const modes: Record<string, ModeScores> = {};
  for (const m of SEARCH_MODES) modes[m] = await scoreSearch(engine, m);
  const heldOut: Record<string, ModeScores> = {};
  for (const m of ['hybrid', 'semantic'] as const) heldOut[m] = await scoreSearch(engine, m, HELD_OUT);
  await engine.close();
  library.close();

  // The hashed baseline: the same documents and labels, vectors recomputed with the hashed embedding.
  const basePath = join(dataDir, 'baseline.db');
  for (const f of [basePath, `${basePath}-wal`, `${basePath}-shm`]) rmSync(f, { force: true });
  copyFileSync(dbPath, basePath);
  const base = new Engine({ library: basePath, dataDir, createProvider: () => new LocalProvider(null) });
  await base.embedder.reembed();
  const baseModes: Record<string, ModeScores> = {};
  for (const m of SEARCH_MODES) baseModes[m] = await scoreSearch(base, m);
  const baseHeldOut: Record<string, ModeScores> = {};
  for (const m of ['hybrid', 'semantic'] as const) baseHeldOut[m] = await scoreSearch(base, m, HELD_OUT);
  await base.close();
  await encoder.close();

  const pct = (x: number) => `${(x * 100).toFixed(0)} %`.padStart(6);
  const out: string[] = [];
  out.push(`Intake evaluation: ${DOCS.length} documents (${DOCS.filter((d) => d.lang !== 'en').length} German/French, ${DOCS.filter((d) => d.scan).length} scanned), ${QUERIES.length} paraphrase queries; ingest + embed ${(ingestMs / 1000).toFixed(1)} s`);
  out.push('');
  out.push(`Classification (${aiBaseUrl ? `openai provider at ${aiBaseUrl}` : 'default local provider'})      accuracy`);
  out.push(`  document type                              ${pct(fields.type)}   (target ≥ 85 %)`);
  out.push(`  correspondent                              ${pct(fields.correspondent)}   (target ≥ 70 %)`);
  out.push(`  date                                       ${pct(fields.date)}   (target ≥ 85 %)`);
  out.push(`  language                                   ${pct(fields.language)}`);
  out.push('');
  out.push(`Search                 ${(aiBaseUrl ? 'server embeddings' : 'sentence encoder').padEnd(33)}hashed baseline`);
  out.push('  mode           recall@3    MRR   ≤5 hits        recall@3    MRR   ≤5 hits');
  for (const m of SEARCH_MODES) {
    const a = modes[m];
    const b = baseModes[m];
    out.push(`  ${m.padEnd(12)} ${pct(a.recall3)}  ${a.mrr.toFixed(2).padStart(5)}  ${pct(a.focused)}       ${pct(b.recall3)}  ${b.mrr.toFixed(2).padStart(5)}  ${pct(b.focused)}`);
  }
  out.push(`  held out: ${HELD_OUT.length} more queries (English, for the German and French documents), never used to tune`);
  for (const m of ['hybrid', 'semantic']) {
    const a = heldOut[m];
    const b = baseHeldOut[m];
    out.push(`  ${m.padEnd(12)} ${pct(a.recall3)}  ${a.mrr.toFixed(2).padStart(5)}  ${pct(a.focused)}       ${pct(b.recall3)}  ${b.mrr.toFixed(2).padStart(5)}  ${pct(b.focused)}`);
  }
  out.push('  (hybrid recall@3 target ≥ 90 %; "≤5 hits": queries answered with at most 5 documents — the relevance floor at work)');
  if (process.argv.includes('--verbose')) {
    out.push('');
    for (const [k, list] of Object.entries(fields.wrong)) if (list.length) out.push(`wrong ${k}:\n  ${list.join('\n  ')}`);
    for (const m of SEARCH_MODES) if (modes[m].misses.length) out.push(`missed in ${m}:\n  ${modes[m].misses.join('\n  ')}`);
    for (const m of ['hybrid', 'semantic']) if (heldOut[m].misses.length) out.push(`held out, missed in ${m}:\n  ${heldOut[m].misses.join('\n  ')}`);
  }
  process.stdout.write(`${out.join('\n')}\n`);
  if (json) {
    const strip = (s: ModeScores) => ({ recall3: s.recall3, mrr: s.mrr, focused: s.focused });
    process.stdout.write(
      `${JSON.stringify({
        documents: DOCS.length,
        queries: QUERIES.length,
        fields: { type: fields.type, correspondent: fields.correspondent, date: fields.date, language: fields.language },
        search: Object.fromEntries(SEARCH_MODES.map((m) => [m, strip(modes[m])])),
        baseline: Object.fromEntries(SEARCH_MODES.map((m) => [m, strip(baseModes[m])])),
        heldOut: { queries: HELD_OUT.length, hybrid: strip(heldOut.hybrid), semantic: strip(heldOut.semantic), baselineHybrid: strip(baseHeldOut.hybrid) },
      })}\n`,
    );
  }
}

main()
  .catch((e) => {
    process.stderr.write(`eval failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exitCode = 1;
  })
  .finally(() => {
    if (!keep) rmSync(root, { recursive: true, force: true });
  });
