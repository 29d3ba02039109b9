import type { Db } from './connection';

/** Repository of file_index: path → (size, mtime) → hash, so reruns skip re-hashing. */
export class FileIndexRepo {
  private readonly lookupStmt;
  private readonly upsertStmt;
  private readonly storedStmt;

  constructor(db: Db) {
    this.lookupStmt = db.prepare<[string], { size: number; mtime_ms: number; hash: string }>(
      'SELECT size, mtime_ms, hash FROM file_index WHERE path = ?',
    );
    this.upsertStmt = db.prepare(
      `INSERT INTO file_index (path, size, mtime_ms, hash, indexed_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms, hash = excluded.hash, indexed_at = excluded.indexed_at`,
    );
    this.storedStmt = db.prepare<[string], { path: string; size: number; mtime_ms: number; hash: string; document_id: number }>(
      `SELECT f.path, f.size, f.mtime_ms, f.hash, d.id AS document_id
       FROM json_each(?) j
       JOIN file_index f ON f.path = j.value
       JOIN documents d ON d.file_hash = f.hash
       JOIN document_paths p ON p.document_id = d.id AND p.file_path = f.path`,
    );
  }

  /**
   * Of these paths, the ones already stored as they were hashed, in one query: path → its
   * size and mtime then, its hash, and the document that holds it at this very path.
   */
  storedAt(paths: readonly string[]): Map<string, { size: number; mtimeMs: number; hash: string; documentId: number }> {
    const out = new Map<string, { size: number; mtimeMs: number; hash: string; documentId: number }>();
    if (!paths.length) return out;
    for (const r of this.storedStmt.iterate(JSON.stringify(paths))) out.set(r.path, { size: r.size, mtimeMs: r.mtime_ms, hash: r.hash, documentId: r.document_id });
    return out;
  }

  /** The hash recorded for this path, if size and mtime are unchanged. */
  hashIfUnchanged(path: string, size: number, mtimeMs: number): string | undefined {
    const r = this.lookupStmt.get(path);
    return r && r.size === size && r.mtime_ms === mtimeMs ? r.hash : undefined;
  }

  upsert(path: string, size: number, mtimeMs: number, hash: string, at: number): void {
    this.upsertStmt.run(path, size, mtimeMs, hash, at);
  }
}
