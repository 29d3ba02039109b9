/** The ingest run: chosen paths, preflight, options, live progress, summary, recent runs. */
import { create } from 'zustand';
import { emptyCounts, type Preflight, type RunProgress, type RunRow, type RunSummary } from '../../../shared/domain';
import { ApiError, call, subscribe } from '../api';
import { refCounted } from './attach';
import { toastError } from './toasts';
import { duration, plural } from '../format';

export interface RunOptionsDraft {
  skipFailed: boolean;
  ocr: boolean;
  concurrency: number;
}

/** Runs shorter than this end without a desktop notification. */
export const NOTIFY_AFTER_MS = 30_000;

interface RunState {
  paths: string[];
  preflight: Preflight | null;
  preflightLoading: boolean;
  /** Why the last check failed, shown in the preflight card until the next check. */
  preflightError: string | null;
  /** Failed files whose settings changed since (Retry N eligible failures). */
  eligible: number;
  options: RunOptionsDraft;
  /** Set once the user changes an option here; until then the options follow Settings. */
  optionsTouched: boolean;
  progress: RunProgress | null;
  summary: RunSummary | null;
  runs: RunRow[];
  starting: boolean;
  /** Loads defaults from settings, reattaches to a running run and lists recent runs. */
  init(): Promise<void>;
  setPaths(paths: string[]): Promise<void>;
  recheck(): Promise<void>;
  clearPaths(): void;
  setOptions(patch: Partial<RunOptionsDraft>): void;
  start(paths?: string[]): Promise<void>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  cancel(): Promise<void>;
  loadRuns(): Promise<void>;
  loadEligible(): Promise<void>;
  onProgress(p: RunProgress): void;
  onFinished(s: RunSummary): void;
  attach(): () => void;
}

export const useRun = create<RunState>()((set, get) => ({
  paths: [],
  preflight: null,
  preflightLoading: false,
  preflightError: null,
  eligible: 0,
  options: { skipFailed: true, ocr: true, concurrency: 4 },
  optionsTouched: false,
  progress: null,
  summary: null,
  runs: [],
  starting: false,

  async init() {
    const tasks: Promise<unknown>[] = [get().loadRuns(), get().loadEligible()];
    if (!get().optionsTouched) {
      tasks.push(
        call('settings.get', {})
          .then((s) => {
            if (!get().optionsTouched) set({ options: { skipFailed: s.skipFailed, ocr: s.ocr, concurrency: s.concurrency } });
          })
          .catch((e) => toastError(e, 'Could not load settings')),
      );
    }
    tasks.push(
      call('ingest.status', {})
        .then((p) => {
          if (p) set({ progress: p });
        })
        .catch((e) => toastError(e, 'Could not read the run status')),
    );
    await Promise.all(tasks);
  },

  async setPaths(paths) {
    const clean = [...new Set(paths.map((p) => p.trim()).filter(Boolean))];
    // A new choice makes the last run's card history: it stays in Recent runs, not under the new preflight.
    const p = get().progress;
    const active = isLive(p, get().summary);
    set({ paths: clean, preflight: null, preflightError: null, ...(active ? {} : { summary: null, progress: null }) });
    if (clean.length === 0) return;
    set({ preflightLoading: true });
    try {
      const preflight = await call('ingest.preflight', { paths: clean });
      // Ignore the answer if the user has chosen something else meanwhile.
      if (get().paths === clean) set({ preflight, preflightError: null });
    } catch (e) {
      if (get().paths === clean) set({ preflightError: checkError(e) });
    } finally {
      if (get().paths === clean) set({ preflightLoading: false });
    }
  },

  /** After a run: the same paths checked again, so the preflight shows what is true now. */
  async recheck() {
    const paths = get().paths;
    if (!paths.length) return;
    try {
      const preflight = await call('ingest.preflight', { paths });
      if (get().paths === paths) set({ preflight, preflightError: null });
    } catch (e) {
      if (get().paths === paths) set({ preflightError: checkError(e), preflight: null });
    }
  },

  clearPaths() {
    set({ paths: [], preflight: null, preflightLoading: false, preflightError: null });
  },

  setOptions(patch) {
    set({ options: { ...get().options, ...patch }, optionsTouched: true });
  },

  async start(paths) {
    const chosen = paths ?? get().paths;
    if (chosen.length === 0 || get().starting) return;
    const { skipFailed, ocr, concurrency } = get().options;
    set({ starting: true, summary: null });
    requestNotificationPermission();
    try {
      const { runId } = await call('ingest.start', { paths: chosen, skipFailed, ocr, concurrency });
      // A first progress event may already have arrived; only fill in when it has not.
      const current = get().progress;
      if (!current || current.runId !== runId) {
        set({ progress: emptyProgress(runId) });
      }
    } catch (e) {
      toastError(e, 'Could not start');
    } finally {
      set({ starting: false });
    }
  },

  async pause() {
    const p = get().progress;
    if (!p) return;
    try {
      await call('ingest.pause', { runId: p.runId });
      const now = get().progress;
      if (now && now.runId === p.runId) set({ progress: { ...now, status: 'paused' } });
    } catch (e) {
      toastError(e, 'Could not pause');
    }
  },

  async resume() {
    const p = get().progress;
    if (!p) return;
    try {
      await call('ingest.resume', { runId: p.runId });
      const now = get().progress;
      if (now && now.runId === p.runId) set({ progress: { ...now, status: 'running', message: undefined }, summary: null });
    } catch (e) {
      toastError(e, 'Could not resume');
    }
  },

  async cancel() {
    const p = get().progress;
    if (!p) return;
    try {
      await call('ingest.cancel', { runId: p.runId });
    } catch (e) {
      toastError(e, 'Could not cancel');
    }
  },

  async loadRuns() {
    try {
      set({ runs: await call('runs.list', { limit: 20 }) });
    } catch (e) {
      toastError(e, 'Could not list recent runs');
    }
  },

  async loadEligible() {
    try {
      const page = await call('failed.list', { offset: 0, limit: 1, filter: { eligibleOnly: true } });
      set({ eligible: page.total });
    } catch {
      // A hint only: the Failed files screen says the same with its own errors.
    }
  },

  onProgress(p) {
    // A run that is (again) running makes the last summary stale.
    set({ progress: p, summary: p.status === 'running' ? null : get().summary });
    // A run the list does not know yet (just started here, or by the CLI): list it now.
    if (!get().runs.some((r) => r.id === p.runId) && listing !== p.runId) {
      listing = p.runId;
      void get().loadRuns();
    }
  },

  onFinished(s) {
    const p = get().progress;
    const progress: RunProgress =
      p && p.runId === s.runId
        ? { ...p, ...countsOf(s), status: s.status, message: s.message, current: [], inStage: {}, scanning: false, elapsedMs: s.durationMs, etaSec: null, done: s.status === 'completed' ? Math.max(p.done, p.total) : p.done }
        : { ...emptyProgress(s.runId), ...countsOf(s), status: s.status, message: s.message, elapsedMs: s.durationMs };
    set({ summary: s, progress });
    notifyRunEnded(s);
    void get().loadRuns();
    void get().loadEligible();
    void get().recheck();
  },

  attach: refCounted(() => {
    const offs = [
      subscribe('run.progress', (p) => get().onProgress(p)),
      subscribe('run.finished', (s) => get().onFinished(s)),
      subscribe('failed.changed', () => void get().loadEligible()),
    ];
    return () => offs.forEach((off) => off());
  }),
}));

let listing: number | null = null;

/** A check that failed, in words: the codes the service sends for a path. */
function checkError(e: unknown): string {
  const code = e instanceof ApiError ? e.code : '';
  const message = e instanceof Error ? e.message : String(e);
  if (code === 'not_found') return `${message} Check the path and try again.`;
  if (code === 'path_not_allowed') return `${message} Choose a folder inside one of those.`;
  return `Could not check the folder: ${message}`;
}

/**
 * The recent runs as they are now: the run in progress shows the live counts and status of the
 * run card (the same events), not the last checkpoint saved to the library.
 */
/**
 * A run still going: running, or paused by the user and resumable. Not one that has ended, whatever
 * its final status (a run the AI server stopped ends as "paused" too, and cannot be resumed).
 */
export function isLive(progress: RunProgress | null, summary: RunSummary | null): progress is RunProgress {
  return !!progress && (progress.status === 'running' || progress.status === 'paused') && summary?.runId !== progress.runId;
}

export function liveRuns(runs: RunRow[], progress: RunProgress | null, summary: RunSummary | null): RunRow[] {
  if (!isLive(progress, summary)) return runs;
  // The live row reads the card's own numbers: status, counts, and the time it has worked so far.
  return runs.map((r) => (r.id === progress.runId ? { ...r, status: progress.status, counts: countsOf(progress), durationMs: progress.elapsedMs } : r));
}

function countsOf(s: RunSummary | RunProgress) {
  return {
    scanned: s.scanned,
    ingested: s.ingested,
    skippedExisting: s.skippedExisting,
    skippedFailed: s.skippedFailed,
    unsupported: s.unsupported,
    failed: s.failed,
    failedByStage: s.failedByStage,
  };
}

function emptyProgress(runId: number): RunProgress {
  return {
    runId,
    status: 'running',
    total: 0,
    done: 0,
    scanning: true,
    current: [],
    inStage: {},
    ratePerSec: 0,
    etaSec: null,
    elapsedMs: 0,
    ...emptyCounts(),
  };
}

function requestNotificationPermission(): void {
  try {
    if (typeof Notification !== 'undefined' && Notification.permission === 'default') {
      // Never awaited: a permission prompt must not hold up the run.
      void Notification.requestPermission().catch(() => undefined);
    }
  } catch {
    // Some hosts throw on access; notifications are optional.
  }
}

function notifyRunEnded(s: RunSummary): void {
  try {
    if (s.durationMs < NOTIFY_AFTER_MS) return;
    if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
    const title = s.status === 'completed' ? 'Intake: ingest finished' : `Intake: ingest ${s.status}`;
    const body = s.message ?? `${plural(s.ingested, 'file')} ingested, ${plural(s.failed, 'failure')} in ${duration(s.durationMs)}`;
    new Notification(title, { body, silent: false });
  } catch {
    // Optional nicety; never let it break the summary.
  }
}
