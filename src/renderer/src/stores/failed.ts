/**
 * The failed-files inspector: a sparse, paged view of failed.list (pages of 200
 * fetched as the grid scrolls), sort, filters, selection, groups, the detail
 * pane and reprocess outcomes.
 */
import { create } from 'zustand';
import type { RunProgress, FailedFile, FailedFileDetail, FailedFilter, FailedSortColumn, FailureGroup, ReprocessEstimate, ReprocessOutcome, ReprocessReport } from '../../../shared/domain';
import type { Input } from '../../../shared/contract';
import { ApiError, call, subscribe } from '../api';
import { refCounted } from './attach';
import { toastError, toastSuccess } from './toasts';
import { plural } from '../format';

export const PAGE_SIZE = 200;
/** Pages kept in memory; the farthest from the viewport are dropped first. */
const MAX_PAGES = 60;
/** Coalesces bursts of failed.changed during a run into one refetch. */
const REFRESH_THROTTLE_MS = 400;

export type FailedSelection = Input<'failed.reset'>;
export type SortDir = 'asc' | 'desc';

export type RowOutcome = { state: 'running' } | { state: 'done'; outcome: ReprocessOutcome | null } | { state: 'error'; message: string };

interface FailedState {
  sort: FailedSortColumn;
  dir: SortDir;
  filter: FailedFilter;
  total: number | null;
  /** Loaded pages by page index; rows absent from here are placeholders. */
  pages: Record<number, FailedFile[]>;
  loading: boolean;
  groups: FailureGroup[];
  selected: Set<number>;
  detailId: number | null;
  detail: FailedFileDetail | null;
  detailLoading: boolean;
  /** The open row no longer exists (ingested, or reset elsewhere): the pane says so instead of showing stale details. */
  detailGone: boolean;
  outcomes: Record<number, RowOutcome>;
  busy: string | null;
  report: ReprocessReport | null;
  /** Live progress of the reprocess run under way (bulk and group retries), for "n / N" and Cancel. */
  reprocessProgress: RunProgress | null;

  rowAt(index: number): FailedFile | undefined;
  /** Re-queries from the first page (after a sort or filter change). */
  query(): Promise<void>;
  /** Makes sure the rows [start, end] are loaded. */
  ensureRange(start: number, end: number): void;
  /** Refetches what is on screen and the groups, keeping the rows shown until the new ones arrive. */
  refresh(): Promise<void>;
  scheduleRefresh(): void;
  setSort(column: FailedSortColumn): void;
  setFilter(patch: Partial<FailedFilter>): void;
  clearFilter(): void;
  toggleSelected(id: number): void;
  setSelected(ids: number[], selected: boolean): void;
  clearSelection(): void;
  openDetail(id: number): Promise<void>;
  /** Re-reads the open row from the library, so the pane always shows it as it is now. */
  reloadDetail(): Promise<void>;
  closeDetail(): void;
  reset(selection: FailedSelection): Promise<number | null>;
  estimate(selection: FailedSelection): Promise<ReprocessEstimate | null>;
  reprocess(selection: FailedSelection): Promise<ReprocessReport | null>;
  /** Reset & reprocess one file, showing the outcome in place. */
  reprocessOne(id: number): Promise<void>;
  dismissReport(): void;
  /** Stops the reprocess run under way: files not yet tried keep their failed rows. */
  cancelReprocess(): Promise<void>;
  attach(): () => void;
}

/** Numbers and dates read best newest/largest first; text A→Z. */
export function defaultDir(column: FailedSortColumn): SortDir {
  return column === 'failed_at' || column === 'first_failed_at' || column === 'attempts' ? 'desc' : 'asc';
}

let generation = 0;
const inflight = new Set<string>();
let lastRange: [number, number] = [0, PAGE_SIZE - 1];
let refreshTimer: ReturnType<typeof setTimeout> | null = null;
/** The newest run id known when a reprocess began: progress of later runs is the reprocess's. */
let reprocessStartedAfter: number | null = null;

/** The filter as sent to the server: no empty values. */
export function cleanFilter(f: FailedFilter): FailedFilter {
  const out: FailedFilter = {};
  if (f.stage) out.stage = f.stage;
  if (f.failureClass) out.failureClass = f.failureClass;
  if (f.errorCode) out.errorCode = f.errorCode;
  if (f.q && f.q.trim()) out.q = f.q.trim();
  if (f.eligibleOnly) out.eligibleOnly = true;
  if (f.folder) out.folder = f.folder;
  return out;
}

export const useFailed = create<FailedState>()((set, get) => {
  const fetchPage = async (page: number, gen: number): Promise<{ rows: FailedFile[]; total: number } | null> => {
    const { sort, dir, filter } = get();
    const key = `${gen}:${page}`;
    if (inflight.has(key)) return null;
    inflight.add(key);
    try {
      const res = await call('failed.list', { offset: page * PAGE_SIZE, limit: PAGE_SIZE, sort, dir, filter: cleanFilter(filter) });
      return gen === generation ? res : null;
    } finally {
      inflight.delete(key);
    }
  };

  const storePage = (page: number, res: { rows: FailedFile[]; total: number }) => {
    const pages = { ...get().pages, [page]: res.rows };
    const keys = Object.keys(pages).map(Number);
    if (keys.length > MAX_PAGES) {
      const centre = Math.floor(lastRange[0] / PAGE_SIZE);
      keys.sort((a, b) => Math.abs(b - centre) - Math.abs(a - centre));
      for (const k of keys.slice(0, keys.length - MAX_PAGES)) delete pages[k];
    }
    set({ pages, total: res.total });
  };

  const loadGroups = async (gen: number) => {
    try {
      const groups = await call('failed.groups', { filter: cleanFilter(get().filter) });
      if (gen === generation) set({ groups });
    } catch (e) {
      toastError(e, 'Could not group failures');
    }
  };

  return {
    ...initialState(),

    rowAt(index) {
      return get().pages[Math.floor(index / PAGE_SIZE)]?.[index % PAGE_SIZE];
    },

    async query() {
      const gen = ++generation;
      lastRange = [0, PAGE_SIZE - 1];
      // The rows shown stay until the new first page replaces them: no flash of an empty grid.
      set({ loading: true });
      try {
        const [res] = await Promise.all([fetchPage(0, gen), loadGroups(gen)]);
        if (res) set({ pages: { 0: res.rows }, total: res.total });
      } catch (e) {
        if (gen === generation) toastError(e, 'Could not list failed files');
      } finally {
        if (gen === generation) set({ loading: false });
      }
    },

    ensureRange(start, end) {
      lastRange = [start, end];
      const { pages, total } = get();
      if (total === null) return;
      const last = Math.min(end, total - 1);
      const gen = generation;
      for (let page = Math.floor(Math.max(0, start) / PAGE_SIZE); page <= Math.floor(last / PAGE_SIZE); page++) {
        if (pages[page]) continue;
        fetchPage(page, gen)
          .then((res) => {
            if (res) storePage(page, res);
          })
          .catch((e) => toastError(e, 'Could not load failed files'));
      }
    },

    async refresh() {
      const gen = ++generation;
      const first = Math.floor(Math.max(0, lastRange[0]) / PAGE_SIZE);
      const last = Math.floor(Math.max(0, lastRange[1]) / PAGE_SIZE);
      const wanted = new Set([0]);
      for (let p = first; p <= last; p++) wanted.add(p);
      try {
        const results = await Promise.all([...wanted].map(async (p) => [p, await fetchPage(p, gen)] as const));
        void loadGroups(gen);
        if (gen !== generation) return;
        const pages: Record<number, FailedFile[]> = {};
        let total = get().total ?? 0;
        for (const [p, res] of results) {
          if (!res) continue;
          pages[p] = res.rows;
          total = res.total;
        }
        set({ pages, total });
        // Outcomes of rows that have left the list are kept only while their pane is open.
        const detailId = get().detailId;
        const live = new Set(Object.values(pages).flatMap((rows) => rows.map((r) => r.id)));
        const outcomes = Object.fromEntries(Object.entries(get().outcomes).filter(([id]) => live.has(Number(id)) || Number(id) === detailId));
        const selected = new Set([...get().selected].filter((id) => live.has(id)));
        set({ outcomes, selected: selected.size === get().selected.size ? get().selected : selected });
        await get().reloadDetail();
      } catch (e) {
        if (gen === generation) toastError(e, 'Could not refresh failed files');
      }
    },

    scheduleRefresh() {
      if (refreshTimer) return;
      refreshTimer = setTimeout(() => {
        refreshTimer = null;
        void get().refresh();
      }, REFRESH_THROTTLE_MS);
    },

    setSort(column) {
      const { sort, dir } = get();
      set(sort === column ? { dir: dir === 'asc' ? 'desc' : 'asc' } : { sort: column, dir: defaultDir(column) });
      void get().query();
    },

    setFilter(patch) {
      set({ filter: { ...get().filter, ...patch }, selected: new Set() });
      void get().query();
    },

    clearFilter() {
      set({ filter: {}, selected: new Set() });
      void get().query();
    },

    toggleSelected(id) {
      const selected = new Set(get().selected);
      if (selected.has(id)) selected.delete(id);
      else selected.add(id);
      set({ selected });
    },

    setSelected(ids, on) {
      const selected = new Set(get().selected);
      for (const id of ids) {
        if (on) selected.add(id);
        else selected.delete(id);
      }
      set({ selected });
    },

    clearSelection() {
      set({ selected: new Set() });
    },

    async openDetail(id) {
      set({ detailId: id, detailLoading: true, detailGone: false, detail: get().detail?.id === id ? get().detail : null });
      try {
        const detail = await call('failed.get', { id });
        if (get().detailId === id) set({ detail });
      } catch (e) {
        toastError(e, 'Could not open the failed file');
      } finally {
        if (get().detailId === id) set({ detailLoading: false });
      }
    },

    async reloadDetail() {
      const id = get().detailId;
      if (id === null) return;
      try {
        const detail = await call('failed.get', { id });
        if (get().detailId === id) set({ detail, detailGone: false });
      } catch (e) {
        // not_found: the row was ingested or reset since; anything else keeps what is shown.
        if (get().detailId === id && e instanceof ApiError && e.code === 'not_found') set({ detail: null, detailGone: true });
      }
    },

    closeDetail() {
      set({ detailId: null, detail: null, detailLoading: false, detailGone: false });
    },

    async reset(selection) {
      set({ busy: 'Resetting…' });
      try {
        const { reset } = await call('failed.reset', selection);
        toastSuccess(`Reset ${plural(reset, 'file')}. They will be ingested again next time their folder is.`);
        const ids = 'ids' in selection ? new Set(selection.ids) : null;
        set({
          selected: ids ? new Set([...get().selected].filter((id) => !ids.has(id))) : new Set(),
          ...(get().detailId !== null && (!ids || ids.has(get().detailId as number)) ? { detailId: null, detail: null } : {}),
        });
        await get().refresh();
        return reset;
      } catch (e) {
        toastError(e, 'Could not reset');
        return null;
      } finally {
        set({ busy: null });
      }
    },

    async estimate(selection) {
      try {
        return await call('failed.estimate', selection);
      } catch (e) {
        toastError(e, 'Could not estimate the reprocess');
        return null;
      }
    },

    async reprocess(selection) {
      const n = 'ids' in selection ? selection.ids.length : null;
      set({ busy: n === null ? 'Reprocessing…' : `Reprocessing ${plural(n, 'file')}…`, reprocessProgress: null });
      reprocessStartedAfter = await call('runs.list', { limit: 1 }).then((r) => r[0]?.id ?? 0, () => 0);
      if ('ids' in selection) {
        const outcomes = { ...get().outcomes };
        for (const id of selection.ids) outcomes[id] = { state: 'running' };
        set({ outcomes });
      }
      try {
        const report = await call('failed.reprocess', selection);
        const outcomes = { ...get().outcomes };
        for (const o of report.outcomes) outcomes[o.id] = { state: 'done', outcome: o };
        if ('ids' in selection) for (const id of selection.ids) if (outcomes[id]?.state === 'running') outcomes[id] = { state: 'done', outcome: null };
        set({ report, outcomes, selected: new Set() });
        await get().refresh();
        return report;
      } catch (e) {
        if ('ids' in selection) {
          const outcomes = { ...get().outcomes };
          for (const id of selection.ids) outcomes[id] = { state: 'error', message: e instanceof Error ? e.message : String(e) };
          set({ outcomes });
        }
        toastError(e, 'Could not reprocess');
        return null;
      } finally {
        reprocessStartedAfter = null;
        set({ busy: null, reprocessProgress: null });
      }
    },

    async reprocessOne(id) {
      set({ outcomes: { ...get().outcomes, [id]: { state: 'running' } } });
      try {
        const report = await call('failed.reprocess', { ids: [id] });
        const outcome = report.outcomes.find((o) => o.id === id) ?? report.outcomes[0] ?? null;
        set({ outcomes: { ...get().outcomes, [id]: { state: 'done', outcome } } });
        // Whatever happened, the pane shows the row as it is now: new attempts, run and history, or gone.
        await get().reloadDetail();
        get().scheduleRefresh();
      } catch (e) {
        set({ outcomes: { ...get().outcomes, [id]: { state: 'error', message: e instanceof Error ? e.message : String(e) } } });
        toastError(e, 'Could not reprocess');
      }
    },

    dismissReport() {
      set({ report: null });
    },

    async cancelReprocess() {
      const p = get().reprocessProgress;
      if (!p) return;
      try {
        await call('ingest.cancel', { runId: p.runId });
      } catch (e) {
        toastError(e, 'Could not cancel');
      }
    },

    attach: refCounted(() => {
      const offs = [
        subscribe('failed.changed', () => get().scheduleRefresh()),
        subscribe('run.finished', () => get().scheduleRefresh()),
        // While a reprocess is under way, its run's progress is the bulk action's progress.
        subscribe('run.progress', (p) => {
          if (reprocessStartedAfter !== null && p.runId > reprocessStartedAfter) set({ reprocessProgress: p });
        }),
      ];
      return () => offs.forEach((off) => off());
    }),
  };
});

/** The data part of the store as it is before anything is loaded. */
function initialState() {
  return {
    sort: 'failed_at',
    dir: 'desc',
    filter: {},
    total: null,
    pages: {},
    loading: false,
    groups: [],
    selected: new Set(),
    detailId: null,
    detail: null,
    detailLoading: false,
    detailGone: false,
    outcomes: {},
    busy: null,
    report: null,
    reprocessProgress: null,
  } satisfies Partial<FailedState>;
}

/** Test hook: a fresh store between tests. */
export function resetFailedStore(): void {
  generation++;
  inflight.clear();
  lastRange = [0, PAGE_SIZE - 1];
  if (refreshTimer) clearTimeout(refreshTimer);
  refreshTimer = null;
  useFailed.setState(initialState());
}
