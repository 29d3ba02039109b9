import type { Db } from './connection';

/**
 * Repository of raw_paths: a path as the library shows it → the path's bytes (hex), for the files
 * whose names are not valid UTF-8. Only such paths have a row.
 */
export class RawPathsRepo {
  private readonly getStmt;
  private readonly putStmt;

  constructor(db: Db) {
    this.getStmt = db.prepare<[string], { raw_hex: string }>('SELECT raw_hex FROM raw_paths WHERE path = ?');
    this.putStmt = db.prepare(
      `INSERT INTO raw_paths (path, raw_hex, seen_at) VALUES (?, ?, ?)
       ON CONFLICT (path) DO UPDATE SET raw_hex = excluded.raw_hex, seen_at = excluded.seen_at`,
    );
  }

  /** The bytes of this path, when its name is not UTF-8. */
  get(path: string): Buffer | undefined {
    const r = this.getStmt.get(path);
    return r ? Buffer.from(r.raw_hex, 'hex') : undefined;
  }

  remember(path: string, raw: Buffer, at: number): void {
    this.putStmt.run(path, raw.toString('hex'), at);
  }
}
