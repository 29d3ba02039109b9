import { basename } from 'node:path';
import type { Db } from './connection';
import type { Classification, ContentSource, DocumentDetail, DocumentRow, Extraction } from '../../shared/domain';

export interface NewDocument {
  fileHash: string;
  filePath: string;
  filename: string;
  size: number;
  mimeType: string;
  content: string;
  contentSource: ContentSource;
  /** How the text was obtained (stored as JSON). */
  extraction?: Extraction;
  classification: Classification;
  aiProvider: string;
  aiModel: string;
  /** A chunk's vector, or null when it is embedded later in the background (pending). */
  chunks: { text: string; embedding: Float32Array | null }[];
  embeddingModel: string;
  /** The English gloss of its German and French passages for the keyword index ('' when none; see ai/gloss.ts). */
  gloss: string;
  at: number;
}

interface DocRow {
  id: number;
  file_hash: string;
  file_path: string;
  filename: string;
  size: number;
  mime_type: string;
  content_source: ContentSource;
  title: string;
  doc_type: string;
  correspondent: string | null;
  doc_date: string | null;
  tags: string;
  language: string | null;
  summary: string;
  ai_provider: string;
  ai_model: string;
  created_at: number;
  updated_at: number;
  content?: string;
  extraction?: string | null;
}

const LIST_COLUMNS = `d.id, d.file_hash, d.file_path, d.filename, d.size, d.mime_type, d.content_source, d.title, d.doc_type,
  d.correspondent, d.doc_date, d.tags, d.language, d.summary, d.ai_provider, d.ai_model, d.created_at, d.updated_at`;

/**
 * Whether a search term matches words that start with it (plumber → plumbers, id → identity) or
 * only itself. Numbers match whole: "1" as a prefix would pull in every number from 1 to 19 999
 * (and cost a walk over all of them in the index); "April 1" means the 1st.
 */
export function matchesAsPrefix(term: string): boolean {
  return !/^\p{N}+$/u.test(term);
}

/** How much a match in a document's gloss (see ai/gloss.ts) counts beside one in its own words. */
export const GLOSS_WEIGHT = 0.5;

/**
 * An FTS5 query for `terms`: each a quoted phrase (a prefix where matchesAsPrefix says so, unless
 * the term is in `asTyped`), joined by AND or OR.
 */
function ftsMatch(terms: string[], all: boolean, asTyped?: ReadonlySet<string>): string {
  return terms.map((t) => `"${t.replace(/"/g, '')}"${matchesAsPrefix(t) && !asTyped?.has(t) ? '*' : ''}`).join(all ? ' AND ' : ' OR ');
}

/** Repository of documents, their paths, chunks and the FTS index. */
export class DocumentsRepo {
  private readonly idByHash;
  private readonly insertDoc;
  private readonly insertChunk;
  private readonly insertPath;
  private readonly hasPath;
  private readonly otherOwners;
  private readonly deleteOtherPaths;
  private readonly latestPath;
  private readonly setPrimaryPath;

  constructor(private readonly db: Db) {
    this.idByHash = db.prepare<[string], { id: number }>('SELECT id FROM documents WHERE file_hash = ?');
    this.insertDoc = db.prepare(`
      INSERT INTO documents (file_hash, file_path, filename, size, mime_type, content, content_source, extraction, title, doc_type,
        correspondent, doc_date, tags, language, summary, ai_provider, ai_model, created_at, updated_at, gloss)
      VALUES (@fileHash, @filePath, @filename, @size, @mimeType, @content, @contentSource, @extraction, @title, @docType,
        @correspondent, @docDate, @tags, @language, @summary, @aiProvider, @aiModel, @at, @at, @gloss)`);
    this.insertChunk = db.prepare(
      'INSERT INTO chunks (document_id, chunk_index, text, embedding, embedding_model, embedding_dim) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.insertPath = db.prepare('INSERT OR IGNORE INTO document_paths (document_id, file_path, seen_at) VALUES (?, ?, ?)');
    this.hasPath = db.prepare<[number, string], { one: number }>('SELECT 1 AS one FROM document_paths WHERE document_id = ? AND file_path = ?');
    this.otherOwners = db.prepare<[string, number], { id: number; primary: string }>(
      'SELECT d.id, d.file_path AS "primary" FROM document_paths p JOIN documents d ON d.id = p.document_id WHERE p.file_path = ? AND p.document_id != ?',
    );
    this.deleteOtherPaths = db.prepare('DELETE FROM document_paths WHERE file_path = ? AND document_id != ?');
    this.latestPath = db.prepare<[number], { file_path: string }>('SELECT file_path FROM document_paths WHERE document_id = ? ORDER BY seen_at DESC, rowid DESC LIMIT 1');
    this.setPrimaryPath = db.prepare('UPDATE documents SET file_path = ?, filename = ? WHERE id = ?');
  }

  /** True when some document was ingested from this exact path. */
  isIngestedPath(filePath: string): boolean {
    return this.db.prepare<[string], { one: number }>('SELECT 1 AS one FROM document_paths WHERE file_path = ? LIMIT 1').get(filePath) !== undefined;
  }

  idForHash(hash: string): number | undefined {
    return this.idByHash.get(hash)?.id;
  }

  /** Remembers another path of known content; returns true when it was new. */
  addPath(documentId: number, filePath: string, at: number): boolean {
    if (this.hasPath.get(documentId, filePath)) return false;
    this.takePath(documentId, filePath);
    return this.insertPath.run(documentId, filePath, at).changes > 0;
  }

  /**
   * A path holds one file: documents read from it before (the file was edited or replaced since)
   * lose it, and one whose main path it was shows its latest other path instead, if it has one.
   */
  private takePath(documentId: number, filePath: string): void {
    const others = this.otherOwners.all(filePath, documentId);
    if (!others.length) return;
    this.deleteOtherPaths.run(filePath, documentId);
    for (const o of others) {
      if (o.primary !== filePath) continue;
      const next = this.latestPath.get(o.id)?.file_path;
      if (next) this.setPrimaryPath.run(next, basename(next), o.id);
    }
  }

  /** Inserts document + chunks + path (FTS via triggers). Call inside a transaction. Returns the id. */
  insert(d: NewDocument): number {
    const c = d.classification;
    const id = Number(
      this.insertDoc.run({
        fileHash: d.fileHash,
        filePath: d.filePath,
        filename: d.filename,
        size: d.size,
        mimeType: d.mimeType,
        content: d.content,
        contentSource: d.contentSource,
        extraction: d.extraction ? JSON.stringify(d.extraction) : null,
        title: c.title,
        docType: c.docType,
        correspondent: c.correspondent,
        docDate: c.docDate,
        tags: JSON.stringify(c.tags),
        language: c.language,
        summary: c.summary,
        aiProvider: d.aiProvider,
        aiModel: d.aiModel,
        at: d.at,
        gloss: d.gloss,
      }).lastInsertRowid,
    );
    d.chunks.forEach((ch, i) => {
      const v = ch.embedding;
      const info = this.insertChunk.run(id, i, ch.text, v ? vectorBlob(v) : null, v ? d.embeddingModel : null, v ? v.length : null);
      if (v) this.notifyEmbedded([{ chunkId: Number(info.lastInsertRowid), documentId: id, model: d.embeddingModel, vector: v }]);
    });
    this.takePath(id, d.filePath);
    this.insertPath.run(id, d.filePath, d.at);
    return id;
  }

  /** Documents not glossed yet (a library from before glosses), with their chunks' text, oldest first. */
  unglossed(limit: number): { id: number; texts: string[] }[] {
    const ids = (this.db.prepare('SELECT id FROM documents WHERE gloss IS NULL ORDER BY id LIMIT ?').all(limit) as { id: number }[]).map((r) => r.id);
    const texts = new Map<number, string[]>(ids.map((id) => [id, []]));
    for (const ch of this.chunksOf(ids)) texts.get(ch.documentId)!.push(ch.text);
    return ids.map((id) => ({ id, texts: texts.get(id)! }));
  }

  /** Stores a document's gloss (the FTS trigger re-indexes it). Call inside a transaction. */
  setGloss(id: number, gloss: string): void {
    this.db.prepare('UPDATE documents SET gloss = ? WHERE id = ?').run(gloss, id);
  }

  /** The dimension of the vectors stored for an embedding model, or undefined when it has none. */
  embeddingDimension(model: string): number | undefined {
    const row = this.db.prepare<[string], { dim: number }>('SELECT embedding_dim AS dim FROM chunks WHERE embedding_model = ? AND embedding IS NOT NULL LIMIT 1').get(model);
    return row?.dim ?? undefined;
  }


  private readonly embeddedListeners = new Set<(rows: EmbeddedChunk[]) => void>();

  /** Lets the in-memory vector index follow this process's writes without re-reading the table. */
  onEmbedded(listener: (rows: EmbeddedChunk[]) => void): () => void {
    this.embeddedListeners.add(listener);
    return () => this.embeddedListeners.delete(listener);
  }

  private notifyEmbedded(rows: EmbeddedChunk[]): void {
    for (const l of this.embeddedListeners) l(rows);
  }

  /**
   * Chunks waiting for a vector of `model`: pending ones (no vector yet, fewer than `maxAttempts`
   * failed tries), and with `outdated`, those embedded by another model (re-embedding).
   */
  chunksToEmbed(model: string, opts: { outdated: boolean; maxAttempts: number; afterId: number; limit: number }): { id: number; documentId: number; text: string }[] {
    const where = opts.outdated ? '(embedding_model IS NULL OR embedding_model <> @model)' : 'embedding IS NULL';
    return this.db
      .prepare(
        `SELECT id, document_id AS documentId, text FROM chunks
         WHERE ${where} AND embed_attempts < @maxAttempts AND id > @afterId ORDER BY id LIMIT @limit`,
      )
      .all({ model, maxAttempts: opts.maxAttempts, afterId: opts.afterId, limit: opts.limit }) as { id: number; documentId: number; text: string }[];
  }

  /** Stores vectors computed after the document was stored. Call inside a transaction. */
  storeEmbeddings(rows: { chunkId: number; documentId: number; vector: Float32Array }[], model: string): void {
    const stmt = this.db.prepare('UPDATE chunks SET embedding = ?, embedding_model = ?, embedding_dim = ?, embed_error = NULL WHERE id = ?');
    for (const r of rows) stmt.run(vectorBlob(r.vector), model, r.vector.length, r.chunkId);
    this.notifyEmbedded(rows.map((r) => ({ ...r, model })));
  }

  /** An embedding that failed: the chunk keeps its old vector (if any) and is retried up to the attempt limit. */
  recordEmbedFailure(chunkIds: number[], message: string): void {
    const stmt = this.db.prepare('UPDATE chunks SET embed_attempts = embed_attempts + 1, embed_error = ? WHERE id = ?');
    for (const id of chunkIds) stmt.run(message.slice(0, 1000), id);
  }

  /** Clears failed attempts so `reembed` tries those chunks again. */
  resetEmbedFailures(): number {
    return this.db.prepare('UPDATE chunks SET embed_attempts = 0 WHERE embed_attempts > 0').run().changes;
  }

  /** Counts behind "eligible for re-embedding" and the background embedding progress. */
  embeddingStatus(model: string, maxAttempts: number): EmbeddingCounts {
    const r = this.db
      .prepare(
        `SELECT
           count(*) AS chunks,
           coalesce(sum(embedding_model = @model), 0) AS current,
           coalesce(sum(embedding IS NULL AND embed_attempts < @max), 0) AS pending,
           coalesce(sum(embedding IS NULL AND embed_attempts >= @max), 0) AS failed,
           coalesce(sum(embedding IS NOT NULL AND embedding_model <> @model), 0) AS outdated
         FROM chunks`,
      )
      .get({ model, max: maxAttempts }) as Omit<EmbeddingCounts, 'outdatedDocuments' | 'lastError'>;
    const docs = this.db
      .prepare('SELECT count(DISTINCT document_id) AS n FROM chunks WHERE embedding IS NOT NULL AND embedding_model <> ?')
      .get(model) as { n: number };
    const err = this.db.prepare('SELECT embed_error AS e FROM chunks WHERE embed_error IS NOT NULL ORDER BY id DESC LIMIT 1').get() as { e: string } | undefined;
    return { ...r, outdatedDocuments: docs.n, lastError: err?.e ?? null };
  }

  /** Every vector of `model`, in no set order (sorting 100 000 blobs would cost seconds), for the in-memory index. */
  *vectors(model: string, dim: number): Generator<{ id: number; documentId: number; vector: Float32Array }> {
    const stmt = this.db.prepare('SELECT id, document_id, embedding FROM chunks WHERE embedding_model = ? AND embedding_dim = ?');
    for (const r of stmt.iterate(model, dim) as Iterable<{ id: number; document_id: number; embedding: Buffer }>) {
      const b = r.embedding;
      // A Float32Array view needs 4-byte alignment; a pooled Buffer may not have it.
      const vector = b.byteOffset % 4 === 0 ? new Float32Array(b.buffer, b.byteOffset, dim) : new Float32Array(new Uint8Array(b).buffer, 0, dim);
      yield { id: r.id, documentId: r.document_id, vector };
    }
  }

  /** The chunks of some documents, for picking each one's best passage. */
  chunksOf(documentIds: number[]): { id: number; documentId: number; text: string }[] {
    if (!documentIds.length) return [];
    return this.db
      .prepare(`SELECT id, document_id AS documentId, text FROM chunks WHERE document_id IN (SELECT value FROM json_each(?)) ORDER BY document_id, chunk_index`)
      .all(JSON.stringify(documentIds)) as { id: number; documentId: number; text: string }[];
  }

  chunkTexts(chunkIds: number[]): Map<number, string> {
    const rows = this.db
      .prepare('SELECT id, text FROM chunks WHERE id IN (SELECT value FROM json_each(?))')
      .all(JSON.stringify(chunkIds)) as { id: number; text: string }[];
    return new Map(rows.map((r) => [r.id, r.text]));
  }

  /** Documents by id, in the order asked. */
  rowsByIds(ids: number[]): DocumentRow[] {
    if (!ids.length) return [];
    const rows = this.db
      .prepare(`SELECT ${LIST_COLUMNS} FROM documents d WHERE d.id IN (SELECT value FROM json_each(?))`)
      .all(JSON.stringify(ids)) as DocRow[];
    const byId = new Map(rows.map((r) => [r.id, toDocumentRow(r)]));
    return ids.map((id) => byId.get(id)).filter((r): r is DocumentRow => r !== undefined);
  }

  /**
   * Full-text candidates, best BM25 first: `all` requires every term, otherwise any term counts.
   * Title and correspondent weigh more than the body; the gloss (the body's English meaning, word
   * by word: a weaker witness than the words themselves) half as much as the body. `own`: the
   * document's own words match too, not only its gloss (computed only when `own` is asked: it is a
   * second BM25 over every match; without it `own` is true). `asTyped`: terms matched as typed, not
   * as prefixes.
   */
  ftsCandidates(terms: string[], all: boolean, limit: number, opts: { own?: boolean; asTyped?: ReadonlySet<string> } = {}): { id: number; bm25: number; own: boolean }[] {
    if (!terms.length) return [];
    const match = ftsMatch(terms, all, opts.asTyped);
    const own = opts.own === false ? '1' : `bm25(documents_fts, 4.0, 1.0, 1.5, 2.0, 3.0, 2.0, 0.0) < 0`;
    const rows = this.db
      .prepare(
        `SELECT rowid AS id, bm25(documents_fts, 4.0, 1.0, 1.5, 2.0, 3.0, 2.0, ${GLOSS_WEIGHT}) AS bm25, ${own} AS own
         FROM documents_fts WHERE documents_fts MATCH ? ORDER BY bm25 LIMIT ?`,
      )
      .all(match, limit) as { id: number; bm25: number; own: number }[];
    return rows.map((r) => ({ id: r.id, bm25: r.bm25, own: r.own === 1 }));
  }

  /**
   * How many documents match, counted up to `cap` (then cap + 1): reading stops there, so the
   * answer costs the same in a library of any size. `asTyped`: as in ftsCandidates.
   */
  ftsMatchCount(terms: string[], all: boolean, cap: number, asTyped?: ReadonlySet<string>): number {
    if (!terms.length) return 0;
    const match = ftsMatch(terms, all, asTyped);
    return (
      this.db.prepare<[string, number], { n: number }>('SELECT count(*) AS n FROM (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ? LIMIT ?)').get(match, cap + 1)?.n ?? 0
    );
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM documents').get() as { n: number }).n;
  }

  list(offset: number, limit: number): DocumentRow[] {
    const rows = this.db.prepare(`SELECT ${LIST_COLUMNS} FROM documents d ORDER BY d.created_at DESC, d.id DESC LIMIT ? OFFSET ?`).all(limit, offset) as DocRow[];
    return rows.map(toDocumentRow);
  }

  get(id: number): DocumentDetail | undefined {
    const row = this.db.prepare(`SELECT ${LIST_COLUMNS}, d.content, d.extraction FROM documents d WHERE d.id = ?`).get(id) as DocRow | undefined;
    if (!row) return undefined;
    const paths = (this.db.prepare('SELECT file_path FROM document_paths WHERE document_id = ? ORDER BY seen_at').all(id) as { file_path: string }[]).map(
      (p) => p.file_path,
    );
    const chunkCount = (this.db.prepare('SELECT count(*) AS n FROM chunks WHERE document_id = ?').get(id) as { n: number }).n;
    return { ...toDocumentRow(row), content: row.content ?? '', extraction: parseExtraction(row.extraction), paths, chunkCount };
  }
}

function parseExtraction(json: string | null | undefined): Extraction | null {
  if (!json) return null;
  try {
    return JSON.parse(json) as Extraction;
  } catch {
    return null;
  }
}

export interface EmbeddedChunk {
  chunkId: number;
  documentId: number;
  model: string;
  vector: Float32Array;
}

export interface EmbeddingCounts {
  chunks: number;
  current: number;
  pending: number;
  failed: number;
  outdated: number;
  outdatedDocuments: number;
  lastError: string | null;
}

function vectorBlob(v: Float32Array): Buffer {
  return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

function toDocumentRow(r: DocRow): DocumentRow {
  let tags: string[] = [];
  try {
    tags = JSON.parse(r.tags);
  } catch {
    tags = [];
  }
  return {
    id: r.id,
    fileHash: r.file_hash,
    filePath: r.file_path,
    filename: r.filename,
    size: r.size,
    mimeType: r.mime_type,
    contentSource: r.content_source,
    title: r.title,
    docType: r.doc_type,
    correspondent: r.correspondent,
    docDate: r.doc_date,
    tags,
    language: r.language,
    summary: r.summary,
    aiProvider: r.ai_provider,
    aiModel: r.ai_model,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
