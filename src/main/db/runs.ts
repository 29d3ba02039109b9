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
  host: string | null;
  process_start: string | null;
  heartbeat_at: number | null;
  lost_at: number | null;
}

/** A `running` row as the liveness check sees it: who owns it and its last heartbeat (unix ms). */
export interface RunOwnerRow {
  id: number;
  startedAt: number;
  pid: number | null;
  host: string | null;
  processStart: string | null;
  heartbeatAt: number | null;
}

/** The process that owns a run. */
export interface RunOwner {
  host: string;
  pid: number;
  start: string | null;
}

/** Repository of runs. Their timestamps are unix milliseconds (migration 3): the UI shows durations. */
/** A run some process is working on: running, or paused (and still holding its files). */
const LIVE = "status IN ('running', 'paused')";

export class RunsRepo {
  constructor(private readonly db: Db) {}

  start(roots: string[], options: Record<string, unknown>, at: number): number {
    return Number(
      this.db
        .prepare("INSERT INTO runs (started_at, status, roots, options, pid) VALUES (?, 'running', ?, ?, ?)")
        .run(at, JSON.stringify(roots), JSON.stringify(options), process.pid).lastInsertRowid,
    );
  }

  /** Names the process that runs `id` and writes its first heartbeat. */
  claim(id: number, owner: RunOwner, heartbeatAt: number): void {
    this.db
      .prepare('UPDATE runs SET host = ?, pid = ?, process_start = ?, heartbeat_at = ? WHERE id = ?')
      .run(owner.host, owner.pid, owner.start, heartbeatAt, id);
  }

  finish(id: number, status: RunStatus, counts: RunCounts, message: string | null, at: number, durationMs: number): void {
    this.db
      .prepare('UPDATE runs SET status = ?, finished_at = ?, counts = ?, message = ?, duration_ms = ?, lost_at = NULL WHERE id = ?')
      .run(status, at, JSON.stringify(counts), message, Math.round(durationMs), id);
  }

  /** Saves counts so far (a killed run still shows how far it got). */
  checkpoint(id: number, counts: RunCounts): void {
    this.db.prepare(`UPDATE runs SET counts = ? WHERE id = ? AND ${LIVE}`).run(JSON.stringify(counts), id);
  }

  /** Paused or running again: the record says what the run card says. */
  setLive(id: number, status: 'running' | 'paused'): void {
    this.db.prepare(`UPDATE runs SET status = ? WHERE id = ? AND ${LIVE}`).run(status, id);
  }

  /**
   * The owner's heartbeat. False when the row is no longer running: another process judged this
   * one dead (a clock that jumped, a stall longer than the staleness limit) and `reclaim` undoes it.
   */
  beat(id: number, at: number): boolean {
    return this.db.prepare(`UPDATE runs SET heartbeat_at = ? WHERE id = ? AND ${LIVE}`).run(at, id).changes > 0;
  }

  /** A live run that another process marked interrupted takes its row back. */
  reclaim(id: number, at: number, status: 'running' | 'paused' = 'running'): boolean {
    return (
      this.db
        .prepare("UPDATE runs SET status = ?, finished_at = NULL, lost_at = NULL, message = NULL, heartbeat_at = ? WHERE id = ? AND status = 'interrupted' AND lost_at IS NOT NULL")
        .run(status, at, id).changes > 0
    );
  }

  running(): RunOwnerRow[] {
    const rows = this.db
      .prepare(`SELECT id, started_at, pid, host, process_start, heartbeat_at FROM runs WHERE ${LIVE}`)
      .all() as Pick<RunDbRow, 'id' | 'started_at' | 'pid' | 'host' | 'process_start' | 'heartbeat_at'>[];
    return rows.map((r) => ({ id: r.id, startedAt: r.started_at, pid: r.pid, host: r.host, processStart: r.process_start, heartbeatAt: r.heartbeat_at }));
  }

  /**
   * Marks a run whose process is gone as interrupted, as of `lostAt` (its last sign of life, unix
   * ms). Only if its heartbeat is still the one judged: a beat that landed meanwhile wins.
   */
  markLost(id: number, heartbeatSeen: number | null, lostAt: number, finishedAt: number): boolean {
    return (
      this.db
        .prepare(
          `UPDATE runs SET status = 'interrupted', finished_at = ?, duration_ms = ? - started_at, lost_at = ?, message = coalesce(message, ?) WHERE id = ? AND ${LIVE} AND heartbeat_at IS ?`,
        )
        .run(finishedAt, finishedAt, lostAt, 'The process running it stopped before it finished.', id, heartbeatSeen).changes > 0
    );
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
    lostAt: r.lost_at ?? null,
  };
}
