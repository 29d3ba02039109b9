import type { RunOptions, RunSummary } from '../../shared/domain';
import type { Engine } from './engine';
import type { Run } from './run';
import { scan } from './scan';

export interface WatchHooks {
  onRunStart?: (run: Run) => void;
  onRunEnd?: (summary: RunSummary) => void;
  onStop?: () => void;
}

/**
 * Polls the folders for new and changed files and ingests each one once it has
 * stopped changing (same size and mtime on two polls in a row), so a scan that
 * is still being written is not taken half-done. Returns stop().
 */
export function watchFolders(engine: Engine, options: RunOptions, hooks: WatchHooks = {}, intervalMs = 2000): () => void {
  const lastSeen = new Map<string, string>(); // path → "size:mtime" at the previous poll
  const submitted = new Map<string, string>(); // path → "size:mtime" last handed to a run
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let running: Run | null = null;

  const poll = async () => {
    if (stopped) return;
    const ready: string[] = [];
    for await (const e of scan(options.paths)) {
      if (e.type !== 'file') continue;
      const sig = `${e.size}:${e.mtimeMs}`;
      if (engine.library.fileIndex.hashIfUnchanged(e.path, e.size, e.mtimeMs) || submitted.get(e.path) === sig) {
        lastSeen.delete(e.path);
        continue;
      }
      if (lastSeen.get(e.path) === sig) {
        ready.push(e.path);
        submitted.set(e.path, sig);
        lastSeen.delete(e.path);
      } else {
        lastSeen.set(e.path, sig);
      }
    }
    if (ready.length && !stopped) {
      running = engine.startRun({ ...options, paths: ready }, {}, { watch: true });
      hooks.onRunStart?.(running);
      const summary = await running.finished;
      running = null;
      hooks.onRunEnd?.(summary);
    }
    if (!stopped) timer = setTimeout(() => void poll(), intervalMs);
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
