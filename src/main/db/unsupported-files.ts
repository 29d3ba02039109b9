import type { Db } from './connection';

/** Repository of unsupported_files: files a scan met whose type Intake does not read (for the coverage map). */
export class UnsupportedFilesRepo {
  private readonly upsertStmt;

  constructor(db: Db) {
    this.upsertStmt = db.prepare('INSERT INTO unsupported_files (path, seen_at) VALUES (?, ?) ON CONFLICT (path) DO UPDATE SET seen_at = excluded.seen_at');
  }

  record(path: string, at: number): void {
    this.upsertStmt.run(path, at);
  }
}
