import { create } from 'zustand';
import type { CoverageListing } from '../../../shared/domain';
import { call, subscribe } from '../api';
import { refCounted } from './attach';
import { toastError } from './toasts';

/** Entries per folder asked for at once; a bigger folder says how many it leaves out. */
export const COVERAGE_PAGE = 500;

interface CoverageState {
  /** The folder the map is drawn for. */
  folder: string | null;
  /** Each loaded folder's listing, by path (the root and every expanded subfolder). */
  listings: Record<string, CoverageListing>;
  expanded: Record<string, boolean>;
  /** Folders whose listing is being read. */
  loading: Record<string, boolean>;
  /** True while the disk is walked for files no run has met yet (the library's numbers already show). */
  checkingDisk: boolean;
  open(folder: string): Promise<void>;
  toggle(path: string): Promise<void>;
  /** Reads every loaded folder again (after a run). */
  refresh(): Promise<void>;
  /** Follows run.finished while the map is shown; returns the release function. */
  attach(): () => void;
}

let generation = 0;

export const useCoverage = create<CoverageState>()((set, get) => {
  const setLoading = (path: string, on: boolean) => set({ loading: { ...get().loading, [path]: on } });

  /** The library's numbers first (one SQL pass), then the same folder with the disk walked for new files. */
  const read = async (path: string, gen: number): Promise<void> => {
    setLoading(path, true);
    try {
      const quick = await call('coverage.list', { folder: path, limit: COVERAGE_PAGE, disk: false });
      if (gen !== generation) return;
      set({ listings: { ...get().listings, [path]: quick } });
      set({ checkingDisk: true });
      const full = await call('coverage.list', { folder: path, limit: COVERAGE_PAGE, disk: true });
      if (gen !== generation) return;
      set({ listings: { ...get().listings, [path]: full } });
    } finally {
      if (gen === generation) {
        setLoading(path, false);
        set({ checkingDisk: Object.values(get().loading).some(Boolean) });
      }
    }
  };

  return {
    folder: null,
    listings: {},
    expanded: {},
    loading: {},
    checkingDisk: false,
    async open(folder) {
      const gen = ++generation;
      set({ folder, listings: {}, expanded: {}, loading: {}, checkingDisk: false });
      try {
        await read(folder, gen);
      } catch (e) {
        if (gen === generation) {
          set({ folder: null });
          toastError(e, 'Could not map that folder');
        }
      }
    },
    async toggle(path) {
      const open = !get().expanded[path];
      set({ expanded: { ...get().expanded, [path]: open } });
      if (!open || get().listings[path]) return;
      try {
        await read(path, generation);
      } catch (e) {
        toastError(e, 'Could not open that folder');
        set({ expanded: { ...get().expanded, [path]: false } });
      }
    },
    async refresh() {
      const gen = generation;
      const paths = Object.keys(get().listings);
      try {
        await Promise.all(paths.map((p) => read(p, gen)));
      } catch (e) {
        toastError(e, 'Could not update the coverage map');
      }
    },
    attach: refCounted(() => subscribe('run.finished', () => void get().refresh())),
  };
});

/** Test hook: back to the empty map. */
export function resetCoverageStore(): void {
  generation++;
  useCoverage.setState({ folder: null, listings: {}, expanded: {}, loading: {}, checkingDisk: false });
}
