/** The table browser: whitelisted tables, paged and sorted rows, create / edit / delete. */
import { create } from 'zustand';
import type { TableInfo } from '../../../shared/domain';
import { call } from '../api';
import { toastError, toastSuccess } from './toasts';

export const DB_PAGE_SIZE = 50;
export type Row = Record<string, unknown>;
export type CellValue = string | number | null;

interface DatabaseState {
  tables: TableInfo[];
  table: string | null;
  rows: Row[];
  total: number;
  offset: number;
  sort: string | null;
  dir: 'asc' | 'desc';
  loading: boolean;
  loadTables(): Promise<void>;
  selectTable(name: string): void;
  load(offset?: number): Promise<void>;
  setSort(column: string): void;
  insert(values: Record<string, CellValue>): Promise<boolean>;
  update(id: number, values: Record<string, CellValue>): Promise<boolean>;
  remove(id: number): Promise<boolean>;
}

let seq = 0;

export const useDatabase = create<DatabaseState>()((set, get) => ({
  tables: [],
  table: null,
  rows: [],
  total: 0,
  offset: 0,
  sort: null,
  dir: 'desc',
  loading: false,

  async loadTables() {
    try {
      const tables = await call('db.tables', {});
      set({ tables });
      const current = get().table;
      if (!current || !tables.some((t) => t.name === current)) {
        const first = tables.find((t) => t.name === 'documents') ?? tables[0];
        if (first) get().selectTable(first.name);
      } else {
        await get().load(get().offset);
      }
    } catch (e) {
      toastError(e, 'Could not list tables');
    }
  },

  selectTable(name) {
    const info = get().tables.find((t) => t.name === name);
    set({ table: name, sort: info?.defaultSort ?? null, dir: 'desc', rows: [], total: 0, offset: 0 });
    void get().load(0);
  },

  async load(offset = 0) {
    const { table, sort, dir } = get();
    if (!table) return;
    const mine = ++seq;
    set({ loading: true });
    try {
      const page = await call('db.rows', { table, offset, limit: DB_PAGE_SIZE, dir, ...(sort ? { sort } : {}) });
      if (mine === seq) set({ rows: page.rows, total: page.total, offset });
    } catch (e) {
      if (mine === seq) toastError(e, `Could not read ${table}`);
    } finally {
      if (mine === seq) set({ loading: false });
    }
  },

  setSort(column) {
    const { sort, dir } = get();
    set(sort === column ? { dir: dir === 'asc' ? 'desc' : 'asc' } : { sort: column, dir: 'asc' });
    void get().load(0);
  },

  async insert(values) {
    const table = get().table;
    if (!table) return false;
    try {
      const { id } = await call('db.insert', { table, values });
      toastSuccess(`Added row ${id} to ${table}`);
      await get().load(get().offset);
      return true;
    } catch (e) {
      toastError(e, 'Could not add the row');
      return false;
    }
  },

  async update(id, values) {
    const table = get().table;
    if (!table) return false;
    try {
      await call('db.update', { table, id, values });
      toastSuccess(`Saved row ${id}`);
      await get().load(get().offset);
      return true;
    } catch (e) {
      toastError(e, 'Could not save the row');
      return false;
    }
  },

  async remove(id) {
    const table = get().table;
    if (!table) return false;
    try {
      await call('db.delete', { table, id });
      toastSuccess(`Deleted row ${id} from ${table}`);
      await get().load(get().offset);
      return true;
    } catch (e) {
      toastError(e, 'Could not delete the row');
      return false;
    }
  },
}));
