import { create } from 'zustand';
import { ApiError } from '../api';
import { errorWords } from '../error-words';

export type ToastKind = 'error' | 'info' | 'success';
export interface Toast {
  id: number;
  kind: ToastKind;
  message: string;
  detail?: string;
}

interface ToastState {
  toasts: Toast[];
  push(kind: ToastKind, message: string, detail?: string): number;
  dismiss(id: number): void;
  clear(): void;
}

let nextId = 1;
const AUTO_DISMISS_MS: Record<ToastKind, number> = { error: 8000, info: 4000, success: 4000 };

export const useToasts = create<ToastState>()((set, get) => ({
  toasts: [],
  push(kind, message, detail) {
    const id = nextId++;
    set({ toasts: [...get().toasts.slice(-4), { id, kind, message, detail }] });
    setTimeout(() => get().dismiss(id), AUTO_DISMISS_MS[kind]);
    return id;
  },
  dismiss(id) {
    set({ toasts: get().toasts.filter((t) => t.id !== id) });
  },
  clear() {
    set({ toasts: [] });
  },
}));

/** Shows an error's message (never only a stack); what its code means goes in the detail line, in words. */
export function toastError(e: unknown, context?: string): void {
  const message = e instanceof Error ? e.message : String(e);
  const words = e instanceof ApiError ? errorWords(e.code) : undefined;
  useToasts.getState().push('error', context ? `${context}: ${message}` : message, words);
}

export function toastInfo(message: string): void {
  useToasts.getState().push('info', message);
}

export function toastSuccess(message: string): void {
  useToasts.getState().push('success', message);
}
