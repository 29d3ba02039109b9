/**
 * Watched folders: folders ingested automatically as files arrive, persisted in
 * `watched_folders` so watching resumes when the app or `intake serve` starts.
 *
 * Each folder is polled (OS events, where they arrive, only bring the next poll
 * forward: a network folder without them still works). A file is taken once its
 * size and mtime are the same on two polls in a row; partial downloads and
 * Office lock files are ignored. On start a folder catches up: files unchanged
 * since the file_index saw them are skipped without hashing, and files already
 * at rest (older than two polls) are taken at once. Files are handed to runs
 * recorded as "watch" runs; a burst is one run, fed by the async scanner, so
 * nothing blocks. A folder that disappears shows "folder missing" and recovers
 * when it comes back.
 *
 * Only one process watches a folder: the owner columns are a lease, beaten and
 * judged like a run's heartbeat (liveness.ts), so the app and a server on one
 * library do not both ingest the same folder, and a dead owner's folders are
 * taken over.
 */
import { watch as fsWatch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { RunOptions, RunSummary, WatchState, WatchedFolder } from '../../shared/domain';
import type { WatchedFolderRow } from '../db/watched-folders';
import { nowSec } from '../db/connection';
import type { Engine } from './engine';
import type { Library } from './library';
import type { Run } from './run';
import { scan } from './scan';
import { outcomeOf } from './watch';

/** Names of files still being written by a browser or an editor. */
const PARTIAL = /(\.(crdownload|part|partial|download|opdownload|tmp|temp)$)|(^~\$)|(^\.~lock\.)/i;

export function isPartialDownload(path: string): boolean {
  return PARTIAL.test(basename(path));
}

export interface WatchManagerOptions {
  /** Run options for a watch run over these paths (saved settings). */
  runOptions: (paths: string[]) => RunOptions;
  /** Null when Intake may read the folder; otherwise why not. */
  refuse?: (path: string) => Promise<string | null>;
  /** Poll interval (default 2 s). */
  pollMs?: number;
  /** Use OS file events to poll sooner (default true); off, it is polling alone. */
  osEvents?: boolean;
  onChange?: () => void;
  onRunStart?: (run: Run, folder: WatchedFolderRow) => void;
  onRunEnd?: (summary: RunSummary, folder: WatchedFolderRow) => void;
}

class FolderWatcher {
  private readonly lastSeen = new Map<string, string>();
  private readonly submitted = new Map<string, string>();
  private timer: NodeJS.Timeout | null = null;
  private fsw: FSWatcher | null = null;
  private stopped = false;
  private polling: Promise<void> | null = null;
  private firstPoll = true;
  state: WatchState = 'catching_up';
  message: string | null = null;
  run: Run | null = null;
  /** Polls completed; tests wait on it. */
  polls = 0;

  constructor(
    readonly id: number,
    readonly path: string,
    private readonly mgr: WatchManager,
  ) {}

  start(): void {
    this.schedule(0);
  }

  stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.fsw?.close();
    this.fsw = null;
    this.run?.cancel('interrupted');
    return (this.polling ?? Promise.resolve()).then(() => undefined);
  }

  /** Runs a poll now (or right after the one in progress). */
  nudge(delayMs = 0): void {
    if (this.stopped) return;
    if (this.polling) return; // the next one is scheduled when it ends
    this.schedule(delayMs);
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.polling = this.poll().finally(() => {
        this.polling = null;
        this.polls++;
        this.schedule(this.mgr.pollMs);
      });
    }, ms);
  }

  private setState(state: WatchState, message: string | null): void {
    if (this.state === state && this.message === message) return;
    this.state = state;
    this.message = message;
    this.mgr.persistState(this.id, state, message);
  }

  private async poll(): Promise<void> {
    const { library } = this.mgr;
    const refused = await this.mgr.refuse(this.path);
    if (this.stopped) return;
    if (refused) {
      this.setState('not_allowed', refused);
      return;
    }
    const st = await stat(this.path).catch((e: NodeJS.ErrnoException) => e);
    if (this.stopped) return;
    if (st instanceof Error || !st.isDirectory()) {
      const code = st instanceof Error ? st.code : 'ENOTDIR';
      if (code === 'EACCES' || code === 'EPERM') this.setState('not_allowed', `Intake may not read this folder (${code}).`);
      else this.setState('missing', code === 'ENOTDIR' ? 'This is no longer a folder.' : 'The folder is not there (removed, renamed or not mounted).');
      // When it comes back it catches up again.
      this.lastSeen.clear();
      this.firstPoll = true;
      this.fsw?.close();
      this.fsw = null;
      return;
    }
    if (this.state === 'missing' || this.state === 'not_allowed') this.setState('catching_up', null);
    this.watchEvents();

    const ready: string[] = [];
    const restMs = 2 * this.mgr.pollMs;
    const now = Date.now();
    const present = new Set<string>();
    for await (const e of scan([this.path])) {
      if (this.stopped) return;
      if (e.type === 'error' || isPartialDownload(e.path)) continue;
      present.add(e.path);
      if (e.type === 'unsupported') {
        if (!this.submitted.has(e.path)) {
          this.submitted.set(e.path, 'unsupported');
          library.unsupported.record(e.path, nowSec());
        }
        continue;
      }
      const sig = `${e.size}:${e.mtimeMs}`;
      // Taken again when it changed, or when its failed row was reset (not at every poll while it stays failed).
      const outcome = outcomeOf(library, e.path, e.size, e.mtimeMs);
      if (outcome === 'recorded' || (outcome === 'unknown' && this.submitted.get(e.path) === sig)) {
        this.lastSeen.delete(e.path);
        continue;
      }
      // Stable over two polls, or (catching up) already at rest since before this start.
      if (this.lastSeen.get(e.path) === sig || (this.firstPoll && now - e.mtimeMs > restMs)) {
        ready.push(e.path);
        // A name that is not UTF-8: the run is handed the readable path and finds the bytes by it.
        if (e.raw) library.rawPaths.remember(e.path, e.raw, nowSec());
        this.submitted.set(e.path, sig);
        this.lastSeen.delete(e.path);
      } else {
        this.lastSeen.set(e.path, sig);
      }
    }
    for (const p of this.lastSeen.keys()) if (!present.has(p)) this.lastSeen.delete(p);
    this.firstPoll = false;
    if (ready.length && !this.stopped) await this.mgr.ingest(this, ready);
    // Caught up: from now on files are taken as they arrive.
    if (!this.stopped) this.setState('watching', null);
  }

  private watchEvents(): void {
    if (this.fsw || !this.mgr.osEvents) return;
    try {
      this.fsw = fsWatch(this.path, { recursive: true, persistent: false }, () => this.nudge(Math.min(250, this.mgr.pollMs)));
      this.fsw.on('error', () => {
        this.fsw?.close();
        this.fsw = null;
      });
    } catch {
      this.fsw = null; // no OS events here (some network filesystems): polling alone
    }
  }
}

/** Every watched folder of a library that this process watches. */
export class WatchManager {
  readonly pollMs: number;
  readonly osEvents: boolean;
  private readonly watchers = new Map<number, FolderWatcher>();
  private readonly untick: () => void;
  private closed = false;

  constructor(
    readonly engine: Engine,
    /** The library the engine works on; its `watched` table lists the folders. */
    readonly library: Library,
    private readonly opts: WatchManagerOptions,
  ) {
    this.pollMs = opts.pollMs ?? 2000;
    this.osEvents = opts.osEvents ?? true;
    this.untick = engine.liveness.onTick(() => this.sync());
  }

  refuse(path: string): Promise<string | null> {
    return this.opts.refuse ? this.opts.refuse(path) : Promise.resolve(null);
  }

  persistState(id: number, state: WatchState, message: string | null): void {
    try {
      this.library.watched.setState(id, state, message);
    } catch {
      // busy: the in-memory state is what this process shows; the next change writes it
    }
    this.opts.onChange?.();
  }

  /**
   * Brings the watchers in line with the table: starts folders that are listed, unpaused and
   * not watched by another live process; stops removed and paused ones; beats our leases.
   */
  sync(): void {
    if (this.closed) return;
    const { library } = this;
    const { liveness } = this.engine;
    const me = liveness.identity;
    const rows = library.watched.list();
    const listed = new Set<number>();
    let changed = false;
    for (const row of rows) {
      listed.add(row.id);
      const mine = this.watchers.get(row.id);
      if (row.paused) {
        if (mine) {
          this.stopWatcher(row.id);
          changed = true;
        }
        continue;
      }
      if (mine) {
        if (!library.watched.beat(row.id, me, liveness.stamp())) {
          this.stopWatcher(row.id); // another process took it (it judged us dead): it watches now
          changed = true;
        }
        continue;
      }
      const free = row.ownerHost === null || (row.ownerHost === me.host && row.ownerPid === me.pid && row.ownerStart === me.start);
      const ownerDead =
        !free &&
        !liveness.judge(`folder:${row.id}`, { host: row.ownerHost, pid: row.ownerPid, processStart: row.ownerStart, heartbeatAt: row.ownerHeartbeatAt }).alive;
      if ((free || ownerDead) && library.watched.claim(row.id, me, row.ownerHeartbeatAt, liveness.stamp())) {
        const w = new FolderWatcher(row.id, row.path, this);
        this.watchers.set(row.id, w);
        library.watched.setState(row.id, 'catching_up', null);
        w.start();
        changed = true;
      }
    }
    for (const id of [...this.watchers.keys()]) {
      if (!listed.has(id)) {
        this.stopWatcher(id);
        changed = true;
      }
    }
    if (changed) this.opts.onChange?.();
  }

  private stopWatcher(id: number): void {
    const w = this.watchers.get(id);
    if (!w) return;
    this.watchers.delete(id);
    void w.stop();
    try {
      this.library.watched.release(id, this.engine.liveness.identity);
    } catch {
      // the lease expires on its own
    }
  }

  /** A watch run over the files that became ready; counts go to the folder. */
  async ingest(w: FolderWatcher, paths: string[]): Promise<void> {
    const row = this.library.watched.get(w.id);
    if (!row) return;
    const run = this.engine.startRun(this.opts.runOptions(paths), {}, { watch: true, watchedFolder: w.path });
    w.run = run;
    this.opts.onRunStart?.(run, row);
    const summary = await run.finished;
    w.run = null;
    try {
      this.library.watched.addCounts(w.id, summary.ingested, summary.failed, paths[paths.length - 1], nowSec());
    } catch {
      // busy past busy_timeout: the run's own record still has the counts
    }
    this.opts.onRunEnd?.(summary, row);
    this.opts.onChange?.();
  }

  /** The list as the UI shows it: live state for folders watched here. */
  list(): WatchedFolder[] {
    const me = this.engine.liveness.identity;
    return this.library.watched.list().map((r) => {
      const w = this.watchers.get(r.id);
      const elsewhere = !w && !r.paused && r.ownerHost !== null && !(r.ownerHost === me.host && r.ownerPid === me.pid);
      return {
        id: r.id,
        path: r.path,
        state: r.paused ? 'paused' : w ? w.state : r.state,
        message: r.paused ? null : w ? w.message : elsewhere ? `Watched by another Intake (${r.ownerHost}, pid ${r.ownerPid}).` : r.message,
        paused: r.paused,
        addedAt: r.addedAt,
        lastSeenAt: r.lastSeenAt,
        lastFile: r.lastFile,
        ingested: r.ingested,
        failed: r.failed,
        watchedHere: !!w,
      };
    });
  }

  /** Test and UI hook: poll this folder now. */
  pollNow(id: number): void {
    this.watchers.get(id)?.nudge(0);
  }

  /** Completed polls of a folder watched here (tests wait on it). */
  pollsOf(id: number): number {
    return this.watchers.get(id)?.polls ?? -1;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.untick();
    const ids = [...this.watchers.keys()];
    const stops = ids.map((id) => this.watchers.get(id)!.stop());
    for (const id of ids) {
      this.watchers.delete(id);
      try {
        this.library.watched.release(id, this.engine.liveness.identity);
      } catch {
        // expires on its own
      }
    }
    await Promise.all(stops);
  }
}

/** "3 new documents, 1 failed". */
export function noticeText(ingested: number, failed: number): string {
  const parts: string[] = [];
  if (ingested) parts.push(`${ingested} new document${ingested === 1 ? '' : 's'}`);
  if (failed) parts.push(`${failed} failed`);
  return parts.join(', ');
}

/**
 * Adds up what watch runs brought in and says it at most once per `everyMs`
 * (a burst of runs is one notification, not one per run).
 */
export class NoticeThrottle {
  private ingested = 0;
  private failed = 0;
  private lastAt = -Infinity;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly emit: (n: { ingested: number; failed: number; text: string }) => void,
    private readonly everyMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  add(ingested: number, failed: number): void {
    if (!ingested && !failed) return;
    this.ingested += ingested;
    this.failed += failed;
    const wait = this.lastAt + this.everyMs - this.now();
    if (wait <= 0) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), wait);
      this.timer.unref?.();
    }
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (!this.ingested && !this.failed) return;
    const n = { ingested: this.ingested, failed: this.failed, text: noticeText(this.ingested, this.failed) };
    this.ingested = 0;
    this.failed = 0;
    this.lastAt = this.now();
    this.emit(n);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
