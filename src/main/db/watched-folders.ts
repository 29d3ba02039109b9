import type { Db } from './connection';
import type { WatchState } from '../../shared/domain';

export interface WatchedFolderRow {
  id: number;
  path: string;
  paused: boolean;
  state: WatchState;
  message: string | null;
  addedAt: number;
  lastSeenAt: number | null;
  lastFile: string | null;
  ingested: number;
  failed: number;
  ownerHost: string | null;
  ownerPid: number | null;
  ownerStart: string | null;
  ownerHeartbeatAt: number | null;
}

interface DbRow {
  id: number;
  path: string;
  paused: number;
  state: WatchState;
  message: string | null;
  added_at: number;
  last_seen_at: number | null;
  last_file: string | null;
  ingested: number;
  failed: number;
  owner_host: string | null;
  owner_pid: number | null;
  owner_start: string | null;
  owner_heartbeat_at: number | null;
}

export interface FolderOwner {
  host: string;
  pid: number;
  start: string | null;
}

/** Repository of watched_folders: the list, its states and counts, and who watches each (a lease). */
export class WatchedFoldersRepo {
  constructor(private readonly db: Db) {}

  list(): WatchedFolderRow[] {
    return (this.db.prepare('SELECT * FROM watched_folders ORDER BY path').all() as DbRow[]).map(toRow);
  }

  get(id: number): WatchedFolderRow | undefined {
    const r = this.db.prepare('SELECT * FROM watched_folders WHERE id = ?').get(id) as DbRow | undefined;
    return r ? toRow(r) : undefined;
  }

  byPath(path: string): WatchedFolderRow | undefined {
    const r = this.db.prepare('SELECT * FROM watched_folders WHERE path = ?').get(path) as DbRow | undefined;
    return r ? toRow(r) : undefined;
  }

  /** Adds a folder (or un-pauses one already listed); returns its id. */
  add(path: string, at: number): number {
    this.db
      .prepare("INSERT INTO watched_folders (path, added_at, state) VALUES (?, ?, 'catching_up') ON CONFLICT (path) DO UPDATE SET paused = 0")
      .run(path, at);
    return (this.db.prepare('SELECT id FROM watched_folders WHERE path = ?').get(path) as { id: number }).id;
  }

  remove(id: number): boolean {
    return this.db.prepare('DELETE FROM watched_folders WHERE id = ?').run(id).changes > 0;
  }

  setPaused(id: number, paused: boolean): boolean {
    return (
      this.db
        .prepare("UPDATE watched_folders SET paused = ?, state = CASE WHEN ? THEN 'paused' ELSE 'catching_up' END WHERE id = ?")
        .run(paused ? 1 : 0, paused ? 1 : 0, id).changes > 0
    );
  }

  setState(id: number, state: WatchState, message: string | null): void {
    this.db.prepare('UPDATE watched_folders SET state = ?, message = ? WHERE id = ?').run(state, message, id);
  }

  /** After a watch run: what it brought in and failed, and the last file taken. */
  addCounts(id: number, ingested: number, failed: number, lastFile: string | null, at: number): void {
    this.db
      .prepare('UPDATE watched_folders SET ingested = ingested + ?, failed = failed + ?, last_file = coalesce(?, last_file), last_seen_at = CASE WHEN ? IS NULL THEN last_seen_at ELSE ? END WHERE id = ?')
      .run(ingested, failed, lastFile, lastFile, at, id);
  }

  /** Takes the lease if it is still as `seenHeartbeat` left it (nobody else took it meanwhile). */
  claim(id: number, owner: FolderOwner, seenHeartbeat: number | null, at: number): boolean {
    return (
      this.db
        .prepare('UPDATE watched_folders SET owner_host = ?, owner_pid = ?, owner_start = ?, owner_heartbeat_at = ? WHERE id = ? AND owner_heartbeat_at IS ?')
        .run(owner.host, owner.pid, owner.start, at, id, seenHeartbeat).changes > 0
    );
  }

  /** The owner's heartbeat; false when the lease is no longer ours. */
  beat(id: number, owner: FolderOwner, at: number): boolean {
    return (
      this.db
        .prepare('UPDATE watched_folders SET owner_heartbeat_at = ? WHERE id = ? AND owner_host = ? AND owner_pid = ? AND owner_start IS ?')
        .run(at, id, owner.host, owner.pid, owner.start).changes > 0
    );
  }

  release(id: number, owner: FolderOwner): void {
    this.db
      .prepare('UPDATE watched_folders SET owner_host = NULL, owner_pid = NULL, owner_start = NULL, owner_heartbeat_at = NULL WHERE id = ? AND owner_host = ? AND owner_pid = ? AND owner_start IS ?')
      .run(id, owner.host, owner.pid, owner.start);
  }
}

function toRow(r: DbRow): WatchedFolderRow {
  return {
    id: r.id,
    path: r.path,
    paused: r.paused !== 0,
    state: r.state,
    message: r.message,
    addedAt: r.added_at,
    lastSeenAt: r.last_seen_at,
    lastFile: r.last_file,
    ingested: r.ingested,
    failed: r.failed,
    ownerHost: r.owner_host,
    ownerPid: r.owner_pid,
    ownerStart: r.owner_start,
    ownerHeartbeatAt: r.owner_heartbeat_at,
  };
}
