/** The library: a searchable, paged list of documents and the one being read. */
import { create } from 'zustand';
import type { DocumentDetail, DocumentRow, SearchMode } from '../../../shared/domain';
import { call } from '../api';
import { toastError } from './toasts';

export const DOCS_PAGE_SIZE = 50;
export type { SearchMode };

interface DocumentsState {
  q: string;
  mode: SearchMode;
  rows: DocumentRow[];
  total: number | null;
  offset: number;
  loading: boolean;
  selectedId: number | null;
  detail: DocumentDetail | null;
  load(offset?: number): Promise<void>;
  setQuery(q: string): void;
  setMode(mode: SearchMode): void;
  open(id: number): Promise<void>;
  close(): void;
}

let seq = 0;

export const useDocuments = create<DocumentsState>()((set, get) => ({
  q: '',
  mode: 'hybrid',
  rows: [],
  total: null,
  offset: 0,
  loading: false,
  selectedId: null,
  detail: null,

  async load(offset = 0) {
    const mine = ++seq;
    const { q, mode } = get();
    set({ loading: true });
    try {
      const page = await call('documents.list', { offset, limit: DOCS_PAGE_SIZE, mode, ...(q.trim() ? { q: q.trim() } : {}) });
      if (mine === seq) set({ rows: page.rows, total: page.total, offset });
    } catch (e) {
      if (mine === seq) toastError(e, q.trim() ? 'Search failed' : 'Could not list documents');
    } finally {
      if (mine === seq) set({ loading: false });
    }
  },

  setQuery(q) {
    set({ q });
  },

  setMode(mode) {
    set({ mode });
    void get().load(0);
  },

  async open(id) {
    set({ selectedId: id });
    try {
      const detail = await call('documents.get', { id });
      if (get().selectedId === id) set({ detail });
    } catch (e) {
      toastError(e, 'Could not open the document');
    }
  },

  close() {
    set({ selectedId: null, detail: null });
  },
}));
