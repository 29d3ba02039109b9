import type { Db } from './connection';
import type { RunCounts, RunRow, RunStatus } from '../../shared/domain';

interface RunDbRow {
  id: number;
  started_at: number;
  finished_at: number | null;
  status: RunStatus;
  roots: string;
  options: string;
  counts: string | null;
  message: string | null;
  pid: number | null;
  duration_ms: number | null;
}

/** Repository of runs. Their timestamps are unix milliseconds (migration 3): the UI shows durations. */
export class RunsRepo {
  constructor(private readonly db: Db) {}

  start(roots: string[], options: Record<string, unknown>, at: number): number {
    return Number(
      this.db
        .prepare("INSERT INTO runs (started_at, status, roots, options, pid) VALUES (?, 'running', ?, ?, ?)")
        .run(at, JSON.stringify(roots), JSON.stringify(options), process.pid).lastInsertRowid,
    );
  }

  finish(id: number, status: RunStatus, counts: RunCounts, message: string | null, at: number, durationMs: number): void {
    this.db
      .prepare('UPDATE runs SET status = ?, finished_at = ?, counts = ?, message = ?, duration_ms = ? WHERE id = ?')
      .run(status, at, JSON.stringify(counts), message, Math.round(durationMs), id);
  }

  /** Saves counts so far (a killed run still shows how far it got). */
  checkpoint(id: number, counts: RunCounts): void {
    this.db.prepare("UPDATE runs SET counts = ? WHERE id = ? AND status = 'running'").run(JSON.stringify(counts), id);
  }

  /**
   * Runs left 'running' by a process that no longer exists (kill -9, crash, power loss)
   * are marked interrupted. Runs of live processes (another writer) are left alone.
   */
  markInterrupted(at: number): number {
    const rows = this.db.prepare("SELECT id, pid FROM runs WHERE status = 'running'").all() as { id: number; pid: number | null }[];
    let n = 0;
    const stmt = this.db.prepare("UPDATE runs SET status = 'interrupted', finished_at = ?, duration_ms = ? - started_at, message = coalesce(message, ?) WHERE id = ? AND status = 'running'");
    for (const r of rows) {
      if (r.pid && r.pid !== process.pid && isAlive(r.pid)) continue;
      if (r.pid === process.pid) continue;
      n += stmt.run(at, at, 'The process running it stopped before it finished.', r.id).changes;
    }
    return n;
  }

  list(limit: number): RunRow[] {
    const rows = this.db.prepare('SELECT * FROM runs ORDER BY started_at DESC, id DESC LIMIT ?').all(limit) as RunDbRow[];
    return rows.map(toRunRow);
  }

  get(id: number): RunRow | undefined {
    const r = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunDbRow | undefined;
    return r ? toRunRow(r) : undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parse<T>(s: string | null, fallback: T): T {
  if (s == null) return fallback;
  try {
    return JSON.parse(s) as T;
  } catch {
    return fallback;
  }
}

function toRunRow(r: RunDbRow): RunRow {
  return {
    id: r.id,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    durationMs: r.duration_ms ?? (r.finished_at !== null ? r.finished_at - r.started_at : null),
    status: r.status,
    roots: parse<string[]>(r.roots, []),
    options: parse<Record<string, unknown>>(r.options, {}),
    counts: parse<RunCounts | null>(r.counts, null),
    message: r.message,
  };
}
