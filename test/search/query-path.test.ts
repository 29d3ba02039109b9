// The query path of hybrid search, with the hashed vectors (no encoder): the query embedded once
// for paging and repeats, numbers matched whole, and terms held by thousands of documents ranked
// within the meaning candidates instead of by BM25 over the whole library.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashEmbed } from '../../src/main/ai/hash-embed';
import { Library } from '../../src/main/engine/library';
import { LibrarySearch, termCounts, type QueryEmbedder } from '../../src/main/engine/search';
import { Workspace } from '../support/workspace';

const MODEL = 'local-hash-test';
const DIM = 256;

let ws: Workspace;
let lib: Library;
let search: LibrarySearch;
beforeEach(() => {
  ws = new Workspace();
  lib = Library.open(ws.dbPath);
  search = new LibrarySearch(lib.db, lib.documents);
});
afterEach(async () => {
  search.close();
  lib.close();
  await ws.close();
});

let next = 0;
function add(text: string, title = `Document ${next}`): number {
  const n = ++next;
  return lib.db.transaction(() =>
    lib.documents.insert({
      fileHash: n.toString(16).padStart(64, '0'),
      filePath: `/docs/doc-${n}.txt`,
      filename: `doc-${n}.txt`,
      size: text.length,
      mimeType: 'text/plain',
      content: text,
      contentSource: 'text',
      classification: { title, docType: 'letter', correspondent: null, docDate: null, tags: [], language: 'en', summary: '' },
      aiProvider: 'local',
      aiModel: 'test',
      chunks: [{ text, embedding: hashEmbed(text, DIM) }],
      embeddingModel: MODEL,
      gloss: '',
      at: n,
    }),
  )();
}

/** The hashed vectors, counting how often a query is embedded. */
function countingEmbedder(): QueryEmbedder & { calls: string[] } {
  const calls: string[] = [];
  return { model: MODEL, calls, embed: async (q: string) => (calls.push(q), hashEmbed(q, DIM)) };
}

describe('the hybrid query path', () => {
  it('embeds a query once: the second page and the same search again reuse its vector', async () => {
    for (let i = 0; i < 30; i++) add(`Invoice ${i} for garden tools: a spade, a rake and a hose for the allotment.`);
    const embedder = countingEmbedder();
    const first = await search.search('garden tools invoice', { mode: 'hybrid', offset: 0, limit: 10, embedder });
    const second = await search.search('garden tools invoice', { mode: 'hybrid', offset: 10, limit: 10, embedder });
    expect(first.rows).toHaveLength(10);
    expect(second.rows).toHaveLength(10);
    expect(new Set([...first.rows, ...second.rows].map((r) => r.id)).size).toBe(20);
    await search.search('garden tools invoice', { mode: 'semantic', offset: 0, limit: 10, embedder });
    expect(embedder.calls).toEqual(['garden tools invoice']);
    await search.search('a rake for the allotment', { mode: 'hybrid', offset: 0, limit: 10, embedder });
    expect(embedder.calls).toHaveLength(2);
  });

  it('an encoder that fails is asked again next time (a failure is not remembered)', async () => {
    add('Invoice for garden tools.');
    let fail = true;
    const embedder: QueryEmbedder = {
      model: MODEL,
      embed: async (q) => {
        if (fail) throw new Error('encoder down');
        return hashEmbed(q, DIM);
      },
    };
    await expect(search.search('garden tools', { mode: 'semantic', offset: 0, limit: 5, embedder })).rejects.toThrow('encoder down');
    // Hybrid still answers by keyword meanwhile.
    expect((await search.search('garden tools', { mode: 'hybrid', offset: 0, limit: 5, embedder })).rows).toHaveLength(1);
    fail = false;
    expect((await search.search('garden tools', { mode: 'semantic', offset: 0, limit: 5, embedder })).model).toBe(MODEL);
  });

  it('a number in the query matches that number, not every number that starts with it', async () => {
    const one = add('Payment reminder 1 for the water bill.');
    add('Payment reminder 12 for the water bill.');
    add('Payment reminder 140 for the water bill.');
    const res = await search.search('reminder 1', { mode: 'keyword', offset: 0, limit: 10 });
    expect(res.rows.map((r) => r.id)).toEqual([one]);
    expect(res.rows[0].highlights.map((h) => res.rows[0].snippet.slice(h.start, h.end))).toEqual(['reminder', '1']);
    // Words still match as prefixes: "remind" finds "reminder".
    expect((await search.search('remind', { mode: 'keyword', offset: 0, limit: 10 })).total).toBe(3);
  });

  it('terms held by thousands of documents rank the meaning candidates by the terms their passages hold', async () => {
    // 2 100 documents share "statement" and "account"; one of them is about a savings account's interest.
    lib.db.transaction(() => {
      for (let i = 0; i < 2_100; i++) add(`Statement ${i} of your current account: card payments, transfers and standing orders in week ${i % 52}.`);
    })();
    const target = add('Annual statement of your savings account: the interest earned this year and the balance carried forward.');
    const embedder = countingEmbedder();
    // Every term common: keywords only rank what meaning found (at most 400 chunks), best passages marked.
    const common = await search.search('account statement', { mode: 'hybrid', offset: 0, limit: 5, embedder });
    expect(common.total).toBeGreaterThan(0);
    expect(common.total).toBeLessThanOrEqual(400);
    for (const row of common.rows) {
      const marked = row.highlights.map((h) => row.snippet.slice(h.start, h.end).toLowerCase());
      expect(marked).toEqual(expect.arrayContaining(['statement', 'account']));
    }
    // Keyword mode has no meaning to lean on: BM25 over every document holding both, the best 200 kept.
    expect((await search.search('account statement', { mode: 'keyword', offset: 0, limit: 5 })).total).toBe(200);
    // A rarer word among them bounds the keyword side again, and the one document holding it comes first.
    const res = await search.search('savings account statement interest', { mode: 'hybrid', offset: 0, limit: 5, embedder });
    expect(res.rows[0].id).toBe(target);
    const marked = res.rows[0].highlights.map((h) => res.rows[0].snippet.slice(h.start, h.end).toLowerCase());
    expect(marked).toEqual(expect.arrayContaining(['statement', 'savings', 'account', 'interest']));
  });

  it('a word thousands of documents hold as typed is matched as typed; a rarer one still finds longer words', async () => {
    lib.db.transaction(() => {
      for (let i = 0; i < 2_100; i++) add(`Statement ${i} of your current account: card payments and transfers in week ${i % 52}.`);
    })();
    const accountant = add('A letter from the accountant about your pension and its yearly statement.');
    const pension = add('Your pension account: the yearly statement of what was paid in.');
    // "account" is in 2 101 documents as typed: "accountant" no longer counts as holding it.
    const res = await search.search('account pension', { mode: 'keyword', offset: 0, limit: 10 });
    expect(res.rows.map((r) => r.id)).toEqual([pension]);
    // A word that few documents hold is still a prefix: "accountan" finds "accountant".
    expect((await search.search('accountan pension', { mode: 'keyword', offset: 0, limit: 10 })).rows.map((r) => r.id)).toEqual([accountant]);
    // Without the common word, the prefix finds both again.
    expect((await search.search('pension statem', { mode: 'keyword', offset: 0, limit: 10 })).total).toBe(2);
  });

  it('counts the words each term finds: prefixes, whole numbers, any case and accent, in any script', () => {
    expect(termCounts('Plumber plumbers, the PLUMBING; an unplumbed café, Cafés 1 12 1. x1', ['plumb', 'cafe', '1'])).toEqual([3, 2, 2]);
    expect(termCounts('Straße STRASSE straßenbahn', ['straße', 'strasse'])).toEqual([2, 1]);
    expect(termCounts('nothing here', ['plumber'])).toEqual([0]);
    // The same as splitting the text into words, on text made of a small alphabet (many near-misses).
    const alphabet = ['a', 'b', 'é', 'E', '1', '2', ' ', ' ', '-', 'ß'];
    let seed = 7;
    const pick = () => alphabet[(seed = (seed * 16807) % 2147483647) % alphabet.length];
    const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
    for (let k = 0; k < 200; k++) {
      const text = Array.from({ length: 60 }, pick).join('');
      const terms = ['a', 'ab', 'e', 'eb', '1', '12', 'ß'];
      const words = fold(text).match(/[\p{L}\p{N}]+/gu) ?? [];
      const want = terms.map((t) => words.filter((w) => (/^\p{N}+$/u.test(t) ? w === t : w.startsWith(t))).length);
      expect(termCounts(text, terms)).toEqual(want);
    }
  });
});

