// Hybrid search: FTS5 BM25 over documents and vector similarity over chunks, fused by reciprocal
// rank, grouped by document, cut by a relevance floor, each hit shown with its best passage and
// the query's terms marked as ranges (the UI renders them; no markers travel in the text).
import type { DocumentRow, SearchHighlight, SearchMode } from '../../shared/domain';
import { glossLanguage, wordGloss } from '../ai/gloss';
import { STOPWORDS } from '../ai/lexicon';
import type { Db } from '../db/connection';
import { GLOSS_WEIGHT, matchesAsPrefix, type DocumentsRepo } from '../db/documents';
import { VectorIndex, type VectorHit } from './vector-index';

/** Reciprocal-rank-fusion constant: the usual 60 keeps one list's top hit from drowning the other. */
const RRF_K = 60;
/** Candidates drawn from each side before fusing. */
const POOL = 200;
/**
 * Cosine similarity below which a passage is not "about" the query, per model family. Calibrated
 * on `npm run eval`: for Universal Sentence Encoder lite unrelated passages score ≈ 0.05–0.25 and
 * paraphrases 0.3 and more; the hashed vectors only see shared words and stems, so they score lower.
 */
export function semanticFloor(model: string): number {
  if (model.startsWith('local-hash')) return 0.12;
  return 0.3;
}
/** Documents a term may match before it stops ranking the whole library by itself (see search()). */
const COMMON_MATCHES = 2_000;
/** A weaker semantic match (this share of the floor) still counts when some keywords agree. */
const SUPPORT_SHARE = 0.65;
const SNIPPET_CHARS = 240;
/** Vectors whose mean centres the index's sign bits. */
const CENTRE_SAMPLE = 2_000;
/** Query vectors remembered (LRU): paging through results or searching again needs no new embedding. */
const QUERY_VECTORS_KEPT = 32;

const QUESTION_WORDS = [
  'how', 'what', 'when', 'where', 'who', 'why', 'which', 'much', 'many', 'did', 'do', 'does', 'i', 'find', 'show', 'some', 'get', 'got', 'any',
  'wie', 'was', 'wann', 'wo', 'wer', 'warum', 'welche', 'viel', 'ich', 'mein', 'meine', 'meinen', 'meiner',
  'comment', 'quoi', 'quand', 'qui', 'pourquoi', 'quel', 'quelle', 'combien', 'mon', 'ma', 'mes',
];
const NOT_TERMS = new Set([...Object.values(STOPWORDS).flat(), ...QUESTION_WORDS]);
const WORD_RE = /[\p{L}\p{N}]+/gu;

/** The words of a query that carry meaning: lowercased, without function words (all of them if that leaves none). */
export function queryTerms(q: string): string[] {
  const words = [...new Set((q.toLowerCase().match(WORD_RE) ?? []).slice(0, 32))];
  const content = words.filter((w) => !NOT_TERMS.has(w) && (w.length > 1 || /\d/.test(w)));
  return (content.length ? content : words).slice(0, 12);
}

export interface SearchHit extends DocumentRow {
  snippet: string;
  highlights: SearchHighlight[];
  /** 0–1, higher is better: cosine for meaning, a normalized fused rank otherwise. */
  score: number;
}

export interface SearchResult {
  rows: SearchHit[];
  total: number;
  /** The model whose vectors took part, or null when the query was keyword-only. */
  model: string | null;
}

export interface QueryEmbedder {
  readonly model: string;
  embed(text: string): Promise<Float32Array>;
}

interface Candidate {
  id: number;
  fused: number;
  keywordAll: boolean;
  keywordAny: boolean;
  cosine: number;
  chunkId: number | null;
}

/** Search over one library; keeps one in-memory vector index per embedding model. */
export class LibrarySearch {
  private index: VectorIndex | null = null;
  private dataVersion = -1;
  private stale = true;
  private readonly queryVectors = new Map<string, Promise<Float32Array>>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly db: Db,
    private readonly documents: DocumentsRepo,
  ) {
    this.unsubscribe = documents.onEmbedded((rows) => {
      const idx = this.index;
      if (!idx || this.stale) return;
      for (const r of rows) if (r.model === idx.model) idx.upsert(r.chunkId, r.documentId, r.vector);
    });
  }

  /** After deletions or edits made behind the repository's back (the Database screen). */
  invalidate(): void {
    this.stale = true;
  }

  close(): void {
    this.unsubscribe();
    this.index = null;
  }

  /** The vectors of `model`, loaded on first use and reloaded when another process wrote. */
  vectorIndex(model: string, dim: number): VectorIndex {
    const version = this.db.pragma('data_version', { simple: true }) as number;
    if (this.index && !this.stale && this.index.model === model && this.index.dim === dim && version === this.dataVersion) return this.index;
    const idx = new VectorIndex(model, dim);
    // One pass: the first CENTRE_SAMPLE vectors wait while their mean becomes the centre of the
    // sign-bit prefilter, then everything is added.
    const head: { id: number; documentId: number; vector: Float32Array }[] = [];
    const addHead = () => {
      const mean = new Float32Array(dim);
      for (const r of head) for (let i = 0; i < dim; i++) mean[i] += r.vector[i] / head.length;
      idx.setCentre(mean);
      for (const r of head) idx.upsert(r.id, r.documentId, r.vector);
    };
    for (const r of this.documents.vectors(model, dim)) {
      if (idx.size === 0 && head.length < CENTRE_SAMPLE) {
        head.push(r);
        if (head.length === CENTRE_SAMPLE) addHead();
      } else idx.upsert(r.id, r.documentId, r.vector);
    }
    if (idx.size === 0 && head.length) addHead();
    this.index = idx;
    this.dataVersion = version;
    this.stale = false;
    return idx;
  }

  async search(q: string, opts: { mode: SearchMode; offset: number; limit: number; embedder?: QueryEmbedder | null }): Promise<SearchResult> {
    const terms = queryTerms(q);
    if (!terms.length) return { rows: [], total: 0, model: null };
    const byId = new Map<number, Candidate>();
    const get = (id: number): Candidate => {
      let c = byId.get(id);
      if (!c) byId.set(id, (c = { id, fused: 0, keywordAll: false, keywordAny: false, cosine: 0, chunkId: null }));
      return c;
    };

    const useKeywords = opts.mode !== 'semantic';
    const embedder = opts.mode !== 'keyword' ? (opts.embedder ?? null) : null;
    // The query is embedded in the encoder thread while this one does all the keyword work that
    // does not need the meaning ranks; only what does waits for the vector.
    const queryVector = embedder ? this.queryVector(embedder, q) : null;
    queryVector?.catch(() => undefined);
    // How many documents hold each term, counted up to COMMON_MATCHES + 1 (cheap, whatever the
    // library's size). A word that thousands of documents hold as typed is matched as typed from
    // here on: its prefix ("car" → cards, career, carpet…) adds only more of the same weak evidence,
    // and FTS5 merges every longer word's document list for it, at each use — on the bench's 100 000
    // chunks most of a common-word query's keyword time (issue 9).
    const asTyped = new Set<string>();
    const counts = useKeywords
      ? terms.map((t) => {
          if (!matchesAsPrefix(t)) return this.documents.ftsMatchCount([t], true, COMMON_MATCHES);
          const typed = this.documents.ftsMatchCount([t], true, COMMON_MATCHES, new Set([t]));
          if (typed <= COMMON_MATCHES) return this.documents.ftsMatchCount([t], true, COMMON_MATCHES);
          asTyped.add(t);
          return typed;
        })
      : [];
    const allFound = counts.every((n) => n > 0);
    // Every document holding every term: bounded by the rarest term when one is not common.
    const allBounded = allFound && Math.min(...counts) <= COMMON_MATCHES;
    // Every term is in thousands of documents: BM25 over all of them is neither cheap (it is
    // computed for every match) nor telling. With meaning taking part, the keywords then only
    // rank the meaning candidates by the terms their best passages hold (after the vector).
    const allCommon = useKeywords && allFound && !allBounded && !!embedder && this.documents.ftsMatchCount(terms, true, COMMON_MATCHES, asTyped) > COMMON_MATCHES;
    if (useKeywords && allFound && !allCommon) this.keywordsAll(terms, asTyped, get);
    // With several terms, documents that have only some of them still rank, below the complete
    // matches and by the share of the query they hold: one word of six is weak evidence. The four
    // rarest terms that some document holds (each in at most COMMON_MATCHES) are looked up.
    if (useKeywords && terms.length > 1 && opts.mode === 'hybrid') this.keywordsAny(terms, counts, get);

    let model: string | null = null;
    let hits: VectorHit[] = [];
    if (queryVector && embedder) {
      try {
        const qv = await queryVector;
        model = embedder.model;
        hits = this.vectorIndex(embedder.model, qv.length).search(qv, POOL * 2);
      } catch (err) {
        // Hybrid search still answers by keyword when the encoder cannot; meaning search cannot.
        if (opts.mode === 'semantic') throw err;
      }
    }
    if (allCommon) {
      if (model) this.keywordsWithin(hits, terms, get);
      else this.keywordsAll(terms, asTyped, get);
    }
    let rank = 0;
    for (const h of hits) {
      const c = byId.get(h.documentId);
      if (c && c.chunkId !== null) continue; // a document counts once, at its best chunk
      const cand = c ?? get(h.documentId);
      cand.cosine = h.score;
      cand.chunkId = h.chunkId;
      cand.fused += 1 / (RRF_K + rank++);
    }

    // The relevance floor: unrelated documents are not listed, whatever their rank.
    const floor = model ? semanticFloor(model) : 1;
    const kept = [...byId.values()].filter((c) => {
      if (opts.mode === 'keyword') return c.keywordAll;
      if (opts.mode === 'semantic') return c.cosine >= floor;
      if (!model) return c.keywordAll;
      return c.keywordAll || c.cosine >= floor || (c.keywordAny && c.cosine >= floor * SUPPORT_SHARE);
    });
    const rankBy = opts.mode === 'semantic' ? (c: Candidate) => c.cosine : (c: Candidate) => c.fused;
    kept.sort((a, b) => rankBy(b) - rankBy(a) || a.id - b.id);
    // Rows and passages are read for the page shown only.
    const page = kept.slice(opts.offset, opts.offset + opts.limit);
    const best = rankBy(kept[0] ?? get(0)) || 1;
    const rows = this.documents.rowsByIds(page.map((c) => c.id));
    // A document classified English has no gloss in the keyword index (pipeline, glosses.ts), so
    // its passages need no German or French reading either.
    const passages = this.passages(page, terms, new Set(rows.filter((r) => r.language === 'en').map((r) => r.id)));
    return {
      total: kept.length,
      model,
      rows: rows.map((row, i) => {
        const c = page[i];
        const p = passages.get(c.id) ?? { snippet: row.summary.slice(0, SNIPPET_CHARS), highlights: [] };
        const score = opts.mode === 'semantic' ? c.cosine : c.fused / best;
        return { ...row, ...p, score: Math.round(score * 1000) / 1000 };
      }),
    };
  }

  /** The query's vector: remembered for the last few queries (paging, the same search again), shared while in flight. */
  private queryVector(embedder: QueryEmbedder, q: string): Promise<Float32Array> {
    const key = `${embedder.model}\n${q}`;
    const known = this.queryVectors.get(key);
    if (known) {
      this.queryVectors.delete(key);
      this.queryVectors.set(key, known);
      return known;
    }
    const p = embedder.embed(q);
    this.queryVectors.set(key, p);
    p.catch(() => this.queryVectors.delete(key));
    if (this.queryVectors.size > QUERY_VECTORS_KEPT) this.queryVectors.delete(this.queryVectors.keys().next().value!);
    return p;
  }

  /** Documents holding some of the terms, ranked by the share of the query they hold (rarest four terms looked up). */
  private keywordsAny(terms: string[], counts: number[], get: (id: number) => Candidate): void {
    const rare = terms
      .map((t, i) => ({ t, n: counts[i] }))
      .filter((x) => x.n > 0 && x.n <= COMMON_MATCHES)
      .sort((a, b) => a.n - b.n)
      .slice(0, 4);
    const partial = new Map<number, { found: number; bm25: number }>();
    for (const { t } of rare) {
      for (const h of this.documents.ftsCandidates([t], true, POOL)) {
        const p = partial.get(h.id) ?? { found: 0, bm25: 0 };
        // A word found only through the document's gloss is weaker evidence than its own words.
        p.found += h.own ? 1 : GLOSS_WEIGHT;
        p.bm25 += h.bm25;
        partial.set(h.id, p);
      }
    }
    [...partial.entries()]
      .sort((a, b) => b[1].found - a[1].found || a[1].bm25 - b[1].bm25)
      .slice(0, POOL)
      .forEach(([id, p], rank) => {
        const c = get(id);
        c.keywordAny = true;
        c.fused += p.found / terms.length / (RRF_K + rank);
      });
  }

  /** Documents holding every term, best BM25 first. */
  private keywordsAll(terms: string[], asTyped: ReadonlySet<string>, get: (id: number) => Candidate): void {
    this.documents.ftsCandidates(terms, true, POOL, { own: false, asTyped }).forEach((h, rank) => {
      const c = get(h.id);
      c.keywordAll = true;
      c.fused += 1 / (RRF_K + rank);
    });
  }

  /** Keyword evidence among the meaning candidates: documents ranked by how many of the terms their best chunk holds. */
  private keywordsWithin(hits: VectorHit[], terms: string[], get: (id: number) => Candidate): void {
    const bestChunk = new Map<number, number>();
    for (const h of hits) if (!bestChunk.has(h.documentId)) bestChunk.set(h.documentId, h.chunkId);
    const texts = this.documents.chunkTexts([...bestChunk.values()]);
    const scored: { id: number; found: number; hits: number }[] = [];
    const counts = termCounter(terms);
    for (const [id, chunkId] of bestChunk) {
      const text = texts.get(chunkId) ?? '';
      const perTerm = counts(text);
      const found = perTerm.filter((n) => n > 0).length;
      if (found) scored.push({ id, found, hits: perTerm.reduce((a, b) => a + b, 0) });
    }
    scored.sort((a, b) => b.found - a.found || b.hits - a.hits);
    scored.forEach((s, rank) => {
      const c = get(s.id);
      const all = s.found === terms.length;
      if (all) c.keywordAll = true;
      else c.keywordAny = true;
      c.fused += (all ? 1 : 0.5) / (RRF_K + rank);
    });
  }

  /** Each document's best passage: its best vector chunk, else the chunk with the most query terms. */
  private passages(page: Candidate[], terms: string[], english: Set<number>): Map<number, { snippet: string; highlights: SearchHighlight[] }> {
    const out = new Map<number, { snippet: string; highlights: SearchHighlight[] }>();
    const vectorChunks = this.documents.chunkTexts(page.filter((c) => c.chunkId !== null).map((c) => c.chunkId!));
    const needText = page.filter((c) => c.chunkId === null).map((c) => c.id);
    const chunksByDoc = new Map<number, string[]>();
    for (const ch of this.documents.chunksOf(needText)) {
      const list = chunksByDoc.get(ch.documentId) ?? [];
      list.push(ch.text);
      chunksByDoc.set(ch.documentId, list);
    }
    const folded = foldTerms(terms);
    for (const c of page) {
      let text: string | undefined;
      if (c.chunkId !== null) text = vectorChunks.get(c.chunkId);
      // A keyword hit's own words beat a semantically close chunk that lacks them; the meaning
      // chunk wins ties.
      const candidates = c.keywordAll || !text ? [...(text ? [text] : []), ...(chunksByDoc.get(c.id) ?? [])] : [text];
      let bestText = candidates[0];
      let bestHits = -1;
      for (const t of candidates) {
        const n = candidates.length > 1 ? hitsOf(t, folded, !english.has(c.id)).length : 0;
        if (n > bestHits) {
          bestHits = n;
          bestText = t;
        }
      }
      if (bestText !== undefined) out.set(c.id, passageOf(bestText, folded, !english.has(c.id)));
    }
    return out;
  }
}

const NON_ASCII = /[^ -~\t\n\r]/;
/** Lowercased, accents dropped (ASCII text, most of it, only needs the lowercasing). */
const fold = (s: string): string => (NON_ASCII.test(s) ? s.normalize('NFD').replace(/\p{M}/gu, '') : s).toLowerCase();

/** A folded term and whether it finds the words that start with it (see matchesAsPrefix: "plumber" finds "plumbers", "1" finds only "1"). */
interface FoldedTerm {
  term: string;
  prefix: boolean;
}

const foldTerms = (terms: string[]): FoldedTerm[] => terms.map((t) => ({ term: fold(t), prefix: matchesAsPrefix(t) }));

/** Whether a folded word is one a folded term finds. */
const finds = (t: FoldedTerm, word: string): boolean => (t.prefix ? word.startsWith(t.term) : word === t.term);

/**
 * Ranges of the words of `text` the terms find (case- and accent-insensitive). In a German or
 * French passage a word also counts when its English gloss holds a term ("Heizung" for
 * "heating"): the keyword index found the document through that gloss (ai/gloss.ts).
 */
export function termHits(text: string, terms: string[]): SearchHighlight[] {
  return hitsOf(text, foldTerms(terms));
}

/** `glossed`: a German or French passage's words may also count by their English gloss. */
function hitsOf(text: string, folded: FoldedTerm[], glossed = true): SearchHighlight[] {
  const hits: SearchHighlight[] = [];
  const lang = glossed ? glossLanguage(text) : null;
  // Folding the whole text at once keeps every offset when it keeps the length (it nearly always does).
  const whole = fold(text);
  const same = whole.length === text.length;
  for (const m of (same ? whole : text).matchAll(WORD_RE)) {
    const w = same ? m[0] : fold(m[0]);
    const direct = folded.some((t) => finds(t, w));
    const gloss = lang && !direct ? wordGloss(text.slice(m.index!, m.index! + m[0].length), lang) : undefined;
    const found = gloss === undefined ? direct : gloss.split(' ').some((g) => folded.some((t) => finds(t, g)));
    if (found) hits.push({ start: m.index!, end: m.index! + m[0].length });
  }
  return hits;
}

/** How many words of `text` each term finds. */
export function termCounts(text: string, terms: string[]): number[] {
  return termCounter(terms)(text);
}

/**
 * termCounts for many texts: each term is sought as a string where a word starts (and, for a
 * whole-word term, ends) instead of splitting the text into words; a term the text does not hold
 * at all costs one `includes`.
 */
function termCounter(terms: string[]): (text: string) => number[] {
  const matchers = foldTerms(terms).map((t) => ({
    term: t.term,
    re: new RegExp(`(?<![\\p{L}\\p{N}])${t.term.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}${t.prefix ? '' : '(?![\\p{L}\\p{N}])'}`, 'gu'),
  }));
  return (text) => {
    const folded = fold(text);
    return matchers.map(({ term, re }) => {
      if (!folded.includes(term)) return 0;
      let n = 0;
      for (re.lastIndex = 0; re.exec(folded); ) n++;
      return n;
    });
  };
}

/** A window of `SNIPPET_CHARS` around the densest run of term hits, cut at word boundaries. */
export function passage(text: string, terms: string[]): { snippet: string; highlights: SearchHighlight[] } {
  return passageOf(text, foldTerms(terms));
}

function passageOf(text: string, folded: FoldedTerm[], glossed = true): { snippet: string; highlights: SearchHighlight[] } {
  const flat = text.replace(/\s+/g, ' ').trim();
  const hits = hitsOf(flat, folded, glossed);
  let start = 0;
  if (hits.length && flat.length > SNIPPET_CHARS) {
    let bestCount = 0;
    for (let i = 0, j = 0; i < hits.length; i++) {
      while (hits[j].end - hits[i].start > SNIPPET_CHARS * 0.8 && j < i) j++;
      const n = i - j + 1;
      if (n > bestCount) {
        bestCount = n;
        start = Math.max(0, hits[j].start - 40);
      }
    }
    if (start > 0) {
      const space = flat.indexOf(' ', start);
      start = space >= 0 && space - start < 20 ? space + 1 : start;
    }
  }
  let end = Math.min(flat.length, start + SNIPPET_CHARS);
  if (end < flat.length) {
    const space = flat.lastIndexOf(' ', end);
    if (space > start + SNIPPET_CHARS * 0.6) end = space;
  }
  const prefix = start > 0 ? '…' : '';
  const suffix = end < flat.length ? '…' : '';
  const snippet = prefix + flat.slice(start, end) + suffix;
  const highlights = hits
    .filter((h) => h.start >= start && h.end <= end)
    .map((h) => ({ start: h.start - start + prefix.length, end: h.end - start + prefix.length }));
  return { snippet, highlights };
}
