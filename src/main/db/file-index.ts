import type { Db } from './connection';

/** Repository of file_index: path → (size, mtime) → hash, so reruns skip re-hashing. */
export class FileIndexRepo {
  private readonly lookupStmt;
  private readonly upsertStmt;

  constructor(db: Db) {
    this.lookupStmt = db.prepare<[string], { size: number; mtime_ms: number; hash: string }>(
      'SELECT size, mtime_ms, hash FROM file_index WHERE path = ?',
    );
    this.upsertStmt = db.prepare(
      `INSERT INTO file_index (path, size, mtime_ms, hash, indexed_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (path) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms, hash = excluded.hash, indexed_at = excluded.indexed_at`,
    );
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
