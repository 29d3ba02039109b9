import { create } from 'zustand';
import type { AppInfo } from '../../../shared/contract';
import { call, subscribe } from '../api';
import { refCounted } from './attach';

export const SCREENS = ['ingest', 'watched', 'coverage', 'failed', 'documents', 'database', 'settings'] as const;
export type Screen = (typeof SCREENS)[number];

interface AppState {
  info: AppInfo | null;
  failedCount: number | null;
  screen: Screen;
  load(): Promise<void>;
  refreshFailedCount(): Promise<void>;
  setFailedCount(n: number): void;
  navigate(screen: Screen): void;
  /** Subscribes to failed.changed for the sidebar badge; returns the release function. */
  attach(): () => void;
}

export function screenFromHash(hash: string): Screen {
  const name = hash.replace(/^#\/?/, '');
  return (SCREENS as readonly string[]).includes(name) ? (name as Screen) : 'ingest';
}

export const useApp = create<AppState>()((set, get) => ({
  info: null,
  failedCount: null,
  screen: typeof location !== 'undefined' ? screenFromHash(location.hash) : 'ingest',
  async load() {
    const [info] = await Promise.all([call('app.info', {}), get().refreshFailedCount()]);
    set({ info });
  },
  async refreshFailedCount() {
    try {
      set({ failedCount: await call('failed.count', {}) });
    } catch {
      // The badge is a hint; a failed count must not raise a toast on every event.
    }
  },
  setFailedCount(n) {
    set({ failedCount: n });
  },
  navigate(screen) {
    set({ screen });
    if (typeof location !== 'undefined' && screenFromHash(location.hash) !== screen) location.hash = `#/${screen}`;
  },
  attach: refCounted(() => {
    const offs = [
      subscribe('failed.changed', (p) => get().setFailedCount(p.count)),
      subscribe('run.finished', () => void get().refreshFailedCount()),
    ];
    return () => offs.forEach((off) => off());
  }),
}));

/** True in browser mode (no native dialogs, no "Show in folder"). */
export function useIsBrowserMode(): boolean {
  return useApp((s) => s.info?.mode === 'browser');
}
