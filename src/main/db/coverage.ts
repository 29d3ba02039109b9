import type { Db } from './connection';
import type { CoverageCounts, CoverageEntry } from '../../shared/domain';
import { folderRange } from './failed-files';

export function emptyCoverage(): CoverageCounts {
  return { ingested: 0, duplicate: 0, failed: 0, unsupported: 0, unseen: 0 };
}

/** The categories by number, best first, as coverage_files stores them (migration 9). */
const CATEGORIES = ['ingested', 'duplicate', 'failed', 'unsupported', 'unseen'] as const;

/** Where a '/' path sits in coverage_files: its folder ('' at the root) and its name (as migration 9 splits it). */
export function splitPath(path: string): { dir: string; name: string } {
  const i = path.lastIndexOf('/');
  return i < 0 ? { dir: '', name: path } : { dir: path.slice(0, i), name: path.slice(i + 1) };
}

export interface CoverageChildren {
  total: CoverageCounts;
  entries: CoverageEntry[];
  truncated: boolean;
}

/**
 * The coverage map over what the library knows of each path: document_paths (ingested where the
 * document's own path, duplicate elsewhere), failed_files, unsupported_files and file_index
 * (hashed but not yet in the library). Each path counts once, in its best category (ingested ·
 * duplicate · failed · unsupported · not yet seen, in that order).
 */
export class CoverageRepo {
  private readonly kept: KeptCoverage;
  private readonly unsupportedStmt;

  constructor(db: Db) {
    // Every open upgrades the library first (a read-only one too), so the kept map (migration 11) is there.
    this.kept = new KeptCoverage(db);
    this.unsupportedStmt = db.prepare<{ lo: string; hi: string; limit: number }, { path: string }>(`
      SELECT u.path FROM unsupported_files u WHERE u.path >= @lo AND u.path < @hi
        AND NOT EXISTS (SELECT 1 FROM document_paths p WHERE p.file_path = u.path)
        AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.file_path = u.path)
        AND NOT EXISTS (SELECT 1 FROM failed_files f WHERE f.file_path = u.path)
        ORDER BY u.path LIMIT @limit`);
  }

  /** The children of `folder` with their counts (recursive for subfolders), and the folder's total. */
  children(folder: string, limit: number): CoverageChildren {
    return this.kept.children(folder, limit);
  }

  /** The unsupported files under `folder` (the ones the map counts as unsupported), path order. */
  unsupportedUnder(folder: string, limit: number): string[] {
    const { lo, hi } = folderRange(folder);
    return this.unsupportedStmt.all({ lo, hi, limit }).map((r) => r.path);
  }

  /** True when any of the tables knows the path (it is in the map already). */
  isKnown(path: string): boolean {
    return this.kept.isKnown(path);
  }
}

/**
 * The map as triggers keep it (migration 9): each known path's category in coverage_files, and per
 * folder how many of its own files are in each (coverage_counts). A folder's subfolders are summed
 * from the counts of the folders under them (a row per folder and category, not per file); its own
 * files are read by key up to the limit. 100 000 paths in 240 folders: the root is ~1 000 rows, about 1 ms.
 */
class KeptCoverage {
  private readonly subfoldersStmt;
  private readonly ownCountsStmt;
  private readonly ownFilesStmt;
  private readonly knownStmt;

  constructor(db: Db) {
    this.subfoldersStmt = db.prepare<{ lo: string; hi: string; n: number }, { name: string; cat: number; n: number }>(`
      SELECT CASE instr(r, '/') WHEN 0 THEN r ELSE substr(r, 1, instr(r, '/') - 1) END AS name, cat, sum(n) AS n
        FROM (SELECT substr(dir, @n) AS r, cat, n FROM coverage_counts WHERE dir >= @lo AND dir < @hi)
        GROUP BY 1, cat ORDER BY 1`);
    this.ownCountsStmt = db.prepare<[string], { cat: number; n: number }>('SELECT cat, n FROM coverage_counts WHERE dir = ?');
    this.ownFilesStmt = db.prepare<[string, number], { name: string; cat: number }>('SELECT name, cat FROM coverage_files WHERE dir = ? ORDER BY name LIMIT ?');
    this.knownStmt = db.prepare<[string, string], { one: number }>('SELECT 1 AS one FROM coverage_files WHERE dir = ? AND name = ?');
  }

  children(folder: string, limit: number): CoverageChildren {
    const { lo, hi } = folderRange(folder);
    const self = lo.slice(0, -1);
    const total = emptyCoverage();
    const entries: CoverageEntry[] = [];
    let truncated = false;
    let sub: CoverageEntry | undefined;
    for (const r of this.subfoldersStmt.iterate({ lo, hi, n: lo.length + 1 })) {
      const key = CATEGORIES[r.cat - 1];
      total[key] += r.n;
      if (sub?.name !== r.name) {
        sub = { name: r.name, path: lo + r.name, dir: true, counts: emptyCoverage() };
        if (entries.length < limit) entries.push(sub);
        else truncated = true;
      }
      sub.counts[key] += r.n;
    }
    let own = 0;
    for (const r of this.ownCountsStmt.all(self)) {
      total[CATEGORIES[r.cat - 1]] += r.n;
      own += r.n;
    }
    const room = Math.max(0, limit - entries.length);
    if (own > room) truncated = true;
    if (room > 0 && own > 0) {
      for (const r of this.ownFilesStmt.all(self, room)) {
        const counts = emptyCoverage();
        counts[CATEGORIES[r.cat - 1]] = 1;
        entries.push({ name: r.name, path: lo + r.name, dir: false, counts });
      }
    }
    return { total, entries, truncated };
  }

  isKnown(path: string): boolean {
    const { dir, name } = splitPath(path);
    return this.knownStmt.get(dir, name) !== undefined;
  }
}

/**
 * The map worked out at read time over the five tables, what migration 11 replaced; kept as the
 * bench's reference. Each category is an index-only range scan leaving out the paths a better
 * category holds, grouped per child. 100 000 paths: 1.1–1.9 s, holding the thread.
 */
export const READ_TIME_CHILDREN_SQL = `
  WITH known (path, cat) AS (
    SELECT DISTINCT d.file_path, 1 FROM documents d WHERE d.file_path >= @lo AND d.file_path < @hi
    UNION ALL SELECT DISTINCT p.file_path, 2 FROM document_paths p WHERE p.file_path >= @lo AND p.file_path < @hi
      AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.file_path = p.file_path)
    UNION ALL SELECT DISTINCT f.file_path, 3 FROM failed_files f WHERE f.file_path >= @lo AND f.file_path < @hi
      AND NOT EXISTS (SELECT 1 FROM document_paths p WHERE p.file_path = f.file_path)
      AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.file_path = f.file_path)
    UNION ALL SELECT u.path, 4 FROM unsupported_files u WHERE u.path >= @lo AND u.path < @hi
      AND NOT EXISTS (SELECT 1 FROM document_paths p WHERE p.file_path = u.path)
      AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.file_path = u.path)
      AND NOT EXISTS (SELECT 1 FROM failed_files f WHERE f.file_path = u.path)
    UNION ALL SELECT x.path, 5 FROM file_index x WHERE x.path >= @lo AND x.path < @hi
      AND NOT EXISTS (SELECT 1 FROM document_paths p WHERE p.file_path = x.path)
      AND NOT EXISTS (SELECT 1 FROM documents d WHERE d.file_path = x.path)
      AND NOT EXISTS (SELECT 1 FROM failed_files f WHERE f.file_path = x.path)
      AND NOT EXISTS (SELECT 1 FROM unsupported_files u WHERE u.path = x.path)
  ),
  rel (r, cat) AS (SELECT substr(path, @n), cat FROM known),
  kids (name, dir, cat) AS (SELECT CASE instr(r, '/') WHEN 0 THEN r ELSE substr(r, 1, instr(r, '/') - 1) END, instr(r, '/') > 0, cat FROM rel)
  SELECT name, dir, sum(cat = 1) AS ingested, sum(cat = 2) AS duplicate, sum(cat = 3) AS failed,
         sum(cat = 4) AS unsupported, sum(cat = 5) AS unseen
    FROM kids GROUP BY name, dir ORDER BY dir DESC, name`;
