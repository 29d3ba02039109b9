import { redactSecrets } from '../../shared/redact';
import type { Db } from './connection';
import type { ErrorCode, FailedFile, FailedFilter, FailedSortColumn, FailureClass, FailureGroup, Stage } from '../../shared/domain';
import { eligibility, type SettingsFingerprint } from '../../shared/retry';
import type { FailureEventsRepo } from './failure-events';
import type { Statement } from 'better-sqlite3';

export interface FailureRecord {
  filePath: string;
  filename: string;
  fileHash: string | null;
  stage: Stage;
  reason: string;
  errorType: string;
  errorMessage: string;
  failureClass: FailureClass;
  errorCode: ErrorCode;
  stack: string | null;
  fingerprint: SettingsFingerprint;
  runId: number | null;
  at: number;
  /** The id this file's row had before a reset (Reset & reprocess): a file keeps one identity. */
  reuseId?: number;
}

/** A row as it was when it was reset: enough to put it back. */
export type RemovedRow = FailedFile & { stack: string | null };

interface FailedRow {
  id: number;
  file_path: string;
  filename: string;
  file_hash: string | null;
  stage: string;
  reason: string;
  error_type: string;
  error_message: string;
  failed_at: number;
  attempts: number;
  first_failed_at: number;
  run_id: number | null;
  failure_class: string;
  error_code: string;
  stack: string | null;
  fingerprint: string;
}

const SORT_SQL: Record<FailedSortColumn, string> = {
  failed_at: 'failed_at',
  filename: 'filename COLLATE NOCASE',
  stage: 'stage',
  reason: 'reason COLLATE NOCASE',
  attempts: 'attempts',
  error_code: 'error_code',
  first_failed_at: 'first_failed_at',
};

const STACK_LIMIT = 4000;
const MESSAGE_LIMIT = 8000;

/** Repository of failed_files. All SQL for it lives here; its history goes to failure_events. */
export class FailedFilesRepo {
  private readonly byId;
  private readonly byHash;
  private readonly byPath;
  private readonly insertRow;
  private readonly updateRow;
  private readonly deleteById;
  private readonly deleteByHashStmt;
  private readonly deleteByPathStmt;
  private readonly unhashedRowStmt;
  private readonly hashExists;
  private readonly idTaken;
  private readonly restoreRow;
  private readonly insertPath;
  private readonly pathsOf;
  private readonly deletePaths;
  /** Statements whose SQL depends on the filter: prepared once per distinct SQL text. */
  private readonly filtered = new Map<string, Statement>();

  constructor(
    private readonly db: Db,
    private readonly events: FailureEventsRepo,
  ) {
    this.byId = db.prepare<[number], FailedRow>('SELECT * FROM failed_files WHERE id = ?');
    this.byHash = db.prepare<[string], FailedRow>('SELECT * FROM failed_files WHERE file_hash = ?');
    this.byPath = db.prepare<[string], FailedRow>('SELECT * FROM failed_files WHERE file_hash IS NULL AND file_path = ?');
    this.idTaken = db.prepare<[number], { id: number }>('SELECT id FROM failed_files WHERE id = ?');
    this.restoreRow = db.prepare(`
      INSERT OR IGNORE INTO failed_files (id, file_path, filename, file_hash, stage, reason, error_type, error_message, failed_at,
        attempts, first_failed_at, run_id, failure_class, error_code, stack, fingerprint)
      VALUES (@id, @filePath, @filename, @fileHash, @stage, @reason, @errorType, @errorMessage, @failedAt,
        @attempts, @firstFailedAt, @runId, @failureClass, @errorCode, @stack, @fingerprint)`);
    this.hashExists = db.prepare<[string], { id: number }>('SELECT id FROM failed_files WHERE file_hash = ?');
    this.insertRow = db.prepare(`
      INSERT INTO failed_files (id, file_path, filename, file_hash, stage, reason, error_type, error_message, failed_at,
        attempts, first_failed_at, run_id, failure_class, error_code, stack, fingerprint)
      VALUES (@id, @filePath, @filename, @fileHash, @stage, @reason, @errorType, @errorMessage, @at,
        @attempts, @firstAt, @runId, @failureClass, @errorCode, @stack, @fingerprint)`);
    this.updateRow = db.prepare(`
      UPDATE failed_files SET file_path = @filePath, filename = @filename, file_hash = @fileHash, stage = @stage, reason = @reason,
        error_type = @errorType, error_message = @errorMessage, failed_at = @at, attempts = attempts + 1,
        run_id = @runId, failure_class = @failureClass, error_code = @errorCode, stack = @stack, fingerprint = @fingerprint
      WHERE id = @id`);
    this.deleteById = db.prepare('DELETE FROM failed_files WHERE id = ?');
    this.deleteByHashStmt = db.prepare('DELETE FROM failed_files WHERE file_hash = ?');
    this.deleteByPathStmt = db.prepare('DELETE FROM failed_files WHERE file_hash IS NULL AND file_path = ?');
    this.unhashedRowStmt = db.prepare('SELECT 1 FROM failed_files WHERE file_hash IS NULL AND file_path = ? LIMIT 1');
    this.insertPath = db.prepare(`
      INSERT INTO failed_paths (file_hash, file_path, seen_at)
      SELECT @hash, @path, @at WHERE EXISTS (SELECT 1 FROM failed_files WHERE file_hash = @hash AND file_path <> @path)
      ON CONFLICT (file_hash, file_path) DO UPDATE SET seen_at = excluded.seen_at`);
    this.pathsOf = db.prepare<[string], { file_path: string }>('SELECT file_path FROM failed_paths WHERE file_hash = ? ORDER BY file_path');
    this.deletePaths = db.prepare('DELETE FROM failed_paths WHERE file_hash = ?');
  }

  /** Another path of a failed content, skipped as that failure: recorded beside the row (not the row's own path). */
  addPath(hash: string, path: string, at: number): void {
    this.insertPath.run({ hash, path, at });
  }

  /** The other paths recorded for a failed content. */
  otherPaths(hash: string | null): string[] {
    return hash ? this.pathsOf.all(hash).map((r) => r.file_path).filter((p) => p !== this.byHash.get(hash)?.file_path) : [];
  }

  private withPaths<T extends FailedFile>(f: T): T {
    const other = this.otherPaths(f.fileHash);
    return other.length ? { ...f, otherPaths: other } : f;
  }

  private prepared(sql: string): Statement {
    let stmt = this.filtered.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.filtered.set(sql, stmt);
    }
    return stmt;
  }

  /** Id of the failed row for this content, if any: the skip check. */
  failedIdForHash(hash: string): number | undefined {
    return this.hashExists.get(hash)?.id;
  }

  /** The path recorded with a hash's failure: its extension says how the bytes were read. */
  failedPathForHash(hash: string): string | undefined {
    // Prepared once (`prepared` keeps it): a rerun over a folder of failed files asks this per file.
    return (this.prepared('SELECT file_path FROM failed_files WHERE file_hash = ?').get(hash) as { file_path: string } | undefined)?.file_path;
  }

  /**
   * Upserts by hash (by path when hashing itself failed): a file that fails again
   * updates its row and increments attempts. Also writes the history event.
   * Call inside a transaction.
   */
  recordFailure(input: FailureRecord): number {
    const { reuseId: _reuseId, ...record } = input;
    // Credentials inside a URL (user:pw@, ?api_key=) never reach the library.
    const f = { ...record, reason: redactSecrets(record.reason), errorMessage: redactSecrets(record.errorMessage), stack: redactSecrets(record.stack) };
    const params = {
      ...f,
      errorMessage: f.errorMessage.slice(0, MESSAGE_LIMIT),
      stack: f.stack ? f.stack.slice(0, STACK_LIMIT) : null,
      fingerprint: JSON.stringify(f.fingerprint),
    };
    // A hashed failure takes over an earlier unhashed row for the same path: same file, same row.
    const existing = (f.fileHash ? this.byHash.get(f.fileHash) : undefined) ?? this.byPath.get(f.filePath);
    let id: number;
    if (existing) {
      this.updateRow.run({ ...params, id: existing.id });
      id = existing.id;
    } else {
      // Attempts keep counting across resets: history says how often this content failed.
      const prior = this.events.priorFailures(f.fileHash, f.filePath);
      const reuse = input.reuseId !== undefined && !this.idTaken.get(input.reuseId) ? input.reuseId : null;
      id = Number(this.insertRow.run({ ...params, id: reuse, attempts: prior.n + 1, firstAt: prior.first ?? f.at }).lastInsertRowid);
    }
    this.events.add({
      fileHash: f.fileHash,
      filePath: f.filePath,
      kind: 'failure',
      stage: f.stage,
      errorCode: f.errorCode,
      message: f.reason === f.errorMessage ? f.reason : `${f.reason}: ${f.errorMessage}`.slice(0, MESSAGE_LIMIT),
      at: f.at,
      runId: f.runId,
    });
    return id;
  }

  /** Clears the failure for content that has now been ingested (inside the store transaction). */
  clearOnSuccess(hash: string, filePath: string, runId: number | null, at: number): void {
    const hadHash = this.deleteByHashStmt.run(hash).changes;
    this.deletePaths.run(hash);
    const hadPath = this.deleteByPathStmt.run(filePath).changes;
    // Content that failed before (even if reset since) gets its success in the history too.
    if (hadHash + hadPath > 0 || this.events.everFailed(hash)) {
      this.events.add({ fileHash: hash, filePath, kind: 'success', stage: null, errorCode: null, message: 'ingested', at, runId });
    }
  }

  /** True when a row keyed by this path (no hash: the file or folder could not be read) exists. */
  hasUnhashedRow(path: string): boolean {
    return this.unhashedRowStmt.get(path) !== undefined;
  }

  /** A folder listed at last: its "could not be read" row goes, with a line in the history. True when there was one. */
  clearFolder(folder: string, runId: number | null, at: number): boolean {
    if (this.deleteByPathStmt.run(folder).changes === 0) return false;
    this.events.add({ fileHash: null, filePath: folder, kind: 'success', stage: null, errorCode: null, message: 'folder read', at, runId });
    return true;
  }

  count(filter: FailedFilter = {}, currentFingerprint?: SettingsFingerprint): number {
    const { where, params } = this.where(filter, currentFingerprint);
    return (this.prepared(`SELECT count(*) AS n FROM failed_files ${where}`).get(params) as { n: number }).n;
  }

  /** One page and the total matching the filter: what the inspector asks for. */
  page(
    opts: { offset: number; limit: number; sort: FailedSortColumn; dir: 'asc' | 'desc'; filter: FailedFilter },
    currentFingerprint?: SettingsFingerprint,
  ): { rows: FailedFile[]; total: number } {
    return { rows: this.list(opts, currentFingerprint), total: this.count(opts.filter, currentFingerprint) };
  }

  list(
    opts: { offset: number; limit: number; sort: FailedSortColumn; dir: 'asc' | 'desc'; filter: FailedFilter },
    currentFingerprint?: SettingsFingerprint,
  ): FailedFile[] {
    const { where, params } = this.where(opts.filter, currentFingerprint);
    const dir = opts.dir === 'asc' ? 'ASC' : 'DESC';
    const rows = this
      .prepared(`SELECT * FROM failed_files ${where} ORDER BY ${SORT_SQL[opts.sort]} ${dir}, id ${dir} LIMIT @limit OFFSET @offset`)
      .all({ ...params, limit: opts.limit, offset: opts.offset }) as FailedRow[];
    return rows.map((r) => this.withPaths(toFailedFile(r, currentFingerprint)));
  }

  get(id: number, currentFingerprint?: SettingsFingerprint): (FailedFile & { stack: string | null }) | undefined {
    const row = this.byId.get(id);
    return row ? this.withPaths({ ...toFailedFile(row, currentFingerprint), stack: row.stack }) : undefined;
  }

  getMany(ids: number[], currentFingerprint?: SettingsFingerprint): FailedFile[] {
    const out: FailedFile[] = [];
    for (const id of ids) {
      const row = this.byId.get(id);
      if (row) out.push(this.withPaths(toFailedFile(row, currentFingerprint)));
    }
    return out;
  }

  /** Ids of every row matching a filter ("Reset all matching"). */
  idsMatching(filter: FailedFilter, currentFingerprint?: SettingsFingerprint): number[] {
    const { where, params } = this.where(filter, currentFingerprint);
    return (this.prepared(`SELECT id FROM failed_files ${where} ORDER BY failed_at DESC, id DESC`).all(params) as { id: number }[]).map((r) => r.id);
  }

  groups(filter: FailedFilter, currentFingerprint?: SettingsFingerprint): FailureGroup[] {
    const { where, params } = this.where(filter, currentFingerprint);
    const rows = this
      .prepared(
        `SELECT error_code, stage, failure_class, count(*) AS n, max(reason) AS reason
         FROM failed_files ${where} GROUP BY error_code, stage, failure_class ORDER BY n DESC, error_code`,
      )
      .all(params) as { error_code: ErrorCode; stage: Stage; failure_class: FailureClass; n: number; reason: string }[];
    return rows.map((r) => ({ errorCode: r.error_code, stage: r.stage, failureClass: r.failure_class, count: r.n, sampleReason: r.reason }));
  }

  /**
   * Puts back rows a reprocess reset but never got to (cancelled, stopped early): a file not
   * tried again is still a failed file, under the same id.
   */
  restore(rows: RemovedRow[]): number {
    let n = 0;
    this.db.transaction(() => {
      for (const r of rows) {
        if (r.fileHash === null && this.byPath.get(r.filePath)) continue;
        const { eligibleForRetry: _e, otherPaths, ...row } = r;
        n += this.restoreRow.run({ ...row, fingerprint: JSON.stringify(r.fingerprint) }).changes;
        for (const path of otherPaths ?? []) if (r.fileHash) this.addPath(r.fileHash, path, r.failedAt);
      }
    }).immediate();
    return n;
  }

  /**
   * Deletes rows (Reset) and records a reset event for each, in one transaction. IMMEDIATE, like
   * every read-then-write here: a deferred one that reads first fails at once with "database is
   * locked" (SQLITE_BUSY_SNAPSHOT, busy_timeout not applied) when another process commits between.
   */
  reset(ids: number[], at: number, runId: number | null = null): RemovedRow[] {
    const removed: RemovedRow[] = [];
    this.db.transaction(() => {
      for (const id of ids) {
        const row = this.byId.get(id);
        if (!row) continue;
        const removedRow: RemovedRow = this.withPaths({ ...toFailedFile(row), stack: row.stack });
        this.deleteById.run(id);
        // A reset is "try this content again": every copy is met again by the next run over it.
        if (row.file_hash) this.deletePaths.run(row.file_hash);
        this.events.add({
          fileHash: row.file_hash,
          filePath: row.file_path,
          kind: 'reset',
          stage: row.stage as Stage,
          errorCode: row.error_code as ErrorCode,
          message: 'reset by user',
          at,
          runId,
        });
        removed.push(removedRow);
      }
    }).immediate();
    return removed;
  }

  private where(filter: FailedFilter, currentFingerprint?: SettingsFingerprint): { where: string; params: Record<string, unknown> } {
    const clauses: string[] = [];
    const params: Record<string, unknown> = {};
    if (filter.stage) {
      clauses.push('stage = @stage');
      params.stage = filter.stage;
    }
    if (filter.failureClass) {
      clauses.push('failure_class = @failureClass');
      params.failureClass = filter.failureClass;
    }
    if (filter.errorCode) {
      clauses.push('error_code = @errorCode');
      params.errorCode = filter.errorCode;
    }
    if (filter.q && filter.q.trim()) {
      clauses.push(`(filename LIKE @q ESCAPE '\\' OR file_path LIKE @q ESCAPE '\\' OR reason LIKE @q ESCAPE '\\' OR error_message LIKE @q ESCAPE '\\' OR file_hash = @qExact)`);
      params.q = `%${filter.q.trim().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      params.qExact = filter.q.trim();
    }
    if (filter.folder) {
      const { lo, hi } = folderRange(filter.folder);
      // A row is under the folder by its path or by a copy of it skipped there (failed_paths), as the coverage map counts it.
      clauses.push(
        '(file_path >= @folderLo AND file_path < @folderHi OR file_hash IN (SELECT file_hash FROM failed_paths WHERE file_path >= @folderLo AND file_path < @folderHi))',
      );
      params.folderLo = lo;
      params.folderHi = hi;
    }
    if (filter.eligibleOnly) {
      // Evaluated in SQL so paging stays exact: a row is eligible when any setting its stage ran with changed.
      clauses.push('intake_eligible(stage, fingerprint, @currentFp) IS NOT NULL');
      params.currentFp = JSON.stringify(currentFingerprint ?? {});
      registerEligibleFunction(this.db);
    }
    return { where: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
  }
}

/** Every path under `folder` sorts in [lo, hi): "folder/" up to "folder0" ('0' follows '/'). */
export function folderRange(folder: string): { lo: string; hi: string } {
  const base = folder.length > 1 ? folder.replace(/\/+$/, '') : folder;
  const lo = base.endsWith('/') ? base : `${base}/`;
  return { lo, hi: `${lo.slice(0, -1)}0` };
}

const registered = new WeakSet<Db>();
function registerEligibleFunction(db: Db): void {
  if (registered.has(db)) return;
  db.function('intake_eligible', { deterministic: true }, (stage: unknown, fp: unknown, cur: unknown) =>
    eligibility(String(stage) as Stage, safeJson(String(fp)), safeJson(String(cur))),
  );
  registered.add(db);
}

function safeJson(s: string): Record<string, unknown> {
  try {
    const v = JSON.parse(s);
    return v && typeof v === 'object' ? v : {};
  } catch {
    return {};
  }
}

function toFailedFile(r: FailedRow, currentFingerprint?: SettingsFingerprint): FailedFile {
  const fingerprint = safeJson(r.fingerprint);
  return {
    id: r.id,
    filePath: r.file_path,
    filename: r.filename,
    fileHash: r.file_hash,
    stage: r.stage as Stage,
    reason: r.reason,
    errorType: r.error_type,
    errorMessage: r.error_message,
    failedAt: r.failed_at,
    attempts: r.attempts,
    firstFailedAt: r.first_failed_at,
    runId: r.run_id,
    failureClass: r.failure_class as FailureClass,
    errorCode: r.error_code as ErrorCode,
    fingerprint,
    eligibleForRetry: currentFingerprint ? eligibility(r.stage as Stage, fingerprint, currentFingerprint) : null,
  };
}
