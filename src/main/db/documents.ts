import type { Db } from './connection';
import type { Classification, ContentSource, DocumentDetail, DocumentRow } from '../../shared/domain';

export interface NewDocument {
  fileHash: string;
  filePath: string;
  filename: string;
  size: number;
  mimeType: string;
  content: string;
  contentSource: ContentSource;
  classification: Classification;
  aiProvider: string;
  aiModel: string;
  chunks: { text: string; embedding: Float32Array }[];
  embeddingModel: string;
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
}

const LIST_COLUMNS = `d.id, d.file_hash, d.file_path, d.filename, d.size, d.mime_type, d.content_source, d.title, d.doc_type,
  d.correspondent, d.doc_date, d.tags, d.language, d.summary, d.ai_provider, d.ai_model, d.created_at, d.updated_at`;

/** Repository of documents, their paths, chunks and the FTS index. */
export class DocumentsRepo {
  private readonly idByHash;
  private readonly insertDoc;
  private readonly insertChunk;
  private readonly insertPath;
  private readonly hasPath;

  constructor(private readonly db: Db) {
    this.idByHash = db.prepare<[string], { id: number }>('SELECT id FROM documents WHERE file_hash = ?');
    this.insertDoc = db.prepare(`
      INSERT INTO documents (file_hash, file_path, filename, size, mime_type, content, content_source, title, doc_type,
        correspondent, doc_date, tags, language, summary, ai_provider, ai_model, created_at, updated_at)
      VALUES (@fileHash, @filePath, @filename, @size, @mimeType, @content, @contentSource, @title, @docType,
        @correspondent, @docDate, @tags, @language, @summary, @aiProvider, @aiModel, @at, @at)`);
    this.insertChunk = db.prepare(
      'INSERT INTO chunks (document_id, chunk_index, text, embedding, embedding_model) VALUES (?, ?, ?, ?, ?)',
    );
    this.insertPath = db.prepare('INSERT OR IGNORE INTO document_paths (document_id, file_path, seen_at) VALUES (?, ?, ?)');
    this.hasPath = db.prepare<[number, string], { one: number }>('SELECT 1 AS one FROM document_paths WHERE document_id = ? AND file_path = ?');
  }

  idForHash(hash: string): number | undefined {
    return this.idByHash.get(hash)?.id;
  }

  /** Remembers another path of known content; returns true when it was new. */
  addPath(documentId: number, filePath: string, at: number): boolean {
    if (this.hasPath.get(documentId, filePath)) return false;
    return this.insertPath.run(documentId, filePath, at).changes > 0;
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
      }).lastInsertRowid,
    );
    d.chunks.forEach((ch, i) => {
      this.insertChunk.run(id, i, ch.text, Buffer.from(ch.embedding.buffer, ch.embedding.byteOffset, ch.embedding.byteLength), d.embeddingModel);
    });
    this.insertPath.run(id, d.filePath, d.at);
    return id;
  }

  /** The dimension of the vectors stored for an embedding model, or undefined when it has none. */
  embeddingDimension(model: string): number | undefined {
    const row = this.db.prepare<[string], { bytes: number }>('SELECT length(embedding) AS bytes FROM chunks WHERE embedding_model = ? AND embedding IS NOT NULL LIMIT 1').get(model);
    return row ? row.bytes / 4 : undefined;
  }

  count(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM documents').get() as { n: number }).n;
  }

  list(offset: number, limit: number): DocumentRow[] {
    const rows = this.db.prepare(`SELECT ${LIST_COLUMNS} FROM documents d ORDER BY d.created_at DESC, d.id DESC LIMIT ? OFFSET ?`).all(limit, offset) as DocRow[];
    return rows.map(toDocumentRow);
  }

  /** Keyword search over title, content, summary, tags, correspondent and filename (FTS5, bm25 ranked). */
  search(q: string, offset: number, limit: number): { rows: DocumentRow[]; total: number } {
    const match = toFtsQuery(q);
    if (!match) return { rows: [], total: 0 };
    const total = (this.db.prepare('SELECT count(*) AS n FROM documents_fts WHERE documents_fts MATCH ?').get(match) as { n: number }).n;
    const rows = this.db
      .prepare(
        `SELECT ${LIST_COLUMNS}, snippet(documents_fts, 1, '«', '»', '…', 16) AS snippet, bm25(documents_fts) AS score
         FROM documents_fts JOIN documents d ON d.id = documents_fts.rowid
         WHERE documents_fts MATCH ? ORDER BY score LIMIT ? OFFSET ?`,
      )
      .all(match, limit, offset) as (DocRow & { snippet: string; score: number })[];
    return { rows: rows.map((r) => ({ ...toDocumentRow(r), snippet: r.snippet, score: r.score })), total };
  }

  /** Semantic search: cosine similarity of the query vector against every chunk of the given model. */
  semantic(query: Float32Array, model: string, offset: number, limit: number): { rows: DocumentRow[]; total: number } {
    const best = new Map<number, { score: number; text: string }>();
    const stmt = this.db.prepare('SELECT document_id, text, embedding FROM chunks WHERE embedding_model = ?');
    for (const r of stmt.iterate(model) as Iterable<{ document_id: number; text: string; embedding: Buffer }>) {
      const v = new Float32Array(r.embedding.buffer, r.embedding.byteOffset, Math.floor(r.embedding.byteLength / 4));
      if (v.length !== query.length) continue;
      let dot = 0;
      for (let i = 0; i < v.length; i++) dot += v[i] * query[i];
      const prev = best.get(r.document_id);
      if (!prev || dot > prev.score) best.set(r.document_id, { score: dot, text: r.text });
    }
    const ranked = [...best.entries()].sort((a, b) => b[1].score - a[1].score);
    const page = ranked.slice(offset, offset + limit);
    const get = this.db.prepare(`SELECT ${LIST_COLUMNS} FROM documents d WHERE d.id = ?`);
    const rows = page.map(([id, hit]) => ({ ...toDocumentRow(get.get(id) as DocRow), score: hit.score, snippet: hit.text.slice(0, 200) }));
    return { rows, total: ranked.length };
  }

  get(id: number): DocumentDetail | undefined {
    const row = this.db.prepare(`SELECT ${LIST_COLUMNS}, d.content FROM documents d WHERE d.id = ?`).get(id) as DocRow | undefined;
    if (!row) return undefined;
    const paths = (this.db.prepare('SELECT file_path FROM document_paths WHERE document_id = ? ORDER BY seen_at').all(id) as { file_path: string }[]).map(
      (p) => p.file_path,
    );
    const chunkCount = (this.db.prepare('SELECT count(*) AS n FROM chunks WHERE document_id = ?').get(id) as { n: number }).n;
    return { ...toDocumentRow(row), content: row.content ?? '', paths, chunkCount };
  }
}

/** Turns what a user types into a safe FTS5 query: every word a quoted prefix term. */
export function toFtsQuery(q: string): string {
  const words = q.match(/[\p{L}\p{N}]+/gu) ?? [];
  return words
    .slice(0, 20)
    .map((w) => `"${w}"*`)
    .join(' ');
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
