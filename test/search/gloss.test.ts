// The keyword index holds the English gloss of German and French documents (migration 12), so an
// English query's words meet a German invoice's "Rechnung … Heizung". Through the real pipeline and
// a real SQLite file, with the hashed vectors; and the upgrade of a library from before glosses.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalProvider } from '../../src/main/ai/local';
import { documentGloss } from '../../src/main/ai/gloss';
import { MIGRATIONS } from '../../src/main/db/migrations';
import { glossDocument } from '../../src/main/engine/glosses';
import { Workspace } from '../support/workspace';

let ws: Workspace;
beforeEach(() => {
  ws = new Workspace();
});
afterEach(async () => {
  await ws.close();
});

const HEIZUNG =
  'Sanitär Krüger GmbH\n\nRechnung Nr. 5521\n\nReparatur der Heizung: Kessel entlüftet, Pumpe ausgetauscht, Wartung durchgeführt.\nArbeitszeit 3 Std., Material 180,00 €.\nGesamtbetrag 412,00 € – zahlbar innerhalb von 14 Tagen.\n';
const LOYER =
  "Agence Immobilière Duval\n\nQuittance de loyer\n\nJe soussigné, propriétaire du logement, déclare avoir reçu de Madame Petit la somme de 850,00 € au titre du loyer et des charges pour le mois de mars.\n";
const FENCE = 'Meeting note: we discussed the garden fence, the hedge and the lawn mower. The heating of the shed stays off.';

const filenames = (r: { rows: { filename: string }[] }) => r.rows.map((x) => x.filename);

describe('the English gloss in the keyword index', () => {
  it('a German or French document stored by a run carries its gloss, and English keywords find it', async () => {
    ws.write('heizung.txt', HEIZUNG);
    ws.write('loyer.txt', LOYER);
    ws.write('fence.txt', FENCE);
    const engine = ws.engine({ createProvider: () => new LocalProvider(null) });
    expect(await engine.ingest(ws.options({ ocr: false }))).toMatchObject({ ingested: 3, failed: 0 });

    const glosses = new Map(
      (ws.library(engine).db.prepare('SELECT filename, gloss FROM documents').all() as { filename: string; gloss: string }[]).map((r) => [r.filename, r.gloss]),
    );
    expect(glosses.get('fence.txt')).toBe('');
    expect(glosses.get('heizung.txt')).toMatch(/\binvoice\b/);
    expect(glosses.get('heizung.txt')).toMatch(/\bheating\b/);
    // Only meanings: the German words and the numbers are in the text already.
    expect(glosses.get('heizung.txt')).not.toMatch(/Rechnung|5521/);
    expect(glosses.get('loyer.txt')).toMatch(/\brent\b/);

    // Every word of the query is in the German invoice's gloss, none in its text.
    const [hit] = (await engine.search.search('heating invoice', { mode: 'keyword', offset: 0, limit: 10 })).rows;
    expect(hit.filename).toBe('heizung.txt');
    // Its passage marks the German words that mean the query's words.
    expect(hit.highlights.map((h) => hit.snippet.slice(h.start, h.end))).toEqual(['Rechnung', 'Heizung']);
    expect(filenames(await engine.search.search('rent receipt', { mode: 'keyword', offset: 0, limit: 10 }))).toEqual(['loyer.txt']);
    // The German words still find it, and an English word shared with an English note finds both.
    expect(filenames(await engine.search.search('Heizung', { mode: 'keyword', offset: 0, limit: 10 }))).toEqual(['heizung.txt']);
    expect(filenames(await engine.search.search('heating', { mode: 'keyword', offset: 0, limit: 10 })).sort()).toEqual(['fence.txt', 'heizung.txt']);
    // Hybrid counts a word found only in the gloss as weaker evidence: the index says which it was.
    const ids = new Map(ws.library(engine).documents.list(0, 10).map((d) => [d.id, d.filename]));
    const own = ws.library(engine).documents.ftsCandidates(['heating'], true, 10).map((h) => [ids.get(h.id), h.own]);
    expect(own.sort()).toEqual([['fence.txt', true], ['heizung.txt', false]]);
  });

  it('a long document is glossed a passage at a time, with a chance for other work after each', async () => {
    const passages = [HEIZUNG, FENCE, LOYER];
    let ticks = 0;
    let otherWork = 0;
    const gloss = await glossDocument(passages, async () => {
      ticks++;
      await new Promise<void>((r) => setImmediate(() => (otherWork++, r())));
    });
    expect(gloss).toBe(documentGloss(passages));
    expect(gloss.split('\n')).toHaveLength(2); // the English note has none
    expect([ticks, otherWork]).toEqual([3, 3]);
  });

  it('a library from before glosses (version 11) is upgraded: its German document is glossed in the background and found by English words', async () => {
    mkdirSync(dirname(ws.dbPath), { recursive: true });
    const db = new Database(ws.dbPath);
    for (let v = 0; v < 11; v++) db.exec(MIGRATIONS[v]);
    db.pragma('user_version = 11');
    const doc = db.prepare(
      `INSERT INTO documents (file_hash, file_path, filename, size, mime_type, content, content_source, title, doc_type, language, ai_provider, ai_model, created_at, updated_at)
       VALUES (?, ?, ?, 1, 'text/plain', ?, 'text', ?, 'invoice', ?, 'local', 'rules', 1700000000, 1700000000)`,
    );
    const chunk = db.prepare('INSERT INTO chunks (document_id, chunk_index, text) VALUES (?, 0, ?)');
    const de = Number(doc.run('h-de', '/old/heizung.txt', 'heizung.txt', HEIZUNG, 'Rechnung Heizung', 'de').lastInsertRowid);
    chunk.run(de, HEIZUNG);
    const en = Number(doc.run('h-en', '/old/fence.txt', 'fence.txt', FENCE, 'Fence', 'en').lastInsertRowid);
    chunk.run(en, FENCE);
    db.close();

    const engine = ws.engine({ createProvider: () => new LocalProvider(null) });
    const lib = ws.library(engine);
    expect(lib.db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    // The old rows are all there and still found by their own words (documents_fts was rebuilt).
    expect(filenames(await engine.search.search('Kessel', { mode: 'keyword', offset: 0, limit: 10 }))).toEqual(['heizung.txt']);
    expect(filenames(await engine.search.search('hedge', { mode: 'keyword', offset: 0, limit: 10 }))).toEqual(['fence.txt']);

    // The engine glossed the German document (the English one needs none) in the background.
    await engine.glosses.start();
    const gloss = lib.db.prepare<[number], { gloss: string | null }>('SELECT gloss FROM documents WHERE id = ?');
    expect(gloss.get(en)!.gloss).toBe('');
    expect(gloss.get(de)!.gloss).toMatch(/\binvoice\b.*\bheating\b|\bheating\b.*\binvoice\b/s);
    expect(lib.db.prepare('SELECT count(*) AS n FROM documents WHERE gloss IS NULL').get()).toEqual({ n: 0 });
    expect(filenames(await engine.search.search('heating invoice', { mode: 'keyword', offset: 0, limit: 10 }))).toEqual(['heizung.txt']);
    expect(() => lib.db.prepare("INSERT INTO documents_fts (documents_fts) VALUES ('integrity-check')").run()).not.toThrow();

    // Deleting the document takes its glossed words out of the index too.
    lib.db.prepare('DELETE FROM documents WHERE id = ?').run(de);
    engine.search.invalidate();
    expect((await engine.search.search('heating invoice', { mode: 'keyword', offset: 0, limit: 10 })).total).toBe(0);
    expect(() => lib.db.prepare("INSERT INTO documents_fts (documents_fts) VALUES ('integrity-check')").run()).not.toThrow();
  });
});
