import { create } from 'zustand';
import type { WatchedFolder } from '../../../shared/domain';
import { call, subscribe } from '../api';
import { refCounted } from './attach';
import { toastError, toastSuccess } from './toasts';

interface WatchedState {
  folders: WatchedFolder[];
  loaded: boolean;
  /** The folder whose action is in flight (id), or 'add'. */
  busy: number | 'add' | null;
  load(): Promise<void>;
  add(path: string): Promise<boolean>;
  setPaused(id: number, paused: boolean): Promise<void>;
  remove(id: number): Promise<void>;
  /** Follows watch.changed while anyone shows the list; returns the release function. */
  attach(): () => void;
}

/** Counts watch.changed events: an answer older than the last event must not overwrite it. */
let eventSeq = 0;

export const useWatched = create<WatchedState>()((set) => {
  /** Every edit answers with the whole list, so the screen never guesses. */
  const edit = async (busy: number | 'add', act: () => Promise<WatchedFolder[]>, failWords: string): Promise<boolean> => {
    set({ busy });
    const seq = eventSeq;
    try {
      const folders = await act();
      // The watcher may have moved on (caught up, brought a file in) before this answer arrived.
      if (seq === eventSeq) set({ folders, loaded: true });
      return true;
    } catch (e) {
      toastError(e, failWords);
      return false;
    } finally {
      set({ busy: null });
    }
  };
  return {
    folders: [],
    loaded: false,
    busy: null,
    async load() {
      const seq = eventSeq;
      try {
        const folders = await call('watch.list', {});
        if (seq === eventSeq) set({ folders, loaded: true });
      } catch (e) {
        toastError(e, 'Could not read the watched folders');
      }
    },
    async add(path) {
      const ok = await edit('add', () => call('watch.add', { path }), 'Could not watch that folder');
      if (ok) toastSuccess(`Watching ${path}. Files already there are ingested first.`);
      return ok;
    },
    setPaused: async (id, paused) => {
      await edit(id, () => call('watch.pause', { id, paused }), paused ? 'Could not pause watching' : 'Could not resume watching');
    },
    remove: async (id) => {
      await edit(id, () => call('watch.remove', { id }), 'Could not stop watching');
    },
    attach: refCounted(() =>
      subscribe('watch.changed', (folders) => {
        eventSeq++;
        set({ folders, loaded: true });
      }),
    ),
  };
});

/** Test hook: back to the empty store. */
export function resetWatchedStore(): void {
  useWatched.setState({ folders: [], loaded: false, busy: null });
}
