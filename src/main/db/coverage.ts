import type { Db } from './connection';
import type { CoverageCounts, CoverageEntry } from '../../shared/domain';
import { folderRange } from './failed-files';

export function emptyCoverage(): CoverageCounts {
  return { ingested: 0, duplicate: 0, failed: 0, unsupported: 0, unseen: 0 };
}

interface ChildRow {
  name: string;
  dir: number;
  ingested: number;
  duplicate: number;
  failed: number;
  unsupported: number;
  unseen: number;
}

/**
 * The coverage map, read-only over the tables that know a path: document_paths (ingested
 * where the document's own path, duplicate elsewhere), failed_files, unsupported_files and
 * file_index (hashed but not yet in the library). Each path counts once, in its best category.
 * Aggregated in SQL one folder level at a time, by index range on the path: a folder of
 * 100 000 files is one grouped query, its subfolders load when opened.
 */
export class CoverageRepo {
  private readonly childrenStmt;
  private readonly knownStmt;

  constructor(db: Db) {
    this.childrenStmt = db.prepare<{ lo: string; hi: string; n: number }, ChildRow>(`
      WITH known (path, cat) AS (
        SELECT dp.file_path, CASE WHEN d.file_path = dp.file_path THEN 1 ELSE 2 END
          FROM document_paths dp JOIN documents d ON d.id = dp.document_id
          WHERE dp.file_path >= @lo AND dp.file_path < @hi
        UNION ALL SELECT file_path, 3 FROM failed_files WHERE file_path >= @lo AND file_path < @hi
        UNION ALL SELECT path, 4 FROM unsupported_files WHERE path >= @lo AND path < @hi
        UNION ALL SELECT path, 5 FROM file_index WHERE path >= @lo AND path < @hi
      ),
      best (rel, cat) AS (SELECT substr(path, @n), min(cat) FROM known GROUP BY path),
      kids (name, dir, cat) AS (
        SELECT CASE instr(rel, '/') WHEN 0 THEN rel ELSE substr(rel, 1, instr(rel, '/') - 1) END, instr(rel, '/') > 0, cat FROM best
      )
      SELECT name, dir, sum(cat = 1) AS ingested, sum(cat = 2) AS duplicate, sum(cat = 3) AS failed,
             sum(cat = 4) AS unsupported, sum(cat = 5) AS unseen
        FROM kids GROUP BY name, dir ORDER BY dir DESC, name`);
    this.knownStmt = db.prepare<[string, string, string, string], { one: number }>(`
      SELECT 1 AS one FROM document_paths WHERE file_path = ?
      UNION ALL SELECT 1 FROM failed_files WHERE file_path = ?
      UNION ALL SELECT 1 FROM unsupported_files WHERE path = ?
      UNION ALL SELECT 1 FROM file_index WHERE path = ?
      LIMIT 1`);
  }

  /** The children of `folder` with their counts (recursive for subfolders), and the folder's total. */
  children(folder: string, limit: number): { total: CoverageCounts; entries: CoverageEntry[]; truncated: boolean } {
    const { lo, hi } = folderRange(folder);
    const total = emptyCoverage();
    const entries: CoverageEntry[] = [];
    let truncated = false;
    for (const r of this.childrenStmt.iterate({ lo, hi, n: lo.length + 1 })) {
      const counts: CoverageCounts = { ingested: r.ingested, duplicate: r.duplicate, failed: r.failed, unsupported: r.unsupported, unseen: r.unseen };
      for (const k of Object.keys(total) as (keyof CoverageCounts)[]) total[k] += counts[k];
      if (entries.length < limit) entries.push({ name: r.name, path: lo + r.name, dir: r.dir === 1, counts });
      else truncated = true;
    }
    return { total, entries, truncated };
  }

  /** True when any of the tables knows the path (it is in the map already). */
  isKnown(path: string): boolean {
    return this.knownStmt.get(path, path, path, path) !== undefined;
  }
}
