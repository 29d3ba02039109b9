/**
 * Ends the extractor process when the process that started it is gone.
 *
 * 'disconnect' alone is not enough: it is missed when the parent dies while
 * the child is still loading its modules (the event fires before worker.ts
 * has a listener), it does not exist for an Electron utilityProcess, and it
 * needs a free main thread. So a 1 s unref'd timer also checks that our parent
 * pid is unchanged (a killed parent's children are re-parented) and still
 * alive — alive as process-state.ts decides it: not a zombie, and the same process (its start
 * token, PARENT_START_ENV, unchanged), not an unrelated one that got the pid. The pool passes
 * its pid in PARENT_PID_ENV; when the pool starts the
 * child through tsx, parent-watch-preload.mjs loads this module first, so the
 * watch runs while the rest of the child loads.
 */
import { isMainThread } from 'node:worker_threads';
import { isSameProcessAlive } from './process-state';
import { PARENT_PID_ENV, PARENT_START_ENV } from './protocol';

const INSTALLED = Symbol.for('intake.extract.parentWatch');

/** True once the parent is known to be gone. */
export function parentGone(expectedParent: number | null, startPpid: number, expectedStart: string | null = null): boolean {
  if (process.ppid !== startPpid) return true;
  return expectedParent !== null && expectedParent > 0 && !isSameProcessAlive(expectedParent, expectedStart);
}

/** Installs the watch once per process (main thread only). `intervalMs` is for tests. */
export function watchParent(intervalMs = 1000): void {
  const g = globalThis as Record<symbol, unknown>;
  if (!isMainThread || g[INSTALLED]) return;
  g[INSTALLED] = true;
  const fromEnv = Number(process.env[PARENT_PID_ENV]);
  const expected = Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : null;
  const expectedStart = process.env[PARENT_START_ENV] || null;
  const startPpid = process.ppid;
  const bye = () => process.exit(0);
  // The parent going away ends us too: no orphaned extractors.
  process.on('disconnect', bye);
  if (parentGone(expected, startPpid, expectedStart)) bye();
  setInterval(() => {
    if (parentGone(expected, startPpid, expectedStart)) bye();
  }, intervalMs).unref();
}

// Preloaded into an extractor child (the pool sets the variable): start at once.
if (process.env[PARENT_PID_ENV]) watchParent();
