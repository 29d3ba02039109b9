import type { Db } from './connection';
import type { ErrorCode, FailureEvent, Stage } from '../../shared/domain';

export interface NewFailureEvent {
  fileHash: string | null;
  filePath: string;
  kind: FailureEvent['kind'];
  stage: Stage | null;
  errorCode: ErrorCode | null;
  message: string;
  at: number;
  runId: number | null;
}

interface EventRow {
  id: number;
  file_hash: string | null;
  file_path: string;
  kind: FailureEvent['kind'];
  stage: Stage | null;
  error_code: ErrorCode | null;
  message: string;
  at: number;
  run_id: number | null;
}

const HISTORY_LIMIT = 500;

/** Repository of failure_events: the history of every failure, reset and later success of a file. */
export class FailureEventsRepo {
  private readonly insertStmt;
  private readonly priorStmt;
  private readonly anyFailureStmt;
  private readonly byHashOrPath;
  private readonly byPath;

  constructor(db: Db) {
    this.insertStmt = db.prepare(`
      INSERT INTO failure_events (file_hash, file_path, kind, stage, error_code, message, at, run_id)
      VALUES (@fileHash, @filePath, @kind, @stage, @errorCode, @message, @at, @runId)`);
    this.priorStmt = db.prepare<{ fileHash: string | null; filePath: string }, { n: number; first: number | null }>(
      `SELECT count(*) AS n, min(at) AS first FROM failure_events
       WHERE kind = 'failure' AND (file_hash = @fileHash OR (@fileHash IS NULL AND file_hash IS NULL AND file_path = @filePath))`,
    );
    this.anyFailureStmt = db.prepare<[string], { one: number }>("SELECT 1 AS one FROM failure_events WHERE file_hash = ? AND kind = 'failure' LIMIT 1");
    this.byHashOrPath = db.prepare<{ hash: string; filePath: string }, EventRow>(
      `SELECT * FROM failure_events WHERE file_hash = @hash OR file_path = @filePath ORDER BY at DESC, id DESC LIMIT ${HISTORY_LIMIT}`,
    );
    this.byPath = db.prepare<{ filePath: string }, EventRow>(`SELECT * FROM failure_events WHERE file_path = @filePath ORDER BY at DESC, id DESC LIMIT ${HISTORY_LIMIT}`);
  }

  add(e: NewFailureEvent): void {
    this.insertStmt.run(e);
  }

  /** How often this content (or, unhashed, this path) failed before, and when first: attempts survive resets. */
  priorFailures(fileHash: string | null, filePath: string): { n: number; first: number | null } {
    return this.priorStmt.get({ fileHash, filePath })!;
  }

  /** Whether this content ever failed. */
  everFailed(hash: string): boolean {
    return this.anyFailureStmt.get(hash) !== undefined;
  }

  /** A file's history, newest first. */
  history(hash: string | null, filePath: string): FailureEvent[] {
    const rows = hash ? this.byHashOrPath.all({ hash, filePath }) : this.byPath.all({ filePath });
    return rows.map((r) => ({
      id: r.id,
      fileHash: r.file_hash,
      filePath: r.file_path,
      kind: r.kind,
      stage: r.stage,
      errorCode: r.error_code,
      message: r.message,
      at: r.at,
      runId: r.run_id,
    }));
  }
}
