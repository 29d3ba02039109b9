// Meaning search with the real sentence encoder, stored first and embedded in the background;
// re-embedding a library of another model; failures recorded and retried. The encoder (≈ 250 MB,
// 1–2 s to load) is started once for this file and shared by every engine in it.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalProvider } from '../../src/main/ai/local';
import { USE_DIM, USE_MODEL, WorkerEncoder, type SentenceEncoder } from '../../src/main/ai/encoder';
import { MAX_EMBED_ATTEMPTS } from '../../src/main/engine/embedder';
import { Workspace } from '../support/workspace';

const encoder = new WorkerEncoder();
afterAll(() => encoder.close());

let ws: Workspace;
beforeEach(() => {
  ws = new Workspace();
});
afterEach(async () => {
  await ws.close();
});

const DOCTOR = `Praxis Dr. med. Anna Weber\n\nMarch 3, 2024\n\nDear Mr. Smith,\n\nthe laboratory results of your recent haemoglobin and cholesterol panel are within the normal range. Your ferritin is slightly low; please take the iron supplement for eight weeks.\n\nKind regards,\nDr. Anna Weber\n`;
const PLUMBER = `Rohr & Co. Sanitär GmbH\nINVOICE No. 2024-117\nDate: 15.03.2024\n\nReplaced the leaking pipe under the kitchen sink, new siphon, two hours of labour.\nTotal amount due: 240.00 EUR.\n`;
const MANUAL = `zlib 1.2.13 Manual\n\nThe zlib compression library provides in-memory compression and decompression functions, including integrity checks of the uncompressed data. Streams are deflated in blocks.\n`;

function corpus(): void {
  ws.write('doctor.txt', DOCTOR);
  ws.write('plumber.txt', PLUMBER);
  ws.write('zlib.txt', MANUAL);
}

const chunkModels = (ws: Workspace, e: ReturnType<Workspace['engine']>) =>
  ws.library(e).db.prepare('SELECT embedding_model AS model, embedding_dim AS dim, count(*) AS n FROM chunks GROUP BY 1, 2 ORDER BY 1').all() as { model: string | null; dim: number | null; n: number }[];

describe('search by meaning with the local sentence encoder', () => {
  it('stores documents at once (keyword-searchable), embeds them in the background, then finds them by paraphrase', async () => {
    corpus();
    const engine = ws.engine({ createProvider: () => new LocalProvider(encoder) });
    const summary = await engine.ingest(ws.options({ ocr: false }));
    expect(summary).toMatchObject({ ingested: 3, failed: 0 });

    // Keyword search works before a single vector exists.
    const early = await engine.search.search('siphon', { mode: 'keyword', offset: 0, limit: 10 });
    expect(early.rows.map((r) => r.filename)).toEqual(['plumber.txt']);

    await engine.embedder.idle();
    expect(chunkModels(ws, engine)).toEqual([{ model: USE_MODEL, dim: USE_DIM, n: 3 }]);
    expect(engine.embedder.status()).toMatchObject({ model: USE_MODEL, pending: 0, failed: 0, outdated: 0, current: 3 });

    const doctor = await engine.searchDocuments('letter from my doctor about blood test results', { mode: 'hybrid', offset: 0, limit: 10 });
    expect(doctor.rows[0].filename).toBe('doctor.txt');
    const plumber = await engine.searchDocuments('how much did I pay the plumber', { mode: 'semantic', offset: 0, limit: 10 });
    expect(plumber.rows[0].filename).toBe('plumber.txt');
    expect(plumber.rows[0].score).toBeGreaterThan(0);
    // The floor: nothing here is about the weather.
    expect((await engine.searchDocuments('weather forecast for tomorrow', { mode: 'hybrid', offset: 0, limit: 10 })).total).toBe(0);

    // The passage carries the query's terms as ranges, not as markers in the text.
    const kw = await engine.searchDocuments('compression library', { mode: 'keyword', offset: 0, limit: 10 });
    const [hit] = kw.rows;
    expect(hit.filename).toBe('zlib.txt');
    expect(hit.highlights.map((h) => hit.snippet.slice(h.start, h.end).toLowerCase())).toEqual(expect.arrayContaining(['compression', 'library']));
  });

  it('an English query finds German and French documents by meaning (the encoder reads their English gloss)', async () => {
    ws.write('heizung.txt', 'Sanitär Krüger GmbH\n\nRechnung Nr. 5521\n\nReparatur der Heizung: Kessel entlüftet, Pumpe ausgetauscht, Wartung durchgeführt.\nArbeitszeit 3 Std., Material 180,00 €.\nGesamtbetrag 412,00 € – zahlbar innerhalb von 14 Tagen.\n');
    ws.write('sortie.txt', "École Jules Ferry\n\nMadame, Monsieur,\n\nLa classe de votre enfant participera à une sortie au zoo le 12 mai. Les élèves partiront en car à 8 h 30 et seront de retour à l'école à 17 h. Merci de prévoir un repas froid.\n\nLa directrice\n");
    ws.write('zlib.txt', MANUAL);
    const engine = ws.engine({ createProvider: () => new LocalProvider(encoder) });
    await engine.ingest(ws.options({ ocr: false }));
    await engine.embedder.idle();
    const first = async (q: string) => (await engine.searchDocuments(q, { mode: 'semantic', offset: 0, limit: 3 })).rows[0]?.filename;
    expect(await first('bill for fixing our central heating')).toBe('heizung.txt');
    expect(await first('school day trip to see animals')).toBe('sortie.txt');
  });

  it('a library embedded with an older model is eligible for re-embedding, and reembed upgrades it, resuming after a stop', async () => {
    corpus();
    for (let i = 0; i < 20; i++) ws.write(`notes/note-${i}.txt`, `Meeting note ${i}: we discussed the garden fence, the hedge and the lawn mower for plot ${i}.`);
    const old = ws.engine({ createProvider: () => new LocalProvider(null) });
    await old.ingest(ws.options({ ocr: false }));
    await old.close();

    const engine = ws.engine({ createProvider: () => new LocalProvider(encoder) });
    const before = engine.embedder.status();
    expect(before).toMatchObject({ model: USE_MODEL, current: 0, outdated: 23, outdatedDocuments: 23 });
    // Search does not mix models: meaning search ignores the old vectors, keywords still work.
    expect((await engine.searchDocuments('haemoglobin', { mode: 'keyword', offset: 0, limit: 5 })).rows[0].filename).toBe('doctor.txt');
    expect((await engine.searchDocuments('blood test results', { mode: 'semantic', offset: 0, limit: 5 })).total).toBe(0);

    // Stopped after the first batch (as a kill would): what was done is kept, the rest is left.
    let stopped: Promise<void> | null = null;
    engine.onEmbedProgress = (s) => {
      if (s.current > 0 && !stopped) stopped = engine.embedder.close();
    };
    await engine.embedder.reembed();
    const partial = engine.embedder.status();
    expect(partial.current).toBeGreaterThan(0);
    expect(partial.current).toBeLessThan(23);
    await engine.close();

    const again = ws.engine({ createProvider: () => new LocalProvider(encoder) });
    const done = await again.embedder.reembed();
    expect(done).toMatchObject({ current: 23, outdated: 0, pending: 0, failed: 0 });
    // Text and classification were not touched.
    const doc = ws.library(again).db.prepare("SELECT doc_type, ai_model FROM documents WHERE filename = 'plumber.txt'").get();
    expect(doc).toEqual({ doc_type: 'invoice', ai_model: 'local-rules-v1' });
    expect((await again.searchDocuments('blood test results', { mode: 'semantic', offset: 0, limit: 5 })).rows[0].filename).toBe('doctor.txt');
  });
});

describe('the encoder thread', () => {
  it('serves a search query before the background batches already waiting', async () => {
    const done: string[] = [];
    const batch = (i: number) => Array.from({ length: 4 }, (_, k) => `Section ${i}.${k}: ${MANUAL}`);
    const background = [0, 1, 2, 3].map((i) => encoder.embed(batch(i)).then(() => done.push(`batch ${i}`)));
    const query = encoder.embed(['how much did I pay the plumber'], { urgent: true }).then(() => done.push('query'));
    await Promise.all([...background, query]);
    // At most the batch in progress (and one the thread took first) came before the query.
    expect(done.indexOf('query')).toBeLessThanOrEqual(2);
    expect(done.filter((d) => d !== 'query')).toEqual(['batch 0', 'batch 1', 'batch 2', 'batch 3']);
  });

  it('serves a query that arrives while a large background batch is being embedded before that batch ends', async () => {
    const done: string[] = [];
    // 16 long chunks, as the background embedder sends them: embedded in slices, the query goes between two.
    let started!: () => void;
    const inProgress = new Promise<void>((resolve) => (started = resolve));
    const big = encoder.embed(Array.from({ length: 16 }, (_, k) => `Part ${k}. ${MANUAL.repeat(8)}`), { onStart: started }).then((v) => (done.push('batch'), v));
    await inProgress;
    const query = await encoder.embed(['how much did I pay the plumber'], { urgent: true }).then((v) => (done.push('query'), v));
    const vectors = await big;
    expect(done).toEqual(['query', 'batch']);
    // The batch is whole and in order: 16 unit vectors, each its own text's.
    expect(vectors).toHaveLength(16);
    for (const v of vectors) expect(Math.hypot(...v)).toBeCloseTo(1, 4);
    const [alone] = await encoder.embed([`Part 9. ${MANUAL.repeat(8)}`]);
    expect(vectors[9].reduce((s, x, i) => s + x * alone[i], 0)).toBeGreaterThan(0.999);
    expect(query[0]).toHaveLength(512);
  });
});

describe('background embedding failures', () => {
  it('are recorded on the chunk and retried, up to the attempt limit, and reembed tries them again', async () => {
    ws.write('a.txt', PLUMBER);
    let fail = true;
    const flaky: SentenceEncoder = {
      model: 'flaky-4',
      dim: 4,
      embed: async (texts) => {
        if (fail) throw new Error('encoder crashed');
        return texts.map(() => Float32Array.from([1, 0, 0, 0]));
      },
      close: async () => undefined,
    };
    const engine = ws.engine({ createProvider: () => new LocalProvider(flaky) });
    await engine.ingest(ws.options({ ocr: false }));
    await engine.embedder.idle();
    const row = () => ws.library(engine).db.prepare('SELECT embedding, embed_attempts AS attempts, embed_error AS error FROM chunks').get() as { embedding: Buffer | null; attempts: number; error: string | null };
    expect(row()).toEqual({ embedding: null, attempts: 1, error: 'encoder crashed' });
    // Still found by keyword meanwhile.
    expect((await engine.searchDocuments('siphon', { mode: 'hybrid', offset: 0, limit: 5 })).total).toBe(0 + 1);

    for (let i = 1; i < MAX_EMBED_ATTEMPTS + 2; i++) {
      engine.embedder.kick();
      await engine.embedder.idle();
    }
    expect(row().attempts).toBe(MAX_EMBED_ATTEMPTS);
    expect(engine.embedder.status()).toMatchObject({ failed: 1, pending: 0, lastError: 'encoder crashed' });

    fail = false;
    const after = await engine.embedder.reembed();
    expect(after).toMatchObject({ current: 1, failed: 0 });
    expect(row().error).toBeNull();
  });
});
