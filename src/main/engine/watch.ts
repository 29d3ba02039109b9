import { resolve } from 'node:path';
import type { RunOptions, RunSummary } from '../../shared/domain';
import { nowSec } from '../db/connection';
import type { Engine } from './engine';
import type { Library } from './library';
import type { Run } from './run';
import { scan } from './scan';

export interface WatchHooks {
  onRunStart?: (run: Run) => void;
  onRunEnd?: (summary: RunSummary) => void;
  onStop?: () => void;
  /** A poll that failed (library locked by another program, disk full): watching goes on. */
  onPollError?: (message: string, error: unknown) => void;
  /** Good news after a poll error that was reported once: a watched folder is back. */
  onNotice?: (message: string) => void;
}

/**
 * Polls the folders for new and changed files and ingests each one once it has
 * stopped changing (same size and mtime on two polls in a row), so a scan that
 * is still being written is not taken half-done. A file whose outcome is in the
 * library (a document, or a failed row) is not taken again until it changes or its
 * failed row is reset. A watched folder that goes away is reported once, and once
 * more when it is back. Returns stop().
 */
export function watchFolders(engine: Engine, library: Library, options: RunOptions, hooks: WatchHooks = {}, intervalMs = 2000): () => void {
  const lastSeen = new Map<string, string>(); // path → "size:mtime" at the previous poll
  const submitted = new Map<string, string>(); // path → "size:mtime" last handed to a run
  const roots = new Set(options.paths.map((p) => resolve(p)));
  const unreachable = new Set<string>(); // watched folders reported gone or unreadable
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Run | null = null;

  const poll = async () => {
    try {
      await pollOnce();
    } catch (e) {
      running = null;
      hooks.onPollError?.(pollErrorMessage(e), e);
    }
    if (!stopped) timer = setTimeout(() => void poll(), intervalMs);
  };

  const pollOnce = async () => {
    if (stopped) return;
    const ready: string[] = [];
    const missing = new Set<string>();
    for await (const e of scan(options.paths)) {
      if (e.type === 'error' && roots.has(e.path)) {
        missing.add(e.path);
        if (!unreachable.has(e.path)) {
          unreachable.add(e.path);
          const what = e.code === 'file_vanished' ? 'is gone' : `cannot be read (${e.reason})`;
          hooks.onPollError?.(`The watched folder ${e.path} ${what}; watching goes on and takes it up again when it is back.`, e);
        }
        continue;
      }
      if (e.type !== 'file') continue;
      const sig = `${e.size}:${e.mtimeMs}`;
      if (hasOutcome(e.path, e.size, e.mtimeMs, sig)) {
        lastSeen.delete(e.path);
        continue;
      }
      if (lastSeen.get(e.path) === sig) {
        ready.push(e.path);
        // A name that is not UTF-8: the run is handed the readable path and finds the bytes by it.
        if (e.raw) library.rawPaths.remember(e.path, e.raw, nowSec());
        submitted.set(e.path, sig);
        lastSeen.delete(e.path);
      } else {
        lastSeen.set(e.path, sig);
      }
    }
    for (const root of unreachable) {
      if (missing.has(root)) continue;
      unreachable.delete(root);
      hooks.onNotice?.(`The watched folder ${root} is back; watching it again.`);
    }
    if (ready.length && !stopped) {
      try {
        running = engine.startRun({ ...options, paths: ready }, {}, { watch: true });
      } catch (e) {
        // Not handed over after all: these files are tried again at a later poll.
        for (const p of ready) submitted.delete(p);
        throw e;
      }
      hooks.onRunStart?.(running);
      const summary = await running.finished;
      running = null;
      hooks.onRunEnd?.(summary);
      if (summary.libraryFault) {
        // Nothing was blamed or stored for the files it did not reach: they are tried again at a later poll.
        for (const p of ready) submitted.delete(p);
        hooks.onPollError?.(`${summary.message ?? 'The library failed.'} Watching goes on and tries again.`, summary);
      }
    }
  };
  /** A file handed to a run whose hashing failed is known by its unhashed row (by path) until that is reset. */
  const hasOutcome = (path: string, size: number, mtimeMs: number, sig: string): boolean => {
    const outcome = outcomeOf(library, path, size, mtimeMs);
    if (outcome !== 'unknown') return outcome === 'recorded';
    return submitted.get(path) === sig && library.failed.hasUnhashedRow(path);
  };

  timer = setTimeout(() => void poll(), intervalMs);

  return () => {
    if (stopped) return;
    stopped = true;
    if (timer) clearTimeout(timer);
    const finish = running ? running.finished.then(() => undefined) : Promise.resolve();
    void finish.then(() => hooks.onStop?.());
  };
}

/**
 * Whether this version of a file (path, size, mtime) has its outcome in the library: 'recorded'
 * (stored, or failed and not reset: not taken again), 'open' (hashed, but no outcome: its failed
 * row was reset, or its run stopped first: taken again), 'unknown' (never hashed at this size and time).
 */
export function outcomeOf(library: Library, path: string, size: number, mtimeMs: number): 'recorded' | 'open' | 'unknown' {
  const hash = library.fileIndex.hashIfUnchanged(path, size, mtimeMs);
  if (!hash) return 'unknown';
  return library.documents.idForHash(hash) !== undefined || library.failed.failedIdForHash(hash) !== undefined ? 'recorded' : 'open';
}

function pollErrorMessage(e: unknown): string {
  const code = String((e as { code?: unknown }).code ?? '');
  const detail = e instanceof Error ? e.message : String(e);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return `The library is locked by another program (${detail}); watching goes on and tries again.`;
  if (code.startsWith('SQLITE_FULL')) return `The disk holding the library is full (${detail}); free some space — watching goes on and tries again.`;
  return `Checking the watched folders failed (${detail}); watching goes on and tries again.`;
}
